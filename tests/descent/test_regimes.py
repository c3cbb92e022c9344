"""Regimes: the 1cycle note's table and the reference's measured scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.regimes import REGIMES, classify
from studyapp.descent.simulate import Run, ScheduleSpec, Simulation, simulate
from studyapp.descent.surfaces import make_surface

# lr, |x| after 10, |x| after 100, regime (the 1cycle note, f = x^2 from x0 = 1)
SEED_TABLE = [
    (0.01, 0.817, 0.133, "slow"),
    (0.1, 0.107, 2.0e-10, "converged"),
    (0.7, 1.0e-4, 1.6e-40, "converged"),
    (0.99, 0.817, 0.133, "oscillating"),
    (1.01, 1.22, 7.24, "diverged"),
]


def test_the_1cycle_note_table():
    surface = make_surface("quadratic")
    trajectory = simulate(surface, [Run(lr) for lr, *_ in SEED_TABLE], 100)
    regimes = classify(surface, trajectory)
    for run, ((lr, after_10, after_100, kind), regime) in enumerate(zip(SEED_TABLE, regimes)):
        # to the table's precision (two or three significant figures)
        assert abs(trajectory.positions[10, run, 0]) == pytest.approx(after_10, rel=0.05), lr
        assert abs(trajectory.positions[100, run, 0]) == pytest.approx(after_100, rel=0.05), lr
        assert regime.kind == kind, lr
    assert regimes[2].converged_at <= 10
    assert regimes[1].converged_at > regimes[2].converged_at
    assert regimes[0].converged_at is None and regimes[3].converged_at is None
    # 1.01 stays far below the bound: the growth itself marks the divergence
    assert trajectory.diverged_at[4] == -1 and regimes[4].diverged_at is not None
    assert regimes[1].minimum == 0 and regimes[4].minimum is None
    assert regimes[4].final_loss == pytest.approx(7.24**2, rel=0.01)


def test_sign_flips_every_update_at_099_but_not_at_001():
    surface = make_surface("quadratic")
    trajectory = simulate(surface, [Run(0.99), Run(0.01)], 100)
    flipping = np.sign(trajectory.positions[:, 0, 0])
    assert np.all(flipping[1:] == -flipping[:-1])
    assert np.all(trajectory.positions[:, 1, 0] > 0)


def test_the_two_cycle_at_the_stability_limit_is_oscillating():
    surface = make_surface("quadratic")
    (regime,) = classify(surface, simulate(surface, [Run(1.0)], 100))
    assert regime.kind == "oscillating"


def test_converged_at_is_where_the_loss_gap_stays_within_tol():
    surface = make_surface("quadratic")
    trajectory = simulate(surface, [Run(0.1)], 100)
    for tol in (1e-2, 1e-3, 1e-6):
        (regime,) = classify(surface, trajectory, tol=tol)
        t = regime.converged_at
        assert trajectory.loss[t, 0] <= tol < trajectory.loss[t - 1, 0]


def test_ravine_scenarios():
    surface = make_surface("ravine")
    runs = [Run(0.02), Run(0.07), Run(0.081), Run(1 / 9, settings={"momentum": 4 / 9}), Run(0.5, "adam")]
    trajectory = simulate(surface, runs, 100)
    smooth, flipping, diverging, heavy_ball, adam = classify(surface, trajectory)
    loss = trajectory.loss[-1]

    assert smooth.kind == "slow" and loss[0] == pytest.approx(0.88, abs=0.01)
    # lr 0.07: y flips sign every update but shrinks (|1 - 0.07*25| = 0.75), so it converges
    y = trajectory.positions[:, 1, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))
    assert flipping.kind == "converged" and flipping.converged_at == 75
    assert loss[1] == pytest.approx(2.5e-5, rel=0.05)
    assert diverging.kind == "diverged" and loss[2] == pytest.approx(1.7e3, rel=0.05)
    assert heavy_ball.kind == "converged"
    assert classify(surface, trajectory, tol=1e-6)[3].converged_at == 31
    assert adam.kind == "oscillating" and loss[4] == pytest.approx(1e-3, rel=0.2)


def test_double_well_gd_from_2_is_trapped_in_the_local_minimum():
    surface = make_surface("double-well")
    local = int(np.flatnonzero(~surface.global_minima)[0])
    trajectory = simulate(surface, [Run(0.01, x0=(2.0,)), Run(0.01, x0=(-2.0,))], 1000)
    trapped, reached = classify(surface, trajectory)
    assert trapped.kind == "trapped" and trapped.minimum == local
    assert trapped.final_loss == pytest.approx(0.294, abs=1e-3)
    assert reached.kind == "converged" and surface.global_minima[reached.minimum]


def test_double_well_from_1_5_everything_is_trapped():
    surface = make_surface("double-well")
    runs = [Run(0.01, x0=(1.5,)), Run(0.01, x0=(1.5,), settings={"momentum": 0.9}), Run(0.01, x0=(1.5,), settings={"momentum": 0.9, "nesterov": True}), Run(0.1, "adam", x0=(1.5,)), Run(0.3, "adam", x0=(1.5,))]
    regimes = classify(surface, simulate(surface, runs, 2000))
    assert [r.kind for r in regimes] == ["trapped"] * 5


def test_momentum_escapes_the_local_well_more_often_than_gd():
    surface = make_surface("double-well")
    starts = np.linspace(1.6, 2.6, 21)
    def reached(**run):
        regimes = classify(surface, simulate(surface, [Run(x0=(x,), **run) for x in starts], 2000))
        return sum(r.kind == "converged" for r in regimes)
    assert reached(lr=0.01) == 0
    assert 10 <= reached(lr=0.01, settings={"momentum": 0.9}) < 21
    assert reached(lr=0.1, optimizer="adam") == 0


def test_plateau_gd_is_stuck_and_slow_while_adam_gets_out():
    surface = make_surface("plateau")
    runs = [Run(0.1), Run(1.0), Run(0.1, settings={"momentum": 0.9}), Run(0.1, "adam")]
    trajectory = simulate(surface, runs, 300)
    regimes = classify(surface, trajectory)
    assert [r.kind for r in regimes[:3]] == ["slow"] * 3
    assert np.all(np.linalg.norm(trajectory.positions[-1, :3], axis=-1) > 3.5)
    assert regimes[3].kind == "converged"
    assert np.linalg.norm(trajectory.positions[100, 3]) == pytest.approx(5e-3, rel=0.1)


def test_saddle_escape_times():
    surface = make_surface("saddle")
    runs = [Run(0.1), Run(0.1, settings={"momentum": 0.9}), Run(0.1, "adam"), Run(0.01, "rmsprop"), Run(0.1, x0=(1.0, 0.0))]
    trajectory = simulate(surface, runs, 300)
    escaped = [int(np.argmax(np.abs(trajectory.positions[:, i, 1]) > 0.5)) for i in range(4)]
    assert escaped == [67, 25, 6, 7]
    regimes = classify(surface, trajectory)
    assert regimes[0].kind == "converged"
    assert regimes[4].kind == "slow"  # from y = 0 exactly nothing escapes


def test_himmelblau_basins_and_divergence():
    surface = make_surface("himmelblau")
    starts = [(0.0, 0.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]
    expected = [(3.0, 2.0), (-2.81, 3.13), (-3.78, -3.28), (3.58, -1.85)]
    trajectory = simulate(surface, [Run(0.01, x0=x) for x in starts] + [Run(0.05)], 500)
    regimes = classify(surface, trajectory)
    for regime, target in zip(regimes[:4], expected):
        assert regime.kind == "converged"
        np.testing.assert_allclose(surface.minima[regime.minimum], target, atol=0.01)
    assert regimes[4].kind == "diverged" and trajectory.diverged_at[4] <= 7
    runaway = int(np.argmin(trajectory.loss[: trajectory.diverged_at[4] + 1, 4])) + 1
    assert regimes[4].diverged_at == runaway < trajectory.diverged_at[4]


def test_a_larger_lr_never_reads_as_diverging_later():
    """Frozen at the bound or caught by slow growth, a run diverges from its lowest loss on."""
    surface = make_surface("quadratic")
    lrs = [1.01, 1.05, 1.16, 1.5, 3.0]
    regimes = classify(surface, simulate(surface, [Run(lr, x0=(1.0,)) for lr in lrs], 100))
    assert [regime.kind for regime in regimes] == ["diverged"] * len(lrs)
    assert [regime.diverged_at for regime in regimes] == [1] * len(lrs)


def test_bumpy_annealing_beats_a_constant_lr():
    surface = make_surface("bumpy")
    starts = np.linspace(2.0, 4.0, 21)
    def kinds(**run):
        return [r.kind for r in classify(surface, simulate(surface, [Run(x0=(x,), **run) for x in starts], 300))]
    assert kinds(lr=0.1).count("converged") == 0
    assert set(kinds(lr=0.5)) == {"oscillating"}  # never settles
    assert kinds(lr=0.5, schedule=(ScheduleSpec("cosine"),)).count("converged") >= 17
    assert kinds(lr=0.5, schedule=(ScheduleSpec("one-cycle", {"max_lr": 1.0, "cycle_momentum": False}),)).count("converged") == 21


@settings(max_examples=30, deadline=None)
@given(curvature=st.floats(0.1, 10.0), factor=st.floats(0.05, 0.9), x0=st.floats(0.5, 5.0))
def test_monotone_convergence_below_1_over_l_is_never_oscillating(curvature, factor, x0):
    """lr < 1/L moves straight to the minimum: converged or slow, never oscillating."""
    surface = make_surface("quadratic", curvature=curvature)
    (regime,) = classify(surface, simulate(surface, [Run(factor / curvature, x0=(x0,))], 200))
    assert regime.kind in ("converged", "slow")
    assert regime.kind in REGIMES


@settings(max_examples=30, deadline=None)
@given(curvature=st.floats(0.1, 10.0), excess=st.floats(0.02, 0.5), x0=st.floats(0.5, 5.0))
def test_above_2_over_l_is_always_diverged(curvature, excess, x0):
    surface = make_surface("quadratic", curvature=curvature)
    trajectory = simulate(surface, [Run((2 + excess) / curvature, x0=(x0,))], 200)
    (regime,) = classify(surface, trajectory)
    assert regime.kind == "diverged" and 0 < regime.diverged_at <= 200


def test_partial_trajectories_of_a_live_simulation_can_be_classified():
    surface = make_surface("quadratic")
    live = Simulation(surface, [Run(0.7), Run(1.01), Run(0.5, x0=(0.0,))], 100)
    assert [r.kind for r in classify(surface, live.trajectory())] == ["slow", "slow", "converged"]
    live.step(1)
    assert [r.converged_at for r in classify(surface, live.trajectory())] == [None, None, 0]
    live.step(99)
    assert [r.kind for r in classify(surface, live.trajectory())] == ["converged", "diverged", "converged"]
