"""Scenes: run with the descent core, every claim checked, results cached by content hash."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from studyapp.content import Scene, check_content
from studyapp.content import scenes as scenes_module
from studyapp.content.reader import SceneSite
from studyapp.content.scenes import (
    RunOutcome,
    SceneCache,
    check_scenes,
    claim_failures,
    descent_inputs,
    scene_key,
    simulate_scene,
)

FIVE_RATES = Scene.from_dict(
    {
        "surface": "quadratic",
        "steps": 100,
        "runs": [{"id": f"lr-{lr}", "lr": lr, "x0": [1.0]} for lr in (0.01, 0.1, 0.7, 0.99, 1.01)],
    }
)


def outcome(regime="converged", converged_at=10, diverged_at=None, final_loss=1e-9, in_global_minimum=True) -> RunOutcome:
    return RunOutcome(regime, converged_at, diverged_at, final_loss, in_global_minimum)


def scene_with(claims: dict, other: dict | None = None) -> Scene:
    runs = [{"id": "a", "lr": 0.1, "expect": claims}, {"id": "b", "lr": 0.2, **({"expect": other} if other else {})}]
    return Scene.from_dict({"surface": "quadratic", "steps": 100, "runs": runs})


def test_the_five_rates_of_the_1cycle_note():
    outcomes = simulate_scene(FIVE_RATES)
    assert [item.regime for item in outcomes] == ["slow", "converged", "converged", "oscillating", "diverged"]
    assert outcomes[2].converged_at <= 10 and outcomes[2].in_global_minimum
    assert outcomes[4].diverged_at is not None


def test_descent_inputs_carry_every_setting():
    scene = Scene.from_dict(
        {
            "surface": "ravine", "params": {"kappa": 10}, "steps": 50,
            "runs": [{"id": "r", "lr": 0.05, "optimizer": "sgd", "settings": {"momentum": 0.9, "nesterov": True}, "x0": [-1, 1], "max_norm": 5,
                      "schedule": [{"name": "linear", "start_factor": 0.1, "total_iters": 10, "until": 10}, {"name": "cosine"}]}],
        }
    )
    surface, (run,) = descent_inputs(scene)
    assert (surface.name, surface.params["kappa"], surface.dim) == ("ravine", 10.0, 2)
    assert (run.lr, run.optimizer, dict(run.settings), run.x0, run.max_norm) == (0.05, "sgd", {"momentum": 0.9, "nesterov": True}, (-1.0, 1.0), 5.0)
    assert [(spec.name, dict(spec.params), spec.until) for spec in run.schedule] == [
        ("linear", {"start_factor": 0.1, "total_iters": 10}, 10), ("cosine", {}, None)
    ]


@pytest.mark.parametrize(
    ("claims", "actual", "message"),
    [
        ({"regime": "converged"}, outcome(regime="oscillating", converged_at=None, final_loss=0.12), "claims the run is converged, but it is oscillating (final loss 0.12)"),
        ({"converged_by": 5}, outcome(converged_at=9), "claims convergence by update 5, but the run converges at update 9"),
        ({"converged_by": 5}, outcome(regime="slow", converged_at=None, final_loss=0.5), "claims convergence by update 5, but in 100 updates the run never converges: it is slow (final loss 0.5)"),
        ({"diverged_by": 3}, outcome(regime="diverged", converged_at=None, diverged_at=7, in_global_minimum=False), "claims divergence by update 3, but the run diverges at update 7"),
        ({"diverged_by": 3}, outcome(), "claims divergence by update 3, but in 100 updates the run never diverges: it converged to the global minimum at update 10"),
        ({"ends_in_global_minimum": True}, outcome(regime="trapped", converged_at=40, in_global_minimum=False), "claims the run ends in the global minimum, but it is trapped in a local minimum from update 40"),
        ({"ends_in_global_minimum": False}, outcome(), "claims the run does not end in the global minimum, but it converged to the global minimum at update 10"),
        ({"final_loss_below": 1e-12}, outcome(final_loss=1e-9), "claims a final loss below 1e-12, but the run ends at 1e-09"),
        ({"ends_lower_than": "b"}, outcome(final_loss=0.5), "claims to end lower than 'b', but ends at loss 0.5 against 0.1"),
    ],
)
def test_each_claim_that_fails_says_what_happened_instead(claims, actual, message):
    failures = list(claim_failures(scene_with(claims), (actual, outcome(final_loss=0.1))))
    assert failures == [(0, next(iter(claims)), message)]


@pytest.mark.parametrize(
    ("claims", "actual"),
    [
        ({"regime": "converged", "converged_by": 10, "ends_in_global_minimum": True, "final_loss_below": 1e-6, "ends_lower_than": "b"}, outcome()),
        ({"regime": "diverged", "diverged_by": 7, "ends_in_global_minimum": False}, outcome(regime="diverged", converged_at=None, diverged_at=7, in_global_minimum=False)),
    ],
)
def test_claims_that_hold_pass(claims, actual):
    assert list(claim_failures(scene_with(claims), (actual, outcome(final_loss=0.1)))) == []


def site(scene: Scene) -> SceneSite:
    return SceneSite(scene, "f.yaml", "questions[0].scene", 7, 5, {(0, "regime"): (12, 20)})


def test_results_are_cached_on_disk_by_what_decides_the_numbers(tmp_path, monkeypatch):
    calls = []
    real = scenes_module.simulate_scene
    monkeypatch.setattr(scenes_module, "simulate_scene", lambda scene: calls.append(scene) or real(scene))
    scene = scene_with({"regime": "slow"})
    first = check_scenes([site(scene)], SceneCache(tmp_path / "cache"))
    assert [(problem.line, problem.column, problem.path) for problem in first] == [(12, 20, "questions[0].scene.runs[0].expect.regime")]
    assert len(calls) == 1 and len(list((tmp_path / "cache").iterdir())) == 1
    # A new cache on the same folder, and a scene differing only in claims and labels: no new run.
    relabelled = dataclasses.replace(scene, caption=None, runs=(dataclasses.replace(scene.runs[0], expect=None), scene.runs[1]))
    assert scene_key(relabelled) == scene_key(scene)
    assert check_scenes([site(scene), site(relabelled)], SceneCache(tmp_path / "cache")) == first
    assert len(calls) == 1
    faster = dataclasses.replace(scene, runs=(dataclasses.replace(scene.runs[0], lr=0.3), scene.runs[1]))
    check_scenes([site(faster)], SceneCache(tmp_path / "cache"))
    assert len(calls) == 2


def test_the_key_depends_on_the_descent_core(monkeypatch):
    before = scene_key(FIVE_RATES)
    monkeypatch.setattr(scenes_module, "core_fingerprint", lambda: "another core")
    assert scene_key(FIVE_RATES) != before


def test_an_unwritable_cache_is_skipped(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    cache = SceneCache(blocker / "scenes")
    assert check_scenes([site(scene_with({"regime": "converged"}))], cache) == []
    assert cache.directory is None and len(cache.memory) == 1


def test_a_damaged_cache_entry_is_recomputed(tmp_path):
    scene = scene_with({"regime": "converged"})
    (tmp_path / f"{scene_key(scene)}.json").write_text("{not json")
    assert check_scenes([site(scene)], SceneCache(tmp_path)) == []
    assert json.loads((tmp_path / f"{scene_key(scene)}.json").read_text())[0]["regime"] == "converged"


def test_a_scene_the_core_refuses_is_a_positioned_error():
    scene = Scene.from_dict({"surface": "quadratic", "steps": 10, "runs": [{"id": "a", "lr": -1.0}]})
    (problem,) = check_scenes([site(scene)], SceneCache(None))
    assert (problem.line, problem.column, problem.path) == (7, 5, "questions[0].scene")
    assert "lr" in problem.message


def test_validation_caches_under_the_data_directory(isolated_data_dir):
    fixtures = Path(__file__).parent / "fixtures"
    assert check_content([fixtures], bundled=False).errors == 0
    assert len(list((isolated_data_dir / "cache" / "scenes").glob("*.json"))) == 1
