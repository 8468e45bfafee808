"""A Stop that really stops (issue 25, item 2): a heavy Network scene stopped while it is computed
ends the job its worker process was running, whether the student presses the page's Stop or
Streamlit's own (the header's Stop, here through the protocol), and the tab goes on working."""

from __future__ import annotations

import time

import pytest

from deploy.served import HEAVIEST_NETWORK, cpu_seconds, free_port, process_tree, served_app
from deploy.streamlit_client import Session
from tests.test_parallel import _ended

pytestmark = [pytest.mark.deploy, pytest.mark.timeout(300)]

# The heaviest in-range scene: seconds of training, most of it in the worker.
HEAVY = HEAVIEST_NETWORK


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app with one worker process (whatever the machine's cores), its pool started by a
    first scene: the server's URL and PID."""
    log = tmp_path_factory.mktemp("stop") / "server.log"
    with pytest.MonkeyPatch.context() as m:
        m.setenv("LOSS_SURFACE_WORKERS", "1")
        with served_app(free_port(), log=log) as server:
            first = Session(server.url, timeout=240)
            assert first.open("network", "steps=300").errors == []
            first.close()
            yield server


def _cpu(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except OSError:  # ended meanwhile
        return float("nan")


def _busy_worker(server_pid: int, within: float = 90.0) -> int:
    """The server's descendant process that is computing (its CPU time grows by 0.3 s)."""
    start = {p: _cpu(p) for p in process_tree(server_pid)[1:]}
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        time.sleep(0.2)
        for p in process_tree(server_pid)[1:]:
            if _cpu(p) - start.setdefault(p, _cpu(p)) >= 0.3:
                return p
    raise AssertionError("no worker process took up the heavy scene")


def test_streamlits_stop_ends_the_workers_job_and_the_tab_goes_on(served):
    tab = Session(served.url, timeout=240)
    tab.begin("network", HEAVY)
    worker = _busy_worker(served.pid)
    stopped = tab.stop()
    assert stopped.errors == []
    assert "nw_stop" in tab.widgets  # the page's own Stop was shown meanwhile
    assert _ended(worker), "the worker computing the stopped scene should have been ended"
    again = tab.open("network", "steps=300")  # the tab, and the server, work on
    assert again.errors == [] and again.charts
    assert "nw_stop" not in tab.widgets  # a light scene: no Stop
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "size", "stop", "stopped", "go_on", "computing", "part"),
    [
        (
            "en",
            (1280, 900),
            "Stop computing",
            "Stopped:",
            "Go on",
            "Recording the runs|Training 4",
            "Part [12] of 4",
        ),
        # a phone: the server guessed a desktop, the page told it otherwise while computing; the
        # press once emptied the sidebar's optimizers ("choose at least one") and its seed
        ("zh", (390, 844), "停止计算", "已停止", "继续", "完整记录|训练 4", "第 [12] 部分（共 4 部分）"),
    ],
)
def test_the_pages_stop_button_ends_the_workers_job_and_says_so(
    served, browser, language, size, stop, stopped, go_on, computing, part
):
    import re

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{served.url}/network?{HEAVY}&seed={7 if language == 'en' else 8}&lang={language}")
        button = page.get_by_role("button", name=stop, exact=True)  # not the header's "Stop"
        button.wait_for(timeout=120000)
        worker = _busy_worker(served.pid)
        # a bar of the scene's parts says which one is computed
        assert page.get_by_role("progressbar").count() == 1
        assert page.get_by_text(re.compile(part)).count() >= 1
        button.click()
        page.get_by_text(stopped).first.wait_for(timeout=60000)
        assert _ended(worker), "the worker computing the stopped scene should have been ended"
        # the scene's settings are all still there: the link still names them
        assert "opt=gd%2Cmomentum%2Cadam%2Crmsprop" in page.url and "seed=" in page.url, page.url
        assert page.locator("[data-testid=stException]").count() == 0
        # Go on computes the scene again: what is computed is said again
        page.get_by_role("button", name=go_on, exact=True).click()
        page.get_by_text(re.compile(computing)).first.wait_for(timeout=60000)
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_a_stop_in_the_last_part_keeps_what_is_drawn_and_leaves_out_the_sharpness(served, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{served.url}/network?{HEAVY}&seed=9")
        page.get_by_text("Part 4 of 4").first.wait_for(timeout=180000)
        charts = page.locator(".js-plotly-plot").count()
        assert charts >= 2  # the training figure and the lines, drawn before the sharpness
        page.get_by_role("button", name="Stop computing", exact=True).click()
        page.get_by_text("Stopped:").first.wait_for(timeout=60000)
        page.get_by_text("Not computed: stopped").first.wait_for(timeout=60000)
        drawn = f"document.querySelectorAll('.js-plotly-plot').length >= {charts}"
        page.wait_for_function(drawn, timeout=60000)
        assert page.get_by_text("Part 4 of 4").count() == 0  # no bar left behind
        assert page.locator("[data-testid=stException]").count() == 0 and errors == []
    finally:
        context.close()
