"""The command palette's studyapp commands (ctrl+p), in the app's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from studyapp.tui.i18n import tr


class StudyCommands(Provider):
    """Home, help, language, theme, settings, the plot, the study modes, and practising any bank by name."""

    def commands(self) -> Iterator[tuple[str, Callable[[], object]]]:
        app = self.app
        lang = getattr(app, "lang", "en")
        yield tr("cmd.home", lang), app.action_home
        yield tr("cmd.help", lang), app.action_help
        yield tr("cmd.language", lang), app.action_toggle_language
        yield tr("cmd.theme", lang), app.action_toggle_theme
        if getattr(app, "session", None) is not None and getattr(app, "library", None) is not None:
            from studyapp.tui.screens.settings import open_settings

            yield tr("cmd.settings", lang), partial(open_settings, app)
        screen = self.screen
        if hasattr(screen, "action_toggle_plot"):
            yield tr("cmd.plot", lang), screen.action_toggle_plot
        from studyapp.tui.screens.playground import panel_scene  # here: start-up does not import numpy

        key = "cmd.playground_scene" if panel_scene(screen) is not None else "cmd.playground"
        yield tr(key, lang), app.action_playground
        from studyapp.tui.screens.review import STUDY_MODES, can_study, open_mode

        if can_study(app):
            for mode in STUDY_MODES:
                yield tr(f"cmd.{mode}", lang), partial(open_mode, app, mode)
        library = getattr(app, "library", None)
        for bank in library.banks if library is not None else ():
            yield tr("cmd.practice", lang, bank=bank.title.get(lang)), partial(app.start_practice, bank)

    async def discover(self) -> Hits:
        for name, callback in self.commands():
            yield DiscoveryHit(name, callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback)
