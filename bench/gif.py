"""The GIF export for slides: 6 optimizers x 500 steps on Rosenbrock, 200 frames, 640 x 480
(and 1280 x 720), built with Pillow on the field image; then the heaviest lessons' GIFs as the
Lessons page makes them (their scenes already run, as the page caches them).

    PYTHONPATH=. python bench/gif.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import simulate
from surfaces import get_surface
from ui.lesson_racers import lesson_racers
from ui.race_gifs import lesson_gif
from viz.colors import COLORS
from viz.field import compute_field
from viz.gif import SIZES, Mark, Track, race_gif

NAMES = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
LESSONS = ("l1_l2", "schedules", "saddle", "noise_averaging")
REPEATS = 3  # best of


def best_of(make) -> tuple[float, float, object]:
    """The best wall time and the best CPU time of this process (a shared machine's load
    stretches the first, not the second) of REPEATS builds, and the GIF built."""
    wall, cpu, made = float("inf"), float("inf"), None
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        made = make()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu, made


def main() -> None:
    surface = get_surface("rosenbrock")
    runs = [simulate(surface, n, surface.start, 500, lr=1e-3 if n in NAMES[:3] else 0.05) for n in NAMES]
    tracks = [Track(n, c, r.path, r.step) for n, c, r in zip(NAMES, COLORS, runs, strict=True)]
    minimum = [Mark(surface.minima, "known minimum", "star", "#ffd400")]
    print("| GIF | size | frames | wall s | CPU s | MB | targets |")
    print("|---|---|---:|---:|---:|---:|---|")
    for label, size in SIZES.items():
        wall, cpu, made = best_of(
            lambda size=size: race_gif(
                compute_field(surface.value, surface.bounds), surface.bounds, tracks, marks=minimum, size=size
            )
        )
        target = "< 1.5 s, < 3 MB" if label == "640x480" else ""
        print(
            f"| rosenbrock, 6 x 500 steps | {label} | {made.frames} | {wall:.3f} | {cpu:.3f} "
            f"| {len(made.data) / 1e6:.2f} | {target} |"
        )
    for key in LESSONS:
        for language in ("en", "zh"):
            scenes = lesson_racers(key, language)
            for label, size in SIZES.items():
                wall, cpu, made = best_of(
                    lambda k=key, lang=language, size=size, scenes=scenes: lesson_gif(
                        k, lang, size, scenes=scenes
                    )
                )
                steps = "/".join(str(int(r.run.step[-1])) for r in scenes.racers)
                print(
                    f"| lesson {key} ({language}, steps {steps}) | {label} | {made.frames} "
                    f"| {wall:.3f} | {cpu:.3f} | {len(made.data) / 1e6:.2f} | |"
                )


if __name__ == "__main__":
    main()
