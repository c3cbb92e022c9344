"""`studyapp sim`: run the descent core from the shell.

One batched run per value of `--lr`; the loss curves and the path are drawn in the
terminal with plotext, then each run's regime is printed in words. `--json` prints the
numbers instead. Optimizer and schedule options are generated from the core's
parameter tables, so they always match what the core accepts: torch's names with
dashes (`--weight-decay`, `--t-max`, `--betas 0.9,0.999`). A schedule parameter that
shares its name with an optimizer setting takes a `--schedule-` prefix
(`--schedule-eps` is reduce-on-plateau's eps, `--eps` Adam's).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from studyapp.descent import (
    MAX_RUNS,
    MAX_STEPS,
    OPTIMIZERS,
    SCHEDULES,
    SURFACES,
    DescentError,
    ParamSpec,
    Regime,
    Run,
    ScheduleSpec,
    StabilityMap,
    Surface,
    Trajectory,
    classify,
    log_range,
    lr_range_test,
    make_surface,
    parse_range,
    simulate,
    sweep_lr,
)

DEFAULT_STEPS = 100
PALETTE = [(66, 135, 245), (245, 130, 48), (60, 180, 75), (230, 25, 75), (145, 30, 180), (0, 170, 170), (240, 50, 230), (150, 150, 40)]
CURVE_COLOR = (140, 140, 140)
# A path chart may widen the surface's window to show where runs went, up to this many spans on each side.
WINDOW_GROWTH = 2.0
# A log-scale loss chart shows this many decades below its largest value.
LOG_DECADES = 16
# Values beyond this are off any chart (plotext's tick arithmetic overflows near 1e308).
LARGEST = 1e100


class InputError(Exception):
    """Bad command-line input: one line for stderr."""


@dataclass(frozen=True)
class Option:
    """A command-line option generated from a ParamSpec, and where its value goes."""

    flag: str
    dest: str
    spec: ParamSpec
    family: str  # "optimizer" or "schedule"
    owners: tuple[str, ...]


def _generated_options() -> list[Option]:
    optimizer_names = {spec.name for specs in OPTIMIZERS.values() for spec in specs}
    options: dict[tuple[str, str], Option] = {}
    for family, table in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES)):
        for owner, specs in table.items():
            for spec in specs:
                key = (family, spec.name)
                if key in options:
                    previous = options[key]
                    options[key] = Option(previous.flag, previous.dest, previous.spec, family, previous.owners + (owner,))
                    continue
                clash = family == "schedule" and spec.name in optimizer_names
                name = f"schedule_{spec.name}" if clash else spec.name
                options[key] = Option("--" + name.replace("_", "-"), f"param_{family}_{spec.name}", spec, family, (owner,))
    return list(options.values())


OPTIONS = _generated_options()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="simulate gradient descent on a surface and show what each learning rate does",
        description=(
            "Simulate gradient descent on a loss surface: one batched run per --lr value. Draws the loss "
            "curves and the path in the terminal and names each run's regime (converged, slow, "
            "oscillating, diverged, trapped), or prints the numbers with --json. "
            "See every surface, optimizer and schedule with --list."
        ),
    )
    parser.add_argument("--surface", default="quadratic", help="loss surface (default: quadratic, f = x^2)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a surface parameter, e.g. --param kappa=10 (repeatable)")
    parser.add_argument("--lr", default="0.1", help="learning rates, comma-separated: one run per value (default: 0.1)")
    parser.add_argument("--x0", help="start point, comma-separated, one value per dimension (default: the surface's)")
    parser.add_argument("--steps", default=str(DEFAULT_STEPS), help=f"number of updates, 1 to {MAX_STEPS} (default: {DEFAULT_STEPS})")
    parser.add_argument("--optimizer", default="sgd", help="optimizer (default: sgd)")
    parser.add_argument("--schedule", default="constant", help="lr schedule (default: constant)")
    parser.add_argument("--max-norm", help="clip each gradient to this norm (torch's clip_grad_norm_)")
    parser.add_argument("--json", action="store_true", help='print {"runs": [{"lr", "x", "loss", "lrs", "regime", "converged_at", "diverged_at"}, ...]}')
    parser.add_argument("--list", action="store_true", help="list every surface, optimizer and schedule with its parameters and defaults")
    parser.add_argument("--range-test", action="store_true", help="run the LR range test (fastai's lr_find) instead: uses --surface, --param, --optimizer and its settings, --x0")
    parser.add_argument(
        "--sweep-lr",
        metavar="START:END:N",
        help="the stability map instead: N constant lrs from START to END (log-spaced) in one batch, e.g. 1e-3:10:300; "
        "uses --surface, --param, --x0, --steps, --optimizer and its settings, --max-norm",
    )
    optimizer_group = parser.add_argument_group("optimizer settings (torch's names)")
    schedule_group = parser.add_argument_group("schedule parameters (torch's names)")
    for option in OPTIONS:
        group = optimizer_group if option.family == "optimizer" else schedule_group
        table = OPTIMIZERS if option.family == "optimizer" else SCHEDULES
        specs = {owner: next(spec for spec in table[owner] if spec.name == option.spec.name) for owner in option.owners}
        docs = {owner: spec.doc for owner, spec in specs.items()}
        if len(set(docs.values())) == 1:
            help_text = f"{option.spec.doc} ({', '.join(option.owners)})"
        else:
            help_text = "; ".join(f"{owner}: {doc}" for owner, doc in docs.items())
        if option.spec.kind == "bool":
            group.add_argument(option.flag, dest=option.dest, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            group.add_argument(option.flag, dest=option.dest, default=None, metavar=_metavar(list(specs.values())), help=help_text)
    parser.set_defaults(func=run)


def _metavar(specs: list[ParamSpec]) -> str:
    spec = specs[0]
    if spec.kind == "choice":
        return "{" + ",".join(dict.fromkeys(choice for each in specs for choice in each.choices)) + "}"
    if spec.kind in ("floats", "ints"):
        return "A,B,..."
    return "INT" if spec.kind == "int" else "X"


def parse_number(text: str, integer: bool, what: str) -> float | int:
    """One number from the command line; `what` names the option in the error."""
    try:
        return int(text) if integer else float(text)
    except ValueError:
        raise InputError(f"{what} must be {'an integer' if integer else 'a number'}, got {text!r}") from None


def parse_numbers(text: str, integer: bool, what: str) -> tuple:
    """Comma-separated numbers ("0.9,0.999"); `what` names the option in the error."""
    parts = [part.strip() for part in text.split(",")]
    if not text.strip() or any(not part for part in parts):
        raise InputError(f"{what} must be {'integers' if integer else 'numbers'} separated by commas, got {text!r}")
    return tuple(parse_number(part, integer, what) for part in parts)


def _convert(spec: ParamSpec, text: Any, what: str) -> Any:
    """A command-line string in the form the spec's kind expects; range checks are the core's."""
    if spec.kind == "bool" or not isinstance(text, str):
        return text
    if spec.kind in ("float", "int"):
        return parse_number(text, spec.kind == "int", what)
    if spec.kind in ("floats", "ints"):
        return parse_numbers(text, spec.kind == "ints", what)
    return text


def _surface_params(surface: str, assignments: Sequence[str]) -> dict[str, Any]:
    specs = {spec.name: spec for spec in SURFACES.get(surface, ())}
    params: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or not name:
            raise InputError(f"--param takes NAME=VALUE, got {assignment!r}")
        spec = specs.get(name)
        if spec is None:
            params[name] = text  # the core names the unknown parameter and lists the known ones
        elif spec.kind == "bool":
            params[name] = {"true": True, "false": False}.get(text.strip().lower(), text)
        else:
            try:
                params[name] = _convert(spec, text.strip(), f"--param {name}")
            except InputError:
                params[name] = text  # the core reports the bad value with the surface's name
    return params


def _given_options(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The optimizer settings and schedule parameters actually given on the command line."""
    settings: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for option in OPTIONS:
        value = getattr(args, option.dest)
        if value is None:
            continue
        target = settings if option.family == "optimizer" else params
        target[option.spec.name] = _convert(option.spec, value, option.flag)
    return settings, params


