"""The playground's experiment: a scene being edited and its runs advancing in one batched Simulation.

The setup is a content `Scene` (surface, parameters, updates, runs with optimizer, settings,
lr, schedule chain and start), so what the learner builds can be saved as a scene a question
attaches, and any question's scene can be loaded, with nothing lost either way. The edits
below return new scenes; `Experiment` runs one.

A change made while the runs play either restarts them from the start point or keeps
going: each run continues from where it is with the new settings, as when training is
resumed from a checkpoint with new hyperparameters (the optimizer's state — momentum,
Adam's averages — and the schedule start afresh). The history before the change stays
on the charts.

No Textual here: the screen's logic can be driven and tested without timers.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from studyapp.content.models import FrozenMap, Scene, SceneRun, ScheduleStep
from studyapp.content.scenes import descent_inputs
from studyapp.content.text import Text
from studyapp.descent import (
    MAX_STEPS,
    OPTIMIZERS,
    SCHEDULES,
    DescentError,
    ParamSpec,
    Regime,
    Run,
    Simulation,
    Surface,
    Trajectory,
    check_params,
    classify,
    make_surface,
    plan_schedule,
)
from studyapp.descent.params import coerce
from studyapp.tui.simrun import LR_PARAMETERS, SceneSpec

#: Runs a learner can set up side by side (a loaded scene keeps all of its own, up to 8).
MAX_PLAYGROUND_RUNS = 4
MOMENTUM_LADDER = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
#: The setting that holds each optimizer's momentum (the Adam family's is beta1, betas[0]).
MOMENTUM_SETTING = {"sgd": "momentum", "rmsprop": "momentum", "adam": "betas", "adamw": "betas", "nadam": "betas"}
SCHEDULE_SEPARATOR = ";"
#: The fraction of a one-cycle spent raising the lr (torch's default pct_start, which the preset keeps).
ONE_CYCLE_WARMUP = 0.3

DEFAULT_SCENE = Scene(
    surface="ravine",
    steps=100,
    show=("loss", "path"),
    runs=(
        SceneRun(id="run-1", lr=0.02),
        SceneRun(id="run-2", lr=0.07),
        SceneRun(id="run-3", lr=0.081),
        SceneRun(id="run-4", lr=1 / 9, settings=FrozenMap({"momentum": 4 / 9})),
    ),
)


# --- reading what the learner types ---------------------------------------------------------


def _parse_value(owner: str, spec: ParamSpec, text: str) -> Any:
    """A typed value from text, checked against its spec (raises DescentError naming it)."""

    def number(item: str, integer: bool) -> float | int:
        try:
            value = float(item)
        except ValueError:
            raise DescentError(f"{owner}: {spec.name} must be {'an integer' if integer else 'a number'}, got {item!r}") from None
        if integer:
            if not value.is_integer():
                raise DescentError(f"{owner}: {spec.name} must be an integer, got {item!r}")
            return int(value)
        return value

    if spec.kind == "bool":
        words = {"true": True, "false": False}
        if text.lower() not in words:
            raise DescentError(f"{owner}: {spec.name} must be true or false, got {text!r}")
        value: Any = words[text.lower()]
    elif spec.kind in ("float", "int"):
        value = number(text, spec.kind == "int")
    elif spec.kind in ("floats", "ints"):
        value = tuple(number(item, spec.kind == "ints") for item in text.split(",") if item)
    else:
        value = text
    return coerce(owner, spec, value)


def parse_assignments(text: str, family: str, table: Mapping[str, tuple[ParamSpec, ...]], name: str) -> dict[str, Any]:
    """`"momentum=0.9 nesterov=true"` -> {"momentum": 0.9, "nesterov": True}, checked against the table."""
    if name not in table:
        check_params(family, table, name, {})  # raises the core's "unknown …" message
    specs = {spec.name: spec for spec in table[name]}
    owner = f"{family} {name!r}"
    values: dict[str, Any] = {}
    for item in text.split():
        key, equals, raw = item.partition("=")
        if not equals or not key or not raw:
            raise DescentError(f"{owner}: write each setting as name=value, got {item!r}")
        if key not in specs:
            check_params(family, table, name, {key: raw})  # names the unknown key and lists the known ones
        if key in values:
            raise DescentError(f"{owner}: {key} is given twice")
        values[key] = _parse_value(owner, specs[key], raw)
    return values


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(_format_value(item) for item in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_assignments(values: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={_format_value(value)}" for key, value in values.items())


def parse_schedule(text: str) -> tuple[ScheduleStep, ...]:
    """`"linear start_factor=0.1 total_iters=20 until=20; cosine"` -> a chain; "" or "constant" -> ()."""
    parts = [part.strip() for part in text.split(SCHEDULE_SEPARATOR)]
    if parts == [""] or parts == ["constant"]:
        return ()
    chain = []
    for part in parts:
        if not part:
            raise DescentError(f"schedule: an empty part in {text!r} (chain schedules with '{SCHEDULE_SEPARATOR}')")
        name, _, rest = part.partition(" ")
        until = None
        assignments = []
        for item in rest.split():
            if item.startswith("until="):
                raw = item.removeprefix("until=")
                if not raw.isdigit():
                    raise DescentError(f"schedule {name!r}: until must be a whole number of updates, got {raw!r}")
                until = int(raw)
            else:
                assignments.append(item)
        params = parse_assignments(" ".join(assignments), "schedule", SCHEDULES, name)
        chain.append(ScheduleStep(name=name, params=FrozenMap(params), until=until))
    return tuple(chain)


def format_schedule(chain: Sequence[ScheduleStep]) -> str:
    parts = []
    for step in chain:
        words = [step.name]
        if step.params:
            words.append(format_assignments(step.params))
        if step.until is not None:
            words.append(f"until={step.until}")
        parts.append(" ".join(words))
    return f"{SCHEDULE_SEPARATOR} ".join(parts) if parts else "constant"


def parse_point(text: str, dim: int) -> tuple[float, ...] | None:
    """A start point from "-10, 1" (commas or spaces); blank means the surface's own start."""
    items = text.replace(",", " ").split()
    if not items:
        return None
    try:
        point = tuple(float(item) for item in items)
    except ValueError:
        raise DescentError(f"the start point must be numbers, got {text!r}") from None
    if len(point) != dim:
        raise DescentError(f"the start point needs {dim} value{'s' if dim != 1 else ''} for a {dim}-D surface, got {text!r}")
    if not all(math.isfinite(value) for value in point):
        raise DescentError(f"the start point must be finite, got {text!r}")
    return point


