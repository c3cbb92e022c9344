"""Textual's Footer with each binding's description translated into the app's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Label

from studyapp.tui.i18n import tr


class LocalizedFooter(Footer):
    """Binding and group descriptions are i18n keys ("key.next"); this shows them in `app.lang`."""

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        for widget in super().compose():
            if isinstance(widget, Label):  # a binding group's description
                widget.content = tr(str(widget.content), lang)
            description = getattr(widget, "description", None)
            if isinstance(description, str) and description:
                widget.description = tr(description, lang)
            yield widget
