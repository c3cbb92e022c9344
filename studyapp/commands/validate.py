"""`studyapp validate [PATHS…]`: check content files and run their scenes.

Prints every problem as `file:line:column: severity: path: message`, then a one-line
summary. Exit status: 0 clean, 1 problems (warnings count only with --strict), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.content.validate import check_content


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check content files (questions, cards, scenes) and report every problem",
        description="Check content files and run every scene's claims. With no PATHS: the bundled content "
        "and your content directories. Given files are checked against the bundled content, so a file of "
        "your own can be validated alone.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="content files or directories to check")
    parser.add_argument(
        "--content", action="append", metavar="DIR", default=argparse.SUPPRESS,
        help="another content directory (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too (e.g. a missing translation)")
    parser.add_argument("--no-scenes", action="store_true", help="do not run the scenes (faster; their claims are not checked)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content_dirs = list(getattr(args, "content", None) or [])
    for directory in content_dirs:
        if not Path(directory).is_dir():
            print(f"studyapp validate: --content {directory}: no such directory", file=sys.stderr)
            return 2
    for path in args.paths:
        if not Path(path).exists():
            print(f"studyapp validate: {path}: no such file or directory", file=sys.stderr)
            return 2
    report = check_content(args.paths or None, content_dirs=content_dirs, run_scenes=not args.no_scenes)
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 1 if report.failed(strict=args.strict) else 0
