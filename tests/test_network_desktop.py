"""The Network page on a desktop's narrowest wide window (1280 x 720, the sidebar open) and a
wide one, in headless Chromium: the training figure's titles and notes are whole and apart
(the curves' title, 85 characters on one line, ran over the landscape's second title), and
every axis's numbers are apart (a log axis wrote 0.1, 0.09, ... 0.02 on 200 px, each over the
next)."""

from __future__ import annotations

import pytest

from tests.test_browser import open_app, settle
from tests.test_phone import NETWORK_BOXES, no_errors, overlaps

pytestmark = pytest.mark.browser

# Each subplot's axis numbers, as drawn ([left, top, right, bottom]), one list per axis.
TICKS = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const gd = document.querySelector('.js-plotly-plot');
  const axes = [];
  for (const layer of gd.querySelectorAll('.yaxislayer-above, .xaxislayer-above')) {
    const texts = [...layer.querySelectorAll('text')].filter((t) => t.textContent.trim()
      && t.getBoundingClientRect().width > 0);
    if (texts.length) axes.push(texts.map((t) => [t.textContent, ...box(t)]));
  }
  return axes;
}"""


@pytest.fixture
def desktop(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.mark.parametrize("desktop", [(1280, 720), (1920, 1080)], indirect=True)
@pytest.mark.parametrize(
    ("query", "language"), [("", "en"), ("", "zh"), ("data=sine&", "en"), ("data=bump&rdim=2&", "zh")]
)
def test_the_network_figures_titles_and_numbers_are_whole_and_apart(server, desktop, query, language):
    open_app(desktop, f"{server}/network?{query}lang={language}")
    settle(desktop)
    training = desktop.evaluate(NETWORK_BOXES)[0]
    left, top, right, bottom = training["chart"]
    for part in training["notes"] + training["axes"]:
        assert left - 1 <= part[0] and part[2] <= right + 1 and top - 1 <= part[1] and part[3] <= bottom + 1
    for j, a in enumerate(training["notes"]):
        others = training["notes"][j + 1 :] + training["axes"]
        assert not any(overlaps(a, b) for b in others), (a, others)
    axes = desktop.evaluate(TICKS)
    assert len(axes) >= 4  # the landscape's and the curves' axes (the panels have none)
    for numbers in axes:
        for i, (word, *a) in enumerate(numbers):
            for other, *b in numbers[i + 1 :]:
                assert not overlaps(a, b), (word, a, other, b)
            for note in training["notes"]:  # a 1-D fit's numbers ran into the titles under it
                assert not overlaps(a, note), (word, a, note)
    no_errors(desktop)
