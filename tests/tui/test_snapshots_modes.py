"""Screenshots of the study modes, the playground and the settings: clocks injected, simulations driven
to the end by hand, timers never relied on, no blinking cursor."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.flashcards import FlashcardsScreen
from studyapp.tui.screens.review import ReviewScreen

from .modes_support import Clock, Ticker, load_modes_library, loaded, make_app
from .test_dashboard import seed_history


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause()


def still_cursors(app) -> None:
    """Text fields show a steady cursor, so a screenshot never catches it mid-blink."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


async def review_answered(pilot) -> None:
    app = pilot.app
    ticker = Ticker()
    await loaded(app, pilot, Clock())
    await app.push_screen(ReviewScreen(clock=ticker))
    ticker.advance(6)  # quick enough for Good, not for Easy: the grade does not hang on the wall clock
    await pilot.press("b", "enter")  # wrong: the verdict, every explanation, the cards it brings forward
    app.screen.panel.finish()
    await settle(pilot)


def test_review_with_a_question_answered(snap_compare, library) -> None:
    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=review_answered)


def test_review_with_a_question_answered_at_80x24(snap_compare, library) -> None:
    assert snap_compare(make_app(library), terminal_size=(80, 24), run_before=review_answered)


def test_a_flashcard_turned_over(snap_compare, library) -> None:
    async def turn_over(pilot) -> None:
        app = pilot.app
        await loaded(app, pilot, Clock())
        await app.push_screen(FlashcardsScreen(clock=Ticker()))
        await pilot.press("space")  # the first card has a scene: it runs beside the back
        app.screen.panel.finish()
        await settle(pilot)

    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=turn_over)


def test_the_mock_exam_report(snap_compare, library) -> None:
    async def sit_the_exam(pilot) -> None:
        app = pilot.app
        ticker = Ticker()
        await loaded(app, pilot, Clock())
        questions = [app.library.questions[i] for i in ("q-limit", "q-heavy", "q-small", "q-beta")]
        await app.push_screen(ExamScreen(questions, time_limit_s=600, clock=ticker))
        await pilot.pause()
        for keys, seconds in ((("a", "enter"), 14), (("a", "enter"), 40), (("b", "enter"), 9), (("a", "enter"), 21)):
            ticker.advance(seconds)
            await pilot.press(*keys)
        await settle(pilot)

    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=sit_the_exam)


def test_the_dashboard_on_a_seeded_history(snap_compare, library) -> None:
    async def open_dashboard(pilot) -> None:
        app = pilot.app
        clock = Clock()
        reviewer = await loaded(app, pilot, clock)
        seed_history(app, clock, reviewer)
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=open_dashboard)


def test_the_playground(snap_compare, library) -> None:
    async def run_the_default_scene(pilot) -> None:
        app = pilot.app
        await loaded(app, pilot, Clock())
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        screen.experiment.finish()
        screen.redraw()
        await settle(pilot)

    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=run_the_default_scene)


def test_the_settings_refusing_a_negative_limit(snap_compare, library) -> None:
    async def type_a_negative_limit(pilot) -> None:
        app = pilot.app
        await loaded(app, pilot, Clock())
        await pilot.press("s")
        await pilot.pause()
        still_cursors(app)
        field = app.screen.query_one("#st-daily", Input)
        field.focus()
        field.value = ""
        await pilot.press("-", "3", "enter")
        await settle(pilot)

    assert snap_compare(make_app(library), terminal_size=(100, 30), run_before=type_a_negative_limit)


def test_the_settings_in_korean(snap_compare, library) -> None:
    async def open_settings(pilot) -> None:
        app = pilot.app
        await loaded(app, pilot, Clock())
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_app(library, "ko"), terminal_size=(100, 30), run_before=open_settings)
