"""The studyapp Textual app: Home, Practice, the help screen, themes and the two languages.

The first screen appears before any content is read: the library and the progress store are
opened in a thread worker and handed to the screens when ready, so start-up stays quick even
with many banks (and numpy, which the content loader needs, is imported off the main thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from studyapp.tui.commands import StudyCommands
from studyapp.tui.i18n import LANGUAGES, other_language, tr

STYLES = Path(__file__).parent  # absolute, so subclasses defined elsewhere find the styles too
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


@dataclass(frozen=True)
class Loaded:
    """What the background load produced: the library (or None) and the study session."""

    library: Any
    session: Any


class StudyApp(App[None]):
    """Learn how the learning rate shapes gradient descent."""

    CSS_PATH = [
        STYLES / name
        for name in ("app.tcss", "screens/home.tcss", "screens/practice.tcss", "screens/help.tcss", "screens/summary.tcss", "screens/preview.tcss")
    ]
    TITLE = "studyapp"
    COMMANDS = App.COMMANDS | {StudyCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-normal"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "key.help", key_display="F1"),
        Binding("question_mark", "help", "key.help", show=False),
        Binding("l", "toggle_language", "key.language"),
        Binding("t", "toggle_theme", "key.theme"),
        Binding("o", "playground", "key.playground"),
        Binding("ctrl+q", "quit", "key.quit", priority=True),
    ]

    lang: reactive[str] = reactive("en", init=False)

    def __init__(
        self,
        *,
        content_dirs: Sequence[Path] = (),
        lang: str | None = None,
        data_dir: Path | None = None,
        preview_file: Path | None = None,
        library: Any = None,
        animate: bool = True,
    ) -> None:
        """`library` skips reading content (tests hand in their own); otherwise it is loaded in the
        background. `animate=False` leaves simulations paused until played (stable screenshots)."""
        super().__init__()
        self.given_library = library
        self.animate = animate
        self.content_dirs = tuple(content_dirs)
        self.data_dir = data_dir
        self.preview_file = preview_file
        self.lang_from_command_line = lang in LANGUAGES
        if lang in LANGUAGES:
            self.set_reactive(StudyApp.lang, lang)
        self.library: Any = None
        self.session: Any = None

    def get_default_screen(self) -> Screen:
        if self.preview_file is not None:
            from studyapp.tui.screens.preview import PreviewScreen

            return PreviewScreen(self.preview_file)
        from studyapp.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.title = tr("app.title", self.lang)
        self.load()

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Open the progress store and read the content, off the main thread."""
        from studyapp.catalog import catalog_from_content
        from studyapp.tui.library import load_content
        from studyapp.tui.session import StudySession

        session = StudySession.open(self.data_dir)
        if self.given_library is not None:
            library = self.given_library
        elif self.preview_file is None:
            library = load_content(self.content_dirs)
        else:
            library = None
        if library is not None:
            session.catalog = catalog_from_content(library.banks, library.decks, library.taxonomy, self.lang)
        self.call_from_thread(self._loaded, Loaded(library, session))
        import studyapp.tui.screens.practice  # noqa: F401  (warm: the first question then opens at once)

    def _loaded(self, loaded: Loaded) -> None:
        self.library, self.session = loaded.library, loaded.session
        if not self.lang_from_command_line:
            saved = self.session.language()
            if saved in LANGUAGES:
                self.lang = saved
        saved_theme = self.session.theme()
        if saved_theme in self.available_themes:
            self.theme = saved_theme
        for screen in self.screen_stack:
            refresh = getattr(screen, "content_loaded", None)
            if refresh is not None:
                refresh()

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()

    # --- language and theme --------------------------------------------------------------

    def watch_lang(self, lang: str) -> None:
        self.title = tr("app.title", lang)
        for screen in self.screen_stack:
            if hasattr(screen, "lang"):
                screen.lang = lang
        self.refresh_bindings()

    def action_toggle_language(self) -> None:
        self.lang = other_language(self.lang)
        if self.session is not None:
            self.session.save_setting(language=self.lang)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME
        if self.session is not None:
            self.session.save_setting(theme=self.theme)

    def action_help(self) -> None:
        from studyapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_playground(self) -> None:
        """Open the playground, with the scene of the simulation panel on screen when there is one."""
        from studyapp.tui.screens.playground import PlaygroundScreen, panel_scene

        if isinstance(self.screen, PlaygroundScreen):
            return
        scene = panel_scene(self.screen)
        self.push_screen(PlaygroundScreen(scene, origin=tr("pg.origin.panel", self.lang) if scene is not None else None))

    def start_practice(self, bank: Any) -> None:
        from studyapp.tui.screens.practice import PracticeScreen

        self.push_screen(PracticeScreen(bank.title, bank.questions))
