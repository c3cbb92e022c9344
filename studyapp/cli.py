"""The `studyapp` command: the app by default, plus subcommands for the shell.

Each subcommand lives in its own module under `studyapp.commands` and exposes
`register(subparsers)`, which adds its parser and sets `func` to a callable
taking the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import os
import sys

from studyapp import __version__
from studyapp.commands import export_progress, import_progress, preview, schema, sim, stats, validate
from studyapp.paths import DATA_DIR_ENV

COMMANDS = (sim, validate, schema, stats, export_progress, import_progress, preview)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Learn how the learning rate shapes gradient descent, with live simulations.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where progress is kept (default: STUDYAPP_DATA_DIR or the platform's user data directory)")
    parser.add_argument("--content", action="append", metavar="DIR", help="another content directory beside the bundled one (repeatable)")
    parser.add_argument("--lang", choices=("en", "ko"), help="the app's language (default: the saved setting, else en)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "data_dir", None):
        os.environ[DATA_DIR_ENV] = str(args.data_dir)  # every layer reads the data directory from here
    try:
        if args.command is None:
            from studyapp.tui.launch import run_app

            return run_app(args)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
