"""The simulation panel on its own: stepping, the timer, controls, errors, colours."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static

from studyapp.descent import Run, make_surface
from studyapp.tui.i18n import Same
from studyapp.tui.sceneplots import DARK, LIGHT
from studyapp.tui.simrun import SceneSpec
from studyapp.tui.widgets.simulation import SimulationPanel


def spec(*lrs: float, steps: int = 100) -> SceneSpec:
    return SceneSpec(
        surface=make_surface("quadratic"),
        runs=tuple(Run(lr=lr, x0=(1.0,)) for lr in lrs),
        labels=tuple(Same(f"lr {lr}") for lr in lrs),
        steps=steps,
        show=("loss", "path", "lr"),
        caption=Same("Two rates on x²"),
    )


class PanelApp(App[None]):
    CSS_PATH = "../../studyapp/tui/app.tcss"

    def compose(self) -> ComposeResult:
        yield SimulationPanel(autoplay=False)


def status(panel: SimulationPanel) -> str:
    return str(panel.query_one("#sim-status", Static).content)


async def test_stepping_by_hand_draws_every_chart_and_names_regimes_at_the_end() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(SimulationPanel)
        panel.show_scene(spec(0.1, 1.05))
        await pilot.pause()
        assert status(panel).startswith("❚❚ paused · 0/100 · speed ×1 · lr ×1")
        panel.step_once()
        assert panel.playthrough.k == 1
        panel.advance(5)
        assert 1 < panel.playthrough.k < 100
        for name in ("loss", "path", "lr"):
            assert panel.query_one(f"#sim-{name}").chart is not None
        assert "running…" in str(panel.legend())
        panel.finish()
        legend = str(panel.legend())
        assert "converged at update 16 — lr 0.1" in legend and "diverged at update 1 — lr 1.05" in legend
        assert status(panel).startswith("■ finished")


async def test_playing_advances_on_the_timer_while_keys_still_work() -> None:
    app = PanelApp()
    pressed = []
    app.bind("x", "record", show=False)
    app.action_record = lambda: pressed.append(True)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(SimulationPanel)
        panel.show_scene(spec(0.1, steps=2000), autoplay=True)
        assert panel.playing
        await asyncio.sleep(0.3)
        await pilot.press("x")
        assert pressed and panel.playthrough.k > 0
        panel.toggle_play()
        paused_at = panel.playthrough.k
        await asyncio.sleep(0.15)
        assert panel.playthrough.k == paused_at


async def test_speed_and_restart_and_the_end_of_the_scene() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 40)):
        panel = app.query_one(SimulationPanel)
        panel.show_scene(spec(0.1, steps=90))
        panel.faster()
        panel.advance(1)
        assert panel.playthrough.k == 2
        panel.slower()
        panel.slower()
        panel.advance(2)
        assert panel.playthrough.k == 3
        panel.finish()
        panel.toggle_play()  # at the end, play starts over
        assert panel.playthrough.k == 0 and panel.playing


async def test_a_scene_the_core_refuses_shows_its_message() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(SimulationPanel)
        bad = SceneSpec(make_surface("ravine"), (Run(lr=0.1, x0=(1.0,)),), (Same("x"),), 10)
        panel.show_scene(bad)
        await pilot.pause()
        assert panel.playthrough is None
        assert "x0 has 1 value but surface 'ravine' is 2-D" in status(panel)


async def test_colours_follow_the_theme() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(SimulationPanel)
        panel.show_scene(spec(0.1))
        assert panel.palette is DARK
        app.theme = "textual-light"
        await pilot.pause()
        assert panel.palette is LIGHT
        assert panel.query_one("#sim-loss").chart.series[0].color == LIGHT.runs[0]


async def test_wide_panels_put_the_regimes_beside_the_plots() -> None:
    app = PanelApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(SimulationPanel)
        panel.show_scene(spec(0.1))
        await pilot.pause()
        charts, legend = panel.query_one("#sim-charts"), panel.query_one("#sim-legend")
        assert legend.region.x >= charts.region.right
        await pilot.resize_terminal(60, 40)
        await pilot.pause()
        assert legend.region.y >= charts.region.bottom
