"""The served app in headless Chromium, as a person uses it.

The tests wait on what happens (the app's run state, the address, a chart drawn, plotly.js's
``plotly_animated`` event), never a fixed time, and read what is drawn (the SVG: markers, tick
labels, the plot area, the slider) rather than plotly.js's internal state."""

from __future__ import annotations

import math

import pytest

from deploy.served import free_port, served_app
from tests.conftest import SHOTS

pytestmark = pytest.mark.browser

RACE = ".js-plotly-plot"


# The app is idle: Streamlit's run is over (its test hook on stApp, and no status widget) and
# every chart is drawn.
IDLE = """() => { const app = document.querySelector('[data-testid=stApp]');
    return !!app && app.dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-testid=stStatusWidget]')
        && [...document.querySelectorAll('.js-plotly-plot')]
            .every((gd) => gd.querySelector('.main-svg')); }"""


def open_app(page, url: str) -> None:
    page.goto(url)
    page.locator("[data-testid=stApp]").wait_for(timeout=60000)
    page.locator(RACE).first.wait_for(timeout=60000)
    settle(page)


def settle(page) -> None:
    """Wait until no script run is in progress and every chart is drawn (a rerun redraws)."""
    page.wait_for_function(IDLE, timeout=60000)


# The markers as drawn (their SVG positions), the background picture and the slider's stops.
DRAWN = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    const image = gd.querySelector('g.imagelayer image');
    return {
        markers: [...gd.querySelectorAll('.scatterlayer .points path.point')]
            .map((p) => p.getAttribute('transform')),
        image: image ? image.getAttribute('href') || image.getAttribute('xlink:href') : null,
        imageWidth: image ? image.getBoundingClientRect().width : 0,
        frames: gd.querySelectorAll('.slider-tick-rect').length,
    };
}"""


def race_state(page) -> dict:
    return page.evaluate(DRAWN)


def play_until_moved(page, before: dict, play: str = "Play") -> dict:
    """Press Play (its label: ``play``) and wait until a marker has moved."""
    page.locator(".updatemenu-button", has_text=play).first.click()
    return wait_until_moved(page, before)


def wait_until_moved(page, before: dict) -> dict:
    """Wait (up to 30 s on a busy machine) until a drawn marker has moved from ``before``."""
    page.wait_for_function(
        f"(before) => JSON.stringify(({DRAWN})().markers) !== JSON.stringify(before)",
        arg=before["markers"],
        timeout=30000,
    )
    return race_state(page)


def count_animations(page) -> None:
    """From now on, count in ``window.__animated`` the animations plotly.js finished."""
    page.evaluate(
        """() => { window.__animated = 0; document.querySelector('.js-plotly-plot')
              .on('plotly_animated', () => { window.__animated += 1; }); }"""
    )


def to_screen(page, x: float, y: float, chart: int = 0) -> tuple[float, float]:
    """Where the point (x, y) of a map (``chart``: its place on the page) is drawn on the screen,
    read from its axes' tick labels, as a person reads them (linear axes)."""
    drawn = page.evaluate(
        """(i) => { const gd = document.querySelectorAll('.js-plotly-plot')[i];
            const box = gd.getBoundingClientRect();
            const ticks = (axis, k) => [...gd.querySelectorAll(`.${axis}axislayer-above .${axis}tick text`)]
                .map((t) => [parseFloat(t.textContent.replace('\u2212', '-')),
                             parseFloat(t.getAttribute('transform').slice(10).split(',')[k])]);
            return {left: box.left, top: box.top, x: ticks('x', 0), y: ticks('y', 1)}; }""",
        chart,
    )

    def place(ticks, value):
        (v0, p0), (v1, p1) = ticks[0], ticks[-1]
        return p0 + (value - v0) * (p1 - p0) / (v1 - v0)

    return drawn["left"] + place(drawn["x"], x), drawn["top"] + place(drawn["y"], y)


