"""Loss surfaces: analytic value and gradient, vectorised over a batch of points.

Every function takes points of shape (..., d) (usually (B, d): one row per run) and
returns values of shape (...) or gradients of shape (..., d), so one call serves a
whole batch of runs, and a plotting grid of shape (H, W, d) works the same way.
Known minima are computed once, when the surface is made, to full float64 precision,
so that the regime classifier can measure how close a run came to each of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.params import ParamSpec, check_params

SURFACES: dict[str, tuple[ParamSpec, ...]] = {
    "quadratic": (
        ParamSpec("curvature", 2.0, "float", "second derivative L: f = L*x^2/2 (2 gives f = x^2)", minimum=1e-6, maximum=1e6),
    ),
    "ravine": (
        ParamSpec("kappa", 25.0, "float", "condition number: f = (x^2 + kappa*y^2)/2", minimum=1.0, maximum=1e6),
    ),
    "double-well": (
        ParamSpec("tilt", 0.3, "float", "f = (x^2-1)^2 + tilt*x; a nonzero tilt makes one well the global minimum", minimum=-1.5, maximum=1.5),
    ),
    "saddle": (),
    "plateau": (),
    "bumpy": (),
    "rosenbrock": (
        ParamSpec("a", 1.0, "float", "f = (a-x)^2 + b*(y-x^2)^2, minimum at (a, a^2)", minimum=-3.0, maximum=3.0),
        ParamSpec("b", 100.0, "float", "steepness of the curved valley's walls", minimum=1e-3, maximum=1e4),
    ),
    "beale": (),
    "himmelblau": (),
    "regression": (
        ParamSpec("model", "linear", "choice", "linear (mean squared error) or logistic (cross-entropy)", choices=("linear", "logistic")),
        ParamSpec("n_samples", 512, "int", "number of generated data points", minimum=4, maximum=5000),
        ParamSpec("batch_size", 128, "int", "mini-batch size used by each gradient step", minimum=1, maximum=5000),
        ParamSpec("noise", 0.5, "float", "standard deviation of the noise on targets (linear) or on the class boundary (logistic)", minimum=0.0, maximum=10.0),
        ParamSpec("seed", 0, "int", "random seed of the data and of the mini-batch order", minimum=0, maximum=2**32 - 1),
    ),
}

# The data behind `regression`: y = TRUE_WEIGHT*x + TRUE_BIAS (+ noise), with x drawn uniformly
# and standardised, so the mean squared error has Hessian exactly 2*I: the same lr thresholds
# as f = x^2 (stable below 1).
TRUE_WEIGHT = 2.0
TRUE_BIAS = 1.0
# Logistic regression on separable data has no finite minimiser; this small L2 term
# (on weight and bias) guarantees one whatever the noise.
LOGISTIC_L2 = 1e-3
# Per-sample work is done in blocks of at most this many (sample, run) pairs.
_CHUNK = 1 << 20

# Points are arrays of shape (..., d): one row per run, or a whole plotting grid.
Points = np.ndarray


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface with its known minima, default start and plotting window."""

    name: str
    params: Mapping[str, Any]
    dim: int
    minima: np.ndarray
    global_minima: np.ndarray
    curvature: tuple[float, ...] | None
    start: np.ndarray
    bounds: tuple[tuple[float, float], ...]
    stochastic: bool
    _value: Callable[[Points], np.ndarray] = field(repr=False)
    _grad: Callable[[Points, int], np.ndarray] = field(repr=False)
    _batch_value: Callable[[Points, int], np.ndarray] = field(repr=False)

    def _points(self, x: Any) -> np.ndarray:
        points = np.asarray(x, dtype=np.float64)
        if points.ndim == 0 or points.shape[-1] != self.dim:
            got = 1 if points.ndim == 0 else points.shape[-1]
            raise DescentError(f"points have {got} coordinate(s) but surface {self.name!r} is {self.dim}-D")
        return points

    def value(self, x: np.ndarray) -> np.ndarray:
        """Loss at points (..., d) -> (...); the full-data loss for `regression`."""
        return self._value(self._points(x))

    def grad(self, x: np.ndarray, step: int = 0) -> np.ndarray:
        """Gradient at points (..., d) -> (..., d); `step` picks the mini-batch of a stochastic surface."""
        return self._grad(self._points(x), int(step))

    def batch_value(self, x: np.ndarray, step: int = 0) -> np.ndarray:
        """Loss on the mini-batch used by update `step` (the same as `value` when deterministic)."""
        return self._batch_value(self._points(x), int(step))


