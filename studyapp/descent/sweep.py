"""The stability map: hundreds to thousands of constant learning rates (or lr × momentum pairs)
run in one batched simulation, each named by its regime, beside the theory's limits.

On a quadratic the map can be checked against closed-form limits: 1/L (one step to the
minimum), 2/(μ+L) (the best fixed lr), 2/L (the edge of stability) and, with heavy-ball
momentum m, (2+2m)/L. These are marked only where the theory describes the runs: plain
SGD (heavy ball, no Nesterov, dampening or weight decay, no clipping) on a surface with
known curvature.

Each run is named by `regimes.classify`, the same verdicts as everywhere else in the app;
the results are kept as arrays, so a sweep reshapes into an lr × momentum map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.regimes import REGIMES, Regime, classify
from studyapp.descent.simulate import MAX_RUNS, Run, Trajectory, simulate
from studyapp.descent.surfaces import Surface
from studyapp.descent.theory import QuadraticLimits, heavy_ball_limit, quadratic_limits

DEFAULT_SWEEP_STEPS = 100
#: Fewest points worth calling a sweep.
MIN_POINTS = 2

DIVERGED = REGIMES.index("diverged")
#: Marks "none" in a RegimeTable's update and minimum indices.
NOT_REACHED = -1

# Which setting is "the momentum" of an lr × momentum map (Adam's counterpart is beta1).
_MOMENTUM_SETTING = {"sgd": "momentum", "rmsprop": "momentum", "adam": "betas", "adamw": "betas", "nadam": "betas"}


@dataclass(frozen=True)
class RegimeTable:
    """Regimes of a batch of runs as arrays: `kinds` holds indices into REGIMES; -1 marks "none"."""

    kinds: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray
    minimum: np.ndarray
    final_loss: np.ndarray


def regime_table(regimes: Sequence[Regime]) -> RegimeTable:
    """`regimes.classify`'s verdicts as arrays, so a sweep can be reshaped into a map."""

    def index_or_missing(values: Sequence[int | None]) -> np.ndarray:
        return np.array([NOT_REACHED if value is None else value for value in values], dtype=np.int64)

    return RegimeTable(
        kinds=np.array([REGIMES.index(regime.kind) for regime in regimes], dtype=np.int64),
        converged_at=index_or_missing([regime.converged_at for regime in regimes]),
        diverged_at=index_or_missing([regime.diverged_at for regime in regimes]),
        minimum=index_or_missing([regime.minimum for regime in regimes]),
        final_loss=np.array([regime.final_loss for regime in regimes], dtype=np.float64),
    )


@dataclass(frozen=True)
class Mark:
    """A theoretical learning rate drawn on the map: `key` names it, `label` is its formula."""

    key: str
    label: str
    lr: float


