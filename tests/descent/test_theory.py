"""Theory helpers against the reference's numbers and against simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.regimes import classify
from studyapp.descent.simulate import Run, simulate
from studyapp.descent.surfaces import make_surface
from studyapp.descent.theory import (
    best_fixed_lr,
    best_fixed_rate,
    fastest_lr,
    heavy_ball_limit,
    heavy_ball_optimum,
    quadratic_limits,
    stability_limit,
)


def test_reference_numbers():
    # f = x^2 has L = 2: stable below lr 1, one step at lr 0.5
    assert stability_limit(2.0) == 1.0
    assert fastest_lr(2.0) == 0.5
    # the ravine 1/2(x^2 + 25 y^2): best fixed lr 2/26 with rate 24/26
    assert best_fixed_lr(1.0, 25.0) == pytest.approx(2 / 26)
    assert best_fixed_rate(1.0, 25.0) == pytest.approx(24 / 26)
    # heavy ball: the reference's lr 1/9, momentum 4/9, rate (5-1)/(5+1)
    lr, momentum, rate = heavy_ball_optimum(1.0, 25.0)
    assert (lr, momentum, rate) == pytest.approx((1 / 9, 4 / 9, 2 / 3))
    assert heavy_ball_limit(2.0, 0.9) == pytest.approx(1.9)


def test_quadratic_limits_of_surfaces():
    ravine = quadratic_limits(make_surface("ravine"))
    assert (ravine.mu, ravine.L, ravine.kappa) == (1.0, 25.0, 25.0)
    assert ravine.stability_limit == pytest.approx(0.08)
    assert ravine.fastest_lr == pytest.approx(0.04)
    assert ravine.best_fixed_lr == pytest.approx(2 / 26)
    assert (ravine.heavy_ball_lr, ravine.heavy_ball_momentum, ravine.heavy_ball_rate) == pytest.approx((1 / 9, 4 / 9, 2 / 3))
    one_d = quadratic_limits(make_surface("quadratic", curvature=4.0))
    assert (one_d.kappa, one_d.stability_limit, one_d.best_fixed_lr, one_d.best_fixed_rate) == (1.0, 0.5, 0.25, 0.0)
    assert quadratic_limits(make_surface("regression")).stability_limit == pytest.approx(1.0)
    assert quadratic_limits(make_surface("rosenbrock")) is None


@settings(max_examples=25, deadline=None)
@given(curvature=st.floats(0.05, 50.0), kappa=st.floats(1.0, 200.0))
def test_the_stability_limit_separates_convergence_from_divergence(curvature, kappa):
    for surface in (make_surface("quadratic", curvature=curvature), make_surface("ravine", kappa=kappa)):
        limit = quadratic_limits(surface).stability_limit
        trajectory = simulate(surface, [Run(0.97 * limit), Run(1.03 * limit)], 3000)
        below, above = classify(surface, trajectory)
        assert below.kind == "converged"
        assert above.kind == "diverged"


@settings(max_examples=15, deadline=None)
@given(curvature=st.floats(0.1, 20.0), momentum=st.floats(0.0, 0.9))
def test_the_heavy_ball_limit_separates_convergence_from_divergence(curvature, momentum):
    surface = make_surface("quadratic", curvature=curvature)
    limit = heavy_ball_limit(curvature, momentum)
    runs = [Run(0.97 * limit, settings={"momentum": momentum}), Run(1.03 * limit, settings={"momentum": momentum})]
    below, above = classify(surface, simulate(surface, runs, 3000))
    assert below.kind == "converged"
    assert above.kind == "diverged"


def test_best_fixed_lr_contracts_every_axis_at_the_predicted_rate():
    surface = make_surface("ravine")
    limits = quadratic_limits(surface)
    trajectory = simulate(surface, [Run(limits.best_fixed_lr)], 40)
    ratios = np.abs(trajectory.positions[1:, 0] / trajectory.positions[:-1, 0])
    np.testing.assert_allclose(ratios, limits.best_fixed_rate, rtol=1e-9)
    # any other constant lr is slower along one of the axes
    for lr in (0.9 * limits.best_fixed_lr, 1.1 * limits.best_fixed_lr):
        worst = max(abs(1 - lr * lam) for lam in surface.curvature)
        assert worst > limits.best_fixed_rate


def test_heavy_ball_optimum_reaches_the_reference_loss_by_update_31():
    surface = make_surface("ravine")
    limits = quadratic_limits(surface)
    run = Run(limits.heavy_ball_lr, settings={"momentum": limits.heavy_ball_momentum})
    trajectory = simulate(surface, [run, Run(limits.best_fixed_lr)], 60)
    first_below = int(np.argmax(trajectory.loss[:, 0] < 1e-6))
    assert first_below == 31
    assert trajectory.loss[31, 1] > 1e-3  # the best plain GD is far behind


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: stability_limit(0.0), "L must be > 0, got 0"),
        (lambda: fastest_lr(-1.0), "L must be > 0, got -1"),
        (lambda: best_fixed_lr(5.0, 1.0), "mu must be <= L"),
        (lambda: heavy_ball_optimum(0.0, 1.0), "mu must be > 0"),
        (lambda: heavy_ball_limit(1.0, 1.0), "momentum must be in [0, 1)"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(DescentError) as error:
        call()
    assert message in str(error.value)