def _runs(args: argparse.Namespace) -> tuple[list[Run], int]:
    """One Run per --lr value, all with the same optimizer, settings, schedule and start."""
    lrs = parse_numbers(args.lr, False, "--lr")
    if len(lrs) > MAX_RUNS:
        raise InputError(f"--lr takes at most {MAX_RUNS} values, got {len(lrs)}")
    steps = parse_number(args.steps, True, "--steps")
    x0 = parse_numbers(args.x0, False, "--x0") if args.x0 is not None else None
    max_norm = parse_number(args.max_norm, False, "--max-norm") if args.max_norm is not None else None
    settings, params = _given_options(args)
    schedule = () if args.schedule == "constant" and not params else (ScheduleSpec(args.schedule, params),)
    runs = [Run(lr=lr, optimizer=args.optimizer, settings=settings, schedule=schedule, x0=x0, max_norm=max_norm) for lr in lrs]
    return runs, steps


def run(args: argparse.Namespace) -> int:
    try:
        if args.list:
            print(listing())
            return 0
        surface = make_surface(args.surface, **_surface_params(args.surface, args.param))
        if args.range_test and args.sweep_lr is not None:
            raise InputError("--range-test and --sweep-lr are two different runs: give one of them")
        if args.range_test:
            return _range_test(args, surface)
        if args.sweep_lr is not None:
            return _sweep(args, surface)
        runs, steps = _runs(args)
        trajectory = simulate(surface, runs, steps)
        regimes = classify(surface, trajectory)
    except (DescentError, InputError) as error:
        print(f"studyapp sim: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json(runs, trajectory, regimes), allow_nan=False))
    else:
        color = sys.stdout.isatty()
        print(draw(surface, runs, trajectory, color=color))
        for line in regime_lines(surface, runs, trajectory, regimes, color=color):
            print(line)
    return 0


def to_json(runs: Sequence[Run], trajectory: Trajectory, regimes: Sequence[Regime]) -> dict[str, Any]:
    """The documented --json shape: one entry per run."""
    return {
        "runs": [
            {
                "lr": run.lr,
                "x": trajectory.positions[:, i].tolist(),
                "loss": trajectory.loss[:, i].tolist(),
                "lrs": trajectory.lrs[:, i].tolist(),
                "regime": regime.kind,
                "converged_at": regime.converged_at,
                "diverged_at": regime.diverged_at,
            }
            for i, (run, regime) in enumerate(zip(runs, regimes))
        ]
    }


def _label(run: Run) -> str:
    return f"lr {run.lr:g}"


def _point(surface: Surface, index: int) -> str:
    return ", ".join(f"{v:.3g}" for v in surface.minima[index])


def regime_lines(surface: Surface, runs: Sequence[Run], trajectory: Trajectory, regimes: Sequence[Regime], color: bool = False) -> list[str]:
    """Each run's regime in words, e.g. "lr 1.01: diverged at update 1"; in colour, each label in its run's colour."""
    updates = trajectory.lrs.shape[0]
    lines = []
    for run, regime in zip(runs, regimes):
        if regime.kind == "converged":
            words = f"converged at update {regime.converged_at}"
        elif regime.kind == "trapped":
            words = f"trapped in the local minimum at ({_point(surface, regime.minimum)}) from update {regime.converged_at}"
        elif regime.kind == "diverged":
            words = f"diverged at update {regime.diverged_at}"
        elif regime.kind == "slow":
            words = f"slow (loss {regime.final_loss:.3g} after {updates} updates)"
        else:
            words = regime.kind
        label = _label(run)
        if color:
            red, green, blue = PALETTE[len(lines) % len(PALETTE)]
            label = f"\x1b[38;2;{red};{green};{blue}m{label}\x1b[0m"
        lines.append(f"{label}: {words}")
    return lines


# --- drawing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    xs: np.ndarray
    ys: np.ndarray
    color: tuple[int, int, int]
    marker: str = "hd"
    lines: bool = True


def _finite(xs: Any, ys: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(xs, dtype=float).ravel(), np.asarray(ys, dtype=float).ravel()
    with np.errstate(all="ignore"):
        keep = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= LARGEST) & (np.abs(y) <= LARGEST)
    return x[keep], y[keep]


def _span(values: list[np.ndarray]) -> tuple[float, float]:
    values = [v for v in values if v.size]
    if not values:
        return 0.0, 1.0
    low, high = min(float(v.min()) for v in values), max(float(v.max()) for v in values)
    if not high > low:
        pad = max(abs(low) * 0.1, 1e-9)
        low, high = low - pad, high + pad
    return low, high


def _thin(x: np.ndarray, y: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= limit:
        return x, y
    keep = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return x[keep], y[keep]


def _decades(low: float, high: float, rows: int) -> tuple[list[float], list[str]]:
    decades = list(range(math.floor(high + 1e-9), math.ceil(low - 1e-9) - 1, -1))
    if len(decades) < 2:
        return [low, high], [f"{10**low:.2g}", f"{10**high:.2g}"]
    stride = max(1, math.ceil(len(decades) / max(2, rows // 3)))
    chosen = decades[::stride]
    return [float(d) for d in chosen], [f"1e{d}" for d in chosen]


def chart(title: str, lines: Sequence[Line], width: int, height: int, xlabel: str = "", log_y: bool = False, log_x: bool = False,
          xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None, color: bool = False,
          marks: Sequence[float] = ()) -> str:
    """Draw lines with plotext, safely: finite points only, clipped into the window, thinned to the cells.

    Log axes are drawn as log10 values with decade labels, so zeros and huge ranges never reach plotext.
    `marks` are x positions shown as vertical lines.
    """
    import plotext

    data = []
    for line in lines:
        x, y = _finite(line.xs, line.ys)
        if log_x or log_y:
            keep = (x > 0 if log_x else True) & (y > 0 if log_y else True)
            x, y = x[keep], y[keep]
            x = np.log10(x) if log_x else x
            y = np.log10(y) if log_y else y
        data.append((line, x, y))
    if log_y:
        # show at most LOG_DECADES decades below the top: a loss of 1e-80 would flatten everything else
        top = max((float(y.max()) for _, _, y in data if y.size), default=0.0)
        data = [(line, x, np.maximum(y, top - LOG_DECADES)) for line, x, y in data]
    x_low, x_high = xlim if xlim is not None else _span([x for _, x, _ in data])
    y_low, y_high = ylim if ylim is not None else _span([y for _, _, y in data])
    figure = plotext.figure
    figure.clear()
    plotext.terminal.limit(False, False)
    figure.plot_size(width, height)
    figure.theme("simple" if color else "colorless")
    figure.title(title)
    if xlabel:
        figure.label(xlabel)
    figure.ruler("x").lim(x_low, x_high)
    figure.ruler("y").lim(y_low, y_high)
    if log_y:
        figure.ruler("y").ticks(*_decades(y_low, y_high, height))
    if log_x:
        figure.ruler("x").ticks(*_decades(x_low, x_high, width // 4))
    for line, x, y in data:
        if not x.size:
            continue
        x, y = _thin(np.clip(x, x_low, x_high), np.clip(y, y_low, y_high), max(8, 2 * width))
        signal = figure.signal(x.tolist(), y.tolist(), marker=plotext.marker(line.marker, line.color))
        if line.lines and len(x) > 1:
            signal.lines()
        figure.draw(signal)
    for mark in marks:
        position = math.log10(mark) if log_x else mark
        if x_low <= position <= x_high:
            figure.line(position, orientation="vertical", style="dotted")
    return figure.build().string(colorless=not color)


def _spans_decades(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size and finite.min() > 0 and finite.max() / finite.min() >= 100)


def _path_window(surface: Surface, trajectory: Trajectory) -> list[tuple[float, float]]:
    """The surface's window, widened (within limits) to show where the runs went."""
    window = []
    for axis, (low, high) in enumerate(surface.bounds):
        span = high - low
        values = trajectory.positions[:, :, axis]
        values = values[np.isfinite(values)]
        if values.size:
            low = max(min(low, float(values.min())), low - WINDOW_GROWTH * span)
            high = min(max(high, float(values.max())), high + WINDOW_GROWTH * span)
        window.append((low, high))
    return window


def draw(surface: Surface, runs: Sequence[Run], trajectory: Trajectory, width: int | None = None, height: int | None = None, color: bool | None = None) -> str:
    """The loss curves and (for 1-D and 2-D surfaces) the path, sized to the terminal.

    The charts carry no legend (it would hide the start of the curves): each run keeps its
    colour in the regime lines printed below them.
    """
    columns, rows = shutil.get_terminal_size((100, 40))
    width = width or max(40, min(columns, 160))
    height = height or max(12, min(24, (rows - len(runs) - 2) // 2))
    color = sys.stdout.isatty() if color is None else color
    updates = np.arange(trajectory.loss.shape[0])
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(runs))]
    loss_lines = [Line(updates, trajectory.loss[:, i], colors[i]) for i in range(len(runs))]
    log_y = _spans_decades(trajectory.loss)
    title = f"loss on {surface.name}" + (" (log scale)" if log_y else "")
    parts = [chart(title, loss_lines, width, height, xlabel="update", log_y=log_y, color=color)]

    window = _path_window(surface, trajectory)
    if surface.dim == 1:
        grid = np.linspace(*window[0], 400)
        curve = surface.value(grid[:, None])
        lines = [Line(grid, curve, CURVE_COLOR, marker="dot")]
        # points only: lines between the iterates of a bouncing run would fill the whole chart
        lines += [Line(trajectory.positions[:, i, 0], trajectory.loss[:, i], colors[i], marker="•", lines=False) for i in range(len(runs))]
        parts.append(chart(f"path on {surface.name}: loss against x", lines, width, height, xlabel="x", xlim=window[0], ylim=_span([_finite(grid, curve)[1]]), color=color))
    elif surface.dim == 2:
        lines = [Line(trajectory.positions[:, i, 0], trajectory.positions[:, i, 1], colors[i]) for i in range(len(runs))]
        lines.append(Line(surface.minima[:, 0], surface.minima[:, 1], CURVE_COLOR, marker="x", lines=False))
        across, up = ("weight", "bias") if surface.name == "regression" else ("x", "y")
        parts.append(chart(f"path on {surface.name} ({across}, {up})", lines, width, height, xlabel=across, xlim=window[0], ylim=window[1], color=color))
    return "\n".join(parts)


# --- --list and --range-test ---------------------------------------------------------------


def _default(spec: ParamSpec) -> str:
    if spec.required:
        return "(required)"
    if spec.default is None:
        return "(optional)"
    if isinstance(spec.default, bool):
        return "true" if spec.default else "false"
    if isinstance(spec.default, tuple):
        return ",".join(f"{v:g}" for v in spec.default)
    return f"{spec.default:g}" if isinstance(spec.default, (int, float)) else str(spec.default)


def _table(title: str, table: Mapping[str, tuple[ParamSpec, ...]], flag_of: Mapping[str, str]) -> list[str]:
    lines = [title]
    for name, specs in table.items():
        lines.append(f"  {name}" + ("" if specs else "  (no parameters)"))
        for spec in specs:
            flag = flag_of.get(spec.name, spec.name)
            choices = f" (one of: {', '.join(spec.choices)})" if spec.choices else ""
            lines.append(f"      {flag}{'' if flag.endswith('=') else ' '}{_default(spec)}  {spec.doc}{choices}")
    return lines


def listing() -> str:
    """Every surface, optimizer and schedule with its parameters, defaults and option names."""
    optimizer_flags = {o.spec.name: o.flag for o in OPTIONS if o.family == "optimizer"}
    schedule_flags = {o.spec.name: o.flag for o in OPTIONS if o.family == "schedule"}
    surface_flags = {spec.name: f"--param {spec.name}=" for specs in SURFACES.values() for spec in specs}
    lines = _table("surfaces (--surface NAME):", SURFACES, surface_flags)
    lines += [""] + _table("optimizers (--optimizer NAME):", OPTIMIZERS, optimizer_flags)
    lines += [""] + _table("schedules (--schedule NAME):", SCHEDULES, schedule_flags)
    return "\n".join(lines)


def _range_test(args: argparse.Namespace, surface: Surface) -> int:
    settings, _ = _given_options(args)
    x0 = parse_numbers(args.x0, False, "--x0") if args.x0 is not None else None
    result = lr_range_test(surface, args.optimizer, settings, x0=x0)
    suggestions = {"steep": result.steep, "minimum_div_10": result.minimum_div_10, "valley": result.valley}
    if args.json:
        print(json.dumps({"range_test": {"lrs": result.lrs.tolist(), "losses": result.losses.tolist(), "smoothed": result.smoothed.tolist(), "stopped_early": result.stopped_early, **suggestions}}, allow_nan=False))
        return 0
    columns, rows = shutil.get_terminal_size((100, 40))
    width, height = max(40, min(columns, 160)), max(12, min(30, rows - 6))
    # like fastai's plot, leave out the last points, where the loss shoots up
    shown = slice(None, max(2, len(result.lrs) - 5))
    curve = [Line(result.lrs[shown], result.smoothed[shown], PALETTE[0])]
    title = f"LR range test on {surface.name} ({args.optimizer}): smoothed loss; dotted: steep and valley"
    print(chart(title, curve, width, height, xlabel="lr (log scale)", log_x=True, color=sys.stdout.isatty(), marks=(result.steep, result.valley)))
    ending = "stopped when the smoothed loss passed 4x its best" if result.stopped_early else "ran the whole ramp"
    print(f"{len(result.lrs)} steps from lr {result.lrs[0]:.3g} to {result.lrs[-1]:.3g}; {ending}")
    print(f"suggested lr: steep {result.steep:.3g}, minimum/10 {result.minimum_div_10:.3g}, valley {result.valley:.3g}")
    return 0


# --- --sweep-lr ----------------------------------------------------------------------------

# One marker per regime, so the map reads without colour too.
SWEEP_MARKERS = {"converged": "o", "slow": ".", "oscillating": "~", "diverged": "x", "trapped": "T"}


def _sweep(args: argparse.Namespace, surface: Surface) -> int:
    """The stability map: final loss and regime of N constant learning rates run as one batch."""
    start, end, num = parse_range(args.sweep_lr)
    steps = parse_number(args.steps, True, "--steps")
    settings, params = _given_options(args)
    if args.schedule != "constant" or params:
        raise InputError("--sweep-lr runs constant learning rates: leave out --schedule and its parameters")
    x0 = parse_numbers(args.x0, False, "--x0") if args.x0 is not None else None
    max_norm = parse_number(args.max_norm, False, "--max-norm") if args.max_norm is not None else None
    stability = sweep_lr(surface, log_range(start, end, num), steps, args.optimizer, settings, x0, max_norm)
    if args.json:
        print(json.dumps(sweep_json(stability), allow_nan=False))
        return 0
    color = sys.stdout.isatty()
    print(draw_sweep(surface, stability, color=color))
    for line in sweep_lines(surface, stability):
        print(line)
    return 0


def sweep_json(stability: StabilityMap) -> dict[str, Any]:
    """{"sweep": {"lrs", "final_loss", "regime", "converged_at", "diverged_at", "marks", "stability_edge"}}."""
    edge = float(stability.stability_edge())

    def reached(values: np.ndarray) -> list[int | None]:
        return [int(v) if v >= 0 else None for v in values]

    return {
        "sweep": {
            "lrs": stability.lrs.tolist(),
            "final_loss": stability.final_loss.tolist(),
            "regime": stability.regime_names().tolist(),
            "converged_at": reached(stability.converged_at),
            "diverged_at": reached(stability.diverged_at),
            "marks": [{"name": mark.label, "lr": mark.lr} for mark in stability.marks()],
            "stability_edge": edge if math.isfinite(edge) else None,
        }
    }


def draw_sweep(surface: Surface, stability: StabilityMap, width: int | None = None, height: int | None = None, color: bool = False) -> str:
    """Final loss against lr (log axes), one marker and colour per regime, the theory's lrs dotted."""
    columns, rows = shutil.get_terminal_size((100, 40))
    width = width or max(40, min(columns, 160))
    height = height or max(12, min(24, rows - 12))
    kinds = stability.regime_names()
    # The loss above the lowest minimum, from 1e-8 to 1e8 times its value at the start: a run
    # that reached the minimum exactly sits on the floor, one that blew up on the ceiling.
    start = math.log10(stability.start_excess) if stability.start_excess > 0 else 0.0
    ylim = (start - LOG_DECADES / 2, start + LOG_DECADES / 2)
    excess = np.clip(stability.excess_loss, 10 ** ylim[0], 10 ** ylim[1])
    lines = [
        Line(stability.lrs[kinds == kind], excess[kinds == kind], PALETTE[index], marker=SWEEP_MARKERS[kind], lines=False)
        for index, kind in enumerate(SWEEP_MARKERS)
        if np.any(kinds == kind)
    ]
    title = f"final loss above the minimum after {stability.steps} updates on {surface.name} (log scale)"
    xlim = (math.log10(stability.lrs[0]), math.log10(stability.lrs[-1]))
    marks = [mark.lr for mark in stability.marks()]
    return chart(title, lines, width, height, xlabel="lr (log scale)", log_y=True, log_x=True, xlim=xlim, ylim=ylim, color=color, marks=marks)


def sweep_lines(surface: Surface, stability: StabilityMap) -> list[str]:
    """The regime bands, the markers, the theory's limits and where divergence starts, in words."""
    lrs = stability.lrs
    lines = [f"{len(lrs)} constant lrs from {lrs[0]:.3g} to {lrs[-1]:.3g}, {stability.steps} updates of {stability.optimizer} each, on {surface.name}:"]
    for band in stability.bands():
        span = f"{band.low:.3g}" if band.count == 1 else f"{band.low:.3g} – {band.high:.3g}"
        lines.append(f"  {span:<22} {band.kind:<12} {band.count:>5} run{'s' if band.count != 1 else ''}")
    lines.append("markers: " + "  ".join(f"{marker} {kind}" for kind, marker in SWEEP_MARKERS.items()))
    limits = stability.limits
    if limits is not None:
        marks = ", ".join(f"{mark.label} = {mark.lr:.4g}" for mark in stability.marks())
        lines.append(f"theory (plain SGD on a quadratic, mu = {limits.mu:g}, L = {limits.L:g}): {marks} (dotted lines)")
    else:
        lines.append("theory: no closed-form limits here (they hold for plain SGD, without Nesterov, dampening, weight decay or clipping, on a quadratic)")
    edge = float(stability.stability_edge())
    if math.isfinite(edge):
        lines.append(f"the runs diverge from lr {edge:.4g} on (every larger lr in the sweep diverges too)")
    else:
        lines.append("the largest lr in the sweep does not diverge")
    return lines

