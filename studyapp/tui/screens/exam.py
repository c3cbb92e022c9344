"""Mock exam: N questions drawn across topics, an optional time limit, no feedback until the end.

Each answer is recorded when it is given (mode "exam") and graded like any other retrieval,
so the schedule and the statistics learn from the exam; the learner sees nothing of it until
the report. Time spent on each question is summed over every visit. The countdown reads an
injectable monotonic clock, so tests move time by hand instead of sleeping; when it reaches
zero the exam ends and unanswered questions count as wrong.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static

from studyapp.content.models import Question
from studyapp.study import ExamItem, ExamResult, StoreError, draw_exam_questions
from studyapp.study.exam import DEFAULT_EXAM_SIZE
from studyapp.study.records import new_id
from studyapp.tui.i18n import tr
from studyapp.tui.screens.answering import ChoosesOptions, choose_bindings
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.review import can_study, sitting_reviewer
from studyapp.tui.session import expected_ms, score
from studyapp.tui.widgets.countdown import Countdown
from studyapp.tui.widgets.footer import LocalizedFooter
from studyapp.tui.widgets.options import OptionsView

#: How often the countdown is redrawn and checked.
TICK_SECONDS = 0.25
#: The longest time limit the setup accepts, in minutes.
MAX_MINUTES = 600


@dataclass(frozen=True)
class ExamPlan:
    """How many questions, and the time limit in minutes (None: untimed)."""

    questions: int = DEFAULT_EXAM_SIZE
    minutes: int | None = None


def parse_plan(count_text: str, minutes_text: str, available: int) -> ExamPlan | str:
    """The plan typed in the setup, or the i18n key of what is wrong with it."""
    try:
        count = int(count_text.strip())
    except ValueError:
        return "exam.setup.bad_count"
    if not 1 <= count <= available:
        return "exam.setup.bad_count"
    if not minutes_text.strip():
        return ExamPlan(count, None)
    try:
        minutes = int(minutes_text.strip())
    except ValueError:
        return "exam.setup.bad_minutes"
    if not 1 <= minutes <= MAX_MINUTES:
        return "exam.setup.bad_minutes"
    return ExamPlan(count, minutes)


class ExamSetup(ModalScreen[ExamPlan | None]):
    """Ask for the number of questions and the time limit; Enter starts, Esc cancels."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [Binding("escape", "cancel", "key.back")]

    def __init__(self, available: int, plan: ExamPlan) -> None:
        super().__init__()
        self.available = available
        self.plan = plan

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="exam-setup"):
            yield Static(tr("exam.setup.title", lang), id="setup-title", markup=False)
            yield Static(tr("exam.setup.count", lang, available=self.available), markup=False)
            yield Input(str(min(self.plan.questions, self.available)), id="setup-count", type="integer")
            yield Static(tr("exam.setup.minutes", lang), markup=False)
            yield Input("" if self.plan.minutes is None else str(self.plan.minutes), id="setup-minutes", type="integer")
            yield Static(id="setup-error", markup=False)
            yield Static(tr("exam.setup.hint", lang), id="setup-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#setup-error").display = False
        self.query_one("#setup-count", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        plan = parse_plan(self.query_one("#setup-count", Input).value, self.query_one("#setup-minutes", Input).value, self.available)
        if isinstance(plan, str):
            error = self.query_one("#setup-error", Static)
            error.update(tr(plan, self.app.lang, available=self.available, most=MAX_MINUTES))
            error.display = True
            return
        self.dismiss(plan)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmEnd(ModalScreen[bool]):
    """End the exam before every question is answered? y ends it, n or Esc goes back."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "exam.key.end_now"),
        Binding("n,escape", "answer(False)", "exam.key.continue"),
    ]

    def __init__(self, unanswered: int) -> None:
        super().__init__()
        self.unanswered = unanswered

    def compose(self) -> ComposeResult:
        yield Static(tr("exam.confirm_end", self.app.lang, count=self.unanswered), id="exam-confirm", markup=False)

    def action_answer(self, end: bool) -> None:
        self.dismiss(end)


class ExamScreen(ChoosesOptions, StudyScreen):
    """One question at a time, no feedback; Enter answers and moves on, → skips, Esc ends early."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [
        *choose_bindings(),
        Binding("space", "toggle", "key.toggle"),
        Binding("enter", "submit", "exam.key.answer", priority=True),
        Binding("right", "skip", "key.skip", key_display="→"),
        Binding("escape", "end", "exam.key.end"),
    ]

    def __init__(
        self,
        questions: Sequence[Question],
        *,
        time_limit_s: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        if not questions:
            raise ValueError("an exam needs at least one question")
        self.questions = tuple(questions)
        self.time_limit_s = time_limit_s
        self.clock = clock
        count = len(self.questions)
        self.chosen: list[set[str]] = [set() for _ in range(count)]
        self.correct: list[bool | None] = [None] * count  # None: not answered yet
        self.answer_ids: list[str | None] = [None] * count
        self.spent: list[float] = [0.0] * count
        self.index = 0
        self.finished = False
        self._since = 0.0
        self._started = 0.0
        self._timer: Timer | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="ex-bar"):
            yield Static(id="ex-top", markup=False)
            yield Countdown(id="ex-countdown")
        with Vertical(id="ex-question"):
            yield Static(id="ex-stem", markup=False)
            yield Static(id="ex-instruction", markup=False)
            yield OptionsView(id="ex-options")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self._ready = True
        self.reviewer = sitting_reviewer(self.app.session)
        self.started_at = self.reviewer.now()
        self._started = self._since = self.clock()
        self.query_one(OptionsView).focus()
        if self.time_limit_s is not None:
            self._timer = self.set_interval(TICK_SECONDS, self.tick)
        self.tick()
        self.show_question(0)

    # --- time -------------------------------------------------------------------------------

    def elapsed(self) -> float:
        return self.clock() - self._started

    def remaining(self) -> float | None:
        return None if self.time_limit_s is None else self.time_limit_s - self.elapsed()

    def tick(self) -> None:
        """Redraw the countdown; at zero the exam ends (what the timer calls)."""
        if self.finished:
            return
        remaining = self.remaining()
        self.query_one(Countdown).remaining = remaining
        if remaining is not None and remaining <= 0:
            self.finish(timed_out=True)

    def _leave_question(self) -> None:
        """Add the time since the current question was shown to its total."""
        now = self.clock()
        self.spent[self.index] += now - self._since
        self._since = now

    # --- drawing ----------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def show_question(self, index: int) -> None:
        self._leave_question()
        self.index = index
        options = self.query_one(OptionsView)
        options.highlighted = None
        self.relabel()
        options.highlighted = 0
        options.scroll_home(animate=False)
        self.refresh_bindings()

    def relabel(self) -> None:
        if not self._ready or self.finished:
            return
        question = self.question
        answered = sum(result is not None for result in self.correct)
        top = " · ".join(
            (
                self.t("exam.title"),
                self.t("practice.progress", index=self.index + 1, total=len(self.questions)),
                self.t("exam.answered", count=answered, total=len(self.questions)),
            )
        )
        self.query_one("#ex-top", Static).update(top)
        self.query_one("#ex-stem", Static).update(question.stem.get(self.lang))
        how = self.t("practice.multi" if question.kind == "multi" else "practice.single")
        self.query_one("#ex-instruction", Static).update(f"{how} · {self.t('exam.no_feedback')}")
        self.query_one(OptionsView).show(question, self.lang, self.chosen[self.index], None)

    # --- answering --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.finished:
            return False
        if action == "choose":
            return self.question.option(str(parameters[0])) is not None
        if action == "toggle":
            return self.question.kind == "multi"
        if action == "skip":
            return len(self._unanswered()) > 1
        return True

    def chosen_keys(self) -> set[str]:
        return self.chosen[self.index]

    def action_submit(self) -> None:
        """Record the answer (no verdict shown) and go to the next unanswered question."""
        question, chosen = self.question, self.chosen[self.index]
        if question.kind == "single":
            key = self.query_one(OptionsView).highlighted_key
            if key is not None:
                chosen.clear()
                chosen.add(key)
        if not chosen:
            self.notify(self.t("practice.choose_first"), severity="warning")
            return
        self._leave_question()
        scored = score(question, chosen)
        try:
            submission = self.reviewer.submit(
                question.id,
                scored,
                time_ms=int(self.spent[self.index] * 1000),
                content_hash=question.content_hash,
                expected_ms=expected_ms(question, self.lang),
                mode="exam",
                linked_cards=self.app.session.catalog.cards_for_wrong_answer(question.id, scored.chosen),
            )
        except StoreError as error:
            self.notify(self.t("practice.not_saved", error=str(error)), severity="error", timeout=8)
            return
        self.correct[self.index] = scored.correct
        self.answer_ids[self.index] = submission.answer.answer_id
        following = self._unanswered()
        if following:
            self.show_question(following[0])
        else:
            self.finish(timed_out=False)

    @on(OptionList.OptionSelected, "#ex-options")
    def _option_clicked(self, event: OptionList.OptionSelected) -> None:
        if self.question.kind == "multi":
            self.action_choose(event.option.id)
        else:
            self.action_submit()

    def _unanswered(self) -> list[int]:
        """Unanswered questions in the order they come after the current one (wrapping round)."""
        count = len(self.questions)
        order = [(self.index + offset) % count for offset in range(1, count + 1)]
        return [index for index in order if self.correct[index] is None]

    def action_skip(self) -> None:
        later = [index for index in self._unanswered() if index != self.index]
        if later:
            self.show_question(later[0])

    def action_end(self) -> None:
        unanswered = sum(result is None for result in self.correct)

        def ended(end: bool | None) -> None:
            if end:
                self.finish(timed_out=False)

        self.app.push_screen(ConfirmEnd(unanswered), ended)

    # --- the end ----------------------------------------------------------------------------

    def used_seconds(self) -> float:
        """Time taken so far; never more than the limit (the last tick may come a moment late)."""
        elapsed = self.elapsed()
        return elapsed if self.time_limit_s is None else min(elapsed, self.time_limit_s)

    def result(self) -> ExamResult:
        """The exam as it stands: unanswered questions are wrong, with no option chosen."""
        finished_at = self.started_at + timedelta(seconds=self.used_seconds())
        items = tuple(
            ExamItem(
                question.id,
                tuple(sorted(self.chosen[index])) if self.correct[index] is not None else (),
                bool(self.correct[index]),
                int(self.spent[index] * 1000),
                self.answer_ids[index],
            )
            for index, question in enumerate(self.questions)
        )
        limit = self.time_limit_s
        return ExamResult(new_id(), self.started_at, finished_at, limit, items)

    def finish(self, *, timed_out: bool) -> None:
        """Stop the clock, save the exam with its history, and show the report."""
        from studyapp.tui.screens.exam_report import ExamReportScreen

        if self.finished:
            return
        self._leave_question()
        overshoot = self.elapsed() - self.used_seconds()  # the question on screen at the limit gets no extra
        self.spent[self.index] = max(0.0, self.spent[self.index] - overshoot)
        self.finished = True
        if self._timer is not None:
            self._timer.stop()
        result = self.result()
        saved = True
        try:
            self.app.session.store.record_exam(result)
        except StoreError as error:
            saved = False
            self.notify(self.t("exam.not_saved", error=str(error)), severity="error", timeout=8)
        while self.app.screen is not self:  # a confirmation still open
            self.app.pop_screen()
        self.app.switch_screen(ExamReportScreen(result, timed_out=timed_out, saved=saved))


