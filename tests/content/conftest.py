"""Content tests run against a throwaway data directory and no user content."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Keep the scene cache and user content of the real data directory out of every test."""
    data = tmp_path / "data"
    monkeypatch.setenv("STUDYAPP_DATA_DIR", str(data))
    monkeypatch.delenv("STUDYAPP_CONTENT", raising=False)
    return data


@pytest.fixture
def write(tmp_path):
    """Write a content file under tmp_path/content and return its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
