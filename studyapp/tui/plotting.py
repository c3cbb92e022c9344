"""Charts drawn with plotext 6, made safe for any data a simulation produces.

plotext 6 measures wide characters correctly (a Korean title or legend stays inside
its box), but its native kernel aborts the whole process on a NaN point or on a line
running far outside the axis limits, and raises on infinities or on zeros under a
log scale. So every chart goes through `build_chart`, which sets its own limits,
drops non-finite points, clips the rest into the window, thins long series to what
the cells can show, and draws log scales itself (log10 values with decade labels).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotext
from rich.cells import cell_len
from rich.text import Text

RGB = tuple[int, int, int]

#: Smallest chart worth drawing; below this the widget shows nothing rather than noise.
MIN_WIDTH = 12
MIN_HEIGHT = 5

#: Values beyond this are treated as off the chart: plotext's tick arithmetic overflows near 1e308.
LARGEST = 1e100

#: plotext keeps one master figure per process; builds take turns on it.
FIGURE_LOCK = threading.Lock()
plotext.terminal.limit(False, False)  # size charts to the widget, never to the real terminal


@dataclass(frozen=True, eq=False)
class Series:
    """One line or scatter of points in one colour, or (a scatter) one colour per point.

    Each series costs plotext a fixed overhead, so markers of several runs that are not joined
    by lines (current positions, past positions) travel as one scatter with `point_colors`.
    """

    xs: Sequence[float]
    ys: Sequence[float]
    color: RGB
    label: str = ""
    marker: str = "hd"
    lines: bool = True
    point_colors: Sequence[RGB] | None = None


@dataclass(frozen=True)
class Note:
    """A short text placed at a data position (kept inside the window)."""

    x: float
    y: float
    text: str
    color: RGB


@dataclass(frozen=True, eq=False)
class Shade:
    """Background characters, one per canvas cell, drawn under the series (contours of a surface).

    `symbols(columns, rows)` gives an array of shape (rows, columns), row 0 at the bottom of the
    window, column 0 at its left, holding "" where the cell stays blank; cell (r, c) sits at the
    r-th of `rows` evenly spaced y values from the bottom limit to the top, likewise for x.
    """

    symbols: Callable[[int, int], np.ndarray]
    color: RGB


@dataclass(frozen=True, eq=False)
class Chart:
    """Everything one plot shows; `build_chart` turns it into ANSI text of a given size."""

    title: str = ""
    series: tuple[Series, ...] = ()
    notes: tuple[Note, ...] = ()
    shade: Shade | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    ylog: bool = False
    xlog: bool = False
    legend: bool = False
    xlabel: str = ""
    x_whole: bool = False  # the x axis counts (updates): ticks on whole numbers

    def __post_init__(self) -> None:
        # plotext 6.1 drops a cell from a row when its legend box cuts a wide character of a
        # text note in half, so a chart carries one or the other, never both.
        if self.legend and self.notes:
            raise ValueError("a chart shows either a legend or notes, not both")


def _finite_points(
    xs: Sequence[float], ys: Sequence[float], colors: Sequence[RGB] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The points plotext can take (finite, not absurdly large), with their colours if any."""
    x = np.asarray(xs, dtype=float).ravel()
    y = np.asarray(ys, dtype=float).ravel()
    n = min(len(x), len(y)) if colors is None else min(len(x), len(y), len(colors))
    x, y = x[:n], y[:n]
    with np.errstate(all="ignore"):
        keep = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= LARGEST) & (np.abs(y) <= LARGEST)
    rgb = None if colors is None else np.asarray(colors, dtype=np.int64).reshape(-1, 3)[:n][keep]
    return x[keep], y[keep], rgb


def _log_values(y: np.ndarray, floor: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(y, floor))


def log_floor(values: Sequence[np.ndarray]) -> float:
    """A positive floor for a log axis: the smallest positive value, at least 1e-12 of the largest."""
    positive = [v[(v > 0) & np.isfinite(v)] for v in values]
    positive = [v for v in positive if v.size]
    if not positive:
        return 1e-12
    low = min(float(v.min()) for v in positive)
    high = max(float(v.max()) for v in positive)
    return max(low, high * 1e-12, 1e-300)


