"""`studyapp schema`: print the JSON Schema of the content format, for editors."""

from __future__ import annotations

import argparse

from studyapp.content.schema import schema_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of content files (for editor completion)",
        description="Print the JSON Schema (draft 2020-12) of bank, card and taxonomy files. Editors with the "
        "YAML language server use it through the `# yaml-language-server: $schema=…` line.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(schema_text(), end="")
    return 0
