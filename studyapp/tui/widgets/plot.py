"""A widget that hosts one plotext 6 chart sized to itself."""

from __future__ import annotations

from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from studyapp.tui.plotting import Chart, build_chart


class Plot(Widget):
    """Draws `chart` at the widget's content size; assign a new Chart to redraw."""

    chart: reactive[Chart | None] = reactive(None)

    def render(self) -> RenderResult:
        width, height = self.content_size
        if self.chart is None or width <= 0 or height <= 0:
            return ""
        return build_chart(self.chart, width, height)
