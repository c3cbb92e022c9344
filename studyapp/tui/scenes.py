"""Content scenes as the simulation panel's SceneSpec, through the content layer's own conversion."""

from __future__ import annotations

from studyapp.content import Scene, descent_inputs
from studyapp.tui.simrun import SceneSpec


def scene_spec(scene: Scene) -> SceneSpec:
    """The panel's view of a content scene (raises DescentError if the core refuses its settings)."""
    surface, runs = descent_inputs(scene)
    return SceneSpec(
        surface=surface,
        runs=tuple(runs),
        labels=tuple(run.label_text for run in scene.runs),
        steps=scene.steps,
        show=tuple(scene.show),
        caption=scene.caption,
    )
