"""The playground's three views kept in step: loss against update, the paths, and lr (and momentum).

Each run keeps its colour in every chart and in the legend, where its regime so far is
named in words and updated as the runs advance. The lr view shows each run's whole plan
over the same update axis (schedules are known in advance), so the learner sees the
warm-up, decay or cycle still to come.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from studyapp.tui.experiment import Experiment, run_label
from studyapp.tui.i18n import tr
from studyapp.tui.plotting import Chart, Note, Series
from studyapp.tui.sceneplots import CURRENT, Backdrop, Palette, loss_chart, path_chart, regime_text
from studyapp.tui.widgets.plot import Plot
from studyapp.tui.widgets.shaded_plot import ShadedPlot


#: On the plane, each run's last few moves are joined by lines; older positions stay as dots.
#: Joining every position would redraw a zig-zag across the whole canvas on every frame.
TRAIL_UPDATES = 12


def plane_path_chart(experiment: Experiment, backdrop: Backdrop, lang: str) -> Chart:
    """The runs' paths over the contour shading of a 2-D surface (clipped to its window)."""
    palette = backdrop.palette
    window = experiment.surface.bounds
    positions = experiment.trajectory().positions
    xs = np.clip(positions[..., 0], *window[0])
    ys = np.clip(positions[..., 1], *window[1])
    runs = xs.shape[1]
    colors = [palette.run(i) for i in range(runs)]
    dots = Series(xs.ravel(), ys.ravel(), colors[0], lines=False, point_colors=colors * xs.shape[0])
    trails = tuple(Series(xs[-TRAIL_UPDATES - 1 :, i], ys[-TRAIL_UPDATES - 1 :, i], colors[i]) for i in range(runs))
    current = Series(xs[-1], ys[-1], colors[0], marker=CURRENT, lines=False, point_colors=colors)
    notes = tuple(
        Note(float(xs[update, i]), float(ys[update, i]), tr("sim.diverged_note", lang, n=update), palette.alert)
        for i, update in enumerate(experiment.diverged_at())
        if update is not None
    )
    return Chart(series=(dots, *trails, current), shade=backdrop.contours(), notes=notes, xlim=tuple(window[0]), ylim=tuple(window[1]))


def rate_charts(experiment: Experiment, palette: Palette, lang: str) -> tuple[Chart, Chart | None]:
    """Each run's planned lr against update, and its momentum (beta1) when a schedule cycles it."""
    lrs, momenta = experiment.lr_plan()
    xs = np.arange(lrs.shape[0], dtype=float)
    xlim = (0.0, float(experiment.horizon))

    def chart(title: str, values: np.ndarray) -> Chart:
        return Chart(title=title, series=tuple(Series(xs, values[:, i], palette.run(i)) for i in range(values.shape[1])), xlim=xlim, x_whole=True)

    return chart(tr("sim.lr", lang), lrs), None if momenta is None else chart(tr("pg.momentum", lang), momenta)


def legend(experiment: Experiment, selected: int, palette: Palette, lang: str) -> Text:
    """One line per run: its colour and number, what it is, and its regime so far (cut, never wrapped)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, run in enumerate(experiment.scene.runs):
        if i:
            text.append("\n")
        r, g, b = palette.run(i)
        text.append("▶" if i == selected else " ", style="bold")
        text.append(f"● {i + 1} ", style=f"bold rgb({r},{g},{b})")
        text.append(run_label(run).get(lang), style="bold" if i == selected else "")
        text.append(" — ")
        diverged = experiment.regimes[i].kind == "diverged"
        r, g, b = palette.alert
        text.append(regime_text(experiment, i, lang), style=f"bold rgb({r},{g},{b})" if diverged else "italic")
    return text


class RunsView(Widget):
    """Loss, paths, lr and momentum charts of the playground's runs, with their legend."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._legend: Text | None = None
        self._plan: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Plot(id="pg-loss")
        yield ShadedPlot(id="pg-path")
        with Horizontal(id="pg-rates"):
            yield Plot(id="pg-lr")
            yield Plot(id="pg-momentum")
        yield Static(id="pg-legend")

    def show(self, experiment: Experiment, backdrop: Backdrop, selected: int, lang: str) -> None:
        """Redraw every chart and the legend from the experiment as it stands."""
        palette = backdrop.palette
        self.query_one("#pg-loss", Plot).chart = loss_chart(experiment, palette, lang)
        plane = experiment.surface.dim == 2
        self.query_one("#pg-path", Plot).chart = plane_path_chart(experiment, backdrop, lang) if plane else path_chart(experiment, backdrop, lang)
        # The lr and momentum plans change only with the settings (or, under reduce-on-plateau,
        # with the losses): between changes their charts are kept, not redrawn every frame.
        plan = (experiment.plan_id, experiment.horizon, lang, palette, None if experiment.plan_is_fixed else experiment.k)
        if plan != self._plan:
            self._plan = plan
            lr, momentum = rate_charts(experiment, palette, lang)
            self.query_one("#pg-lr", Plot).chart = lr
            momentum_plot = self.query_one("#pg-momentum", Plot)
            momentum_plot.display = momentum is not None
            momentum_plot.chart = momentum
        # A fixed height (one line per run) lets each frame repaint the legend without a new layout.
        box = self.query_one("#pg-legend", Static)
        lines = len(experiment.scene.runs)
        if box.styles.height is None or box.styles.height.value != lines:
            box.styles.height = lines
        text = legend(experiment, selected, palette, lang)
        if text != self._legend:  # most frames change no regime: nothing to repaint
            self._legend = text
            box.update(text, layout=False)
