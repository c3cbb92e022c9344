"""Schedules against torch's schedulers, their boundary values, chaining, and bad input.

The torch values live in data/torch_schedules.json and data/torch_plateau.json (written by
make_torch_reference.py), so these tests run without torch.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.schedules import SCHEDULES, ReduceOnPlateau, Schedule, join_schedules, make_schedule

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "torch_schedules.json").read_text())["cases"]
PLATEAU_CASES = json.loads((DATA / "torch_plateau.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["label"] for case in CASES])
def test_matches_torch_at_every_update(case):
    schedule = make_schedule(case["schedule"], case["base_lr"], case["steps"], **case["params"])
    k = np.arange(len(case["lr"]))
    np.testing.assert_allclose(schedule(k), case["lr"], rtol=1e-9, atol=1e-15)
    if case["momentum"] is None:
        assert schedule.momentum is None
    else:
        np.testing.assert_allclose(schedule.momentum(k), case["momentum"], rtol=1e-9, atol=1e-15)


def _plateau_lrs(schedule: ReduceOnPlateau, base_lrs, losses: np.ndarray) -> np.ndarray:
    """The lr each update uses when the loss after update k is losses[k] (shape (N, B))."""
    state = schedule.init(base_lrs)
    used = []
    for loss in losses:
        used.append(state.lr)
        _, state = schedule.update(state, loss)
    return np.array(used)


@pytest.mark.parametrize("case", PLATEAU_CASES, ids=[case["label"] for case in PLATEAU_CASES])
def test_reduce_on_plateau_matches_torch(case):
    schedule = make_schedule("reduce-on-plateau", case["base_lr"], len(case["losses"]), **case["params"])
    assert isinstance(schedule, ReduceOnPlateau)
    lrs = _plateau_lrs(schedule, [case["base_lr"]], np.array(case["losses"])[:, None])
    np.testing.assert_allclose(lrs[:, 0], case["lr"], rtol=1e-12, atol=0)


def test_reduce_on_plateau_batched_equals_torch_run_by_run():
    shared = [case for case in PLATEAU_CASES if case["label"].startswith("rel threshold cooldown")]
    assert len(shared) == 3 and all(case["params"] == shared[0]["params"] for case in shared)
    schedule = make_schedule("reduce-on-plateau", 1.0, 60, **shared[0]["params"])
    losses = np.array([case["losses"] for case in shared]).T
    lrs = _plateau_lrs(schedule, [case["base_lr"] for case in shared], losses)
    for index, case in enumerate(shared):
        np.testing.assert_allclose(lrs[:, index], case["lr"], rtol=1e-12, atol=0)


# --- boundary values worked out by hand ---------------------------------------------------


def test_one_cycle_peaks_at_pct_start_times_total_minus_one():
    schedule = make_schedule("one-cycle", 0.123, 100, max_lr=2.0, pct_start=0.25)
    k = np.arange(100)
    lr, momentum = schedule(k), schedule.momentum(k)
    assert lr[24] == pytest.approx(2.0, rel=1e-15) and lr.argmax() == 24
    assert lr[0] == pytest.approx(2.0 / 25)  # the optimizer's lr (0.123) is ignored, as in torch
    assert lr[99] == pytest.approx(2.0 / 25 / 1e4)
    assert momentum[0] == pytest.approx(0.95) and momentum[24] == pytest.approx(0.85) and momentum[99] == pytest.approx(0.95)
    assert momentum.argmin() == 24


def test_one_cycle_three_phase_returns_to_the_initial_lr_before_annealing():
    schedule = make_schedule("one-cycle", 1.0, 100, max_lr=1.0, pct_start=0.3, three_phase=True)
    lr, momentum = schedule(np.arange(100)), schedule.momentum(np.arange(100))
    assert lr[29] == pytest.approx(1.0) and lr[58] == pytest.approx(1.0 / 25) and lr[99] == pytest.approx(1.0 / 25 / 1e4)
    assert momentum[29] == pytest.approx(0.85) and np.all(momentum[58:] == pytest.approx(0.95))


def test_one_cycle_total_steps_defaults_to_the_run_length():
    by_default = make_schedule("one-cycle", 1.0, 80, max_lr=1.0)
    explicit = make_schedule("one-cycle", 1.0, 5, max_lr=1.0, total_steps=80)
    np.testing.assert_array_equal(by_default(np.arange(80)), explicit(np.arange(80)))


def test_one_cycle_refuses_updates_past_total_steps_like_torch():
    schedule = make_schedule("one-cycle", 1.0, 100, max_lr=1.0, total_steps=50)
    assert np.isfinite(schedule(50))  # torch allows stepping up to total_steps itself
    with pytest.raises(DescentError, match="schedule 'one-cycle' was asked for update 51, past total_steps 50"):
        schedule(np.arange(52))


def test_cosine_restarts_restart_at_t0_and_t0_plus_2_t0_with_t_mult_2():
    schedule = make_schedule("cosine-restarts", 0.5, 100, t_0=10, t_mult=2, eta_min=0.01)
    lr = schedule(np.arange(71))
    for restart in (0, 10, 30, 70):
        assert lr[restart] == 0.5
    for before in (9, 29, 69):
        assert 0.01 < lr[before] < lr[before - 1] < 0.5
    assert lr[20] == pytest.approx(0.01 + (0.5 - 0.01) / 2)  # halfway through the 20-update period


def test_cosine_reaches_eta_min_at_t_max_and_climbs_back_after():
    schedule = make_schedule("cosine", 1.0, 100, t_max=40, eta_min=0.1)
    assert schedule(40) == pytest.approx(0.1, rel=1e-15)
    assert schedule(80) == pytest.approx(1.0, rel=1e-15)
    assert schedule(60) == pytest.approx(0.55)
    assert make_schedule("cosine", 1.0, 30)(30) == 0.0  # t_max defaults to the run's updates


def test_multistep_repeated_milestone_applies_gamma_twice():
    schedule = make_schedule("multistep", 1.0, 50, milestones=[20, 10, 20], gamma=0.5)
    np.testing.assert_allclose(schedule([0, 9, 10, 19, 20, 49]), [1, 1, 0.5, 0.5, 0.125, 0.125])


def test_step_decays_every_step_size_updates():
    np.testing.assert_allclose(make_schedule("step", 2.0, 50, step_size=5)([0, 4, 5, 9, 10]), [2, 2, 0.2, 0.2, 0.02])


def test_linear_warm_up_starts_at_start_factor_and_holds_end_factor():
    schedule = make_schedule("linear", 0.3, 50, start_factor=0.1, end_factor=1.0, total_iters=10)
    lr = schedule(np.arange(20))
    assert lr[0] == pytest.approx(0.03) and lr[5] == pytest.approx(0.3 * 0.55)
    assert np.all(lr[10:] == pytest.approx(0.3))


def test_cyclic_peaks_at_step_size_up_and_triangular2_halves_each_cycle():
    triangular = make_schedule("cyclic", 0.01, 100, max_lr=0.11, step_size_up=4, step_size_down=6)
    lr, momentum = triangular(np.arange(21)), triangular.momentum(np.arange(21))
    assert lr[0] == 0.01 and lr[4] == pytest.approx(0.11) and lr[10] == pytest.approx(0.01) and lr[14] == pytest.approx(0.11)
    assert momentum[0] == pytest.approx(0.9) and momentum[4] == pytest.approx(0.8)
    halving = make_schedule("cyclic", 0.01, 100, max_lr=0.11, step_size_up=5, mode="triangular2")
    assert halving(5) == pytest.approx(0.11) and halving(15) == pytest.approx(0.06) and halving(25) == pytest.approx(0.035)


def test_cyclic_base_lr_defaults_to_the_runs_lr():
    schedule = make_schedule("cyclic", 0.05, 100, max_lr=0.5, step_size_up=10, cycle_momentum=False)
    assert schedule(0) == 0.05 and schedule(10) == pytest.approx(0.5)
    assert schedule.momentum is None


def test_reduce_on_plateau_cuts_on_the_patience_plus_first_bad_update():
    schedule = make_schedule("reduce-on-plateau", 1.0, 20, patience=2, factor=0.5)
    losses = np.array([[1.0], [1.0], [1.0], [1.0], [1.0], [1.0], [1.0]])
    lrs = _plateau_lrs(schedule, [1.0], losses)[:, 0]
    # loss 0 sets best; losses 1, 2 are bad (patience 2); loss 3 is the third bad: cut before update 4.
    np.testing.assert_array_equal(lrs, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5])


def test_reduce_on_plateau_cooldown_min_lr_and_thresholds():
    cooled = make_schedule("reduce-on-plateau", 1.0, 20, patience=0, factor=0.5, cooldown=2, min_lr=0.2)
    lrs = _plateau_lrs(cooled, [1.0], np.ones((10, 1)))[:, 0]
    # cut after each bad update outside the cooldown; never below min_lr
    np.testing.assert_array_equal(lrs, [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2])
    small_gains = np.array([1.0, 0.99, 0.98, 0.97])[:, None]
    relative = make_schedule("reduce-on-plateau", 1.0, 20, patience=1, threshold=0.05)
    absolute = make_schedule("reduce-on-plateau", 1.0, 20, patience=1, threshold=0.005, threshold_mode="abs")
    assert _plateau_lrs(relative, [1.0], np.vstack([small_gains, [[0.9]]]))[-1, 0] == pytest.approx(0.1)
    assert _plateau_lrs(absolute, [1.0], np.vstack([small_gains, [[0.9]]]))[-1, 0] == 1.0


def test_reduce_on_plateau_treats_non_finite_losses_as_bad():
    schedule = make_schedule("reduce-on-plateau", 1.0, 20, patience=0)
    lrs = _plateau_lrs(schedule, [1.0, 1.0], np.array([[1.0, 1.0], [np.nan, 0.5], [np.inf, 0.25]]))
    np.testing.assert_allclose(lrs[:, 0], [1.0, 1.0, 0.1])
    np.testing.assert_allclose(lrs[:, 1], [1.0, 1.0, 1.0])


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-4, 10), st.floats(0, 10), st.floats(0.1, 1000), st.lists(st.integers(0, 10_000), max_size=20))
def test_time_based_decay_follows_its_formula(base_lr, decay_rate, decay_steps, steps):
    schedule = make_schedule("time-based", base_lr, 10, decay_rate=decay_rate, decay_steps=decay_steps)
    expected = [base_lr / (1 + decay_rate * k / decay_steps) for k in steps]
    np.testing.assert_allclose(schedule(np.array(steps, dtype=np.int64)), expected, rtol=1e-14)


# --- properties over all valid parameters -------------------------------------------------


@st.composite
def schedules(draw):
    """A closed-form schedule with valid parameters whose floor is positive, its run and its peak."""
    name = draw(st.sampled_from([name for name in SCHEDULES if name != "reduce-on-plateau"]))
    base_lr = draw(st.floats(1e-4, 10))
    steps = draw(st.integers(20, 300))
    lrs = st.floats(1e-4, 10)
    params: dict = {}
    if name == "step":
        params = {"step_size": draw(st.integers(1, 50)), "gamma": draw(st.floats(0.5, 1))}
    elif name == "multistep":
        params = {"milestones": draw(st.lists(st.integers(0, 400), max_size=6)), "gamma": draw(st.floats(0.3, 1))}
    elif name == "exponential":
        params = {"gamma": draw(st.floats(0.5, 1))}
    elif name == "time-based":
        params = {"decay_rate": draw(st.floats(0, 10)), "decay_steps": draw(st.floats(0.5, 100))}
    elif name == "cosine":
        params = {"t_max": draw(st.none() | st.integers(1, 400)), "eta_min": draw(st.floats(1e-6, 1))}
    elif name == "cosine-restarts":
        params = {"t_0": draw(st.integers(1, 50)), "t_mult": draw(st.integers(1, 3)), "eta_min": draw(st.floats(1e-6, 1))}
    elif name == "linear":
        params = {"start_factor": draw(st.floats(0.01, 1)), "end_factor": draw(st.floats(0.01, 1)), "total_iters": draw(st.integers(1, 400))}
    elif name == "one-cycle":
        params = {
            "max_lr": draw(lrs),
            "total_steps": draw(st.none() | st.integers(steps, 400)),
            "pct_start": draw(st.floats(0.1, 0.45)),
            "anneal_strategy": draw(st.sampled_from(["cos", "linear"])),
            "div_factor": draw(st.floats(1, 1e3)),
            "final_div_factor": draw(st.floats(1, 1e5)),
            "three_phase": draw(st.booleans()),
        }
    elif name == "cyclic":
        params = {
            "base_lr": draw(st.none() | lrs),
            "max_lr": draw(lrs),
            "step_size_up": draw(st.integers(1, 100)),
            "step_size_down": draw(st.none() | st.integers(1, 100)),
            "mode": draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
            "gamma": draw(st.floats(0.9, 1)),
        }
    peak = max([base_lr] + [value for key, value in params.items() if key in ("max_lr", "base_lr", "eta_min") and value is not None])
    return make_schedule(name, base_lr, steps, **params), steps, peak


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_schedules_are_positive_finite_and_never_above_their_peak(drawn):
    schedule, steps, peak = drawn
    lr = schedule(np.arange(steps))
    assert lr.shape == (steps,)
    assert np.all(np.isfinite(lr)) and np.all(lr > 0)
    assert np.all(lr <= peak * (1 + 1e-12))
    if schedule.momentum is not None:
        momentum = schedule.momentum(np.arange(steps))
        assert np.all((momentum >= 0.8 - 1e-12) & (momentum <= 0.95 + 1e-12))


@settings(max_examples=100, deadline=None)
@given(schedules(), st.randoms(use_true_random=False))
def test_an_array_of_updates_gives_the_same_values_as_one_update_at_a_time(drawn, random):
    schedule, steps, _ = drawn
    k = np.array(random.sample(range(steps), min(steps, 25)), dtype=np.int64)
    together = schedule(k)
    one_by_one = [float(schedule(int(step))) for step in k]
    # Vectorised and scalar powers may round differently in the last bit, hence rtol.
    np.testing.assert_allclose(together, one_by_one, rtol=1e-13)
    np.testing.assert_array_equal(schedule(k.reshape(-1, 1))[:, 0], together)  # any shape
    if schedule.momentum is not None:
        np.testing.assert_allclose(schedule.momentum(k), [float(schedule.momentum(np.int64(step))) for step in k], rtol=1e-13)


@settings(max_examples=100, deadline=None)
@given(schedules(), schedules(), st.integers(1, 300))
def test_joined_schedules_switch_exactly_at_the_boundary(first, second, boundary):
    (a, a_steps, _), (b, b_steps, _) = first, second
    boundary = min(boundary, a_steps)  # the first schedule is built for a_steps updates
    joined = join_schedules([a, b], [boundary])
    k = np.arange(boundary + b_steps)
    lr = joined(k)
    np.testing.assert_array_equal(lr[:boundary], a(k[:boundary]))
    np.testing.assert_array_equal(lr[boundary:], b(k[boundary:] - boundary))
    if a.momentum is None and b.momentum is None:
        assert joined.momentum is None
    else:
        momentum = joined.momentum(k)
        before, after = momentum[:boundary], momentum[boundary:]
        assert np.all(np.isnan(before)) if a.momentum is None else np.array_equal(before, a.momentum(k[:boundary]))
        assert np.all(np.isnan(after)) if b.momentum is None else np.array_equal(after, b.momentum(k[boundary:] - boundary))


def test_warm_up_then_cosine():
    warm_up = make_schedule("linear", 1.0, 10, start_factor=0.1, total_iters=10)
    cosine = make_schedule("cosine", 1.0, 90)
    joined = join_schedules([warm_up, cosine], [10])
    assert isinstance(joined, Schedule) and joined.name == "linear+cosine"
    lr = joined(np.arange(100))
    assert lr[0] == pytest.approx(0.1) and lr[9] == pytest.approx(0.91) and lr[10] == 1.0 and lr[55] == pytest.approx(0.5)


def test_joined_one_cycle_is_only_asked_for_its_own_updates():
    one_cycle = make_schedule("one-cycle", 1.0, 20, max_lr=1.0)
    joined = join_schedules([one_cycle, make_schedule("constant", 1e-3, 50)], [20])
    lr = joined(np.arange(70))
    assert np.all(lr[20:] == 1e-3) and lr[5] == pytest.approx(1.0)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,params,message",
    [
        ("cosinus", {}, "unknown schedule 'cosinus' (known: constant, step, multistep,"),
        ("cosine", {"gamma": 0.5}, "schedule 'cosine' takes no parameter 'gamma' (it takes: t_max, eta_min)"),
        ("constant", {"gamma": 0.5}, "schedule 'constant' takes no parameter 'gamma' (it takes: no parameters)"),
        ("step", {}, "schedule 'step' needs step_size"),
        ("one-cycle", {}, "schedule 'one-cycle' needs max_lr"),
        ("step", {"step_size": 0}, "schedule 'step': step_size must be >= 1, got 0"),
        ("step", {"step_size": 2.5}, "schedule 'step': step_size must be an integer, got 2.5"),
        ("step", {"step_size": 5, "gamma": 0.0}, "schedule 'step': gamma must be > 0, got 0"),
        ("exponential", {"gamma": 1.5}, "schedule 'exponential': gamma must be <= 1, got 1.5"),
        ("multistep", {"milestones": [3, -1]}, "schedule 'multistep': milestones must be >= 0, got -1"),
        ("time-based", {"decay_rate": 1.0, "decay_steps": 0.0}, "schedule 'time-based': decay_steps must be > 0, got 0"),
        ("linear", {"start_factor": 0.0}, "schedule 'linear': start_factor must be > 0, got 0"),
        ("one-cycle", {"max_lr": 1.0, "anneal_strategy": "cosine"}, "schedule 'one-cycle': anneal_strategy must be one of cos, linear, got 'cosine'"),
        ("one-cycle", {"max_lr": 1.0, "max_momentum": 1.0}, "schedule 'one-cycle': max_momentum must be < 1, got 1"),
        ("one-cycle", {"max_lr": 1.0, "pct_start": 0.01}, "schedule 'one-cycle': pct_start 0.01 with total_steps 100 leaves a phase without updates"),
        ("one-cycle", {"max_lr": 1.0, "pct_start": 1.0}, "leaves a phase without updates"),
        ("one-cycle", {"max_lr": 1.0, "pct_start": 0.6, "three_phase": True}, "leaves a phase without updates"),
        ("cyclic", {"max_lr": 1.0, "mode": "triangle"}, "schedule 'cyclic': mode must be one of triangular, triangular2, exp_range, got 'triangle'"),
        ("cyclic", {"max_lr": 0.0}, "schedule 'cyclic': max_lr must be > 0, got 0"),
        ("reduce-on-plateau", {"factor": 1.0}, "schedule 'reduce-on-plateau': factor must be < 1, got 1"),
        ("reduce-on-plateau", {"threshold_mode": "relative"}, "threshold_mode must be one of rel, abs, got 'relative'"),
        ("reduce-on-plateau", {"patience": -1}, "schedule 'reduce-on-plateau': patience must be >= 0, got -1"),
    ],
)
def test_bad_parameters_raise_one_clear_line(name, params, message):
    with pytest.raises(DescentError) as error:
        make_schedule(name, 1.0, 100, **params)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("base_lr,steps,message", [(-0.1, 10, "lr must be > 0, got -0.1"), (math.nan, 10, "lr must be > 0, got nan"), (0.1, 0, "steps must be a positive integer, got 0")])
def test_bad_run_lr_or_length(base_lr, steps, message):
    with pytest.raises(DescentError, match=message):
        make_schedule("constant", base_lr, steps)


def test_update_indices_must_be_non_negative_integers():
    schedule = make_schedule("exponential", 1.0, 10, gamma=0.9)
    with pytest.raises(DescentError, match="update indices must be >= 0, got -1"):
        schedule(np.array([0, -1]))
    with pytest.raises(DescentError, match="update indices must be integers"):
        schedule(np.array([0.5]))
    assert schedule(np.array([2.0])) == pytest.approx(0.81)


def test_join_schedules_rejects_bad_chains():
    cosine = make_schedule("cosine", 1.0, 10)
    plateau = make_schedule("reduce-on-plateau", 1.0, 10)
    with pytest.raises(DescentError, match="reduce-on-plateau depends on the losses and cannot be chained"):
        join_schedules([cosine, plateau], [5])
    with pytest.raises(DescentError, match="2 schedules need 1 boundaries, got 2"):
        join_schedules([cosine, cosine], [5, 6])
    with pytest.raises(DescentError, match=r"boundaries must be increasing integers > 0, got \[5, 5\]"):
        join_schedules([cosine, cosine, cosine], [5, 5])
    with pytest.raises(DescentError, match="needs at least one schedule"):
        join_schedules([], [])


def test_the_table_declares_torch_defaults():
    defaults = {name: {spec.name: spec.default for spec in specs} for name, specs in SCHEDULES.items()}
    assert defaults["one-cycle"]["pct_start"] == 0.3 and defaults["one-cycle"]["div_factor"] == 25.0
    assert defaults["one-cycle"]["final_div_factor"] == 1e4 and defaults["one-cycle"]["cycle_momentum"] is True
    assert (defaults["one-cycle"]["base_momentum"], defaults["one-cycle"]["max_momentum"]) == (0.85, 0.95)
    assert (defaults["cyclic"]["base_momentum"], defaults["cyclic"]["max_momentum"]) == (0.8, 0.9)
    assert defaults["cyclic"]["step_size_up"] == 2000 and defaults["cyclic"]["mode"] == "triangular"
    assert defaults["linear"] == {"start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 5}
    assert defaults["reduce-on-plateau"] == {
        "mode": "min", "factor": 0.1, "patience": 10, "threshold": 1e-4, "threshold_mode": "rel",
        "cooldown": 0, "min_lr": 0.0, "eps": 1e-8,
    }
