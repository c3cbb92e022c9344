"""`studyapp export-progress FILE|-`: write the learner's whole history as JSON."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from studyapp.commands.stats import add_data_dir_option, fail, open_progress
from studyapp.study import RecordError, StoreError, export_progress
from studyapp.study.transfer import dumps


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-progress",
        help="write your whole study history as JSON (to move it to another machine)",
        description="Write every answer, review, card state, exam and setting as one JSON file. "
        "Read it back with `studyapp import-progress`.",
    )
    parser.add_argument("file", metavar="FILE", help="where to write the JSON; - for standard output")
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    command = "export-progress"
    try:
        with open_progress(args, command) as store:
            document = export_progress(store)
    except (StoreError, RecordError) as error:
        return fail(command, str(error))
    text = dumps(document)
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.file)
    try:
        _write_atomically(target, text)
    except OSError as error:
        return fail(command, f"cannot write {target}: {error.strerror or error}")
    print(f"Exported {len(document['answers'])} answers, {len(document['reviews'])} reviews, "
          f"{len(document['cards'])} card states and {len(document['exams'])} exams to {target}", file=sys.stderr)
    return 0


def _write_atomically(target: Path, text: str) -> None:
    """Write beside the target and rename, so an interrupted export never leaves half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
