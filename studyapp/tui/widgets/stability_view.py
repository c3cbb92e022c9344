"""The stability map view: hundreds of constant learning rates (or lr × momentum pairs) in one batch.

The sweep uses the playground's surface, start and number of updates and the selected
run's optimizer and settings. It runs in a thread worker, so the screen stays responsive,
and is only recomputed when one of those inputs (or the grid's size) changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from studyapp.content.models import Scene
from studyapp.descent import MAX_RUN_STEPS, DescentError, make_surface, quadratic_limits
from studyapp.descent.sweep import StabilityMap, log_range, sweep_lr, sweep_lr_momentum
from studyapp.tui.experiment import MOMENTUM_SETTING
from studyapp.tui.i18n import tr
from studyapp.tui.mapcharts import band_lines, regime_legend, regime_map_text, sweep_chart, theory_line
from studyapp.tui.plotting import RGB
from studyapp.tui.widgets.plot import Plot

#: Points of an lr sweep (fewer when the runs are long, to stay within the core's memory cap).
LR_POINTS = 400
#: The lr × momentum map's momentum axis.
MOMENTUM_RANGE = (0.0, 0.95)
MODES = ("lr", "grid")


@dataclass(frozen=True)
class SweepRequest:
    """Everything a sweep depends on; an equal request reuses the last result."""

    mode: str
    surface: str
    params: tuple
    steps: int
    optimizer: str
    settings: tuple
    x0: tuple[float, ...] | None
    max_norm: float | None
    centre_lr: float
    grid: tuple[int, int]


def lr_window(surface: Any, centre_lr: float, mode: str) -> tuple[float, float]:
    """The lrs swept: around the theory's limit on a quadratic, else around the selected run's lr."""
    limits = quadratic_limits(surface)
    if limits is not None:
        return limits.stability_limit * 1e-3, limits.stability_limit * (4.0 if mode == "grid" else 10.0)
    return centre_lr * 1e-3, centre_lr * 1e2


def compute(request: SweepRequest) -> StabilityMap:
    """Run the sweep a request describes (raises DescentError when the core refuses it)."""
    surface = make_surface(request.surface, **dict(request.params))
    low, high = lr_window(surface, request.centre_lr, request.mode)
    settings = dict(request.settings)
    if request.mode == "lr":
        points = max(2, min(LR_POINTS, MAX_RUN_STEPS // request.steps))
        return sweep_lr(surface, log_range(low, high, points), request.steps, request.optimizer, settings, request.x0, request.max_norm)
    columns, rows = request.grid
    if request.optimizer not in MOMENTUM_SETTING:
        raise DescentError(f"optimizer {request.optimizer!r} has no momentum to sweep: pick sgd, rmsprop or an Adam")
    if MOMENTUM_SETTING[request.optimizer] == "momentum":
        settings.pop("momentum", None)
        settings.pop("nesterov", None)  # Nesterov needs momentum > 0, and the map's first row has none
    steps = max(1, min(request.steps, MAX_RUN_STEPS // (columns * rows)))
    momenta = np.linspace(*MOMENTUM_RANGE, rows)
    return sweep_lr_momentum(surface, log_range(low, high, columns), momenta, steps, request.optimizer, settings, request.x0, request.max_norm)


class StabilityView(Widget):
    """Final loss and regime across learning rates, with the theory's limits marked."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = "lr"
        self.request: SweepRequest | None = None
        self.result: StabilityMap | None = None
        self.error: str | None = None
        self.lang = "en"
        self.dark = True
        self._run_lrs: tuple[tuple[float, RGB], ...] = ()
        self._shown: tuple[Scene, int, tuple[RGB, ...]] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="map-head")
        yield Plot(id="map-chart")
        yield Static(id="map-grid")
        yield Static(id="map-bands")

    @property
    def computing(self) -> bool:
        return any(worker.is_running for worker in self.workers if worker.group == "stability")

    def toggle_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]

    def update_for(self, scene: Scene, selected: int, run_colors: tuple[RGB, ...], lang: str, dark: bool) -> None:
        """Show the map of `scene`'s selected run, computing it unless the last one still applies."""
        self.lang, self.dark = lang, dark
        self._shown = (scene, selected, run_colors)
        run = scene.runs[selected]
        width, height = self.content_size
        grid = (max(8, width - 6), max(4, height - 8))
        request = SweepRequest(
            mode=self.mode,
            surface=scene.surface,
            params=tuple(sorted(scene.params.items())),
            steps=scene.steps,
            optimizer=run.optimizer,
            settings=tuple(sorted(run.settings.items())),
            x0=run.x0,
            max_norm=run.max_norm,
            centre_lr=run.lr,
            grid=grid if self.mode == "grid" else (0, 0),
        )
        self._run_lrs = tuple((r.lr, run_colors[i % len(run_colors)]) for i, r in enumerate(scene.runs) if not r.schedule)
        if request != self.request:
            self.request = request
            self.result, self.error = None, None
            self._compute(request)
        self._draw()

    def on_resize(self) -> None:
        """A grid map has one cell per run: a new size needs a new map."""
        if self.mode == "grid" and self._shown is not None and self.display:
            self.update_for(*self._shown, self.lang, self.dark)

    @work(thread=True, exclusive=True, group="stability")
    def _compute(self, request: SweepRequest) -> None:
        try:
            result, error = compute(request), None
        except DescentError as failure:
            result, error = None, str(failure)
        self.app.call_from_thread(self._computed, request, result, error)

    def _computed(self, request: SweepRequest, result: StabilityMap | None, error: str | None) -> None:
        if request == self.request:
            self.result, self.error = result, error
            self._draw()

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        lang, result = self.lang, self.result
        head = self.query_one("#map-head", Static)
        chart, grid, bands = self.query_one("#map-chart", Plot), self.query_one("#map-grid", Static), self.query_one("#map-bands", Static)
        chart.display = self.mode == "lr"
        grid.display = self.mode == "grid"
        if self.error is not None:
            head.update(Text(self.error, style="bold red"))
            chart.chart = None
            grid.update("")
            bands.update("")
            return
        if result is None:
            head.update(Text(tr("pg.map.computing", lang)))
            chart.chart = None
            grid.update("")
            bands.update("")
            return
        points = result.kinds.size
        head.update(Text(tr("pg.map.head", lang, points=points, optimizer=result.optimizer, steps=result.steps)))
        if self.mode == "lr":
            chart.chart = sweep_chart(result, lang, self._run_lrs)
            text = Text()
            text.append_text(regime_legend(lang))
            text.append("\n" + theory_line(result, lang) + "\n")
            for line in band_lines(result, lang):
                text.append_text(line)
                text.append("\n")
            bands.update(text)
        else:
            grid.update(regime_map_text(result, lang, self.dark))
            bands.update("")
