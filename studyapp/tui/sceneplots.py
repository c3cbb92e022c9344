"""Charts of a running scene: loss against update, the path, and the lr against update.

Axes stay put while a scene plays: the update axis spans the whole run, the path is drawn
in the surface's own window, and the loss axis is capped at ten times the starting loss,
so a diverging run climbs to the top edge, is clipped there and is labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studyapp.descent import Surface, Trajectory
from studyapp.tui.i18n import tr
from studyapp.tui.plotting import RGB, Chart, Note, Series, Shade
from studyapp.tui.simrun import SceneRun

#: The loss axis turns logarithmic when what it shows spans at least this ratio (two decades).
LOG_SPAN = 100.0
#: Contour levels drawn over a 2-D surface.
CONTOUR_LEVELS = 6
CURRENT = "●"
CONTOUR = "·"
#: On a 1-D curve a path jumps back and forth across the bowl; only its last few jumps are
#: drawn as lines (older positions stay as dots), or an oscillating run would fill the bowl.
TRAIL = 6
#: Points computed along a 1-D curve (the chart thins them to what its cells can show).
CURVE_POINTS = 256


@dataclass(frozen=True)
class Palette:
    """Colours: one per run, the contour lines, and the warning colour of diverged labels."""

    runs: tuple[RGB, ...]
    contour: RGB
    alert: RGB

    def run(self, index: int) -> RGB:
        return self.runs[index % len(self.runs)]


# Okabe–Ito colours, readable by colour-blind learners; the light palette swaps yellow for black.
DARK = Palette(
    runs=((86, 180, 233), (230, 159, 0), (0, 158, 115), (240, 228, 66), (204, 121, 167), (213, 94, 0), (0, 114, 178), (255, 255, 255)),
    contour=(96, 96, 96),
    alert=(255, 85, 85),
)
LIGHT = Palette(
    runs=((0, 114, 178), (213, 94, 0), (0, 158, 115), (0, 0, 0), (204, 121, 167), (230, 159, 0), (86, 180, 233), (120, 120, 120)),
    contour=(175, 175, 175),
    alert=(200, 0, 0),
)


def loss_window(initial: np.ndarray) -> tuple[float, float]:
    """The loss values the chart can show: up to ten times the start, and as far below."""
    scale = max(float(np.max(np.abs(initial))), 1e-12)
    return float(np.min(initial)) - 9 * scale, float(np.max(initial)) + 9 * scale


def use_log(visible: np.ndarray) -> bool:
    """Log scale when every shown loss is positive and they span two decades or more."""
    finite = visible[np.isfinite(visible)]
    if not finite.size or finite.min() <= 0:
        return False
    return bool(finite.max() >= LOG_SPAN * finite.min())


def _updates(count: int) -> np.ndarray:
    return np.arange(count, dtype=float)


def loss_chart(scene: SceneRun, palette: Palette, lang: str) -> Chart:
    traj = scene.trajectory()
    low, high = loss_window(traj.loss[0])
    visible = np.clip(traj.loss, low, high)
    log = use_log(visible)
    xs = _updates(len(visible))
    series = tuple(Series(xs, visible[:, i], palette.run(i)) for i in range(visible.shape[1]))
    notes = []
    for i, update in enumerate(scene.diverged_at()):
        if update is not None:
            y = high if traj.loss[update, i] >= high else visible[update, i]
            notes.append(Note(float(update), float(y), tr("sim.diverged_note", lang, n=update), palette.alert))
    return Chart(
        title=tr("sim.loss", lang),
        series=series,
        notes=tuple(notes),
        xlim=(0.0, float(scene.spec.steps)),
        ylog=log,
        x_whole=True,
    )


def curve(surface: Surface, points: int) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D surface's loss across its window."""
    (x_low, x_high), = surface.bounds
    xs = np.linspace(x_low, x_high, points)
    with np.errstate(all="ignore"):
        return xs, surface.value(xs[:, None])


def contour_levels(surface: Surface, columns: int, rows: int) -> np.ndarray:
    """Level-set characters of a 2-D surface on a (rows, columns) grid spanning its window.

    Levels are evenly spaced in sqrt(f - min f), which spaces the lines of a bowl evenly
    (a quadratic's become equidistant ellipses); of the two cells either side of a level
    change, the lower one is marked, so each line is one cell thick.
    """
    (x_low, x_high), (y_low, y_high) = surface.bounds
    grid_x, grid_y = np.meshgrid(np.linspace(x_low, x_high, columns), np.linspace(y_low, y_high, rows))
    with np.errstate(all="ignore"):
        values = surface.value(np.stack([grid_x, grid_y], axis=-1))
    symbols = np.full((rows, columns), "", dtype=object)
    finite = np.isfinite(values)
    if not finite.any():
        return symbols
    values = np.where(finite, values, values[finite].max())
    height = np.sqrt(values - values.min())
    level = np.digitize(height, np.linspace(0.0, float(height.max()), CONTOUR_LEVELS + 1)[1:-1])
    lower = np.zeros((rows, columns), dtype=bool)
    lower[:, :-1] |= level[:, :-1] < level[:, 1:]
    lower[:, 1:] |= level[:, 1:] < level[:, :-1]
    lower[:-1, :] |= level[:-1, :] < level[1:, :]
    lower[1:, :] |= level[1:, :] < level[:-1, :]
    symbols[lower] = CONTOUR
    return symbols


