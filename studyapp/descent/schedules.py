"""Learning-rate schedules with torch.optim.lr_scheduler's names and semantics.

Update k (k = 0, 1, 2, …) uses the value f(k): constructing a torch scheduler already takes
one step, so torch's first update also uses f(0). Closed-form schedules evaluate a whole
integer array of update indices in one call, so a simulation computes every run's lr for
every update up front.

reduce-on-plateau depends on the losses seen so far, so it cannot be a closed form:
`make_schedule("reduce-on-plateau", …)` returns a `ReduceOnPlateau` instead of a `Schedule`.
A simulation tells them apart with `isinstance(schedule, ReduceOnPlateau)`, calls
`state = schedule.init(lrs)` with each run's lr before the first update, and after every
update calls `lrs, state = schedule.update(state, losses)` to get the lr of the next update.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.params import ParamSpec, check_params

__all__ = ["SCHEDULES", "PlateauState", "ReduceOnPlateau", "Schedule", "join_schedules", "make_schedule"]

_ETA_MIN = ParamSpec("eta_min", 0.0, "float", "lowest lr of the cosine", minimum=0.0)
_GAMMA = ParamSpec("gamma", 0.1, "float", "factor applied at each decay (0 < gamma <= 1)", minimum=0.0, maximum=1.0)
_CYCLE_MOMENTUM = ParamSpec("cycle_momentum", True, "bool", "cycle the momentum (Adam: beta1) inversely to the lr")

SCHEDULES: dict[str, tuple[ParamSpec, ...]] = {
    "constant": (),
    "step": (
        ParamSpec("step_size", None, "int", "updates between decays", minimum=1, required=True),
        _GAMMA,
    ),
    "multistep": (
        ParamSpec("milestones", None, "ints", "updates at which the lr is multiplied by gamma (a repeated one counts twice)", minimum=0, required=True),
        _GAMMA,
    ),
    "exponential": (
        ParamSpec("gamma", None, "float", "factor applied at every update (0 < gamma <= 1)", minimum=0.0, maximum=1.0, required=True),
    ),
    "time-based": (
        ParamSpec("decay_rate", None, "float", "lr / (1 + decay_rate·k / decay_steps)", minimum=0.0, required=True),
        ParamSpec("decay_steps", 1.0, "float", "updates over which the decay_rate applies once (> 0)", minimum=0.0),
    ),
    "cosine": (
        ParamSpec("t_max", None, "int", "updates from the base lr down to eta_min (default: the run's updates)", minimum=1),
        _ETA_MIN,
    ),
    "cosine-restarts": (
        ParamSpec("t_0", None, "int", "updates until the first restart", minimum=1, required=True),
        ParamSpec("t_mult", 1, "int", "factor by which each period grows after a restart", minimum=1),
        _ETA_MIN,
    ),
    "linear": (
        ParamSpec("start_factor", 1.0 / 3, "float", "fraction of the lr used by update 0 (0 < start_factor <= 1)", minimum=0.0, maximum=1.0),
        ParamSpec("end_factor", 1.0, "float", "fraction of the lr reached after total_iters updates", minimum=0.0, maximum=1.0),
        ParamSpec("total_iters", 5, "int", "updates over which the factor changes linearly", minimum=1),
    ),
    "one-cycle": (
        ParamSpec("max_lr", None, "float", "peak lr (the optimizer's own lr is ignored)", minimum=0.0, required=True),
        ParamSpec("total_steps", None, "int", "length of the cycle in updates (default: the run's updates)", minimum=1),
        ParamSpec("pct_start", 0.3, "float", "fraction of the cycle spent raising the lr", minimum=0.0, maximum=1.0),
        ParamSpec("anneal_strategy", "cos", "choice", "shape of each phase", choices=("cos", "linear")),
        ParamSpec("div_factor", 25.0, "float", "initial lr = max_lr / div_factor (> 0)", minimum=0.0),
        ParamSpec("final_div_factor", 1e4, "float", "final lr = initial lr / final_div_factor (> 0)", minimum=0.0),
        ParamSpec("three_phase", False, "bool", "come back down to the initial lr before annealing to the final lr"),
        _CYCLE_MOMENTUM,
        ParamSpec("base_momentum", 0.85, "float", "momentum at the lr peak", minimum=0.0, maximum=1.0),
        ParamSpec("max_momentum", 0.95, "float", "momentum at the start and end of the cycle", minimum=0.0, maximum=1.0),
    ),
    "cyclic": (
        ParamSpec("base_lr", None, "float", "lowest lr of the cycle (default: the run's lr)", minimum=0.0),
        ParamSpec("max_lr", None, "float", "highest lr of the cycle", minimum=0.0, required=True),
        ParamSpec("step_size_up", 2000, "int", "updates from base_lr up to max_lr", minimum=1),
        ParamSpec("step_size_down", None, "int", "updates from max_lr back down (default: step_size_up)", minimum=1),
        ParamSpec("mode", "triangular", "choice", "how the amplitude shrinks", choices=("triangular", "triangular2", "exp_range")),
        ParamSpec("gamma", 1.0, "float", "exp_range: amplitude factor gamma^k (0 < gamma <= 1)", minimum=0.0, maximum=1.0),
        _CYCLE_MOMENTUM,
        ParamSpec("base_momentum", 0.8, "float", "momentum at the lr peak", minimum=0.0, maximum=1.0),
        ParamSpec("max_momentum", 0.9, "float", "momentum at base_lr", minimum=0.0, maximum=1.0),
    ),
    "reduce-on-plateau": (
        ParamSpec("mode", "min", "choice", "whether the watched loss should go down or up", choices=("min", "max")),
        ParamSpec("factor", 0.1, "float", "lr multiplier at each cut (0 < factor < 1)", minimum=0.0, maximum=1.0),
        ParamSpec("patience", 10, "int", "bad updates tolerated; the cut comes on the next one", minimum=0),
        ParamSpec("threshold", 1e-4, "float", "how much better counts as better", minimum=0.0),
        ParamSpec("threshold_mode", "rel", "choice", "rel: best·(1 - threshold); abs: best - threshold", choices=("rel", "abs")),
        ParamSpec("cooldown", 0, "int", "updates after a cut during which bad updates are not counted", minimum=0),
        ParamSpec("min_lr", 0.0, "float", "the lr is never cut below this", minimum=0.0),
        ParamSpec("eps", 1e-8, "float", "a cut smaller than this is skipped", minimum=0.0),
    ),
}

StepFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Schedule:
    """A closed-form schedule: array of update indices -> lr (and momentum when it cycles it).

    `momentum`, when not None, gives the momentum each update should use (beta1 for the Adam
    family); NaN marks updates that keep the optimizer's configured momentum (see
    join_schedules).
    """

    name: str
    lr: StepFunction
    momentum: StepFunction | None

    def __call__(self, step: Any) -> np.ndarray:
        return self.lr(np.asarray(step))


class PlateauState(NamedTuple):
    lr: np.ndarray  # (B,) lr of the next update
    best: np.ndarray  # (B,) best loss so far
    num_bad: np.ndarray  # (B,) consecutive updates without improvement
    cooldown: np.ndarray  # (B,) updates left in the cooldown


@dataclass(frozen=True)
class ReduceOnPlateau:
    """torch's ReduceLROnPlateau, batched over runs that share its settings.

    Stepped with the loss after each update: an update is better when the loss is below
    best·(1 - threshold) (rel) or best - threshold (abs) (above, in mode "max"); otherwise it
    is bad. During a cooldown bad updates are not counted. On the (patience+1)-th bad update
    in a row the lr becomes max(lr·factor, min_lr), unless that changes it by no more than
    eps; then the cooldown starts.
    """

    name: ClassVar[str] = "reduce-on-plateau"
    momentum: ClassVar[None] = None  # read like Schedule.momentum: it never cycles momentum
    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0.0
    eps: float = 1e-8

    def init(self, base_lr: Any) -> PlateauState:
        lr = np.array(base_lr, dtype=float).reshape(-1)
        worst = math.inf if self.mode == "min" else -math.inf
        return PlateauState(lr, np.full(lr.shape, worst), np.zeros(lr.shape, dtype=np.int64), np.zeros(lr.shape, dtype=np.int64))

    def _is_better(self, loss: np.ndarray, best: np.ndarray) -> np.ndarray:
        if self.mode == "min":
            return loss < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return loss > (best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold)

    def update(self, state: PlateauState, loss: Any) -> tuple[np.ndarray, PlateauState]:
        """Feed the loss after an update; return the lr of the next update and the new state."""
        loss = np.asarray(loss, dtype=float)
        better = self._is_better(loss, state.best)
        best = np.where(better, loss, state.best)
        num_bad = np.where(better, 0, state.num_bad + 1)
        in_cooldown = state.cooldown > 0
        cooldown = np.where(in_cooldown, state.cooldown - 1, state.cooldown)
        num_bad = np.where(in_cooldown, 0, num_bad)
        cut = num_bad > self.patience
        reduced = np.maximum(state.lr * self.factor, self.min_lr)
        lr = np.where(cut & (state.lr - reduced > self.eps), reduced, state.lr)
        cooldown = np.where(cut, self.cooldown, cooldown)
        num_bad = np.where(cut, 0, num_bad)
        return lr, PlateauState(lr, best, num_bad, cooldown)


def _steps(name: str, step: Any) -> np.ndarray:
    """Update indices as an int array; negative or fractional indices are a caller's mistake."""
    steps = np.asarray(step)
    if steps.dtype.kind not in "iu":
        if steps.dtype.kind not in "f" or not np.all(np.floor(steps) == steps):
            raise DescentError(f"schedule {name!r}: update indices must be integers")
        steps = steps.astype(np.int64)
    if steps.size and steps.min() < 0:
        raise DescentError(f"schedule {name!r}: update indices must be >= 0, got {steps.min()}")
    return steps


