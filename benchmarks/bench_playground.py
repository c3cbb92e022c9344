"""How fast the playground is: the stability map's sweep and the screen's frame rate.

    python benchmarks/bench_playground.py [--points 1000] [--steps 1000] [--repeats 5] [--seconds 3]

1. The stability map: a sweep of `--points` constant lrs (log-spaced, 1e-3 to 10) of
   `--steps` updates each on the quadratic and on the ravine, in one batched simulation,
   classified, and drawn (the playground's chart and the `studyapp sim --sweep-lr` chart).
   Baseline: the same number of updates as a bare NumPy loop of gradient descent on x²
   (x ← x − lr·2x for every run at once), the least any sweep can cost. Best of `--repeats`.
   Target: the whole sweep, drawn, under one second.
2. The playground's frame rate at 120×40 (headless) with four runs playing on the screen's
   own timer, counting the loss chart's actual repaints, against a minimal Textual app whose
   one Static is updated on a timer of the same period; and the screen's own drawing (four
   runs stepped, four charts and the legend) without Textual. Target: at least 20 frames a second.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

import numpy as np

from studyapp.commands.sim import draw_sweep
from studyapp.descent import Run, classify, make_surface, simulate
from studyapp.descent.sweep import log_range, sweep_lr
from studyapp.tui.mapcharts import sweep_chart
from studyapp.tui.plotting import build_chart

from repaints import repaints_per_second


def best_of(repeats: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name: str, seconds: float, baseline: float) -> None:
    print(f"  {name:<58} {seconds * 1000:9.1f} ms   ratio {seconds / baseline:6.2f}×")


def bare_descent(lrs: np.ndarray, steps: int) -> np.ndarray:
    """Gradient descent on x² for every lr at once, nothing else: the floor of any sweep."""
    x = np.ones((len(lrs), 1))
    rates = lrs[:, None]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            x = x - rates * 2.0 * x
    return x


def sweep_figures(points: int, steps: int, repeats: int) -> None:
    lrs = log_range(1e-3, 10.0, points)
    baseline = best_of(repeats, lambda: bare_descent(lrs, steps))
    print(f"Stability map: {points} lrs × {steps} updates (best of {repeats})")
    print(f"  {'baseline: bare NumPy gradient descent on x², same updates':<58} {baseline * 1000:9.1f} ms")
    for name, settings in (("quadratic", {}), ("ravine", {}), ("ravine", {"momentum": 0.9})):
        surface = make_surface(name)
        label = name + (" with momentum 0.9" if settings else "")
        runs = [Run(float(lr), settings=settings) for lr in lrs]
        simulated = best_of(repeats, lambda: simulate(surface, runs, steps))
        trajectory = simulate(surface, runs, steps)
        classified = best_of(repeats, lambda: classify(surface, trajectory))
        stability = sweep_lr(surface, lrs, steps, settings=settings)
        tui_chart = best_of(repeats, lambda: build_chart(sweep_chart(stability, "en"), 100, 30))
        cli_chart = best_of(repeats, lambda: draw_sweep(surface, stability, 100, 30))
        whole = best_of(repeats, lambda: build_chart(sweep_chart(sweep_lr(surface, lrs, steps, settings=settings), "en"), 100, 30))
        print(f" {label}:")
        report("simulate (one batch)", simulated, baseline)
        report("classify (regimes.classify)", classified, baseline)
        report("draw: playground chart, 100×30", tui_chart, baseline)
        report("draw: studyapp sim --sweep-lr chart, 100×30", cli_chart, baseline)
        report(f"whole sweep, drawn (target < 1000 ms): {'met' if whole < 1.0 else 'MISSED'}", whole, baseline)


async def playground_rate(seconds: float) -> tuple[float, float]:
    """(loss-chart repaints a second while playing, drawing-only frames a second) at 120×40."""
    from studyapp.tui.app import StudyApp
    from studyapp.tui.experiment import DEFAULT_SCENE, with_steps
    from studyapp.tui.screens.playground import PlaygroundScreen

    app = StudyApp(animate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = PlaygroundScreen(with_steps(DEFAULT_SCENE, 3_000))  # long enough to play throughout
        await app.push_screen(screen)
        await pilot.pause()
        on_screen = await repaints_per_second(screen.query_one("#pg-loss"), screen.set_playing, seconds)
        assert not screen.experiment.done, "the runs ended before the measurement did"

        screen.action_restart()
        screen.set_playing(False)
        plots = [plot for plot in screen.query("Plot") if plot.display and plot.region.area]
        drawn = {plot: None for plot in plots}
        frames = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds and not screen.experiment.done:
            screen.advance()
            for plot in plots:
                if plot.chart is not drawn[plot]:  # as on screen: a chart is drawn again only when replaced
                    drawn[plot] = plot.chart
                    plot.render()
            frames += 1
        drawing = frames / (time.perf_counter() - started)
    return on_screen, drawing


async def minimal_rate(seconds: float) -> float:
    """Repaints a second of a minimal app updating one Static on a timer of the playground's period."""
    from textual.app import App
    from textual.widgets import Static

    from studyapp.tui.screens.playground import FRAME_SECONDS

    class Minimal(App):
        def compose(self):
            yield Static("0", id="counter")

        def on_mount(self) -> None:
            self.count = 0
            self.query_one("#counter").styles.height = 1
            self.set_interval(FRAME_SECONDS, self.tick)

        def tick(self) -> None:
            self.count += 1
            self.query_one("#counter", Static).update(str(self.count), layout=False)  # as the playground's lines

    app = Minimal()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        counter = app.query_one("#counter")
        repaints = 0
        draw = counter.render

        def counted():
            nonlocal repaints
            repaints += 1
            return draw()

        counter.render = counted
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        return repaints / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    sweep_figures(args.points, args.steps, args.repeats)
    baseline = asyncio.run(minimal_rate(args.seconds))
    on_screen, drawing = asyncio.run(playground_rate(args.seconds))
    print("Playground at 120×40, four runs playing")
    print(f"  {'baseline: minimal app, one Static on the same timer':<58} {baseline:9.1f} frames/s")
    print(f"  {'playground: loss chart repaints while playing':<58} {on_screen:9.1f} frames/s   ratio {on_screen / baseline:5.2f}×"
          f"   (target ≥ 20: {'met' if on_screen >= 20 else 'MISSED'})")
    print(f"  {'playground drawing alone (step + charts + legend)':<58} {drawing:9.1f} frames/s")


if __name__ == "__main__":
    main()
