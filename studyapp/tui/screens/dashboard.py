"""The dashboard: where the learner stands, drawn from the study layer's `Summary`.

Every number comes from `studyapp.study.stats.build_summary` (the same summary `studyapp
stats` prints); this screen only draws it: bars and lines with plotext through the plot
widgets, tables with Textual. The exam date is typed here and kept in the settings; "drill
these" starts a review of the topics where studying now gains the most on that date (or,
without a date, the topics answered worst).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Static

from studyapp.catalog import catalog_from_content
from studyapp.study import StoreError, Summary, build_summary
from studyapp.study.records import RecordError
from studyapp.tui.plotting import RGB, Chart, Series, clip_cells
from studyapp.tui.sceneplots import DARK, LIGHT, Palette
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.review import can_study, open_drill
from studyapp.tui.widgets.bar_plot import BarPlot, Bars
from studyapp.tui.widgets.footer import LocalizedFooter
from studyapp.tui.widgets.plot import Plot

#: Topics a drill covers.
DRILL_TOPICS = 3
#: Misconceptions listed.
MISCONCEPTIONS = 8
#: Topic names beside the bars, and misconception names and repair cards in their table, are cut
#: to these many cells so that everything fits 80 columns.
TOPIC_CELLS = 24
NAME_CELLS = 32
CARD_CELLS = 36
PERCENT_TICKS = ((0.0, 25.0, 50.0, 75.0, 100.0), ("0%", "25%", "50%", "75%", "100%"))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def topic_bars(summary: Summary, color: RGB, title: str) -> Bars:
    """Accuracy per topic, one bar each, labelled with its percentage (— when never answered)."""
    labels = tuple(f"{clip_cells(row.name, TOPIC_CELLS)} {percent(row.accuracy)}" for row in summary.topics)
    values = tuple(100.0 * (row.accuracy or 0.0) for row in summary.topics)
    return Bars(labels, values, color, title=title, horizontal=True, limit=(0.0, 100.0), ticks=PERCENT_TICKS, label_cells=TOPIC_CELLS + 5)


def forecast_bars(summary: Summary, color: RGB, title: str) -> Bars:
    """Items falling due on each of the next days (today counts everything already due)."""
    labels = tuple(str(row.day.day) for row in summary.forecast)
    values = tuple(float(row.due) for row in summary.forecast)
    return Bars(labels, values, color, title=title)


def activity_charts(summary: Summary, palette: Palette, titles: tuple[str, str], xlabel: str) -> tuple[Chart, Chart]:
    """Answers per day and accuracy per day (in %), over the summary's days; x is days before today."""
    count = len(summary.days)
    xs = [float(offset - count + 1) for offset in range(count)]
    answers = Series(xs, [float(row.answers) for row in summary.days], palette.run(0))
    answered = [(x, 100.0 * row.accuracy) for x, row in zip(xs, summary.days) if row.accuracy is not None]
    accuracy = Series([x for x, _ in answered], [y for _, y in answered], palette.run(2))
    xlim = (xs[0], 0.0) if xs else None
    top = max([1.0, *(row.answers for row in summary.days)])
    return (
        Chart(title=titles[0], series=(answers,), xlim=xlim, ylim=(0.0, top), xlabel=xlabel, x_whole=True),
        Chart(title=titles[1], series=(accuracy,), xlim=xlim, ylim=(0.0, 100.0), xlabel=xlabel, x_whole=True),
    )


