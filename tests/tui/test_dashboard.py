"""The dashboard with Pilot on a seeded history: every number drawn is the study layer's, the exam date
is kept, and "drill these" starts a review of the weakest topics. Also the bar chart it draws with."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.widgets import DataTable, Input

from studyapp.catalog import catalog_from_content
from studyapp.study import ExamItem, ExamResult, build_summary
from studyapp.study.records import new_id
from studyapp.tui.plotting import MIN_WIDTH
from studyapp.tui.screens.dashboard import DashboardScreen
from studyapp.tui.screens.flashcards import FlashcardsScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.session import score
from studyapp.tui.widgets.bar_plot import BarPlot, Bars, build_bars
from studyapp.tui.widgets.plot import Plot

from .modes_support import START, Clock, load_modes_library, loaded, make_app, text_of


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


def table_rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def seed_history(app, clock: Clock, reviewer) -> None:
    """Four days of answers with every confidence, a misconception chosen twice, a card, an exam."""
    library, store = app.library, app.session.store
    catalog = app.session.catalog
    clock.current = START - timedelta(days=3)

    def answer(question_id: str, chosen: str, confidence: str | None) -> None:
        question = library.questions[question_id]
        scored = score(question, chosen.split(","))
        reviewer.submit(
            question_id, scored, time_ms=4_000, content_hash=question.content_hash, expected_ms=8_000,
            confidence=confidence, linked_cards=catalog.cards_for_wrong_answer(question_id, scored.chosen),
        )

    answer("q-limit", "b", "sure")  # wrong, chooses the misconception
    answer("q-small", "a", "unsure")
    clock.advance(days=2)
    answer("q-heavy", "a,b", "sure")
    answer("q-beta", "b", "guessing")
    answer("q-limit", "b", None)  # the misconception again
    clock.advance(days=1)
    reviewer.grade("card-velocity", "card", 3)
    store.record_exam(
        ExamResult(
            new_id(), clock() - timedelta(minutes=5), clock(), None,
            (ExamItem("q-small", ("a",), True, 3_000), ExamItem("q-beta", ("b",), False, 9_000)),
        )
    )
    store.update_settings(exam_date=(START + timedelta(days=10)).date())


async def open_dashboard(app, pilot) -> DashboardScreen:
    await pilot.press("d")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


async def test_every_number_on_the_dashboard_is_the_study_layers(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        screen = await open_dashboard(app, pilot)
        summary = build_summary(
            app.session.store, catalog_from_content(library.banks, library.decks, library.taxonomy, "en"),
            now=clock, zone=timezone.utc,
        )
        assert summary == screen.summary
        assert (summary.total_answers, summary.questions_answered) == (5, 4)

        assert text_of(screen, "#dash-totals") == (
            f"Answers: 5 (40% right) · questions answered: 4 · in review: {summary.items_reviewed} · due now: {summary.due_now}"
        )
        bars = screen.query_one("#dash-topics", BarPlot).bars
        assert bars.labels == ("Step size 33%", "Momentum 50%", "Schedules —")
        assert bars.values == pytest.approx((100 / 3, 50.0, 0.0))

        answers = screen.query_one("#dash-answers", Plot).chart.series[0]
        assert list(answers.ys) == [float(day.answers) for day in summary.days]
        assert list(answers.ys)[-4:] == [2.0, 0.0, 3.0, 0.0]
        accuracy = screen.query_one("#dash-accuracy", Plot).chart.series[0]
        assert list(accuracy.xs) == [-3.0, -1.0] and list(accuracy.ys) == pytest.approx([50.0, 100 / 3])

        forecast = screen.query_one("#dash-forecast", BarPlot).bars
        assert forecast.values == tuple(float(day.due) for day in summary.forecast)
        assert sum(forecast.values) == len(app.session.store.cards())  # nothing is due beyond 14 days yet

        assert table_rows(screen, "#dash-calibration") == [
            ["sure", "2", "50%"], ["unsure", "1", "100%"], ["guessing", "1", "0%"], ["not given", "1", "0%"]
        ]
        assert table_rows(screen, "#dash-misconceptions") == [
            ["2", "A larger rate is always faster", "Where is the stability limit on a q…"]  # cut to fit 80 columns
        ]
        assert [row[0] for row in table_rows(screen, "#dash-recall")] == [row.name for row in summary.exam_recall]
        assert table_rows(screen, "#dash-recall")[0][1:] == [
            f"{summary.exam_recall[0].reviewed}/{summary.exam_recall[0].items}",
            f"{summary.exam_recall[0].recall:.0%}",
            f"{summary.exam_recall[0].recall_if_studied:.0%}",
            f"{summary.exam_recall[0].gain * 100:+.0f}",
        ]
        assert screen.query_one("#dash-exam-date", Input).value == "2025-03-13"
        assert "1/2  50%" in text_of(screen, "#dash-exams")

        weakest = summary.weakest_topics(3)  # with an exam date: the largest gain first, unanswered topics too
        assert "schedules" in weakest
        names = {row.topic: row.name for row in summary.topics}
        assert text_of(screen, "#dash-drill") == "d drills these: " + ", ".join(names[topic] for topic in weakest)


async def test_drill_reviews_the_weakest_topic_and_the_dashboard_follows(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        app.session.store.update_settings(exam_date=None)  # without a date, the worst accuracy comes first
        screen = await open_dashboard(app, pilot)
        assert screen.weakest() == ["steps", "momentum"]  # answered worst first; "schedules" was never answered
        assert text_of(screen, "#dash-drill") == "d drills these: Step size, Momentum"
        await pilot.press("d")
        drill = app.screen
        assert isinstance(drill, ReviewScreen) and drill.scope.order == "weakest"
        order = [step.item_id for step in drill.steps]
        assert sorted(order) == ["card-limit", "card-step", "card-velocity", "q-beta", "q-heavy", "q-limit", "q-small"]
        assert set(order[:2]) == {"card-limit", "card-step"}  # never reviewed: the weakest of all come first
        answered = app.session.store.answer_count()
        while drill.question is None:
            await pilot.press("space", "3")
        await pilot.press("a", "enter")
        assert app.session.store.answer_count() == answered + 1  # a drill is graded review
        await pilot.press("escape")
        assert app.screen is screen and screen.summary.total_answers == answered + 1  # refreshed on return


async def test_the_exam_date_is_typed_checked_and_kept(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        app.session.store.update_settings(exam_date=None)
        screen = await open_dashboard(app, pilot)
        assert not screen.query_one("#dash-recall").display
        assert text_of(screen, "#dash-exam-hint").startswith("Set an exam date")

        await pilot.press("e")
        field = screen.query_one("#dash-exam-date", Input)
        assert field.has_focus
        field.value = "2025-02-30"
        await pilot.press("enter")
        assert app.session.store.settings().exam_date is None  # refused, said so
        field.value = "2025-03-20"
        await pilot.press("enter")
        assert app.session.store.settings().exam_date.isoformat() == "2025-03-20"
        assert screen.summary.exam_date.isoformat() == "2025-03-20" and screen.query_one("#dash-recall").display
        assert text_of(screen, "#dash-exam-hint").startswith("Predicted recall on 2025-03-20")

        field.value = "2025-01-01"  # already past: nothing to predict
        await pilot.press("e", "enter")
        assert text_of(screen, "#dash-exam-hint") == "That date has passed: set the next exam date."


async def test_the_dashboard_in_korean(library) -> None:
    app = make_app(library, lang="ko")
    clock = Clock()
    async with app.run_test(size=(80, 24)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        screen = await open_dashboard(app, pilot)
        assert screen.query_one("#dash-topics", BarPlot).bars.labels == ("스텝 크기 33%", "모멘텀 50%", "스케줄 —")
        assert table_rows(screen, "#dash-misconceptions")[0][1:] == ["학습률이 클수록 항상 빠르다", "이차 함수의 안정성 한계는?"]
        assert table_rows(screen, "#dash-calibration")[3][0] == "선택 안 함"


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=1, max_size=16),
    width=st.integers(30, 110),
    korean=st.booleans(),
)
def test_each_horizontal_bar_sits_on_its_label_row_inside_the_box(values, width, korean) -> None:
    names = ("학습률 기초", "오버슈팅 주제") if korean else ("fundamentals", "overshooting")
    labels = tuple(f"{names[i % 2]} {i}" for i in range(len(values)))
    bars = Bars(labels, tuple(values), (80, 160, 255), title="주제별 정답률", horizontal=True, limit=(0.0, 100.0))
    lines = build_bars(bars, width, bars.rows_needed()).plain.split("\n")
    assert all(cell_len(line) == width for line in lines)
    for label, value in zip(labels, values):
        [row] = [line for line in lines if line.split("┤")[0].strip() == label]
        canvas = row.split("┤", 1)[1].rstrip("│")
        filled = sum(char in "█▌▐" for char in canvas)
        cell = 100 / len(canvas)  # plotext draws a bar's outline: even a tiny one takes up to two cells
        assert abs(filled * cell - value) <= 2 * cell, (label, value, row)


def test_a_chart_too_small_to_read_draws_nothing() -> None:
    bars = Bars(("a",), (1.0,), (1, 2, 3))
    assert build_bars(bars, MIN_WIDTH - 1, 10).plain == ""
    with pytest.raises(ValueError, match="2 labels for 1 bars"):
        Bars(("a", "b"), (1.0,), (1, 2, 3))


async def test_enter_on_a_misconception_studies_the_card_that_repairs_it(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        screen = await open_dashboard(app, pilot)
        screen.query_one("#dash-misconceptions", DataTable).focus()
        await pilot.press("enter")
        cards = app.screen
        assert isinstance(cards, FlashcardsScreen)
        assert [step.item_id for step in cards.steps] == ["card-limit"]
