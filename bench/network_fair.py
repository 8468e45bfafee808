"""The Network page's fair race (fair=1): its server time for one control change, beside the
page's own work for the same change, on the page's default scene (3 optimizers x 500 steps) and
on bench/network_page.py's (4 optimizers x 1,000 steps): tuning (20 rates per optimizer, one
simulate() call each), the race at the best rates, and its two figures built and encoded. The
workers warm, as on a server that has run once; then the same without them. On a shared,
loaded machine read the CPU times: without workers they are the work itself.

    PYTHONPATH=. python bench/network_fair.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import parallel
from ui import network_fair as nf
from ui import network_scene as ns
from ui.texts import prefixed_words
from viz.colors import COLORS
from viz.curves import tuning_figure
from viz.network_fair import fair_race_figure

REPEATS = 3
WORDS = prefixed_words("nw.fair.", "en")


def scenes() -> dict[str, ns.NetSettings]:
    page = ns.network_defaults()
    heavy = ns.network_defaults()
    heavy.steps = 1000
    heavy.optimizers = {n: ns.network_hyperparameters(n) for n in ("gd", "momentum", "rmsprop", "adam")}
    return {"page default: 3 x 500 steps": page, "bench/network_page.py: 4 x 1,000 steps": heavy}


def fair(s) -> tuple[float, float, float]:
    """(tune and race, figures built and encoded, CPU time of this process) in seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    race = nf.fair_race_of(s)
    t1 = time.perf_counter()
    colors = COLORS[: len(race.racers)]
    labels = [r.name for r in race.racers]
    curves = [None if r.run is None else (r.run.step, r.loss()) for r in race.racers]
    reached = [race.reached(r) for r in race.racers]
    figures = [
        fair_race_figure(curves, labels, colors, race.target, reached, WORDS),
        tuning_figure([r.tuning for r in race.racers], labels, colors, WORDS),
    ]
    nf.fair_words(race, s, "en")
    sum(len(f.to_json()) for f in figures)
    return t1 - t0, time.perf_counter() - t1, time.process_time() - c0


def page(s) -> tuple[float, float]:
    """The page's own training (landscape, lines, sharpness), as bench/network_page.py times
    it: (wall, CPU time of this process) in seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    ns.train(s)
    return time.perf_counter() - t0, time.process_time() - c0


def table(title: str) -> None:
    print(f"\n{title}\n")
    print(
        "| scene | page's training: wall (CPU here) | fair race: tune and race | its figures "
        "| fair race total: wall (CPU here) |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, s in scenes().items():
        own = min((page(s) for _ in range(REPEATS)), key=lambda r: r[0])
        best = min((fair(s) for _ in range(REPEATS)), key=lambda r: r[0] + r[1])
        print(
            f"| {label} | {own[0]:.3f} s ({own[1]:.3f} s) | {best[0]:.3f} s | {best[1]:.3f} s "
            f"| {best[0] + best[1]:.3f} s ({best[2]:.3f} s) |"
        )


def main() -> None:
    workers = parallel.wait_until_ready()
    for s in scenes().values():  # warm up (the workers import the engine once)
        nf.fair_race_of(s)
        ns.train(s)
    table(f"worker processes beside this one: {parallel.WORKERS if workers else 0}")
    parallel.drop(wait=True)
    parallel.WORKERS = 0
    table("without workers (one core)")


if __name__ == "__main__":
    main()
