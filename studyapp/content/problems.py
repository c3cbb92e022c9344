"""Problems found in content: one positioned message each, errors and warnings.

Every problem names the file, the 1-based line and column, and the path inside the
document (`questions[3].options[2].explanation.ko`), so an author can jump straight to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def display_path(file: str) -> str:
    """`file` relative to the working directory when it lies under it, else as given."""
    if not os.path.isabs(file):
        return file
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return file
    return file if relative.startswith(os.pardir) else relative


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or doubtful) in a content file.

    `line` and `column` are 1-based; 0 means the problem concerns the file (or directory) as a whole.
    """

    file: str
    line: int
    column: int
    message: str
    severity: str = ERROR
    path: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line, self.column)

    def __str__(self) -> str:
        where = display_path(self.file)
        if self.line:
            where += f":{self.line}:{self.column}"
        inside = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity}: {inside}{self.message}"


class ContentError(Exception):
    """Content that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
