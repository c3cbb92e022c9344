"""Surfaces: gradients against finite differences, known minima, curvature, regression data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.descent.errors import DescentError
from studyapp.descent.surfaces import SURFACES, make_surface

SURFACE_SETTINGS = [
    ("quadratic", {}),
    ("quadratic", {"curvature": 7.5}),
    ("ravine", {}),
    ("ravine", {"kappa": 100.0}),
    ("double-well", {}),
    ("double-well", {"tilt": -0.8}),
    ("saddle", {}),
    ("plateau", {}),
    ("bumpy", {}),
    ("rosenbrock", {}),
    ("rosenbrock", {"a": -0.5, "b": 10.0}),
    ("beale", {}),
    ("himmelblau", {}),
    ("regression", {}),
    ("regression", {"model": "logistic", "batch_size": 16, "noise": 1.0, "seed": 3}),
]


def _central_differences(function, point: np.ndarray) -> np.ndarray:
    grad = np.empty_like(point)
    for axis in range(point.size):
        h = 1e-6 * max(1.0, abs(point[axis]))
        up, down = point.copy(), point.copy()
        up[axis] += h
        down[axis] -= h
        grad[axis] = (function(up[None, :])[0] - function(down[None, :])[0]) / (2 * h)
    return grad


@st.composite
def surface_points(draw):
    name, params = draw(st.sampled_from(SURFACE_SETTINGS))
    surface = make_surface(name, **params)
    point = np.array([draw(st.floats(low, high)) for low, high in surface.bounds])
    step = draw(st.integers(0, 40))
    return surface, point, step


@settings(max_examples=150, deadline=None)
@given(surface_points())
def test_gradient_matches_central_differences(case):
    surface, point, step = case
    analytic = surface.grad(point[None, :], step=step)[0]
    numeric = _central_differences(lambda x: surface.batch_value(x, step=step), point)
    scale = max(1.0, float(np.max(np.abs(analytic))), abs(float(surface.batch_value(point[None, :], step=step)[0])))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6 * scale)


@settings(max_examples=40, deadline=None)
@given(surface_points(), st.integers(1, 6))
def test_value_and_grad_are_vectorised_over_runs_and_grids(case, runs):
    surface, point, step = case
    rng = np.random.default_rng(runs)
    low = np.array([b[0] for b in surface.bounds])
    high = np.array([b[1] for b in surface.bounds])
    batch = np.vstack([point, low + (high - low) * rng.random((runs, surface.dim))])
    values, grads = surface.value(batch), surface.grad(batch, step=step)
    assert values.shape == (runs + 1,) and grads.shape == (runs + 1, surface.dim)
    for row in range(runs + 1):
        assert values[row] == pytest.approx(surface.value(batch[row : row + 1])[0], rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grads[row], surface.grad(batch[row : row + 1], step=step)[0], rtol=1e-12, atol=1e-12)
    grid = batch.reshape(1, runs + 1, surface.dim)
    np.testing.assert_allclose(surface.value(grid)[0], values, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, params", SURFACE_SETTINGS)
def test_minima_are_stationary_local_minima_and_the_mask_marks_the_lowest(name, params):
    surface = make_surface(name, **params)
    assert surface.minima.shape[1] == surface.dim and surface.global_minima.shape == (len(surface.minima),)
    levels = surface.value(surface.minima)
    for minimum, level in zip(surface.minima, levels):
        # full-data gradient (for regression too) vanishes at the minimum
        assert np.max(np.abs(_central_differences(surface.value, minimum))) < 1e-6
        rng = np.random.default_rng(0)
        around = minimum + 1e-3 * rng.standard_normal((64, surface.dim))
        assert np.all(surface.value(around) >= level - 1e-12)
    assert surface.global_minima.any()
    assert np.all(levels[surface.global_minima] <= levels.min() + 1e-9)
    assert np.all(levels[~surface.global_minima] > levels.min() + 1e-6)


def test_minima_match_the_reference_numbers():
    well = make_surface("double-well")
    np.testing.assert_allclose(well.minima[:, 0], [-1.036, 0.960], atol=5e-4)
    np.testing.assert_allclose(well.value(well.minima), [-0.305, 0.294], atol=5e-4)
    assert well.global_minima.tolist() == [True, False]

    bumpy = make_surface("bumpy")
    np.testing.assert_allclose(bumpy.minima[:, 0], [-2.28, -1.16, 0.0, 1.16, 2.28], atol=5e-3)
    assert bumpy.global_minima.tolist() == [False, False, True, False, False]

    himmelblau = make_surface("himmelblau")
    np.testing.assert_allclose(himmelblau.minima, [[3, 2], [-2.81, 3.13], [-3.78, -3.28], [3.58, -1.85]], atol=6e-3)
    assert himmelblau.global_minima.all()
    assert np.all(himmelblau.value(himmelblau.minima) < 1e-25)

    np.testing.assert_array_equal(make_surface("saddle").minima, [[0, -1], [0, 1]])
    np.testing.assert_array_equal(make_surface("rosenbrock", a=-0.5).minima, [[-0.5, 0.25]])
    np.testing.assert_array_equal(make_surface("beale").minima, [[3, 0.5]])


def _hessian_of_value(surface, point: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Second differences of the (full-data) loss: exact up to rounding on a quadratic."""
    d = surface.dim
    hessian = np.empty((d, d))
    for i in range(d):
        for j in range(d):
            ei, ej = np.eye(d)[i] * h, np.eye(d)[j] * h
            corners = np.array([point + ei + ej, point + ei - ej, point - ei + ej, point - ei - ej])
            f = surface.value(corners)
            hessian[i, j] = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h)
    return hessian


