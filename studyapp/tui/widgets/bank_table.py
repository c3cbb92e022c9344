"""The banks on Home: title, question count and the learner's progress on each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from studyapp.tui.i18n import tr

if TYPE_CHECKING:  # the content and study layers load in the background, after the first screen
    from studyapp.content import Bank
    from studyapp.study.stats import Progress

COLUMNS = ("home.col.bank", "home.col.questions", "home.col.answered", "home.col.accuracy", "home.col.due")


class BankTable(DataTable):
    """One row per bank, keyed by the bank's id; Enter (or a click) selects the row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._shown: tuple[Sequence[Bank], Mapping[str, Progress | None], str] | None = None

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)  # the titles' column shrinks or grows with the screen

    def show(self, banks: Sequence[Bank], progress: Mapping[str, Progress | None], lang: str) -> None:
        """Fill the table, keeping the cursor on the same bank; long titles are cut to fit the width."""
        self._shown = (banks, progress, lang)
        selected = self.cursor_row
        self.clear(columns=True)
        headers = [Text(tr(key, lang), justify="left" if key == "home.col.bank" else "right") for key in COLUMNS]
        numbers = sum(header.cell_len + 2 * self.cell_padding for header in headers[1:])
        room = self.scrollable_content_region.width - numbers - 2 * self.cell_padding
        longest = max((Text(bank.title.get(lang)).cell_len for bank in banks), default=0)
        title_width = max(12, min(longest, room)) if room > 0 else None
        for key, header in zip(COLUMNS, headers, strict=True):
            self.add_column(header, key=key, width=title_width if key == "home.col.bank" else None)
        for bank in banks:
            done = progress.get(bank.id)
            answered = "—" if done is None else str(done.answered)
            accuracy = "—" if done is None or done.accuracy is None else f"{done.accuracy:.0%}"
            due = "—" if done is None else str(done.due)
            self.add_row(
                Text(bank.title.get(lang), overflow="ellipsis", no_wrap=True),  # content is never markup
                Text(str(len(bank.questions)), justify="right"),
                Text(answered, justify="right"),
                Text(accuracy, justify="right"),
                Text(due, justify="right"),
                key=bank.id,
            )
        if banks:
            self.move_cursor(row=min(max(selected, 0), len(banks) - 1))
