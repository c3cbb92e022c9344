"""LR range test: fastai's ramp, smoothing, stop rule and suggestions, on the regression surface."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.range_test import lr_range_test
from studyapp.descent.regimes import classify
from studyapp.descent.simulate import Run, simulate
from studyapp.descent.surfaces import make_surface


@pytest.fixture(scope="module")
def linear():
    return make_surface("regression")


def test_ramp_and_bias_corrected_smoothing(linear):
    result = lr_range_test(linear)
    i = np.arange(len(result.lrs))
    np.testing.assert_allclose(result.lrs, 1e-7 * (10.0 / 1e-7) ** (i / 100), rtol=1e-12)
    average, expected = 0.0, []
    for step, loss in enumerate(result.losses, start=1):
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98**step))
    np.testing.assert_allclose(result.smoothed, expected, rtol=1e-12)
    # the first recorded loss is the mini-batch loss at the start, before any step
    assert result.losses[0] == linear.batch_value(linear.start[None, :], step=0)[0]


def test_it_stops_once_the_smoothed_loss_exceeds_four_times_the_best(linear):
    result = lr_range_test(linear)
    assert result.stopped_early and len(result.lrs) < 100
    best_before = np.minimum.accumulate(result.smoothed)
    assert result.smoothed[-1] > 4 * best_before[-1]
    assert np.all(result.smoothed[:-1] <= 4 * best_before[:-1])
    # SGD on this loss is stable below lr 1 (Hessian 2*I): the blow-up comes above it
    assert result.lrs[-1] > 1.0


def test_a_short_ramp_runs_to_the_end(linear):
    result = lr_range_test(linear, end=1e-2, num=30)
    assert not result.stopped_early and len(result.lrs) == 30
    assert result.lrs[-1] < 1e-2


@pytest.mark.parametrize("params", [{}, {"model": "logistic"}, {"seed": 1}, {"seed": 2, "noise": 1.0}])
def test_suggestions_lie_inside_the_ramp(params):
    result = lr_range_test(make_surface("regression", **params))
    for suggestion in (result.steep, result.valley, 10 * result.minimum_div_10):
        assert result.lrs[0] <= suggestion <= result.lrs[-1]
        assert np.min(np.abs(result.lrs / suggestion - 1)) < 1e-12  # one of the recorded lrs
    lowest = result.lrs[10 + int(np.argmin(result.smoothed[10:-5]))]
    assert result.minimum_div_10 == pytest.approx(lowest / 10)


@pytest.mark.parametrize("params", [{}, {"seed": 1}, {"seed": 2}, {"model": "logistic"}, {"model": "logistic", "seed": 1}])
def test_the_steep_suggestion_trains_the_regression_well(params):
    surface = make_surface("regression", **params)
    result = lr_range_test(surface)
    trajectory = simulate(surface, [Run(result.steep), Run(result.steep / 1000)], 200)
    trained, timid = classify(surface, trajectory, tol=1e-2)
    assert trained.kind == "converged"
    assert timid.kind == "slow"


def test_the_steep_lr_sits_where_the_loss_falls_fastest(linear):
    result = lr_range_test(linear)
    slopes = np.diff(result.smoothed[10:-5]) / np.diff(np.log(result.lrs[10:-5]))
    assert result.steep == result.lrs[10 + int(np.argmin(slopes))]
    assert slopes.min() < 0


def test_other_optimizers_and_starts():
    surface = make_surface("regression")
    result = lr_range_test(surface, "adam", {"betas": (0.9, 0.99)}, x0=(0.0, 0.0))
    assert result.losses[0] == surface.batch_value(np.zeros((1, 2)), step=0)[0]
    assert result.lrs[0] <= result.steep <= result.lrs[-1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": 0.0}, "start must be in (0, inf), got 0"),
        ({"start": 1.0, "end": 0.5}, "end must be in (1, inf), got 0.5"),
        ({"num": 3}, "num must be a whole number from 6 to"),
        ({"beta": 1.0}, "beta must be in [0, 1), got 1"),
        ({"diverge_factor": 0.5}, "diverge_factor must be in (1, inf)"),
        ({"optimizer": "sgdd"}, "unknown optimizer 'sgdd'"),
        ({"x0": (1.0,)}, "x0 has 1 value(s) but surface 'regression' is 2-D"),
    ],
)
def test_bad_input(linear, kwargs, message):
    with pytest.raises(DescentError) as error:
        lr_range_test(linear, **kwargs)
    assert message in str(error.value)


@settings(max_examples=15, deadline=None)
@given(start=st.floats(1e-8, 1e-3), decades=st.floats(2.0, 9.0), num=st.integers(20, 150), seed=st.integers(0, 50))
def test_any_ramp_follows_the_formula_and_suggests_lrs_on_it(start, decades, num, seed):
    surface = make_surface("regression", seed=seed, batch_size=32)
    end = start * 10**decades
    result = lr_range_test(surface, start=start, end=end, num=num)
    i = np.arange(len(result.lrs))
    np.testing.assert_allclose(result.lrs, start * (end / start) ** (i / num), rtol=1e-12)
    assert len(result.lrs) == num or result.stopped_early
    for suggestion in (result.steep, result.valley, 10 * result.minimum_div_10):
        assert result.lrs[0] <= suggestion <= result.lrs[-1]
