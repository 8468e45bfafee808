"""A phone (390 x 844, touch) in headless Chromium: nothing the app draws is covered, cut or too
small to tap (issue 26, item 8; ui/phone.py). Each test reads what is drawn: the boxes of the
chart toolbar, the legends and titles, the Play/Pause buttons and the slider's thumb, the summary
table and its column, the sidebar."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import PHONE, open_app, settle
from ui.phone import TARGET
from ui.texts import text

pytestmark = pytest.mark.browser

# Per chart: the boxes of its mode bar and of its buttons, its legends and titles, its Play/Pause
# buttons and the slider's thumb, as drawn ([left, top, right, bottom]).
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  return [...document.querySelectorAll('.js-plotly-plot')].map((gd) => ({
    chart: box(gd),
    modebar: [...gd.querySelectorAll('.modebar')].filter(shown).map(box),
    tools: [...gd.querySelectorAll('.modebar-btn')].filter(shown).map(box),
    covered: [...gd.querySelectorAll('.legend, .g-gtitle, .infolayer .annotation')].filter(shown).map(box),
    legends: [...gd.querySelectorAll('.legend')].filter(shown).map(box),
    buttons: [...gd.querySelectorAll('.updatemenu-button')].map(box),
    grips: [...gd.querySelectorAll('.slider-grip-rect')].map(box),
  }));
}"""

# The summary table's scrolling box, its column, the line that says it scrolls, the page's width.
TABLE = """() => {
  const holder = document.querySelector('.st-key-lab_table');
  const scroller = holder.querySelector('[data-testid=stMarkdownContainer]:has(> table)');
  const column = holder.closest('[data-testid=stColumn]') || holder;
  const hint = holder.querySelector('.lab-swipe');
  const first = scroller.querySelector('tr td:first-child');
  return {
    scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth,
    right: scroller.getBoundingClientRect().right, columnRight: column.getBoundingClientRect().right,
    left: scroller.getBoundingClientRect().left, firstLeft: first.getBoundingClientRect().left,
    hint: hint.getBoundingClientRect().height > 0 ? hint.textContent : null,
    focusable: scroller.getAttribute('tabindex') === '0',
    pageWidth: document.documentElement.scrollWidth, window: window.innerWidth,
  };
}"""