@pytest.mark.parametrize("name, params", [("quadratic", {}), ("quadratic", {"curvature": 0.3}), ("ravine", {}), ("ravine", {"kappa": 4.0}), ("regression", {}), ("regression", {"seed": 4, "noise": 2.0})])
def test_curvature_is_the_hessian_spectrum(name, params):
    surface = make_surface(name, **params)
    hessian = _hessian_of_value(surface, surface.start)
    np.testing.assert_allclose(sorted(surface.curvature), np.linalg.eigvalsh((hessian + hessian.T) / 2), rtol=1e-6)


def test_curvature_is_none_where_the_surface_is_not_a_quadratic():
    for name in ("double-well", "saddle", "plateau", "bumpy", "rosenbrock", "beale", "himmelblau"):
        assert make_surface(name).curvature is None
    assert make_surface("regression", model="logistic").curvature is None


def test_defaults_match_the_reference_scenarios():
    assert make_surface("quadratic").value(np.array([[3.0]]))[0] == 9.0  # f = x^2
    assert make_surface("ravine").curvature == (1.0, 25.0)
    assert make_surface("ravine").start.tolist() == [-10.0, 1.0]
    assert make_surface("plateau").start.tolist() == [3.0, 2.0]
    assert make_surface("saddle").start.tolist() == [1.0, 1e-3]
    assert make_surface("double-well").start.tolist() == [2.0]
    plateau = make_surface("plateau")
    assert np.linalg.norm(plateau.grad(plateau.start[None, :])) == pytest.approx(1.6e-5, rel=0.05)


@pytest.mark.parametrize("name", list(SURFACES))
def test_start_and_minima_lie_in_the_plotting_window(name):
    surface = make_surface(name)
    assert len(surface.bounds) == surface.dim and surface.start.shape == (surface.dim,)
    for axis, (low, high) in enumerate(surface.bounds):
        assert low < high
        assert low <= surface.start[axis] <= high
        assert np.all((low <= surface.minima[:, axis]) & (surface.minima[:, axis] <= high))
    assert surface.stochastic == (name == "regression")


