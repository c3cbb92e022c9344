"""The learning-rate range test (Smith 2015), with fastai's lr_find semantics.

One training run whose lr grows exponentially, one mini-batch step per lr, without
resetting the weights: lr_i = start*(end/start)^(i/num). The loss recorded at step i is
the mini-batch loss before that step; it is smoothed as s = beta*s + (1-beta)*loss with
bias correction s/(1-beta^(i+1)), and the test stops once the smoothed loss exceeds
diverge_factor times the best so far. As in fastai, the suggestions ignore the first
num//10 and the last 5 points of the curve. The test assumes positive losses (a
training loss); it is meant for the `regression` surface, where batch noise makes the
curve what it is on real training.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.optimizers import apply_updates, make_optimizer
from studyapp.descent.surfaces import Surface

MAX_RANGE_STEPS = 10_000
# fastai drops this many points at the end of the curve before suggesting an lr.
_SKIP_END = 5


@dataclass(frozen=True)
class RangeTest:
    """The recorded curve up to where it stopped, and the three suggested learning rates."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_early: bool
    steep: float
    minimum_div_10: float
    valley: float


def _valley_index(losses: np.ndarray) -> int:
    """fastai's "valley": a point partway down the longest decreasing run of the curve."""
    n = len(losses)
    lengths = np.ones(n, dtype=np.int64)
    for i in range(1, n):
        higher_before = losses[:i] > losses[i]
        if higher_before.any():
            lengths[i] = max(1, int(lengths[:i][higher_before].max()) + 1)
    end = int(np.argmax(lengths))
    begin = end - int(lengths[end])
    sections = (end - begin) / 3
    return min(max(begin + int(sections) + int(sections / 2), 0), n - 1)


def _check(name: str, value: Any, low: float, high: float, low_inclusive: bool = False) -> float:
    number = float(value)
    above = number >= low if low_inclusive else number > low
    if not (math.isfinite(number) and above and number < high):
        bracket = "[" if low_inclusive else "("
        raise DescentError(f"range test: {name} must be in {bracket}{low:g}, {high:g}), got {number:g}")
    return number


def lr_range_test(
    surface: Surface,
    optimizer: str = "sgd",
    settings: Mapping[str, Any] = {},
    start: float = 1e-7,
    end: float = 10.0,
    num: int = 100,
    beta: float = 0.98,
    diverge_factor: float = 4.0,
    x0: Any = None,
) -> RangeTest:
    """Run the range test on `surface` from `x0` (default: the surface's start)."""
    start = _check("start", start, 0.0, math.inf)
    end = _check("end", end, start, math.inf)
    beta = _check("beta", beta, 0.0, 1.0, low_inclusive=True)
    diverge_factor = _check("diverge_factor", diverge_factor, 1.0, math.inf)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or not 6 <= num <= MAX_RANGE_STEPS:
        raise DescentError(f"range test: num must be a whole number from 6 to {MAX_RANGE_STEPS}, got {num!r}")
    point = np.array(surface.start if x0 is None else x0, dtype=np.float64).reshape(1, -1)
    if point.shape[1] != surface.dim:
        raise DescentError(f"x0 has {point.shape[1]} value(s) but surface {surface.name!r} is {surface.dim}-D")
    rule = make_optimizer(optimizer, **dict(settings))
    state = rule.init(point)

    lrs, losses, smoothed = [], [], []
    average, best, stopped_early = 0.0, math.inf, False
    with np.errstate(all="ignore"):
        for i in range(num):
            lr = start * (end / start) ** (i / num)
            loss = float(surface.batch_value(point, step=i)[0])
            if not math.isfinite(loss):
                stopped_early = True
                break
            average = beta * average + (1.0 - beta) * loss
            smooth = average / (1.0 - beta ** (i + 1))
            lrs.append(lr)
            losses.append(loss)
            smoothed.append(smooth)
            best = min(best, smooth)
            if smooth > diverge_factor * best:
                stopped_early = True
                break
            updates, state = rule.update(surface.grad(point, step=i), state, point, np.array([lr]))
            point = apply_updates(point, updates)

    lr_array, curve = np.array(lrs), np.array(smoothed)
    window = slice(num // 10, len(curve) - _SKIP_END)
    candidate_lrs, candidate_curve = lr_array[window], curve[window]
    if len(candidate_curve) < 2:
        candidate_lrs, candidate_curve = lr_array, curve
    if len(candidate_curve) < 2:
        raise DescentError(f"range test stopped after {len(curve)} step(s): too few to suggest a learning rate (start lower)")
    slopes = np.diff(candidate_curve) / np.diff(np.log(candidate_lrs))
    return RangeTest(
        lrs=lr_array,
        losses=np.array(losses),
        smoothed=curve,
        stopped_early=stopped_early,
        steep=float(candidate_lrs[int(np.argmin(slopes))]),
        minimum_div_10=float(candidate_lrs[int(np.argmin(candidate_curve))]) / 10.0,
        valley=float(candidate_lrs[_valley_index(candidate_curve)]),
    )
