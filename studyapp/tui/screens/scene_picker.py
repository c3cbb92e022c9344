"""Pick a scene to load into the playground: any question's, option's or card's, or a saved one."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from studyapp.content.scenefiles import SceneSource
from studyapp.tui.i18n import tr


def describe_source(source: SceneSource, lang: str) -> str:
    scene = source.scene
    what = tr(f"pg.pick.{source.kind}", lang, owner=source.owner, key=source.key or "")
    return f"{what} — {scene.surface}, {tr('pg.pick.runs', lang, count=len(scene.runs))}, {tr('pg.pick.steps', lang, steps=scene.steps)}"


class ScenePicker(ModalScreen[SceneSource | None]):
    """A list of every loadable scene; Enter loads the highlighted one, Esc cancels."""

    CSS_PATH = "scene_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "key.back")]

    def __init__(self, sources: Sequence[SceneSource], lang: str) -> None:
        super().__init__()
        self.sources = tuple(sources)
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(tr("pg.pick.title", self.lang), id="picker-title")
            if self.sources:
                yield OptionList(*(Option(describe_source(source, self.lang), id=str(i)) for i, source in enumerate(self.sources)), id="picker-list")
            else:
                yield Static(tr("pg.pick.none", self.lang), id="picker-empty")
            yield Static(tr("pg.pick.hint", self.lang), id="picker-hint")

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sources[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
