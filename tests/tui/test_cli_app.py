"""Bare `studyapp` opens the app with the global options; bad options give one line and exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.paths import DATA_DIR_ENV
from studyapp.tui.app import StudyApp


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Capture the app `studyapp` would run instead of running it."""
    seen: dict = {}

    def fake_run(self: StudyApp) -> None:
        seen.update(lang=self.lang, content=self.content_dirs, preview=self.preview_file)

    monkeypatch.setattr(StudyApp, "run", fake_run)
    return seen


def test_bare_command_opens_the_app_with_global_options(launched: dict, tmp_path: Path, monkeypatch) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    data = tmp_path / "elsewhere"
    assert main(["--data-dir", str(data), "--content", str(mine), "--lang", "ko"]) == 0
    assert launched == {"lang": "ko", "content": (mine,), "preview": None}
    assert os.environ[DATA_DIR_ENV] == str(data)


def test_missing_content_directory_is_one_line_and_exit_2(launched: dict, capsys, tmp_path: Path) -> None:
    assert main(["--content", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such directory" in err
    assert launched == {}


def test_unknown_language_is_refused_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", "fr"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
