"""The LR range test view: the test on the `regression` surface, then training with its suggestion.

The test (fastai's lr_find) ramps the lr over mini-batch steps and smooths the loss; its
"valley" suggestion is then used twice, as a constant lr and as one-cycle's peak, and the
two trainings are drawn side by side. The selected run's optimizer and settings are used;
the regression's own parameters when the playground is already on that surface.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from studyapp.content.models import FrozenMap, Scene, SceneRun, ScheduleStep
from studyapp.content.text import Text as Bilingual
from studyapp.descent import DescentError, RangeTest, lr_range_test, make_surface
from studyapp.tui.experiment import Experiment
from studyapp.tui.i18n import tr
from studyapp.tui.mapcharts import range_test_chart
from studyapp.tui.sceneplots import Palette, loss_chart, regime_text
from studyapp.tui.widgets.plot import Plot

#: Updates of the two trainings that follow the test.
TRAINING_STEPS = 100
SURFACE = "regression"


@dataclass(frozen=True)
class RangeRequest:
    params: tuple
    optimizer: str
    settings: tuple


def training_scene(request: RangeRequest, result: RangeTest) -> Scene:
    """Two runs with the valley suggestion: constant, and as one-cycle's peak."""
    lr = result.valley
    common = dict(optimizer=request.optimizer, settings=FrozenMap(dict(request.settings)))
    constant = SceneRun(id="constant", lr=lr, label=Bilingual(en=f"constant lr {lr:.3g}", ko=f"고정 학습률 {lr:.3g}"), **common)
    one_cycle = SceneRun(
        id="one-cycle",
        lr=lr,
        label=Bilingual(en=f"one-cycle, max_lr {lr:.3g}", ko=f"원사이클, 최대 학습률 {lr:.3g}"),
        schedule=(ScheduleStep(name="one-cycle", params=FrozenMap({"max_lr": lr})),),
        **common,
    )
    return Scene(surface=SURFACE, params=FrozenMap(dict(request.params)), steps=TRAINING_STEPS, show=("loss", "path", "lr"), runs=(constant, one_cycle))


class RangeView(Widget):
    """The range test's curve with its suggestions, and the two trainings that use one."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.request: RangeRequest | None = None
        self.result: RangeTest | None = None
        self.training: Experiment | None = None
        self.error: str | None = None
        self.lang = "en"
        self.palette: Palette | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="range-head")
        yield Plot(id="range-curve")
        yield Plot(id="range-train")
        yield Static(id="range-legend")

    def update_for(self, scene: Scene, selected: int, palette: Palette, lang: str) -> None:
        """Show the test for the selected run's optimizer, computing it unless the last one still applies."""
        self.lang, self.palette = lang, palette
        run = scene.runs[selected]
        params = tuple(sorted(scene.params.items())) if scene.surface == SURFACE else ()
        request = RangeRequest(params, run.optimizer, tuple(sorted(run.settings.items())))
        if request != self.request:
            self.request = request
            self.result, self.training, self.error = None, None, None
            self._compute(request)
        self._draw()

    @work(thread=True, exclusive=True, group="range-test")
    def _compute(self, request: RangeRequest) -> None:
        try:
            surface = make_surface(SURFACE, **dict(request.params))
            result = lr_range_test(surface, request.optimizer, dict(request.settings))
            training = Experiment(training_scene(request, result))
            training.finish()
            outcome: tuple = (result, training, None)
        except DescentError as failure:
            outcome = (None, None, str(failure))
        self.app.call_from_thread(self._computed, request, *outcome)

    def _computed(self, request: RangeRequest, result: RangeTest | None, training: Experiment | None, error: str | None) -> None:
        if request == self.request:
            self.result, self.training, self.error = result, training, error
            self._draw()

    def _draw(self) -> None:
        if not self.is_mounted or self.palette is None:
            return
        lang = self.lang
        head, legend = self.query_one("#range-head", Static), self.query_one("#range-legend", Static)
        curve, train = self.query_one("#range-curve", Plot), self.query_one("#range-train", Plot)
        if self.error is not None or self.result is None or self.training is None:
            head.update(Text(self.error, style="bold red") if self.error else Text(tr("pg.range.computing", lang)))
            curve.chart = train.chart = None
            legend.update("")
            return
        result, training = self.result, self.training
        ending = tr("pg.range.stopped" if result.stopped_early else "pg.range.full", lang)
        head.update(Text(tr("pg.range.head", lang, optimizer=self.request.optimizer, steps=len(result.lrs), ending=ending)))
        curve.chart = range_test_chart(result, lang)
        train.chart = loss_chart(training, self.palette, lang)
        text = Text(tr("pg.range.suggested", lang, steep=f"{result.steep:.3g}", valley=f"{result.valley:.3g}", min10=f"{result.minimum_div_10:.3g}"))
        for i, run in enumerate(training.scene.runs):
            r, g, b = self.palette.run(i)
            text.append("\n")
            text.append("● ", style=f"rgb({r},{g},{b})")
            text.append(run.label_text.get(lang), style="bold")
            text.append(f" — {regime_text(training, i, lang)} · {tr('pg.range.final', lang, loss=f'{training.regimes[i].final_loss:.4g}')}")
        text.append("\n" + tr("pg.range.use", lang))
        legend.update(text)
