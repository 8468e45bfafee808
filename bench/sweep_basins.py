"""Sweep and basin maps: server time and peak memory of the issue's two reference maps.

    python bench/sweep_basins.py

- 200 x 200 sweep (lr x beta2) of Adam, 500 steps on Rosenbrock, in one simulate() call;
- 300 x 300 basin map of gradient descent on Himmelblau, 1,000 steps.
Peak memory is tracemalloc's (what NumPy allocates), run by run.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import simulate
from surfaces import get_surface
from viz.maps import basin_figure, basin_labels, sweep_figure, sweep_values


def sweep() -> None:
    surface = get_surface("rosenbrock")
    lrs, beta2s = np.geomspace(1e-4, 0.1, 200), np.linspace(0.5, 0.999, 200)
    gx, gy = np.meshgrid(lrs, beta2s)
    starts = np.repeat(surface.start[None], gx.size, axis=0)
    run = simulate(surface, "adam", starts, 500, record_every=500, lr=gx.ravel(), beta2=gy.ravel())
    sweep_figure(
        lrs,
        beta2s,
        sweep_values(surface, run, "final_loss"),
        metric="final_loss",
        x_label="lr",
        y_label="beta2",
        log_x=True,
        log_y=False,
    ).to_json()


def basins() -> None:
    surface = get_surface("himmelblau")
    xs = ys = np.linspace(-5, 5, 300)
    gx, gy = np.meshgrid(xs, ys)
    run = simulate(surface, "gd", np.column_stack([gx.ravel(), gy.ravel()]), 1000, record_every=1000, lr=0.01)
    labels = basin_labels(surface, run)
    basin_figure(surface, xs, ys, labels, np.maximum(run.converged_at, 0)).to_json()


def measure(fn) -> tuple[float, float]:
    fn()  # warm up (compiling the surface)
    best = min(_timed(fn) for _ in range(3))
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 2**20


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    print("| map | runs | steps | server time | target | peak memory | target |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    seconds, mb = measure(sweep)
    row = f"| sweep: Adam on Rosenbrock, lr x beta2 | 40,000 | 500 | {seconds:.2f} s | < 2 s | {mb:.0f} MB"
    print(row + " | < 200 MB |")
    seconds, mb = measure(basins)
    print(f"| basins: GD on Himmelblau | 90,000 | 1,000 | {seconds:.2f} s | < 4 s | {mb:.0f} MB | < 200 MB |")


if __name__ == "__main__":
    main()
