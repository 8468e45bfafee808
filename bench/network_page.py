"""The Network page's work for one control change: 4 optimizers x 1,000 steps on the default
network (moons, 200 points, hidden (16, 16), tanh, minibatches of 32), from the settings to
every figure encoded as JSON, the 51 x 51 landscape plane included (the optimizers train in
the worker processes too, warm, as on a server that has run once); then the time to its
first chart in headless Chromium against the Playground's, in the same run.

    python bench/network_page.py
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.served import served_app
from optimizers import parallel
from ui import network_scene as ns
from ui.texts import prefixed_words
from viz.colors import COLORS
from viz.network import Trainee, layer_norms_figure, lines_figure, sharpness_figure, training_figure

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
