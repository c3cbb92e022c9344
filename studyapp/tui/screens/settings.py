"""Settings: language, theme, new items a day, the exam date and the mock exam's defaults.

Every change takes effect at once and goes to the progress store, so the next start (and
every screen reading the store: review's daily limit, the dashboard's exam date, the mock
exam's setup) agrees. Language and theme use the app's own switches (the same as `l` and
`t`). A typed field is saved with Enter or on leaving it (Tab, a click elsewhere); what
cannot be saved is named beside the field, in the current language, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from studyapp.study import StoreError
from studyapp.study.exam import DEFAULT_EXAM_SIZE
from studyapp.study.records import RecordError, Settings
from studyapp.tui.i18n import LANGUAGE_NAMES, LANGUAGES
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.exam import MAX_MINUTES
from studyapp.tui.widgets.footer import LocalizedFooter

#: The most new items a day the field accepts (a typo such as 2000 is refused, not saved).
MAX_DAILY_NEW = 999
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_whole(text: str, lowest: int, highest: int) -> int:
    """`text` as a whole number from `lowest` to `highest` (spaces around allowed); ValueError otherwise."""
    stripped = text.strip()
    if not WHOLE_NUMBER.fullmatch(stripped) or len(stripped) > 12:
        raise ValueError(f"{text!r} is not a whole number")
    value = int(stripped)
    if not lowest <= value <= highest:
        raise ValueError(f"{value} is not from {lowest} to {highest}")
    return value


def parse_exam_date(text: str) -> date | None:
    """None when empty (no exam date); a real calendar day written YYYY-MM-DD; ValueError otherwise."""
    stripped = text.strip()
    if not stripped:
        return None
    if not ISO_DATE.fullmatch(stripped):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return date.fromisoformat(stripped)  # refuses 2025-02-30


def parse_minutes(text: str) -> int | None:
    """None when empty (untimed); otherwise whole minutes from 1 to MAX_MINUTES; ValueError otherwise."""
    return None if not text.strip() else parse_whole(text, 1, MAX_MINUTES)


@dataclass(frozen=True)
class Note:
    """What a field's note says: an i18n key, its values, and how it looks (hint, saved or error)."""

    key: str
    values: dict[str, Any]
    kind: str = "hint"


@dataclass(frozen=True)
class TypedField:
    """A typed setting: its field, label, hint and refusal (the i18n keys), and what may be typed in it."""

    name: str
    label: str
    hint: str
    bad: str
    restrict: str  # the characters the field lets through: anything else could never be valid
    max_length: int
    placeholder: str = ""


NUMBER_KEYS = r"[-+0-9 ]*"
TYPED_FIELDS = (
    TypedField("daily", "settings.daily", "settings.daily_hint", "settings.bad_daily", NUMBER_KEYS, 6),
    TypedField("exam-date", "settings.exam_date", "settings.exam_date_hint", "settings.bad_date", r"[-0-9 ]*", 12, "YYYY-MM-DD"),
    TypedField("exam-questions", "settings.exam_questions", "settings.exam_questions_hint", "settings.bad_questions", NUMBER_KEYS, 6),
    TypedField("exam-minutes", "settings.exam_minutes", "settings.exam_minutes_hint", "settings.bad_minutes", NUMBER_KEYS, 6),
)


