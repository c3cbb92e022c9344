"""Optimizers against torch's own updates, batching, clipping and bad input.

The torch values live in data/torch_optimizers.json (written by make_torch_reference.py),
so these tests run without torch.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.optimizers import OPTIMIZERS, apply_updates, clip_by_norm, make_optimizer

CASES = json.loads((Path(__file__).parent / "data" / "torch_optimizers.json").read_text())["cases"]
FLAGS = {name: tuple(spec.name for spec in specs if spec.kind == "bool") for name, specs in OPTIMIZERS.items()}


def _settings(case: dict) -> dict:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in case["settings"].items()}


def _run(optimizer, params0, grads, lrs, momenta=None, max_norm=None):
    """Apply a sequence of (B, d) gradients; return the (updates, B, d) positions."""
    params = np.array(params0, dtype=float)
    state = optimizer.init(params)
    positions = []
    for k in range(len(grads)):
        g = np.asarray(grads[k], dtype=float)
        if max_norm is not None:
            g = clip_by_norm(g, max_norm)
        momentum = None if momenta is None else np.asarray(momenta[k], dtype=float)
        updates, state = optimizer.update(g, state, params, np.asarray(lrs[k], dtype=float), momentum)
        params = apply_updates(params, updates)
        positions.append(params)
    return np.array(positions)


@pytest.mark.parametrize("case", CASES, ids=[case["label"] for case in CASES])
def test_matches_torch_update_by_update(case):
    optimizer = make_optimizer(case["optimizer"], **_settings(case))
    momenta = None if case["momenta"] is None else [[m] for m in case["momenta"]]
    positions = _run(
        optimizer,
        [case["params0"]],
        [[g] for g in case["grads"]],
        [[lr] for lr in case["lrs"]],
        momenta,
        case["max_norm"],
    )
    np.testing.assert_allclose(positions[:, 0, :], case["expected"], rtol=1e-9, atol=1e-15)


def _groups():
    """Torch cases that can share one batch: same optimizer and same flags."""
    groups = defaultdict(list)
    for case in CASES:
        settings_ = _settings(case)
        flags = tuple(settings_.get(flag, False) for flag in FLAGS[case["optimizer"]])
        groups[(case["optimizer"], flags)].append(case)
    return [(key, cases) for key, cases in groups.items() if len(cases) > 1]


@pytest.mark.parametrize("key,cases", _groups(), ids=[f"{name}{dict(zip(FLAGS[name], flags))}" for (name, flags), _ in _groups()])
def test_torch_cases_run_as_one_batch_with_per_run_settings(key, cases):
    """Different settings, momentum overrides (NaN = none) and max_norm (NaN = none) per run."""
    name, flags = key
    specs = {spec.name: spec for spec in OPTIMIZERS[name]}
    settings_ = dict(zip(FLAGS[name], flags))
    for spec in specs.values():
        if spec.kind in ("float", "floats"):
            settings_[spec.name] = np.array([_settings(case).get(spec.name, spec.default) for case in cases], dtype=float)
    optimizer = make_optimizer(name, **settings_)
    grads = np.array([case["grads"] for case in cases]).transpose(1, 0, 2)
    lrs = np.array([case["lrs"] for case in cases]).T
    momenta = np.array([case["momenta"] or [np.nan] * len(case["lrs"]) for case in cases]).T
    max_norm = np.array([case["max_norm"] or np.nan for case in cases])
    positions = _run(optimizer, [case["params0"] for case in cases], grads, lrs, momenta, max_norm)
    for index, case in enumerate(cases):
        np.testing.assert_allclose(positions[:, index, :], case["expected"], rtol=1e-9, atol=1e-15)


def test_sgd_without_momentum_is_plain_gradient_descent():
    optimizer = make_optimizer("sgd")
    params = np.array([[1.0, -2.0], [3.0, 0.5]])
    grads = np.array([[0.5, 0.25], [-1.0, 2.0]])
    updates, _ = optimizer.update(grads, optimizer.init(params), params, np.array([0.1, 0.2]))
    np.testing.assert_array_equal(updates, [[-0.05, -0.025], [0.2, -0.4]])


def test_first_sgd_momentum_step_uses_the_undampened_gradient():
    """torch starts the buffer at g (no (1 - dampening) factor) and dampens only later."""
    optimizer = make_optimizer("sgd", momentum=0.9, dampening=0.5)
    params = np.zeros((1, 1))
    state = optimizer.init(params)
    first, state = optimizer.update(np.array([[1.0]]), state, params, np.array([1.0]))
    second, _ = optimizer.update(np.array([[1.0]]), state, params, np.array([1.0]))
    assert first[0, 0] == -1.0
    assert second[0, 0] == pytest.approx(-(0.9 * 1.0 + 0.5 * 1.0))


def test_first_adam_step_has_size_lr_in_every_coordinate():
    """Bias correction makes the first step lr·g/(|g| + eps): about lr whatever the gradient's scale."""
    optimizer = make_optimizer("adam")
    params = np.zeros((1, 3))
    grads = np.array([[1e-3, -5.0, 200.0]])
    updates, _ = optimizer.update(grads, optimizer.init(params), params, np.array([0.01]))
    np.testing.assert_allclose(updates, -0.01 * np.sign(grads), rtol=1e-5)


