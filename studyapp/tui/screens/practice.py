"""Practice: one question at a time, every option explained after submitting, the scene running.

Each submitted answer goes to the progress store at once (its own transaction) through the
study session; scoring follows the study layer's rules. The screen keeps only what the
learner did in this sitting: the choices, confidence, flags and skips per question.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static

from studyapp.content.models import Question, Scene
from studyapp.content.text import Text as Bilingual
from studyapp.descent import DescentError
from studyapp.study import ScoredAnswer, StoreError
from studyapp.tui.screens.answering import ChoosesOptions, ShowsScene, choose_bindings, verdict_words
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.session import score
from studyapp.tui.simrun import SceneSpec
from studyapp.tui.widgets.footer import LocalizedFooter
from studyapp.tui.widgets.options import OptionsView
from studyapp.tui.widgets.simulation import SimulationPanel

CONFIDENCE_GROUP = Binding.Group("key.confidence", compact=True)
LR_GROUP = Binding.Group("key.lr", compact=True)
SPEED_GROUP = Binding.Group("key.speed", compact=True)


@dataclass
class Attempt:
    """What the learner did with one question in this sitting."""

    chosen: set[str] = field(default_factory=set)
    confidence: str | None = None
    scored: ScoredAnswer | None = None
    flagged: bool = False
    skipped: bool = False
    shown_at: float | None = None
    saved: bool = False


@dataclass(frozen=True)
class Outcome:
    """The sitting's totals, for the summary at the end of the bank."""

    total: int
    answered: int
    right: int
    skipped: int
    flagged: tuple[str, ...]