def _deterministic(value: Callable[[Points], np.ndarray], grad: Callable[[Points], np.ndarray]):
    """(value, grad, batch_value) of a surface without mini-batches: the step is ignored."""
    return value, (lambda x, step: grad(x)), (lambda x, step: value(x))


def _polish(grad: Callable[[np.ndarray], np.ndarray], hessian: Callable[[np.ndarray], np.ndarray], point: np.ndarray) -> np.ndarray:
    """Newton's method from a close guess, to the last bit of float64."""
    point = np.array(point, dtype=np.float64)
    for _ in range(50):
        step = np.linalg.solve(hessian(point), grad(point))
        point = point - step
        if np.max(np.abs(step)) <= 1e-16 * max(1.0, float(np.max(np.abs(point)))):
            break
    return point


def _global_mask(value: Callable[[Points], np.ndarray], minima: np.ndarray) -> np.ndarray:
    levels = value(minima)
    lowest = float(np.min(levels))
    return levels <= lowest + 1e-9 * max(1.0, abs(lowest))


def _window(base: tuple[tuple[float, float], ...], points: np.ndarray, margin: float = 0.5) -> tuple[tuple[float, float], ...]:
    """Widen the base plotting window so that it shows every given point."""
    window = []
    for axis, (low, high) in enumerate(base):
        low = min(low, float(points[:, axis].min()) - margin)
        high = max(high, float(points[:, axis].max()) + margin)
        window.append((low, high))
    return tuple(window)


def _quadratic(curvature: float):
    def value(x):
        return 0.5 * curvature * x[..., 0] ** 2

    def grad(x):
        return curvature * x

    minima = np.zeros((1, 1))
    return dict(dim=1, funcs=_deterministic(value, grad), minima=minima, curvature=(curvature,), start=[1.0], bounds=((-1.5, 1.5),))


def _ravine(kappa: float):
    scale = np.array([1.0, kappa])
    def value(x):
        return 0.5 * (x[..., 0] ** 2 + kappa * x[..., 1] ** 2)

    def grad(x):
        return x * scale

    minima = np.zeros((1, 2))
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=(1.0, kappa), start=[-10.0, 1.0], bounds=((-11.0, 11.0), (-3.0, 3.0)))


def _double_well(tilt: float):
    def value(x):
        return (x[..., 0] ** 2 - 1.0) ** 2 + tilt * x[..., 0]

    def grad(x):
        return 4.0 * x * (x * x - 1.0) + tilt

    def hessian(p):
        return np.array([[12.0 * p[0] ** 2 - 4.0]])

    roots = np.roots([4.0, 0.0, -4.0, tilt])
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    minima = np.array([_polish(grad, hessian, [r]) for r in real if 12.0 * r * r - 4.0 > 0])
    return dict(dim=1, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[2.0], bounds=((-2.0, 2.5),))


def _saddle():
    def value(x):
        y = x[..., 1]
        return x[..., 0] ** 2 + 0.25 * y**4 - 0.5 * y**2

    def grad(x):
        y = x[..., 1]
        return np.stack([2.0 * x[..., 0], y**3 - y], axis=-1)

    minima = np.array([[0.0, -1.0], [0.0, 1.0]])
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[1.0, 1e-3], bounds=((-1.5, 1.5), (-1.5, 1.5)))


def _plateau():
    def value(x):
        return -np.expm1(-(x[..., 0] ** 2 + x[..., 1] ** 2))

    def grad(x):
        return 2.0 * x * np.exp(-(x[..., 0] ** 2 + x[..., 1] ** 2))[..., None]

    minima = np.zeros((1, 2))
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[3.0, 2.0], bounds=((-4.0, 4.0), (-4.0, 4.0)))


def _bumpy():
    def value(x):
        return 0.5 * x[..., 0] ** 2 + 0.5 * (1.0 - np.cos(5.0 * x[..., 0]))

    def grad(x):
        return x + 2.5 * np.sin(5.0 * x)

    def hessian(p):
        return np.array([[1.0 + 12.5 * np.cos(5.0 * p[0])]])

    # Every stationary point has |x| <= 2.5 (since |x| = 2.5*|sin 5x|): bracket them on a fine grid.
    grid = np.linspace(-2.6, 2.6, 52_001)
    slope = grid + 2.5 * np.sin(5.0 * grid)
    crossings = np.nonzero((slope[:-1] < 0) & (slope[1:] >= 0))[0]
    minima = np.array([_polish(grad, hessian, [grid[i]]) for i in crossings])
    return dict(dim=1, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[3.0], bounds=((-4.0, 4.0),))


