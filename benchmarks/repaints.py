"""Counting a plot's repaints while something plays: the frame rate the learner sees.

Shared by the benchmark scripts (run as `python benchmarks/<script>.py`, which puts this
folder on the import path).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def repaints_per_second(plot, set_playing: Callable[[bool], None], seconds: float) -> float:
    """Play for `seconds` and return how many times a second `plot` was rendered."""
    repaints = 0
    draw = plot.render

    def counted():
        nonlocal repaints
        repaints += 1
        return draw()

    plot.render = counted
    set_playing(True)
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    rate = repaints / (time.perf_counter() - started)
    set_playing(False)
    plot.render = draw
    return rate
