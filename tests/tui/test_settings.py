"""The settings screen with Pilot: each setting takes effect, is kept in the store (and read back by a
new app), bad input is refused beside its field in the current language, and the parsers behind it."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.widgets import Input, RadioButton, Static

from studyapp.study.records import DEFAULT_DAILY_NEW_LIMIT
from studyapp.tui.commands import StudyCommands
from studyapp.tui.screens.exam import MAX_MINUTES, ExamSetup
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.screens.settings import (
    MAX_DAILY_NEW,
    SettingsScreen,
    parse_exam_date,
    parse_minutes,
    parse_whole,
)

from .modes_support import START, Clock, load_modes_library, loaded, make_app, text_of

SIZE = (100, 30)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


async def open_settings(app, pilot) -> SettingsScreen:
    await pilot.press("s")  # Home's key
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


def note(screen: SettingsScreen, name: str) -> str:
    return text_of(screen, f"#st-{name}-note")


def is_error(screen: SettingsScreen, name: str) -> bool:
    return screen.query_one(f"#st-{name}-note", Static).has_class("-error")


async def type_into(pilot, screen: SettingsScreen, name: str, text: str, *, then: str = "enter") -> None:
    """Click the field, replace its text by typing, and press `then` (Enter saves, Tab leaves)."""
    await pilot.click(f"#st-{name}")
    field = screen.query_one(f"#st-{name}", Input)
    assert field.has_focus
    field.value = ""
    await pilot.press(*text, then)
    await pilot.pause()


async def test_each_typed_setting_is_saved_to_the_store_and_read_back_by_a_new_app(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        screen = await open_settings(app, pilot)
        assert screen.query_one("#st-daily", Input).value == str(DEFAULT_DAILY_NEW_LIMIT)
        assert screen.query_one("#st-exam-questions", Input).value == "4"  # the default 20, but only 4 questions exist
        assert screen.query_one("#st-exam-date", Input).value == ""

        await type_into(pilot, screen, "daily", "5")
        assert store.settings().daily_new_limit == 5
        assert note(screen, "daily") == "✔ Saved."

        exam_day = START.date() + timedelta(days=30)
        await type_into(pilot, screen, "exam-date", exam_day.isoformat())
        assert store.settings().exam_date == exam_day
        assert note(screen, "exam-date") == "✔ Saved: 30 day(s) from today."  # today by the session's clock

        await type_into(pilot, screen, "exam-questions", "3", then="tab")  # leaving the field saves it too
        await type_into(pilot, screen, "exam-minutes", "25")
        extra = store.settings().extra
        assert (extra["exam_questions"], extra["exam_minutes"]) == (3, 25)
        assert note(screen, "exam-questions") == "✔ Saved."

        # The other screens read what was saved: the exam setup starts from it, review's daily limit follows it.
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("x")
        setup = app.screen
        assert isinstance(setup, ExamSetup)
        assert (setup.query_one("#setup-count", Input).value, setup.query_one("#setup-minutes", Input).value) == ("3", "25")
        await pilot.press("escape")
        assert app.session.reviewer.new_allowance() == 5

        # Clearing: an empty date removes it, empty minutes mean no time limit.
        screen = await open_settings(app, pilot)
        assert screen.query_one("#st-exam-date", Input).value == exam_day.isoformat()
        await type_into(pilot, screen, "exam-date", "")
        await type_into(pilot, screen, "exam-minutes", "")
        assert store.settings().exam_date is None and store.settings().extra["exam_minutes"] is None
        assert note(screen, "exam-date") == "✔ Cleared: no exam date."
        assert note(screen, "exam-minutes") == "✔ Saved: no time limit."
        await type_into(pilot, screen, "exam-date", "2030-01-02")

    again = make_app(library)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(again, pilot, Clock())
        screen = await open_settings(again, pilot)
        assert [screen.query_one(f"#st-{name}", Input).value for name in ("daily", "exam-date", "exam-questions", "exam-minutes")] == [
            "5", "2030-01-02", "3", ""
        ]


async def test_a_bad_date_or_a_negative_limit_is_refused_beside_the_field_and_nothing_is_written(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        store = app.session.store
        before = store.settings()
        screen = await open_settings(app, pilot)

        await type_into(pilot, screen, "daily", "-3")
        assert note(screen, "daily") == f"Not saved: “-3” is not a whole number from 0 to {MAX_DAILY_NEW}."
        assert is_error(screen, "daily")
        assert "daily_new_limit" not in store.stored_setting_keys()

        await type_into(pilot, screen, "exam-date", "2025-02-30")
        assert note(screen, "exam-date") == "Not saved: “2025-02-30” is not a date written like 2025-06-14."
        await type_into(pilot, screen, "exam-date", "20250614", then="tab")  # ISO, but not the form asked for
        assert is_error(screen, "exam-date")
        await type_into(pilot, screen, "exam-questions", "5")  # the content has 4 questions
        assert note(screen, "exam-questions") == "Not saved: “5” is not a whole number from 1 to 4."
        await type_into(pilot, screen, "exam-minutes", "0")
        assert is_error(screen, "exam-minutes")
        assert store.settings() == before

        # The message is in the current language, and typing again puts the hint back.
        await pilot.click("#st-language-ko")
        assert note(screen, "daily") == f"저장하지 않음: “-3” — 0에서 {MAX_DAILY_NEW} 사이의 정수를 입력하세요."
        await pilot.click("#st-daily")
        await pilot.press("end", "backspace")
        assert not is_error(screen, "daily")
        assert note(screen, "daily") == f"복습이 하루에 새로 시작하는 최대 항목 수 (0–{MAX_DAILY_NEW})."


async def test_language_and_theme_apply_at_once_relabel_the_screen_and_are_kept(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        store = app.session.store
        screen = await open_settings(app, pilot)
        assert screen.query_one("#st-language-en", RadioButton).value and app.current_theme.dark
        assert text_of(screen, "#st-top") == "Settings"
        assert str(screen.query_one("#st-daily-label").content) == "New items a day"

        # The keyboard: the language choice has the focus first; → then Enter picks 한국어.
        await pilot.press("right", "enter")
        assert app.lang == "ko" and store.settings().language == "ko"
        assert text_of(screen, "#st-top") == "설정"
        assert str(screen.query_one("#st-daily-label").content) == "하루 새 항목 수"
        assert str(screen.query_one("#st-theme-light", RadioButton).label) == "밝게"
        assert note(screen, "language") == "✔ 저장했습니다."
        assert app.title == "studyapp — 눈으로 보는 학습률"  # the whole app, not just this screen

        # The mouse: a click on Light switches the theme.
        await pilot.click("#st-theme-light")
        assert not app.current_theme.dark and store.settings().theme == "textual-light"

        # The app's own keys and this screen agree: `t` (outside a text field) is shown here at once.
        screen.query_one("#st-theme").focus()
        await pilot.press("t")
        assert app.current_theme.dark and screen.query_one("#st-theme-dark", RadioButton).value

        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert text_of(app.screen, "#home-language") == "언어: 한국어"

    again = make_app(library, lang=None)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(again, pilot, Clock())
        assert again.lang == "ko" and again.current_theme.dark


async def test_typing_letters_in_a_field_does_not_trigger_the_apps_keys(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        screen = await open_settings(app, pilot)
        await pilot.click("#st-exam-date")
        await pilot.press("l", "t", "o", "2")
        assert app.lang == "en" and app.current_theme.dark and app.screen is screen
        assert screen.query_one("#st-exam-date", Input).value.endswith("2")


async def test_an_edit_left_with_escape_is_not_saved(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        await open_settings(app, pilot)
        await pilot.click("#st-daily")
        await pilot.press("7", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.session.store.settings().daily_new_limit == DEFAULT_DAILY_NEW_LIMIT


async def test_settings_are_in_the_palette_and_listed_in_the_help(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        names = {name: callback for name, callback in StudyCommands(app.screen).commands()}
        names["Open the settings"]()
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-screen-keys", Static).content)
        assert re.search(r"^s +Settings *$", console.export_text(), re.MULTILINE)  # Home's keys


async def test_review_starts_no_more_new_items_than_the_limit_set_here(library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot, Clock())
        screen = await open_settings(app, pilot)
        await type_into(pilot, screen, "daily", "2")
        await pilot.press("escape")
        await app.push_screen(ReviewScreen())
        await pilot.pause()
        assert len(app.screen.steps) == 2  # eight new items, two a day


# --- the parsers -------------------------------------------------------------------------------


@settings(max_examples=60)
@given(st.integers(-10**6, 10**6), st.integers(0, 50), st.integers(0, 50), st.text(" ", max_size=2))
def test_a_whole_number_is_accepted_exactly_within_its_bounds(value: int, lowest: int, span: int, pad: str) -> None:
    highest = lowest + span
    text = f"{pad}{value}{pad}"
    if lowest <= value <= highest:
        assert parse_whole(text, lowest, highest) == value
    else:
        with pytest.raises(ValueError):
            parse_whole(text, lowest, highest)


@settings(max_examples=60)
@given(st.text(max_size=8).filter(lambda text: re.search(r"[^0-9+\- ]", text)))
def test_text_with_anything_but_digits_and_a_sign_is_not_a_whole_number(text: str) -> None:
    with pytest.raises(ValueError):
        parse_whole(text, -10**9, 10**9)


@settings(max_examples=60)
@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_calendar_day_written_yyyy_mm_dd_is_a_date(day: date) -> None:
    assert parse_exam_date(day.isoformat()) == day
    assert parse_exam_date(f" {day.isoformat()} ") == day


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "20250614", "2025-W24-6", "2025-6-14", "14/06/2025", "٢٠٢٥-٠٦-١٤"])
def test_other_dates_and_impossible_days_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_exam_date(text)


def test_empty_means_no_date_and_no_time_limit() -> None:
    assert parse_exam_date("  ") is None and parse_minutes("") is None
    assert parse_minutes(" 30 ") == 30
    for bad in ("0", str(MAX_MINUTES + 1), "-5", "1.5"):
        with pytest.raises(ValueError):
            parse_minutes(bad)

