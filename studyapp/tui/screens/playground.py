"""The descent playground: set up to four runs side by side and watch them descend, live.

The setup form on the left edits the scene (surface, start, updates, and each run's
optimizer, settings, lr and schedule); the views on the right are the runs (loss, paths,
lr and momentum, with each run's regime named as it changes), the stability map, and the
LR range test. Keys change the selected run while it plays; a change restarts the runs
from the start, or, in keep-going mode, continues them from where they are. The setup can
be saved as a scene file a question attaches, and any question's or card's scene loaded.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from studyapp.content.models import Scene
from studyapp.content.scenefiles import (
    SCENES_FOLDER,
    SceneSource,
    library_scenes,
    read_scene,
    save_scene,
    saved_scenes,
)
from studyapp.descent import DescentError
from studyapp.paths import data_dir
from studyapp.tui.experiment import (
    DEFAULT_SCENE,
    Experiment,
    add_run,
    next_optimizer,
    next_schedule,
    remove_run,
    scale_lr,
    scene_from_spec,
    step_momentum,
    with_run,
)
from studyapp.tui.i18n import tr
from studyapp.tui.sceneplots import DARK, LIGHT, Backdrop, Palette
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.scene_picker import ScenePicker
from studyapp.tui.simrun import FRAMES_PER_RUN, LR_FACTOR, faster, slower
from studyapp.tui.widgets.footer import LocalizedFooter
from studyapp.tui.widgets.range_view import RangeView
from studyapp.tui.widgets.runs_view import RunsView
from studyapp.tui.widgets.setup_form import SetupForm
from studyapp.tui.widgets.simulation import SimulationPanel
from studyapp.tui.widgets.stability_view import StabilityView

FRAME_SECONDS = 1 / 24
VIEWS = ("runs", "map", "range")
#: Below this many rows the lr and momentum charts are left out (see playground.tcss).
LOW_ROWS = 32
LR_GROUP = Binding.Group("key.lr", compact=True)


def scenes_dir():
    """Where saved scenes go: a folder in the learner's data directory."""
    return data_dir() / SCENES_FOLDER


def panel_scene(screen: Screen) -> Scene | None:
    """The scene playing in a simulation panel on `screen` (with its nudged lrs), if any."""
    for panel in screen.query(SimulationPanel):
        if panel.spec is not None:
            runs = panel.playthrough.runs if panel.playthrough is not None else None
            return scene_from_spec(panel.spec, runs)
    return None


