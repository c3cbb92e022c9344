"""Textual's Footer with each binding's description translated into the app's language.

A footer that runs out of room leaves out whole keys rather than cutting the last label in
half: first the app's theme, playground and quit keys (they work everywhere and the help
screen and the command palette list them), then the keys the screen names as spare
(`FOOTER_SPARE`, most dispensable first; the help screen lists every key anyway), then the
language key (unless the screen ranks it among its own), and only then, if it is still too
narrow, keys from the right, Help last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer, Label

from studyapp.tui.i18n import tr

#: The app's keys a footer short of room leaves out before the screen's spare keys, and after.
SPARE_FIRST = ("key.theme", "key.playground", "key.quit")
SPARE_LAST = ("key.language",)
HELP = "key.help"


@dataclass(eq=False)
class FooterEntry:
    """What the footer shows for one description: a key, or a group of keys and its label."""

    description: str
    widgets: list[Widget] = field(default_factory=list)
    width: int = 0


class LocalizedFooter(Footer):
    """Binding and group descriptions are i18n keys ("key.next"); this shows them in `app.lang`."""

    def __init__(self, *children: Widget, **options) -> None:
        super().__init__(*children, **options)
        self._descriptions: dict[Widget, str] = {}
        self._entries: list[FooterEntry] = []

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        self._descriptions = {}
        for widget in super().compose():
            if isinstance(widget, Label):  # a binding group's description
                self._descriptions[widget] = str(widget.content)
                widget.content = tr(str(widget.content), lang)
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                self._descriptions[widget] = description
                widget.description = tr(description, lang)
            yield widget

    def shown(self) -> list[str]:
        """The descriptions (i18n keys) of what the footer shows now, left to right, the palette aside."""
        return [entry.description for entry in self._entries if entry.widgets[0].display]

    async def recompose(self) -> None:
        self._entries = []
        await super().recompose()
        self.call_after_refresh(self._measure)

    def on_resize(self) -> None:
        self._fit()

    def _measure(self) -> None:
        """Note each entry's width as laid out (every key shown), then fit them to the width."""
        entries: list[FooterEntry] = []
        for child in self.children:
            if child.has_class("-command-palette"):
                continue
            if isinstance(child, Label) and entries:  # a group's label: it follows the group's keys
                entries[-1].description = self._descriptions.get(child, "")
            else:
                entries.append(FooterEntry(self._descriptions.get(child, "")))
            entry = entries[-1]
            entry.widgets.append(child)
            entry.width += child.outer_size.width + child.styles.margin.left + child.styles.margin.right
        self._entries = entries
        self._fit()

    def _palette_width(self) -> int:
        return sum(child.outer_size.width for child in self.children if child.has_class("-command-palette") and child.display)

    def _fit(self) -> None:
        """Show as many whole entries as fit, leaving out spare ones first, then ones from the right."""
        if not self._entries:
            return
        room = self.size.width - self._palette_width()
        screen_spare = getattr(self.screen, "FOOTER_SPARE", ())
        spare = (*SPARE_FIRST, *screen_spare, *(key for key in SPARE_LAST if key not in screen_spare))
        ranked = [entry for description in spare for entry in self._entries if entry.description == description]
        from_right = [entry for entry in reversed(self._entries) if entry not in ranked]
        ranked += sorted(from_right, key=lambda entry: entry.description == HELP)
        total = sum(entry.width for entry in self._entries)
        left_out: set[int] = set()
        for entry in ranked:
            if total <= room:
                break
            left_out.add(id(entry))
            total -= entry.width
        for entry in self._entries:
            for widget in entry.widgets:
                widget.display = id(entry) not in left_out
