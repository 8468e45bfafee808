"""The Network page on a projector (``?present=1``, issues 26 and 29), in headless Chromium at
1024 x 768 and 1920 x 1080: for the default scene, own points from a link, two regressions,
what each neuron computes and the fair race, one screen with no scrolling, the chart at least
half the screen's height and whole on it, no sidebar; the switch puts ``present`` in the link
and takes it out."""

from __future__ import annotations

import numpy as np
import pytest

from networks import user_data
from tests.conftest import SHOTS
from tests.test_browser import open_app, settle

pytestmark = pytest.mark.browser

SIZES = {"1024x768": (1024, 768), "1920x1080": (1920, 1080)}


def _own_points() -> str:
    """Forty points in two clusters, as a link carries them."""
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-1, 0.5, (20, 2)), rng.normal(1, 0.5, (20, 2))]).clip(
        -user_data.BOX, user_data.BOX
    )
    return user_data.encode(user_data.quantize(X), np.repeat([0, 1], 20), limit=user_data.MAX_ROWS)


SCENES = {
    "moons": "",
    "own": f"data=own&pts={_own_points()}",
    "sine": "data=sine",
    "bump2d": "data=bump&rdim=2",
    "neurons": "neurons=1",
    "fair": "fair=1",
}

LAYOUT = """() => {
    const box = (e) => { const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                width: r.width, height: r.height}; };
    const main = document.querySelector('[data-testid=stMain]');
    const sidebar = document.querySelector('[data-testid=stSidebar]');
    return {
        mainScroll: main.scrollHeight, mainView: main.clientHeight,
        docScroll: document.documentElement.scrollHeight, view: innerHeight, width: innerWidth,
        charts: [...document.querySelectorAll('.st-key-nw_present_chart .js-plotly-plot')].map(box),
        sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
    };
}"""


def _check(page, name: str) -> dict:
    box = page.evaluate(LAYOUT)
    height, width = box["view"], box["width"]
    assert box["docScroll"] <= height + 1 and box["mainScroll"] <= box["mainView"] + 1, (name, box)
    assert len(box["charts"]) == 1, (name, box)
    (chart,) = box["charts"]
    assert chart["height"] >= 0.5 * height, (name, chart)
    assert chart["top"] >= 0 and chart["bottom"] <= height + 1 and chart["right"] <= width + 1, (name, chart)
    assert box["sidebar"] == 0, (name, box)
    assert page.get_by_test_id("stException").count() == 0 and not page.errors, name
    return box


def _page(browser, size: str):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


@pytest.mark.parametrize(("size", "language"), [("1024x768", "en"), ("1024x768", "zh"), ("1920x1080", "en")])
def test_every_view_of_the_network_page_fits_one_projected_screen(browser, server, size, language):
    context, page = _page(browser, size)
    for name, query in SCENES.items():
        open_app(page, f"{server}/network?present=1&lang={language}&{query}")
        page.locator(".st-key-nw_present_chart .js-plotly-plot").first.wait_for(timeout=120000)
        settle(page)
        _check(page, name)
        assert "present=1" in page.evaluate("() => location.search"), name  # it stays in the link
        page.screenshot(path=str(SHOTS / f"network-present-{name}-{size}-{language}.png"))
    context.close()


def test_the_switch_puts_present_in_the_link_and_takes_it_out(browser, server):
    context, page = _page(browser, "1024x768")
    open_app(page, f"{server}/network")
    assert "present" not in page.evaluate("() => location.search")
    page.get_by_role("switch", name="Presentation mode").click(force=True)
    page.wait_for_function("() => location.search.includes('present=1')", timeout=60000)
    page.locator(".st-key-nw_present_chart .js-plotly-plot").first.wait_for(timeout=120000)
    settle(page)
    _check(page, "switched on")
    page.get_by_role("switch", name="Presentation mode").click(force=True)
    page.wait_for_function("() => !location.search.includes('present')", timeout=60000)
    settle(page)
    assert page.locator(".st-key-nw_present_chart").count() == 0
    context.close()
