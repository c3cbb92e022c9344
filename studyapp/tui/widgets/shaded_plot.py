"""A Plot that lays a chart's contour shading into the drawn chart instead of plotting it.

plotext draws every shaded cell as a point of its own, which costs more than the rest of a
path chart together (about 8 of 14 ms for the playground's 78×16 ravine); the playground
redraws its path chart every frame, so it fills the blank cells of the finished chart's
canvas instead. The result is the same picture: shading only where no path or label is.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult

from studyapp.tui.plotting import Shade, build_chart
from studyapp.tui.widgets.plot import Plot

TOP_LEFT, BOTTOM_RIGHT = "┌", "┘"


def _canvas(lines: list[str]) -> tuple[int, int, int, int] | None:
    """(first row, last row, first cell, last cell) inside the chart's frame, or None without one."""
    top = next((row for row, line in enumerate(lines) if TOP_LEFT in line), None)
    bottom = next((row for row in range(len(lines) - 1, -1, -1) if BOTTOM_RIGHT in lines[row]), None)
    if top is None or bottom is None or bottom - top < 2:
        return None
    left = cell_len(lines[top][: lines[top].index(TOP_LEFT)])
    right = cell_len(lines[bottom][: lines[bottom].rindex(BOTTOM_RIGHT)])
    if right - left < 2:
        return None
    return top + 1, bottom - 1, left + 1, right - 1


def _fill_line(line: Text, cells: dict[int, str], style: Style) -> None:
    """Fill each blank cell of `line` listed in `cells` (cell column -> symbol) with its symbol, in `style`.

    Only spaces are replaced, one character by another, so the line keeps its length and its
    spans; neighbouring filled cells share one span.
    """
    chars = list(line.plain)
    filled: list[int] = []
    column = 0
    for index, char in enumerate(chars):
        if char == " " and column in cells:
            chars[index] = cells[column]
            filled.append(index)
        column += cell_len(char) if ord(char) > 127 else 1
    if not filled:
        return
    line.plain = "".join(chars)
    start = previous = filled[0]
    for index in filled[1:] + [-1]:
        if index != previous + 1:
            line.stylize(style, start, previous + 1)
            start = index
        previous = index


def lay_shade(chart_text: Text, shade: Shade) -> Text:
    """The shade's symbols written into the blank cells of the chart's canvas (row 0 of the shade at the bottom)."""
    lines = chart_text.split("\n", allow_blank=True)
    canvas = _canvas([line.plain for line in lines])
    if canvas is None:
        return chart_text
    first_row, last_row, first_cell, last_cell = canvas
    rows, columns = last_row - first_row + 1, last_cell - first_cell + 1
    symbols = np.asarray(shade.symbols(columns, rows))
    style = Style(color=f"rgb({shade.color[0]},{shade.color[1]},{shade.color[2]})")
    for offset in range(rows):
        row = symbols[rows - 1 - offset]
        cells = {first_cell + column: symbol for column, symbol in enumerate(row) if symbol}
        if cells:
            _fill_line(lines[first_row + offset], cells, style)
    return Text("\n", no_wrap=True, end="").join(lines)


class ShadedPlot(Plot):
    """A Plot for charts with contour shading, redrawn every frame."""

    def render(self) -> RenderResult:
        chart = self.chart
        width, height = self.content_size
        if chart is None or chart.shade is None or width <= 0 or height <= 0:
            return super().render()
        return lay_shade(build_chart(dataclasses.replace(chart, shade=None), width, height), chart.shade)