MEASURED = "() => document.querySelector('.st-key-lab_table[data-lab-measured]')"


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def size(b) -> tuple[float, float]:
    return b[2] - b[0], b[3] - b[1]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def no_errors(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert not page.errors, page.errors


# Every page with charts, and the pages with Play/Pause (a lesson, the Playground, Custom,
# Network) in both languages.
VIEWS = [
    ("playground?s=himmelblau&opt=gd,adam", "en"),
    ("playground?s=rosenbrock&opt=gd,momentum,rmsprop,adam", "zh"),
    ("custom", "en"),
    ("sweep", "zh"),
    ("basins", "en"),
    ("lessons?lesson=momentum", "zh"),
    ("network?steps=100", "en"),
]


@pytest.mark.parametrize(("view", "language"), VIEWS)
def test_on_a_phone_the_chart_toolbar_covers_nothing_and_the_controls_take_a_finger(
    server, phone, view, language
):
    open_app(phone, f"{server}/{view}&lang={language}" if "?" in view else f"{server}/{view}?lang={language}")
    charts = phone.evaluate(BOXES)
    assert charts
    for chart in charts:
        # The mode bar is there (zoom in and out, reset, full screen) and covers no legend or title.
        assert len(chart["modebar"]) == 1 and len(chart["tools"]) >= 3, chart
        bar = chart["modebar"][0]
        assert bar[3] <= chart["chart"][1] + 1, chart  # in its strip above the chart
        assert not any(overlaps(bar, b) for b in chart["covered"]), chart
        assert all(min(size(t)) >= TARGET for t in chart["tools"]), chart["tools"]
        # Play and Pause take a finger; the slider's thumb lies on no legend.
        for button in chart["buttons"]:
            assert min(size(button)) >= TARGET, chart["buttons"]
        assert not any(overlaps(g, b) for g in chart["grips"] for b in chart["legends"]), chart
    if "lessons" in view or "network" in view or "playground" in view or "custom" in view:
        assert any(len(c["buttons"]) == 2 for c in charts)  # the animated chart was measured
    # Streamlit's buttons in the page (Open in the Playground, the exports...) take a finger too.
    small = phone.evaluate(
        """(target) => [...document.querySelectorAll(
            '[data-testid=stMain] .stButton button, [data-testid=stMain] .stDownloadButton button')]
            .map((b) => b.getBoundingClientRect()).filter((r) => r.width > 0)
            .filter((r) => Math.min(r.width, r.height) < target).map((r) => [r.width, r.height])""",
        TARGET,
    )
    assert small == []
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing sticks out
    no_errors(phone)


def test_on_a_phone_the_summary_table_scrolls_in_its_column_and_says_so(server, phone):
    open_app(phone, f"{server}/playground?s=himmelblau&opt=gd,adam")
    phone.wait_for_function("() => document.querySelector('.st-key-lab_table[data-lab-wide]')", timeout=20000)
    table = phone.evaluate(TABLE)
    # Wider than its column (it was cut at the screen's edge): it scrolls inside a box that fits.
    assert table["scrollWidth"] > table["clientWidth"], table
    assert table["right"] <= table["columnRight"] + 0.5 and table["pageWidth"] <= table["window"], table
    assert table["hint"] == text("pg.table_scrolls", "en") and table["focusable"], table
    # Scrolled to its end, the first column (which optimizer) stays in view.
    phone.evaluate(
        """() => { document.querySelector('.st-key-lab_table [data-testid=stMarkdownContainer]')
            .scrollLeft = 10000; }"""
    )
    table = phone.evaluate(TABLE)
    assert abs(table["firstLeft"] - table["left"]) <= 1, table
    no_errors(phone)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_on_a_phone_the_summary_table_keeps_its_words_whole(server, phone, language):
    # The Chinese table "fitted" a phone's column by breaking every word into one character a
    # line; its words stay whole now, and it scrolls like the English one.
    open_app(phone, f"{server}/custom?lang={language}")
    phone.wait_for_function("() => document.querySelector('.st-key-lab_table[data-lab-wide]')", timeout=20000)
    table = phone.evaluate(TABLE)
    assert table["scrollWidth"] > table["clientWidth"] and table["hint"] == text("pg.table_scrolls", language)
    # A cell takes at most a line per word (a run of text between spaces): no word is broken.
    cells = phone.evaluate(
        """() => [...document.querySelectorAll('.st-key-lab_table th, .st-key-lab_table td')].map((c) => {
            const range = document.createRange();
            range.selectNodeContents(c);  // the text's lines: the distinct tops of its boxes
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            return [c.textContent.trim(), tops.size]; })"""
    )
    assert len(cells) >= 10
    assert all(lines <= len(words.split()) for words, lines in cells), cells


def test_a_table_that_fits_its_column_says_nothing_about_scrolling(browser, server):
    # A wide desktop window: the column holds the table (and the component says nothing).
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    open_app(page, f"{server}/playground?s=himmelblau&opt=gd,adam")
    page.wait_for_function(MEASURED, timeout=20000)
    table = page.evaluate(TABLE)
    assert table["scrollWidth"] <= table["clientWidth"], table
    assert table["hint"] is None and not table["focusable"], table
    no_errors(page)
    context.close()


SIDEBAR_RIGHT = "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right"


def test_on_a_phone_choosing_a_page_closes_the_sidebar(server, phone):
    open_app(phone, f"{server}/playground")
    assert phone.evaluate(SIDEBAR_RIGHT) <= 0  # closed at first on a phone
    opener = phone.get_by_test_id("stExpandSidebarButton")
    assert min(opener.bounding_box()["width"], opener.bounding_box()["height"]) >= TARGET
    opener.tap()
    phone.wait_for_function(f"() => ({SIDEBAR_RIGHT})() > 300", timeout=10000)  # over 80 % of the screen
    # Its page links, language switch and checkbox lines take a finger.
    heights = phone.evaluate(
        """() => [...document.querySelectorAll(`[data-testid=stSidebar] [data-testid=stPageLink] a,
            [data-testid=stSidebar] [data-testid=stButtonGroup] button,
            [data-testid=stSidebar] [data-testid=stCheckbox] label`)]
            .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => r.height)"""
    )
    assert len(heights) >= 6 + 2 + 1 and min(heights) >= TARGET, heights
    link = phone.locator("[data-testid=stSidebar] [data-testid=stPageLink] a", has_text="Sweep")
    link.tap()
    phone.wait_for_url("**/sweep**", timeout=30000)
    phone.wait_for_function(f"() => ({SIDEBAR_RIGHT})() <= 0", timeout=10000)
    settle(phone)
    assert phone.evaluate(SIDEBAR_RIGHT) <= 0  # still closed once the page is drawn
    no_errors(phone)


def test_on_a_desktop_the_sidebar_stays_open_after_choosing_a_page(server, page):
    # It lies beside the page there, not over it.
    open_app(page, f"{server}/playground")
    assert page.evaluate(SIDEBAR_RIGHT) > 200
    page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a", has_text="Sweep").click()
    page.wait_for_url("**/sweep**", timeout=30000)
    settle(page)  # the phone's closing runs right after the click, long before this
    assert page.evaluate(SIDEBAR_RIGHT) > 200


# The race map's step slider (its rail and thumb), its legend's entries, its plot area and its
# box, as drawn ([left, top, right, bottom]).
RACE_BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find((g) => g.querySelector('.slider-rail-rect'));
  return {
    chart: box(gd), plot: box(gd.querySelector('.nsewdrag')),
    slider: [...gd.querySelectorAll('.slider-rail-rect, .slider-grip-rect')].map(box),
    entries: [...gd.querySelectorAll('.legend .traces')].map(box),
  };
}"""

# The maps whose legends have the most entries (on a phone one a row: the saddle lesson's eight,
# the Playground's inside view's nine); their first row lay under the slider's thumb and rail.
LONG_LEGENDS = [
    ("lessons?lesson=saddle", "en"),
    ("lessons?lesson=saddle", "zh"),
    ("lessons?lesson=l1_l2", "en"),
    ("lessons?lesson=noise_averaging", "zh"),
    ("playground?inside=1", "en"),
    ("playground?inside=1", "zh"),
]


@pytest.mark.parametrize(("view", "language"), LONG_LEGENDS)
def test_on_a_phone_a_long_legend_lies_under_the_step_slider(server, phone, view, language):
    open_app(phone, f"{server}/{view}&lang={language}")
    drawn = phone.evaluate(RACE_BOXES)
    assert len(drawn["slider"]) == 2 and len(drawn["entries"]) >= 7, drawn
    for part in drawn["slider"]:
        assert not any(overlaps(part, entry) for entry in drawn["entries"]), drawn
        assert all(entry[1] >= part[3] for entry in drawn["entries"]), drawn  # under it
    # The legend is in the chart's box, and the map as wide as the chart allows: the legend's
    # rows made the figure taller, not the map smaller (the Playground's inside view: 246 px
    # before, 282 now; 282-297 px on every map at 390 px, the width their axis labels leave).
    assert max(entry[3] for entry in drawn["entries"]) <= drawn["chart"][3] + 1, drawn
    # Every entry whole: a long one takes two lines ("effective learning rate per coordinate
    # (box half-sides x the boxes' scale)" ran 60 px past the screen's edge).
    assert max(entry[2] for entry in drawn["entries"]) <= drawn["chart"][2] + 1, drawn
    assert max(size(drawn["plot"])) >= 270, drawn
    no_errors(phone)


# The lesson selector's words and the lesson's title on the page.
LESSON_SHOWN = """() => [document.querySelector('[data-testid=stMain] [data-testid=stSelectbox] input').value,
  document.querySelector('[data-testid=stMain] h2').innerText]"""


def test_on_a_narrow_screen_the_lesson_selector_shows_the_pages_lesson(browser, server):
    # A narrow desktop window: the server guesses wide, the page reports narrow and runs again
    # (the run that had left the selector at "1. Step size" beside lesson 36;
    # tests/test_lesson_selector.py). Then a lesson chosen in the selector, then the next one.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{server}/lessons?lesson=net_what_depth_adds")
    page.locator("[data-testid=stMain] [data-testid=stSelectbox] input").wait_for(timeout=60000)
    settle(page)
    assert page.evaluate(LESSON_SHOWN) == ["36. What depth adds"] * 2
    selector = page.get_by_role("combobox").first
    selector.click()
    selector.fill("29.")
    page.get_by_role("option", name="29. Dropout").click()
    page.wait_for_url("**lesson=dropout**", timeout=60000)
    settle(page)
    assert page.evaluate(LESSON_SHOWN) == ["29. Dropout"] * 2
    page.get_by_role("button", name="▶", exact=True).click()  # (the last run's, fading, has no name)
    page.wait_for_url("**lesson=research_line**", timeout=60000)
    settle(page)
    shown = page.evaluate(LESSON_SHOWN)
    assert shown[0] == shown[1] and shown[0].startswith("30. "), shown
    no_errors(page)
    context.close()


NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]\d+)?$")  # as tests/test_axes.py: no SI prefix

# Each chart's x tick labels: their text and boxes ([left, top, right, bottom]).
X_TICKS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((gd) =>
  [...gd.querySelectorAll('.xtick text')].map((t) => {
    const r = t.getBoundingClientRect(); return [t.textContent, [r.left, r.top, r.right, r.bottom]]; }))"""