def test_adamw_decays_the_weights_even_with_zero_gradient():
    optimizer = make_optimizer("adamw", weight_decay=0.1)
    params = np.array([[2.0]])
    updates, _ = optimizer.update(np.zeros((1, 1)), optimizer.init(params), params, np.array([0.5]))
    assert apply_updates(params, updates)[0, 0] == pytest.approx(2.0 * (1 - 0.5 * 0.1))


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adamw", "nadam"])
def test_nan_momentum_override_keeps_the_configured_value(name):
    settings_ = {"momentum": 0.7} if name in ("sgd", "rmsprop") else {"betas": (0.7, 0.99)}
    optimizer = make_optimizer(name, **settings_)
    rng = np.random.default_rng(5)
    grads = rng.normal(size=(6, 2, 3))
    lrs = np.full((6, 2), 0.05)
    start = rng.normal(size=(2, 3))
    plain = _run(optimizer, start, grads, lrs)
    np.testing.assert_array_equal(_run(optimizer, start, grads, lrs, momenta=np.full((6, 2), np.nan)), plain)
    np.testing.assert_allclose(_run(optimizer, start, grads, lrs, momenta=np.full((6, 2), 0.7)), plain, rtol=1e-14)
    different = _run(optimizer, start, grads, lrs, momenta=np.full((6, 2), 0.3))
    assert not np.allclose(different, plain)


def test_update_is_pure():
    optimizer = make_optimizer("adam", amsgrad=True)
    params = np.array([[1.0, 2.0]])
    state = optimizer.init(params)
    snapshot = [np.copy(field) for field in state]
    optimizer.update(np.array([[0.3, -0.1]]), state, params, np.array([0.1]))
    for before, after in zip(snapshot, state):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(params, [[1.0, 2.0]])


# --- batching ---------------------------------------------------------------------------

_RANGES = {
    "momentum": (0.0, 0.99),
    "dampening": (0.0, 0.9),
    "weight_decay": (0.0, 0.2),
    "lr_decay": (0.0, 0.5),
    "initial_accumulator_value": (0.0, 1.0),
    "eps": (1e-10, 1e-3),
    "alpha": (0.5, 0.999),
    "momentum_decay": (0.0, 0.05),
}


