"""`studyapp import-progress FILE|-`: merge an exported history into this machine's, without duplicates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.commands.stats import add_data_dir_option, fail, open_progress
from studyapp.study import RecordError, StoreError, TransferError, import_progress
from studyapp.study.transfer import loads


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-progress",
        help="merge a history written by export-progress into this one",
        description="Merge an exported history: answers, reviews and exams already here are skipped, "
        "each item keeps its most recently reviewed state, and settings fill in only what is not set here. "
        "Importing the same file again changes nothing.",
    )
    parser.add_argument("file", metavar="FILE", help="the JSON written by export-progress; - for standard input")
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    command = "import-progress"
    source = "<stdin>" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        return fail(command, f"cannot read {source}: {error.strerror or error}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return fail(command, f"{source}: not UTF-8 text (byte {error.start})")
    try:
        document = loads(text, source)
        with open_progress(args, command) as store:
            report = import_progress(store, document, source)
    except (TransferError, StoreError, RecordError) as error:
        return fail(command, str(error))
    print(f"Imported {source}: {report.describe()}", file=sys.stderr)
    return 0