@dataclass(frozen=True)
class Band:
    """A stretch of neighbouring swept learning rates that share one regime."""

    kind: str
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class StabilityMap:
    """Final loss and regime per swept point.

    An lr sweep has arrays of shape (N,) over `lrs`; an lr × momentum map has shape (M, N):
    one row per value of `momenta`. `limits` is set only where the theory describes the
    runs (see the module docstring); `momentum` is the momentum of an lr sweep's runs.
    `start_loss` is the loss at the start point, `min_loss` the lowest known minimum's.
    """

    lrs: np.ndarray
    momenta: np.ndarray | None
    steps: int
    table: RegimeTable
    limits: QuadraticLimits | None
    momentum: float = 0.0
    optimizer: str = "sgd"
    settings: Mapping[str, Any] = field(default_factory=dict)
    start_loss: float = math.nan
    min_loss: float = 0.0

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.lrs),) if self.momenta is None else (len(self.momenta), len(self.lrs))

    @property
    def kinds(self) -> np.ndarray:
        return self.table.kinds.reshape(self.shape)

    @property
    def final_loss(self) -> np.ndarray:
        return self.table.final_loss.reshape(self.shape)

    @property
    def excess_loss(self) -> np.ndarray:
        """Final loss above the lowest known minimum (>= 0): comparable on a log axis on every surface."""
        return np.maximum(self.final_loss - self.min_loss, 0.0)

    @property
    def start_excess(self) -> float:
        """The loss above the lowest minimum at the start point."""
        return max(self.start_loss - self.min_loss, 0.0)

    @property
    def converged_at(self) -> np.ndarray:
        return self.table.converged_at.reshape(self.shape)

    @property
    def diverged_at(self) -> np.ndarray:
        return self.table.diverged_at.reshape(self.shape)

    def regime_names(self) -> np.ndarray:
        return np.array(REGIMES, dtype=object)[self.kinds]

    def marks(self) -> tuple[Mark, ...]:
        """The theory's learning rates for an lr sweep, smallest first (none when it does not apply)."""
        limits = self.limits
        if limits is None:
            return ()
        marks = [Mark("fastest", "1/L", limits.fastest_lr)]
        if limits.mu < limits.L:
            marks.append(Mark("best_fixed", "2/(μ+L)", limits.best_fixed_lr))
        marks.append(Mark("stability", "2/L", limits.stability_limit))
        if self.momentum > 0:
            marks.append(Mark("heavy_ball", f"(2+2m)/L, m={self.momentum:g}", heavy_ball_limit(limits.L, self.momentum)))
        return tuple(sorted(marks, key=lambda mark: mark.lr))

    def heavy_ball_bound(self) -> np.ndarray | None:
        """For an lr × momentum map: the largest stable lr, (2+2m)/L, for each momentum row."""
        if self.limits is None or self.momenta is None:
            return None
        return np.array([heavy_ball_limit(self.limits.L, m) for m in self.momenta])

    def stability_edge(self) -> float | np.ndarray:
        """The smallest swept lr from which every larger one diverged (NaN when the largest did not).

        One number for an lr sweep, an array with one per momentum row for a map.
        """
        diverged = np.atleast_2d(self.kinds == DIVERGED)
        # diverged from column j to the end, for every j
        tail = np.logical_and.accumulate(diverged[:, ::-1], axis=1)[:, ::-1]
        edges = np.full(diverged.shape[0], np.nan)
        has_edge = tail[:, -1]
        edges[has_edge] = self.lrs[np.argmax(tail[has_edge], axis=1)]
        return float(edges[0]) if self.momenta is None else edges

    def bands(self) -> list[Band]:
        """Neighbouring lrs of an lr sweep grouped by regime, in lr order."""
        if self.momenta is not None:
            raise DescentError("regime bands are for an lr sweep, not an lr × momentum map")
        kinds = self.kinds
        breaks = np.flatnonzero(np.diff(kinds)) + 1
        bands = []
        for begin, end in zip([0, *breaks], [*breaks, len(kinds)]):
            bands.append(Band(REGIMES[int(kinds[begin])], float(self.lrs[begin]), float(self.lrs[end - 1]), int(end - begin)))
        return bands


def log_range(start: float, end: float, num: int) -> np.ndarray:
    """`num` values from `start` to `end`, evenly spaced on a log scale."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise DescentError(f"lr sweep: {name} must be a number > 0, got {value!r}")
    if not end > start:
        raise DescentError(f"lr sweep: end must be above start, got {start:g} to {end:g}")
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or not MIN_POINTS <= num <= MAX_RUNS:
        raise DescentError(f"lr sweep: the number of points must be a whole number from {MIN_POINTS} to {MAX_RUNS}, got {num!r}")
    return np.geomspace(start, end, int(num))


def parse_range(text: str) -> tuple[float, float, int]:
    """"START:END:N" (e.g. "1e-3:10:200") -> (start, end, n), checked as log_range checks it."""
    parts = text.split(":")
    if len(parts) != 3:
        raise DescentError(f"lr sweep takes START:END:N (e.g. 1e-3:10:200), got {text!r}")
    try:
        start, end = float(parts[0]), float(parts[1])
        num = int(parts[2])
    except ValueError:
        raise DescentError(f"lr sweep takes START:END:N with numbers START, END and a whole number N, got {text!r}") from None
    log_range(start, end, num)
    return start, end, num


def _theory(surface: Surface, optimizer: str, settings: Mapping[str, Any], max_norm: float | None) -> QuadraticLimits | None:
    """The quadratic limits when they describe these runs: plain heavy ball with nothing added."""
    plain = (
        optimizer == "sgd"
        and max_norm is None
        and not settings.get("nesterov", False)
        and not settings.get("dampening", 0.0)
        and not settings.get("weight_decay", 0.0)
    )
    return quadratic_limits(surface) if plain else None


def _levels(surface: Surface, trajectory: Trajectory) -> dict[str, float]:
    """The start loss and the lowest known minimum, which scale a map's loss axis."""
    return {"start_loss": float(trajectory.loss[0, 0]), "min_loss": float(np.min(surface.value(surface.minima)))}


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise DescentError(f"steps must be a whole number >= 1, got {steps!r}")
    return int(steps)