def remembered_plan(session) -> ExamPlan:
    """The last exam's size and time limit, kept in the settings (defaults when none)."""
    try:
        extra = session.store.settings().extra
    except StoreError:
        return ExamPlan()
    questions = extra.get("exam_questions")
    minutes = extra.get("exam_minutes")
    return ExamPlan(
        questions if isinstance(questions, int) and questions > 0 else DEFAULT_EXAM_SIZE,
        minutes if isinstance(minutes, int) and minutes > 0 else None,
    )


def start_exam(app, plan: ExamPlan, *, rng: random.Random | None = None, clock: Callable[[], float] = time.monotonic) -> None:
    """Draw the questions across topics and start the exam."""
    catalog = app.session.catalog
    ids = draw_exam_questions(catalog, plan.questions, rng=rng or random.Random())
    questions = [app.library.questions[question_id] for question_id in ids if question_id in app.library.questions]
    if not questions:
        app.notify(tr("exam.no_questions", app.lang), severity="warning")
        return
    limit = plan.minutes * 60 if plan.minutes is not None else None
    app.push_screen(ExamScreen(questions, time_limit_s=limit, clock=clock))


def open_exam(app) -> None:
    """Ask for the exam's size and time limit, remember them, and start it (Home's `x`, the palette)."""
    if not can_study(app):
        return
    available = sum(kind == "question" for kind in app.session.catalog.kinds.values())
    if not available:
        app.notify(tr("exam.no_questions", app.lang), severity="warning")
        return

    def chosen(plan: ExamPlan | None) -> None:
        if plan is not None:
            app.session.save_setting(exam_questions=plan.questions, exam_minutes=plan.minutes)
            start_exam(app, plan)

    app.push_screen(ExamSetup(available, remembered_plan(app.session)), chosen)
