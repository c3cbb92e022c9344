"""The playground's setup form: the surface and its parameters, the start, the updates, and each run.

Attributes down, messages up: the screen hands in the scene and the selected run with
`show()`; an edit the learner confirms (Enter, leaving the field, or a new choice in a
list) is read with the experiment's parsers and posted as `SetupForm.Edited` with the
new scene. Text that cannot be read is reported in place and nothing is posted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from studyapp.content.models import FrozenMap, Scene
from studyapp.descent import OPTIMIZERS, SCHEDULES, SURFACES, DescentError, make_surface
from studyapp.tui.experiment import (
    format_assignments,
    format_point,
    format_schedule,
    parse_assignments,
    parse_positive,
    parse_point,
    parse_schedule,
    parse_steps,
    run_label,
    with_optimizer,
    with_run,
    with_start,
    with_steps,
    with_surface,
)
from studyapp.tui.i18n import tr

INPUTS = ("params", "start", "steps", "lr", "settings", "schedule", "clip")


def _takes(table: dict, name: str) -> str:
    return ", ".join(spec.name for spec in table.get(name, ())) or "—"


class SetupForm(VerticalScroll):
    """Every setting of the playground's scene, editable as text or picked from a list."""

    @dataclass
    class Edited(Message):
        """The learner changed the setup; `scene` is the new one (not yet checked by the core)."""

        scene: Scene

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scene: Scene | None = None
        self.selected = 0
        self.lang = "en"

    def compose(self) -> ComposeResult:
        yield Label(id="f-title", classes="form-title")
        yield from self._row("surface", Select([(name, name) for name in SURFACES], allow_blank=False, compact=True, type_to_search=False, id="f-surface"))
        yield from self._row("params", Input(compact=True, id="f-params"))
        yield from self._row("start", Input(compact=True, id="f-start"))
        yield from self._row("steps", Input(compact=True, id="f-steps", restrict=r"[0-9]*"))
        yield Label(id="f-run-title", classes="form-title")
        yield from self._row("run", Static(id="f-run"))
        yield from self._row("optimizer", Select([(name, name) for name in OPTIMIZERS], allow_blank=False, compact=True, type_to_search=False, id="f-optimizer"))
        yield from self._row("lr", Input(compact=True, id="f-lr"))
        yield from self._row("settings", Input(compact=True, id="f-settings"))
        yield from self._row("schedule", Input(compact=True, id="f-schedule"))
        yield from self._row("clip", Input(compact=True, id="f-clip"))
        yield Static(id="f-takes")
        yield Static(id="f-error")

    def _row(self, name: str, field) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(id=f"f-label-{name}", classes="form-label")
            yield field

    # --- attributes down -------------------------------------------------------------------

    def show(self, scene: Scene, selected: int, lang: str) -> None:
        """Fill every field from `scene` (the selected run's fields from run `selected`)."""
        self.scene, self.selected, self.lang = scene, selected, lang
        if not self.is_mounted:
            return
        t = lambda key, **values: tr(key, lang, **values)  # noqa: E731
        self.query_one("#f-title", Label).update(t("pg.form.surface_title"))
        self.query_one("#f-run-title", Label).update(t("pg.form.run_title"))
        for name in ("surface", "params", "start", "steps", "run", "optimizer", "lr", "settings", "schedule", "clip"):
            self.query_one(f"#f-label-{name}", Label).update(t(f"pg.form.{name}"))
        surface = make_surface(scene.surface, **scene.params)
        run = scene.runs[selected]
        with self.prevent(Select.Changed):
            self.query_one("#f-surface", Select).value = scene.surface
            self.query_one("#f-optimizer", Select).value = run.optimizer
        self.query_one("#f-run", Static).update(RichText(f"{selected + 1} / {len(scene.runs)} · {run_label(run).get(lang)}"))
        self._fill("params", format_assignments(scene.params), format_assignments({s.name: s.default for s in SURFACES[scene.surface]}))
        self._fill("start", format_point(run.x0), format_point(surface.start))
        self._fill("steps", str(scene.steps), "")
        self._fill("lr", f"{run.lr:.6g}", "")
        self._fill("settings", format_assignments(run.settings), t("pg.form.settings_hint"))
        self._fill("schedule", format_schedule(run.schedule), t("pg.form.schedule_hint"))
        self._fill("clip", "" if run.max_norm is None else f"{run.max_norm:g}", t("pg.form.clip_hint"))
        schedule_names = ", ".join(dict.fromkeys(step.name for step in run.schedule)) or "constant"
        self.query_one("#f-takes", Static).update(
            RichText(
                t("pg.form.takes", optimizer=run.optimizer, settings=_takes(OPTIMIZERS, run.optimizer))
                + "\n"
                + "\n".join(t("pg.form.takes", optimizer=name, settings=_takes(SCHEDULES, name)) for name in schedule_names.split(", "))
            )
        )

    def _fill(self, name: str, value: str, placeholder: str) -> None:
        field = self.query_one(f"#f-{name}", Input)
        field.placeholder = placeholder
        if field.value != value:
            field.value = value

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#f-error", Static)
        error.update(RichText(message or ""))
        error.set_class(bool(message), "-shown")

    # --- messages up -----------------------------------------------------------------------

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        if self.scene is None or event.value is Select.NULL:
            return
        field = event.select.id
        if field == "f-surface" and event.value != self.scene.surface:
            self._post(lambda: with_surface(self.scene, str(event.value), {}))
        elif field == "f-optimizer" and event.value != self.scene.runs[self.selected].optimizer:
            self._post(lambda: with_run(self.scene, self.selected, with_optimizer(self.scene.runs[self.selected], str(event.value))))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply(event.input)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        event.stop()
        self._apply(event.input)

    def _apply(self, field: Input) -> None:
        if self.scene is None or field.id is None:
            return
        name = field.id.removeprefix("f-")
        scene, run, text = self.scene, self.scene.runs[self.selected], field.value.strip()

        def edited_run(**changes) -> Scene:
            return with_run(scene, self.selected, dataclasses.replace(run, label=None, **changes))

        makers = {
            "params": lambda: with_surface(scene, scene.surface, parse_assignments(text, "surface", SURFACES, scene.surface)),
            "start": lambda: with_start(scene, parse_point(text, make_surface(scene.surface, **scene.params).dim)),
            "steps": lambda: with_steps(scene, parse_steps(text)),
            "lr": lambda: edited_run(lr=parse_positive(text, "lr")),
            "settings": lambda: edited_run(settings=FrozenMap(parse_assignments(text, "optimizer", OPTIMIZERS, run.optimizer))),
            "schedule": lambda: edited_run(schedule=parse_schedule(text)),
            "clip": lambda: edited_run(max_norm=parse_positive(text, "the clipping norm") if text else None),
        }
        if name in makers:
            self._post(makers[name])

    def _post(self, make) -> None:
        try:
            scene = make()
        except DescentError as error:
            self.show_error(str(error))
            return
        if scene != self.scene:
            self.post_message(self.Edited(scene))
        else:
            self.show_error(None)
