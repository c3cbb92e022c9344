"""Where studyapp keeps the learner's data and finds extra content.

The data directory is the platform's user data directory unless `STUDYAPP_DATA_DIR`
(or the `--data-dir` option, which sets it) says otherwise, so tests and portable
installs never touch the real one.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "STUDYAPP_DATA_DIR"
CONTENT_ENV = "STUDYAPP_CONTENT"


def data_dir() -> Path:
    """The directory holding progress.db and the user's own content folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("studyapp", appauthor=False))


def user_content_dirs(extra: list[str] | None = None) -> list[Path]:
    """Content directories beyond the bundled one, in precedence order.

    `extra` are the `--content` options; then `STUDYAPP_CONTENT` (os.pathsep-separated);
    then `<data dir>/content` when it exists.
    """
    dirs = [Path(item).expanduser() for item in extra or []]
    env = os.environ.get(CONTENT_ENV, "")
    dirs += [Path(item).expanduser() for item in env.split(os.pathsep) if item]
    own = data_dir() / "content"
    if own.is_dir():
        dirs.append(own)
    return dirs
