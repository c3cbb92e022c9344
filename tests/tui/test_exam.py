"""Mock exams with Pilot: the setup, no feedback while answering, the countdown on an injected clock,
the report (score per topic, time per question), the wrong answers opened in review, the saved history."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from studyapp.study import draw_exam_questions, score_by_topic
from studyapp.tui.screens.exam import (
    ConfirmEnd,
    ExamPlan,
    ExamScreen,
    ExamSetup,
    parse_plan,
)
from studyapp.tui.screens.exam_report import ExamReportScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.countdown import Countdown, clock_face
from studyapp.tui.widgets.options import OptionsView

from .modes_support import Clock, Ticker, load_modes_library, loaded, make_app, text_of


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


def option_texts(screen) -> list[str]:
    options = screen.query_one(OptionsView)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def table_rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def start_exam(app, pilot, ids: list[str], ticker: Ticker, limit_s: int | None = None) -> ExamScreen:
    screen = ExamScreen([app.library.questions[i] for i in ids], time_limit_s=limit_s, clock=ticker)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def test_the_setup_accepts_a_size_and_an_optional_limit_and_names_what_is_wrong() -> None:
    assert parse_plan("3", "", available=4) == ExamPlan(3, None)
    assert parse_plan(" 4 ", "25", available=4) == ExamPlan(4, 25)
    assert parse_plan("5", "", available=4) == "exam.setup.bad_count"
    assert parse_plan("0", "", available=4) == "exam.setup.bad_count"
    assert parse_plan("", "", available=4) == "exam.setup.bad_count"
    assert parse_plan("2", "0", available=4) == "exam.setup.bad_minutes"
    assert parse_plan("2", "601", available=4) == "exam.setup.bad_minutes"


def test_the_countdown_rounds_up_so_zero_means_over() -> None:
    assert [clock_face(s) for s in (0, -3, 0.2, 59.01, 60, 3599, 3600, 3725)] == [
        "0:00", "0:00", "0:01", "1:00", "1:00", "59:59", "1:00:00", "1:02:05"
    ]


async def test_no_feedback_until_the_timer_ends_the_exam_then_the_report(library) -> None:
    app = make_app(library)
    clock, ticker = Clock(), Ticker()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        screen = await start_exam(app, pilot, ["q-limit", "q-heavy", "q-small", "q-beta"], ticker, limit_s=120)
        countdown = screen.query_one(Countdown)
        assert str(countdown.content) == "⏱ 2:00"
        assert "Mock exam · Question 1 of 4 · answered 0/4" == text_of(screen, "#ex-top")

        ticker.advance(12)
        await pilot.press("b", "enter")  # q-limit, wrong: no verdict, straight on to the next question
        assert screen.index == 1 and "Missed" not in text_of(screen, "#ex-instruction")
        assert not any("2/L" in text or "correct" in text for text in option_texts(screen))  # no explanation, no mark
        ticker.advance(5)
        await pilot.press("right")  # skip q-heavy
        assert screen.index == 2
        ticker.advance(8)
        await pilot.press("a", "enter")  # q-small, right
        assert screen.index == 3
        ticker.advance(4)
        screen.tick()
        assert str(countdown.content) == "⏱ 1:31" and not countdown.has_class("-warning")
        ticker.advance(40)
        screen.tick()
        assert str(countdown.content) == "⏱ 0:51" and countdown.has_class("-warning")  # the last minute stands out

        ticker.advance(51.4)  # time is up (the tick comes 0.4 s late: the exam still took exactly its limit) on q-beta, unanswered, as is the skipped q-heavy
        screen.tick()
        await pilot.pause()
        report = app.screen
        assert isinstance(report, ExamReportScreen) and report.timed_out

        [saved] = store.exams()
        assert saved == report.result
        assert saved.time_limit_s == 120 and saved.finished_at - saved.started_at == timedelta(seconds=120)
        assert [(item.question_id, item.chosen, item.correct, item.time_ms) for item in saved.items] == [
            ("q-limit", ("b",), False, 12_000),
            ("q-heavy", (), False, 5_000),
            ("q-small", ("a",), True, 8_000),
            ("q-beta", (), False, 95_000),
        ]
        # The two answers given were recorded as exam answers, each linked from its exam row.
        answers = {answer.answer_id: answer for answer in store.answers()}
        assert {answer.mode for answer in answers.values()} == {"exam"}
        assert {answers[item.answer_id].question_id for item in saved.items if item.answer_id} == {"q-limit", "q-small"}

        score = text_of(report, "#er-score")
        assert "Score: 1/4 (25%)" in score and "Time: 2:00 of 2:00" in score and "Time ran out." in score
        assert "Unanswered: 2, counted wrong." in score and "Saved to your exam history." in score
        catalog_scores = score_by_topic(saved, app.session.catalog)
        assert [row[:3] for row in table_rows(report, "#er-topics")] == [
            [row.name, f"{row.correct}/{row.questions}", f"{row.score:.0%}"] for row in catalog_scores
        ]
        assert [row[:3] for row in table_rows(report, "#er-topics")] == [["Step size", "1/2", "50%"], ["Momentum", "0/2", "0%"]]
        assert [(row[1], row[3], row[4], row[5]) for row in table_rows(report, "#er-questions")] == [
            ("✘", "b", "a", "12"), ("✘", "—", "a, b", "5"), ("✔", "a", "a", "8"), ("✘", "—", "a", "95")
        ]
        assert "▶" in text_of(report, "#er-history") and "1/4  25%" in text_of(report, "#er-history")


async def test_a_wrong_answer_opens_in_review_with_its_explanations_and_scene(library) -> None:
    app = make_app(library)
    clock, ticker = Clock(), Ticker()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        await start_exam(app, pilot, ["q-small", "q-limit"], ticker)
        assert not app.screen.query_one(Countdown).display  # untimed: no countdown
        await pilot.press("a", "enter", "b", "enter")  # the last answer ends the exam
        report = app.screen
        assert isinstance(report, ExamReportScreen) and not report.timed_out
        schedule = app.session.store.cards()

        table = report.query_one("#er-questions", DataTable)
        table.move_cursor(row=1)
        await pilot.press("enter")
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.looking_back
        assert [step.item_id for step in review.steps] == ["q-limit"]
        verdict = text_of(review, "#rv-verdict")
        assert verdict.startswith("✘ Wrong") and "Your answer in the exam" in verdict
        question = app.library.questions["q-limit"]
        prompts = [str(review.query_one(OptionsView).get_option_at_index(i).prompt) for i in range(2)]
        assert all(option.explanation.get("en") in prompt for option, prompt in zip(question.options, prompts))
        assert [label.get("en") for label in review.panel.spec.labels] == ["lr 0.1", "lr 1.05"]
        assert "1" not in review.active_bindings or not review.active_bindings["1"].enabled  # nothing to grade
        assert app.session.store.cards() == schedule  # looking back changes nothing

        await pilot.press("escape")
        assert app.screen is report
        await pilot.press("escape")
        assert not isinstance(app.screen, ExamReportScreen)


async def test_ending_early_asks_first(library) -> None:
    app = make_app(library)
    clock, ticker = Clock(), Ticker()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        screen = await start_exam(app, pilot, ["q-small", "q-limit", "q-beta"], ticker)
        await pilot.press("a", "enter", "escape")
        assert isinstance(app.screen, ConfirmEnd)
        assert "2 unanswered question(s)" in text_of(app.screen, "#exam-confirm")
        await pilot.press("n")
        assert app.screen is screen and not screen.finished
        await pilot.press("escape", "y")
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        assert [item.correct for item in report.result.items] == [True, False, False]


async def test_home_opens_the_setup_which_remembers_the_plan(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot, clock)
        await pilot.press("x")
        setup = app.screen
        assert isinstance(setup, ExamSetup)
        count = setup.query_one("#setup-count", Input)
        assert count.value == "4"  # the default 20, capped at the four questions there are
        count.value = "9"
        await pilot.press("enter")
        assert "from 1 to 4" in text_of(setup, "#setup-error")
        count.value = "3"
        setup.query_one("#setup-minutes", Input).value = "15"
        await pilot.press("enter")
        await pilot.pause()
        exam = app.screen
        assert isinstance(exam, ExamScreen) and len(exam.questions) == 3 and exam.time_limit_s == 900
        assert {"exam_questions": 3, "exam_minutes": 15}.items() <= app.session.store.settings().extra.items()

        await pilot.press("escape", "y", "escape")
        await pilot.press("x")
        assert app.screen.query_one("#setup-count", Input).value == "3"
        assert app.screen.query_one("#setup-minutes", Input).value == "15"


def test_questions_are_drawn_across_topics(library) -> None:
    from studyapp.catalog import catalog_from_content

    drawn = draw_exam_questions(catalog_from_content(library.banks, library.decks, library.taxonomy, "en"), 2, rng=random.Random(7))
    topics = {library.questions[question].topics[0] for question in drawn}
    assert topics == {"steps", "momentum"}


async def test_the_command_palette_offers_the_mock_exam(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        await pilot.press("ctrl+p", *"mock exam")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamSetup)