@pytest.mark.parametrize("language", ["en", "zh"])
def test_on_a_phone_the_sweeps_learning_rates_are_written_apart(server, phone, language):
    # The sweep's lr axis (2.95 decades in ~200 px beside the colour bar) wrote 1, 2 and 5 of
    # each decade: "5e-4" over "1e-3", "5e-3" over "0.01". The theory map beside it too.
    open_app(phone, f"{server}/sweep?theory=1&lang={language}")
    charts = phone.evaluate(X_TICKS)
    assert len(charts) == 2, charts
    for labels in charts:
        assert len(labels) >= 2, charts  # a decade alone tells no scale
        for label, _ in labels:
            assert NUMBER.match(label.replace("\u2212", "-")), labels
        boxes = [box for _, box in labels]
        assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), labels
    no_errors(phone)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_on_a_desktop_the_playgrounds_long_legend_lies_under_the_step_slider(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    open_app(page, f"{server}/playground?inside=1")
    drawn = page.evaluate(RACE_BOXES)
    assert len(drawn["slider"]) == 2 and len(drawn["entries"]) >= 7, drawn
    for part in drawn["slider"]:
        assert all(entry[1] >= part[3] for entry in drawn["entries"]), drawn
    assert max(entry[3] for entry in drawn["entries"]) <= drawn["chart"][3] + 1, drawn
    assert size(drawn["plot"])[1] >= 380, drawn
    no_errors(page)
    context.close()


# The Network page's charts as drawn on a phone: every title, note, axis title and legend, and
# the step counter with the curves' plot it belongs to ([left, top, right, bottom]).
NETWORK_BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const written = (e) => e.textContent.trim() && e.getBoundingClientRect().width > 0;
  return [...document.querySelectorAll('.js-plotly-plot')].map((gd) => ({
    chart: box(gd),
    notes: [...gd.querySelectorAll('.infolayer .annotation')].filter(written).map(box),
    axes: [...gd.querySelectorAll('.infolayer [class^=g-x] text, .infolayer [class^=g-y] text')]
      .filter(written).map(box),
    legends: [...gd.querySelectorAll('.legend')].map(box),
    counter: [...gd.querySelectorAll('.textpoint text')].filter(written).map(box),
    plots: [...gd.querySelectorAll('.draglayer > g .nsewdrag')].map(box),
  }));
}"""


@pytest.mark.parametrize("language", ["en", "zh"])
def test_on_a_phone_the_network_pages_titles_legends_and_counter_are_whole_and_apart(server, phone, language):
    # Before: the curves' title 413 px on a 356 px chart, the legend 398 px, the landscape's note
    # past the right edge, the layer-norm panels' titles over each other (three panels 55 px
    # wide), the sharpness axis's title 246 px on a 178 px plot; "step 0" over the curves.
    from viz.network import COUNTER_BAND

    open_app(phone, f"{server}/network?lang={language}")
    phone.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=180000)
    settle(phone)
    charts = phone.evaluate(NETWORK_BOXES)
    assert len(charts) >= 4
    for i, c in enumerate(charts):
        left, top, right, bottom = c["chart"]
        for part in c["notes"] + c["axes"] + c["legends"]:  # whole, inside the chart
            assert left - 1 <= part[0] and part[2] <= right + 1 and top - 1 <= part[1], (i, part, c["chart"])
            assert part[3] <= bottom + 1, (i, part, c["chart"])
        for j, a in enumerate(c["notes"]):  # no title or note over another, nor over an axis's title
            others = c["notes"][j + 1 :] + c["axes"]
            assert not any(overlaps(a, b) for b in others), (i, a, others)
    training = charts[0]
    assert len(training["plots"]) >= 5  # three boundaries, the landscape, the curves
    (counter,) = training["counter"]
    curves = training["plots"][-1]  # the curves' plot, the last of the figure
    assert curves[0] <= counter[0] and counter[3] <= curves[3] + 1, (counter, curves)
    assert counter[1] >= curves[3] - COUNTER_BAND * (curves[3] - curves[1]) - 2, (counter, curves)
    layers = charts[-1]  # the layer norms: two panels a row, titles apart (checked above)
    assert len(layers["plots"]) == 3 and min(p[2] - p[0] for p in layers["plots"]) >= 100, layers["plots"]
    no_errors(phone)
