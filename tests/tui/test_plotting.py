"""Charts stay inside their box whatever the data and whatever the script."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from studyapp.tui.plotting import Chart, Note, Series, Shade, build_chart
from studyapp.tui.widgets.plot import Plot

KOREAN_TITLE = "학습률에 따른 손실 곡선"
KOREAN_LABELS = ("학습률 0.1 — 수렴", "학습률 1.01 — 발산")


def korean_chart() -> Chart:
    steps = list(range(30))
    return Chart(
        title=KOREAN_TITLE,
        legend=True,
        series=(
            Series(steps, [0.8**k for k in steps], (0, 120, 255), KOREAN_LABELS[0]),
            Series(steps, [1.02**k for k in steps], (255, 60, 60), KOREAN_LABELS[1]),
        ),
    )


def cell_widths(text: Text) -> list[int]:
    return [cell_len(line.plain) for line in text.split("\n", allow_blank=True)]


def assert_frame_intact(lines: list[str]) -> None:
    """The box's corners line up and every row between them has both side borders."""
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = max(i for i, line in enumerate(lines) if "└" in line)  # the legend is a box too

    def columns(line: str, chars: str) -> list[int]:
        cells, column = [], 0
        for char in line:
            if char in chars:
                cells.append(column)
            column += cell_len(char)
        return cells

    left, right = columns(lines[top], "┌")[0], columns(lines[top], "┐")[-1]
    assert columns(lines[bottom], "└")[0] == left
    assert columns(lines[bottom], "┘")[-1] == right
    for line in lines[top + 1 : bottom]:
        borders = columns(line, "│┤")
        assert left in borders and right in borders, line


def test_korean_title_and_legend_stay_in_the_box() -> None:
    text = build_chart(korean_chart(), 50, 14)
    plain = text.plain
    assert cell_widths(text) == [50] * 14
    assert KOREAN_TITLE in plain
    for label in KOREAN_LABELS:
        assert label in plain
    assert_frame_intact(plain.splitlines())


class PlotApp(App[None]):
    CSS = "Plot { width: 50; height: 14; }"

    def compose(self) -> ComposeResult:
        yield Plot()


async def test_plot_widget_renders_korean_chart_inside_its_region() -> None:
    app = PlotApp()
    async with app.run_test(size=(80, 20)) as pilot:
        plot = app.query_one(Plot)
        plot.chart = korean_chart()
        await pilot.pause()
        strips = plot.render_lines(Region(0, 0, 50, 14))
        lines = ["".join(segment.text for segment in strip) for strip in strips]
        assert [strip.cell_length for strip in strips] == [50] * 14
        assert any(KOREAN_TITLE in line for line in lines)
        assert_frame_intact(lines)


async def test_plot_widget_redraws_at_its_new_size() -> None:
    app = PlotApp()
    async with app.run_test(size=(80, 20)) as pilot:
        plot = app.query_one(Plot)
        plot.chart = korean_chart()
        plot.styles.width = 30
        plot.styles.height = 8
        await pilot.pause()
        strips = plot.render_lines(Region(0, 0, 30, 8))
        assert [strip.cell_length for strip in strips] == [30] * 8
        assert_frame_intact(["".join(segment.text for segment in strip) for strip in strips])


def test_notes_right_of_centre_end_at_their_point() -> None:
    chart = Chart(
        series=(Series([0, 10], [0, 10], (0, 0, 255)),),
        notes=(Note(10, 5, "발산 7", (255, 0, 0)),),
    )
    lines = build_chart(chart, 40, 10).plain.splitlines()
    row = next(line for line in lines if "발산 7" in line)
    assert row.rstrip().endswith("발산 7│")


def test_legend_and_notes_are_exclusive() -> None:
    with pytest.raises(ValueError):
        Chart(legend=True, notes=(Note(0, 0, "x", (0, 0, 0)),))


def test_log_scale_labels_decades_and_survives_zeros() -> None:
    steps = list(range(40))
    chart = Chart(series=(Series(steps, [1.0, 0.0] + [10.0 ** (-k / 4) for k in steps[2:]], (0, 0, 255)),), ylog=True)
    plain = build_chart(chart, 40, 14).plain
    assert "1e0" in plain and "1e-" in plain


def test_too_small_gives_nothing() -> None:
    assert build_chart(korean_chart(), 11, 14).plain == ""
    assert build_chart(korean_chart(), 40, 4).plain == ""


values = st.floats(allow_nan=True, allow_infinity=True, width=64)
series_data = st.lists(st.tuples(values, values), min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(series_data, min_size=1, max_size=3),
    width=st.integers(12, 70),
    height=st.integers(5, 20),
    ylog=st.booleans(),
    note_at=st.tuples(values, values),
    limits=st.none() | st.tuples(values, values),
)
def test_any_data_builds_a_chart_of_the_exact_size(data, width, height, ylog, note_at, limits) -> None:
    chart = Chart(
        title="손실",
        series=tuple(Series([p[0] for p in pts], [p[1] for p in pts], (10, 200, 10)) for pts in data),
        notes=(Note(note_at[0], note_at[1], "발산", (200, 0, 0)),),
        ylog=ylog,
        ylim=limits,
    )
    assert cell_widths(build_chart(chart, width, height)) == [width] * height


def test_shade_fills_exactly_the_canvas_cells_under_the_path() -> None:
    grid: dict[str, tuple[int, int]] = {}

    def everywhere(columns: int, rows: int) -> np.ndarray:
        grid["size"] = (columns, rows)
        return np.full((rows, columns), "·", dtype=object)

    chart = Chart(
        series=(Series([-1, 1], [-1, 1], (255, 0, 0), marker="●", lines=False),),
        shade=Shade(everywhere, (128, 128, 128)),
        xlim=(-1, 1),
        ylim=(-1, 1),
    )
    lines = build_chart(chart, 40, 14).plain.splitlines()
    columns, rows = grid["size"]
    inside = [line.split("┤" if "┤" in line else "│", 1)[1][:-1] for line in lines[1 : 1 + rows]]
    assert all(len(row) == columns for row in inside)
    assert sum(row.count("·") for row in inside) == columns * rows - 2  # every cell but the two points
    assert sum(row.count("●") for row in inside) == 2