def _limits(values: list[np.ndarray], given: tuple[float, float] | None) -> tuple[float, float]:
    if given is not None and all(abs(v) <= LARGEST for v in given) and given[1] > given[0]:
        return float(given[0]), float(given[1])
    finite = [v for v in values if v.size]
    if not finite:
        return 0.0, 1.0
    low = min(float(v.min()) for v in finite)
    high = max(float(v.max()) for v in finite)
    if given is not None:  # a half-usable window: keep whichever end is finite
        low = given[0] if abs(given[0]) <= LARGEST else low
        high = given[1] if abs(given[1]) <= LARGEST else high
    if not high > low:
        pad = max(abs(low) * 0.1, 1e-9)
        low, high = low - pad, high + pad
    return low, high


def _distinct(
    x: np.ndarray, y: np.ndarray, window: tuple[float, float, float, float], cells: tuple[int, int], lines: bool
) -> np.ndarray:
    """Only the points that land on different half-cells (plotext's finest resolution).

    Every point costs plotext time, and a converged run repeats one position for hundreds of
    updates: a line keeps each point that moves to another half-cell (and the last, the current
    position), at most one per column; scattered points keep one per half-cell (the last one
    drawn there, as plotext would show it). Returns the indices kept, in order.
    """
    x_low, x_high, y_low, y_high = window
    columns, rows = 2 * cells[0], 2 * cells[1]
    ix = np.round((x - x_low) / (x_high - x_low) * columns).astype(np.int64)
    iy = np.round((y - y_low) / (y_high - y_low) * rows).astype(np.int64)
    if lines:
        keep = np.ones(len(x), dtype=bool)
        keep[1:] = (ix[1:] != ix[:-1]) | (iy[1:] != iy[:-1])
        keep[-1] = True
        kept = np.flatnonzero(keep)
        if len(kept) > cells[0]:  # more corners than columns cannot be told apart: one per column
            kept = kept[np.unique(np.linspace(0, len(kept) - 1, cells[0]).round().astype(np.int64))]
        return kept
    cell = (ix * (rows + 1) + iy)[::-1]
    return np.sort(len(x) - 1 - np.unique(cell, return_index=True)[1])


def _whole_ticks(low: float, high: float, count: int) -> list[float]:
    """Up to `count` ticks on round whole numbers (steps of 1, 2 or 5 times a power of ten)."""
    span = max(high - low, 1.0)
    step = 1.0
    while span / step > count:
        for factor in (2.0, 2.5, 2.0):  # 1 → 2 → 5 → 10 …
            step *= factor
            if span / step <= count:
                break
    first = math.ceil(low / step) * step
    return [float(round(value)) for value in np.arange(first, high + step / 2, step) if low <= value <= high]


