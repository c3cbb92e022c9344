"""Shared fixtures: a private data directory per test and a small, fixed content library."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.content import Library, load_library
from studyapp.paths import CONTENT_ENV, DATA_DIR_ENV

CONTENT = Path(__file__).parent / "content"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Progress goes to a fresh directory; no user content directory is read."""
    directory = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(directory))
    monkeypatch.delenv(CONTENT_ENV, raising=False)
    return directory


@pytest.fixture(scope="session")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """Three questions (single with scenes, multi, a 2-D scene) that never change under the tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("library-data")))
        patch.delenv(CONTENT_ENV, raising=False)
        library = load_library([CONTENT], bundled=False, cache_dir=None)
    assert not library.problems, library.problems
    return library
