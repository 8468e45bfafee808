"""``?embed=1`` (issue 29, item 4): only the scene, for an iframe; its link opens the whole app on
the same scene, and an embedded tab stays embedded (ui/embed.py)."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.conftest import open_script
from ui.embed import END
from ui.texts import text

# (page script, its link's query): every page ends its scene with the link
SCENES = [
    ("pages/playground.py", {"s": "himmelblau", "opt": "gd,adam", "steps": "200"}),
    ("pages/lessons.py", {"lesson": "saddle", "lang": "zh"}),
    ("pages/network.py", {"steps": "40", "n": "60", "opt": "gd,adam", "units": "6"}),
    ("pages/sweep.py", {"side": "10", "steps": "60"}),
    ("pages/basins.py", {"side": "12", "steps": "60"}),
    ("pages/custom.py", {"f": "x**2+3*y**2", "opt": "gd"}),
]


def _links(at) -> list[str]:
    words = [text("embed.open", lang) for lang in ("en", "zh")]
    return [
        m.value.split("](", 1)[1].rsplit(")", 1)[0]
        for m in at.markdown
        if any(m.value.startswith(f"[{w}") for w in words)
    ]


@pytest.mark.pages
@pytest.mark.parametrize(("script", "query"), SCENES, ids=[s[0] for s in SCENES])
def test_every_page_ends_its_scene_with_the_link_to_the_whole_app_on_it(script, query):
    at = open_script(script, {**query, "embed": "1"})
    assert not at.exception
    [link] = _links(at)
    parts = urllib.parse.urlsplit(link)
    assert parts.path == "/" + script.removeprefix("pages/").removesuffix(".py")
    linked = dict(urllib.parse.parse_qsl(parts.query))
    assert "embed" not in linked
    for k, v in query.items():  # the same scene (the pages may write a number their own way)
        assert linked.get(k) == v or k in ("steps", "side", "f"), (k, linked)
    assert at.get("plotly_chart"), "the scene"


def _visible_charts(page) -> int:
    return page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter((gd) => gd.getBoundingClientRect().height > 0).length"
    )


@pytest.mark.browser
def test_an_embedded_playground_in_chromium_is_its_map_and_the_link(server, page):
    page.goto(server + "/playground?s=himmelblau&opt=gd,adam&steps=200&embed=1")
    link = page.get_by_role("link", name=text("embed.open", "en"))
    link.wait_for(timeout=90000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=90000)
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    assert not page.locator("header[data-testid=stHeader]").is_visible()
    assert _visible_charts(page) == 1  # the loss chart beside the map and all below are left out
    href = link.get_attribute("href")
    assert "s=himmelblau" in href and "embed" not in href
    assert "embed=1" in page.url  # the page rewrote its link and kept it embedded
    # the same page not embedded: everything, and no link
    page.goto(server + "/playground?s=himmelblau&opt=gd,adam&steps=200")
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=90000)
    assert page.locator("[data-testid=stSidebar]").is_visible()
    assert not page.get_by_role("link", name=text("embed.open", "en")).is_visible()
    assert page.locator(f".st-key-{END}").count() == 1


@pytest.mark.browser
def test_an_embedded_lesson_in_chromium_keeps_its_words_and_drops_its_buttons(server, page):
    page.goto(server + "/lessons?lesson=saddle&embed=1")
    link = page.get_by_role("link", name=text("embed.open", "en"))
    link.wait_for(timeout=90000)
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    assert not page.locator(".st-key-lesson").is_visible()  # one lesson: no lesson menu
    assert not page.locator(".st-key-open_saddle_0").is_visible()  # the link replaces them
    assert page.locator(".js-plotly-plot").first.bounding_box()["height"] > 300
    assert "lesson=saddle" in link.get_attribute("href")
