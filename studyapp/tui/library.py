"""The content as the app reads it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from studyapp.content import Library


def load_content(content_dirs: Sequence[Path] = ()) -> Library:
    """The bundled content and the user's content directories (a broken file becomes a problem)."""
    from studyapp.content import load_library

    return load_library(content_dirs=[str(directory) for directory in content_dirs])
