"""Review: what is due now — questions and concept cards from every bank — graded with FSRS.

A question is answered as in Practice and graded automatically by the study layer (wrong →
Again; right but unsure or slow → Hard; right → Good; right, sure and quick → Easy); the
grade is shown and 1–4 overrule it. A card shows its front; Space turns it over and 1–4
grade it. `u` undoes the last grade of this sitting and returns to that item. A wrong answer
brings the linked concept cards forward (the Reviewer does it) and they join this sitting.

Cram (`x`) goes through every item in scope, weakest first, and never changes the schedule:
answers are still recorded (mode "cram"), but no card state or review log is written.

The same screen looks back at a finished mock exam's answers (explanations and scenes, no
grading), and Flashcards is this screen limited to concept cards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fsrs import Rating
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static

from studyapp.content.models import Card, Question, Scene
from studyapp.descent import DescentError
from studyapp.study import QueueEntry, Reviewer, ScoredAnswer, StoreError
from studyapp.tui.plotting import clip_cells
from studyapp.tui.screens.answering import ChoosesOptions, ShowsScene, choose_bindings, verdict_words
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.session import expected_ms, score
from studyapp.tui.simrun import SceneSpec
from studyapp.tui.widgets.card_face import CardFace
from studyapp.tui.widgets.footer import LocalizedFooter
from studyapp.tui.widgets.options import OptionsView
from studyapp.tui.widgets.simulation import SimulationPanel

CONFIDENCE_GROUP = Binding.Group("key.confidence", compact=True)
LR_GROUP = Binding.Group("key.lr", compact=True)
SPEED_GROUP = Binding.Group("key.speed", compact=True)
#: A drill of weak topics takes at most this many items, weakest first.
DRILL_SIZE = 20
#: "Added to review: …" names this many cards, one a line, each cut to this many cells (fits 80 columns).
ADDED_NAMES = 2
CARD_NAME_CELLS = 34


def sitting_reviewer(session, *, cram: bool = False) -> Reviewer:
    """A reviewer for one sitting: its own undo history, the app's store, scheduler, clock and zone."""
    base: Reviewer = session.reviewer
    return Reviewer(session.store, scheduler=base.scheduler, cram=cram, now=base.now, zone=base.zone)


def unanswered(question: Question) -> ScoredAnswer:
    """The verdict on a question left without an answer (time ran out): wrong, every correct key missed."""
    correct = tuple(sorted(question.correct_keys))
    return ScoredAnswer(chosen=(), correct_keys=correct, correct=False, missed=correct, wrongly_chosen=())


@dataclass(frozen=True)
class Scope:
    """What a sitting covers: kinds of item, optionally only some items, and their order.

    `order` is "due" (the due queue with the daily new limit), "weakest" (every item in
    scope, lowest predicted recall first, graded: a drill) or "given" (the items as listed).
    """

    title_key: str = "review.title"
    kinds: tuple[str, ...] = ("question", "card")
    items: tuple[str, ...] | None = None
    order: str = "due"
    limit: int | None = None


@dataclass(eq=False)
class Step:
    """One item of the sitting and what the learner did with it."""

    item_id: str
    kind: str
    chosen: set[str] = field(default_factory=set)
    confidence: str | None = None
    scored: ScoredAnswer | None = None
    flipped: bool = False
    shown_at: float | None = None
    time_ms: int | None = None
    rating: Rating | None = None
    automatic: bool = False
    brought_forward: tuple[str, ...] = ()
    added_by: Step | None = None  # the wrong answer that brought this card into the sitting
    locked: bool = False  # answered elsewhere (a mock exam): shown, never graded here

    @property
    def answered(self) -> bool:
        return self.scored is not None if self.kind == "question" else self.flipped


