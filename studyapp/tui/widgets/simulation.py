"""The live simulation panel: a scene's runs animated update by update, with their regimes named.

The panel owns the animation (a paused interval timer it resumes while playing) and the
controls as methods; the screen that hosts it binds the keys, so the keys show in the
Footer whatever has focus. Tests call `advance()` directly instead of waiting on the timer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from studyapp.descent import DescentError
from studyapp.tui.i18n import tr
from studyapp.tui.sceneplots import DARK, LIGHT, Backdrop, Palette, loss_chart, lr_chart, path_chart, regime_text
from studyapp.tui.simrun import LR_FACTOR, SceneRun, SceneSpec, faster, slower
from studyapp.tui.widgets.plot import Plot

FRAME_SECONDS = 1 / 30


def _format_number(value: float) -> str:
    return f"{value:.3g}"


class SimulationPanel(Widget):
    """Shows one scene (or none): `show_scene` swaps it, `lang` re-labels it."""

    lang: reactive[str] = reactive("en")
    playing: reactive[bool] = reactive(False)
    speed: reactive[float] = reactive(1.0)

    def __init__(self, *, autoplay: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.autoplay = autoplay
        self.spec: SceneSpec | None = None
        self.playthrough: SceneRun | None = None
        self.note: str | None = None
        self._backdrop: Backdrop | None = None
        self._timer: Timer | None = None
        self._ready = False  # children composed: drawing may start
        self._texts: dict[str, str] = {}  # what each text widget shows now

    def compose(self) -> ComposeResult:
        yield Static(id="sim-caption", markup=False)
        with Horizontal(id="sim-body"):
            with Vertical(id="sim-charts"):
                yield Plot(id="sim-loss")
                yield Plot(id="sim-path")
                yield Plot(id="sim-lr")
            yield Static(id="sim-legend")
        yield Static(id="sim-status", markup=False)

    def on_mount(self) -> None:
        self._ready = True
        self._timer = self.set_interval(FRAME_SECONDS, self._tick, pause=not self.playing)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        self._refresh_all()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 90, "-wide")

    @property
    def palette(self) -> Palette:
        return DARK if self.app.current_theme.dark else LIGHT

    # --- what is shown -------------------------------------------------------------

    def show_scene(self, spec: SceneSpec | None, *, autoplay: bool | None = None, note: str | None = None) -> None:
        """Show `spec` from its start, or with None an empty panel saying `note`; the lr scale starts at 1."""
        if spec is not None and spec is self.spec and self.playthrough is not None:
            return
        self.note = note
        self.spec = spec
        self._backdrop = Backdrop(spec.surface, self.palette) if spec is not None else None
        self._start(1.0)
        self.set_playing(self.autoplay if autoplay is None else autoplay)

    def _start(self, lr_scale: float) -> bool:
        """A fresh run of the scene at `lr_scale`; False (and an error shown) if the core refuses it."""
        if self.spec is None:
            self.playthrough = None
            self._refresh_all()
            return True
        try:
            self.playthrough = SceneRun(self.spec, lr_scale)
        except DescentError as error:
            self.note = str(error)
            self._refresh_all()
            return False
        self.note = None
        self._refresh_all()
        return True

    # --- controls -------------------------------------------------------------------

    def set_playing(self, playing: bool) -> None:
        self.playing = playing and self.playthrough is not None and not self.playthrough.done

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:  # before mount, on_mount starts the timer in the right state
            if playing:
                self._timer.resume()
            else:
                self._timer.pause()
        self._refresh_status()

    def toggle_play(self) -> None:
        if self.playthrough is not None and self.playthrough.done:
            self.restart()
            return
        self.set_playing(not self.playing)

    def step_once(self) -> None:
        """Pause and make exactly one update."""
        self.set_playing(False)
        if self.playthrough is not None and not self.playthrough.done:
            self.playthrough.advance(1)
            self._refresh_all()

    def restart(self) -> None:
        if self.playthrough is not None:
            self._start(self.playthrough.lr_scale)
            self.set_playing(True)

    def faster(self) -> None:
        self.speed = faster(self.speed)

    def slower(self) -> None:
        self.speed = slower(self.speed)

    def watch_speed(self) -> None:
        self._refresh_status()

    def raise_lr(self) -> None:
        self._rescale(LR_FACTOR)

    def lower_lr(self) -> None:
        self._rescale(1 / LR_FACTOR)

    def _rescale(self, factor: float) -> None:
        """Every lr of the scene times `factor`, simulated again from the start and played."""
        if self.playthrough is None:
            return
        if self._start(self.playthrough.lr_scale * factor):
            self.set_playing(True)

    def advance(self, frames: int = 1) -> None:
        """Play `frames` animation frames at the current speed and redraw (what the timer calls)."""
        if self.playthrough is None:
            return
        for _ in range(frames):
            if self.playthrough.done:
                break
            self.playthrough.frame(self.speed)
        if self.playthrough.done:
            self.playing = False
        self._refresh_all()

    def finish(self) -> None:
        """Jump to the end of the scene (static screenshots, tests)."""
        if self.playthrough is not None:
            self.playthrough.finish()
            self.playing = False
            self._refresh_all()

    def _tick(self) -> None:
        if self.display and self.playthrough is not None:
            self.advance()

    # --- drawing --------------------------------------------------------------------

    def watch_lang(self) -> None:
        self._refresh_all()

    def _restyle(self) -> None:
        if self.spec is not None:
            self._backdrop = Backdrop(self.spec.surface, self.palette)
        self._refresh_all()

    def _set_text(self, selector: str, content: str | Text) -> None:
        """Update a text only when it changed: a changed text may resize, so it costs a layout,
        and an animation frame should cost a repaint of the charts alone."""
        key = content.markup if isinstance(content, Text) else content
        if self._texts.get(selector) != key:
            self._texts[selector] = key
            widget = self.query_one(selector, Static)
            widget.update(content)
            widget.set_class(not key, "-empty")

    def _refresh_all(self) -> None:
        if not self._ready:
            return
        run, lang = self.playthrough, self.lang
        caption = self.spec.caption.get(lang) if self.spec is not None and self.spec.caption is not None else ""
        self._set_text("#sim-caption", caption)
        loss, path, lrs = (self.query_one(f"#sim-{name}", Plot) for name in ("loss", "path", "lr"))
        if run is None:
            for plot in (loss, path, lrs):
                plot.chart = None
            self._set_text("#sim-legend", "")
            self._refresh_status()
            return
        show = run.spec.show
        palette, backdrop = self.palette, self._backdrop
        for plot, shown in ((loss, "loss" in show or "path" not in show), (path, "path" in show), (lrs, "lr" in show or run.spec.uses_schedule)):
            if plot.display != shown:
                plot.display = shown
        loss.chart = loss_chart(run, palette, lang)
        path.chart = path_chart(run, backdrop, lang) if backdrop is not None and path.display else None
        lrs.chart = lr_chart(run, palette, lang) if lrs.display else None
        self._set_text("#sim-legend", self.legend())
        self._refresh_status()

    def legend(self) -> Text:
        """One line per run: its colour, its regime in words, its label (and its lr when scaled).

        The regime comes first: on a narrow panel the line is cut at its end, and what the run
        did is what the learner must not lose.
        """
        text = Text()
        if self.playthrough is None:
            return text
        run, lang, palette = self.playthrough, self.lang, self.palette
        diverged = run.diverged_at()
        for i, label in enumerate(run.spec.labels):
            if i:
                text.append("\n")
            r, g, b = palette.run(i)
            text.append("● ", style=f"rgb({r},{g},{b})")
            words = regime_text(run, i, lang)
            if diverged[i] is not None:
                r, g, b = palette.alert
                text.append(words, style=f"bold rgb({r},{g},{b})")
            else:
                text.append(words, style="bold" if run.regimes is not None else "italic")
            text.append(" — ")
            text.append(label.get(lang))
            if run.lr_scale != 1.0:
                text.append(f" ({tr('sim.lr_now', lang, lr=_format_number(run.runs[i].lr))})")
        return text

    def status(self) -> str:
        if self.note is not None:
            return self.note
        if self.playthrough is None:
            return ""
        lang = self.lang
        state = "sim.finished" if self.playthrough.done else "sim.playing" if self.playing else "sim.paused"
        return tr(
            "sim.status",
            lang,
            state=tr(state, lang),
            k=self.playthrough.k,
            steps=self.playthrough.spec.steps,
            speed=_format_number(self.speed),
            scale=_format_number(self.playthrough.lr_scale),
        )

    def _refresh_status(self) -> None:
        if self._ready:  # one line whatever it says: a repaint, no layout
            self.query_one("#sim-status", Static).update(self.status(), layout=False)