class PracticeScreen(ChoosesOptions, ShowsScene, StudyScreen):
    """Answer a bank's questions in order; Enter submits, then moves on."""

    record_answers = True  # False where answers are not the learner's progress (an author's preview)

    BINDINGS = [
        *choose_bindings(),
        Binding("space", "toggle", "key.toggle"),
        Binding("enter", "submit", "key.submit", priority=True),
        Binding("enter", "next", "key.next", priority=True),
        Binding("s", "confidence('sure')", "key.sure", group=CONFIDENCE_GROUP),
        Binding("n", "confidence('unsure')", "key.unsure", group=CONFIDENCE_GROUP),
        Binding("w", "confidence('guessing')", "key.guessing", group=CONFIDENCE_GROUP),
        Binding("right", "next", "key.next", show=False),
        Binding("right", "skip", "key.skip", key_display="→"),
        Binding("left", "previous", "key.previous", key_display="←"),
        Binding("m", "flag", "key.flag"),
        Binding("p", "sim('toggle_play')", "key.play"),
        Binding("plus,equals_sign", "sim('raise_lr')", "key.lr_up", key_display="+", group=LR_GROUP),
        Binding("minus", "sim('lower_lr')", "key.lr_down", key_display="-", group=LR_GROUP),
        Binding("left_square_bracket", "sim('slower')", "key.slower", key_display="[", group=SPEED_GROUP),
        Binding("right_square_bracket", "sim('faster')", "key.faster", key_display="]", group=SPEED_GROUP),
        Binding("full_stop", "sim('step_once')", "key.step", key_display=".", show=False),
        Binding("r", "sim('restart')", "key.restart", show=False),
        Binding("z", "toggle_plot", "key.plot"),
        Binding("escape", "app.home", "key.back"),
    ]
    FOOTER_SPARE = ("key.flag", "key.plot", "key.speed", "key.confidence")  # the confidence keys are in the instruction

    def __init__(self, title: Bilingual, questions: Sequence[Question]) -> None:
        super().__init__()
        self.bank_title = title
        self.questions = tuple(questions)
        self.attempts = [Attempt() for _ in self.questions]
        self.index = 0
        self._specs: dict[int, SceneSpec | DescentError] = {}  # by id() of the content Scene

    def compose(self) -> ComposeResult:
        yield Static(id="practice-top", markup=False)
        with Horizontal(id="practice-body"):
            with Vertical(id="question-pane"):
                yield Static(id="stem", markup=False)
                yield Static(id="instruction", markup=False)
                yield Static(id="verdict", markup=False)
                yield OptionsView(id="options")
            with Vertical(id="sim-column"):
                yield Static(id="scene-source", markup=False)
                yield SimulationPanel(id="sim", autoplay=getattr(self.app, "animate", True))
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.query_one(OptionsView).focus()
        if self.questions:
            self.show_question(0)

    def set_questions(self, title: Bilingual, questions: Sequence[Question]) -> None:
        """Show another set of questions (a reloaded file), keeping the place and what was done
        with questions whose id and content are unchanged."""
        kept = {
            (question.id, question.content_hash): attempt for question, attempt in zip(self.questions, self.attempts, strict=True)
        }
        current = self.question.id if self.questions else None
        self.bank_title = title
        self.questions = tuple(questions)
        self.attempts = [kept.get((q.id, q.content_hash), Attempt()) for q in self.questions]
        self._specs.clear()
        ids = [question.id for question in self.questions]
        if self.questions:
            self.show_question(ids.index(current) if current in ids else min(self.index, len(ids) - 1))

    # --- state ----------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    @property
    def attempt(self) -> Attempt:
        return self.attempts[self.index]

    @property
    def submitted(self) -> bool:
        return self.attempt.scored is not None

    @property
    def panel(self) -> SimulationPanel:
        return self.query_one(SimulationPanel)

    def outcome(self) -> Outcome:
        answered = [a for a in self.attempts if a.scored is not None]
        return Outcome(
            total=len(self.questions),
            answered=len(answered),
            right=sum(a.scored.correct for a in answered),
            skipped=sum(a.skipped and a.scored is None for a in self.attempts),
            flagged=tuple(q.id for q, a in zip(self.questions, self.attempts, strict=True) if a.flagged),
        )

    # --- drawing --------------------------------------------------------------------------

    def show_question(self, index: int) -> None:
        self.index = index
        if self.attempt.shown_at is None:
            self.attempt.shown_at = time.monotonic()
        options = self.query_one(OptionsView)
        options.highlighted = None
        self.relabel()
        options.highlighted = 0 if self.question.options else None
        options.scroll_home(animate=False)
        self.show_scene_for(None)
        self.refresh_bindings()

    def relabel(self) -> None:
        if not self.questions:
            return
        question, attempt, lang = self.question, self.attempt, self.lang
        top = f"{self.bank_title.get(lang)} · {self.t('practice.progress', index=self.index + 1, total=len(self.questions))}"
        if attempt.flagged:
            top += f" · ⚑ {self.t('practice.flagged')}"
        self.query_one("#practice-top", Static).update(top)
        self.query_one("#stem", Static).update(question.stem.get(lang))
        how = self.t("practice.multi" if question.kind == "multi" else "practice.single")
        value = self.t(f"confidence.{attempt.confidence}") if attempt.confidence else self.t("practice.confidence.none")
        self.query_one("#instruction", Static).update(f"{how} · {self.t('practice.confidence', value=value)}")
        self.query_one("#verdict", Static).update(self._verdict())
        self.query_one("#verdict").display = self.submitted
        self.query_one(OptionsView).show(question, lang, attempt.chosen, attempt.scored)
        self.panel.lang = lang
        self._label_scene_source()

    def _verdict(self) -> str:
        scored = self.attempt.scored
        if scored is None:
            return ""
        return " · ".join(verdict_words(scored, self.t))

    # --- the scene ------------------------------------------------------------------------

    def scene_for(self, key: str | None) -> tuple[Scene | None, str | None]:
        """The scene to show and whose it is: the highlighted option's own, else the question's."""
        if not self.submitted:
            return None, None
        option = self.question.option(key) if key is not None else None
        if option is not None and option.scene is not None:
            return option.scene, key
        return self.question.scene, None

    def show_scene_for(self, key: str | None) -> None:
        scene, _ = self.scene_for(key)
        spec = self.scene_spec_of(scene)
        if isinstance(spec, DescentError):
            self.panel.show_scene(None, note=str(spec))
        elif spec is None:
            self.panel.show_scene(None, note=self.t("practice.scene_after" if not self.submitted else "practice.no_scene"))
        else:
            self.panel.show_scene(spec)
        self._label_scene_source()
        self.refresh_bindings()

    def _label_scene_source(self) -> None:
        scene, owner = self.scene_for(self.query_one(OptionsView).highlighted_key)
        if not self.submitted:
            text = ""
        elif scene is None:
            text = self.t("practice.no_scene")
        elif owner is not None:
            text = self.t("practice.scene_of", key=owner)
        else:
            text = self.t("practice.scene_question")
        self.query_one("#scene-source", Static).update(text)

    @on(OptionList.OptionHighlighted, "#options")
    def _highlight_moved(self, event: OptionList.OptionHighlighted) -> None:
        if self.submitted:
            self.show_scene_for(event.option.id)

    # --- answering ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.questions:
            return True
        submitted = self.submitted
        if action in ("choose", "confidence"):
            if submitted:
                return False
            if action == "choose":
                return self.question.option(str(parameters[0])) is not None
            return True
        if action == "toggle":
            return not submitted and self.question.kind == "multi"
        if action == "submit":
            return not submitted
        if action == "next":
            return submitted
        if action == "skip":
            return not submitted
        if action == "previous":
            return self.index > 0
        if action == "sim":
            return self.panel.playthrough is not None and not self.plot_hidden
        return True

    def chosen_keys(self) -> set[str]:
        return self.attempt.chosen

    def confidence_record(self) -> Attempt:
        return self.attempt

    def action_submit(self) -> None:
        attempt = self.attempt
        if self.question.kind == "single":
            key = self.query_one(OptionsView).highlighted_key
            if key is not None:
                attempt.chosen = {key}
        if not attempt.chosen:
            self.notify(self.t("practice.choose_first"), severity="warning")
            return
        attempt.scored = score(self.question, attempt.chosen)
        attempt.skipped = False
        if self.record_answers:
            self._record(attempt)
        self.relabel()
        self.show_scene_for(self.query_one(OptionsView).highlighted_key)

    def _record(self, attempt: Attempt) -> None:
        """Write the answer to the progress store now, in its own transaction."""
        session = self.app.session
        elapsed_ms = int((time.monotonic() - (attempt.shown_at or time.monotonic())) * 1000)
        try:
            if session is None:
                raise StoreError(self.t("home.loading"))
            session.submit(
                self.question, attempt.scored, lang=self.lang, confidence=attempt.confidence, time_ms=elapsed_ms
            )
        except StoreError as error:
            self.notify(self.t("practice.not_saved", error=str(error)), severity="error", timeout=8)
            return
        attempt.saved = True

    @on(OptionList.OptionSelected, "#options")
    def _option_clicked(self, event: OptionList.OptionSelected) -> None:
        """A click chooses the option (on single questions it submits); after submitting, a click
        only moves the highlight, which shows that option's scene."""
        if self.submitted:
            return
        if self.question.kind == "multi":
            self.action_choose(event.option.id)
        else:
            self.action_submit()

    # --- moving through the bank ----------------------------------------------------------

    def action_next(self) -> None:
        if self.index + 1 < len(self.questions):
            self.show_question(self.index + 1)
        else:
            self.finish()

    def action_skip(self) -> None:
        self.attempt.skipped = True
        self.action_next()

    def action_previous(self) -> None:
        if self.index > 0:
            self.show_question(self.index - 1)

    def action_flag(self) -> None:
        self.attempt.flagged = not self.attempt.flagged
        self.relabel()

    def finish(self) -> None:
        from studyapp.tui.screens.summary import SummaryScreen

        self.panel.set_playing(False)
        self.app.switch_screen(SummaryScreen(self.bank_title, self.outcome()))
