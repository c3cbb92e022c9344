"""The help screen (? or F1): the keys of the screen underneath and of the whole app, and a tour."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from studyapp.tui.i18n import STRINGS, tr


def key_table(bindings: list[Binding], lang: str, display) -> Table:
    """The app's own keys and what they do, one row per description.

    Bindings without a translated description (Textual's focus and copy keys) are left out;
    where a binding has its own `key_display` (e.g. "a-h/1-8") it stands for its whole group.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    groups: dict[str, list[Binding]] = {}
    for binding in bindings:
        if binding.description in STRINGS:
            groups.setdefault(binding.description, []).append(binding)
    for description, members in groups.items():
        summaries = [binding for binding in members if binding.key_display]
        keys = list(dict.fromkeys(display(binding) for binding in summaries or members))
        table.add_row(" / ".join(keys), tr(description, lang))
    return table


class HelpScreen(ModalScreen[None]):
    """A modal over `below`, listing its keys and the app's."""

    BINDINGS = [
        Binding("escape", "dismiss", "key.back"),
        Binding("question_mark", "dismiss", show=False),
        Binding("f1", "dismiss", show=False),
        Binding("q", "dismiss", show=False),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(id="help-title")
            yield Static(id="help-screen-keys")
            yield Static(id="help-global-keys")
            yield Static(id="help-tour")
            yield Static(id="help-close")

    def on_mount(self) -> None:
        lang = self.app.lang
        display = self.app.get_key_display
        active = list(self.below.active_bindings.values())  # what works right now
        screen_bindings = [entry.binding for entry in active if entry.node is self.below]
        app_bindings = [entry.binding for entry in active if entry.node is self.app]
        self.query_one("#help-title", Static).update(Text(tr("help.title", lang), style="bold"))
        self.query_one("#help-screen-keys", Static).update(self._section("help.screen", screen_bindings, lang, display))
        self.query_one("#help-global-keys", Static).update(self._section("help.global", app_bindings, lang, display))
        self.query_one("#help-tour", Static).update(f"{tr('help.arrows', lang)}\n\n{tr('help.tour', lang)}\n\n{tr('help.modes', lang)}")
        self.query_one("#help-close", Static).update(tr("help.close", lang))

    @staticmethod
    def _section(title_key: str, bindings: list[Binding], lang: str, display) -> Table:
        outer = Table.grid()
        outer.add_row(Text(tr(title_key, lang), style="bold underline"))
        outer.add_row(key_table(bindings, lang, display))
        return outer
