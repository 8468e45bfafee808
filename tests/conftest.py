"""Shared fixtures: a served app for the real-browser tests, and headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from deploy.served import free_port, served_app

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("SHOTS_DIR", ROOT / "shots"))


def open_script(script: str, query=None, timeout: float = 60, locale: str | None = None):
    """Run an app script (``"app.py"``, ``"pages/custom.py"``...) under AppTest, as a visit
    with the URL parameters ``query`` (and the browser language ``locale``) would."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if locale:
        at.context["locale"] = locale
    return at.run()


def race_spec(at) -> dict:
    """The plotly spec of the animated race chart (the one with frames) an AppTest drew."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(spec for spec in specs if spec.get("frames"))


@pytest.fixture(scope="session")
def server(browser):
    """The app served by `streamlit run` on a free loopback port; stopped at the end."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_app(free_port(), log=SHOTS / "server.log") as served:
        yield served.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is needed: make test installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1150})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def assert_plain_is_validated(fig) -> dict:
    """A viz.plain.PlainFigure's JSON (frames, plain layout parts and template unvalidated)
    is the one plotly gives for the same spec validated, and what ``fig.layout`` shows after
    taking the plain parts in. Returns the JSON."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from viz.plain import PlainFigure

    assert isinstance(fig, PlainFigure)
    fast = json.loads(pio.to_json(fig, validate=False))
    slow = json.loads(pio.to_json(go.Figure(fig.to_dict()), validate=True))
    assert fast == slow
    assert fast["layout"]["template"]["layout"]["paper_bgcolor"] == "white"
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert json.loads(pio.to_json(fig, validate=False)) == fast
    return fast
