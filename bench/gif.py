"""The GIF export for slides: 6 optimizers x 500 steps on Rosenbrock, 200 frames, 640 x 480
(and 1280 x 720), built with Pillow on the field image.

    python bench/gif.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import simulate
from surfaces import get_surface
from viz.field import compute_field
from viz.gif import SIZES, Track, race_gif

NAMES = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
REPEATS = 3


def main() -> None:
    surface = get_surface("rosenbrock")
    runs = [simulate(surface, n, surface.start, 500, lr=1e-3 if n in NAMES[:3] else 0.05) for n in NAMES]
    tracks = [Track(n, c, r.path, r.step) for n, c, r in zip(NAMES, COLORS, runs, strict=True)]
    print("| size | frames | build s | MB | targets |")
    print("|---|---:|---:|---:|---|")
    for label, size in SIZES.items():
        best, made = float("inf"), None
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            background = compute_field(surface.value, surface.bounds)  # as the page does it
            made = race_gif(
                background, surface.bounds, tracks, points=[(surface.minima, "minimum")], size=size
            )
            best = min(best, time.perf_counter() - t0)
        target = "< 1.5 s, < 3 MB" if label == "640x480" else ""
        print(f"| {label} | {made.frames} | {best:.3f} | {len(made.data) / 1e6:.2f} | {target} |")


if __name__ == "__main__":
    main()
