"""The `studyapp` command: the app by default, plus subcommands for the shell.

Each subcommand lives in its own module under `studyapp.commands` and exposes
`register(subparsers)`, which adds its parser and sets `func` to a callable
taking the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import sys

from studyapp import __version__
from studyapp.commands import schema, sim, validate

COMMANDS = (sim, validate, schema)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Learn how the learning rate shapes gradient descent, with live simulations.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
