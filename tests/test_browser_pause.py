"""Pause during the animation raises no page error (issue 26, item 8's phones, seen everywhere).

Pause starts an animation that interrupts Play's; plotly.js then rejects Play's promise with no
reason, and its buttons and slider leave it unhandled: each Pause was a page error "undefined"
(Chromium's console, Playwright's ``pageerror``). ui/access.py handles those rejections (and its
own keyboard steps catch theirs). Each test sees the rejection happen, handled, and no page
error: on the Playground, a lesson and the Network page, by Pause and by a key on the slider."""

from __future__ import annotations

import pytest

from tests.test_browser import open_app

pytestmark = pytest.mark.browser

# The animated chart's frames counted, and every unhandled rejection the page sees after the
# app's own handler (its reason, and whether that handler took it).
WATCH = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find((g) => g.querySelector('.updatemenu-button'));
  window.__watch = { frames: 0, rejections: [] };
  gd.on('plotly_animatingframe', () => { window.__watch.frames += 1; });
  window.addEventListener('unhandledrejection', (e) => {
    window.__watch.rejections.push([String(e.reason), e.defaultPrevented]);
  });
}"""

PLAYING = "(n) => window.__watch.frames >= n"
REJECTED = "(n) => window.__watch.rejections.length >= n"


def _play(page, frames_before: int) -> None:
    page.locator(".updatemenu-button", has_text="Play").first.click()
    page.wait_for_function(PLAYING, arg=frames_before + 5, timeout=30000)  # it plays


@pytest.mark.parametrize("path", ["playground", "lessons?lesson=momentum", "network?steps=100"])
def test_pause_while_playing_raises_no_page_error(browser, server, path):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_app(page, f"{server}/{path}")
    page.evaluate(WATCH)
    for time in range(2):
        _play(page, page.evaluate("() => window.__watch.frames"))
        page.locator(".updatemenu-button", has_text="Pause").first.click()
        page.wait_for_function(REJECTED, arg=time + 1, timeout=30000)  # Play's promise, interrupted
    # A step by keyboard while playing interrupts Play too.
    _play(page, page.evaluate("() => window.__watch.frames"))
    page.locator("g.slider-container[data-lab-control]").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(REJECTED, arg=3, timeout=30000)
    rejections = page.evaluate("() => window.__watch.rejections")
    assert rejections == [["undefined", True]] * 3, rejections  # each one handled
    assert errors == []
    context.close()