def format_point(point: Sequence[float] | None) -> str:
    return "" if point is None else ", ".join(f"{value:g}" for value in point)


def parse_steps(text: str) -> int:
    try:
        steps = int(text)
    except ValueError:
        raise DescentError(f"updates must be a whole number from 1 to {MAX_STEPS}, got {text!r}") from None
    if not 1 <= steps <= MAX_STEPS:
        raise DescentError(f"updates must be a whole number from 1 to {MAX_STEPS}, got {steps}")
    return steps


def parse_positive(text: str, what: str) -> float:
    """A number > 0 (an lr, a clipping norm), or DescentError naming `what`."""
    try:
        value = float(text)
    except ValueError:
        raise DescentError(f"{what} must be a number > 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise DescentError(f"{what} must be a number > 0, got {text!r}")
    return value


# --- editing a scene ------------------------------------------------------------------------


def with_surface(scene: Scene, name: str, params: Mapping[str, Any]) -> Scene:
    """Another surface; starts are kept only when the dimension stays the same."""
    surface = make_surface(name, **params)
    same_dim = surface.dim == make_surface(scene.surface, **scene.params).dim
    runs = scene.runs if same_dim else tuple(dataclasses.replace(run, x0=None) for run in scene.runs)
    return dataclasses.replace(scene, surface=name, params=FrozenMap(params), runs=runs)


def with_start(scene: Scene, x0: tuple[float, ...] | None) -> Scene:
    """Every run from the same start point (None: the surface's own)."""
    return dataclasses.replace(scene, runs=tuple(dataclasses.replace(run, x0=x0) for run in scene.runs))


def with_steps(scene: Scene, steps: int) -> Scene:
    """Another number of updates; a chain whose next schedule would start too late ends with the one it is in."""
    runs = []
    for run in scene.runs:
        chain = run.schedule
        cut = next((i for i, step in enumerate(chain) if step.until is not None and step.until >= steps), None)
        if cut is not None:
            chain = chain[:cut] + (dataclasses.replace(chain[cut], until=None),)
        runs.append(dataclasses.replace(run, schedule=chain))
    return dataclasses.replace(scene, steps=steps, runs=tuple(runs))


def with_run(scene: Scene, index: int, run: SceneRun) -> Scene:
    runs = list(scene.runs)
    runs[index] = run
    return dataclasses.replace(scene, runs=tuple(runs), show=_show(scene, runs))


def _show(scene: Scene, runs: Sequence[SceneRun]) -> tuple[str, ...]:
    """The lr view is part of a scene whose runs use a schedule."""
    shown = tuple(view for view in scene.show if view != "lr")
    return shown + ("lr",) if any(run.schedule for run in runs) else shown


def _fresh_id(scene: Scene) -> str:
    taken = {run.id for run in scene.runs}
    return next(f"run-{n}" for n in range(1, len(taken) + 2) if f"run-{n}" not in taken)


def add_run(scene: Scene, index: int) -> Scene:
    """A copy of run `index` at half its lr, added at the end (at most MAX_PLAYGROUND_RUNS)."""
    if len(scene.runs) >= MAX_PLAYGROUND_RUNS:
        raise DescentError(f"the playground compares up to {MAX_PLAYGROUND_RUNS} runs")
    source = scene.runs[index]
    copy = dataclasses.replace(scale_lr(source, 0.5), id=_fresh_id(scene), label=None, expect=None)
    return dataclasses.replace(scene, runs=scene.runs + (copy,))


def remove_run(scene: Scene, index: int) -> Scene:
    if len(scene.runs) <= 1:
        raise DescentError("a scene needs at least one run")
    runs = scene.runs[:index] + scene.runs[index + 1 :]
    return dataclasses.replace(scene, runs=runs, show=_show(scene, runs))


def scale_lr(run: SceneRun, factor: float) -> SceneRun:
    """Every learning rate of the run times `factor`: its lr and the schedule's lr parameters."""
    chain = tuple(
        dataclasses.replace(
            step,
            params=FrozenMap({key: value * factor if key in LR_PARAMETERS and isinstance(value, (int, float)) else value for key, value in step.params.items()}),
        )
        for step in run.schedule
    )
    return dataclasses.replace(run, lr=run.lr * factor, schedule=chain, label=None)


def momentum_of(run: SceneRun) -> float | None:
    """The run's momentum (the Adam family's beta1), or None when its optimizer has none."""
    setting = MOMENTUM_SETTING.get(run.optimizer)
    if setting is None:
        return None
    specs = {spec.name: spec for spec in OPTIMIZERS[run.optimizer]}
    value = run.settings.get(setting, specs[setting].default)
    return float(value[0] if setting == "betas" else value)


def step_momentum(run: SceneRun, direction: int) -> SceneRun:
    """The next momentum up (+1) or down (-1) the ladder 0, 0.5, 0.8, 0.9, 0.95, 0.99."""
    current = momentum_of(run)
    if current is None:
        raise DescentError(f"optimizer {run.optimizer!r} has no momentum")
    if direction > 0:
        value = next((m for m in MOMENTUM_LADDER if m > current + 1e-12), MOMENTUM_LADDER[-1])
    else:
        value = next((m for m in reversed(MOMENTUM_LADDER) if m < current - 1e-12), MOMENTUM_LADDER[0])
    settings = dict(run.settings)
    setting = MOMENTUM_SETTING[run.optimizer]
    if setting == "betas":
        beta2 = float(settings.get("betas", (0.9, 0.999))[1])
        settings["betas"] = (value, beta2)
    else:
        settings["momentum"] = value
        if value == 0.0 and settings.get("nesterov"):
            settings.pop("nesterov")  # Nesterov needs momentum
    return dataclasses.replace(run, settings=FrozenMap(settings), label=None)


def with_optimizer(run: SceneRun, name: str) -> SceneRun:
    """Another optimizer, keeping the settings it shares with the old one (momentum, weight decay…)."""
    accepted = {spec.name for spec in OPTIMIZERS[name]}
    settings = {key: value for key, value in run.settings.items() if key in accepted}
    return dataclasses.replace(run, optimizer=name, settings=FrozenMap(settings), label=None)


def next_optimizer(run: SceneRun) -> SceneRun:
    names = list(OPTIMIZERS)
    return with_optimizer(run, names[(names.index(run.optimizer) + 1) % len(names)])


def schedule_presets(lr: float, steps: int, optimizer: str = "sgd") -> tuple[tuple[ScheduleStep, ...], ...]:
    """The schedules the schedule key cycles through, sized to the run: constant first.

    One-cycle and cyclic cycle the momentum too, except for an optimizer that has none.
    """
    warmup = max(1, steps // 10)
    cycling = {} if optimizer in MOMENTUM_SETTING else {"cycle_momentum": False}

    def step(name: str, until: int | None = None, **params: Any) -> ScheduleStep:
        return ScheduleStep(name=name, params=FrozenMap(params), until=until)

    presets: list[tuple[ScheduleStep, ...]] = [
        (),
        (step("step", step_size=max(1, steps // 4), gamma=0.5),),
        (step("exponential", gamma=round(0.01 ** (1 / steps), 6)),),
        (step("cosine"),),
    ]
    if steps >= 3:
        presets.append((step("linear", until=warmup, start_factor=0.1, total_iters=warmup), step("cosine")))
    if steps * ONE_CYCLE_WARMUP > 1:  # one-cycle needs at least one update in its rising phase
        presets.append((step("one-cycle", max_lr=lr, **cycling),))
    presets += [
        (step("cyclic", base_lr=lr / 10, max_lr=lr, step_size_up=max(1, steps // 8), **cycling),),
        (step("reduce-on-plateau", factor=0.5, patience=10),),
    ]
    return tuple(presets)


def next_schedule(run: SceneRun, steps: int) -> SceneRun:
    """The next preset after the run's schedule (matched by the names in its chain)."""
    presets = schedule_presets(run.lr, steps, run.optimizer)
    names = [tuple(step.name for step in preset) for preset in presets]
    current = tuple(step.name for step in run.schedule)
    following = (names.index(current) + 1) % len(presets) if current in names else 0
    return dataclasses.replace(run, schedule=presets[following], label=None)


def describe_run(run: SceneRun) -> str:
    """A one-line summary, e.g. "sgd lr 0.1 m 0.9 · cosine"."""
    words = [f"{run.optimizer} lr {run.lr:.3g}"]
    momentum = momentum_of(run)
    if momentum:
        words.append(f"{'β1' if MOMENTUM_SETTING[run.optimizer] == 'betas' else 'm'} {momentum:.3g}")
    if run.settings.get("nesterov"):
        words.append("nesterov")
    if run.schedule:
        words.append("· " + " → ".join(step.name for step in run.schedule))
    return " ".join(words)


def run_label(run: SceneRun) -> Text:
    """A run's label: the written one, or its summary."""
    return run.label if run.label is not None else Text.plain(describe_run(run))


def _bilingual(text: Any) -> Text:
    """A label that has a version per language (content Text, or the panel's own) as content Text."""
    return Text(en=text.get("en"), ko=text.get("ko"))


def scene_from_spec(spec: SceneSpec, runs: Sequence[Run] | None = None) -> Scene:
    """A simulation panel's scene as a playground scene.

    `runs` are the panel's runs as they play (their lrs may have been nudged); the written
    labels are kept only while every run still has the lr they describe.
    """
    runs = tuple(runs) if runs is not None else spec.runs
    nudged = any(run.lr != original.lr for run, original in zip(runs, spec.runs))
    scene_runs = tuple(
        SceneRun(
            id=f"run-{i + 1}",
            lr=run.lr,
            optimizer=run.optimizer,
            label=None if nudged else _bilingual(label),
            settings=FrozenMap(dict(run.settings)),
            schedule=tuple(ScheduleStep(name=step.name, params=FrozenMap(dict(step.params)), until=step.until) for step in run.schedule),
            x0=None if run.x0 is None else tuple(float(v) for v in run.x0),
            max_norm=run.max_norm,
        )
        for i, (run, label) in enumerate(zip(runs, spec.labels))
    )
    return Scene(
        surface=spec.surface.name,
        params=FrozenMap(dict(spec.surface.params)),
        steps=spec.steps,
        show=tuple(spec.show),
        caption=None if spec.caption is None else _bilingual(spec.caption),
        runs=scene_runs,
    )


PLATEAU = "reduce-on-plateau"
#: Tells plans apart, so a view can keep a chart drawn from the same plan.
_PLAN_IDS = itertools.count()


def planned_rates(scene: Scene) -> tuple[np.ndarray, np.ndarray | None]:
    """Each run's lr at every update of `scene`, and its momentum (beta1) when a schedule cycles one.

    Schedules are closed-form, so the whole plan is known before the runs start, except
    reduce-on-plateau's cuts, which follow the losses (NaN here). The lr view draws the
    plan once per change instead of a line that grows, and is redrawn, every frame.
    """
    updates = np.arange(scene.steps)
    lrs = np.full((scene.steps, len(scene.runs)), np.nan)
    cycled: dict[int, np.ndarray] = {}
    for i, run in enumerate(scene.runs):
        if run.schedule and run.schedule[0].name == PLATEAU:
            continue
        schedule = plan_schedule(run.schedule, run.lr, scene.steps)
        lrs[:, i] = schedule.lr(updates)
        if schedule.momentum is not None:
            cycled[i] = schedule.momentum(updates)
    if not cycled:
        return lrs, None
    momenta = np.full((scene.steps, len(scene.runs)), np.nan)
    for i, run in enumerate(scene.runs):
        own = momentum_of(run)
        own = np.nan if own is None else own
        momenta[:, i] = np.where(np.isnan(cycled[i]), own, cycled[i]) if i in cycled else own
    return lrs, momenta


# --- the live experiment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What the charts need to know about the experiment: its surface and the update axis's length."""

    surface: Surface
    steps: int


def _joined(parts: Sequence[np.ndarray | None], rows: Sequence[int], runs: int) -> np.ndarray | None:
    if all(part is None for part in parts):
        return None
    return np.concatenate([np.full((count, runs), np.nan) if part is None else part for part, count in zip(parts, rows)])


class Experiment:
    """The runs of a scene advancing together; settings can change mid-way (see the module docstring)."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.surface, runs = descent_inputs(scene)
        self._simulation = Simulation(self.surface, runs, scene.steps)
        self._history: list[Trajectory] = []  # segments before the last change, each without its last row
        self._offset = 0
        self._joined: tuple[tuple[int, int], Trajectory] | None = None
        self._plan = planned_rates(scene)
        self.plan_id = next(_PLAN_IDS)
        self.regimes: list[Regime] = classify(self.surface, self._simulation.trajectory())

    @property
    def k(self) -> int:
        """Updates made so far, across every segment."""
        return self._offset + self._simulation.k

    @property
    def horizon(self) -> int:
        """The update at which the runs stop."""
        return self._offset + self._simulation.steps

    @property
    def done(self) -> bool:
        return self._simulation.done

    @property
    def spec(self) -> Window:
        return Window(self.surface, self.horizon)

    def step(self, updates: int) -> None:
        """Advance every run by up to `updates`, then name each run's regime so far."""
        self._simulation.step(updates)
        self.regimes = classify(self.surface, self.trajectory())

    def finish(self) -> None:
        self.step(self.horizon - self.k)

    def restart(self, scene: Scene) -> None:
        """Run `scene` from its start (raises DescentError and keeps the old runs if the core refuses it)."""
        fresh = Experiment(scene)
        self.__dict__.update(fresh.__dict__)

    def keep_going(self, scene: Scene) -> None:
        """Continue each run from where it is with `scene`'s settings, to the current horizon
        (or for another `scene.steps` updates when the runs are done).

        Raises DescentError, keeping the old runs, when the core refuses the new settings or
        the runs changed in number (then only a restart makes sense).
        """
        if len(scene.runs) != len(self.scene.runs):
            raise DescentError("runs were added or removed: restart to run the new set")
        here = self._simulation.trajectory()
        positions = here.positions[-1]
        remaining = self.horizon - self.k if not self.done else scene.steps
        continued = dataclasses.replace(
            scene,
            steps=remaining,
            runs=tuple(dataclasses.replace(run, x0=tuple(map(float, positions[i]))) for i, run in enumerate(scene.runs)),
        )
        surface, runs = descent_inputs(continued)
        simulation = Simulation(surface, runs, remaining)
        self._history.append(self._without_last_row(here))
        self._offset = self.k
        self._simulation = simulation
        self._plan = planned_rates(continued)
        self.plan_id = next(_PLAN_IDS)
        self.scene = scene
        self.regimes = classify(self.surface, self.trajectory())

    @staticmethod
    def _without_last_row(traj: Trajectory) -> Trajectory:
        """A segment's arrays minus its final position (the next segment starts there)."""
        return dataclasses.replace(traj, positions=traj.positions[:-1], loss=traj.loss[:-1])

    def trajectory(self) -> Trajectory:
        """Every update so far, segments joined; `diverged_at` counts from the very start."""
        key = (len(self._history), self._simulation.k)
        if self._joined is None or self._joined[0] != key:
            self._joined = (key, self._join())
        return self._joined[1]

    def _join(self) -> Trajectory:
        current = self._simulation.trajectory()
        if not self._history:
            return current
        parts = [*self._history, current]
        runs = current.loss.shape[1]
        diverged_at = np.where(current.diverged_at >= 0, current.diverged_at + self._offset, -1)
        return Trajectory(
            positions=np.concatenate([part.positions for part in parts]),
            loss=np.concatenate([part.loss for part in parts]),
            lrs=np.concatenate([part.lrs for part in parts]),
            momenta=_joined([part.momenta for part in parts], [part.lrs.shape[0] for part in parts], runs),
            diverged_at=diverged_at,
        )

    @property
    def plan_is_fixed(self) -> bool:
        """True when no run's lr depends on its losses (no reduce-on-plateau): the plan never changes."""
        return not np.isnan(self._plan[0]).any()

    def lr_plan(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Every run's lr (and cycled momentum) for every update to the horizon: the lrs used so
        far, then the current settings' plan (for reduce-on-plateau: as far as it has gone)."""
        done = self.trajectory()
        lrs, momenta = self._plan
        here = self._simulation.k
        if not self.plan_is_fixed:
            lrs = lrs.copy()
            lrs[:here] = done.lrs[self._offset :]
        past = done.lrs[: self._offset]
        joined_lrs = np.concatenate([past, lrs])
        if momenta is None and done.momenta is None:
            return joined_lrs, None
        past_momenta = done.momenta[: self._offset] if done.momenta is not None else np.full(past.shape, np.nan)
        current = momenta if momenta is not None else np.full(lrs.shape, np.nan)
        return joined_lrs, np.concatenate([past_momenta, current])

    def diverged_at(self) -> list[int | None]:
        """Per run, the update where it diverged (frozen by the core or blowing up), else None."""
        return [regime.diverged_at if regime.kind == "diverged" else None for regime in self.regimes]
