"""App speed and size: settings -> figure on the server, and time to first chart in Chromium.

    python bench/app.py            (the Chromium line needs Debian's chromium and playwright)

Server time is simulate() for 6 optimizers x 500 steps on Rosenbrock, the race figure's
builder and its JSON encoding, as the Playground does them (cold: no cache); the 3-D view
and loss curves the Playground builds next are timed on their own line. Time to first chart
is measured in headless Chromium against a served app, warm (second load).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.served import served_app  # noqa: E402
from optimizers import simulate  # noqa: E402
from surfaces import get_surface  # noqa: E402
from viz import Racer, compute_field, curves_figure, race_figure, surface_figure  # noqa: E402
from viz.race import MAX_FRAMES  # noqa: E402

NAMES = ("gd", "momentum", "nesterov", "rmsprop", "adam", "nadam")
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
REPEATS = 5


def server_side() -> tuple[float, float, float, float, int]:
    surface = get_surface("rosenbrock")
    t0 = time.perf_counter()
    racers = [
        Racer(n, c, simulate(surface, n, surface.start, 500, lr=1e-3 if n in NAMES[:3] else 0.02))
        for n, c in zip(NAMES, COLORS, strict=True)
    ]
    t1 = time.perf_counter()
    background = compute_field(surface.value, surface.bounds)
    race = race_figure(surface, racers, background=background)
    t2 = time.perf_counter()
    payload = race.to_json()
    t3 = time.perf_counter()
    for fig in (surface_figure(surface, racers, background=background), curves_figure(surface, racers)):
        fig.to_json()
    t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3, len(payload)


CHART_DRAWN = (
    "() => { const gd = document.querySelector('.js-plotly-plot');"
    " return gd && gd._fullLayout && (!gd._transitionData || gd._transitionData._frames.length"
    " || !document.querySelector('[data-testid=stStatusWidget]')); }"
)
RACE_DRAWN = (
    "() => { const gd = document.querySelector('.js-plotly-plot');"
    " return gd && gd._fullLayout && gd._transitionData && gd._transitionData._frames.length; }"
)
# The baseline: an empty Streamlit page with one small Plotly chart.
EMPTY_PAGE = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])))
"""


def _visits(url: str, drawn: str, count: int) -> list[float]:
    """Seconds from opening ``url`` to its chart drawn, for ``count`` visits in a row."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        for _ in range(count):
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_function(drawn, timeout=60000)
            times.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    return times


def first_chart_seconds() -> dict[str, float] | None:
    """The empty page's first chart (warm), the Playground's as a fresh server's very first
    visit, and the Playground's warm (best of 3 after that), in one run."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return None
    if not shutil.which("chromium"):
        return None
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        empty.write_text(EMPTY_PAGE)
        with served_app(8764, script=str(empty)) as server:
            baseline = min(_visits(server.url + "/", CHART_DRAWN, 4)[1:])
    with served_app(8765) as server:
        visits = _visits(server.url + "/", RACE_DRAWN, 4)
    return {"empty": baseline, "fresh": visits[0], "warm": min(visits[1:])}


def main() -> None:
    server_side()  # compile the surface once
    runs = [server_side() for _ in range(REPEATS)]
    best = min(runs, key=lambda r: sum(r[:3]))
    sim, build, encode, others, size = best
    print(f"Rosenbrock, 6 optimizers x 500 steps, best of {REPEATS}")
    print()
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(f"| simulate | {sim * 1000:.0f} ms | |")
    print(f"| build the race figure (map, paths, {MAX_FRAMES} frames) | {build * 1000:.0f} ms | |")
    print(f"| its to_json | {encode * 1000:.0f} ms | |")
    print(f"| server time, settings to race figure | {(sim + build + encode) * 1000:.0f} ms | < 300 ms |")
    print(f"| then the 3-D view and the loss curves, built and encoded | {others * 1000:.0f} ms | |")
    print(f"| race figure JSON | {size / 1e6:.2f} MB | < 1.5 MB |")
    seconds = first_chart_seconds()
    if seconds is None:
        print("| time to first chart in Chromium | not measured (needs chromium and playwright) | |")
        return
    print(
        f"| first chart of an empty Streamlit page with one Plotly chart, warm | {seconds['empty']:.2f} s | |"
    )
    print(f"| first chart, a fresh server's very first visit | {seconds['fresh']:.2f} s | < 3.5 s |")
    print(f"| first chart, warm | {seconds['warm']:.2f} s | < 2.5 s |")


if __name__ == "__main__":
    main()
