"""A widget that draws one plotext 6 bar chart (horizontal or vertical) sized to itself.

The line charts of the app go through `plotting.Chart`; bars need plotext's own `bar`
signal, which that chart description does not carry, so they get this small companion
drawn under the same figure lock and cut to the same exact box.

plotext places horizontal bars on whole rows: with fewer than two rows per bar, a bar can
land on its neighbour's row and read as the wrong value. `Bars.rows_needed` says how tall a
horizontal chart must be, and the widget sets its own height from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotext
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from studyapp.tui.plotting import (
    FIGURE_LOCK,
    MIN_HEIGHT,
    MIN_WIDTH,
    RGB,
    clip_cells,
    fit_lines,
)

#: Rows plotext needs per horizontal bar so that every bar sits on its own label's row.
ROWS_PER_BAR = 2
#: The frame (top and bottom) and the row of tick labels under it.
FRAME_ROWS = 3


@dataclass(frozen=True, eq=False)
class Bars:
    """Bars with a label each; `limit` fixes the value axis, `ticks` its (positions, labels)."""

    labels: tuple[str, ...]
    values: tuple[float, ...]
    color: RGB
    title: str = ""
    horizontal: bool = False
    limit: tuple[float, float] | None = None
    ticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    label_cells: int = 28

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ValueError(f"{len(self.labels)} labels for {len(self.values)} bars")

    def rows_needed(self) -> int:
        """The height that gives every horizontal bar its own rows (vertical bars fit any height)."""
        return ROWS_PER_BAR * len(self.labels) + FRAME_ROWS + bool(self.title)


def build_bars(bars: Bars, width: int, height: int) -> Text:
    """The bars drawn in exactly `width` × `height` cells (empty when too small or nothing to draw)."""
    if width < MIN_WIDTH or height < MIN_HEIGHT or not bars.labels:
        return Text()
    labels = [clip_cells(label, bars.label_cells) for label in bars.labels]
    values = [value if math.isfinite(value) else 0.0 for value in bars.values]
    if bars.horizontal:  # plotext stacks the first bar at the bottom; read top-down like a table
        labels, values = labels[::-1], values[::-1]
    axis = "x" if bars.horizontal else "y"
    with FIGURE_LOCK:
        figure = plotext.figure
        figure.clear()
        figure.plot_size(width, height)
        figure.theme("simple")
        if bars.title:
            figure.title(bars.title)
        signal = figure.bar(
            labels,
            values,
            orientation="horizontal" if bars.horizontal else "vertical",
            marker=plotext.marker("full", bars.color),
            width=0.6,
        )
        figure.draw(signal)
        low, high = bars.limit if bars.limit is not None else (0.0, max(1.0, *values))
        figure.ruler(axis).lim(low, high)
        if bars.ticks is not None:
            positions, names = bars.ticks
            figure.ruler(axis).ticks(list(positions), list(names))
        figure.legend(active=False)
        drawn = str(figure.build())
    return fit_lines(Text.from_ansi(drawn, no_wrap=True, end=""), width, height)


class BarPlot(Widget):
    """Draws `bars` at the widget's content size; a horizontal chart sizes its own height."""

    DEFAULT_CSS = """
    BarPlot {
        height: 12;
    }
    """

    bars: reactive[Bars | None] = reactive(None)

    def watch_bars(self, bars: Bars | None) -> None:
        if bars is not None and bars.horizontal:
            self.styles.height = bars.rows_needed()

    def render(self) -> RenderResult:
        width, height = self.content_size
        if self.bars is None or width <= 0 or height <= 0:
            return ""
        return build_bars(self.bars, width, height)