@st.composite
def batches(draw):
    """An optimizer, its flags, 1-4 runs each with its own settings, and a gradient sequence."""
    name = draw(st.sampled_from(sorted(OPTIMIZERS)))
    runs = draw(st.integers(1, 4))
    dim = draw(st.integers(1, 3))
    flags = {flag: draw(st.booleans()) for flag in FLAGS[name]}
    per_run = []
    for _ in range(runs):
        run = {}
        for spec in OPTIMIZERS[name]:
            if spec.name in _RANGES:
                low, high = _RANGES[spec.name]
                run[spec.name] = draw(st.floats(low, high))
            elif spec.name == "betas":
                run["betas"] = (draw(st.floats(0.0, 0.95)), draw(st.floats(0.5, 0.9999)))
        if flags.get("nesterov"):
            run["momentum"] = max(run["momentum"], 0.1)
            run["dampening"] = 0.0
        per_run.append(run)
    floats = st.floats(-5, 5, allow_nan=False)
    updates = draw(st.integers(1, 5))
    params = np.array(draw(st.lists(st.lists(floats, min_size=dim, max_size=dim), min_size=runs, max_size=runs)))
    grads = np.array(draw(st.lists(st.lists(st.lists(floats, min_size=dim, max_size=dim), min_size=runs, max_size=runs), min_size=updates, max_size=updates)))
    lrs = np.array(draw(st.lists(st.lists(st.floats(1e-4, 1.0), min_size=runs, max_size=runs), min_size=updates, max_size=updates)))
    cycles = draw(st.booleans()) and name != "adagrad"
    momenta = np.array(draw(st.lists(st.lists(st.one_of(st.just(np.nan), st.floats(0.1, 0.95)), min_size=runs, max_size=runs), min_size=updates, max_size=updates))) if cycles else None
    max_norm = np.array(draw(st.lists(st.one_of(st.just(np.inf), st.floats(0.1, 10.0)), min_size=runs, max_size=runs)))
    return name, flags, per_run, params, grads, lrs, momenta, max_norm


@settings(max_examples=60, deadline=None)
@given(batches())
def test_a_batch_equals_the_same_runs_one_by_one(batch):
    name, flags, per_run, params, grads, lrs, momenta, max_norm = batch
    batched_settings = dict(flags)
    for key in per_run[0]:
        batched_settings[key] = np.array([run[key] for run in per_run], dtype=float)
    together = _run(make_optimizer(name, **batched_settings), params, grads, lrs, momenta, max_norm)
    for index, run in enumerate(per_run):
        alone = _run(
            make_optimizer(name, **flags, **run),
            params[index : index + 1],
            grads[:, index : index + 1],
            lrs[:, index : index + 1],
            None if momenta is None else momenta[:, index : index + 1],
            max_norm[index : index + 1],
        )
        np.testing.assert_allclose(together[:, index], alone[:, 0], rtol=1e-13, atol=1e-300)


# --- clipping ---------------------------------------------------------------------------


def test_clip_by_norm_follows_clip_grad_norm():
    grads = np.array([[3.0, 4.0], [0.3, 0.4], [3.0, 4.0], [3.0, 4.0]])
    clipped = clip_by_norm(grads, np.array([1.0, 1.0, np.nan, np.inf]))
    np.testing.assert_allclose(clipped[0], grads[0] * 1.0 / (5.0 + 1e-6), rtol=1e-15)
    np.testing.assert_array_equal(clipped[1:], grads[1:])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=1, max_size=5),
    st.floats(1e-3, 1e3),
)
def test_clipped_gradients_keep_their_direction_and_respect_the_norm(rows, max_norm):
    grads = np.array(rows)
    clipped = clip_by_norm(grads, max_norm)
    norms = np.linalg.norm(clipped, axis=1)
    assert np.all(norms <= max_norm * (1 + 1e-12))
    original = np.linalg.norm(grads, axis=1)
    small = original + 1e-6 <= max_norm  # torch's 1e-6 makes a norm of exactly max_norm shrink a little
    np.testing.assert_array_equal(clipped[small], grads[small])
    scale = np.where(original > 0, norms / np.where(original > 0, original, 1), 1)
    np.testing.assert_allclose(clipped, grads * scale[:, None], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, np.array([1.0, -2.0])])
