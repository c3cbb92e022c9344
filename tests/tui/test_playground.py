"""The playground, driven by keys with Textual's Pilot (animation off: the tests step the runs)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from studyapp.content.models import Scene, SceneRun
from studyapp.content.scenefiles import read_scene
from studyapp.tui.app import StudyApp
from studyapp.tui.commands import StudyCommands
from studyapp.tui.experiment import DEFAULT_SCENE
from studyapp.tui.i18n import STRINGS, tr
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.playground import PlaygroundScreen
from studyapp.tui.screens.practice import PracticeScreen
from studyapp.tui.screens.scene_picker import ScenePicker
from studyapp.tui.widgets.plot import Plot
from studyapp.tui.widgets.range_view import RangeView
from studyapp.tui.widgets.stability_view import StabilityView

SIZE = (120, 40)
QUADRATIC = Scene(surface="quadratic", steps=100, runs=(SceneRun(id="run-1", lr=0.7), SceneRun(id="run-2", lr=0.1)))


def legend(screen: PlaygroundScreen) -> list[str]:
    return str(screen.query_one("#pg-legend", Static).content).splitlines()


async def open_playground(app: StudyApp, pilot) -> PlaygroundScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, PlaygroundScreen)
    return app.screen


async def run_to_the_end(screen: PlaygroundScreen, pilot) -> None:
    screen.experiment.finish()
    screen.redraw()
    await pilot.pause()


async def test_a_setting_change_changes_the_simulation_and_the_regime_label(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        assert screen.scene == DEFAULT_SCENE
        await run_to_the_end(screen, pilot)
        assert legend(screen)[2].endswith("sgd lr 0.081 — diverged at update 13")
        before = screen.experiment.trajectory().positions[:, 2].copy()

        await pilot.press("3", "minus")  # the third run, its lr ÷1.25: 0.0648, below 2/L = 0.08
        assert screen.selected == 2
        assert screen.scene.runs[2].lr == pytest.approx(0.0648)
        assert screen.experiment.k == 0  # restarted from the start point
        await run_to_the_end(screen, pilot)
        assert not (screen.experiment.trajectory().positions[:, 2] == before).all()
        assert screen.experiment.regimes[2].kind == "converged"
        assert "▶● 3 sgd lr 0.0648 — converged at update" in legend(screen)[2]

        # the form shows the change, and an edit typed there is run at once
        assert screen.query_one("#f-lr", Input).value == "0.0648"
        await pilot.press("e")
        await pilot.press(*"0.09", "enter")  # the field's text is selected on focus: typing replaces it
        assert screen.scene.runs[2].lr == pytest.approx(0.09)
        await run_to_the_end(screen, pilot)
        assert "lr 0.09 — diverged at update" in legend(screen)[2]

        # momentum, optimizer and schedule keys change the selected run
        await pilot.press("escape", "m")
        assert dict(screen.scene.runs[2].settings) == {"momentum": 0.5}
        await pilot.press("o")
        assert screen.scene.runs[2].optimizer == "adagrad"
        await pilot.press("s", "s", "s", "s", "s")  # constant → step → exponential → cosine → warm-up+cosine → one-cycle
        assert [step.name for step in screen.scene.runs[2].schedule] == ["one-cycle"]
        assert screen.query_one("#pg-momentum", Plot).display is False  # adagrad has no momentum to cycle
        await pilot.press("o", "s")  # rmsprop, then cyclic, which cycles its momentum: drawn in a fourth chart
        assert screen.scene.runs[2].optimizer == "rmsprop" and screen.scene.runs[2].schedule[0].name == "cyclic"
        await run_to_the_end(screen, pilot)
        assert screen.query_one("#pg-momentum", Plot).display is True

        # text the core refuses is named in the form, and the runs stay as they were
        screen.query_one("#f-schedule", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"cosin", "enter")
        assert "unknown schedule 'cosin'" in str(screen.query_one("#f-error", Static).content)
        assert [step.name for step in screen.scene.runs[2].schedule] == ["cyclic"]


async def test_keep_going_changes_the_runs_from_where_they_are(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        screen.load(QUADRATIC)
        screen.experiment.step(5)
        before = screen.experiment.trajectory().positions.copy()
        await pilot.press("k")
        assert "keep going from here" in str(screen.query_one("#pg-status", Static).content)
        await pilot.press("1", "plus", "plus", "plus")  # 0.7 × 1.25³ = 1.37: beyond 2/L = 1
        assert screen.experiment.k == 5 and screen.experiment.horizon == 100
        await run_to_the_end(screen, pilot)
        trajectory = screen.experiment.trajectory()
        assert (trajectory.positions[:6] == before).all()  # the first five updates are kept as they were
        assert trajectory.lrs[4, 0] == pytest.approx(0.7) and trajectory.lrs[5, 0] == pytest.approx(1.3671875)
        assert screen.experiment.regimes[0].kind == "diverged" and screen.experiment.regimes[0].diverged_at > 5
        assert screen.experiment.regimes[1].kind == "converged"


async def test_a_saved_scene_validates_and_loads_back_identically(demo_library, data_dir: Path) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        await pilot.press("2", "s", "s", "s", "s")  # run 2: warm-up then cosine
        assert [step.name for step in screen.scene.runs[1].schedule] == ["linear", "cosine"]
        built = screen.scene
        await pilot.press("ctrl+s")
        [path] = (data_dir / "scenes").glob("*.yaml")
        read = read_scene(path.read_bytes(), str(path))
        assert read.problems == ()  # the content validator's reader and claim checks find nothing
        assert dataclasses.replace(read.scene, runs=tuple(dataclasses.replace(r, expect=None) for r in read.scene.runs)) == built

        await pilot.press("plus")  # change something, then load the saved scene back
        assert screen.scene != built
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ScenePicker)
        kinds = [source.kind for source in picker.sources]
        assert kinds[-1] == "file" and "question" in kinds and "option" in kinds
        options = picker.query_one(OptionList)
        options.highlighted = len(kinds) - 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.scene == read.scene
        assert dataclasses.replace(screen.scene, runs=tuple(dataclasses.replace(r, expect=None) for r in screen.scene.runs)) == built


@pytest.mark.parametrize("scene, limit", [(QUADRATIC, 1.0), (DEFAULT_SCENE, 0.08)])
async def test_the_stability_map_marks_two_over_L(demo_library, scene: Scene, limit: float) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        screen.load(scene)
        await pilot.press("v")
        view = screen.query_one(StabilityView)
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = view.result
        assert result is not None and len(result.lrs) == 400
        assert {mark.label: mark.lr for mark in result.marks()}["2/L"] == pytest.approx(limit)
        ratio = result.lrs[1] / result.lrs[0]
        assert limit < result.stability_edge() <= limit * ratio  # the first swept lr above 2/L diverges
        below = result.lrs < limit
        assert result.regime_names()[below][-1] in ("converged", "oscillating")
        chart = view.query_one("#map-chart", Plot).chart
        assert "2/L" in [note.text for note in chart.notes] and chart.xlog
        bands = str(view.query_one("#map-bands", Static).content)
        assert f"2/L = {limit:.3g}" in bands and "The runs diverge from lr" in bands

        await pilot.press("n")  # the lr × momentum map: the heavy-ball bound marked row by row
        await app.workers.wait_for_complete()
        await pilot.pause()
        grid = view.result
        assert grid.momenta is not None and grid.kinds.shape[0] == len(grid.momenta)
        text = str(view.query_one("#map-grid", Static).content)
        assert text.count("┃") >= len(grid.momenta) - 2


async def test_the_range_test_view_trains_with_its_suggestion(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        await pilot.press("v", "v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = screen.query_one(RangeView)
        result = view.result
        assert result.lrs[0] <= result.valley <= result.lrs[-1]
        assert [run.id for run in view.training.scene.runs] == ["constant", "one-cycle"]
        assert view.training.done
        assert [note.text.split()[0] for note in view.query_one("#range-curve", Plot).chart.notes] == ["steep", "valley", "min/10"]
        await pilot.press("u")
        assert screen.view == "runs" and screen.scene.surface == "regression" and len(screen.scene.runs) == 2


async def test_open_in_playground_from_a_simulation_panel_and_the_palette(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        await pilot.press("a", "enter")  # answer: the question's scene appears in the panel
        names = [name for name, _ in StudyCommands(practice).commands()]
        assert "Open this scene in the playground" in names
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        assert screen.scene.surface == "quadratic" and [run.lr for run in screen.scene.runs] == [0.1, 1.05]
        assert [run.label.get("en") for run in screen.scene.runs] == ["lr 0.1", "lr 1.05"]
        await pilot.press("escape")
        assert app.screen is practice
        app.action_home()
        await pilot.pause()
        assert "Open the playground" in [name for name, _ in StudyCommands(app.screen).commands()]


async def test_the_playground_speaks_korean(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="ko", animate=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(app, pilot)
        await run_to_the_end(screen, pilot)
        assert legend(screen)[2].endswith(tr("sim.regime.diverged", "ko", n=13)) and "발산" in legend(screen)[2]
        assert "실험실" in str(screen.query_one("#pg-top", Static).content)
        await pilot.press("l")
        assert "diverged at update 13" in legend(screen)[2]


def test_every_playground_key_is_described_in_both_languages() -> None:
    for owner in (PlaygroundScreen, ScenePicker):
        for binding in owner.BINDINGS:
            assert binding.description in STRINGS, (owner.__name__, binding.description)
