"""Scene files: what the playground saves passes the content validator and reads back unchanged."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.content.models import FrozenMap, Scene, SceneRun
from studyapp.content.scenefiles import (
    library_scenes,
    read_scene,
    save_scene,
    saved_scenes,
    scene_yaml,
    with_observed_claims,
)
from studyapp.content.text import Text
from studyapp.tui.experiment import (
    DEFAULT_SCENE,
    schedule_presets,
    step_momentum,
    with_optimizer,
)


def without_claims(scene: Scene) -> Scene:
    return dataclasses.replace(scene, runs=tuple(dataclasses.replace(run, expect=None) for run in scene.runs))


@st.composite
def playground_scenes(draw) -> Scene:
    """Scenes a learner can build: a surface, 1–4 runs with optimizer, momentum, lr and a preset schedule."""
    surface = draw(st.sampled_from(["quadratic", "ravine", "double-well", "rosenbrock", "bumpy", "regression"]))
    steps = draw(st.integers(5, 80))
    runs = []
    for index in range(draw(st.integers(1, 4))):
        run = SceneRun(id=f"run-{index + 1}", lr=draw(st.floats(1e-4, 2.0)))
        run = with_optimizer(run, draw(st.sampled_from(["sgd", "rmsprop", "adam", "nadam"])))
        for _ in range(draw(st.integers(0, 2))):
            run = step_momentum(run, 1)
        presets = schedule_presets(run.lr, steps)
        run = dataclasses.replace(run, schedule=presets[draw(st.integers(0, len(presets) - 1))])
        runs.append(run)
    show = ("loss", "path", "lr") if any(run.schedule for run in runs) else ("loss", "path")
    return Scene(surface=surface, steps=steps, show=show, runs=tuple(runs))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scene=playground_scenes())
def test_saved_scenes_pass_the_validator_and_read_back_identically(scene, tmp_path: Path):
    path = save_scene(scene, tmp_path / f"s{abs(hash(scene))}")
    read = read_scene(path.read_bytes(), str(path))
    assert read.problems == ()
    assert without_claims(read.scene) == scene
    assert read.scene == with_observed_claims(scene)


def test_a_saved_scene_claims_what_each_run_does(tmp_path: Path):
    path = save_scene(DEFAULT_SCENE, tmp_path, now=datetime(2025, 3, 1, 12, 0, 0))
    assert path.name == "ravine-20250301-120000.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A studyapp scene")
    claims = [run.expect.claims() for run in read_scene(path.read_bytes(), str(path)).scene.runs]
    assert claims == [
        {"regime": "slow"},
        {"regime": "converged", "converged_by": 75},
        {"regime": "diverged", "diverged_by": 13},
        {"regime": "converged", "converged_by": 21},
    ]
    second = save_scene(DEFAULT_SCENE, tmp_path, now=datetime(2025, 3, 1, 12, 0, 0))
    assert second.name == "ravine-20250301-120000-2.yaml"  # never overwrites


def test_a_scene_file_with_bilingual_labels_and_a_caption_reads_back():
    scene = dataclasses.replace(
        DEFAULT_SCENE,
        caption=Text(en="Four rates on the ravine.", ko="골짜기에서의 네 학습률."),
        runs=(dataclasses.replace(DEFAULT_SCENE.runs[0], label=Text(en="slow", ko="느림"), settings=FrozenMap({"momentum": 0.5, "nesterov": True})),),
    )
    read = read_scene(scene_yaml(scene).encode(), "labels.yaml")
    assert read.problems == () and read.scene == scene


def test_problems_in_a_scene_file_name_the_line():
    text = b"scene:\n  surface: ravine\n  steps: 20\n  runs:\n    - {id: a, lr: 0.02, expect: {regime: converged}}\nnotes: hi\n"
    problems = [str(problem) for problem in read_scene(text, "mine.yaml").problems]
    assert problems == ["mine.yaml:6:1: error: notes: unknown key: a scene file holds only `scene:`"]
    claims = [str(problem) for problem in read_scene(text.replace(b"notes: hi\n", b""), "mine.yaml").problems]
    assert len(claims) == 1 and claims[0].startswith("mine.yaml:5:42: error: scene.runs[0].expect.regime:") and "but it is slow" in claims[0]
    assert [str(p) for p in read_scene(b"[1, 2]", "list.yaml").problems][0].startswith("list.yaml:1:1: error:")
    assert "missing" in str(read_scene(b"other: 1\n", "none.yaml").problems[-1])


def test_every_scene_of_the_content_and_the_saved_ones_can_be_listed(demo_library, tmp_path: Path):
    sources = list(library_scenes(demo_library))
    assert {(source.kind, source.owner, source.key) for source in sources} >= {
        ("question", "q-demo-overshoot", None),
        ("option", "q-demo-overshoot", "b"),
    }
    save_scene(DEFAULT_SCENE, tmp_path)
    (tmp_path / "broken.yaml").write_text("scene: [", encoding="utf-8")
    saved = list(saved_scenes(tmp_path))
    assert [(source.kind, source.scene.surface) for source in saved] == [("file", "ravine")]
    assert list(saved_scenes(tmp_path / "missing")) == []
