"""Frames per second of the playing animations, in headless Chromium: the Network page with 4
optimizers, a network lesson with 4 networks, and the Playground (4 optimizers) beside them.

    PYTHONPATH=. python bench/network_fps.py [--port 8515] [--plays 3]

A served app (loopback). For each page: open it, wait until the app is idle, put the chart on
its first frame, press Play and record plotly.js's ``plotly_animatingframe`` events (one per
frame it shows) until ``plotly_animated`` (the end). A play's rate is its frames over the
time from the first event to the last; the table gives each page's median play, its median
and 90th-percentile time between frames, and the frames of a play. The Play button asks for
40 ms a frame (25 fps at most). A shared machine's load changes the figures: the load average
is printed with them.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.served import free_port, served_app  # noqa: E402

PAGES = (
    ("Network page, 4 optimizers", "/network?opt=gd,momentum,rmsprop,adam"),
    ("network lesson net_init, 4 networks", "/lessons?lesson=net_init"),
    ("network lesson net_toy_lessons, 3 optimizers + landscape", "/lessons?lesson=net_toy_lessons"),
    ("Playground, 4 optimizers (default)", "/"),
)

# The app idle (its run over, every chart drawn) and an animated chart among them.
IDLE = """() => { const app = document.querySelector('[data-testid=stApp]');
    return !!app && app.dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-testid=stStatusWidget]')
        && [...document.querySelectorAll('.js-plotly-plot')].some(
            (gd) => gd._transitionData && gd._transitionData._frames.length > 1
                    && gd.querySelector('.main-svg')); }"""

# Put the animated chart (a network's, where the page has one) on its first frame and listen
# to its frames; returns their count.
ARM = """async () => {
    const animated = [...document.querySelectorAll('.js-plotly-plot')].filter(
        (g) => g._transitionData && g._transitionData._frames.length > 1);
    const gd = animated.find((g) => g.layout.xaxis2) || animated[0];  // a network's, if any
    window.__gd = gd;
    const names = gd.layout.sliders[0].steps.map((s) => String(s.args[0][0]));
    await window.Plotly.animate(gd, [names[0]],
        {frame: {duration: 0, redraw: false}, mode: 'immediate', transition: {duration: 0}});
    window.__times = [];
    window.__done = false;
    if (!gd.__benchListening) {
        gd.__benchListening = true;
        gd.on('plotly_animatingframe', () => window.__times.push(performance.now()));
        gd.on('plotly_animated', () => { window.__done = true; });
    }
    return names.length;
}"""


def one_play(page) -> tuple[float, list[float], int]:
    """Press Play once from the first frame: (frames per second, gaps in ms, frames shown)."""
    page.evaluate(ARM)
    page.evaluate("() => { window.__times = []; window.__done = false; }")
    page.evaluate(  # that chart's own Play (a lesson's page may hold another chart first)
        """() => window.__gd.querySelector('.updatemenu-button').dispatchEvent(
            new MouseEvent('click', {bubbles: true, cancelable: true, view: window}))"""
    )
    page.wait_for_function("() => window.__done", timeout=120000)
    times = page.evaluate("() => window.__times")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    fps = 1000 * len(gaps) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return fps, gaps, len(times)


def measure(context, url: str, plays: int) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(IDLE, timeout=300000)
    runs = [one_play(page) for _ in range(plays)]
    page.close()
    gaps = sorted(g for _, run_gaps, _ in runs for g in run_gaps)
    return {
        "fps": statistics.median(fps for fps, _, _ in runs),
        "fps_all": [fps for fps, _, _ in runs],
        "gap_median": statistics.median(gaps),
        "gap_p90": gaps[int(0.9 * (len(gaps) - 1))],
        "frames": runs[0][2],
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--plays", type=int, default=3, help="plays per page")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--url", default="", help="an app already served there (default: serve one)")
    args = parser.parse_args()
    print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f} (2 cores)")
    print()
    print("| page | fps (median play) | each play | ms between frames, median | p90 | frames |")
    print("|---|---:|---|---:|---:|---:|", flush=True)
    with contextlib.ExitStack() as stack, sync_playwright() as p:
        url = args.url or stack.enter_context(served_app(args.port or free_port(), timeout=120)).url
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        for name, path in PAGES:
            if args.only and args.only not in name:
                continue
            r = measure(context, url + path, args.plays)
            each = ", ".join(f"{v:.1f}" for v in r["fps_all"])
            print(
                f"| {name} | {r['fps']:.1f} | {each} | {r['gap_median']:.0f} | {r['gap_p90']:.0f} "
                f"| {r['frames']} |",
                flush=True,
            )
        browser.close()
    print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