def plot_area(page, chart: int = 0) -> dict:
    """The drawn plot area (the map without its margins and legend) of a chart."""
    return page.evaluate(
        """(i) => { const r = document.querySelectorAll('.js-plotly-plot')[i].querySelector('.nsewdrag')
            .getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }""",
        chart,
    )


def no_errors(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert not page.errors, page.errors


def test_change_a_control_then_play_and_see_the_markers_move(server, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_app(page, server + "/?s=himmelblau")
    no_errors(page)
    slider = page.get_by_role("slider", name="Steps")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    # The rerun is over when the URL says 450 steps and the new chart is drawn.
    page.wait_for_function("() => location.search.includes('steps=450')", timeout=60000)
    settle(page)
    assert "steps=450" in page.url
    before = race_state(page)
    assert before["image"].startswith("data:image/png") and before["frames"] == 200
    count_animations(page)
    middle = play_until_moved(page, before)
    page.screenshot(path=str(SHOTS / "playing.png"))
    assert middle["markers"] != before["markers"]  # the markers moved
    assert middle["image"] == before["image"] and middle["imageWidth"] > 100  # background still there
    page.wait_for_function("() => window.__animated > 0", timeout=20000)
    no_errors(page)


MARKERS_ON_SCREEN = """() => [...document.querySelector('.js-plotly-plot')
    .querySelectorAll('.scatterlayer .points path.point')].map((p) => {
        const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })"""


# A hover label pointing at (x, y) within ``near`` px: its arrow's tip (the label's left or right
# edge) at the point, its middle level with it.
HOVER_AT = """([x, y, near]) => [...document.querySelectorAll('.js-plotly-plot .hoverlayer .hovertext')]
    .some((label) => { const r = label.getBoundingClientRect();
        return Math.abs((r.top + r.bottom) / 2 - y) <= near
            && Math.min(Math.abs(r.left - x), Math.abs(r.right - x)) <= near; })"""


def point_and_click(page, where: tuple[float, float], near: float | None = 14) -> None:
    """Click a chart as a person does: the pointer comes over it, its hover label shows (on a map,
    "click: start here") pointing at the point under the pointer (within ``near`` px: a grid's
    point next to it; None: any label, a heatmap's cell), then the click. A click selects the
    point plotly.js' hover found: with no move before it, or before the hover caught up with the
    pointer, it took the point of a busy machine's last hover (20 px off, in CI)."""
    page.mouse.move(where[0] - 20, where[1] - 20)
    page.mouse.move(*where, steps=4)
    if near is None:
        page.locator(".js-plotly-plot .hoverlayer .hovertext").first.wait_for(timeout=10000)
    else:
        page.wait_for_function(HOVER_AT, arg=[where[0], where[1], near], timeout=10000)
    page.mouse.click(*where)


def click_sets_the_start(page, target: tuple[float, float]) -> None:
    """Click the map at ``target``: the link gets the start, and the racers are drawn there."""
    where = to_screen(page, *target)
    near = to_screen(page, target[0] + 0.2, target[1])[0] - where[0]  # 0.2 of the map in pixels
    point_and_click(page, where)
    page.wait_for_function(
        "(x) => parseFloat(new URLSearchParams(location.search).get('x0')) === x",
        arg=target[0],
        timeout=20000,
    )
    settle(page)
    drawn = page.evaluate(MARKERS_ON_SCREEN)
    assert min(abs(x - where[0]) + abs(y - where[1]) for x, y in drawn) < near, (where, drawn)
    assert f"y0={target[1]!r}" in page.url


def test_click_on_the_map_sets_the_start(server, page):
    open_app(page, server + "/?s=himmelblau&opt=gd")
    click_sets_the_start(page, (2.0, -1.5))
    no_errors(page)


@pytest.mark.parametrize("state", ["played and paused", "slider moved", "played to the end", "playing"])
def test_a_click_sets_the_start_in_every_state_of_the_animation(server, page, state):
    # After any animation the click used to do nothing (Plotly recomputed the static traces'
    # data without redrawing them, and the selection code failed on them).
    open_app(page, server + "/?s=himmelblau&opt=gd,adam&steps=100")
    if state == "slider moved":
        grip = "() => document.querySelector('.slider-grip-rect').getBoundingClientRect().x"
        start = page.evaluate(grip)
        rail = page.locator(".slider-rail-rect").first.bounding_box()
        page.mouse.click(rail["x"] + 0.4 * rail["width"], rail["y"] + rail["height"] / 2)
        page.wait_for_function(f"(start) => ({grip})() > start + 10", arg=start, timeout=20000)
    else:
        count_animations(page)
        play_until_moved(page, race_state(page))
        if state == "played and paused":
            page.locator(".updatemenu-button", has_text="Pause").first.click()
        elif state == "played to the end":
            page.wait_for_function("() => window.__animated > 0", timeout=60000)
    click_sets_the_start(page, (-2.0, 2.5))
    assert page.get_by_test_id("stException").count() == 0


def test_a_copied_url_opens_the_same_settings(server, page, browser):
    open_app(page, server + "/?s=narrow_valley&opt=gd,adam&steps=300&p.kappa=80&gd.lr=0.0178")
    copied = page.url
    context = browser.new_context(viewport={"width": 1500, "height": 1150})
    other = context.new_page()
    other.errors = []
    open_app(other, copied)
    assert other.get_by_role("slider", name="Steps").input_value() == "300"
    assert race_state(other)["markers"] == race_state(page)["markers"]
    assert other.url == copied
    no_errors(other)
    context.close()


def test_switch_to_chinese(server, page):
    open_app(page, server)
    page.get_by_role("radio", name="简体中文").click()
    settle(page)
    page.get_by_text("优化器", exact=True).first.wait_for(timeout=30000)
    page.get_by_text("步数", exact=True).first.wait_for(timeout=30000)
    page.locator(".updatemenu-button", has_text="播放").first.wait_for(timeout=30000)
    settle(page)
    assert page.locator(".updatemenu-button", has_text="Play").count() == 0
    # The selectboxes show their current option in Chinese too, not the English they had.
    shown = page.locator("[data-testid=stSelectbox] input").evaluate_all("els => els.map(e => e.value)")
    assert "单个点" in shown and "Rosenbrock 函数" in shown and "one point" not in shown, shown
    chips = page.locator("[data-testid=stMultiSelect]").first.inner_text()
    assert "梯度下降" in chips and "Gradient descent" not in chips, chips
    page.screenshot(path=str(SHOTS / "chinese.png"))
    no_errors(page)


def test_type_an_expression_and_play_it(server, page):
    open_app(page, server + "/custom")
    old_image = race_state(page)["image"]
    box = page.get_by_role("textbox", name="f(x, y) =")
    box.fill("x^2 + 3*y^2 + sin(2*x)")
    box.press("Enter")
    # Done when the map of the new function is drawn.
    page.wait_for_function(
        """(old) => { const gd = document.querySelector('.js-plotly-plot');
                      const image = gd && gd.querySelector('g.imagelayer image');
                      return image && image.getAttribute('href') !== old; }""",
        arg=old_image,
        timeout=60000,
    )
    settle(page)
    assert "sin" in page.url
    assert page.get_by_text("Accepted").count() >= 1
    before = race_state(page)
    after = play_until_moved(page, before)
    assert after["markers"] != before["markers"] and after["image"].startswith("data:image/png")
    page.screenshot(path=str(SHOTS / "custom.png"))
    box.fill("__import__('os')")
    box.press("Enter")
    page.get_by_text("Not accepted").first.wait_for(timeout=20000)
    # No race on a rejected expression (the old chart stays, faded, until the run ends).
    page.wait_for_function(f"() => document.querySelectorAll('{RACE}').length === 0", timeout=30000)
    assert page.locator(RACE).count() == 0
    no_errors(page)


def test_sweep_heatmap_cell_opens_the_playground(server, page):
    page.goto(server + "/sweep")
    page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=60000)
    settle(page)
    page.screenshot(path=str(SHOTS / "sweep.png"))
    area = plot_area(page)
    mid_cell = (area["x"] + 0.55 * area["width"], area["y"] + 0.5 * area["height"])
    point_and_click(page, mid_cell, near=None)  # any cell opens the Playground
    page.wait_for_function("() => location.pathname.endsWith('/playground')", timeout=30000)
    page.locator(".js-plotly-plot .slider-tick-rect").first.wait_for(state="attached", timeout=60000)
    settle(page)
    assert "opt=momentum" in page.url and "s=narrow_valley" in page.url and "momentum.lr=" in page.url
    assert race_state(page)["frames"] > 0
    assert page.get_by_text("Narrow valley").count() >= 1
    no_errors(page)


def test_basins_render(server, page):
    page.goto(server + "/basins")
    page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=90000)
    settle(page)
    assert page.locator(".js-plotly-plot").count() == 3
    page.screenshot(path=str(SHOTS / "basins.png"))
    # The hover words come from a transparent coarse heatmap (no longer 3,600 invisible markers
    # per map): over a minimum of Himmelblau the pointer reads that minimum and its steps.
    point = to_screen(page, 3.0, 2.0)
    page.mouse.move(point[0] - 20, point[1] - 20)
    page.mouse.move(*point, steps=4)
    label = page.locator(".js-plotly-plot .hoverlayer .hovertext").first
    label.wait_for(timeout=10000)
    assert "minimum (3, 2)" in label.text_content() and "steps" in label.text_content()
    no_errors(page)


