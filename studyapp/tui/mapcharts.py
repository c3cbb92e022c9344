"""Charts of the playground's stability map and LR range test.

The lr sweep is drawn as final loss against lr, both on log axes, one colour per regime,
with the theory's learning rates as vertical lines; the lr × momentum map is a grid of
cells coloured by regime with the heavy-ball bound (2+2m)/L marked in each row. The range
test shows the smoothed loss against lr with fastai's suggestions marked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.text import Text

from studyapp.descent import REGIMES, RangeTest
from studyapp.descent.sweep import StabilityMap
from studyapp.tui.i18n import tr
from studyapp.tui.plotting import RGB, Chart, Note, Series

# Okabe–Ito colours, told apart on dark and light backgrounds and by colour-blind learners.
REGIME_COLORS: dict[str, RGB] = {
    "converged": (0, 158, 115),
    "slow": (86, 180, 233),
    "oscillating": (230, 159, 0),
    "diverged": (213, 94, 0),
    "trapped": (204, 121, 167),
}
MARK_COLOR: RGB = (150, 150, 150)
#: The loss axis spans this many decades either side of the loss at the start.
LOSS_DECADES = 8
#: The grid cell of the lr × momentum map, and the mark of the heavy-ball bound in its row.
CELL = "█"
BOUND = "┃"


def loss_window(stability: StabilityMap) -> tuple[float, float]:
    """The range of final losses (above the minimum) a sweep chart shows, around the start's."""
    start = stability.start_excess if stability.start_excess > 0 else 1.0
    return start * 10.0**-LOSS_DECADES, start * 10.0**LOSS_DECADES


def sweep_chart(stability: StabilityMap, lang: str, run_lrs: Sequence[tuple[float, RGB]] = ()) -> Chart:
    """Final loss above the minimum against lr, both on log axes, coloured by regime.

    The theory's learning rates are drawn as grey vertical lines with their formulas, the
    playground runs' own lrs as lines in the runs' colours. A run that reached the minimum
    sits on the floor of the window, one that blew up on its ceiling.
    """
    kinds = stability.regime_names()
    low, high = loss_window(stability)
    shown = np.clip(np.nan_to_num(stability.excess_loss, nan=high), low, high)
    series = [
        Series(stability.lrs[kinds == kind], shown[kinds == kind], REGIME_COLORS[kind], marker="dot", lines=False)
        for kind in REGIMES
        if np.any(kinds == kind)
    ]
    notes = []
    for mark in stability.marks():
        series.append(Series([mark.lr, mark.lr], [low, high], MARK_COLOR))
        notes.append(Note(mark.lr, high, mark.label, MARK_COLOR))
    for lr, color in run_lrs:
        series.append(Series([lr, lr], [low, high], color))
    return Chart(
        title=tr("pg.map.title", lang, steps=stability.steps),
        series=tuple(series),
        notes=tuple(notes),
        xlim=(float(stability.lrs[0]), float(stability.lrs[-1])),
        ylim=(low, high),
        xlog=True,
        ylog=True,
        xlabel=tr("pg.map.lr_axis", lang),
    )


def band_lines(stability: StabilityMap, lang: str) -> list[Text]:
    """The regime bands of an lr sweep as lines: "0.0017 – 0.998  converged (690)"."""
    lines = []
    for band in stability.bands():
        line = Text()
        line.append("■ ", style=_style(REGIME_COLORS[band.kind]))
        line.append(f"{band.low:.3g} – {band.high:.3g}  ")
        line.append(tr(f"pg.regime.{band.kind}", lang), style="bold")
        line.append(f" ({band.count})")
        lines.append(line)
    return lines


def theory_line(stability: StabilityMap, lang: str) -> str:
    """What the theory predicts and where the runs started to diverge."""
    edge = stability.stability_edge() if stability.momenta is None else math.nan
    observed = tr("pg.map.edge", lang, lr=f"{edge:.3g}") if math.isfinite(edge) else tr("pg.map.no_edge", lang)
    if stability.limits is None:
        return f"{tr('pg.map.no_theory', lang)} {observed}"
    marks = ", ".join(f"{mark.label} = {mark.lr:.3g}" for mark in stability.marks())
    return f"{tr('pg.map.theory', lang, mu=f'{stability.limits.mu:g}', L=f'{stability.limits.L:g}', marks=marks)} {observed}"


