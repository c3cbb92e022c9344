"""Screenshots of Home, a question, and feedback with its plot (simulations driven, not timed)."""

from __future__ import annotations

from studyapp.tui.app import StudyApp


def make_app(library, lang: str = "en") -> StudyApp:
    return StudyApp(library=library, lang=lang, animate=False)


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_home(snap_compare, demo_library) -> None:
    assert snap_compare(make_app(demo_library), terminal_size=(100, 30), run_before=loaded)


def test_question_in_korean(snap_compare, demo_library) -> None:
    async def open_question(pilot) -> None:
        await loaded(pilot)
        await pilot.press("enter", "b", "n")

    assert snap_compare(make_app(demo_library, "ko"), terminal_size=(100, 30), run_before=open_question)


def test_feedback_with_plot(snap_compare, demo_library) -> None:
    async def answer(pilot) -> None:
        await loaded(pilot)
        await pilot.press("enter", "a", "enter")
        pilot.app.screen.panel.advance(30)
        await pilot.pause()

    assert snap_compare(make_app(demo_library), terminal_size=(100, 30), run_before=answer)


def test_feedback_with_2d_plot_at_80x24(snap_compare, demo_library) -> None:
    async def answer(pilot) -> None:
        await loaded(pilot)
        await pilot.press("enter", "right", "right", "a", "enter")
        pilot.app.screen.panel.finish()
        await pilot.pause()

    assert snap_compare(make_app(demo_library), terminal_size=(80, 24), run_before=answer)