def test_a_lesson_plays_in_presentation_mode(server, page):
    open_app(page, server + "/lessons?lesson=momentum&present=1")
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    before = race_state(page)
    after = play_until_moved(page, before)
    assert after["markers"] != before["markers"]
    page.screenshot(path=str(SHOTS / "lesson.png"))
    no_errors(page)


FIRST_REQUESTS = [
    ("/custom?f=x%5E2%2By%5E2&lang=zh", "自定义曲面", "步数"),
    ("/playground?s=himmelblau&opt=gd", "Himmelblau", "Steps"),
    ("/sweep?s=booth&opt=adam&side=20", "Hyperparameter sweep", "Steps"),
    ("/network?data=xor&steps=100", "Train a real network", "Steps"),
]


@pytest.mark.parametrize(
    ("path", "heading", "slider"), FIRST_REQUESTS, ids=["custom", "playground", "sweep", "network"]
)
def test_a_fresh_servers_first_request_opens_the_linked_page(browser, path, heading, slider):
    # Streamlit treats a pages/ folder as a legacy multipage app until some session calls
    # st.navigation, and gives the default page the empty address: the very first request,
    # at a page's own address, must still get that page in the app's frame, with no dialog.
    with served_app(free_port()) as served:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        open_app(page, served.url + path)
        assert page.get_by_role("heading", name=heading).count() == 1
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("dialog").count() == 0
        assert page.locator("[data-testid=stSidebar] a[href]").count() == 6  # the app's six pages
        assert page.get_by_role("slider", name=slider).count() == 1
        assert path.split("?")[0] in page.url
        no_errors(page)
        page.close()