class PlaygroundScreen(StudyScreen):
    """Compare learning rates, optimizers and schedules side by side, live."""

    CSS_PATH = "playground.tcss"
    AUTO_FOCUS = None  # the keys below drive the runs; the form is entered with `e` or a click
    BINDINGS = [
        Binding("space", "play", "key.play"),
        Binding("full_stop", "step", "key.step", key_display="."),
        Binding("r", "restart", "key.restart"),
        Binding("k", "toggle_keep_going", "pg.key.keep"),
        Binding("plus,equals_sign", "lr(1)", "key.lr_up", key_display="+", group=LR_GROUP),
        Binding("minus", "lr(-1)", "key.lr_down", key_display="-", group=LR_GROUP),
        Binding("m", "momentum(1)", "pg.key.momentum_up"),
        Binding("M", "momentum(-1)", "pg.key.momentum_down", show=False),
        Binding("o", "optimizer", "pg.key.optimizer"),
        Binding("s", "schedule", "pg.key.schedule"),
        *(Binding(str(n), f"select({n - 1})", "pg.key.select", show=False) for n in range(1, 9)),
        Binding("a", "add_run", "pg.key.add"),
        Binding("x", "remove_run", "pg.key.remove"),
        Binding("v", "next_view", "pg.key.view"),
        Binding("n", "map_mode", "pg.key.map_mode"),
        Binding("u", "use_range_runs", "pg.key.use"),
        Binding("e", "edit", "pg.key.edit"),
        Binding("right_square_bracket", "faster", "key.faster", key_display="]", show=False),
        Binding("left_square_bracket", "slower", "key.slower", key_display="[", show=False),
        Binding("ctrl+s", "save", "pg.key.save"),
        Binding("ctrl+o", "load", "pg.key.load"),
        Binding("escape", "back", "key.back"),
    ]
    FOOTER_SPARE = (
        "pg.key.keep", "key.step", "pg.key.load", "pg.key.save", "pg.key.remove", "pg.key.add",
        "key.restart", "pg.key.momentum_up", "pg.key.schedule", "pg.key.edit", "key.language", "pg.key.optimizer",
    )

    def __init__(self, scene: Scene | None = None, origin: str | None = None) -> None:
        super().__init__()
        self.experiment = Experiment(scene or DEFAULT_SCENE)
        self.origin = origin
        self.selected = 0
        self.view = "runs"
        self.speed = 1.0
        self.playing = False
        self.keep_going = False
        self.notice: str | None = None
        self._credit = 0.0
        self._timer: Timer | None = None
        self._backdrop: Backdrop | None = None
        self._ready = False  # set once the widgets exist (is_mounted turns true only after on_mount)
        self._top: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="pg-top")
        with Horizontal(id="pg-body"):
            yield SetupForm(id="pg-form")
            with Vertical(id="pg-views"):
                with ContentSwitcher(initial="pg-runs", id="pg-switcher"):
                    yield RunsView(id="pg-runs")
                    yield StabilityView(id="pg-map")
                    yield RangeView(id="pg-range")
                yield Static(id="pg-status")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self._ready = True
        super().on_mount()
        self._timer = self.set_interval(FRAME_SECONDS, self._tick, pause=True)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        self._restyle()
        self.set_playing(self.autoplay)

    def on_resize(self) -> None:
        self.set_class(self.size.height < LOW_ROWS, "-low")

    # --- what is shown ----------------------------------------------------------------------

    @property
    def autoplay(self) -> bool:
        """Whether runs start playing by themselves (the app turns this off for stable screenshots)."""
        return getattr(self.app, "animate", True)

    @property
    def scene(self) -> Scene:
        return self.experiment.scene

    @property
    def palette(self) -> Palette:
        return DARK if self.app.current_theme.dark else LIGHT

    @property
    def form(self) -> SetupForm:
        return self.query_one(SetupForm)

    def relabel(self) -> None:
        if not self._ready:
            return
        self.form.show(self.scene, self.selected, self.lang)
        self.redraw()

    def _restyle(self) -> None:
        self._backdrop = Backdrop(self.experiment.surface, self.palette)
        self.relabel()

    def redraw(self) -> None:
        """Redraw the view on show, the tabs and the status line."""
        if not self._ready:
            return
        lang = self.lang
        top = Text(tr("pg.title", lang) + (f" · {self.origin}" if self.origin else "") + "  —  ")
        for name in VIEWS:
            top.append(f" {tr(f'pg.view.{name}', lang)} ", style="reverse" if name == self.view else "dim")
        if top != self._top:
            self._top = top
            self.query_one("#pg-top", Static).update(top, layout=False)  # one line, whatever it says
        if self.view == "runs":
            if self._backdrop is None or self._backdrop.surface is not self.experiment.surface:
                self._backdrop = Backdrop(self.experiment.surface, self.palette)
            self.query_one(RunsView).show(self.experiment, self._backdrop, self.selected, lang)
        elif self.view == "map":
            colors = tuple(self.palette.run(i) for i in range(len(self.scene.runs)))
            self.query_one(StabilityView).update_for(self.scene, self.selected, colors, lang, self.app.current_theme.dark)
        else:
            self.query_one(RangeView).update_for(self.scene, self.selected, self.palette, lang)
        self._refresh_status()

    def status(self) -> str:
        lang, experiment = self.lang, self.experiment
        state = "sim.finished" if experiment.done else "sim.playing" if self.playing else "sim.paused"
        mode = tr("pg.mode.keep" if self.keep_going else "pg.mode.restart", lang)
        line = tr("pg.status", lang, state=tr(state, lang), k=experiment.k, steps=experiment.horizon, speed=f"{self.speed:g}", mode=mode)
        return f"{line}\n{self.notice}" if self.notice else line

    def _refresh_status(self) -> None:
        """The status line (two with a notice), repainted without a new layout while its height holds."""
        box = self.query_one("#pg-status", Static)
        lines = 1 + (self.notice is not None)
        if box.styles.height is None or box.styles.height.value != lines:
            box.styles.height = lines
        box.update(Text(self.status()), layout=False)

    # --- the animation ----------------------------------------------------------------------

    def set_playing(self, playing: bool) -> None:
        self.playing = playing and not self.experiment.done
        if self._timer is not None:
            self._timer.resume() if self.playing else self._timer.pause()
        if self._ready:
            self._refresh_status()

    def advance(self, frames: int = 1) -> None:
        """Play `frames` animation frames at the current speed and redraw (what the timer calls)."""
        experiment = self.experiment
        for _ in range(frames):
            if experiment.done:
                break
            self._credit += self.speed * max(1.0, self.scene.steps / FRAMES_PER_RUN)
            updates = math.floor(self._credit)
            self._credit -= updates
            if updates:
                experiment.step(updates)
        if experiment.done:
            self.set_playing(False)
        self.redraw()

    def _tick(self) -> None:
        if self.view == "runs":
            self.advance()
        else:  # the runs keep going behind the other views, without drawing them
            self.experiment.step(max(1, round(self.speed * self.scene.steps / FRAMES_PER_RUN)))
            if self.experiment.done:
                self.set_playing(False)

    # --- changing the setup -----------------------------------------------------------------

    def change(self, scene: Scene) -> bool:
        """Run the new setup: from the start, or on from here in keep-going mode. False if refused."""
        try:
            if self.keep_going and len(scene.runs) == len(self.scene.runs):
                self.experiment.keep_going(scene)
            else:
                self.experiment.restart(scene)
        except DescentError as error:
            self.form.show_error(str(error))
            return False
        self.form.show_error(None)
        self.selected = min(self.selected, len(scene.runs) - 1)
        self._credit = 0.0
        self.notice = None
        self.relabel()
        self.set_playing(self.autoplay)
        return True

    def change_run(self, make) -> None:
        try:
            run = make(self.scene.runs[self.selected])
        except DescentError as error:
            self.form.show_error(str(error))
            return
        self.change(with_run(self.scene, self.selected, run))

    @on(SetupForm.Edited)
    def _edited(self, event: SetupForm.Edited) -> None:
        self.change(event.scene)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "map_mode":
            return self.view == "map"
        if action == "use_range_runs":
            return self.view == "range" and self.query_one(RangeView).training is not None
        if action == "add_run":
            return len(self.scene.runs) < 4
        if action == "remove_run":
            return len(self.scene.runs) > 1
        if action == "select":
            return int(parameters[0]) < len(self.scene.runs)
        return True

    def action_play(self) -> None:
        if self.experiment.done:
            if self.keep_going:
                self.experiment.keep_going(self.scene)
            else:
                self.experiment.restart(self.scene)
            self._credit = 0.0
            self.set_playing(True)
            self.redraw()
            return
        self.set_playing(not self.playing)

    def action_step(self) -> None:
        self.set_playing(False)
        if not self.experiment.done:
            self.experiment.step(1)
            self.redraw()

    def action_restart(self) -> None:
        self.experiment.restart(self.scene)
        self._credit = 0.0
        self.set_playing(self.autoplay)
        self.redraw()

    def action_toggle_keep_going(self) -> None:
        self.keep_going = not self.keep_going
        self._refresh_status()

    def action_lr(self, direction: int) -> None:
        self.change_run(lambda run: scale_lr(run, LR_FACTOR if direction > 0 else 1 / LR_FACTOR))

    def action_momentum(self, direction: int) -> None:
        self.change_run(lambda run: step_momentum(run, direction))

    def action_optimizer(self) -> None:
        self.change_run(next_optimizer)

    def action_schedule(self) -> None:
        self.change_run(lambda run: next_schedule(run, self.scene.steps))

    def action_select(self, index: int) -> None:
        if 0 <= index < len(self.scene.runs):
            self.selected = index
            self.relabel()

    def action_add_run(self) -> None:
        try:
            scene = add_run(self.scene, self.selected)
        except DescentError as error:
            self.form.show_error(str(error))
            return
        if self.change(scene):
            self.action_select(len(scene.runs) - 1)

    def action_remove_run(self) -> None:
        try:
            scene = remove_run(self.scene, self.selected)
        except DescentError as error:
            self.form.show_error(str(error))
            return
        self.change(scene)

    def action_faster(self) -> None:
        self.speed = faster(self.speed)
        self._refresh_status()

    def action_slower(self) -> None:
        self.speed = slower(self.speed)
        self._refresh_status()

    # --- views ------------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = f"pg-{view}"
        self.redraw()
        self.refresh_bindings()

    def action_next_view(self) -> None:
        self.show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_map_mode(self) -> None:
        self.query_one(StabilityView).toggle_mode()
        self.redraw()

    def action_use_range_runs(self) -> None:
        """Put the range test's two trainings in the runs view, to replay and change them."""
        training = self.query_one(RangeView).training
        if training is not None and self.change(training.scene):
            self.selected = 0
            self.origin = tr("pg.origin.range", self.lang)
            self.show_view("runs")

    # --- the form ---------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Show the form (narrow screens hide it) and put the cursor in the selected run's lr."""
        self.add_class("-editing")
        self.query_one("#f-lr", Input).focus()

    def action_back(self) -> None:
        if self.has_class("-editing") or self.focused is not None and self.form in self.focused.ancestors:
            self.remove_class("-editing")
            self.set_focus(None)
            return
        self.set_playing(False)
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # --- scenes in and out ------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the setup as a scene file and check it with the content validator."""
        lang = self.lang
        try:
            path = save_scene(self.scene, scenes_dir())
        except (DescentError, OSError) as error:
            self.notify(tr("pg.save.failed", lang, error=str(error)), severity="error", timeout=8)
            return
        problems = read_scene(path.read_bytes(), str(path)).problems
        if problems:
            listed = "\n".join(str(problem) for problem in problems)
            self.notify(tr("pg.save.problems", lang, path=str(path), problems=listed), severity="error", timeout=12)
        else:
            self.notify(tr("pg.save.done", lang, path=str(path)), timeout=8)
        self.notice = tr("pg.save.where", lang, path=str(path))
        self._refresh_status()

    def action_load(self) -> None:
        sources = [*library_scenes(self.app.library), *saved_scenes(scenes_dir())]
        self.set_playing(False)
        self.app.push_screen(ScenePicker(sources, self.lang), self._picked)

    def _picked(self, source: SceneSource | None) -> None:
        if source is not None:
            self.load(source.scene, tr(f"pg.pick.{source.kind}", self.lang, owner=source.owner, key=source.key or ""))

    def load(self, scene: Scene, origin: str | None = None) -> bool:
        """Show `scene` from its start (keep-going mode does not apply to a new scene)."""
        keep, self.keep_going = self.keep_going, False
        loaded = self.change(scene)
        self.keep_going = keep
        if loaded:
            self.origin = origin
            self.action_select(0)
        return loaded
