"""Load: 10 browser sessions at once against a local server, each changing controls and
playing for a minute. Loopback only; bounded in time (SECONDS) and count (SESSIONS).

    python bench/load.py [--sessions 10] [--seconds 60]

Reports errors, p50/p95 of the time from a control change to the updated chart, and the
server's peak resident memory (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.served import served_app  # noqa: E402

PORT = 8766
LAST_FRAME = (
    "() => { const gd = document.querySelector('.js-plotly-plot');"
    " const f = gd && gd._transitionData && gd._transitionData._frames;"
    " return f && f.length ? f[f.length - 1].name : null; }"
)
SURFACES = (
    "rosenbrock",
    "himmelblau",
    "narrow_valley",
    "saddle",
    "beale",
    "six_hump_camel",
    "cliff",
    "plateau",
    "rastrigin",
    "booth",
)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(
    browser, url: str, index: int, seconds: float, latencies: list[float], errors: list[str]
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"session {index}: {e}"))
    surface = SURFACES[index % len(SURFACES)]
    await page.goto(f"{url}/?s={surface}&steps=300", timeout=120000)
    await page.wait_for_function(LAST_FRAME, timeout=120000)
    slider = page.get_by_role("slider", name="Steps")
    deadline = time.monotonic() + seconds
    direction = "ArrowRight"
    while time.monotonic() < deadline:
        before = await page.evaluate(LAST_FRAME)
        expected = str(int(before) + (10 if direction == "ArrowRight" else -10))
        await slider.focus()
        started = time.perf_counter()
        await page.keyboard.press(direction)
        try:
            await page.wait_for_function(f"() => ({LAST_FRAME})() === '{expected}'", timeout=60000)
            latencies.append(time.perf_counter() - started)
        except Exception as error:
            errors.append(f"session {index}: no updated chart ({error.__class__.__name__})")
        if await page.get_by_test_id("stException").count():
            errors.append(f"session {index}: exception shown")
        await page.locator(".updatemenu-button", has_text="Play").first.click()
        await asyncio.sleep(2.0)
        direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
    await context.close()


async def main(sessions: int, seconds: float) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    with served_app(PORT) as server:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=shutil.which("chromium"),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            await asyncio.gather(
                *(session(browser, server.url, i, seconds, latencies, errors) for i in range(sessions))
            )
            await browser.close()
        rss = peak_rss_mb(server.pid)
    quantiles = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    print(f"{sessions} sessions x {seconds:.0f} s, one Chromium, loopback")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| control changes measured | {len(latencies)} |")
    print(f"| errors | {len(errors)} |")
    print(
        f"| p50 change -> updated chart | {statistics.median(latencies):.2f} s |"
        if latencies
        else "| p50 | - |"
    )
    print(f"| p95 change -> updated chart | {quantiles[18]:.2f} s |")
    print(f"| server peak RSS | {rss:.0f} MB |")
    for line in errors[:10]:
        print("error:", line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(main(min(args.sessions, 20), min(args.seconds, 300.0)))