def _closed(name: str, lr_of: StepFunction, momentum_of: StepFunction | None = None) -> Schedule:
    def lr(step: Any) -> np.ndarray:
        return lr_of(_steps(name, step))

    def momentum(step: Any) -> np.ndarray:
        return momentum_of(_steps(name, step))

    return Schedule(name, lr, momentum if momentum_of is not None else None)


def _positive(name: str, params: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if params[key] is not None and params[key] <= 0:
            raise DescentError(f"schedule {name!r}: {key} must be > 0, got {params[key]:g}")


def _below_one(name: str, params: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if params[key] >= 1:
            raise DescentError(f"schedule {name!r}: {key} must be < 1, got {params[key]:g}")


def _constant(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    return _closed("constant", lambda k: np.full(k.shape, b, dtype=float))


def _step(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("step", p, "gamma")
    return _closed("step", lambda k: b * p["gamma"] ** (k // p["step_size"]))


def _multistep(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("multistep", p, "gamma")
    milestones = np.sort(np.array(p["milestones"], dtype=np.int64))
    return _closed("multistep", lambda k: b * p["gamma"] ** np.searchsorted(milestones, k, side="right"))


def _exponential(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("exponential", p, "gamma")
    return _closed("exponential", lambda k: b * p["gamma"] ** k)


def _time_based(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("time-based", p, "decay_steps")
    return _closed("time-based", lambda k: b / (1 + p["decay_rate"] * k / p["decay_steps"]))


def _cosine(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    t_max = p["t_max"] if p["t_max"] is not None else steps
    eta_min = p["eta_min"]
    return _closed("cosine", lambda k: eta_min + (b - eta_min) * (1 + np.cos(np.pi * k / t_max)) / 2)


def _cosine_restarts(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    t_0, t_mult, eta_min = p["t_0"], p["t_mult"], p["eta_min"]

    def lr(k: np.ndarray) -> np.ndarray:
        # Start index of each period: 0, t_0, t_0 + t_0·t_mult, … up to past the last k asked for.
        last = int(k.max()) if k.size else 0
        if t_mult == 1:
            starts = np.arange(0, last + t_0 + 1, t_0, dtype=np.int64)
        else:
            bounds = [0]
            while bounds[-1] <= last:
                bounds.append(bounds[-1] + t_0 * t_mult ** (len(bounds) - 1))
            starts = np.array(bounds, dtype=np.int64)
        period = np.searchsorted(starts, k, side="right") - 1
        t_cur = k - starts[period]
        t_i = t_0 * np.asarray(t_mult, dtype=float) ** period
        return eta_min + (b - eta_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2

    return _closed("cosine-restarts", lr)


def _linear(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("linear", p, "start_factor")
    start, end, total = p["start_factor"], p["end_factor"], p["total_iters"]
    return _closed("linear", lambda k: b * (start + (end - start) * np.minimum(k, total) / total))


def _anneal(strategy: str, start: float, end: float, pct: np.ndarray) -> np.ndarray:
    if strategy == "cos":
        return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
    return (end - start) * pct + start


def _one_cycle(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("one-cycle", p, "max_lr", "div_factor", "final_div_factor")
    _below_one("one-cycle", p, "base_momentum", "max_momentum")
    total, pct_start = p["total_steps"] if p["total_steps"] is not None else steps, p["pct_start"]
    initial = p["max_lr"] / p["div_factor"]
    final = initial / p["final_div_factor"]
    low, high = p["base_momentum"], p["max_momentum"]
    warmup_end = float(pct_start * total) - 1
    if p["three_phase"]:
        # (last update of the phase, lr from, lr to, momentum from, momentum to)
        phases = [
            (warmup_end, initial, p["max_lr"], high, low),
            (float(2 * pct_start * total) - 2, p["max_lr"], initial, low, high),
            (total - 1, initial, final, high, high),
        ]
    else:
        phases = [(warmup_end, initial, p["max_lr"], high, low), (total - 1, p["max_lr"], final, low, high)]
    ends = [0.0] + [phase[0] for phase in phases]
    if any(later <= earlier for earlier, later in zip(ends, ends[1:])):
        raise DescentError(
            f"schedule 'one-cycle': pct_start {pct_start:g} with total_steps {total} leaves a phase without updates "
            f"(need pct_start·total_steps > 1{' and pct_start < (total_steps+1)/(2·total_steps)' if p['three_phase'] else ' and pct_start < 1'})"
        )

    def phase_values(k: np.ndarray, lr_side: bool) -> np.ndarray:
        if k.size and k.max() > total:
            raise DescentError(f"schedule 'one-cycle' was asked for update {k.max()}, past total_steps {total}")
        out = np.empty(k.shape, dtype=float)
        start_step = 0.0
        assigned = np.zeros(k.shape, dtype=bool)
        for index, (end_step, lr_from, lr_to, m_from, m_to) in enumerate(phases):
            here = ~assigned & ((k <= end_step) | (index == len(phases) - 1))
            pct = (k[here] - start_step) / (end_step - start_step)
            out[here] = _anneal(p["anneal_strategy"], *((lr_from, lr_to) if lr_side else (m_from, m_to)), pct)
            assigned |= here
            start_step = end_step
        return out

    momentum = (lambda k: phase_values(k, lr_side=False)) if p["cycle_momentum"] else None
    return _closed("one-cycle", lambda k: phase_values(k, lr_side=True), momentum)


def _cyclic(b: float, steps: int, p: dict[str, Any]) -> Schedule:
    _positive("cyclic", p, "base_lr", "max_lr", "gamma")
    _below_one("cyclic", p, "base_momentum", "max_momentum")
    base_lr = p["base_lr"] if p["base_lr"] is not None else b
    up = float(p["step_size_up"])
    down = float(p["step_size_down"]) if p["step_size_down"] is not None else up
    total_size, step_ratio = up + down, up / (up + down)
    mode, gamma = p["mode"], p["gamma"]

    def shape(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fraction of the way up the current triangle, and the amplitude's scale."""
        cycle = np.floor(1 + k / total_size)
        x = 1.0 + k / total_size - cycle
        scale_factor = np.where(x <= step_ratio, x / step_ratio, (x - 1) / (step_ratio - 1))
        if mode == "triangular":
            scale = np.ones(k.shape)
        elif mode == "triangular2":
            scale = 1 / (2.0 ** (cycle - 1))
        else:
            scale = gamma ** k.astype(float)
        return scale_factor, scale

    def lr(k: np.ndarray) -> np.ndarray:
        scale_factor, scale = shape(k)
        return base_lr + (p["max_lr"] - base_lr) * scale_factor * scale

    def momentum(k: np.ndarray) -> np.ndarray:
        scale_factor, scale = shape(k)
        return p["max_momentum"] - (p["max_momentum"] - p["base_momentum"]) * scale_factor * scale

    return _closed("cyclic", lr, momentum if p["cycle_momentum"] else None)


def _reduce_on_plateau(b: float, steps: int, p: dict[str, Any]) -> ReduceOnPlateau:
    _positive("reduce-on-plateau", p, "factor")
    _below_one("reduce-on-plateau", p, "factor")
    return ReduceOnPlateau(**p)


_BUILDERS: dict[str, Callable[[float, int, dict[str, Any]], Schedule | ReduceOnPlateau]] = {
    "constant": _constant,
    "step": _step,
    "multistep": _multistep,
    "exponential": _exponential,
    "time-based": _time_based,
    "cosine": _cosine,
    "cosine-restarts": _cosine_restarts,
    "linear": _linear,
    "one-cycle": _one_cycle,
    "cyclic": _cyclic,
    "reduce-on-plateau": _reduce_on_plateau,
}


def make_schedule(name: str, base_lr: float, steps: int, /, **params: Any) -> Schedule | ReduceOnPlateau:
    """Build schedule `name` for a run with lr `base_lr` and `steps` updates.

    `steps` is the default horizon of one-cycle's total_steps and cosine's t_max. The first
    two arguments are positional-only so that cyclic's own `base_lr` can be passed as a
    parameter. reduce-on-plateau returns a `ReduceOnPlateau` (see the module docstring).
    Raises DescentError for an unknown name or parameter, or a value out of range.
    """
    if isinstance(base_lr, bool) or not isinstance(base_lr, numbers.Real) or not math.isfinite(base_lr) or base_lr <= 0:
        raise DescentError(f"lr must be > 0, got {base_lr}")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise DescentError(f"steps must be a positive integer, got {steps}")
    checked = check_params("schedule", SCHEDULES, name, params)
    return _BUILDERS[name](float(base_lr), int(steps), checked)


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Chain schedules as optax.join_schedules does: from boundary b on, the next one sees k - b.

    A warm-up then cosine is `join_schedules([linear, cosine], [warmup_updates])`. When some
    parts cycle momentum, the joined momentum is NaN (keep the optimizer's own) elsewhere.
    """
    if any(isinstance(schedule, ReduceOnPlateau) for schedule in schedules):
        raise DescentError("reduce-on-plateau depends on the losses and cannot be chained with other schedules")
    if len(schedules) == 0:
        raise DescentError("join_schedules needs at least one schedule")
    if len(boundaries) != len(schedules) - 1:
        raise DescentError(f"{len(schedules)} schedules need {len(schedules) - 1} boundaries, got {len(boundaries)}")
    starts = [0, *(int(boundary) for boundary in boundaries)]
    if any(later <= earlier for earlier, later in zip(starts, starts[1:])):
        raise DescentError(f"schedule boundaries must be increasing integers > 0, got {list(boundaries)}")
    name = "+".join(schedule.name for schedule in schedules)
    bounds = np.array(starts[1:], dtype=np.int64)

    def joined(pick: Callable[[Schedule], StepFunction | None]) -> StepFunction:
        def values(k: np.ndarray) -> np.ndarray:
            part = np.searchsorted(bounds, k, side="right")
            out = np.full(k.shape, np.nan)
            for index, schedule in enumerate(schedules):
                here = part == index
                function = pick(schedule)
                if function is not None and here.any():
                    out[here] = function(k[here] - starts[index])
            return out

        return values

    lr = joined(lambda schedule: schedule.lr)
    has_momentum = any(schedule.momentum is not None for schedule in schedules)
    return _closed(name, lr, joined(lambda schedule: schedule.momentum) if has_momentum else None)
