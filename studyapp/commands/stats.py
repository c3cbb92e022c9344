"""`studyapp stats`: the dashboard's summary as plain text or JSON, for scripts.

Also holds what the three progress commands share (the `--data-dir` option, opening the store
with its recovery notice, one-line errors).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from datetime import date
from pathlib import Path

from studyapp import paths
from studyapp.catalog import catalog_from_content
from studyapp.study import Catalog, ProgressStore, RecordError, StoreError, Summary, build_summary, open_store

COMMAND = "stats"
BAR_WIDTH = 20
TEXT_DAYS = 14


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help="print a summary of your progress (plain text, or JSON with --json)",
        description="Accuracy per topic, answers per day, the review forecast, calibration, the "
        "misconceptions chosen most, mock exams, and predicted recall on your exam date.",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--exam-date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="predict recall on this date (default: the exam date in your settings)",
    )
    add_data_dir_option(parser)
    parser.set_defaults(func=run)


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS keeps a global --data-dir given before the subcommand from being reset to None.
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the directory holding progress.db (default: STUDYAPP_DATA_DIR or the platform's user data directory)",
    )


def open_progress(args: argparse.Namespace, command: str) -> ProgressStore:
    """The store in the data directory; `--data-dir` sets it for everything else in the run too
    (the user's content folder lives there), as `studyapp.paths` documents."""
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        os.environ[paths.DATA_DIR_ENV] = str(Path(data_dir).expanduser())
    store = open_store()
    if store.recovered is not None:
        print(f"studyapp {command}: {store.recovered.message}", file=sys.stderr)
    return store


def fail(command: str, message: str) -> int:
    print(f"studyapp {command}: error: {message}", file=sys.stderr)
    return 1


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-06-14") from None


def run(args: argparse.Namespace) -> int:
    try:
        with open_progress(args, COMMAND) as store:
            language = store.settings().language
            catalog, note = load_catalog(args, language)
            summary = build_summary(store, catalog, exam_date=args.exam_date)
    except (StoreError, RecordError) as error:
        return fail(COMMAND, str(error))
    if note:
        print(f"studyapp {COMMAND}: {note}", file=sys.stderr)
    if args.json:
        json.dump(summary.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_summary(summary))
    return 0


def load_catalog(args: argparse.Namespace, language: str) -> tuple[Catalog, str | None]:
    """The catalog of the bundled and user content, and a note when some of it did not load."""
    from studyapp.content import ContentError, load_library  # only stats needs the content: keep the CLI's start fast

    try:
        library = load_library(content_dirs=getattr(args, "content", None) or None)
    except ContentError as error:
        return Catalog(), f"topics are unavailable: the content did not load ({error})"
    note = None
    if library.errors:
        note = f"{len(library.errors)} content problems left some items out (see `studyapp validate`)"
    return catalog_from_content(library.banks, library.decks, library.taxonomy, language), note


# -- plain-text rendering ----------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Terminal columns: East Asian wide characters (Hangul) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


def percent(value: float | None) -> str:
    return "   —" if value is None else f"{value * 100:3.0f}%"


def answers(count: int) -> str:
    return f"{count:5d} answer " if count == 1 else f"{count:5d} answers"


def bar(value: float | None) -> str:
    filled = 0 if value is None else round(value * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def format_summary(summary: Summary) -> str:
    lines = [
        f"Answers: {summary.total_answers} ({percent(summary.accuracy).strip()} right) · "
        f"questions answered: {summary.questions_answered} · in review: {summary.items_reviewed} · "
        f"due now: {summary.due_now}",
    ]
    if summary.topics:
        name_width = max(cell_width(row.name) for row in summary.topics)
        lines += ["", "Accuracy by topic"]
        lines += [
            f"  {pad(row.name, name_width)}  {answers(row.answers)}  {percent(row.accuracy)}  {bar(row.accuracy)}"
            for row in summary.topics
        ]
    lines += ["", f"Answers per day (last {TEXT_DAYS} days)"]
    lines += [
        f"  {row.day.isoformat()}  {answers(row.answers)}  {percent(row.accuracy)}"
        for row in summary.days[-TEXT_DAYS:]
    ]
    lines += ["", "Reviews due (next 14 days)"]
    lines += ["  " + "  ".join(f"{row.day.strftime('%m-%d')}:{row.due}" for row in summary.forecast[:7])]
    lines += ["  " + "  ".join(f"{row.day.strftime('%m-%d')}:{row.due}" for row in summary.forecast[7:])]
    lines += ["", "Calibration (how often each confidence was right)"]
    lines += [
        f"  {row.confidence:<9}  {answers(row.answers)}  {percent(row.accuracy)}" for row in summary.calibration
    ]
    if summary.misconceptions:
        lines += ["", "Misconceptions chosen most"]
        lines += [
            f"  {row.times_chosen:4d}×  {row.name}" + (f"  (review {row.repair_card})" if row.repair_card else "")
            for row in summary.misconceptions[:10]
        ]
    if summary.exams:
        lines += ["", "Mock exams"]
        lines += [
            f"  {row.finished_at.date().isoformat()}  {row.correct}/{row.questions}  {percent(row.score)}"
            for row in summary.exams[-10:]
        ]
    if summary.exam_date is not None:
        lines += ["", f"Predicted recall on {summary.exam_date.isoformat()} (best gain from studying now first)"]
        if summary.exam_recall:
            name_width = max(cell_width(row.name) for row in summary.exam_recall)
            lines += [
                f"  {pad(row.name, name_width)}  recall {percent(row.recall)}  "
                f"if studied now {percent(row.recall_if_studied)}  gain {row.gain * 100:+.0f} pts"
                for row in summary.exam_recall
            ]
        else:
            lines += ["  (the exam date has passed, or there is nothing to predict)"]
    return "\n".join(lines) + "\n"
