"""The Network page's work for one control change: 4 optimizers x 1,000 steps on the default
network (moons, 200 points, hidden (16, 16), tanh, minibatches of 32), from the settings to
every figure encoded as JSON, the 51 x 51 landscape plane included (the optimizers train in
the worker processes too, warm, as on a server that has run once); then the time to its
first chart in headless Chromium against the Playground's, in the same run. And the same work
for one change of a scene at the page's default sizes (3 optimizers x 500 steps, minibatches
of 32, a validation set) with the learner's own points (issue 29, item 1: a click or a CSV
read is such a change; the editor's figure included) and with regression (item 2).

    python bench/network_page.py
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.served import served_app
from networks import user_data
from optimizers import parallel
from ui import network_scene as ns
from ui.texts import prefixed_words
from viz.colors import COLORS
from viz.network import Trainee, layer_norms_figure, lines_figure, sharpness_figure, training_figure
from viz.network_regression import fit_surface_figure, regression_training_figure
from viz.user_points import points_figure

REPEATS = 3
WORDS = prefixed_words("nf.", "en")  # the page's English words, as it passes them


def change(batch: int) -> tuple[dict[str, float], float]:
    s = ns.network_defaults()
    s.steps, s.batch = 1000, batch
    s.optimizers = {name: ns.network_hyperparameters(name) for name in ("gd", "momentum", "rmsprop", "adam")}
    t0 = time.perf_counter()
    result = ns.train(s)
    t1 = time.perf_counter()
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    figures = [
        training_figure(trainees, result.landscape, start=result.start, words=WORDS),
        lines_figure(result.lines, trainees, words=WORDS),
        sharpness_figure(result.trained, trainees, words=WORDS),
        layer_norms_figure(result.trained, trainees, words=WORDS),
    ]
    t2 = time.perf_counter()
    size = sum(len(f.to_json()) for f in figures)
    t3 = time.perf_counter()
    return {"train": t1 - t0, "figures": t2 - t1, "json": t3 - t2, "total": t3 - t0}, size / 1e6


def own_points(n: int) -> str:
    """``n`` points of three classes (three rings), as the page holds them."""
    rng = np.random.default_rng(0)
    y = np.arange(n) % 3
    angle = rng.uniform(0, 2 * np.pi, n)
    X = (0.8 + 0.8 * y)[:, None] * np.stack([np.cos(angle), np.sin(angle)], -1) + 0.1 * rng.normal(
        size=(n, 2)
    )
    return user_data.encode(X, y, limit=user_data.MAX_ROWS)


SCENES = [  # (label, URL query); the rest at the page's defaults
    ("moons (for comparison)", {}),
    ("own points, 100", {"data": "own", "pts": own_points(100)}),
    ("own points, 300 (the most a link holds)", {"data": "own", "pts": own_points(300)}),
    ("own points, 2,000 (a CSV's most)", {"data": "own", "pts": own_points(2000)}),
    ("regression: sine, 1 input", {"data": "sine"}),
    ("regression: step, 2 inputs", {"data": "step", "rdim": "2"}),
    ("regression: bump, 2 inputs, + 3-D surface", {"data": "bump", "rdim": "2"}),
]


def scene_change(query: dict[str, str]) -> dict[str, float]:
    """One change of a scene as the server does it: read the settings, train (landscape, lines
    and sharpness), build every figure the page shows for it, encode them."""
    t0 = time.perf_counter()
    s = ns.network_from_query(query)[0]
    if s.own():  # when training from a CSV, the link's text is not read
        s.pts = query["pts"]
    result = ns.train(s)
    t1 = time.perf_counter()
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    if result.net.regression:
        training = regression_training_figure(trainees, result.landscape, name=s.data, words=WORDS)
    else:
        training = training_figure(trainees, result.landscape, start=result.start, words=WORDS)
    figures = [
        training,
        lines_figure(result.lines, trainees, words=WORDS),
        sharpness_figure(result.trained, trainees, words=WORDS),
        layer_norms_figure(result.trained, trainees, words=WORDS),
    ]
    if s.own():
        points = user_data.decode(s.pts, limit=user_data.MAX_ROWS)
        figures.append(points_figure(points.X, points.y, words=WORDS))
    if result.net.regression and result.net.sizes[0] == 2:
        figures.append(fit_surface_figure(trainees[0], name=s.data, words=WORDS))
    t2 = time.perf_counter()
    size = sum(len(f.to_json()) for f in figures)
    t3 = time.perf_counter()
    return {"train": t1 - t0, "figures": t2 - t1, "json": t3 - t2, "total": t3 - t0, "mb": size / 1e6}


def scenes() -> None:
    print()
    print(
        "| scene (3 optimizers x 500 steps, batch 32) | train, landscape, lines, sharpness | figures "
        "| to JSON | server total | JSON |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, query in SCENES:
        t = min((scene_change(query) for _ in range(REPEATS)), key=lambda r: r["total"])
        print(
            f"| {label} | {t['train']:.3f} s | {t['figures']:.3f} s | {t['json']:.3f} s "
            f"| {t['total']:.3f} s | {t['mb']:.2f} MB |"
        )


FIRST_CHART = """() => { const gd = document.querySelector('.js-plotly-plot');
    return gd && gd._fullLayout && gd._transitionData && gd._transitionData._frames.length; }"""


def first_charts() -> dict[str, float] | None:
    """Seconds from opening each page to its animated chart drawn, warm (best of 3 after a
    first visit), the Playground and the Network page alternating."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium:
        return None
    times: dict[str, list[float]] = {"/playground": [], "/network": []}
    with served_app(8766) as server, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        for _ in range(4):
            for path in times:
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(server.url + path)
                page.wait_for_function(FIRST_CHART, timeout=60000)
                times[path].append(time.perf_counter() - t0)
                page.close()
        browser.close()
    return {path: min(values[1:]) for path, values in times.items()}


def main() -> None:
    workers = parallel.wait_until_ready()  # as on a server that has run once: workers warm
    ns.train(ns.network_defaults())  # warm up (the workers import the page's modules once)
    print(f"worker processes beside this one: {parallel.WORKERS if workers else 0}")
    print()
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
    scenes()
    if "--no-browser" in sys.argv:
        return
    shown = first_charts()
    if shown is None:
        print("\nfirst chart: not measured (needs chromium and playwright)")
        return
    print()
    print("| first chart in Chromium, warm | seconds |")
    print("|---|---:|")
    for path, seconds in shown.items():
        print(f"| {path} | {seconds:.2f} |")
    print(f"| /network minus /playground (target < 0.5 s) | {shown['/network'] - shown['/playground']:.2f} |")


if __name__ == "__main__":
    main()
