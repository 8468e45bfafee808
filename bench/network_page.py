"""The Network page's work for one control change: 4 optimizers x 1,000 steps on the default
network (moons, 200 points, hidden (16, 16), tanh, minibatches of 32), from the settings to
every figure encoded as JSON, the 51 x 51 landscape plane included.

    python bench/network_page.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui import network_scene as ns
from ui.race_view import COLORS
from viz.network import Trainee, layer_norms_figure, lines_figure, sharpness_figure, training_figure

REPEATS = 3


def change(batch: int) -> tuple[dict[str, float], float]:
    s = ns.defaults()
    s.steps, s.batch = 1000, batch
    s.optimizers = {name: ns.default_hyperparameters(name) for name in ("gd", "momentum", "rmsprop", "adam")}
    t0 = time.perf_counter()
    result = ns.train(s)
    t1 = time.perf_counter()
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    figures = [
        training_figure(trainees, result.landscape, start=result.start),
        lines_figure(result.lines, trainees),
        sharpness_figure(result.trained, trainees),
        layer_norms_figure(result.trained, trainees),
    ]
    t2 = time.perf_counter()
    size = sum(len(f.to_json()) for f in figures)
    t3 = time.perf_counter()
    return {"train": t1 - t0, "figures": t2 - t1, "json": t3 - t2, "total": t3 - t0}, size / 1e6


def main() -> None:
    ns.train(ns.defaults())  # warm up
    print(
        "| batch | train (4 x 1,000 steps, landscape, lines, sharpness) | build figures | to JSON "
        "| server total | JSON |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for batch in (32, 0):
        runs = [change(batch) for _ in range(REPEATS)]
        best = min(runs, key=lambda r: r[0]["total"])
        t, size = best
        label = "full (200)" if batch == 0 else str(batch)
        print(
            f"| {label} | {t['train']:.3f} s | {t['figures']:.3f} s | {t['json']:.3f} s "
            f"| {t['total']:.3f} s | {size:.2f} MB |"
        )


if __name__ == "__main__":
    main()
