"""`studyapp preview FILE`: the app on one content file, reloaded each time it is saved."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="see a content file as a learner will, reloaded on every save",
        description="Open the app on one bank (or cards) file: its questions, explanations and scenes as a "
        "learner sees them, with any validation problems shown in place. The file is read again each "
        "time it is saved.",
    )
    parser.add_argument("file", metavar="FILE", help="the YAML file to preview")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        print(f"studyapp preview: {args.file}: no such file", file=sys.stderr)
        return 2
    from studyapp.tui.launch import run_app

    return run_app(args, preview_file=path.resolve())
