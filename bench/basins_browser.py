"""Basins at full size as a person feels it: from a change to the three maps drawn, in Chromium.

    python bench/basins_browser.py        (needs Debian's chromium and playwright)

A served app (loopback), a 300 x 300 grid of starts for gradient descent, momentum and Adam
on Himmelblau. Each measure opens a link on one setting, then moves the steps slider one
notch and times the change: the server's three simulations, the figures' encoding and
transfer, and the browser drawing them.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.served import free_port, served_app  # noqa: E402

DRAWN = """(count) => {
    if (document.querySelector('[data-testid=stStatusWidget]')) return false;
    const maps = [...document.querySelectorAll('.js-plotly-plot')];
    return maps.length === count && maps.every((gd) => gd.querySelector('.heatmaplayer image'));
}"""


def one_notch_up(page) -> float:
    """Seconds from moving the steps slider one notch (10 steps) to the three maps drawn again."""
    page.get_by_role("slider", name="Steps").focus()
    started = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => !!document.querySelector('[data-testid=stStatusWidget]')", timeout=60000)
    page.wait_for_function(DRAWN, arg=3, timeout=120000)
    return time.perf_counter() - started


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with served_app(free_port()) as served, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        for steps in (500, 1000):
            started = time.perf_counter()
            page.goto(served.url + f"/basins?s=himmelblau&opt=gd,momentum,adam&side=300&steps={steps - 10}")
            page.wait_for_function(DRAWN, arg=3, timeout=180000)
            rows.append((f"open a link, 300 x 300, {steps - 10} steps", time.perf_counter() - started))
            rows.append((f"change to {steps} steps, 300 x 300 (3 x 90,000 runs)", one_notch_up(page)))
        browser.close()
    print("| measure | seconds | target |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {'< 3' if name.startswith('change') else ''} |")


if __name__ == "__main__":
    main()
