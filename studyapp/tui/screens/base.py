"""What every studyapp screen shares: the language it shows, set from above by the app."""

from __future__ import annotations

from textual.reactive import reactive
from textual.screen import Screen

from studyapp.tui.i18n import tr


class StudyScreen(Screen):
    """A screen that re-labels itself when the app's language changes.

    Textual runs `on_mount` of every class in the screen's MRO, subclass first, so this
    one labels the screen after the subclass has set it up.
    """

    lang: reactive[str] = reactive("en", init=False)
    #: Descriptions of keys the Footer may leave out when short of room, most dispensable first.
    FOOTER_SPARE: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(StudyScreen.lang, getattr(self.app, "lang", "en"))

    def on_mount(self) -> None:
        self.relabel()

    def watch_lang(self) -> None:
        self.relabel()

    def t(self, key: str, /, **values: object) -> str:
        return tr(key, self.lang, **values)

    def relabel(self) -> None:
        """Put every text of the screen in `self.lang` (screens override)."""

    def content_loaded(self) -> None:
        """The library and the progress store are ready (screens that show them override)."""
