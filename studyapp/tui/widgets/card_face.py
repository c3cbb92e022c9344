"""A concept card: its front, and once turned over its back and key points."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from studyapp.content.models import Card
from studyapp.tui.i18n import tr


class CardFace(VerticalScroll):
    """Shows one card; `show` redraws it in a language, front only or turned over."""

    def compose(self) -> ComposeResult:
        yield Static(id="card-front", markup=False)
        yield Static(id="card-back", markup=False)
        yield Static(id="card-points", markup=False)

    def show(self, card: Card, lang: str, *, flipped: bool) -> None:
        self.query_one("#card-front", Static).update(card.front.get(lang))
        back = self.query_one("#card-back", Static)
        points = self.query_one("#card-points", Static)
        back.update(card.back.get(lang) if flipped else "")
        back.display = flipped
        lines = Text()
        if flipped and card.key_points:
            lines.append(tr("card.key_points", lang), style="bold")
            for point in card.key_points:
                lines.append(f"\n • {point.get(lang)}")
        points.update(lines)
        points.display = bool(lines)
        self.scroll_home(animate=False)