def sweep_lr(
    surface: Surface,
    lrs: np.ndarray,
    steps: int = DEFAULT_SWEEP_STEPS,
    optimizer: str = "sgd",
    settings: Mapping[str, Any] = {},
    x0: Any = None,
    max_norm: float | None = None,
    tol: float = 1e-3,
) -> StabilityMap:
    """Run every lr in `lrs` (constant) as one batch and name each run's regime."""
    lrs = np.asarray(lrs, dtype=np.float64).ravel()
    steps = _check_steps(steps)
    settings = dict(settings)
    start = None if x0 is None else tuple(np.asarray(x0, dtype=np.float64).ravel().tolist())
    runs = [Run(lr=float(lr), optimizer=optimizer, settings=settings, x0=start, max_norm=max_norm) for lr in lrs]
    trajectory = simulate(surface, runs, steps)
    momentum = float(settings.get("momentum", 0.0)) if optimizer == "sgd" else 0.0
    return StabilityMap(
        lrs=lrs,
        momenta=None,
        steps=steps,
        table=regime_table(classify(surface, trajectory, tol)),
        limits=_theory(surface, optimizer, settings, max_norm),
        momentum=momentum,
        optimizer=optimizer,
        settings=settings,
        **_levels(surface, trajectory),
    )


def sweep_lr_momentum(
    surface: Surface,
    lrs: np.ndarray,
    momenta: np.ndarray,
    steps: int = DEFAULT_SWEEP_STEPS,
    optimizer: str = "sgd",
    settings: Mapping[str, Any] = {},
    x0: Any = None,
    max_norm: float | None = None,
    tol: float = 1e-3,
) -> StabilityMap:
    """Every (momentum, lr) pair as one batch; momentum is SGD's or RMSprop's, or the Adam family's beta1."""
    lrs = np.asarray(lrs, dtype=np.float64).ravel()
    momenta = np.asarray(momenta, dtype=np.float64).ravel()
    steps = _check_steps(steps)
    setting = _MOMENTUM_SETTING.get(optimizer)
    if setting is None:
        raise DescentError(f"optimizer {optimizer!r} has no momentum to sweep (these do: {', '.join(_MOMENTUM_SETTING)})")
    if not momenta.size or np.any(~np.isfinite(momenta)) or np.any((momenta < 0) | (momenta >= 1)):
        raise DescentError(f"momentum sweep: every momentum must be in [0, 1), got {momenta.tolist()}")
    if setting == "momentum" and "momentum" in settings:
        raise DescentError("momentum sweep: momentum is the swept setting, so it cannot also be given")
    if len(lrs) * len(momenta) > MAX_RUNS:
        raise DescentError(f"an lr × momentum map takes at most {MAX_RUNS} points, got {len(momenta)} × {len(lrs)}")
    settings = dict(settings)
    # The Adam family sweeps beta1 and keeps the given (or default) beta2.
    beta2 = float(tuple(settings.get("betas", (0.9, 0.999)))[-1]) if setting == "betas" else None
    start = None if x0 is None else tuple(np.asarray(x0, dtype=np.float64).ravel().tolist())
    runs = []
    for momentum in momenta:
        value: Any = (float(momentum), beta2) if setting == "betas" else float(momentum)
        own = {**settings, setting: value}
        runs.extend(Run(lr=float(lr), optimizer=optimizer, settings=own, x0=start, max_norm=max_norm) for lr in lrs)
    trajectory = simulate(surface, runs, steps)
    return StabilityMap(
        lrs=lrs,
        momenta=momenta,
        steps=steps,
        table=regime_table(classify(surface, trajectory, tol)),
        limits=_theory(surface, optimizer, settings, max_norm),
        optimizer=optimizer,
        settings=settings,
        **_levels(surface, trajectory),
    )
