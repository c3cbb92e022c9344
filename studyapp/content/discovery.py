"""Finding content files: the bundled content inside the package, then the user's directories.

Precedence (first wins when an id is defined twice): the bundled content, each `--content`
directory, `STUDYAPP_CONTENT`, then `<data dir>/content` (see `studyapp.paths`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from studyapp.paths import user_content_dirs

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ContentFile:
    """A content file to read: `name` is how problems name it; `identity` tells two routes to one file apart."""

    name: str
    source: Traversable
    identity: str

    def read(self, limit: int | None) -> bytes:
        """The file's bytes, at most `limit` + 1 of them (enough to tell it is too large)."""
        with self.source.open("rb") as stream:
            return stream.read(-1 if limit is None else limit + 1)


def _is_content(name: str) -> bool:
    return name.endswith(SUFFIXES) and not name.startswith(".")


def _identity(entry: Traversable) -> str:
    return os.path.realpath(entry) if isinstance(entry, Path) else str(entry)


def _walk(root: Traversable) -> Iterator[Traversable]:
    """Content files under `root`, in sorted order, skipping hidden files and folders."""
    for entry in sorted(root.iterdir(), key=lambda item: item.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file() and _is_content(entry.name):
            yield entry


def _content_file(entry: Traversable) -> ContentFile:
    identity = _identity(entry)
    # Name bundled and user files by their real path, so a symlinked checkout shows content/… paths.
    name = identity if isinstance(entry, Path) else str(entry)
    return ContentFile(name, entry, identity)


def bundled_root() -> Traversable:
    """The content shipped inside the installed package."""
    return resources.files("studyapp") / "bundled"


def bundled_files() -> list[ContentFile]:
    root = bundled_root()
    return [_content_file(entry) for entry in _walk(root)] if root.is_dir() else []


def directory_files(directory: Path) -> list[ContentFile]:
    return [_content_file(entry) for entry in _walk(directory)]


def path_files(path: Path) -> list[ContentFile]:
    """The content files a command-line path names: the file itself, or those under a directory."""
    if path.is_dir():
        return directory_files(path)
    return [ContentFile(str(path), path, _identity(path))]


def user_directories(extra: Iterable[str | Path] | None = None) -> list[Path]:
    """The user's content directories in precedence order (missing ones included, to be reported)."""
    return user_content_dirs([str(item) for item in extra or []])
