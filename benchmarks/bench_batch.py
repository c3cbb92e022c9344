"""Batched simulation against the same runs made one at a time.

1,000 runs of Adam on the ravine (one lr each, log-spaced), 1,000 updates: one batched
`simulate` call, then the same 1,000 runs as 1,000 calls with a batch of one. Prints both
times and the ratio (target: the batch at least 20x faster), and checks that both give
the same positions.

    python benchmarks/bench_batch.py [--runs 1000] [--steps 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from studyapp.descent import Run, make_surface, simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()

    surface = make_surface("ravine")
    runs = [Run(float(lr), "adam") for lr in np.logspace(-3, 0, args.runs)]

    begin = time.perf_counter()
    batch = simulate(surface, runs, args.steps)
    batched = time.perf_counter() - begin

    begin = time.perf_counter()
    alone = [simulate(surface, [run], args.steps) for run in runs]
    one_by_one = time.perf_counter() - begin

    for i, trajectory in enumerate(alone):
        np.testing.assert_allclose(batch.positions[:, i], trajectory.positions[:, 0], rtol=1e-12, atol=1e-300)

    print(f"Adam on the ravine, {args.runs} runs x {args.steps} updates")
    print(f"one batched call:   {batched:8.3f} s")
    print(f"one run at a time:  {one_by_one:8.3f} s")
    print(f"ratio:              {one_by_one / batched:8.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
