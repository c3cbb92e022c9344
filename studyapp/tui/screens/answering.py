"""Behaviour shared by the screens that show a question: picking options, and the scene beside it.

`ChoosesOptions` is for Practice, Review and the mock exam.

Each screen keeps its own record of the answer in progress; it exposes that record's chosen
keys (a set, changed in place) through `chosen_keys()` and, where confidence is asked for, the
record itself through `confidence_record()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding

from studyapp.content.models import Scene
from studyapp.descent import DescentError
from studyapp.study import ScoredAnswer
from studyapp.tui.scenes import scene_spec
from studyapp.tui.simrun import SceneSpec
from studyapp.tui.widgets.options import OptionsView

OPTION_KEYS = "abcdefgh"


def choose_bindings() -> list[Binding]:
    """Letters a–h and digits 1–8 choose an option (one entry shown in the Footer)."""
    bindings = []
    for index, letter in enumerate(OPTION_KEYS):
        first = index == 0
        bindings.append(
            Binding(letter, f"choose('{letter}')", "key.choose", show=first, key_display="a-h/1-8" if first else None)
        )
        bindings.append(Binding(str(index + 1), f"choose('{letter}')", "key.choose", show=False))
    return bindings


def verdict_words(scored: ScoredAnswer, t: Callable[..., str]) -> list[str]:
    """Right or wrong, then the correct keys missed and the wrong keys chosen."""
    words = [t("practice.right" if scored.correct else "practice.wrong")]
    if scored.missed:
        words.append(t("practice.missed", keys=", ".join(scored.missed)))
    if scored.wrongly_chosen:
        words.append(t("practice.extra", keys=", ".join(scored.wrongly_chosen)))
    return words


class ChoosesOptions:
    """Mixin for a screen showing one question in an `OptionsView`."""

    question: Any

    def chosen_keys(self) -> set[str]:
        raise NotImplementedError

    def confidence_record(self) -> Any:
        """The object whose `confidence` the confidence keys set (None: not asked)."""
        return None

    def action_choose(self, key: str) -> None:
        chosen = self.chosen_keys()
        if self.question.kind == "multi":
            chosen.symmetric_difference_update({key})
        else:
            chosen.clear()
            chosen.add(key)
        self.query_one(OptionsView).highlight_key(key)
        self.relabel()

    def action_toggle(self) -> None:
        key = self.query_one(OptionsView).highlighted_key
        if key is not None:
            self.action_choose(key)

    def action_confidence(self, value: str) -> None:
        record = self.confidence_record()
        if record is not None:
            record.confidence = None if record.confidence == value else value
            self.relabel()


class ShowsScene:
    """Mixin for a screen with a simulation panel (`self.panel`) in a column it can hide.

    The screen keeps `self._specs = {}`: each content scene made ready for the panel once.
    """

    SCENE_COLUMN = "#sim-column"
    _specs: dict[int, SceneSpec | DescentError]

    def scene_spec_of(self, scene: Scene | None) -> SceneSpec | DescentError | None:
        """The panel's form of `scene`, or the core's refusal of it, worked out once per scene."""
        if scene is None:
            return None
        key = id(scene)
        if key not in self._specs:
            try:
                self._specs[key] = scene_spec(scene)
            except DescentError as error:
                self._specs[key] = error
        return self._specs[key]

    def action_sim(self, method: str) -> None:
        getattr(self.panel, method)()

    @property
    def plot_hidden(self) -> bool:
        return self.query_one(self.SCENE_COLUMN).has_class("-hidden")

    def action_toggle_plot(self) -> None:
        self.query_one(self.SCENE_COLUMN).toggle_class("-hidden")
        if self.plot_hidden:
            self.panel.set_playing(False)
            self.notify(self.t("practice.plot_hidden"), timeout=3)
        self.refresh_bindings()
