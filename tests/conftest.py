"""Shared fixtures (a served app for the real-browser tests, headless Chromium, AppTest helpers)
and the suite's layers.

The layers (markers registered in pyproject.toml; `make test-fast` runs only the first):
  (none)    engine, settings, texts, figures: pure functions, seconds each
  slow      the lessons' claims measured on trained networks (set here: see ``SLOW``)
  pages     runs a page script under Streamlit's AppTest (set here: see ``RUNS_A_PAGE``)
  browser   drives the served app in headless Chromium (tests/test_browser.py)
  deploy    nginx, replicas and the manifests of deploy/ (tests/test_deploy.py)
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from deploy.served import free_port, served_app
from viz.race import unpacked

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("SHOTS_DIR", ROOT / "shots"))


# What a test calls to run a page script: a test that reaches one of these names, directly or
# through a function or fixture of its own module, is a page test.
RUNS_A_PAGE = {"open_script", "AppTest"}
# The lessons' claims on trained networks: 5-25 s each on a quiet 2-core machine (26 tests, 87 s
# on two workers, the rest of the engine layer 48 s); `make test-fast` leaves them to `make test`.
SLOW = re.compile(
    r"test_lessons\.py::test_(net_|batch_norm|dropout|every_lesson_asks_a_question\w*\[(net_|batch_norm|dropout|research_))"
)


class _Module(NamedTuple):
    page_runners: frozenset[str]  # its functions that run a page script, however indirectly
    shared_fixtures: frozenset[str]  # its fixtures computed once for the module


@functools.cache
def _read(path: Path) -> _Module:
    tree = ast.parse(path.read_text())
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = {
        f.name: {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
        | {n.attr for n in ast.walk(f) if isinstance(n, ast.Attribute)}
        for f in functions
    }
    runners, grown = set(), True
    while grown:
        more = {name for name, used in names.items() if used & (RUNS_A_PAGE | runners)} - runners
        runners |= more
        grown = bool(more)
    shared = {
        f.name
        for f in functions
        for d in f.decorator_list
        if isinstance(d, ast.Call)
        and any(k.arg == "scope" and getattr(k.value, "value", "function") != "function" for k in d.keywords)
    }
    return _Module(frozenset(runners), frozenset(shared))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the page tests, and keep together on one worker of ``pytest -n`` (``--dist
    loadgroup``) the tests of a module that share a module's fixture (computed once, not once
    per worker). The browser tests spread over the workers (each its own server and Chromium):
    they mostly wait, and on one worker they were the whole suite's critical path (9.6 min)."""
    for item in items:
        path = Path(item.fspath)
        module, used = _read(path), set(getattr(item, "fixturenames", ()))
        if "browser" in item.keywords:
            continue
        name = getattr(item, "originalname", item.name)
        runs_a_page = name in module.page_runners or used & module.page_runners
        if runs_a_page and "deploy" not in item.keywords:
            item.add_marker(pytest.mark.pages)
        if SLOW.search(item.nodeid):
            item.add_marker(pytest.mark.slow)
        if used & module.shared_fixtures:
            item.add_marker(pytest.mark.xdist_group(path.stem))


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
    log = SHOTS / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    with served_app(free_port(), log=log) as served:
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


def plotted(values) -> np.ndarray:
    """A trace's numbers as the chart receives them: Plotly sends NumPy arrays base64-typed
    ({"dtype", "bdata"}), plain lists as they are."""
    return unpacked(values)
