"""`studyapp preview FILE`: the file's questions as a learner sees them, problems in place, reload on save."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from textual.widgets import Static

from studyapp.cli import main
from studyapp.study import open_store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.preview import PreviewScreen

DEMO = Path(__file__).parent / "content" / "banks" / "demo.yaml"

# A bank that refers only to bundled ids, so it validates beside the bundled content.
BANK = """\
kind: bank
id: bank-preview-test
title: {en: Preview test, ko: 미리 보기 시험}
topics: [overshooting]
sources: [note-lr-properties]
questions:
  - id: q-preview-test-one
    kind: single
    difficulty: 1
    topics: [overshooting]
    source: note-lr-properties
    stem: {en: "Preview question one?", ko: "미리 보기 문제 하나?"}
    options:
      - {key: a, text: {en: "Yes", ko: "예"}, correct: true, explanation: {en: Because it is., ko: 그렇기 때문이다.}}
      - {key: b, text: {en: "No", ko: "아니요"}, correct: false, explanation: {en: Because it is not., ko: 아니기 때문이다.}}
"""


def status(app: StudyApp) -> str:
    return str(app.screen.query_one("#preview-status", Static).content)


def on_screen(app: StudyApp, text: str) -> bool:
    """Whether `text` is really drawn (the screenshot writes spaces as &#160;)."""
    return text.replace(" ", "&#160;") in app.export_screenshot()


async def settle(app: StudyApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_preview_shows_the_file_and_reloads_it_when_saved(tmp_path: Path, data_dir: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    app = StudyApp(preview_file=bank, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        assert "No problems" in status(app)
        assert str(screen.query_one("#stem", Static).content) == "Preview question one?"
        assert on_screen(app, "Preview question one?") and on_screen(app, "○ b  No")

        await pilot.press("b", "enter")  # answering works, but nothing is recorded
        assert screen.attempt.scored is not None and not screen.attempt.scored.correct

        broken = BANK.replace("Preview question one?", "Preview question, edited?").replace("correct: true", "correct: false")
        bank.write_text(broken, encoding="utf-8")
        os.utime(bank, ns=(bank.stat().st_atime_ns, bank.stat().st_mtime_ns + 10_000_000))
        screen._poll()
        await settle(app, pilot)
        assert "problem" in status(app) and "bank.yaml:" in status(app)

        bank.write_text(BANK.replace("Preview question one?", "Preview question, fixed?"), encoding="utf-8")
        os.utime(bank, ns=(bank.stat().st_atime_ns, bank.stat().st_mtime_ns + 20_000_000))
        screen._poll()
        await settle(app, pilot)
        assert "No problems" in status(app)
        assert str(screen.query_one("#stem", Static).content) == "Preview question, fixed?"
    with open_store(data_dir) as store:
        assert store.answers() == []


async def test_preview_of_a_file_that_does_not_parse_lists_its_problem(tmp_path: Path) -> None:
    bank = tmp_path / "broken.yaml"
    bank.write_text("kind: bank\nid: [unclosed\n", encoding="utf-8")
    app = StudyApp(preview_file=bank, lang="ko", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = status(app)
        assert "문제" in text and "broken.yaml:" in text
        assert "아직 보여 줄 문제가 없습니다" in text
        assert on_screen(app, "broken.yaml:3:1:")


def test_preview_command_refuses_a_missing_file(capsys, tmp_path: Path) -> None:
    assert main(["preview", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_preview_command_opens_the_app_on_the_file(monkeypatch, tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "demo.yaml")
    opened = {}
    monkeypatch.setattr(StudyApp, "run", lambda self: opened.update(file=self.preview_file, lang=self.lang))
    assert main(["--lang", "ko", "preview", str(tmp_path / "demo.yaml")]) == 0
    assert opened == {"file": (tmp_path / "demo.yaml").resolve(), "lang": "ko"}