class ReviewScreen(ChoosesOptions, ShowsScene, StudyScreen):
    """Go through a queue of questions and cards, grading each; Esc returns."""

    SCENE_COLUMN = "#rv-sim-column"

    CSS_PATH = "review.tcss"
    BINDINGS = [
        *choose_bindings(),
        *(Binding(str(int(rating)), f"grade({int(rating)})", f"grade.{int(rating)}") for rating in Rating),
        Binding("space", "flip", "review.key.flip"),
        Binding("space", "toggle", "key.toggle"),
        Binding("enter", "submit", "key.submit", priority=True),
        Binding("enter", "flip", "review.key.flip", show=False, priority=True),
        Binding("enter", "next", "key.next", priority=True),
        Binding("enter", "finish", "review.key.finish", priority=True),
        Binding("s", "confidence('sure')", "key.sure", group=CONFIDENCE_GROUP),
        Binding("n", "confidence('unsure')", "key.unsure", group=CONFIDENCE_GROUP),
        Binding("w", "confidence('guessing')", "key.guessing", group=CONFIDENCE_GROUP),
        Binding("u", "undo", "review.key.undo"),
        Binding("left", "previous", "key.previous", key_display="←"),
        Binding("x", "toggle_cram", "review.key.cram"),
        Binding("p", "sim('toggle_play')", "key.play"),
        Binding("plus,equals_sign", "sim('raise_lr')", "key.lr_up", key_display="+", group=LR_GROUP),
        Binding("minus", "sim('lower_lr')", "key.lr_down", key_display="-", group=LR_GROUP),
        Binding("left_square_bracket", "sim('slower')", "key.slower", key_display="[", group=SPEED_GROUP, show=False),
        Binding("right_square_bracket", "sim('faster')", "key.faster", key_display="]", group=SPEED_GROUP, show=False),
        Binding("full_stop", "sim('step_once')", "key.step", key_display=".", show=False),
        Binding("r", "sim('restart')", "key.restart", show=False),
        Binding("z", "toggle_plot", "key.plot"),
        Binding("escape", "back", "key.back"),
    ]
    FOOTER_SPARE = ("key.plot", "key.play", "key.lr", "review.key.cram", "key.confidence", "review.key.undo")

    def __init__(
        self,
        scope: Scope | None = None,
        *,
        cram: bool = False,
        answers: Mapping[str, Sequence[str]] | None = None,
        start: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`answers` (question id -> chosen keys) makes a look-back at answers given elsewhere."""
        super().__init__()
        self.scope = scope or Scope()
        self.cram = cram
        self.answers = dict(answers) if answers is not None else None
        self.clock = clock
        self.steps: list[Step] = []
        self.index = start
        self.graded: list[Step] = []  # graded in this sitting, in order: what `u` undoes
        self.tallies: dict[bool, dict[Rating, int]] = {mode: {rating: 0 for rating in Rating} for mode in (False, True)}
        self.notice = ""  # one line under the verdict: "grade undone…", a store error
        self._specs: dict[int, SceneSpec | DescentError] = {}
        self._reviewers: dict[bool, Reviewer] = {}
        self._ready = False  # the widgets exist (is_mounted turns true only after on_mount)

    @property
    def tally(self) -> dict[Rating, int]:
        """Grades given in this sitting in the current mode (scheduled or cram)."""
        return self.tallies[self.cram]

    @property
    def looking_back(self) -> bool:
        return self.answers is not None

    def compose(self) -> ComposeResult:
        yield Static(id="rv-top", markup=False)
        yield Static(id="rv-mode", markup=False)
        with Horizontal(id="rv-body"):
            with Vertical(id="rv-item"):
                with Vertical(id="rv-question"):
                    yield Static(id="rv-stem", markup=False)
                    yield Static(id="rv-instruction", markup=False)
                    yield Static(id="rv-verdict", markup=False)
                    yield OptionsView(id="rv-options")
                yield CardFace(id="rv-card")
                yield Static(id="rv-card-status", markup=False)
                yield Static(id="rv-end", markup=False)
            with Vertical(id="rv-sim-column"):
                yield Static(id="rv-scene-source", markup=False)
                yield SimulationPanel(id="rv-sim", autoplay=self.app.animate)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self._ready = True
        self.steps = self.build_steps()
        self.show_step(min(self.index, len(self.steps)))

    # --- the queue --------------------------------------------------------------------------

    @property
    def library(self):
        return self.app.library

    @property
    def session(self):
        return self.app.session

    def reviewer(self) -> Reviewer:
        """This sitting's reviewer for the current mode (made once per mode, so undo keeps its history)."""
        if self.cram not in self._reviewers:
            self._reviewers[self.cram] = sitting_reviewer(self.session, cram=self.cram)
        return self._reviewers[self.cram]

    def scope_items(self) -> dict[str, str]:
        """Items (id -> kind) the scope covers, in study order, that the loaded content has."""
        kinds = self.session.catalog.kinds
        wanted = kinds if self.scope.items is None else {item: kinds[item] for item in self.scope.items if item in kinds}
        return {item: kind for item, kind in wanted.items() if kind in self.scope.kinds}

    def build_steps(self) -> list[Step]:
        if self.looking_back:
            steps = []
            for question_id, chosen in self.answers.items():
                question = self.library.questions.get(question_id)
                if question is None:
                    continue
                scored = score(question, chosen) if chosen else unanswered(question)
                steps.append(Step(question_id, "question", chosen=set(chosen), scored=scored, locked=True))
            return steps
        items = self.scope_items()
        reviewer = self.reviewer()
        if self.cram or self.scope.order == "weakest":
            entries: list[QueueEntry] = reviewer.cram_queue(items)
        elif self.scope.order == "given":
            entries = [QueueEntry(item, kind, None) for item, kind in items.items()]
        else:
            entries = reviewer.due_queue(items)
        if self.scope.limit is not None and not self.cram:
            entries = entries[: self.scope.limit]
        return [Step(entry.item_id, entry.kind) for entry in entries]

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def question(self) -> Question | None:
        step = self.step
        return self.library.questions.get(step.item_id) if step is not None and step.kind == "question" else None

    @property
    def card(self) -> Card | None:
        step = self.step
        return self.library.cards.get(step.item_id) if step is not None and step.kind == "card" else None

    @property
    def panel(self) -> SimulationPanel:
        return self.query_one(SimulationPanel)

    # --- drawing ----------------------------------------------------------------------------

    def show_step(self, index: int) -> None:
        self.index = index
        step = self.step
        if step is not None and step.shown_at is None:
            step.shown_at = self.clock()
        options = self.query_one(OptionsView)
        options.highlighted = None
        self.relabel()
        if self.question is not None:
            options.highlighted = 0
            options.scroll_home(animate=False)
            options.focus()  # arrows move through the options
        elif self.card is not None:
            self.query_one(CardFace).focus()  # arrows scroll a long back
        self.show_scene_for(None)
        self.refresh_bindings()

    def relabel(self) -> None:
        if not self._ready:
            return
        step, lang = self.step, self.lang
        self.query_one("#rv-top", Static).update(self._top_line())
        banner = self.query_one("#rv-mode", Static)
        banner.update(self.t("review.cram_banner") if self.cram else "")
        banner.display = self.cram
        self.query_one("#rv-question").display = self.question is not None
        self.query_one(CardFace).display = self.card is not None
        self.query_one("#rv-card-status").display = self.card is not None
        self.query_one("#rv-end").display = step is None
        if self.question is not None:
            self._draw_question(step, self.question)
        elif self.card is not None:
            self.query_one(CardFace).show(self.card, lang, flipped=step.flipped)
            status = self._card_status(step) if step.flipped else self.t("review.flip_hint")
            self.query_one("#rv-card-status", Static).update(status)
        else:
            self.query_one("#rv-end", Static).update(self._end_text())
        self.panel.lang = lang
        self._label_scene_source()

    def _top_line(self) -> str:
        title = self.t(self.scope.title_key)
        if self.step is None:
            return title
        kind = self.t(f"review.kind.{self.step.kind}")
        return f"{title} · {self.t('review.progress', index=self.index + 1, total=len(self.steps))} · {kind}"

    def _draw_question(self, step: Step, question: Question) -> None:
        lang = self.lang
        self.query_one("#rv-stem", Static).update(question.stem.get(lang))
        if step.scored is None:
            how = self.t("practice.multi" if question.kind == "multi" else "practice.single")
            value = self.t(f"confidence.{step.confidence}") if step.confidence else self.t("practice.confidence.none")
            instruction = f"{how} · {self.t('practice.confidence', value=value)}"
        else:
            instruction = ""
        self.query_one("#rv-instruction", Static).update(instruction)
        self.query_one("#rv-instruction").display = bool(instruction)
        verdict = self._verdict(step)
        self.query_one("#rv-verdict", Static).update(verdict)
        self.query_one("#rv-verdict").display = bool(verdict)
        self.query_one(OptionsView).show(question, lang, step.chosen, step.scored)

    def _verdict(self, step: Step) -> str:
        scored = step.scored
        if scored is None:
            return ""
        if not scored.chosen:
            parts = [self.t("review.unanswered")]
        else:
            parts = verdict_words(scored, self.t)
        lines = [" · ".join(parts)]
        if step.locked:
            if scored.chosen:
                lines.append(self.t("review.exam_answer"))
        else:
            lines.append(self._grade_line(step))
        if step.brought_forward:
            lines.extend(self._added_lines(step.brought_forward))
        if self.notice:
            lines.append(self.notice)
        return "\n".join(lines)

    def _grade_line(self, step: Step) -> str:
        if self.cram:
            return self.t("review.cram_graded", grade=self.t(f"grade.{int(step.rating)}")) if step.rating else ""
        if step.rating is None:
            return self.t("review.ungraded")
        how = "review.graded_auto" if step.automatic else "review.graded"
        return self.t(how, grade=self.t(f"grade.{int(step.rating)}"))

    def _card_status(self, step: Step) -> str:
        """Under a turned card: what 1–4 do here, and the last notice (an undone grade)."""
        line = self.t("review.cram_card") if self.cram else self._grade_line(step)
        return "\n".join(text for text in (line, self.notice) if text)

    def _added_lines(self, cards: Sequence[str]) -> list[str]:
        """The cards a wrong answer brought forward: how many, then the first few by name, one a line
        (a name never wraps into the next one)."""
        names = [f"  {self._card_name(card)}" for card in cards[:ADDED_NAMES]]
        if len(cards) > ADDED_NAMES:
            names.append(f"  {self.t('review.added_more', count=len(cards) - ADDED_NAMES)}")
        return [self.t("review.added", count=len(cards)), *names]

    def _card_name(self, card_id: str) -> str:
        card = self.library.cards.get(card_id)
        return clip_cells(card.front.get(self.lang), CARD_NAME_CELLS) if card is not None else card_id

    def _end_text(self) -> str:
        if not self.steps:
            return self._nothing_due_text()
        if self.looking_back:
            return f"{self.t('review.end_exam')}\n{self.t('review.end_back')}"
        done = sum(self.tally.values())
        counts = " · ".join(f"{self.t(f'grade.{int(rating)}')} {count}" for rating, count in self.tally.items())
        key = "review.end_cram" if self.cram else "review.end"
        lines = [self.t(key, count=done), counts if done else ""]
        if self.graded:
            lines.append(self.t("review.end_undo"))
        lines.append(self.t("review.end_back"))
        return "\n".join(line for line in lines if line)

    def _nothing_due_text(self) -> str:
        if self.looking_back:
            return self.t("review.nothing")
        reviewer = self.reviewer()
        lines = [self.t("review.nothing_due")]
        upcoming = self._next_due(reviewer)
        if upcoming is not None:
            local = upcoming.astimezone(reviewer.zone)
            lines.append(self.t("review.next_due", when=local.strftime("%Y-%m-%d %H:%M")))
        try:
            limit = self.session.store.settings().daily_new_limit
            lines.append(self.t("review.new_today", used=limit - reviewer.new_allowance(), limit=limit))
        except StoreError:
            pass
        if not self.cram:
            lines.append(self.t("review.cram_hint"))
        lines.append(self.t("review.end_back"))
        return "\n".join(lines)

    def _next_due(self, reviewer: Reviewer) -> datetime | None:
        items = self.scope_items()
        try:
            records = self.session.store.cards()
        except StoreError:
            return None
        now = reviewer.now()
        return min((record.card.due for item, record in records.items() if item in items and record.card.due > now), default=None)

    # --- the scene --------------------------------------------------------------------------

    def scene_for(self, key: str | None) -> tuple[Scene | None, str | None]:
        """The scene to show and whose it is: an answered question's highlighted option, else the
        question's own; a turned card's own; nothing before the answer."""
        step = self.step
        if step is None or not step.answered:
            return None, None
        if self.card is not None:
            return self.card.scene, None
        question = self.question
        option = question.option(key) if key is not None else None
        if option is not None and option.scene is not None:
            return option.scene, key
        return question.scene, None

    def show_scene_for(self, key: str | None) -> None:
        scene, _ = self.scene_for(key)
        spec = self.scene_spec_of(scene)
        step = self.step
        if isinstance(spec, DescentError):
            self.panel.show_scene(None, note=str(spec))
        elif spec is None:
            waiting = step is not None and not step.answered
            self.panel.show_scene(None, note=self.t("review.scene_after" if waiting else "review.no_scene"))
        else:
            self.panel.show_scene(spec)
        self._label_scene_source()
        self.refresh_bindings()

    def _label_scene_source(self) -> None:
        step = self.step
        scene, owner = self.scene_for(self.query_one(OptionsView).highlighted_key)
        if step is None or not step.answered:
            text = ""
        elif scene is None:
            text = self.t("review.no_scene")
        elif owner is not None:
            text = self.t("practice.scene_of", key=owner)
        elif self.card is not None:
            text = self.t("review.scene_card")
        else:
            text = self.t("practice.scene_question")
        self.query_one("#rv-scene-source", Static).update(text)

    @on(OptionList.OptionHighlighted, "#rv-options")
    def _highlight_moved(self, event: OptionList.OptionHighlighted) -> None:
        step = self.step
        if step is not None and step.answered:
            self.show_scene_for(event.option.id)

    # --- what the keys may do ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step, question, card = self.step, self.question, self.card
        if action in ("back", "toggle_plot"):
            return True
        if action == "sim":
            return self.panel.playthrough is not None and not self.plot_hidden
        if action == "toggle_cram":
            return not self.looking_back
        if action == "undo":
            return not self.cram and bool(self.graded)
        if action == "previous":
            return self.looking_back and self.index > 0
        if action == "finish":
            return step is None
        if step is None:
            return False
        if not step.answered:
            if card is not None:
                return action == "flip"
            if action == "choose":
                return question.option(str(parameters[0])) is not None
            if action == "toggle":
                return question.kind == "multi"
            return action in ("confidence", "submit")
        if action == "grade":  # a turned card; an answered question (to overrule, or after an undo)
            return card is not None or not (step.locked or self.cram)
        if action == "next":
            return step.locked or self.cram or (question is not None and step.rating is not None)
        return False

    # --- answering a question ---------------------------------------------------------------

    def chosen_keys(self) -> set[str]:
        return self.step.chosen

    def confidence_record(self) -> Step:
        return self.step

    def action_submit(self) -> None:
        step, question = self.step, self.question
        if question.kind == "single":
            key = self.query_one(OptionsView).highlighted_key
            if key is not None:
                step.chosen = {key}
        if not step.chosen:
            self.notify(self.t("practice.choose_first"), severity="warning")
            return
        scored = score(question, step.chosen)
        step.time_ms = int((self.clock() - (step.shown_at or self.clock())) * 1000)
        self.notice = ""
        try:
            submission = self.reviewer().submit(
                question.id,
                scored,
                time_ms=step.time_ms,
                content_hash=question.content_hash,
                expected_ms=expected_ms(question, self.lang),
                confidence=step.confidence,
                mode="review",
                linked_cards=self.session.catalog.cards_for_wrong_answer(question.id, scored.chosen),
            )
        except StoreError as error:
            self.notify(self.t("practice.not_saved", error=str(error)), severity="error", timeout=8)
            return
        step.scored = scored
        self._graded(step, submission.rating, submission.grade.brought_forward, automatic=True)
        self.relabel()
        self.show_scene_for(self.query_one(OptionsView).highlighted_key)

    @on(OptionList.OptionSelected, "#rv-options")
    def _option_clicked(self, event: OptionList.OptionSelected) -> None:
        step = self.step
        if step is None or self.question is None:
            return
        if step.scored is None:
            if self.question.kind == "multi":
                self.action_choose(event.option.id)
            else:
                self.action_submit()

    # --- grading ----------------------------------------------------------------------------

    def _graded(self, step: Step, rating: Rating, brought_forward: Sequence[str], *, automatic: bool) -> None:
        """Note a grade given to `step` (and the cards it brought forward, which join the sitting)."""
        self.tally[rating] += 1
        if step.rating is not None:
            self.tally[step.rating] -= 1
        step.rating, step.automatic = rating, automatic
        if self.cram:
            return
        if self.graded[-1:] != [step]:
            self.graded.append(step)
        step.brought_forward = tuple(brought_forward)
        ahead = {later.item_id for later in self.steps[self.index + 1 :]}
        for card_id in step.brought_forward:
            if card_id not in ahead and card_id in self.library.cards:
                self.steps.append(Step(card_id, "card", added_by=step))

    def action_grade(self, value: int) -> None:
        step = self.step
        rating = Rating(value)
        self.notice = ""
        if self.cram:  # a card in cram: counted for the sitting, nothing written
            self.tally[rating] += 1
            step.rating = rating
            self.show_step(self.index + 1)
            return
        reviewer = self.reviewer()
        try:
            if step.rating is not None and self.graded and self.graded[-1] is step:
                result = reviewer.overrule(rating)
            else:
                if step.time_ms is None:
                    step.time_ms = int((self.clock() - (step.shown_at or self.clock())) * 1000)
                wrong = step.scored is not None and not step.scored.correct
                forward = self.session.catalog.cards_for_wrong_answer(step.item_id, step.scored.chosen) if wrong else ()
                result = reviewer.grade(step.item_id, step.kind, rating, duration_ms=step.time_ms, bring_forward=forward)
        except StoreError as error:
            self.notify(self.t("review.not_saved", error=str(error)), severity="error", timeout=8)
            return
        moved = result.brought_forward if result is not None else ()
        self._graded(step, rating, moved, automatic=False)
        if step.kind == "card":
            self.show_step(self.index + 1)
        else:
            self.relabel()
            self.refresh_bindings()

    def action_undo(self) -> None:
        """Undo the sitting's last grade and go back to that item, answered but ungraded."""
        try:
            undone = self.reviewer().undo()
        except StoreError as error:
            self.notify(self.t("review.not_saved", error=str(error)), severity="error", timeout=8)
            return
        if undone is None:
            return
        step = self.graded.pop()
        if step.rating is not None:
            self.tallies[False][step.rating] -= 1
        step.rating, step.automatic = None, False
        self.steps = [later for later in self.steps if later.added_by is not step or later.shown_at is not None]
        step.brought_forward = ()
        if step not in self.steps:
            self.steps.insert(min(self.index, len(self.steps)), step)
        self.notice = self.t("review.undone", grade=self.t(f"grade.{int(undone.rating)}"))
        self.show_step(self.steps.index(step))

    # --- moving -----------------------------------------------------------------------------

    def action_flip(self) -> None:
        self.step.flipped = True
        self.notice = ""
        self.relabel()
        self.show_scene_for(None)

    def action_next(self) -> None:
        self.notice = ""
        self.show_step(self.index + 1)

    def action_previous(self) -> None:
        if self.index > 0:
            self.show_step(self.index - 1)

    def action_toggle_cram(self) -> None:
        """Switch between the schedule and cram; the queue is rebuilt for the new mode."""
        self.cram = not self.cram
        self.notice = ""
        self.steps = self.build_steps()
        self.show_step(0)
        self.notify(self.t("review.cram_on" if self.cram else "review.cram_off"), timeout=4)

    def action_back(self) -> None:
        self.panel.set_playing(False)
        self.app.pop_screen()

    def action_finish(self) -> None:
        self.action_back()


def can_study(app) -> bool:
    """The modes need the content and a working progress store."""
    session = getattr(app, "session", None)
    return getattr(app, "library", None) is not None and session is not None and session.store is not None


def open_review(app) -> None:
    """Review everything due now (Home's `r`, the command palette)."""
    if can_study(app):
        app.push_screen(ReviewScreen())


def open_drill(app, topics: Sequence[str]) -> None:
    """Review the items of `topics`, weakest first, graded (the dashboard's "drill these")."""
    if can_study(app) and topics:
        items = tuple(app.session.catalog.items_in_topics(topics))
        app.push_screen(ReviewScreen(Scope(title_key="review.title.drill", items=items, order="weakest", limit=DRILL_SIZE)))


STUDY_MODES = ("review", "flashcards", "exam", "dashboard")


def open_mode(app, mode: str) -> None:
    """Open a study mode by name (Home's keys, the command palette); each loads on first use."""
    if mode == "review":
        open_review(app)
    elif mode == "flashcards":
        from studyapp.tui.screens.flashcards import open_flashcards

        open_flashcards(app)
    elif mode == "exam":
        from studyapp.tui.screens.exam import open_exam

        open_exam(app)
    elif mode == "dashboard":
        from studyapp.tui.screens.dashboard import open_dashboard

        open_dashboard(app)
    else:
        raise ValueError(f"unknown study mode {mode!r}")