def _rosenbrock(a: float, b: float):
    def value(x):
        u, v = x[..., 0], x[..., 1]
        return (a - u) ** 2 + b * (v - u * u) ** 2

    def grad(x):
        u, v = x[..., 0], x[..., 1]
        inner = v - u * u
        return np.stack([-2.0 * (a - u) - 4.0 * b * u * inner, 2.0 * b * inner], axis=-1)

    minima = np.array([[a, a * a]])
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[-1.5, 2.0], bounds=((-2.0, 2.0), (-1.0, 3.0)))


def _beale():
    def terms(x):
        u, v = x[..., 0], x[..., 1]
        return u, v, 1.5 - u + u * v, 2.25 - u + u * v * v, 2.625 - u + u * v**3

    def value(x):
        _, _, t1, t2, t3 = terms(x)
        return t1 * t1 + t2 * t2 + t3 * t3

    def grad(x):
        u, v, t1, t2, t3 = terms(x)
        du = 2.0 * (t1 * (v - 1.0) + t2 * (v * v - 1.0) + t3 * (v**3 - 1.0))
        dv = 2.0 * u * (t1 + 2.0 * t2 * v + 3.0 * t3 * v * v)
        return np.stack([du, dv], axis=-1)

    minima = np.array([[3.0, 0.5]])
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[1.0, 1.5], bounds=((-4.5, 4.5), (-4.5, 4.5)))


def _himmelblau():
    def value(x):
        u, v = x[..., 0], x[..., 1]
        return (u * u + v - 11.0) ** 2 + (u + v * v - 7.0) ** 2

    def grad(x):
        u, v = x[..., 0], x[..., 1]
        a, b = u * u + v - 11.0, u + v * v - 7.0
        return np.stack([4.0 * u * a + 2.0 * b, 2.0 * a + 4.0 * v * b], axis=-1)

    def hessian(p):
        u, v = p
        return np.array([[12.0 * u * u + 4.0 * v - 42.0, 4.0 * (u + v)], [4.0 * (u + v), 4.0 * u + 12.0 * v * v - 26.0]])

    guesses = ([3.0, 2.0], [-2.805, 3.131], [-3.779, -3.283], [3.584, -1.848])
    minima = np.array([_polish(grad, hessian, g) for g in guesses])
    return dict(dim=2, funcs=_deterministic(value, grad), minima=minima, curvature=None, start=[0.0, 0.0], bounds=((-5.0, 5.0), (-5.0, 5.0)))