class DashboardScreen(StudyScreen):
    """Progress at a glance; `d` drills the weakest topics, `e` sets the exam date."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("d", "drill", "dash.key.drill"),
        Binding("e", "exam_date", "dash.key.exam_date"),
        Binding("g", "refresh", "dash.key.refresh"),
        Binding("escape", "back", "key.back"),
    ]
    FOOTER_SPARE = ("dash.key.refresh",)

    def __init__(self) -> None:
        super().__init__()
        self.summary: Summary | None = None
        self._summary_lang: str | None = None  # topic and misconception names come in this language
        self._stale = False  # another screen was on top: the numbers may have changed
        self._repair_cards: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Static(id="dash-top", markup=False)
        with VerticalScroll(id="dash"):
            yield Static(id="dash-totals", markup=False)
            yield BarPlot(id="dash-topics")
            with Horizontal(id="dash-lines", classes="pair"):
                yield Plot(id="dash-answers")
                yield Plot(id="dash-accuracy")
            yield BarPlot(id="dash-forecast")
            yield Static(id="dash-calibration-label", classes="section", markup=False)
            yield DataTable(id="dash-calibration", cursor_type="none", zebra_stripes=True)
            yield Static(id="dash-misconceptions-label", classes="section", markup=False)
            yield DataTable(id="dash-misconceptions", cursor_type="row", zebra_stripes=True)
            yield Static(id="dash-exam-label", classes="section", markup=False)
            with Horizontal(id="dash-exam-row"):
                yield Input(id="dash-exam-date", placeholder="YYYY-MM-DD")
                yield Static(id="dash-exam-hint", markup=False)
            yield DataTable(id="dash-recall", cursor_type="none", zebra_stripes=True)
            yield Static(id="dash-drill", markup=False)
            yield Static(id="dash-exams-label", classes="section", markup=False)
            yield Static(id="dash-exams", markup=False)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.query_one("#dash").focus()

    def on_screen_suspend(self) -> None:
        self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:  # back from a drill or the repair card: the numbers changed
            self._stale = False
            self.action_refresh()

    @property
    def palette(self) -> Palette:
        return DARK if self.app.current_theme.dark else LIGHT

    # --- the numbers --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Recompute the summary from the store (the clock and zone are the session's)."""
        session, library = self.app.session, self.app.library
        if session is None or session.store is None or library is None:
            return
        catalog = catalog_from_content(library.banks, library.decks, library.taxonomy, self.lang)
        reviewer = session.reviewer
        try:
            self.summary = build_summary(session.store, catalog, now=reviewer.now, zone=reviewer.zone)
            self._summary_lang = self.lang
        except (StoreError, RecordError) as error:
            self.notify(self.t("dash.unavailable", error=str(error)), severity="error", timeout=8)
            return
        self.draw()

    def relabel(self) -> None:
        if self.summary is None or self._summary_lang != self.lang:
            self.action_refresh()  # topic and misconception names come from the content, per language
        else:
            self.draw()

    # --- drawing ------------------------------------------------------------------------------

    def draw(self) -> None:
        summary = self.summary
        if summary is None:
            return
        palette = self.palette
        self.query_one("#dash-top", Static).update(self.t("dash.title"))
        self.query_one("#dash-totals", Static).update(
            self.t(
                "dash.totals",
                answers=summary.total_answers,
                percent=percent(summary.accuracy),
                questions=summary.questions_answered,
                reviewed=summary.items_reviewed,
                due=summary.due_now,
            )
        )
        self.query_one("#dash-topics", BarPlot).bars = topic_bars(summary, palette.run(0), self.t("dash.topics"))
        answers, accuracy = activity_charts(
            summary, palette, (self.t("dash.answers_per_day"), self.t("dash.accuracy_over_time")), self.t("dash.days_ago")
        )
        self.query_one("#dash-answers", Plot).chart = answers
        self.query_one("#dash-accuracy", Plot).chart = accuracy
        self.query_one("#dash-forecast", BarPlot).bars = forecast_bars(
            summary, palette.run(1), self.t("dash.forecast", start=summary.forecast[0].day.isoformat() if summary.forecast else "")
        )
        self._fill_calibration(summary)
        self._fill_misconceptions(summary)
        self._fill_exam_recall(summary)
        self._fill_exams(summary)
        self.refresh_bindings()

    def _fill_calibration(self, summary: Summary) -> None:
        self.query_one("#dash-calibration-label", Static).update(self.t("dash.calibration"))
        table = self.query_one("#dash-calibration", DataTable)
        table.clear(columns=True)
        table.add_column(self.t("dash.col.confidence"), key="confidence")
        table.add_column(Text(self.t("dash.col.answers"), justify="right"), key="answers")
        table.add_column(Text(self.t("dash.col.right"), justify="right"), key="accuracy")
        for row in summary.calibration:
            table.add_row(
                self.t(f"dash.confidence.{row.confidence}"),
                Text(str(row.answers), justify="right"),
                Text(percent(row.accuracy), justify="right"),
                key=row.confidence,
            )

    def _fill_misconceptions(self, summary: Summary) -> None:
        self.query_one("#dash-misconceptions-label", Static).update(self.t("dash.misconceptions"))
        table = self.query_one("#dash-misconceptions", DataTable)
        table.clear(columns=True)
        table.add_column(Text("×", justify="right"), key="times")
        table.add_column(self.t("dash.col.misconception"), key="name")
        table.add_column(self.t("dash.col.repair"), key="card")
        cards = self.app.library.cards
        self._repair_cards = []
        for row in summary.misconceptions[:MISCONCEPTIONS]:
            card = cards.get(row.repair_card) if row.repair_card else None
            card_text = clip_cells(card.front.get(self.lang), CARD_CELLS) if card is not None else (row.repair_card or "—")
            table.add_row(
                Text(str(row.times_chosen), justify="right"),
                Text(clip_cells(row.name, NAME_CELLS)),
                Text(card_text),
                key=row.misconception,
            )
            self._repair_cards.append(row.repair_card if card is not None else None)
        if not summary.misconceptions:
            table.add_row("", Text(self.t("dash.no_misconceptions")), "")
            self._repair_cards.append(None)

    def _fill_exam_recall(self, summary: Summary) -> None:
        self.query_one("#dash-exam-label", Static).update(self.t("dash.exam"))
        field = self.query_one("#dash-exam-date", Input)
        if not field.has_focus:
            field.value = summary.exam_date.isoformat() if summary.exam_date else ""
        table = self.query_one("#dash-recall", DataTable)
        table.clear(columns=True)
        if summary.exam_date is None:
            hint = self.t("dash.exam_none")
        elif not summary.exam_recall:
            hint = self.t("dash.exam_past")
        else:
            hint = self.t("dash.exam_ranked", date=summary.exam_date.isoformat())
        self.query_one("#dash-exam-hint", Static).update(hint)
        table.display = bool(summary.exam_recall)
        if summary.exam_recall:
            table.add_column(self.t("dash.col.topic"), key="topic")
            for key in ("dash.col.reviewed", "dash.col.recall", "dash.col.if_studied", "dash.col.gain"):
                table.add_column(Text(self.t(key), justify="right"), key=key)
            for row in summary.exam_recall:
                table.add_row(
                    Text(row.name),
                    Text(f"{row.reviewed}/{row.items}", justify="right"),
                    Text(percent(row.recall), justify="right"),
                    Text(percent(row.recall_if_studied), justify="right"),
                    Text(f"{row.gain * 100:+.0f}", justify="right"),
                    key=row.topic,
                )
        names = [self._topic_name(summary, topic) for topic in self.weakest()]
        drill = self.query_one("#dash-drill", Static)
        drill.update(self.t("dash.drill", topics=", ".join(names)) if names else self.t("dash.drill_none"))

    @staticmethod
    def _topic_name(summary: Summary, topic: str) -> str:
        return next((row.name for row in summary.topics if row.topic == topic), topic)

    def _fill_exams(self, summary: Summary) -> None:
        self.query_one("#dash-exams-label", Static).update(self.t("dash.exams"))
        zone = self.app.session.reviewer.zone
        lines = [
            f"{row.finished_at.astimezone(zone).strftime('%Y-%m-%d %H:%M')}  {row.correct}/{row.questions}  {percent(row.score)}"
            for row in summary.exams[-8:]
        ]
        self.query_one("#dash-exams", Static).update("\n".join(lines) or self.t("exam.report.no_history"))

    # --- actions ------------------------------------------------------------------------------

    def weakest(self) -> list[str]:
        return self.summary.weakest_topics(DRILL_TOPICS) if self.summary is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return bool(self.weakest())
        return True

    def action_drill(self) -> None:
        open_drill(self.app, self.weakest())

    def action_exam_date(self) -> None:
        field = self.query_one("#dash-exam-date", Input)
        field.focus()
        self.query_one("#dash").scroll_to_widget(field)

    @on(Input.Submitted, "#dash-exam-date")
    def _exam_date_typed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            try:
                chosen: date | None = date.fromisoformat(text)
            except ValueError:
                self.notify(self.t("dash.bad_date", text=text), severity="error", timeout=6)
                return
        else:
            chosen = None
        self.app.session.save_setting(exam_date=chosen.isoformat() if chosen else None)
        self.query_one("#dash").focus()
        self.action_refresh()

    @on(DataTable.RowSelected, "#dash-misconceptions")
    def _misconception_chosen(self, event: DataTable.RowSelected) -> None:
        """Study the card that repairs the chosen misconception."""
        from studyapp.tui.screens.flashcards import open_flashcards

        card = self._repair_cards[event.cursor_row] if event.cursor_row < len(self._repair_cards) else None
        if card is not None:
            open_flashcards(self.app, [card])

    def action_back(self) -> None:
        self.app.pop_screen()


def open_dashboard(app) -> None:
    """The dashboard (Home's `d`, the command palette)."""
    if can_study(app):
        app.push_screen(DashboardScreen())
