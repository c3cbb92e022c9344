"""A scene being animated: its descent Simulation, stepped a frame at a time, and its lr scale.

No Textual here, so the animation's logic (speed, restart, the lr nudge that re-runs the
scene from the start) can be driven and tested without timers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from studyapp.descent import Regime, Run, ScheduleSpec, Simulation, Surface, Trajectory, classify

#: One press of the lr keys multiplies or divides every learning rate of the scene by this.
LR_FACTOR = 1.25
#: Schedule parameters that are learning rates themselves, scaled with the run's lr
#: (one-cycle and cyclic take their peak from max_lr, not from the optimizer's lr).
LR_PARAMETERS = ("max_lr", "base_lr", "eta_min", "min_lr")
#: An animation runs about this many frames at normal speed, whatever the number of updates.
FRAMES_PER_RUN = 90
SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


class Localized(Protocol):
    """Text with a version per language (content's bilingual Text, or i18n.Same)."""

    def get(self, lang: str) -> str: ...


@dataclass(frozen=True)
class SceneSpec:
    """What a simulation panel shows: a surface, its runs and their labels, how many updates."""

    surface: Surface
    runs: tuple[Run, ...]
    labels: tuple[Localized, ...]
    steps: int
    show: tuple[str, ...] = ("loss", "path")
    caption: Localized | None = None

    @property
    def uses_schedule(self) -> bool:
        return any(run.schedule for run in self.runs)


def scale_run(run: Run, factor: float) -> Run:
    """The same run with every learning rate in it multiplied by `factor`."""

    def scale_spec(spec: ScheduleSpec) -> ScheduleSpec:
        params = {key: value * factor if key in LR_PARAMETERS and isinstance(value, (int, float)) else value
                  for key, value in spec.params.items()}
        return dataclasses.replace(spec, params=params)

    return dataclasses.replace(run, lr=run.lr * factor, schedule=tuple(scale_spec(spec) for spec in run.schedule))


class SceneRun:
    """One playthrough of a scene at one lr scale; make a new one to restart."""

    def __init__(self, spec: SceneSpec, lr_scale: float = 1.0) -> None:
        self.spec = spec
        self.lr_scale = lr_scale
        self.runs: tuple[Run, ...] = tuple(scale_run(run, lr_scale) for run in spec.runs)
        self.simulation = Simulation(spec.surface, self.runs, spec.steps)
        self.regimes: list[Regime] | None = None
        self._credit = 0.0

    @property
    def k(self) -> int:
        """Updates made so far."""
        return self.simulation.k

    @property
    def done(self) -> bool:
        return self.simulation.done

    def advance(self, updates: int) -> None:
        """Make `updates` more updates; classify every run once the last one is made."""
        self.simulation.step(updates)
        if self.done and self.regimes is None:
            self.regimes = classify(self.spec.surface, self.simulation.trajectory())

    def frame(self, speed: float) -> None:
        """Advance by one animation frame at `speed` (1 = the whole scene in FRAMES_PER_RUN frames)."""
        self._credit += speed * max(1.0, self.spec.steps / FRAMES_PER_RUN)
        updates = math.floor(self._credit)
        self._credit -= updates
        if updates:
            self.advance(updates)

    def finish(self) -> None:
        self.advance(self.spec.steps - self.k)

    def trajectory(self) -> Trajectory:
        return self.simulation.trajectory()

    def diverged_at(self) -> Sequence[int | None]:
        """Per run, the update where it diverged, as far as known now (the end adds slow blow-ups)."""
        if self.regimes is not None:
            return [regime.diverged_at if regime.kind == "diverged" else None for regime in self.regimes]
        return [int(d) if d >= 0 else None for d in self.simulation.trajectory().diverged_at]


def faster(speed: float) -> float:
    return next((s for s in SPEEDS if s > speed), SPEEDS[-1])


def slower(speed: float) -> float:
    return next((s for s in reversed(SPEEDS) if s < speed), SPEEDS[0])
