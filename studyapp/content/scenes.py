"""Running scenes with the descent core and checking what they claim.

A scene's `expect` claims are the content's promise about what the learner will see; the
validator runs every scene and reports each claim the simulation does not bear out.
Results are cached on disk by a hash of the scene's simulation inputs and of the descent
core's own source, so validating again is fast and a change to the core re-runs everything.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from studyapp.content.models import Scene
from studyapp.content.problems import Problem
from studyapp.content.reader import SceneSite
from studyapp.descent import (
    DescentError,
    Run,
    ScheduleSpec,
    Surface,
    classify,
    make_surface,
    simulate,
)
from studyapp.paths import data_dir

CACHE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one run of a scene did, as far as claims are concerned."""

    regime: str
    converged_at: int | None
    diverged_at: int | None
    final_loss: float
    in_global_minimum: bool

    def describe(self) -> str:
        """The outcome as a verb phrase, e.g. "diverged at update 7" or "is oscillating (final loss 0.12)"."""
        if self.regime == "diverged":
            return f"diverged at update {self.diverged_at}"
        if self.regime == "converged":
            return f"converged to the global minimum at update {self.converged_at}"
        if self.regime == "trapped":
            return f"is trapped in a local minimum from update {self.converged_at}"
        return f"is {self.regime} (final loss {_loss(self.final_loss)})"


def descent_inputs(scene: Scene) -> tuple[Surface, list[Run]]:
    """The descent core's surface and runs for a scene (raises DescentError), e.g. to drive a Simulation."""
    surface = make_surface(scene.surface, **scene.params)
    runs = [
        Run(
            lr=run.lr,
            optimizer=run.optimizer,
            settings=dict(run.settings),
            schedule=tuple(ScheduleSpec(step.name, dict(step.params), step.until) for step in run.schedule),
            x0=run.x0,
            max_norm=run.max_norm,
        )
        for run in scene.runs
    ]
    return surface, runs


def simulate_scene(scene: Scene) -> tuple[RunOutcome, ...]:
    """Run a scene to the end and name what each run did (raises DescentError)."""
    surface, runs = descent_inputs(scene)
    trajectory = simulate(surface, runs, scene.steps)
    return tuple(
        RunOutcome(
            regime=regime.kind,
            converged_at=regime.converged_at,
            diverged_at=regime.diverged_at,
            final_loss=regime.final_loss,
            in_global_minimum=regime.minimum is not None and bool(surface.global_minima[regime.minimum]),
        )
        for regime in classify(surface, trajectory)
    )


@functools.cache
def core_fingerprint() -> str:
    """A hash of the descent core's source: cached results are trusted only for the same core."""
    digest = hashlib.sha256()
    package = resources.files("studyapp.descent")
    for entry in sorted(package.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()


def scene_key(scene: Scene) -> str:
    """A hash of everything that decides a scene's numbers (not its labels, captions or claims)."""
    inputs = {
        "format": CACHE_FORMAT,
        "core": core_fingerprint(),
        "surface": scene.surface,
        "params": dict(scene.params),
        "steps": scene.steps,
        "runs": [
            {
                "lr": run.lr,
                "optimizer": run.optimizer,
                "settings": dict(run.settings),
                "schedule": [[step.name, dict(step.params), step.until] for step in run.schedule],
                "x0": run.x0,
                "max_norm": run.max_norm,
            }
            for run in scene.runs
        ],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def default_cache_dir() -> Path:
    return data_dir() / "cache" / "scenes"


class SceneCache:
    """Scene outcomes on disk, one small JSON file per scene hash.

    A cache that cannot be read or written is skipped without a word: it only saves time.
    `directory=None` keeps results in memory only.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.memory: dict[str, tuple[RunOutcome, ...]] = {}

    def get(self, key: str) -> tuple[RunOutcome, ...] | None:
        if key in self.memory:
            return self.memory[key]
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            outcomes = tuple(RunOutcome(**item) for item in data)
        except (OSError, ValueError, TypeError):
            return None
        self.memory[key] = outcomes
        return outcomes

    def put(self, key: str, outcomes: tuple[RunOutcome, ...]) -> None:
        self.memory[key] = outcomes
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump([asdict(outcome) for outcome in outcomes], stream)
            os.replace(temporary, self.directory / f"{key}.json")
        except OSError:
            self.directory = None  # not writable: run without a disk cache


def _loss(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else str(value)


def claim_failures(scene: Scene, outcomes: tuple[RunOutcome, ...]) -> Iterator[tuple[int, str, str]]:
    """(run index, claim, message) for every claim of the scene that its outcomes contradict."""
    index_of = {run.id: index for index, run in enumerate(scene.runs)}
    for index, (run, outcome) in enumerate(zip(scene.runs, outcomes)):
        if run.expect is None:
            continue
        for claim, value in run.expect.claims().items():
            message = _contradiction(claim, value, outcome, outcomes, index_of, scene.steps)
            if message:
                yield index, claim, message


def _contradiction(claim: str, value: Any, outcome: RunOutcome, outcomes: tuple[RunOutcome, ...], index_of: dict[str, int], steps: int) -> str | None:
    if claim == "regime":
        if outcome.regime != value:
            return f"claims the run is {value}, but it {outcome.describe()}"
    elif claim == "converged_by":
        if outcome.converged_at is None:
            return f"claims convergence by update {value}, but in {steps} updates the run never converges: it {outcome.describe()}"
        if outcome.converged_at > value:
            return f"claims convergence by update {value}, but the run converges at update {outcome.converged_at}"
    elif claim == "diverged_by":
        if outcome.diverged_at is None:
            return f"claims divergence by update {value}, but in {steps} updates the run never diverges: it {outcome.describe()}"
        if outcome.diverged_at > value:
            return f"claims divergence by update {value}, but the run diverges at update {outcome.diverged_at}"
    elif claim == "ends_lower_than":
        other = outcomes[index_of[value]]
        if not outcome.final_loss < other.final_loss:
            return f"claims to end lower than {value!r}, but ends at loss {_loss(outcome.final_loss)} against {_loss(other.final_loss)}"
    elif claim == "ends_in_global_minimum":
        if value and not outcome.in_global_minimum:
            return f"claims the run ends in the global minimum, but it {outcome.describe()}"
        if not value and outcome.in_global_minimum:
            return f"claims the run does not end in the global minimum, but it {outcome.describe()}"
    elif claim == "final_loss_below":
        if not outcome.final_loss < value:
            return f"claims a final loss below {value:g}, but the run ends at {_loss(outcome.final_loss)}"
    return None


def check_scenes(sites: Iterable[SceneSite], cache: SceneCache) -> list[Problem]:
    """Run each scene (or take its cached outcome) and report every claim it does not bear out."""
    problems = []
    for site in sites:
        key = scene_key(site.scene)
        outcomes = cache.get(key)
        if outcomes is None:
            try:
                outcomes = simulate_scene(site.scene)
            except DescentError as exc:
                problems.append(Problem(site.file, site.line, site.column, str(exc), path=site.path))
                continue
            cache.put(key, outcomes)
        for index, claim, message in claim_failures(site.scene, outcomes):
            line, column = site.claim_marks.get((index, claim), (site.line, site.column))
            problems.append(Problem(site.file, line, column, message, path=f"{site.path}.runs[{index}].expect.{claim}"))
    return problems
