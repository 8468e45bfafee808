"""The Network page's own points in headless Chromium: a click on the editor adds a point of the
chosen class where it lands (and the link carries it), a click in removing mode takes it away."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

from networks import user_data as ud
from tests.test_browser import IDLE, point_and_click, settle, to_screen

pytestmark = pytest.mark.browser

START = ud.Points(
    ud.quantize(
        np.array([[-2, -2], [-2, 2], [2, -2], [2, 2], [-1, 0], [1, 0], [0, -1], [0, 1.5]], dtype=float)
    ),
    np.array([0, 1, 1, 0, 0, 0, 1, 1]),
)


def open_page(page, url: str) -> None:
    """Open ``url`` and wait until the page has trained and drawn every chart (a busy machine
    takes a minute: longer than test_browser's open_app waits)."""
    page.goto(url)
    page.locator("[data-testid=stApp]").wait_for(timeout=60000)
    drawn = f"() => ({IDLE})() && document.querySelectorAll('.js-plotly-plot').length > 1"
    page.wait_for_function(drawn, timeout=240000)


def points_in_link(page) -> ud.Points:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    return ud.decode(query["pts"][0])


def wait_for_count(page, count: int) -> None:
    page.wait_for_function(
        """(n) => { const p = new URLSearchParams(location.search).get('pts') || '1';
            return Math.floor((p.length - 1) * 3 / 16) === n; }""",
        arg=count,
        timeout=60000,
    )
    settle(page)


def test_a_click_adds_a_point_of_the_chosen_class_and_removing_takes_it_away(server, page):
    pts = ud.encode(START.X, START.y)
    open_page(page, f"{server}/network?data=own&pts={pts}&steps=20&opt=adam")
    page.get_by_role("radio", name="adds class 3").or_(
        page.get_by_role("button", name="adds class 3")
    ).first.click()
    settle(page)
    point_and_click(page, to_screen(page, 1.0, -1.5, chart=0))  # the editor is the first chart
    wait_for_count(page, 9)
    points = points_in_link(page)
    added = points.X[-1]
    assert points.y[-1] == 2
    assert np.abs(added - [1.0, -1.5]).max() <= 0.11  # the click grid's step, and a pixel or two
    assert np.array_equal(points.X[:8], START.X)  # the others as they were
    assert page.get_by_test_id("stException").count() == 0
    page.get_by_role("radio", name="removes the nearest point").or_(
        page.get_by_role("button", name="removes the nearest point")
    ).first.click()
    settle(page)
    point_and_click(page, to_screen(page, *added, chart=0))
    wait_for_count(page, 8)
    assert np.array_equal(points_in_link(page).X, START.X)
    assert page.get_by_test_id("stException").count() == 0
