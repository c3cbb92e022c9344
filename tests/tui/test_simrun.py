"""The animation's logic without Textual: frames, speed, restart at a scaled lr, the regimes it names."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent import Run, ScheduleSpec, make_surface, simulate
from studyapp.tui.i18n import Same
from studyapp.tui.sceneplots import DARK, Backdrop, contour_levels, loss_chart, path_chart, regime_text, use_log
from studyapp.tui.simrun import FRAMES_PER_RUN, LR_FACTOR, SPEEDS, SceneRun, SceneSpec, faster, scale_run, slower


def quadratic_spec(*lrs: float, steps: int = 100) -> SceneSpec:
    return SceneSpec(
        surface=make_surface("quadratic"),
        runs=tuple(Run(lr=lr, x0=(1.0,)) for lr in lrs),
        labels=tuple(Same(f"lr {lr}") for lr in lrs),
        steps=steps,
    )


def test_frames_reach_the_end_in_about_frames_per_run_at_normal_speed() -> None:
    scene = SceneRun(quadratic_spec(0.1, steps=900))
    frames = 0
    while not scene.done:
        scene.frame(1.0)
        frames += 1
    assert frames == FRAMES_PER_RUN


def test_slow_speed_makes_one_update_every_few_frames() -> None:
    scene = SceneRun(quadratic_spec(0.1, steps=10))
    for _ in range(4):
        scene.frame(0.25)
    assert scene.k == 1


def test_animation_gives_the_core_s_numbers_and_its_regimes() -> None:
    spec = quadratic_spec(0.01, 0.1, 0.7, 0.99, 1.01)
    scene = SceneRun(spec)
    while not scene.done:
        scene.frame(2.0)
    reference = simulate(spec.surface, spec.runs, spec.steps)
    np.testing.assert_array_equal(scene.trajectory().loss, reference.loss)
    kinds = [regime.kind for regime in scene.regimes]
    assert kinds == ["slow", "converged", "converged", "oscillating", "diverged"]
    assert regime_text(scene, 4, "en").startswith("diverged at update ")
    assert regime_text(scene, 1, "ko").endswith("에서 수렴")


def test_regimes_are_named_only_when_known() -> None:
    scene = SceneRun(quadratic_spec(0.1))
    scene.advance(5)
    assert regime_text(scene, 0, "en") == "running…"


def test_raising_the_lr_turns_convergence_into_divergence() -> None:
    spec = quadratic_spec(0.7)
    regimes = []
    for presses in range(3):
        scene = SceneRun(spec, lr_scale=LR_FACTOR**presses)
        scene.finish()
        regimes.append(scene.regimes[0].kind)
    assert regimes[0] == "converged"
    assert regimes[-1] == "diverged"  # 0.7 × 1.25² ≈ 1.09 > 2/L = 1


def test_scaling_a_run_scales_every_learning_rate_in_it() -> None:
    run = Run(
        lr=0.1,
        schedule=(
            ScheduleSpec("one-cycle", {"max_lr": 1.0, "pct_start": 0.3}),
            ScheduleSpec("cosine", {"eta_min": 0.01, "t_max": 50}),
        ),
    )
    scaled = scale_run(run, 2.0)
    assert scaled.lr == pytest.approx(0.2)
    assert scaled.schedule[0].params == {"max_lr": 2.0, "pct_start": 0.3}
    assert scaled.schedule[1].params == {"eta_min": 0.02, "t_max": 50}


@given(st.sampled_from(SPEEDS))
def test_speed_steps_stay_within_the_table(speed: float) -> None:
    assert faster(speed) >= speed and slower(speed) <= speed
    assert faster(speed) in SPEEDS and slower(speed) in SPEEDS


def test_loss_axis_turns_logarithmic_over_two_decades() -> None:
    assert not use_log(np.array([1.0, 0.5, 0.2]))
    assert use_log(np.array([1.0, 1e-3]))
    assert not use_log(np.array([1.0, -0.3]))  # a loss below zero cannot go on a log axis


def test_diverged_runs_are_clipped_and_labelled() -> None:
    scene = SceneRun(quadratic_spec(0.1, 1.5, steps=60))
    scene.finish()
    chart = loss_chart(scene, DARK, "en")
    assert max(np.max(series.ys) for series in chart.series) <= 10.0 * 1.0 + 1e-9  # ten times the start
    assert [note.text for note in chart.notes] == [f"✕ diverged {scene.regimes[1].diverged_at}"]


def test_path_of_a_2d_run_stays_inside_the_surface_window() -> None:
    spec = SceneSpec(make_surface("ravine"), (Run(lr=0.07), Run(lr=0.1)), (Same("a"), Same("b")), 100)
    scene = SceneRun(spec)
    scene.finish()
    chart = path_chart(scene, Backdrop(spec.surface, DARK), "en")
    (x_low, x_high), (y_low, y_high) = spec.surface.bounds
    for series in chart.series:
        assert np.all((np.asarray(series.xs) >= x_low) & (np.asarray(series.xs) <= x_high))
        assert np.all((np.asarray(series.ys) >= y_low) & (np.asarray(series.ys) <= y_high))
    assert chart.notes and chart.shade is not None


@settings(max_examples=20, deadline=None)
@given(columns=st.integers(2, 80), rows=st.integers(2, 30))
def test_contours_mark_level_changes_on_the_exact_grid(columns: int, rows: int) -> None:
    symbols = contour_levels(make_surface("ravine"), columns, rows)
    assert symbols.shape == (rows, columns)
    assert set(np.unique(symbols)) <= {"", "·"}