def test_moving_between_pages_keeps_the_language_in_the_link(server, page):
    open_app(page, server + "/playground?lang=zh&s=booth&opt=gd")
    page.locator("[data-testid=stSidebar] a", has_text="课程").click()
    page.wait_for_function("() => location.pathname.endsWith('/lessons')", timeout=30000)
    settle(page)
    assert "lang=zh" in page.url and "lesson=" in page.url
    page.locator("[data-testid=stSidebar] a", has_text="超参数扫描").click()
    page.wait_for_function("() => location.search.includes('metric=')", timeout=60000)
    assert "lang=zh" in page.url
    no_errors(page)


def present_layout(page) -> dict:
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid=stMain]');
            const chart = document.querySelector('.js-plotly-plot').getBoundingClientRect();
            const gd = document.querySelector('.js-plotly-plot');
            const buttons = [...document.querySelectorAll('.stButton button')]
                .map((b) => b.getBoundingClientRect());
            const legend = gd.querySelector('.legend text');
            return {
                scroll: main.scrollHeight, view: main.clientHeight, chartBottom: chart.bottom,
                chartRight: chart.right, buttonsBottom: Math.max(...buttons.map((b) => b.bottom)),
                legendFont: legend ? parseFloat(getComputedStyle(legend).fontSize) : 0,
                textFont: parseFloat(
                    getComputedStyle(document.querySelector('[data-testid=stMarkdownContainer] p')).fontSize
                ),
                clipped: buttons.some((b) => b.width > 0 && b.right > window.innerWidth),
                // the rule's formulas: all of them inside the text column, none in error
                // (KaTeX's display box; it overruns its box by 2 px without hiding anything)
                formulaCut: [...document.querySelectorAll('.katex-display')]
                    .some((f) => f.scrollWidth > f.clientWidth + 4),
                formulaError: document.querySelectorAll('.katex-error').length,
                // the switches at the top right: each its icon or label drawn, none cut
                switchLabels: [...document.querySelectorAll('[data-testid=stCheckbox] label')]
                    .map((l) => l.getBoundingClientRect()).filter((r) => r.width > 0)
                    .map((r) => [r.width, r.right]),
            };
        }"""
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_presentation_mode_fits_a_1280_by_720_projector(browser, server, language):
    # The chart's words stayed 12 px beside 32 px text, scene names were cut, and text and
    # chart needed scrolling. Every lesson: all of it on one screen, words of similar size.
    from ui.lesson_catalog import LESSONS

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    for lesson in LESSONS:
        open_app(page, f"{server}/lessons?lesson={lesson.key}&present=1&lang={language}")
        box = present_layout(page)
        assert box["scroll"] <= box["view"] + 2, (lesson.key, box)  # no scrolling
        assert box["chartBottom"] <= 720 and box["buttonsBottom"] <= 720 and box["chartRight"] <= 1280, (
            lesson.key
        )
        assert not box["clipped"], lesson.key
        assert not box["formulaCut"] and not box["formulaError"], (lesson.key, box)
        assert all(width >= 60 and right <= 1280 for width, right in box["switchLabels"]), (lesson.key, box)
        assert len(box["switchLabels"]) == 3, box  # presentation, QR link, predict first
        # the chart scales with the text (the neurons' diagram has no legend: its words are annotations)
        if lesson.view != "neurons":
            assert box["legendFont"] >= 0.8 * box["textFont"], (lesson.key, box)
    page.screenshot(path=str(SHOTS / f"present-1280x720-{language}.png"))
    context.close()


def test_a_phone_gets_the_map_at_full_width_a_usable_slider_and_taps_that_set_the_start(browser, server):
    # The map was 145 px wide beside its legend, the slider a dot, and a tap set nothing.
    phone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=phone, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.errors = []
    open_app(page, server + "/playground?s=himmelblau&opt=gd,adam")
    sizes = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot');
            return {map: gd.querySelector('.nsewdrag').getBoundingClientRect().width,
                    width: gd.getBoundingClientRect().width,
                    rail: gd.querySelector('.slider-rail-rect').getBoundingClientRect().width}; }"""
    )
    assert sizes["map"] >= 0.75 * sizes["width"], sizes  # the legend is under the map, not beside
    assert sizes["rail"] >= 120, sizes  # the step slider is more than a dot
    box = to_screen(page, 2.0, -1.5)
    # Plotly selects only a point it hovers, and a touch screen has no hover before a tap: it
    # took two taps (ui/touch.py gives Plotly the hover a mouse would have). One tap now.
    assert "x0=" not in page.evaluate("() => location.search")
    page.touchscreen.tap(*box)
    page.wait_for_function("() => location.search.includes('x0=')", timeout=20000)
    start = page.evaluate(
        "() => { const q = new URLSearchParams(location.search); return [q.get('x0'), q.get('y0')]; }"
    )
    assert abs(float(start[0]) - 2.0) < 0.3 and abs(float(start[1]) + 1.5) < 0.3, start  # under the finger
    assert page.get_by_text("tap twice", exact=False).count() == 0
    page.screenshot(path=str(SHOTS / "phone-390x844.png"), full_page=False)
    context.close()


PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("path", ["/lessons?lesson=momentum", "/network?steps=100"])
def test_a_phone_plays_a_lesson_and_the_network_page(browser, server, path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    open_app(page, server + path)
    width = page.evaluate("() => document.querySelector('.js-plotly-plot').getBoundingClientRect().width")
    assert width <= 390  # the chart fits the screen
    before = race_state(page)
    play = page.locator(".updatemenu-button", has_text="Play").first
    play.scroll_into_view_if_needed()
    box = play.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_until_moved(page, before)
    assert page.locator("[data-testid=stSidebar]").is_hidden() or page.evaluate(
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right <= 0"
    )  # collapsed on a phone
    no_errors(page)
    context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_network_page_plays_its_boundaries_and_landscape_together(server, page, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_app(page, f"{server}/network?lang={language}&steps=200")
    before = race_state(page)
    assert before["image"].startswith("data:image/png") and before["imageWidth"] > 100  # the landscape
    fills = "() => document.querySelectorAll('.js-plotly-plot path.js-fill').length"
    assert page.evaluate(fills) >= 3  # a decision region per optimizer
    play = "播放" if language == "zh" else "Play"
    count_animations(page)
    play_until_moved(page, before, play)
    during = race_state(page)
    assert during["imageWidth"] > 100 and page.evaluate(fills) >= 3  # nothing vanishes while playing
    title = "训练一个真正的神经网络" if language == "zh" else "Train a real network"
    assert page.get_by_text(title).count() == 1
    page.wait_for_function("() => window.__animated > 0", timeout=60000)  # played to its end
    page.screenshot(path=str(SHOTS / f"network-{language}.png"))
    no_errors(page)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_inside_view_moves_its_arrows_with_the_markers(server, page, language):
    open_app(page, f"{server}/playground?s=saddle&opt=momentum,newton&inside=1&steps=100&lang={language}")
    glyphs = """() => document.querySelector('.js-plotly-plot')._fullData
        .filter((t) => String(t.legendgroup).startsWith('inside-'))
        .map((t) => Array.from(t.x).filter((v) => Number.isFinite(v)).slice(0, 2))"""
    before, drawn = race_state(page), page.evaluate(glyphs)
    assert len(drawn) >= 5 and all(drawn[:3])  # gradient, step, velocity ... drawn at the start
    play_until_moved(page, before, "播放" if language == "zh" else "Play")
    assert page.evaluate(glyphs) != drawn  # the arrows moved with the markers
    legend = "负梯度" if language == "zh" else "−gradient"
    assert page.locator(".legend text", has_text=legend).count() == 1
    no_errors(page)


# The rows of panels drawn in the first chart: the distinct bottoms of its plot areas.
ROWS = """() => { const gd = document.querySelector('.js-plotly-plot'); if (!gd) return 0;
    const bottoms = [...gd.querySelectorAll('.nsewdrag')]
        .map((r) => Math.round(r.getBoundingClientRect().bottom));
    return new Set(bottoms).size; }"""


def test_a_narrow_window_gets_the_narrow_layout_whatever_its_browser_says(browser, server):
    # The server guessed a phone from the User-Agent only: a desktop browser at 390 px got the
    # network page's wide layout (its panels overlapped). ui/screen.py reports the width.
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a desktop User-Agent
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    open_app(page, server + "/network?steps=100")
    page.wait_for_function(f"() => ({ROWS})() === 3", timeout=30000)  # landscape under the curves
    no_errors(page)
    context.close()
    # A wide window: the wide layout (boundaries, then landscape and curves side by side), no
    # second run; narrowed below Streamlit's breakpoint, the narrow one, the settings kept.
    wide = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    wide.errors = []
    wide.on("pageerror", lambda e: wide.errors.append(str(e)))
    open_app(wide, server + "/network?steps=100&noise=0.3")
    assert wide.evaluate(ROWS) == 2
    wide.set_viewport_size({"width": 390, "height": 844})
    wide.wait_for_function(f"() => ({ROWS})() === 3", timeout=60000)
    settle(wide)
    assert wide.evaluate(ROWS) == 3 and "noise=0.3" in wide.url and "opt=gd%2Cmomentum%2Cadam" in wide.url
    no_errors(wide)
    wide.context.close()


SI = {"p": 1e-12, "n": 1e-9, "μ": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9}


def tick_value(label: str) -> float:
    """A tick label's number as plotly.js writes it ("−2", "0.01", "100μ")."""
    label = label.replace("\u2212", "-")
    return float(label[:-1]) * SI[label[-1]] if label[-1] in SI else float(label)


def test_every_layer_norm_panel_is_drawn_on_a_log_axis_with_its_own_ticks(server, page):
    # Issue 23: plotly.js dropped yaxis2.matches='y' on a log axis: the later panels were
    # linear, 0-18, with no tick labels. Read the tick labels drawn, panel by panel: on a log
    # axis every decade takes the same height.
    open_app(page, f"{server}/network?steps=100&gd.lr=10&momentum.lr=10")
    drawn = """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
            .find((p) => p.querySelector('.y3tick') && !p.querySelector('.imagelayer image'));
        return gd ? ['y', 'y2', 'y3'].map((axis) => [...gd.querySelectorAll(`.${axis}tick text`)]
            .map((t) => [t.textContent, parseFloat(t.getAttribute('transform').slice(10).split(',')[1])]))
            : null; }"""
    page.wait_for_function(f"() => ({drawn})() !== null", timeout=60000)
    panels = page.evaluate(drawn)
    assert len(panels) == 3
    heights = []
    for ticks in panels:
        values = [tick_value(label) for label, _ in ticks]
        assert len(ticks) >= 3 and min(values) > 0, ticks
        per_decade = [
            (y1 - y0) / (math.log10(v1) - math.log10(v0))
            for (_, y0), (_, y1), v0, v1 in zip(ticks, ticks[1:], values, values[1:], strict=False)
        ]
        assert max(per_decade) - min(per_decade) < 0.01 * abs(per_decade[0]), ticks  # a log axis
        heights.append(per_decade[0])
    for ticks, height in zip(panels, heights, strict=True):  # one shared range: the panels compare
        assert [label for label, _ in ticks] == [label for label, _ in panels[0]]
        assert abs(height - heights[0]) < 0.01 * abs(heights[0])
    no_errors(page)


# The lessons of the notes' last concepts (recurrence, a costly minimum, schedules, averaging,
# batch normalization, Rprop, the growing gradient, dropout).
NEW_LESSONS = (
    "recurrent",
    "costly_minimum",
    "schedules",
    "noise_averaging",
    "batch_norm",
    "rprop",
    "net_gradient_growth",
    "dropout",
)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_newer_lessons_play_in_a_browser(server, page, language):
    from ui.texts import text

    for key in NEW_LESSONS:
        open_app(page, f"{server}/lessons?lesson={key}&lang={language}")
        play_until_moved(page, race_state(page), play=text("fig.play", language))
    no_errors(page)
