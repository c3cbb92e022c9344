"""Name what each run did: converged, slow, oscillating, diverged, or trapped.

Closeness to a minimum is measured by the loss gap |f(x) - f(m)| to the nearest known
minimum m (nearest by distance), not by the distance itself: the gap is what training
cares about, it is the quantity the reference scenarios quote ("reaches f < 1e-6 at
update 31"), and it does not depend on how the coordinates happen to be scaled. So
with the default tol = 1e-3 a run on f = x^2 counts as converged once |x| < 0.032.

The checks, in order, for each run:
1. diverged: frozen by the simulation (non-finite or beyond the bound);
2. converged / trapped: from some update on, the run stays within tol of one minimum
   (the global one: converged; another one: trapped);
3. diverged: the loss grows without a break over the second half of the run, ending
   above where it started (e.g. lr 1.01 on x^2: |x| is only 7.24 after 100 updates,
   far below any bound, but every stretch of updates ends higher than the last);
4. oscillating: the displacement from the nearest minimum flips sign at least twice,
   along some axis, during the second half of the run;
5. slow: none of the above: still on its way.
A diverged run's `diverged_at` is the update after its lowest loss, where the runaway
began; the update at which the simulation froze it is `Trajectory.diverged_at`.
On the ravine at lr 0.07 the y-coordinate flips sign every update, but its factor
|1 - 0.07*25| = 0.75 < 1 shrinks it fast, and the run converges (at update 75 with the
default tol): a run is oscillating only while it has not converged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studyapp.descent.simulate import Trajectory
from studyapp.descent.surfaces import Surface

REGIMES = ("converged", "slow", "oscillating", "diverged", "trapped")

# Growth check: the second half of the run is cut into this many stretches, whose peak
# losses must all rise, the last at least GROWTH_RATIO above the first.
GROWTH_WINDOWS = 6
GROWTH_RATIO = 1.1
# Oscillation check: sign flips of the displacement needed in the second half.
OSCILLATION_FLIPS = 2


@dataclass(frozen=True)
class Regime:
    """The verdict on one run; indices count updates (0 = the start)."""

    kind: str
    converged_at: int | None
    diverged_at: int | None
    minimum: int | None
    final_loss: float


def _nearest_minimum(surface: Surface, positions: np.ndarray) -> np.ndarray:
    """Index of the closest known minimum for every position (T, B, d) -> (T, B)."""
    best = np.full(positions.shape[:-1], np.inf)
    nearest = np.zeros(positions.shape[:-1], dtype=np.int64)
    for index, minimum in enumerate(surface.minima):
        distance = np.sum((positions - minimum) ** 2, axis=-1)
        closer = distance < best
        best = np.where(closer, distance, best)
        nearest[closer] = index
    return nearest


def _settled_from(ok: np.ndarray) -> np.ndarray:
    """First index from which `ok` (T, B) stays True to the end; T when it is False at the end."""
    bad_from_here_on = np.logical_or.accumulate(~ok[::-1], axis=0)[::-1]
    return np.sum(bad_from_here_on, axis=0)


def _growing(excess: np.ndarray) -> bool:
    """True when one run's loss excess (T,) rises stretch after stretch over the second half."""
    half = excess[len(excess) // 2 :]
    windows = min(GROWTH_WINDOWS, len(half))
    if windows < 3:
        return False
    peaks = np.array([part.max() for part in np.array_split(half, windows)])
    return bool(np.all(np.diff(peaks) > 0) and peaks[-1] > GROWTH_RATIO * peaks[0] and excess[-1] > excess[0])


def _runaway_from(excess: np.ndarray) -> int:
    """The update after the run's lowest loss: from there on it only ran away.

    Used for every diverged run, whether it crossed the bound (and was frozen) or grew slowly,
    so that a larger lr never reads as diverging "later" only because it took longer to reach
    the bound than a smaller one took to show sustained growth.
    """
    return max(1, min(int(np.argmin(excess)) + 1, len(excess) - 1))


def _flips(displacement: np.ndarray) -> int:
    """Most sign changes along any one axis of one run's displacement (T, d)."""
    signs = np.sign(displacement)
    changes = (signs[1:] * signs[:-1]) < 0
    return int(changes.sum(axis=0).max()) if len(changes) else 0


def classify(surface: Surface, traj: Trajectory, tol: float = 1e-3) -> list[Regime]:
    """One Regime per run of the trajectory (see the module docstring for the rules)."""
    positions, loss = traj.positions, traj.loss
    updates = positions.shape[0] - 1
    with np.errstate(all="ignore"):
        levels = surface.value(surface.minima)
        nearest = _nearest_minimum(surface, positions)
        gap = np.abs(loss - levels[nearest])
        final_nearest = nearest[-1]
        ok = (gap <= tol) & (nearest == final_nearest)
        settled_from = _settled_from(ok)
        excess = loss - levels.min()

    regimes = []
    for run in range(positions.shape[1]):
        final_loss = float(loss[-1, run])
        frozen_at = int(traj.diverged_at[run])
        if frozen_at >= 0:
            regimes.append(Regime("diverged", None, _runaway_from(excess[: frozen_at + 1, run]), None, final_loss))
            continue
        if settled_from[run] <= updates:
            minimum = int(final_nearest[run])
            kind = "converged" if surface.global_minima[minimum] else "trapped"
            regimes.append(Regime(kind, int(settled_from[run]), None, minimum, final_loss))
            continue
        if _growing(excess[:, run]):
            regimes.append(Regime("diverged", None, _runaway_from(excess[:, run]), None, final_loss))
            continue
        second_half = positions[updates // 2 :, run] - surface.minima[final_nearest[run]]
        kind = "oscillating" if _flips(second_half) >= OSCILLATION_FLIPS else "slow"
        regimes.append(Regime(kind, None, None, None, final_loss))
    return regimes