def _chunked(per_run: Callable[[np.ndarray], np.ndarray], params: np.ndarray, samples: int, width: int) -> np.ndarray:
    """Apply `per_run` to blocks of rows of `params` (M, 2), so that samples x rows stays bounded."""
    rows = max(1, _CHUNK // max(1, samples))
    if params.shape[0] <= rows:
        return per_run(params)
    out = np.empty((params.shape[0], width) if width else (params.shape[0],))
    for begin in range(0, params.shape[0], rows):
        out[begin : begin + rows] = per_run(params[begin : begin + rows])
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _regression(model: str, n_samples: int, batch_size: int, noise: float, seed: int):
    if batch_size > n_samples:
        raise DescentError(f"surface 'regression': batch_size ({batch_size}) must not exceed n_samples ({n_samples})")
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1.0, 1.0, n_samples)
    inputs = (inputs - inputs.mean()) / inputs.std()
    clean = TRUE_WEIGHT * inputs + TRUE_BIAS + noise * rng.standard_normal(n_samples)
    targets = clean if model == "linear" else (clean > 0).astype(np.float64)
    batches_per_epoch = -(-n_samples // batch_size)

    @functools.lru_cache(maxsize=4)
    def epoch_order(epoch: int) -> np.ndarray:
        return np.random.default_rng([seed, 1, epoch]).permutation(n_samples)

    def batch(step: int) -> np.ndarray:
        epoch, position = divmod(step, batches_per_epoch)
        return epoch_order(epoch)[position * batch_size : (position + 1) * batch_size]

    def flat(x: np.ndarray, per_run: Callable[[np.ndarray], np.ndarray], samples: int, width: int) -> np.ndarray:
        rows = x.reshape(-1, 2)
        out = _chunked(per_run, rows, samples, width)
        return out.reshape(x.shape if width else x.shape[:-1])

    def sample_losses(params: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        z = xs[:, None] * params[:, 0] + params[:, 1]
        if model == "linear":
            return (z - ys[:, None]) ** 2
        return np.logaddexp(0.0, z) - ys[:, None] * z

    def sample_residuals(params: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        z = xs[:, None] * params[:, 0] + params[:, 1]
        if model == "linear":
            return 2.0 * (z - ys[:, None])
        return _sigmoid(z) - ys[:, None]

    def penalty(params: np.ndarray) -> np.ndarray:
        return 0.0 if model == "linear" else 0.5 * LOGISTIC_L2 * np.sum(params * params, axis=-1)

    def loss_on(xs: np.ndarray, ys: np.ndarray, x: np.ndarray) -> np.ndarray:
        return flat(x, lambda p: sample_losses(p, xs, ys).mean(axis=0) + penalty(p), len(xs), 0)

    def grad_on(xs: np.ndarray, ys: np.ndarray, x: np.ndarray) -> np.ndarray:
        def per_run(p):
            residual = sample_residuals(p, xs, ys)
            g = np.stack([(residual * xs[:, None]).mean(axis=0), residual.mean(axis=0)], axis=-1)
            return g if model == "linear" else g + LOGISTIC_L2 * p

        return flat(x, per_run, len(xs), 2)

    design = np.stack([inputs, np.ones(n_samples)], axis=1)
    moments = design.T @ design / n_samples
    if model == "linear":
        best = np.linalg.solve(moments, design.T @ targets / n_samples)
        best_loss = float(np.mean((design @ best - targets) ** 2))
        curvature = tuple(float(v) for v in np.linalg.eigvalsh(2.0 * moments))

        def value(x):
            # The exact quadratic around the minimiser: no cancellation near the minimum.
            offset = x - best
            return best_loss + np.einsum("...i,ij,...j->...", offset, moments, offset)
    else:
        def full_grad(p):
            return grad_on(inputs, targets, p[None, :])[0]

        def full_hessian(p):
            prob = _sigmoid(design @ p)
            return (design * (prob * (1 - prob))[:, None]).T @ design / n_samples + LOGISTIC_L2 * np.eye(2)

        best = _polish(full_grad, full_hessian, np.zeros(2))
        curvature = None

        def value(x):
            return loss_on(inputs, targets, x)

    def grad(x, step):
        rows = batch(step)
        return grad_on(inputs[rows], targets[rows], x)

    def batch_value(x, step):
        rows = batch(step)
        return loss_on(inputs[rows], targets[rows], x)

    minima = best[None, :]
    start = np.array([-1.0, -1.0])
    bounds = _window(((-1.5, 3.0), (-1.5, 2.5)), np.vstack([minima, start[None, :]]))
    return dict(dim=2, funcs=(value, grad, batch_value), minima=minima, curvature=curvature, start=start, bounds=bounds, stochastic=True)


_BUILDERS: dict[str, Callable[..., dict]] = {
    "quadratic": _quadratic,
    "ravine": _ravine,
    "double-well": _double_well,
    "saddle": _saddle,
    "plateau": _plateau,
    "bumpy": _bumpy,
    "rosenbrock": _rosenbrock,
    "beale": _beale,
    "himmelblau": _himmelblau,
    "regression": _regression,
}


@functools.lru_cache(maxsize=64)
def _build(name: str, frozen_params: tuple[tuple[str, Any], ...]) -> Surface:
    params = MappingProxyType(dict(frozen_params))
    parts = _BUILDERS[name](**params)
    value, grad, batch_value = parts["funcs"]
    minima = np.asarray(parts["minima"], dtype=np.float64).reshape(-1, parts["dim"])
    start = np.asarray(parts["start"], dtype=np.float64)
    bounds = parts["bounds"] if name == "regression" else _window(parts["bounds"], np.vstack([minima, start[None, :]]))
    for array in (minima, start):
        array.setflags(write=False)
    mask = _global_mask(value, minima)
    mask.setflags(write=False)
    return Surface(
        name=name,
        params=params,
        dim=parts["dim"],
        minima=minima,
        global_minima=mask,
        curvature=parts["curvature"],
        start=start,
        bounds=bounds,
        stochastic=parts.get("stochastic", False),
        _value=value,
        _grad=grad,
        _batch_value=batch_value,
    )


def make_surface(name: str, **params: Any) -> Surface:
    """Make a surface by name, checking its parameters (raises DescentError)."""
    checked = check_params("surface", SURFACES, name, params)
    return _build(name, tuple(sorted(checked.items())))
