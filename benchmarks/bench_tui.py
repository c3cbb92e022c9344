"""The app's start-up time, the plot panel's frame rate and the app's peak memory.

    python benchmarks/bench_tui.py [--runs 7] [--seconds 3]

Start-up: wall time from starting a Python process to the app's first screen being ready for
input (Textual's Ready event), for studyapp and for a minimal Textual app (a Static and a
Footer), alternated in the same run, median of `--runs`; also the time until Home lists the
banks (the content is read in a thread after the first screen). Frames: the Practice screen at
100×30 (headless) with a five-run scene played by the panel's own timer, counting the loss
chart's actual repaints; and the panel's own drawing (simulation step, three charts,
legend) without Textual. Memory: peak resident size of a process that starts the app, answers a
question and plays its scene to the end, against the minimal app's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

# Linux keeps ru_maxrss across exec (a child reports its parent's peak when larger), so the
# peak comes from VmHWM, the high-water mark of this process's own memory, where there is one.
PEAK = textwrap.dedent(
    """
    def peak_kb():
        try:
            with open("/proc/self/status") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        except OSError:
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    """
)

CHILD = PEAK + textwrap.dedent(
    """
    import os, sys, time
    kind = sys.argv[1]
    if kind == "minimal":
        from textual.app import App
        from textual.widgets import Footer, Static

        class Minimal(App):
            def compose(self):
                yield Static("hello")
                yield Footer()

        app_class = Minimal
    else:
        from studyapp.tui.app import StudyApp as app_class

    class Timed(app_class):
        def on_ready(self):
            print("ready", time.time(), flush=True)
            if kind != "studyapp-loaded":
                self.exit()
            else:
                self.set_interval(0.005, self.check_loaded)

        def check_loaded(self):
            if self.library is not None:
                print("loaded", time.time(), flush=True)
                self.exit()

    Timed().run(headless=True)
    print("peak_kb", peak_kb(), flush=True)
    """
)


def timed_start(kind: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from process start to each mark the child prints."""
    started = time.time()
    output = subprocess.run(
        [sys.executable, "-c", CHILD, kind], env=env, capture_output=True, text=True, check=True
    ).stdout
    marks = {}
    for line in output.splitlines():
        name, value = line.split()
        marks[name] = float(value) if name == "peak_kb" else float(value) - started
    return marks


async def frame_rate(seconds: float) -> tuple[float, float]:
    """Frames per second of the simulation panel at 100×30: (repaints on screen, panel drawing alone).

    The panel plays on its own timer (30 ticks a second); a frame counts when Textual actually
    repaints the loss chart, so the simulation step, layout, rendering and compositing are all
    included. The drawing alone (no Textual) shows the headroom left.
    """
    from studyapp.descent import Run, make_surface
    from studyapp.tui.app import StudyApp
    from studyapp.tui.i18n import Same
    from studyapp.tui.simrun import SceneSpec
    from studyapp.tui.widgets import simulation

    from repaints import repaints_per_second

    lrs = (0.01, 0.1, 0.7, 0.99, 1.01)
    spec = SceneSpec(
        make_surface("quadratic"),
        tuple(Run(lr=lr, x0=(1.0,)) for lr in lrs),
        tuple(Same(f"lr {lr}") for lr in lrs),
        steps=2_000,  # the longest bundled scenes run a few thousand updates
        show=("loss", "path", "lr"),
    )
    app = StudyApp(animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        panel = app.screen.query_one(simulation.SimulationPanel)
        panel.show_scene(spec, autoplay=False)
        await pilot.pause()
        on_screen = await repaints_per_second(panel.query_one("#sim-loss"), panel.set_playing, seconds)

        plots = [plot for plot in panel.query("Plot") if plot.display]
        frames = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            panel.playthrough.frame(1.0)
            panel._refresh_all()
            for plot in plots:
                plot.render()
            frames += 1
        drawing = frames / (time.perf_counter() - started)
    return on_screen, drawing


def peak_memory(env: dict[str, str]) -> tuple[float, float]:
    """Peak resident MiB: studyapp through a whole answer with its scene played, and the minimal app."""
    script = PEAK + textwrap.dedent(
        """
        import asyncio
        from studyapp.tui.app import StudyApp

        async def main():
            app = StudyApp(animate=False)
            async with app.run_test(size=(100, 30)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter", "a", "enter")
                app.screen.panel.finish()
                await pilot.pause()

        asyncio.run(main())
        print(peak_kb())
        """
    )
    studyapp_kb = float(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout)
    minimal_kb = timed_start("minimal", env)["peak_kb"]
    return studyapp_kb / 1024, minimal_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to play the panel for the frame rate")
    args = parser.parse_args()
    env = dict(os.environ, STUDYAPP_DATA_DIR=tempfile.mkdtemp(prefix="bench-tui-"))
    env.pop("STUDYAPP_CONTENT", None)

    timed_start("studyapp", env)  # warm the file cache and the scene/bytecode caches once
    timed_start("minimal", env)
    minimal, first, loaded = [], [], []
    for _ in range(args.runs):
        minimal.append(timed_start("minimal", env)["ready"])
        first.append(timed_start("studyapp", env)["ready"])
        loaded.append(timed_start("studyapp-loaded", env)["loaded"])
    base = statistics.median(minimal)
    print(f"start-up, median of {args.runs} (process start -> ready for input):")
    print(f"  minimal Textual app        {base * 1000:7.0f} ms")
    print(f"  studyapp, Home shown       {statistics.median(first) * 1000:7.0f} ms   ratio {statistics.median(first) / base:.2f}x (target <= 1.5x)")
    print(f"  studyapp, banks listed     {statistics.median(loaded) * 1000:7.0f} ms   ratio {statistics.median(loaded) / base:.2f}x")

    os.environ.update(env)
    whole, drawing = asyncio.run(frame_rate(args.seconds))
    print(f"plot panel at 100x30, 5 runs, loss + path + lr charts, played for {args.seconds:g} s:")
    print(f"  repainted on screen        {whole:7.1f} frames/s (target >= 20; the panel ticks 30 times a second)")
    print(f"  panel drawing alone        {drawing:7.1f} frames/s (as fast as it goes, without Textual)")

    app_mib, minimal_mib = peak_memory(env)
    print("peak memory (resident):")
    print(f"  minimal Textual app        {minimal_mib:7.1f} MiB")
    print(f"  studyapp, answer + scene   {app_mib:7.1f} MiB   ratio {app_mib / minimal_mib:.2f}x")


if __name__ == "__main__":
    main()