class SettingsScreen(StudyScreen):
    """The learner's preferences, each saved as soon as it is chosen or typed."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [Binding("escape", "back", "key.back")]

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, Note] = {}
        self.saved_text: dict[str, str] = {}  # each typed field's text as last saved
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Static(id="st-top", markup=False)
        with VerticalScroll(id="st-body", can_focus=False):  # Tab goes from field to field
            yield Static(id="st-notice", markup=False)
            with Horizontal(classes="st-row"):
                yield Label(id="st-language-label", classes="st-label", markup=False)
                with RadioSet(id="st-language"):
                    for lang in LANGUAGES:
                        yield RadioButton(LANGUAGE_NAMES[lang], id=f"st-language-{lang}")
                yield Static(id="st-language-note", classes="st-note", markup=False)
            with Horizontal(classes="st-row"):
                yield Label(id="st-theme-label", classes="st-label", markup=False)
                with RadioSet(id="st-theme"):
                    yield RadioButton(id="st-theme-dark")
                    yield RadioButton(id="st-theme-light")
                yield Static(id="st-theme-note", classes="st-note", markup=False)
            for field in TYPED_FIELDS:
                with Horizontal(classes="st-row"):
                    yield Label(id=f"st-{field.name}-label", classes="st-label", markup=False)
                    yield Input(
                        id=f"st-{field.name}",
                        placeholder=field.placeholder,
                        restrict=field.restrict,
                        max_length=field.max_length,
                        select_on_focus=False,
                    )
                    yield Static(id=f"st-{field.name}-note", classes="st-note", markup=False)
            yield Static(id="st-keys", markup=False)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self._ready = True
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_choices())
        self._fill_typed_fields()  # StudyScreen.on_mount then labels everything

    # --- what the store holds ---------------------------------------------------------------

    @property
    def store(self):
        session = self.app.session
        return session.store if session is not None else None

    def stored(self) -> Settings:
        """The saved settings (the defaults when the store cannot be read)."""
        if self.store is None:
            return Settings()
        try:
            return self.store.settings()
        except (StoreError, RecordError):
            return Settings()

    def question_count(self) -> int:
        """How many questions the loaded content has: the most a mock exam can draw."""
        kinds = self.app.session.catalog.kinds.values() if self.app.session is not None else ()
        return sum(kind == "question" for kind in kinds)

    def limits(self) -> dict[str, int]:
        """The highest value each typed field accepts."""
        return {"daily": MAX_DAILY_NEW, "exam-questions": max(1, self.question_count()), "exam-minutes": MAX_MINUTES}

    def _fill_typed_fields(self) -> None:
        settings = self.stored()
        questions = settings.extra.get("exam_questions")
        minutes = settings.extra.get("exam_minutes")
        texts = {
            "daily": str(settings.daily_new_limit),
            "exam-date": settings.exam_date.isoformat() if settings.exam_date else "",
            "exam-questions": str(min(questions if isinstance(questions, int) and questions > 0 else DEFAULT_EXAM_SIZE, self.limits()["exam-questions"])),
            "exam-minutes": str(minutes) if isinstance(minutes, int) and minutes > 0 else "",
        }
        for name, text in texts.items():
            self.saved_text[name] = text
            self.query_one(f"#st-{name}", Input).value = text

    # --- drawing ----------------------------------------------------------------------------

    def relabel(self) -> None:
        if not self._ready:
            return
        self.query_one("#st-top", Static).update(self.t("settings.title"))
        notice = self.query_one("#st-notice", Static)
        notice.update(self.t("settings.no_store") if self.store is None else "")
        notice.display = self.store is None
        self.query_one("#st-language-label", Label).update(self.t("settings.language"))
        self.query_one("#st-theme-label", Label).update(self.t("settings.theme"))
        self.query_one("#st-theme-dark", RadioButton).label = self.t("settings.theme.dark")
        self.query_one("#st-theme-light", RadioButton).label = self.t("settings.theme.light")
        for field in TYPED_FIELDS:
            self.query_one(f"#st-{field.name}-label", Label).update(self.t(field.label))
        self.query_one("#st-keys", Static).update(self.t("settings.keys"))
        self._show_choices()
        self._show_notes()

    def _show_choices(self) -> None:
        """Mark the language and theme in use (after `l`, `t` or a change made here)."""
        if not self._ready:
            return
        self.query_one(f"#st-language-{self.lang}", RadioButton).value = True
        dark = self.app.current_theme.dark
        self.query_one("#st-theme-dark" if dark else "#st-theme-light", RadioButton).value = True

    def default_note(self, name: str) -> Note:
        if name == "language":
            return Note("settings.language_hint", {})
        if name == "theme":
            return Note("settings.theme_hint", {})
        field = next(field for field in TYPED_FIELDS if field.name == name)
        return Note(field.hint, {"most": self.limits().get(name, 0)})

    def _show_notes(self) -> None:
        for name in ("language", "theme", *(field.name for field in TYPED_FIELDS)):
            note = self.notes.get(name) or self.default_note(name)
            widget = self.query_one(f"#st-{name}-note", Static)
            widget.update(self.t(note.key, **note.values))
            widget.set_class(note.kind == "error", "-error")
            widget.set_class(note.kind == "saved", "-saved")

    def note(self, name: str, key: str, kind: str, **values: Any) -> None:
        self.notes[name] = Note(key, values, kind)
        self._show_notes()

    # --- language and theme -----------------------------------------------------------------

    @on(RadioSet.Changed, "#st-language")
    def _language_chosen(self, event: RadioSet.Changed) -> None:
        chosen = event.pressed.id.removeprefix("st-language-")
        if chosen != self.app.lang:  # not merely showing the language in use
            self.app.action_toggle_language()  # switches, relabels every screen, saves
            self.note("language", "settings.saved", "saved")

    @on(RadioSet.Changed, "#st-theme")
    def _theme_chosen(self, event: RadioSet.Changed) -> None:
        dark = event.pressed.id == "st-theme-dark"
        if dark != self.app.current_theme.dark:
            self.app.action_toggle_theme()
            self.note("theme", "settings.saved", "saved")

    # --- typed fields -----------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.save_field(event.input)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        """Leaving a field (Tab, a click elsewhere) saves what was typed in it."""
        name = event.input.id.removeprefix("st-")
        if event.input.value != self.saved_text.get(name):
            self.save_field(event.input)

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        """Typing again puts the field's hint back in place of the last message."""
        name = event.input.id.removeprefix("st-")
        if event.value != self.saved_text.get(name) and name in self.notes:
            del self.notes[name]
            self._show_notes()

    def save_field(self, field: Input) -> None:
        """Check the field's text; save it, or say what is wrong with it and write nothing."""
        name = field.id.removeprefix("st-")
        text = field.value
        savers = {
            "daily": self._daily,
            "exam-date": self._exam_date,
            "exam-questions": self._exam_questions,
            "exam-minutes": self._exam_minutes,
        }
        try:
            changes, shown, message, values = savers[name](text)
        except ValueError:
            bad = next(typed.bad for typed in TYPED_FIELDS if typed.name == name)
            self.note(name, bad, "error", text=text, most=self.limits().get(name, 0))
            return
        if self.store is None:
            self.note(name, "settings.no_store", "error")
            return
        try:
            self.store.update_settings(**changes)
        except (StoreError, RecordError) as error:
            self.note(name, "settings.not_saved", "error", error=str(error))
            return
        self.saved_text[name] = shown
        field.value = shown  # as saved: " 25" becomes "25"
        self.note(name, message, "saved", **values)

    def _daily(self, text: str) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
        limit = parse_whole(text, 0, MAX_DAILY_NEW)
        return {"daily_new_limit": limit}, str(limit), "settings.saved", {}

    def _exam_date(self, text: str) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
        chosen = parse_exam_date(text)
        if chosen is None:
            return {"exam_date": None}, "", "settings.cleared", {}
        reviewer = self.app.session.reviewer
        today = reviewer.now().astimezone(reviewer.zone).date()
        days = (chosen - today).days
        message = "settings.saved_days" if days > 0 else "settings.saved_today" if days == 0 else "settings.saved_past"
        return {"exam_date": chosen.isoformat()}, chosen.isoformat(), message, {"days": days}

    def _exam_questions(self, text: str) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
        count = parse_whole(text, 1, self.limits()["exam-questions"])
        return {"exam_questions": count}, str(count), "settings.saved", {}

    def _exam_minutes(self, text: str) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
        minutes = parse_minutes(text)
        if minutes is None:
            return {"exam_minutes": None}, "", "settings.untimed", {}
        return {"exam_minutes": minutes}, str(minutes), "settings.saved", {}

    def action_back(self) -> None:
        self.app.pop_screen()


def open_settings(app) -> None:
    """The settings (Home's `s`, the command palette), once the content and the store are open."""
    if app.session is None or app.library is None or isinstance(app.screen, SettingsScreen):
        return
    app.push_screen(SettingsScreen())
