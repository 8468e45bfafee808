"""Seconds each research lesson's computation takes (lessons 30-35, networks/research.py).

    PYTHONPATH=. OPENBLAS_NUM_THREADS=1 python bench/research.py

For each lesson: the training of its scenes as the Lessons page trains them (ui.network_scene:
the runs, the landscape plane, the sharpness at eleven records), then the research computation
on top (the line, the rescaled slices, the double descent, the catapult's three runs, nothing
more for SAM, whose sharpness is the training's, the Bezier curve), and the figure (which reads
the double descent and the catapult from their cache, as the page does after its first visit). Each is
the best of ``REPEATS`` (the trainings cached after the first: a page's cache does the same).
The issue asks for each computation under 5 s on this machine (2 cores shared by other work).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/networks.py would shadow the package

from networks import research  # noqa: E402
from ui import network_scene as ns  # noqa: E402
from ui.lesson_catalog import BY_KEY  # noqa: E402
from ui.texts import prefixed_words  # noqa: E402
from viz.colors import COLORS  # noqa: E402
from viz.research import lesson_figure  # noqa: E402

REPEATS = 3


class _Trainee:
    def __init__(self, label: str, color: str):
        self.label, self.color = label, color


def numbers(key: str, results):
    if key == "research_line":
        return research.lesson_lines(results)
    if key == "research_rescaling":
        return research.lesson_rescaling(results[0].net, results[0].trained[0].run.final[0])
    if key == "research_double_descent":
        return research.lesson_double_descent.__wrapped__(results[0].net)  # uncached
    if key == "research_catapult":
        return research.lesson_catapult.__wrapped__(results[0].net)  # uncached
    if key == "research_bezier":
        return research.lesson_bezier(results)
    return None  # research_sam: the training's own sharpness


def main() -> None:
    words = prefixed_words("nf.", "en")
    print(f"{'lesson':26} {'training s':>11} {'research s':>11} {'figure s':>9}")
    for key in (
        "research_line",
        "research_rescaling",
        "research_double_descent",
        "research_catapult",
        "research_sam",
        "research_bezier",
    ):
        lesson = BY_KEY[key]
        start = time.perf_counter()
        results = [ns.train_lesson_scene(scene.query, lesson.view) for scene in lesson.scenes]
        training = time.perf_counter() - start
        best_numbers = best_figure = float("inf")
        trainees = [_Trainee(t.name, COLORS[i]) for i, t in enumerate(t for r in results for t in r.trained)]
        for _ in range(REPEATS):
            start = time.perf_counter()
            numbers(key, results)
            best_numbers = min(best_numbers, time.perf_counter() - start)
            start = time.perf_counter()
            lesson_figure(lesson.view, results, trainees, words=words)
            best_figure = min(best_figure, time.perf_counter() - start)
        print(f"{key:26} {training:11.2f} {best_numbers:11.2f} {best_figure:9.2f}")


if __name__ == "__main__":
    main()
