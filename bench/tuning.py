"""The fair race's work: 6 optimizers x 60 learning rates x 500 steps on Rosenbrock from the
Playground's start, each optimizer's grid in one simulate() call, as the button runs it.

    python bench/tuning.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers.tuning import SCORES, rate_grid, tune
from ui import settings as cfg

NAMES = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
REPEATS = 3


def once(surface, starts, score: str) -> float:
    t0 = time.perf_counter()
    for name in NAMES:
        hp = {k: v for k, v in cfg.playground_hyperparameters(name, surface).items() if k != "lr"}
        tune(surface, name, starts, 500, rate_grid(cfg.suggested_lr(name, surface)), score=score, **hp)
    return time.perf_counter() - t0


def main() -> None:
    s = cfg.defaults_for("rosenbrock")
    surface = cfg.surface_of(s)
    starts = cfg.starts_array(s, surface)
    once(surface, starts, "final")  # warm up
    print("| score | 6 optimizers x 60 rates x 500 steps, server time | target |")
    print("|---|---:|---:|")
    for score in SCORES:
        best = min(once(surface, starts, score) for _ in range(REPEATS))
        print(f"| {score} | {best:.3f} s | < 0.5 s |")


if __name__ == "__main__":
    main()
