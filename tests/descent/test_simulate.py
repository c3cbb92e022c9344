"""Batched simulation: shapes, batch = one by one, schedules, divergence, caps and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.optimizers import apply_updates, make_optimizer
from studyapp.descent.schedules import ReduceOnPlateau, join_schedules, make_schedule
from studyapp.descent.simulate import MAX_RUN_STEPS, MAX_RUNS, MAX_STEPS, Run, ScheduleSpec, Simulation, simulate
from studyapp.descent.surfaces import make_surface


def test_shapes_and_plain_gradient_descent_in_closed_form():
    surface = make_surface("quadratic", curvature=3.0)
    lrs = [0.05, 0.3, 0.6]
    trajectory = simulate(surface, [Run(lr, x0=(2.0,)) for lr in lrs], 25)
    assert trajectory.positions.shape == (26, 3, 1)
    assert trajectory.loss.shape == (26, 3)
    assert trajectory.lrs.shape == (25, 3)
    assert trajectory.momenta is None
    assert trajectory.diverged_at.tolist() == [-1, -1, -1]
    t = np.arange(26)[:, None]
    np.testing.assert_allclose(trajectory.positions[:, :, 0], 2.0 * (1 - 3.0 * np.array(lrs)) ** t, rtol=1e-12)
    np.testing.assert_allclose(trajectory.loss, 1.5 * trajectory.positions[:, :, 0] ** 2, rtol=1e-12)
    np.testing.assert_array_equal(trajectory.lrs, np.broadcast_to(lrs, (25, 3)))


def test_default_start_is_the_surfaces():
    surface = make_surface("ravine")
    trajectory = simulate(surface, [Run(0.01)], 3)
    np.testing.assert_array_equal(trajectory.positions[0, 0], surface.start)
    assert trajectory.loss[0, 0] == surface.value(surface.start[None, :])[0]


def _heavy_ball_by_hand(surface, lrs, momentum, x0):
    """torch's SGD momentum (no dampening), written out for one run."""
    x = np.array(x0, dtype=float)
    buffer = None
    path = [x.copy()]
    for k, lr in enumerate(lrs):
        g = surface.grad(x[None, :], step=k)[0]
        buffer = g.copy() if buffer is None else momentum * buffer + g
        x = x - lr * buffer
        path.append(x.copy())
    return np.array(path)


