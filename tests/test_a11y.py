"""Access for every student (WCAG 2.1 AA), in a real browser: axe-core's scan of every page in
both languages, on a desktop and a phone, after the first chart and after Play; the page's
language; a lesson done with the keyboard alone; text alternatives of the charts; reduced
motion. (Colour vision: tests/test_colors.py.)"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.test_browser import DRAWN, race_state, settle

pytestmark = pytest.mark.browser

# Every page view of the issue: the six pages and the lessons in presentation mode.
VIEWS = ("playground", "network", "lessons", "lessons?present=1", "custom", "sweep", "basins")
SIZES = {"desktop": (1500, 1100), "phone": (390, 844)}
# axe-core's rules of WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator("[data-testid=stApp]").wait_for(timeout=90000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=90000)
    settle(page)


def _link(server: str, view: str, language: str) -> str:
    return f"{server}/{view}{'&' if '?' in view else '?'}lang={language}"


# The page's scripts have measured the summary table (a wide one then takes focus: ui/phone.py).
TABLE_MEASURED = (
    "() => !document.querySelector('.st-key-lab_table')"
    " || !!document.querySelector('.st-key-lab_table[data-lab-measured]')"
)


def _violations(page) -> list[str]:
    page.wait_for_function(TABLE_MEASURED, timeout=20000)
    found = Axe().run(page, options=WCAG_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


# Every chart's accessible name, and the text its description points to.
CHART_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((gd) => {
    const described = document.getElementById(gd.getAttribute('aria-describedby') || '');
    return { role: gd.getAttribute('role'), name: gd.getAttribute('aria-label') || '',
             text: described ? described.textContent : '' }; })"""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_wcag_aa_violation_on_any_page(browser, server, size, language):
    """axe-core finds nothing against WCAG 2.0/2.1 A and AA on any page, after the first chart
    and after Play; ``<html lang>`` is the page's language; every chart has a name and a text
    summary."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    found = {}
    try:
        for view in VIEWS:
            _open(page, _link(server, view, language))
            page.wait_for_function(f"() => document.documentElement.lang.startsWith('{language}')")
            charts = page.evaluate(CHART_TEXTS)
            assert charts and all(c["role"] == "figure" and c["name"] and c["text"] for c in charts), (
                view,
                charts,
            )
            found[view] = _violations(page)
            play = page.locator("g.updatemenu-button").first
            if play.count():
                before = race_state(page)
                play.focus()
                page.keyboard.press("Enter")
                page.wait_for_function(
                    f"(before) => JSON.stringify(({DRAWN})().markers) !== JSON.stringify(before)",
                    arg=before["markers"],
                    timeout=30000,
                )
                found[view + " after Play"] = _violations(page)
    finally:
        context.close()
    print(f"axe-core, {size} {language}: " + "; ".join(f"{k}: {len(v)}" for k, v in found.items()))
    assert not any(found.values()), {k: v for k, v in found.items() if v}


# What has the keyboard's focus: its tag, role, accessible name (or text) and value text.
FOCUSED = """() => { const a = document.activeElement;
    return { tag: a.tagName.toLowerCase(), role: a.getAttribute('role') || '',
             name: a.getAttribute('aria-label') || (a.textContent || '').trim().slice(0, 80),
             value: a.getAttribute('aria-valuetext') || '' }; }"""


def _tab_to(page, wanted, limit: int = 80) -> dict:
    """Press Tab until the focused element is ``wanted`` (a predicate on FOCUSED's dict)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def _markers(page) -> list:
    return page.evaluate(DRAWN)["markers"]


def test_a_lesson_with_the_keyboard_alone(browser, server):
    """Choose a lesson, play, pause, step back and forth, then open a scene in the Playground and
    set its start: all with the keyboard; the focus goes Play, Pause, slider."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        _open(page, server + "/lessons")
        # The next lesson's button (▶), pressed with Enter.
        _tab_to(page, lambda f: f["tag"] == "button" and f["name"] == "▶")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stHeading]')]"
            ".some((h) => /^2\\./.test(h.innerText))",
            timeout=30000,
        )
        settle(page)
        start = _markers(page)
        focused = _tab_to(page, lambda f: f["role"] == "button" and f["name"] == "Play")
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"(before) => JSON.stringify(({DRAWN})().markers) !== JSON.stringify(before)",
            arg=start,
            timeout=30000,
        )
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert (focused["role"], focused["name"]) == ("button", "Pause")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        paused = _markers(page)
        page.wait_for_timeout(600)
        assert _markers(page) == paused, "Pause by keyboard stops the animation"
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["role"] == "slider"
        page.keyboard.press("Home")
        page.wait_for_function(
            f"(start) => JSON.stringify(({DRAWN})().markers) === JSON.stringify(start)",
            arg=start,
            timeout=10000,
        )
        focused = page.evaluate(FOCUSED)
        first = re.fullmatch(r"step (\d+) of (\d+)", focused["value"])
        assert first and first.group(1) == "0", focused
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"(start) => JSON.stringify(({DRAWN})().markers) !== JSON.stringify(start)",
            arg=start,
            timeout=10000,
        )
        one = re.fullmatch(r"step (\d+) of (\d+)", page.evaluate(FOCUSED)["value"])
        assert one and int(one.group(1)) > 0
        assert page.locator("#lab-live").inner_text() == page.evaluate(FOCUSED)["value"]
        page.keyboard.press("End")
        page.wait_for_function(
            "() => /step (\\d+) of \\1$/.test(document.activeElement.getAttribute('aria-valuetext'))"
        )
        # Tab leaves the chart forwards (not back to Play).
        page.keyboard.press("Tab")
        assert (
            page.evaluate(FOCUSED)["role"] not in ("button", "slider") or page.evaluate(FOCUSED)["tag"] != "g"
        )
        # Open the first scene in the Playground; set its start with the keyboard there.
        _tab_to(page, lambda f: f["tag"] == "button" and "Playground" in f["name"])
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/playground.*"), timeout=30000)
        _open(page, page.url)
        x_field = "() => document.activeElement === document.querySelector('.st-key-w-x0 input')"
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(x_field):
                break
        assert page.evaluate(x_field), "Tab reaches the start's x"
        page.keyboard.press("Control+A")
        page.keyboard.type("0.5")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => new URLSearchParams(location.search).get('x0') === '0.5'", timeout=30000
        )
        settle(page)
    finally:
        context.close()


def test_reduced_motion_plays_nothing_by_itself(browser, server):
    """With prefers-reduced-motion nothing moves until Play is pressed; Play still plays."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, reduced_motion="reduce")
    page = context.new_page()
    try:
        for view in ("lessons", "playground", "network"):
            _open(page, f"{server}/{view}")
            assert page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
            still = _markers(page)
            page.wait_for_timeout(1500)
            assert _markers(page) == still, view
        _open(page, f"{server}/lessons")
        still = _markers(page)
        page.locator("g.updatemenu-button").first.click()
        page.wait_for_function(
            f"(before) => JSON.stringify(({DRAWN})().markers) !== JSON.stringify(before)",
            arg=still,
            timeout=30000,
        )
        # The page's own CSS animations are switched off.
        duration = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).animationDuration"
        )
        assert duration in ("1e-05s", "0.00001s", "0s"), duration
    finally:
        context.close()


def test_the_formula_that_scrolls_takes_focus(browser, server):
    """A formula wider than its column (a lesson's on a phone) can be reached and scrolled with
    the keyboard; one that fits is not a tab stop."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _open(page, server + "/lessons?present=1")
        # The page measures its formulas at most twice a second (ui/access.py): wait for it.
        page.wait_for_function(
            """() => [...document.querySelectorAll('.katex-display')].every((f) =>
                (f.scrollWidth > f.clientWidth + 1) === (f.getAttribute('tabindex') === '0'))""",
            timeout=10000,
        )
        formulas = page.evaluate(
            """() => [...document.querySelectorAll('.katex-display')].map((f) => ({
                scrolls: f.scrollWidth > f.clientWidth + 1, tab: f.getAttribute('tabindex') }))"""
        )
        assert any(f["scrolls"] for f in formulas), formulas
        assert all((f["tab"] == "0") == f["scrolls"] for f in formulas), formulas
    finally:
        context.close()