def _run_colors(palette: Palette, runs: int, repeat: int = 1) -> list[RGB]:
    """Each run's colour for points laid out update-major: (update 0: run 0, 1, …), (update 1: …)."""
    return [palette.run(i) for i in range(runs)] * repeat


def _scatter(xs: np.ndarray, ys: np.ndarray, palette: Palette, marker: str) -> Series:
    """All runs' points of shape (updates, runs) as one scatter, each in its run's colour."""
    updates, runs = xs.shape
    return Series(xs.ravel(), ys.ravel(), palette.run(0), marker=marker, lines=False, point_colors=_run_colors(palette, runs, updates))


class Backdrop:
    """The fixed part of a path chart for one scene: the curve, or the contours per canvas size."""

    def __init__(self, surface: Surface, palette: Palette) -> None:
        self.surface = surface
        self.palette = palette
        self._curve: tuple[np.ndarray, np.ndarray] | None = None
        self._levels: dict[tuple[int, int], np.ndarray] = {}

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        if self._curve is None:
            self._curve = curve(self.surface, CURVE_POINTS)
        return self._curve

    def contours(self) -> Shade:
        return Shade(self._contour_symbols, self.palette.contour)

    def _contour_symbols(self, columns: int, rows: int) -> np.ndarray:
        if (columns, rows) not in self._levels:
            self._levels[(columns, rows)] = contour_levels(self.surface, columns, rows)
        return self._levels[(columns, rows)]


def path_chart(scene: SceneRun, backdrop: Backdrop, lang: str) -> Chart:
    """The path on the 1-D curve, or over the 2-D surface's contours; runs leaving the window are clipped."""
    surface = scene.spec.surface
    palette = backdrop.palette
    traj: Trajectory = scene.trajectory()
    positions = traj.positions
    if surface.dim == 1:
        xs, line = backdrop.curve()
        finite = line[np.isfinite(line)]
        low, high = float(finite.min()), float(finite.max())
        pad = 0.05 * max(high - low, 1e-12)
        window = (surface.bounds[0], (low - pad, high + pad))
        values = np.clip(traj.loss, *window[1])
        along = np.clip(positions[..., 0], *window[0])
        trails = tuple(
            Series(along[-TRAIL:, i], values[-TRAIL:, i], palette.run(i)) for i in range(along.shape[1])
        )
        series = (
            Series(xs, line, palette.contour),
            _scatter(along, values, palette, "hd"),
            *trails,
            _scatter(along[-1:], values[-1:], palette, CURRENT),
        )
        shade = None
    else:
        window = surface.bounds
        clipped = np.stack([np.clip(positions[..., 0], *window[0]), np.clip(positions[..., 1], *window[1])], axis=-1)
        paths = tuple(Series(clipped[:, i, 0], clipped[:, i, 1], palette.run(i)) for i in range(positions.shape[1]))
        series = (*paths, _scatter(clipped[-1:, :, 0], clipped[-1:, :, 1], palette, CURRENT))
        shade = backdrop.contours()
    notes = []
    for i, update in enumerate(scene.diverged_at()):
        if update is not None:
            x = float(np.clip(positions[update, i, 0], *window[0]))
            y = float(np.clip(values[update, i], *window[1])) if surface.dim == 1 else float(np.clip(positions[update, i, 1], *window[1]))
            notes.append(Note(x, y, tr("sim.diverged_note", lang, n=update), palette.alert))
    return Chart(
        series=series,
        shade=shade,
        notes=tuple(notes),
        xlim=tuple(window[0]),
        ylim=tuple(window[1]),
    )


def lr_chart(scene: SceneRun, palette: Palette, lang: str) -> Chart:
    traj = scene.trajectory()
    xs = _updates(traj.lrs.shape[0])
    series = tuple(Series(xs, traj.lrs[:, i], palette.run(i)) for i in range(traj.lrs.shape[1]))
    return Chart(title=tr("sim.lr", lang), series=series, xlim=(0.0, float(scene.spec.steps)), x_whole=True)


def regime_text(scene: SceneRun, index: int, lang: str) -> str:
    """What run `index` did, in words: known at once for a blow-up, otherwise at the end."""
    if scene.regimes is not None:
        regime = scene.regimes[index]
        if regime.kind == "converged":
            return tr("sim.regime.converged", lang, n=regime.converged_at)
        if regime.kind == "diverged":
            return tr("sim.regime.diverged", lang, n=regime.diverged_at)
        return tr(f"sim.regime.{regime.kind}", lang)
    update = scene.diverged_at()[index]
    if update is not None:
        return tr("sim.regime.diverged", lang, n=update)
    return tr("sim.running", lang)
