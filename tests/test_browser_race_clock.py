"""The lessons whose scenes have different lengths (L1 against L2: a 3,000-step scene beside
1,000-step ones; noise and averaging: 300-step racers beside 1,000-step ones) in Chromium, in
both languages: scrubbed past the short scenes' ends, the counter says the frame's step and
every racer is drawn where its run is at that step, the short ones at their own ends
(issue 26)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.test_browser import open_app, to_screen
from ui.lesson_racers import lesson_racers
from ui.texts import figure_words
from viz.race import frame_steps, records_at

pytestmark = pytest.mark.browser

# The counter's words and every marker drawn on the map (their SVG centres on the screen).
DRAWN = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    const counter = [...gd.querySelectorAll('.textpoint text')].map((t) => t.textContent);
    const points = [...gd.querySelectorAll('.scatterlayer .points path.point')].map((p) => {
        const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });
    return {counter, points};
}"""


def _scrub(page, fraction: float) -> None:
    chart = page.locator(".js-plotly-plot").first
    chart.locator(".slider-rail-rect").first.scroll_into_view_if_needed()
    rail = chart.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + fraction * rail["width"], rail["y"] + rail["height"] / 2)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("key", "lengths"), [("l1_l2", [1000, 3000]), ("noise_averaging", [300, 1000])])
def test_a_lesson_of_mixed_lengths_scrubbed_shows_every_racer_at_the_counters_step(
    server, page, key, lengths, language
):
    scenes = lesson_racers(key, language)
    assert sorted({int(r.run.step[-1]) for r in scenes.racers}) == lengths
    short, long = lengths
    steps = frame_steps([r.run for r in scenes.racers])
    say = figure_words(language, penalized=key == "l1_l2")["step"]
    pattern = re.compile(re.escape(say).replace(r"\{step\}", r"(\d+)"))
    open_app(page, server + f"/lessons?lesson={key}" + ("&lang=zh" if language == "zh" else ""))
    for fraction in (0.7, 0.995):
        before = page.evaluate(DRAWN)["counter"]
        _scrub(page, fraction)
        page.wait_for_function(
            f"(before) => JSON.stringify(({DRAWN})().counter) !== JSON.stringify(before)", arg=before
        )
        drawn = page.evaluate(DRAWN)
        (match,) = [m for m in map(pattern.fullmatch, drawn["counter"]) if m]
        step = int(match.group(1))
        # the clock runs to the longest scene's end (it followed the first racer: 300 at most)
        assert step in steps and step > short + 0.1 * long
        for racer in scenes.racers:
            at = racer.run.path[records_at(racer.run, np.array([step]))[0]]
            if int(racer.run.step[-1]) == short:
                np.testing.assert_array_equal(at, racer.run.final)  # at its own end
            for x, y in at:
                sx, sy = to_screen(page, x, y)
                nearest = min(np.hypot(px - sx, py - sy) for px, py in drawn["points"])
                assert nearest <= 2.0, (racer.label, step, (x, y), nearest)
    assert page.get_by_test_id("stException").count() == 0