def _style(color: RGB) -> str:
    r, g, b = color
    return f"rgb({r},{g},{b})"


def regime_legend(lang: str) -> Text:
    text = Text()
    for kind in REGIMES:
        text.append(f"{CELL} ", style=_style(REGIME_COLORS[kind]))
        text.append(tr(f"pg.regime.{kind}", lang) + "  ")
    return text


def _decade_labels(lrs: np.ndarray, columns: int) -> str:
    """A line of decade labels placed under the map's columns (log-spaced lrs)."""
    line = [" "] * columns
    logs = np.log10(lrs)
    for decade in range(math.ceil(logs[0] - 1e-9), math.floor(logs[-1] + 1e-9) + 1):
        column = int(np.argmin(np.abs(logs - decade)))
        label = f"1e{decade}"
        begin = min(column, columns - len(label))
        if all(cell == " " for cell in line[max(0, begin - 1) : begin + len(label) + 1]):
            line[begin : begin + len(label)] = list(label)
    return "".join(line)


def regime_map_text(stability: StabilityMap, lang: str, dark: bool = True) -> Text:
    """The lr × momentum map as text: one cell per run, momentum up the side, lr along the bottom.

    In each row the cell holding the heavy-ball bound (2+2m)/L, when it is in range, is
    marked with ┃, so the learner can see the coloured edge follow the theory.
    """
    kinds = stability.kinds
    bound = stability.heavy_ball_bound()
    lrs = stability.lrs
    momenta = stability.momenta
    label_width = 5
    text = Text(no_wrap=True, end="")
    text.append(tr("pg.map.grid_title", lang, steps=stability.steps) + "\n", style="bold")
    ink = "white" if dark else "black"
    for row in range(len(momenta) - 1, -1, -1):
        text.append(f"{momenta[row]:>{label_width - 1}.2f}│")
        bound_column = None
        if bound is not None and lrs[0] <= bound[row] <= lrs[-1]:
            bound_column = int(np.searchsorted(lrs, bound[row]))
            bound_column = min(bound_column, len(lrs) - 1)
        for column, kind in enumerate(kinds[row]):
            color = _style(REGIME_COLORS[REGIMES[int(kind)]])
            if column == bound_column:
                text.append(BOUND, style=f"bold {ink} on {color}")
            else:
                text.append(CELL, style=color)
        text.append("\n")
    text.append(" " * (label_width - 1) + "└" + "─" * len(lrs) + "\n")
    text.append(" " * label_width + _decade_labels(lrs, len(lrs)) + "\n")
    text.append(tr("pg.map.grid_axes", lang) + "\n")
    text.append_text(regime_legend(lang))
    if bound is not None:
        text.append("\n" + tr("pg.map.grid_bound", lang, mark=BOUND))
    return text


def range_test_chart(result: RangeTest, lang: str) -> Chart:
    """The smoothed loss against lr (log axis) with the steep, valley and minimum/10 suggestions."""
    shown = slice(None, max(2, len(result.lrs) - 5))  # like fastai, leave out the final blow-up
    lrs, smoothed = result.lrs[shown], result.smoothed[shown]
    low, high = float(np.min(smoothed)), float(np.max(smoothed))
    pad = 0.05 * max(high - low, 1e-12)
    low, high = low - pad, high + pad
    series = [Series(lrs, smoothed, REGIME_COLORS["slow"])]
    notes = []
    heights = (high, low + 0.75 * (high - low), low + 0.5 * (high - low))
    for (key, lr), y in zip((("steep", result.steep), ("valley", result.valley), ("minimum_div_10", result.minimum_div_10)), heights):
        color = REGIME_COLORS["converged"] if key == "valley" else MARK_COLOR
        series.append(Series([lr, lr], [low, high], color))
        notes.append(Note(lr, y, tr(f"pg.range.{key}", lang, lr=f"{lr:.2g}"), color))
    return Chart(
        title=tr("pg.range.title", lang),
        series=tuple(series),
        notes=tuple(notes),
        xlim=(float(lrs[0]), float(lrs[-1])),
        ylim=(low, high),
        xlog=True,
        xlabel=tr("pg.map.lr_axis", lang),
    )
