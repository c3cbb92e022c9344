"""An author's preview of one content file: its questions as a learner sees them, reloaded on save.

The file is checked the way `studyapp validate` checks it (against the bundled content, its
scenes run), in a thread worker; its problems are listed above the questions. Answers given
here are not recorded: they are the author's, not the learner's.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from studyapp.content import Report, check_content
from studyapp.content.text import Text as Bilingual
from studyapp.tui.screens.practice import PracticeScreen

POLL_SECONDS = 1.0


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path
    except OSError:
        return False


class PreviewScreen(PracticeScreen):
    """PracticeScreen over one file, with its validation problems and a reload on every save."""

    record_answers = False
    BINDINGS = [Binding("ctrl+r", "reload", "key.reload")]

    def __init__(self, path: Path) -> None:
        super().__init__(Bilingual.plain(path.name), ())
        self.path = path.resolve()
        self.report: Report | None = None
        self.checking = True
        self._stamp = self._file_stamp()

    def compose(self) -> ComposeResult:
        yield Static(id="preview-status", markup=False)
        yield from super().compose()

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self._poll)
        self.action_reload()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _poll(self) -> None:
        stamp = self._file_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            self.action_reload()

    def action_reload(self) -> None:
        self.checking = True
        self._check()

    @work(thread=True, exclusive=True, group="preview")
    def _check(self) -> None:
        report = check_content([self.path]) if self.path.is_file() else None
        self.app.call_from_thread(self._checked, report)

    def _checked(self, report: Report | None) -> None:
        self.report = report
        self.checking = False
        banks = [bank for bank in report.library.banks if _same_file(bank.file, self.path)] if report else []
        questions = [question for bank in banks for question in bank.questions]
        title = banks[0].title if len(banks) == 1 else Bilingual.plain(self.path.name)
        self.set_questions(title, questions)
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#preview-status", Static).update(self.status_text())
        self.query_one("#practice-body").display = bool(self.questions)
        self.query_one("#practice-top").display = bool(self.questions)

    def status_text(self) -> str:
        lines = [self.t("preview.title", file=str(self.path))]
        if self.checking:
            lines.append(self.t("home.loading"))
        elif self.report is None:
            lines.append(self.t("preview.missing", file=str(self.path)))
        elif self.report.problems:
            lines.append(self.t("preview.problems", count=len(self.report.problems)))
            lines.extend(f"  {problem}" for problem in self.report.problems)
        else:
            lines.append(self.t("preview.ok"))
        if not self.checking and not self.questions:
            lines.append(self.t("preview.no_questions"))
        return "\n".join(lines)

    def finish(self) -> None:
        """The end of the file wraps to its first question: an author keeps reading."""
        self.show_question(0)