def test_linear_regression_minimum_is_the_least_squares_solution():
    surface = make_surface("regression", noise=0.8, seed=5)
    assert surface.curvature == pytest.approx((2.0, 2.0))  # standardised inputs: same thresholds as x^2
    level = surface.value(surface.minima)[0]
    rng = np.random.default_rng(1)
    assert np.all(surface.value(surface.minima + 0.05 * rng.standard_normal((50, 2))) > level)
    np.testing.assert_allclose(surface.minima[0], [2.0, 1.0], atol=0.2)  # the generating line


def test_logistic_regression_has_a_finite_minimiser_even_on_separable_data():
    surface = make_surface("regression", model="logistic", noise=0.0)
    assert np.all(np.isfinite(surface.minima)) and np.max(np.abs(surface.minima)) < 1e3
    assert np.max(np.abs(_central_differences(surface.value, surface.minima[0]))) < 1e-6


def test_regression_batches_partition_each_epoch_and_reshuffle_between_epochs():
    surface = make_surface("regression", n_samples=64, batch_size=16, seed=2)
    point = np.array([[0.3, -0.7]])
    epoch = [surface.batch_value(point, step=k)[0] for k in range(4)]
    # four equal batches of one epoch average to the full-data loss
    assert np.mean(epoch) == pytest.approx(surface.value(point)[0], rel=1e-12)
    next_epoch = [surface.batch_value(point, step=k)[0] for k in range(4, 8)]
    assert np.mean(next_epoch) == pytest.approx(surface.value(point)[0], rel=1e-12)
    assert epoch != next_epoch
    # every run sees the same batch at a given update
    points = np.array([[0.3, -0.7], [1.0, 2.0], [0.3, -0.7]])
    grads = surface.grad(points, step=5)
    np.testing.assert_array_equal(grads[0], grads[2])


def test_regression_is_reproducible_by_seed():
    point = np.array([[0.1, 0.2]])
    one, same, other = (make_surface("regression", seed=s, n_samples=100, batch_size=10) for s in (7, 7, 8))
    assert one.batch_value(point, step=13)[0] == same.batch_value(point, step=13)[0]
    assert one.value(point)[0] != other.value(point)[0]
    np.testing.assert_array_equal(one.minima, same.minima)


def test_deterministic_surfaces_ignore_the_step():
    surface = make_surface("rosenbrock")
    point = np.array([[0.4, -0.2]])
    np.testing.assert_array_equal(surface.grad(point, step=0), surface.grad(point, step=99))
    np.testing.assert_array_equal(surface.batch_value(point, step=3), surface.value(point))


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("ravin", {}, "unknown surface 'ravin' (known: quadratic, ravine,"),
        ("ravine", {"gamma": 1.0}, "surface 'ravine' takes no parameter 'gamma' (it takes: kappa)"),
        ("ravine", {"kappa": 0.5}, "kappa must be >= 1"),
        ("quadratic", {"curvature": -2.0}, "curvature must be >="),
        ("regression", {"model": "tree"}, "model must be one of linear, logistic"),
        ("regression", {"n_samples": 10, "batch_size": 20}, "batch_size (20) must not exceed n_samples (10)"),
        ("saddle", {"tilt": 1.0}, "surface 'saddle' takes no parameter 'tilt' (it takes: no parameters)"),
    ],
)
def test_bad_surface_input_names_the_problem(name, params, message):
    with pytest.raises(DescentError) as error:
        make_surface(name, **params)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_points_of_the_wrong_dimension_are_refused():
    with pytest.raises(DescentError, match="points have 1 coordinate\\(s\\) but surface 'ravine' is 2-D"):
        make_surface("ravine").value(np.zeros((3, 1)))


def test_an_integer_too_large_for_a_float_is_a_clear_error():
    with pytest.raises(DescentError, match="curvature must be a finite number"):
        make_surface("quadratic", curvature=10**400)