def test_scheduled_heavy_ball_matches_a_hand_written_loop():
    surface = make_surface("rosenbrock")
    run = Run(2e-3, settings={"momentum": 0.8}, schedule=(ScheduleSpec("step", {"step_size": 7, "gamma": 0.5}),), x0=(-1.0, 1.5))
    trajectory = simulate(surface, [run], 40)
    expected_lrs = 2e-3 * 0.5 ** (np.arange(40) // 7)
    np.testing.assert_allclose(trajectory.lrs[:, 0], expected_lrs, rtol=1e-15)
    np.testing.assert_allclose(trajectory.positions[:, 0], _heavy_ball_by_hand(surface, expected_lrs, 0.8, (-1.0, 1.5)), rtol=1e-12)


OPTIMIZER_CHOICES = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("adam", {}),
    ("adam", {"betas": (0.8, 0.99), "amsgrad": True}),
    ("adamw", {}),
    ("nadam", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("rmsprop", {}),
    ("adagrad", {"lr_decay": 0.01}),
]
SCHEDULE_CHOICES = [
    (),
    (ScheduleSpec("step", {"step_size": 5, "gamma": 0.5}),),
    (ScheduleSpec("cosine"),),
    (ScheduleSpec("one-cycle", {"max_lr": 0.05}),),
    (ScheduleSpec("linear", {"start_factor": 0.1, "total_iters": 10}, until=10), ScheduleSpec("cosine")),
    (ScheduleSpec("reduce-on-plateau", {"patience": 2, "factor": 0.5}),),
    (ScheduleSpec("reduce-on-plateau", {"patience": 4}),),
]
SURFACE_CHOICES = [("ravine", {}), ("rosenbrock", {}), ("double-well", {}), ("regression", {"batch_size": 32})]


@st.composite
def runs_for(draw, surface):
    optimizer, options = draw(st.sampled_from(OPTIMIZER_CHOICES))
    schedule = draw(st.sampled_from(SCHEDULE_CHOICES))
    if optimizer == "adagrad" and any(spec.name == "one-cycle" for spec in schedule):
        schedule = ()
    low = [b[0] for b in surface.bounds]
    high = [b[1] for b in surface.bounds]
    x0 = draw(st.one_of(st.none(), st.tuples(*[st.floats(lo, hi) for lo, hi in zip(low, high)])))
    return Run(
        lr=draw(st.floats(1e-4, 0.5)),
        optimizer=optimizer,
        settings=options,
        schedule=schedule,
        x0=x0,
        max_norm=draw(st.one_of(st.none(), st.floats(0.5, 20.0))),
    )


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_batch_gives_the_same_numbers_as_its_runs_one_by_one(data):
    name, params = data.draw(st.sampled_from(SURFACE_CHOICES))
    surface = make_surface(name, **params)
    runs = data.draw(st.lists(runs_for(surface), min_size=2, max_size=6))
    steps = 30
    batch = simulate(surface, runs, steps, bound=1e4)
    for i, run in enumerate(runs):
        alone = simulate(surface, [run], steps, bound=1e4)
        # Mini-batch gradients are matrix products whose summation order depends on B.
        np.testing.assert_allclose(batch.positions[:, i], alone.positions[:, 0], rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(batch.loss[:, i], alone.loss[:, 0], rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(batch.lrs[:, i], alone.lrs[:, 0], rtol=1e-15)
        assert batch.diverged_at[i] == alone.diverged_at[0]
        if alone.momenta is not None:
            np.testing.assert_array_equal(batch.momenta[:, i], alone.momenta[:, 0])


def test_stepping_a_simulation_gives_the_same_numbers_as_simulate():
    surface = make_surface("regression", batch_size=16)
    runs = [Run(0.3), Run(0.05, "adam"), Run(0.9, schedule=(ScheduleSpec("reduce-on-plateau", {"patience": 1}),)), Run(2.5)]
    whole = simulate(surface, runs, 50)
    live = Simulation(surface, runs, 50)
    assert live.k == 0 and not live.done
    assert live.trajectory().positions.shape == (1, 4, 2) and live.trajectory().lrs.shape == (0, 4)
    for chunk in (1, 1, 7, 13, 40):
        live.step(chunk)
        partial = live.trajectory()
        assert partial.positions.shape[0] == live.k + 1
        np.testing.assert_array_equal(partial.positions, whole.positions[: live.k + 1])
    assert live.done and live.k == 50
    live.step(5)  # past the end: nothing happens
    final = live.trajectory()
    for field in ("positions", "loss", "lrs", "diverged_at"):
        np.testing.assert_array_equal(getattr(final, field), getattr(whole, field))
    with pytest.raises(ValueError):
        final.positions[0, 0, 0] = 1.0  # views are read-only


def test_divergence_freezes_the_run_without_warnings():
    surface = make_surface("quadratic")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = simulate(surface, [Run(1.1), Run(0.1)], 100, bound=10.0)
    diverged_at = trajectory.diverged_at[0]
    # |x_t| = 1.2^t first exceeds 10 at t = 13: position 13 is never written
    assert diverged_at == 13 and trajectory.diverged_at[1] == -1
    frozen = trajectory.positions[diverged_at - 1 :, 0, 0]
    assert np.all(frozen == frozen[0]) and abs(frozen[0]) == pytest.approx(1.2**12)
    assert np.all(trajectory.loss[diverged_at - 1 :, 0] == trajectory.loss[diverged_at - 1, 0])
    assert np.all(np.abs(trajectory.positions[:, 0]) <= 10.0)


def test_overflow_to_infinity_is_caught_without_warnings():
    surface = make_surface("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = simulate(surface, [Run(0.5), Run(1e-3)], 60, bound=1e300)
    assert 0 < trajectory.diverged_at[0] < 60
    assert np.all(np.isfinite(trajectory.positions)) and np.all(np.isfinite(trajectory.loss))
    assert trajectory.diverged_at[1] == -1


def test_reduce_on_plateau_is_stepped_with_the_loss_after_each_update():
    surface = make_surface("plateau")
    params = {"patience": 3, "factor": 0.5, "cooldown": 2}
    trajectory = simulate(surface, [Run(0.1, schedule=(ScheduleSpec("reduce-on-plateau", params),))], 40)
    plateau = make_schedule("reduce-on-plateau", 0.1, 40, **params)
    state = plateau.init([0.1])
    expected = [0.1]
    for loss in trajectory.loss[1:-1, 0]:
        lr, state = plateau.update(state, [loss])
        expected.append(lr[0])
    np.testing.assert_array_equal(trajectory.lrs[:, 0], expected)
    # the plateau barely improves the loss: after the first (better) loss, the cut comes on the
    # (patience + 1)-th bad one and is used by the next update; then 2 cooldown updates, and again
    cuts = np.flatnonzero(np.diff(trajectory.lrs[:, 0])) + 1
    assert cuts.tolist() == [5, 11, 17, 23, 29, 35]
    assert trajectory.lrs[-1, 0] == pytest.approx(0.1 * 0.5**6)


def test_chained_warm_up_then_cosine():
    surface = make_surface("rosenbrock")
    chain = (ScheduleSpec("linear", {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 50}, until=50), ScheduleSpec("cosine"))
    trajectory = simulate(surface, [Run(1.9e-3, x0=(-2.0, 2.0), schedule=chain)], 200)
    warm = make_schedule("linear", 1.9e-3, 50, start_factor=0.1, end_factor=1.0, total_iters=50)
    cosine = make_schedule("cosine", 1.9e-3, 150)
    expected = join_schedules([warm, cosine], [50])(np.arange(200))
    np.testing.assert_allclose(trajectory.lrs[:, 0], expected, rtol=1e-15)
    assert trajectory.lrs[0, 0] == pytest.approx(1.9e-4)
    assert trajectory.lrs[50, 0] == pytest.approx(1.9e-3)  # the cosine's horizon is the rest of the run
    assert trajectory.lrs[-1, 0] == pytest.approx(1.9e-3 * (1 + np.cos(np.pi * 149 / 150)) / 2)


def test_warm_up_rescues_the_lr_that_diverges_on_rosenbrock():
    surface = make_surface("rosenbrock")
    warm_up = (ScheduleSpec("linear", {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 50}),)
    trajectory = simulate(surface, [Run(1.9e-3, x0=(-2.0, 2.0)), Run(1.9e-3, x0=(-2.0, 2.0), schedule=warm_up), Run(1.9e-3, x0=(-2.0, 2.0), max_norm=10.0)], 5000)
    assert 0 < trajectory.diverged_at[0] <= 6
    assert trajectory.loss[-1, 1] == pytest.approx(1.6e-8, rel=0.1)
    assert trajectory.loss[-1, 2] == pytest.approx(2e-4, rel=0.05)


def test_one_cycle_momentum_drives_the_optimizer():
    surface = make_surface("ravine")
    cycle = (ScheduleSpec("one-cycle", {"max_lr": 0.05}),)
    runs = [Run(0.01, settings={"momentum": 0.9}, schedule=cycle), Run(0.01, settings={"momentum": 0.3}), Run(0.01, "adam", schedule=cycle), Run(0.02, "adam", settings={"betas": (0.7, 0.99)})]
    steps = 60
    trajectory = simulate(surface, runs, steps)
    schedule = make_schedule("one-cycle", 0.01, steps, max_lr=0.05)
    k = np.arange(steps)
    np.testing.assert_allclose(trajectory.momenta[:, 0], schedule.momentum(k))
    np.testing.assert_allclose(trajectory.momenta[:, 2], schedule.momentum(k))
    np.testing.assert_array_equal(trajectory.momenta[:, 1], 0.3)  # runs that keep their own momentum
    np.testing.assert_array_equal(trajectory.momenta[:, 3], 0.7)  # ... or their own beta1
    np.testing.assert_allclose(trajectory.lrs[:, 0], schedule.lr(k))
    # the SGD run equals an optimizer loop fed the cycled momentum by hand
    rule = make_optimizer("sgd", momentum=0.9)
    x = surface.start[None, :].copy()
    state = rule.init(x)
    for step in range(steps):
        updates, state = rule.update(surface.grad(x), state, x, schedule.lr(k[step : step + 1]), momentum=schedule.momentum(k[step : step + 1]))
        x = apply_updates(x, updates)
    np.testing.assert_allclose(trajectory.positions[-1, 0], x[0], rtol=1e-12)


def test_gradient_clipping_limits_the_step():
    surface = make_surface("quadratic")
    trajectory = simulate(surface, [Run(0.1, x0=(100.0,), max_norm=1.0), Run(0.1, x0=(100.0,))], 1)
    assert trajectory.positions[1, 0, 0] == pytest.approx(100.0 - 0.1 * 1.0, abs=1e-6)
    assert trajectory.positions[1, 1, 0] == pytest.approx(80.0)


def test_identical_runs_on_mini_batches_see_the_same_batches():
    surface = make_surface("regression", batch_size=8)
    trajectory = simulate(surface, [Run(0.2), Run(0.5), Run(0.2)], 40)
    np.testing.assert_array_equal(trajectory.positions[:, 0], trajectory.positions[:, 2])
    assert not np.array_equal(trajectory.positions[:, 0], trajectory.positions[:, 1])


@pytest.mark.parametrize(
    "surface_name, runs, steps, message",
    [
        ("quadratic", [Run(-0.1)], 10, "lr must be > 0, got -0.1"),
        ("quadratic", [Run(0.0)], 10, "lr must be > 0, got 0"),
        ("quadratic", [Run(float("nan"))], 10, "lr must be > 0, got nan"),
        ("ravine", [Run(0.1, x0=(1.0,))], 10, "x0 has 1 value but surface 'ravine' is 2-D"),
        ("quadratic", [Run(0.1, x0=(1.0, 2.0))], 10, "x0 has 2 values but surface 'quadratic' is 1-D"),
        ("quadratic", [Run(0.1, x0=(float("inf"),))], 10, "x0 must be finite"),
        ("quadratic", [Run(0.1)], 0, f"steps must be a whole number from 1 to {MAX_STEPS}, got 0"),
        ("quadratic", [Run(0.1)], MAX_STEPS + 1, f"steps must be a whole number from 1 to {MAX_STEPS}"),
        ("quadratic", [Run(0.1)], 2.5, "steps must be a whole number"),
        ("quadratic", [], 10, "a simulation takes 1 to"),
        ("quadratic", [Run(0.1)] * (MAX_RUNS + 1), 10, f"a simulation takes 1 to {MAX_RUNS} runs, got {MAX_RUNS + 1}"),
        ("quadratic", [Run(0.1)] * 100, MAX_RUN_STEPS // 100 + 1, f"runs x steps must be at most {MAX_RUN_STEPS}"),
        ("quadratic", [Run(0.1, "adamm")], 10, "unknown optimizer 'adamm'"),
        ("quadratic", [Run(0.1, settings={"betas": (0.9, 0.99)})], 10, "optimizer 'sgd' takes no parameter 'betas'"),
        ("quadratic", [Run(0.1, settings={"nesterov": True})], 10, "nesterov needs momentum > 0"),
        ("quadratic", [Run(0.1, max_norm=0.0)], 10, "max_norm must be > 0, got 0"),
        ("quadratic", [Run(0.1, schedule=(ScheduleSpec("cosine", {"gamma": 0.5}),))], 10, "schedule 'cosine' takes no parameter 'gamma' (it takes: t_max, eta_min)"),
        ("quadratic", [Run(0.1, schedule=(ScheduleSpec("cosin"),))], 10, "unknown schedule 'cosin'"),
        ("quadratic", [Run(0.1, "adagrad", schedule=(ScheduleSpec("one-cycle", {"max_lr": 1.0}),))], 10, "cycles momentum, which optimizer 'adagrad' does not have"),
        ("quadratic", [Run(0.1, schedule=(ScheduleSpec("linear"), ScheduleSpec("cosine")))], 10, "schedule 'linear' is followed by another, so it needs `until`"),
        ("quadratic", [Run(0.1, schedule=(ScheduleSpec("linear", until=10), ScheduleSpec("cosine")))], 10, "chained schedules need increasing `until` values"),
        ("quadratic", [Run(0.1, schedule=(ScheduleSpec("linear", until=5), ScheduleSpec("reduce-on-plateau")))], 10, "reduce-on-plateau cannot be chained"),
    ],
)
def test_bad_input_names_the_problem(surface_name, runs, steps, message):
    with pytest.raises(DescentError) as error:
        simulate(make_surface(surface_name), runs, steps)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_bad_bound_is_refused():
    with pytest.raises(DescentError, match="bound must be > 0"):
        Simulation(make_surface("quadratic"), [Run(0.1)], 10, bound=-1.0)
    assert isinstance(make_schedule("reduce-on-plateau", 0.1, 10), ReduceOnPlateau)
