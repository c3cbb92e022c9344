"""The stability map: each run keeps classify's verdict, and the map finds the theory's limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent import REGIMES, DescentError, Run, classify, make_surface, quadratic_limits, simulate
from studyapp.descent.sweep import (
    DIVERGED,
    NOT_REACHED,
    log_range,
    parse_range,
    sweep_lr,
    sweep_lr_momentum,
)

SURFACES = ("quadratic", "ravine", "double-well", "saddle", "plateau", "bumpy", "rosenbrock", "beale", "himmelblau", "regression")


def _grid_around(bound: float, half_step: float, points_each_side: int) -> np.ndarray:
    """A log grid with `bound` exactly midway between two neighbours, `half_step` (log) from each."""
    offsets = half_step * (2 * np.arange(-points_each_side, points_each_side) + 1)
    return bound * np.exp(offsets)


@settings(max_examples=15, deadline=None)
@given(
    surface=st.sampled_from(SURFACES),
    optimizer=st.sampled_from([("sgd", {}), ("sgd", {"momentum": 0.9}), ("adam", {}), ("rmsprop", {})]),
    low=st.floats(1e-4, 1e-1),
    steps=st.integers(1, 120),
)
def test_the_map_keeps_classify_s_verdict_for_every_run(surface, optimizer, low, steps):
    made = make_surface(surface)
    name, own = optimizer
    lrs = np.geomspace(low, 50 * low if name != "sgd" else 20.0, 30)
    stability = sweep_lr(made, lrs, steps, name, own)
    trajectory = simulate(made, [Run(float(lr), name, own) for lr in lrs], steps)

    def none_if_missing(value: int) -> int | None:
        return None if value == NOT_REACHED else int(value)

    table = stability.table
    from_map = [
        (REGIMES[table.kinds[i]], none_if_missing(table.converged_at[i]), none_if_missing(table.diverged_at[i]), none_if_missing(table.minimum[i]), float(table.final_loss[i]))
        for i in range(len(lrs))
    ]
    assert from_map == [(r.kind, r.converged_at, r.diverged_at, r.minimum, r.final_loss) for r in classify(made, trajectory)]
    assert stability.start_loss == trajectory.loss[0, 0]
    assert np.all(stability.excess_loss >= 0) and stability.min_loss <= made.value(made.start[None, :])[0]


@settings(max_examples=20, deadline=None)
@given(
    which=st.sampled_from(["quadratic", "ravine"]),
    scale=st.floats(0.05, 50.0),
    half_step=st.floats(0.01, 0.1),
)
def test_the_lr_sweep_marks_two_over_L_where_runs_start_to_diverge(which, scale, half_step):
    surface = make_surface("quadratic", curvature=scale) if which == "quadratic" else make_surface("ravine", kappa=max(1.0, scale))
    limit = 2.0 / max(surface.curvature)
    lrs = _grid_around(limit, half_step, 30)
    stability = sweep_lr(surface, lrs, steps=300)

    marks = {mark.key: mark.lr for mark in stability.marks()}
    assert marks["stability"] == pytest.approx(limit)
    assert marks["fastest"] == pytest.approx(limit / 2)
    just_below, just_above = 29, 30
    assert stability.stability_edge() == lrs[just_above]
    assert stability.regime_names()[just_below] in ("converged", "oscillating")
    assert np.all(stability.kinds[just_above:] == DIVERGED)
    assert not np.any(stability.kinds[:just_above] == DIVERGED)


def test_the_ravine_marks_its_best_fixed_lr_between_one_and_two_over_L():
    stability = sweep_lr(make_surface("ravine"), log_range(1e-3, 1.0, 50))
    assert [mark.label for mark in stability.marks()] == ["1/L", "2/(μ+L)", "2/L"]
    assert [mark.lr for mark in stability.marks()] == pytest.approx([0.04, 2 / 26, 0.08])


@settings(max_examples=8, deadline=None)
@given(kappa=st.floats(1.0, 40.0), half_step=st.floats(0.01, 0.05))
def test_the_lr_momentum_map_follows_the_heavy_ball_bound(kappa, half_step):
    surface = make_surface("ravine", kappa=kappa)
    momenta = np.array([0.0, 0.3, 0.6, 0.9])
    L = quadratic_limits(surface).L
    # One grid serving every row, built around each bound (2+2m)/L; points of one bound's grid
    # that land too close to another bound (where no finite run can tell the sides apart) are left out.
    bounds = (2 + 2 * momenta) / L
    lrs = np.sort(np.concatenate([_grid_around(bound, half_step, 6) for bound in bounds]))
    lrs = lrs[np.min(np.abs(np.log(lrs[:, None] / bounds[None, :])), axis=1) >= half_step / 2]
    stability = sweep_lr_momentum(surface, lrs, momenta, steps=400)

    assert stability.kinds.shape == (4, len(lrs))
    assert stability.heavy_ball_bound() == pytest.approx(bounds)
    expected_edges = [lrs[np.searchsorted(lrs, bound)] for bound in bounds]
    assert stability.stability_edge().tolist() == expected_edges


def test_momentum_widens_the_stable_range_and_adds_its_mark():
    surface = make_surface("quadratic")
    stability = sweep_lr(surface, log_range(0.1, 10.0, 200), steps=300, settings={"momentum": 0.5})
    marks = {mark.key: mark.lr for mark in stability.marks()}
    assert marks["heavy_ball"] == pytest.approx(1.5)
    assert 1.5 < stability.stability_edge() < 1.5 * 1.03


def test_theory_is_not_marked_where_it_does_not_describe_the_runs():
    ravine = make_surface("ravine")
    lrs = log_range(1e-3, 1.0, 20)
    assert sweep_lr(ravine, lrs, optimizer="adam").marks() == ()
    assert sweep_lr(ravine, lrs, settings={"momentum": 0.5, "nesterov": True}).limits is None
    assert sweep_lr(ravine, lrs, max_norm=1.0).limits is None
    assert sweep_lr(make_surface("rosenbrock"), lrs).limits is None


def test_bands_cover_the_sweep_in_order():
    stability = sweep_lr(make_surface("quadratic"), log_range(1e-3, 10.0, 300))
    bands = stability.bands()
    assert [band.kind for band in bands] == ["slow", "converged", "oscillating", "diverged"]
    assert sum(band.count for band in bands) == 300
    assert bands[0].low == pytest.approx(1e-3) and bands[-1].high == pytest.approx(10.0)
    for before, after in zip(bands, bands[1:]):
        assert before.high < after.low
    assert bands[-1].low == stability.stability_edge()


def test_sweep_results_keep_per_run_detail():
    stability = sweep_lr(make_surface("quadratic"), np.array([0.1, 0.7, 1.01]), steps=100)
    assert stability.regime_names().tolist() == ["converged", "converged", "diverged"]
    assert stability.converged_at[1] <= 10 < stability.converged_at[0]
    assert stability.diverged_at[:2].tolist() == [NOT_REACHED, NOT_REACHED] and stability.diverged_at[2] > 0
    assert stability.final_loss[2] > 1.0 > stability.final_loss[0]


@settings(max_examples=50, deadline=None)
@given(start=st.floats(1e-8, 1e3), ratio=st.floats(1.001, 1e6), num=st.integers(2, 10_000))
def test_parse_range_reads_back_what_it_is_given(start, ratio, num):
    end = start * ratio
    assert parse_range(f"{start!r}:{end!r}:{num}") == (start, end, num)
    assert len(log_range(start, end, num)) == num


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("1e-3:10", "START:END:N"),
        ("a:10:5", "numbers"),
        ("1e-3:10:2.5", "numbers"),
        ("0:10:5", "start must be a number > 0"),
        ("1:0.5:5", "end must be above start"),
        ("1e-3:10:1", "from 2 to"),
        ("1e-3:10:20000", "from 2 to"),
        ("1e-3:inf:10", "end must be a number > 0"),
    ],
)
def test_parse_range_names_what_is_wrong(text, fragment):
    with pytest.raises(DescentError, match="sweep") as error:
        parse_range(text)
    assert fragment in str(error.value)


@given(text=st.text(max_size=30))
@settings(max_examples=100, deadline=None)
def test_parse_range_raises_only_its_own_error(text):
    try:
        start, end, num = parse_range(text)
    except DescentError:
        return
    assert 0 < start < end and math.isfinite(end) and 2 <= num


def test_momentum_maps_refuse_what_they_cannot_sweep():
    ravine = make_surface("ravine")
    lrs = log_range(1e-2, 1.0, 5)
    with pytest.raises(DescentError, match="adagrad"):
        sweep_lr_momentum(ravine, lrs, [0.5], optimizer="adagrad")
    with pytest.raises(DescentError, match=r"\[0, 1\)"):
        sweep_lr_momentum(ravine, lrs, [0.5, 1.0])
    with pytest.raises(DescentError, match="swept"):
        sweep_lr_momentum(ravine, lrs, [0.5], settings={"momentum": 0.9})
    with pytest.raises(DescentError, match="at most"):
        sweep_lr_momentum(ravine, log_range(1e-3, 1.0, 5000), np.linspace(0, 0.9, 3))


def test_adam_maps_sweep_beta1_and_keep_beta2():
    stability = sweep_lr_momentum(make_surface("ravine"), log_range(1e-2, 1.0, 4), [0.0, 0.9], optimizer="adam", settings={"betas": (0.5, 0.99)})
    assert stability.kinds.shape == (2, 4)
    assert stability.limits is None
    direct = simulate(make_surface("ravine"), [Run(float(lr), "adam", {"betas": (0.9, 0.99)}) for lr in stability.lrs], 100)
    assert stability.final_loss[1].tolist() == direct.loss[-1].tolist()
