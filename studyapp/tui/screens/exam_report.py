"""The mock exam's report: the score, the score per topic, time per question, the wrong answers.

Every question is listed with its time; Enter on a wrong one opens the wrong answers in
review (explanations and simulations, nothing graded again: the exam already graded them),
starting there. The exam history (every saved exam) closes the report.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import DataTable, Static

from studyapp.catalog import catalog_from_content
from studyapp.study import ExamResult, StoreError, score_by_topic
from studyapp.tui.plotting import clip_cells
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.review import ReviewScreen, Scope
from studyapp.tui.widgets.countdown import clock_face
from studyapp.tui.widgets.footer import LocalizedFooter

BAR_CELLS = 12
STEM_CELLS = 36
HISTORY = 8


def text_bar(fraction: float, cells: int = BAR_CELLS) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * cells)
    return "█" * filled + "░" * (cells - filled)


class ExamReportScreen(StudyScreen):
    """The result of one exam; Enter on a question opens it in review, Esc returns Home."""

    CSS_PATH = "exam_report.tcss"
    BINDINGS = [
        Binding("w", "review_wrong", "exam.key.review_wrong"),
        Binding("escape", "app.home", "key.home"),
    ]

    def __init__(self, result: ExamResult, *, timed_out: bool = False, saved: bool = True) -> None:
        super().__init__()
        self.result = result
        self.timed_out = timed_out
        self.saved = saved
        self._followed_row = 0  # the questions table row last scrolled into view

    def compose(self) -> ComposeResult:
        yield Static(id="er-top", markup=False)
        with VerticalScroll(id="er-body"):
            yield Static(id="er-score", markup=False)
            yield Static(id="er-topics-label", classes="section", markup=False)
            yield DataTable(id="er-topics", cursor_type="none", zebra_stripes=True)
            yield Static(id="er-questions-label", classes="section", markup=False)
            yield DataTable(id="er-questions", cursor_type="row", zebra_stripes=True)
            yield Static(id="er-history-label", classes="section", markup=False)
            yield Static(id="er-history", markup=False)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.query_one("#er-questions", DataTable).focus(scroll_visible=False)  # the score stays in view

    @property
    def wrong(self) -> list[str]:
        return [item.question_id for item in self.result.items if not item.correct]

    def relabel(self) -> None:
        result = self.result
        self.query_one("#er-top", Static).update(self.t("exam.report.title"))
        lines = [
            self.t("exam.report.score", right=result.correct_count, total=len(result.items), percent=f"{result.score:.0%}")
        ]
        took = (result.finished_at - result.started_at).total_seconds()
        if result.time_limit_s is not None:
            lines.append(self.t("exam.report.time_limit", took=clock_face(took), limit=clock_face(result.time_limit_s)))
        else:
            lines.append(self.t("exam.report.time", took=clock_face(took)))
        if self.timed_out:
            lines.append(self.t("exam.report.timed_out"))
        unanswered = sum(not item.chosen for item in result.items)
        if unanswered:
            lines.append(self.t("exam.report.unanswered", count=unanswered))
        lines.append(self.t("exam.report.saved" if self.saved else "exam.report.not_saved"))
        self.query_one("#er-score", Static).update("\n".join(lines))
        self.query_one("#er-topics-label", Static).update(self.t("exam.report.by_topic"))
        self.query_one("#er-questions-label", Static).update(
            self.t("exam.report.questions" if self.wrong else "exam.report.questions_all_right")
        )
        self.query_one("#er-history-label", Static).update(self.t("exam.report.history"))
        self._fill_topics()
        self._fill_questions()
        self._fill_history()
        self.refresh_bindings()

    def _catalog(self):
        library = self.app.library
        return catalog_from_content(library.banks, library.decks, library.taxonomy, self.lang)

    def _fill_topics(self) -> None:
        table = self.query_one("#er-topics", DataTable)
        table.clear(columns=True)
        table.add_column(self.t("exam.col.topic"), key="topic")
        table.add_column(Text(self.t("exam.col.right"), justify="right"), key="right")
        table.add_column(Text(self.t("exam.col.score"), justify="right"), key="score")
        table.add_column("", key="bar")
        for row in score_by_topic(self.result, self._catalog()):
            table.add_row(
                Text(row.name),
                Text(f"{row.correct}/{row.questions}", justify="right"),
                Text(f"{row.score:.0%}", justify="right"),
                text_bar(row.score),
                key=row.topic,
            )

    def _fill_questions(self) -> None:
        table = self.query_one("#er-questions", DataTable)
        selected = table.cursor_row
        table.clear(columns=True)
        for key in ("exam.col.number", "exam.col.result", "exam.col.question", "exam.col.yours", "exam.col.correct", "exam.col.seconds"):
            table.add_column(self.t(key), key=key)
        questions = self.app.library.questions
        for number, item in enumerate(self.result.items, start=1):
            question = questions.get(item.question_id)
            stem = clip_cells(question.stem.get(self.lang), STEM_CELLS) if question else item.question_id
            correct = ", ".join(sorted(question.correct_keys)) if question else "?"
            mark = Text("✔", style="bold green") if item.correct else Text("✘", style="bold red")
            table.add_row(
                Text(str(number), justify="right"),
                mark,
                Text(stem),
                Text(", ".join(item.chosen) or "—"),
                Text(correct),
                Text(f"{item.time_ms / 1000:.0f}", justify="right"),
                key=f"{number - 1}",
            )
        if self.result.items:
            table.move_cursor(row=min(max(selected, 0), len(self.result.items) - 1))
        self._followed_row = table.cursor_row

    def _fill_history(self) -> None:
        store = self.app.session.store if self.app.session is not None else None
        try:
            exams = store.exams() if store is not None else []
        except StoreError:
            exams = []
        zone = self.app.session.reviewer.zone if self.app.session is not None else None
        lines = []
        for exam in reversed(exams[-HISTORY:]):  # the newest (this one) first
            when = exam.finished_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            marker = "▶ " if exam.exam_id == self.result.exam_id else "  "
            lines.append(f"{marker}{when}  {exam.correct_count}/{len(exam.items)}  {exam.score:.0%}  {text_bar(exam.score)}")
        self.query_one("#er-history", Static).update("\n".join(lines) or self.t("exam.report.no_history"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review_wrong":
            return bool(self.wrong)
        return True

    def open_in_review(self, position: int) -> None:
        """Look back at the wrong answers (or, for a right one, at that question alone) from `position`."""
        items = self.result.items
        chosen = items[position]
        if chosen.correct:
            answers = {chosen.question_id: chosen.chosen}
            start = 0
        else:
            wrong = [item for item in items if not item.correct]
            answers = {item.question_id: item.chosen for item in wrong}
            start = wrong.index(chosen)
        self.app.push_screen(ReviewScreen(Scope(title_key="review.title.exam", kinds=("question",)), answers=answers, start=start))

    def action_review_wrong(self) -> None:
        first_wrong = next(index for index, item in enumerate(self.result.items) if not item.correct)
        self.open_in_review(first_wrong)

    @on(DataTable.RowHighlighted, "#er-questions")
    def _follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        """Keep the highlighted row in view: the table grows to its full height inside the scrolling body."""
        if event.cursor_row == self._followed_row:  # the table was (re)filled: keep the score in view
            return
        self._followed_row = event.cursor_row
        table = event.data_table
        row_y = table.virtual_region.y + 1 + event.cursor_row  # below the header row
        self.query_one("#er-body").scroll_to_region(Region(0, row_y, 1, 1), animate=False, immediate=True)

    @on(DataTable.RowSelected, "#er-questions")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_in_review(int(event.row_key.value))
