"""Starting the app from the command line: check the options, then run it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run_app(args: argparse.Namespace, preview_file: Path | None = None) -> int:
    """Run the app with the global options (`--content`, `--lang`); 2 on a bad option."""
    content_dirs = [Path(item).expanduser() for item in getattr(args, "content", None) or []]
    for directory in content_dirs:
        if not directory.is_dir():
            print(f"studyapp: --content {directory}: no such directory", file=sys.stderr)
            return 2
    from studyapp.tui.app import StudyApp

    app = StudyApp(content_dirs=content_dirs, lang=getattr(args, "lang", None), preview_file=preview_file)
    app.run()
    return int(app.return_code or 0)
