"""Batched gradient-descent runs: B independent runs advance together, one update at a time.

Runs are grouped by optimizer (and its on/off flags); each group keeps one vectorised
optimizer state, so the loop over updates is the only Python loop. Learning rates come
from each run's schedule, evaluated in closed form for all updates up front, except
reduce-on-plateau, which is stepped in the loop with the loss after each update.

Indices count updates: position t (and loss t) is the state after t updates, and
update k (0-based) uses lrs[k] and moves position k to position k + 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.optimizers import OPTIMIZERS, apply_updates, clip_by_norm, make_optimizer
from studyapp.descent.params import check_params
from studyapp.descent.schedules import ReduceOnPlateau, Schedule, join_schedules, make_schedule
from studyapp.descent.surfaces import Surface

MAX_STEPS = 100_000
MAX_RUNS = 10_000
# Memory cap: the trajectory holds (steps + 1) x runs positions.
MAX_RUN_STEPS = 5_000_000

# Which setting a momentum-cycling schedule overrides, per optimizer (torch sets
# `momentum` or `betas[0]` of the param group; adagrad has neither).
_MOMENTUM_SETTING = {"sgd": "momentum", "rmsprop": "momentum", "adam": "betas", "adamw": "betas", "nadam": "betas"}


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule by name; `until` is the update index where the next schedule of a chain takes over."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    until: int | None = None


@dataclass(frozen=True)
class Run:
    """One run of a batch: its lr, optimizer, settings, schedule chain and start."""

    lr: float
    optimizer: str = "sgd"
    settings: Mapping[str, Any] = field(default_factory=dict)
    schedule: tuple[ScheduleSpec, ...] = ()
    x0: tuple[float, ...] | None = None
    max_norm: float | None = None


@dataclass(frozen=True)
class Trajectory:
    """What a batch of runs did: positions and loss after each update, and the lrs used."""

    positions: np.ndarray
    loss: np.ndarray
    lrs: np.ndarray
    momenta: np.ndarray | None
    diverged_at: np.ndarray


@dataclass
class _Group:
    """Runs sharing one optimizer state."""

    index: np.ndarray | slice
    optimizer: Any
    state: Any
    max_norm: np.ndarray | None
    cycles_momentum: bool


@dataclass
class _Plateau:
    """Runs whose lr is cut by one ReduceOnPlateau with the same settings."""

    index: np.ndarray
    schedule: ReduceOnPlateau
    state: Any


def _check_positive(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DescentError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise DescentError(f"{name} must be > 0, got {number:g}")
    return number


def plan_schedule(specs: Sequence[ScheduleSpec], base_lr: float, steps: int) -> Schedule | ReduceOnPlateau:
    """Build a run's schedule from its specs, chaining several with their `until` boundaries.

    Public so that a view can draw a run's whole planned lr before the run starts.
    """
    specs = tuple(specs)
    if not specs:
        return make_schedule("constant", base_lr, steps)
    if len(specs) == 1:
        return make_schedule(specs[0].name, base_lr, steps, **dict(specs[0].params))
    boundaries = []
    for spec in specs[:-1]:
        if spec.until is None:
            raise DescentError(f"schedule {spec.name!r} is followed by another, so it needs `until` (the update where the next one starts)")
        boundaries.append(int(spec.until))
    edges = [0, *boundaries, steps]
    if any(later <= earlier for earlier, later in zip(edges, edges[1:])):
        raise DescentError(f"chained schedules need increasing `until` values between 1 and {steps - 1} (the number of updates - 1), got {boundaries}")
    parts = []
    for spec, begin, end in zip(specs, edges, edges[1:]):
        part = make_schedule(spec.name, base_lr, end - begin, **dict(spec.params))
        if isinstance(part, ReduceOnPlateau):
            raise DescentError("reduce-on-plateau cannot be chained with other schedules")
        parts.append(part)
    return join_schedules(parts, boundaries)


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple, np.ndarray)) else value


class Simulation:
    """Incremental batched simulation: `step()` advances every run; `trajectory()` reads the arrays so far.

    Gives exactly the same numbers as `simulate()`, which is this class run to the end.
    """

    def __init__(self, surface: Surface, runs: Sequence[Run], steps: int, bound: float = 1e6) -> None:
        runs = list(runs)
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
            raise DescentError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {steps!r}")
        if not 1 <= len(runs) <= MAX_RUNS:
            raise DescentError(f"a simulation takes 1 to {MAX_RUNS} runs, got {len(runs)}")
        if len(runs) * steps > MAX_RUN_STEPS:
            raise DescentError(f"runs x steps must be at most {MAX_RUN_STEPS}, got {len(runs)} x {steps}")
        self.surface = surface
        self.steps = int(steps)
        self.bound = _check_positive("bound", bound)
        count, dim = len(runs), surface.dim

        starts = np.empty((count, dim))
        for i, run in enumerate(runs):
            starts[i] = self._start(run)
        self._positions = np.empty((self.steps + 1, count, dim))
        self._loss = np.empty((self.steps + 1, count))
        self._lrs = np.empty((self.steps, count))
        self._positions[0] = starts
        with np.errstate(all="ignore"):
            self._loss[0] = surface.value(starts)
        if not np.all(np.isfinite(self._loss[0])):
            raise DescentError("the loss at x0 is not finite")
        self._diverged_at = np.full(count, -1, dtype=np.int64)

        checked = [check_params("optimizer", OPTIMIZERS, run.optimizer, dict(run.settings)) for run in runs]
        self._momenta, cycled = self._plan_rates(runs, checked)
        self._groups = self._make_groups(runs, checked, starts, cycled)
        self.k = 0

    def _start(self, run: Run) -> np.ndarray:
        if run.x0 is None:
            return self.surface.start
        x0 = np.asarray(run.x0, dtype=np.float64).ravel()
        if x0.size != self.surface.dim:
            plural = "value" if x0.size == 1 else "values"
            raise DescentError(f"x0 has {x0.size} {plural} but surface {self.surface.name!r} is {self.surface.dim}-D")
        if not np.all(np.isfinite(x0)) or np.max(np.abs(x0)) > self.bound:
            raise DescentError(f"x0 must be finite and within the bound {self.bound:g}, got {tuple(x0.tolist())}")
        return x0

    def _plan_rates(self, runs: list[Run], checked: list[dict]) -> tuple[np.ndarray | None, set[int]]:
        """Fill the closed-form lrs; set up the plateau groups; return the momenta table and the cycling runs.

        The momenta table holds the momentum (Adam family: beta1) every run of the batch uses
        at every update, so runs that keep their own sit next to runs that cycle it.
        """
        steps = np.arange(self.steps)
        cycled: dict[int, np.ndarray] = {}
        plateau_runs: dict[tuple, list[int]] = {}
        plateau_schedules: dict[tuple, ReduceOnPlateau] = {}
        for i, run in enumerate(runs):
            lr = _check_positive("lr", run.lr)
            schedule = plan_schedule(run.schedule, lr, self.steps)
            if isinstance(schedule, ReduceOnPlateau):
                key = tuple(sorted((k, _frozen(v)) for k, v in dict(run.schedule[0].params).items()))
                plateau_runs.setdefault(key, []).append(i)
                plateau_schedules.setdefault(key, schedule)
                self._lrs[0, i] = lr
                continue
            self._lrs[:, i] = schedule.lr(steps)
            if schedule.momentum is not None:
                if run.optimizer not in _MOMENTUM_SETTING:
                    raise DescentError(f"schedule {schedule.name!r} cycles momentum, which optimizer {run.optimizer!r} does not have (set cycle_momentum to false)")
                cycled[i] = schedule.momentum(steps)
        self._plateaus = []
        for key, members in plateau_runs.items():
            index = np.array(members)
            schedule = plateau_schedules[key]
            self._plateaus.append(_Plateau(index, schedule, schedule.init(self._lrs[0, index])))
        if not cycled:
            return None, set()
        table = np.empty((self.steps, len(runs)))
        for i, run in enumerate(runs):
            setting = _MOMENTUM_SETTING.get(run.optimizer)
            own = math.nan if setting is None else checked[i][setting]
            own = own[0] if setting == "betas" else own
            # NaN in a cycled run's momenta marks updates (of a chain) that keep the optimizer's own.
            table[:, i] = np.where(np.isnan(cycled[i]), own, cycled[i]) if i in cycled else own
        return table, set(cycled)

    def _make_groups(self, runs: list[Run], checked: list[dict], starts: np.ndarray, cycled: set[int]) -> list[_Group]:
        """One optimizer state per optimizer name and set of flags; numeric settings become per-run arrays."""
        members: dict[tuple, list[int]] = {}
        for i, (run, settings) in enumerate(zip(runs, checked)):
            flags = tuple(sorted((k, v) for k, v in settings.items() if isinstance(v, (bool, str))))
            members.setdefault((run.optimizer, flags), []).append(i)
        seen: set[tuple] = set()
        groups = []
        for (name, _), indices in members.items():
            for i in indices:
                key = (name, tuple(sorted((k, _frozen(v)) for k, v in checked[i].items())))
                if key not in seen:
                    seen.add(key)
                    make_optimizer(name, **checked[i])  # cross-setting checks, once per distinct setting
            index: np.ndarray | slice = slice(None) if len(indices) == len(runs) else np.array(indices)
            # flags are shared by the group; numbers become one value per run: (runs,), or (runs, 2) for betas
            settings = {
                key: value if isinstance(value, (bool, str)) else np.array([checked[i][key] for i in indices], dtype=np.float64)
                for key, value in checked[indices[0]].items()
            }
            optimizer = make_optimizer(name, **settings)
            norms = [runs[i].max_norm for i in indices]
            max_norm = None
            if any(n is not None for n in norms):
                max_norm = np.array([math.inf if n is None else _check_positive("max_norm", n) for n in norms])
            groups.append(_Group(index, optimizer, optimizer.init(starts[index]), max_norm, any(i in cycled for i in indices)))
        return groups

    @property
    def done(self) -> bool:
        """True once every update has been made."""
        return self.k >= self.steps

    def step(self, n: int = 1) -> None:
        """Make up to `n` more updates (fewer if the run ends first)."""
        with np.errstate(all="ignore"):
            for _ in range(max(0, min(int(n), self.steps - self.k))):
                self._update()

    def _update(self) -> None:
        k = self.k
        here = self._positions[k]
        grads = self.surface.grad(here, step=k)
        moved = np.empty_like(here)
        for group in self._groups:
            params, grad = here[group.index], grads[group.index]
            if group.max_norm is not None:
                grad = clip_by_norm(grad, group.max_norm)
            momentum = self._momenta[k, group.index] if group.cycles_momentum else None
            updates, group.state = group.optimizer.update(grad, group.state, params, self._lrs[k, group.index], momentum=momentum)
            moved[group.index] = apply_updates(params, updates)
        loss = self.surface.value(moved)
        frozen = self._diverged_at >= 0
        blew_up = ~frozen & ~(np.all(np.isfinite(moved), axis=-1) & np.all(np.abs(moved) <= self.bound, axis=-1) & np.isfinite(loss))
        stay = frozen | blew_up
        moved[stay] = here[stay]
        loss[stay] = self._loss[k, stay]
        self._diverged_at[blew_up] = k + 1
        self._positions[k + 1] = moved
        self._loss[k + 1] = loss
        for plateau in self._plateaus:
            lr, plateau.state = plateau.schedule.update(plateau.state, loss[plateau.index])
            if k + 1 < self.steps:
                self._lrs[k + 1, plateau.index] = lr
        self.k = k + 1

    def trajectory(self) -> Trajectory:
        """The arrays so far (read-only views; N' = k updates)."""

        def view(array: np.ndarray | None, rows: int) -> np.ndarray | None:
            if array is None:
                return None
            part = array[:rows]
            part.flags.writeable = False
            return part

        return Trajectory(
            positions=view(self._positions, self.k + 1),
            loss=view(self._loss, self.k + 1),
            lrs=view(self._lrs, self.k),
            momenta=view(self._momenta, self.k),
            diverged_at=self._diverged_at.copy(),
        )


def simulate(surface: Surface, runs: Sequence[Run], steps: int, bound: float = 1e6) -> Trajectory:
    """Run every run for `steps` updates in one batch (raises DescentError on bad input)."""
    simulation = Simulation(surface, runs, steps, bound)
    simulation.step(steps)
    return simulation.trajectory()
