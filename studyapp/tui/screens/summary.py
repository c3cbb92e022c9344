"""The end of a bank: how the sitting went, then back to Home."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from studyapp.content.text import Text as Bilingual
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.widgets.footer import LocalizedFooter


class SummaryScreen(StudyScreen):
    """Totals of the sitting just finished; Enter or Esc returns Home."""

    BINDINGS = [
        Binding("enter", "app.home", "key.home", priority=True),
        Binding("escape", "app.home", "key.home", show=False),
    ]

    def __init__(self, title: Bilingual, outcome) -> None:
        super().__init__()
        self.bank_title = title
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        with Vertical(id="summary"):
            yield Static(id="summary-title", markup=False)
            yield Static(id="summary-body", markup=False)
        yield LocalizedFooter()

    def relabel(self) -> None:
        outcome = self.outcome
        percent = f"{outcome.right / outcome.answered:.0%}" if outcome.answered else "—"
        lines = [
            self.t("summary.answered", count=f"{outcome.answered}/{outcome.total}"),
            self.t("summary.right", count=outcome.right, percent=percent),
            self.t("summary.skipped", count=outcome.skipped),
        ]
        if outcome.flagged:
            lines.append(self.t("summary.flagged", ids=", ".join(outcome.flagged)))
        lines += ["", self.t("summary.home")]
        self.query_one("#summary-title", Static).update(self.t("summary.title", bank=self.bank_title.get(self.lang)))
        self.query_one("#summary-body", Static).update("\n".join(lines))