def test_clip_by_norm_rejects_non_positive_limits(max_norm):
    with pytest.raises(DescentError, match="max_norm must be > 0"):
        clip_by_norm(np.ones((2, 2)), max_norm)


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,settings_,message",
    [
        ("sgdd", {}, "unknown optimizer 'sgdd' (known: sgd, adagrad, rmsprop, adam, adamw, nadam)"),
        ("sgd", {"lr": 0.1}, "optimizer 'sgd' takes no parameter 'lr' (it takes: momentum, dampening, weight_decay, nesterov)"),
        ("adam", {"maximize": True}, "optimizer 'adam' takes no parameter 'maximize'"),
        ("sgd", {"momentum": -0.5}, "optimizer 'sgd': momentum must be >= 0, got -0.5"),
        ("sgd", {"momentum": "high"}, "optimizer 'sgd': momentum must be a number, got 'high'"),
        ("sgd", {"nesterov": True}, "optimizer 'sgd': nesterov needs momentum > 0 and dampening 0"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "nesterov needs momentum > 0 and dampening 0"),
        ("sgd", {"nesterov": True, "momentum": np.array([0.9, 0.0])}, "nesterov needs momentum > 0"),
        ("adam", {"betas": (0.9, 1.0)}, "optimizer 'adam': betas[1] must be < 1, got 1"),
        ("adam", {"betas": (0.9,)}, "optimizer 'adam': betas must have 2 values, got 1"),
        ("adamw", {"eps": -1e-8}, "optimizer 'adamw': eps must be >= 0"),
        ("rmsprop", {"centered": "yes"}, "optimizer 'rmsprop': centered must be true or false, got 'yes'"),
        ("rmsprop", {"alpha": 1.5}, "optimizer 'rmsprop': alpha must be <= 1, got 1.5"),
        ("adam", {"amsgrad": np.array([True, False])}, "optimizer 'adam': amsgrad is a flag and takes one value for the whole batch"),
        ("sgd", {"momentum": np.array([0.5, 1.5])}, "optimizer 'sgd': momentum must be <= 1, got 1.5"),
        ("sgd", {"momentum": np.array([0.5, np.nan])}, "optimizer 'sgd': momentum must be a finite number, got nan"),
        ("sgd", {"momentum": np.ones((2, 2))}, "optimizer 'sgd': momentum per run must have shape (runs,), got (2, 2)"),
        ("nadam", {"betas": np.array([0.9, 0.99])}, "optimizer 'nadam': betas per run must have shape (runs, 2), got (2,)"),
        ("nadam", {"betas": np.array([[0.9, 0.99], [1.0, 0.9]])}, "optimizer 'nadam': betas[0] must be < 1, got 1"),
    ],
)
def test_bad_settings_raise_one_clear_line(name, settings_, message):
    with pytest.raises(DescentError) as error:
        make_optimizer(name, **settings_)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_per_run_settings_must_match_the_number_of_runs():
    optimizer = make_optimizer("sgd", momentum=np.array([0.1, 0.2, 0.3]))
    with pytest.raises(DescentError, match=r"optimizer 'sgd': momentum has 3 values but there are 2 runs"):
        optimizer.init(np.zeros((2, 1)))


def test_params_must_be_a_batch():
    with pytest.raises(DescentError, match=r"params must have shape \(runs, dim\), got \(3,\)"):
        make_optimizer("adam").init(np.zeros(3))


def test_adagrad_refuses_momentum_cycling_like_torch():
    optimizer = make_optimizer("adagrad")
    params = np.zeros((2, 1))
    state = optimizer.init(params)
    with pytest.raises(DescentError, match="optimizer 'adagrad' has no momentum to cycle"):
        optimizer.update(np.ones((2, 1)), state, params, np.ones(2), np.array([0.9, np.nan]))
    updates, _ = optimizer.update(np.ones((2, 1)), state, params, np.ones(2), np.array([np.nan, np.nan]))
    assert np.all(np.isfinite(updates))


def test_the_table_declares_torch_defaults():
    defaults = {name: {spec.name: spec.default for spec in specs} for name, specs in OPTIMIZERS.items()}
    assert defaults["sgd"] == {"momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    assert defaults["adagrad"] == {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}
    assert defaults["rmsprop"] == {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False}
    assert defaults["adam"] == {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}
    assert defaults["adamw"]["weight_decay"] == 1e-2
    assert defaults["nadam"] == {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "momentum_decay": 4e-3}
