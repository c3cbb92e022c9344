"""Every app string exists in both languages with the same placeholders, and every key the UI uses exists."""

from __future__ import annotations

import re
import string

from studyapp.tui.app import StudyApp
from studyapp.tui.i18n import STRINGS, Same, other_language, tr
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.practice import PracticeScreen
from studyapp.tui.screens.summary import SummaryScreen


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_are_complete_and_agree_on_placeholders() -> None:
    for key, (english, korean) in STRINGS.items():
        assert english.strip() and korean.strip(), key
        assert placeholders(english) == placeholders(korean), key


def test_korean_strings_are_korean() -> None:
    hangul = re.compile("[가-힣]")
    untranslated = [key for key, (_, korean) in STRINGS.items() if not hangul.search(korean)]
    # Only language names and pure symbols may read the same in Korean.
    assert set(untranslated) <= {"key.language"}, untranslated


def test_every_binding_description_is_translated() -> None:
    for owner in (StudyApp, HomeScreen, PracticeScreen, SummaryScreen, HelpScreen):
        for binding in owner.BINDINGS:
            if binding.description:
                assert binding.description in STRINGS, (owner.__name__, binding.description)
            if binding.group is not None:
                assert binding.group.description in STRINGS, binding.group.description


def test_tr_fills_placeholders_and_passes_unknown_text_through() -> None:
    assert tr("practice.progress", "en", index=2, total=5) == "Question 2 of 5"
    assert tr("practice.progress", "ko", index=2, total=5) == "5문항 중 2번"
    assert tr("Quit", "ko") == "Quit"
    assert other_language("en") == "ko" and other_language("ko") == "en"
    assert Same("lr 0.1").get("ko") == "lr 0.1"