def _decade_ticks(low: float, high: float, rows: int) -> tuple[list[float], list[str]]:
    first, last = math.ceil(low - 1e-9), math.floor(high + 1e-9)
    decades = list(range(last, first - 1, -1))  # from the top, so the largest decade is labelled
    if len(decades) < 2:
        decades = [low, high]
    stride = max(1, math.ceil(len(decades) / max(2, rows // 2)))
    chosen = decades[::stride]
    return [float(d) for d in chosen], [f"1e{round(d)}" if float(d).is_integer() else f"{10 ** d:.1g}" for d in chosen]


def clip_cells(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells, never splitting a wide character."""
    if cell_len(text) <= cells:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > cells - 1:
            break
        kept += char
    return kept + "…"


def fit_lines(text: Text, width: int, height: int) -> Text:
    """Exactly `height` lines of exactly `width` cells, so a row can never wrap or shift."""
    lines = text.split("\n", allow_blank=True)[:height]
    lines += [Text() for _ in range(height - len(lines))]
    for line in lines:
        line.truncate(width, overflow="crop", pad=True)
    return Text("\n", no_wrap=True, end="").join(lines)


def _draw_shade(figure, shade: Shade, xlim: tuple[float, float], ylim: tuple[float, float], columns: int, rows: int) -> None:
    """One shade character per canvas cell: grid points placed exactly where plotext puts cells."""
    if columns < 2 or rows < 2:
        return
    symbols = np.asarray(shade.symbols(columns, rows))
    if symbols.shape != (rows, columns):
        raise ValueError(f"shade gave {symbols.shape} symbols for a {rows}x{columns} canvas")
    grid_x, grid_y = np.meshgrid(np.linspace(*xlim, columns), np.linspace(*ylim, rows))
    drawn = symbols != ""
    if drawn.any():
        markers = [plotext.marker(symbol, shade.color) for symbol in symbols[drawn]]
        figure.draw(figure.signal(grid_x[drawn].tolist(), grid_y[drawn].tolist(), marker=markers))


def build_chart(chart: Chart, width: int, height: int) -> Text:
    """The chart drawn in exactly `width` × `height` cells (empty when too small to read)."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return Text()
    return fit_lines(Text.from_ansi(_draw(chart, width, height), no_wrap=True, end=""), width, height)


def _draw(chart: Chart, width: int, height: int) -> str:
    data = []
    colors: dict[int, np.ndarray | None] = {}
    for index, series in enumerate(chart.series):
        x, y, rgb = _finite_points(series.xs, series.ys, None if series.lines else series.point_colors)
        if chart.xlog:  # only positive x has a place on a log axis
            positive = x > 0
            x, y, rgb = np.log10(x[positive]), y[positive], None if rgb is None else rgb[positive]
        colors[index] = rgb
        data.append((series, x, y))
    floor = log_floor([y for _, _, y in data]) if chart.ylog else 0.0
    if chart.ylog:
        data = [(s, x, _log_values(y, floor)) for s, x, y in data]
    ylim = chart.ylim
    if chart.ylog and ylim is not None:
        ylim = (math.log10(max(ylim[0], floor)), math.log10(max(ylim[1], floor)))
    xlim = chart.xlim
    if chart.xlog and xlim is not None and min(xlim) > 0:
        xlim = (math.log10(xlim[0]), math.log10(xlim[1]))
    x_low, x_high = _limits([x for _, x, _ in data], xlim)
    y_low, y_high = _limits([y for _, _, y in data], ylim)
    note_cells = max(4, (width - 10) // 2)  # half the canvas: a note never reaches the far border

    with FIGURE_LOCK:
        figure = plotext.figure
        figure.clear()
        figure.plot_size(width, height)
        figure.theme("simple")
        if chart.title:
            figure.title(chart.title)
        if chart.xlabel:
            figure.label(chart.xlabel)
        figure.ruler("x").lim(x_low, x_high)
        figure.ruler("y").lim(y_low, y_high)
        rows = height - 3 - bool(chart.title) - bool(chart.xlabel)  # canvas rows inside the frame
        if chart.ylog:
            positions, labels = _decade_ticks(y_low, y_high, rows)
            figure.ruler("y").ticks(positions, labels)
        elif chart.shade is not None:
            positions = np.linspace(y_low, y_high, max(2, min(5, rows // 3 + 1))).tolist()
            labels = [f"{value:.3g}" for value in positions]
            figure.ruler("y").ticks(positions, labels)
        if chart.xlog:
            figure.ruler("x").ticks(*_decade_ticks(x_low, x_high, width // 5))
        elif chart.x_whole:
            ticks = _whole_ticks(x_low, x_high, max(2, width // 8))
            figure.ruler("x").ticks(ticks, [str(int(tick)) for tick in ticks])
        if chart.shade is not None and not chart.ylog:
            columns = width - 2 - max(len(label) for label in labels)  # the tick labels, ┤ and │
            _draw_shade(figure, chart.shade, (x_low, x_high), (y_low, y_high), columns, rows)
        for index, (series, x, y) in enumerate(data):
            if not x.size:
                continue
            x, y = np.clip(x, x_low, x_high), np.clip(y, y_low, y_high)
            kept = _distinct(x, y, (x_low, x_high, y_low, y_high), (width, rows), series.lines)
            x, y, rgb = x[kept], y[kept], colors[index]
            if rgb is None:
                marker = plotext.marker(series.marker, series.color)
            else:
                marker = [plotext.marker(series.marker, tuple(color)) for color in rgb[kept].tolist()]
            signal = figure.signal(x.tolist(), y.tolist(), marker=marker)
            if series.lines and len(x) > 1:
                signal.lines()
            if series.label and chart.legend:
                signal.label(series.label)
            figure.draw(signal)
        for note in chart.notes:
            if not (abs(note.x) <= LARGEST and abs(note.y) <= LARGEST):
                continue
            y = _log_values(np.array([note.y]), floor)[0] if chart.ylog else note.y
            x = math.log10(note.x) if chart.xlog and note.x > 0 else note.x
            x = min(max(x, x_low), x_high)
            right_half = x > (x_low + x_high) / 2  # text there ends at its point, so it stays in view
            figure.draw(
                figure.text(
                    x,
                    min(max(float(y), y_low), y_high),
                    plotext.colorize(clip_cells(note.text, note_cells), note.color),
                    alignment="right" if right_half else "left",
                )
            )
        if not chart.legend:
            figure.legend(active=False)
        return str(figure.build())
