"""A server warmed before its first student (deploy/warm.py): what it visits, that a visit fills
the caches the class then reads, and that `make run`'s way of starting it serves and stops.
(Its figures: bench/cold_start.py.)"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from deploy import warm
from deploy.local import streamlit_command
from deploy.served import free_port, served_app
from deploy.streamlit_client import Session
from ui import network_scene as ns
from ui.lesson_catalog import BY_KEY, LESSONS

pytestmark = [pytest.mark.deploy, pytest.mark.timeout(300)]


def test_the_warm_up_visits_every_lesson_and_page_in_both_languages():
    visits = warm.visits()
    for language in ("", "&lang=zh"):
        for lesson in LESSONS:
            assert ("lessons", f"lesson={lesson.key}{language}") in visits
    for page in ("playground", "network", "sweep", "custom", "basins"):
        assert (page, "") in visits and (page, "lang=zh") in visits
    # The lessons come first: a class opens the teacher's lesson link.
    assert visits[0][0] == "lessons"


def test_a_network_lesson_is_trained_once_for_every_language_and_its_question():
    """The lesson's charts in each language and its question's answer share one training."""
    lesson = BY_KEY["net_depth"]
    scene = lesson.scenes[0]
    first = ns.train_lesson_scene(scene.query, lesson.view)
    assert ns.train_lesson_scene(dict(scene.query), lesson.view) is first
    assert ns.train_lesson_scene({**scene.query, "seed": "12345"}, lesson.view) is not first


def test_warming_fills_the_caches_a_student_then_reads(monkeypatch):
    """After the warm-up's visit of a network lesson, a student's first visit of it trains
    nothing: its charts are the warm-up's, sent from the cache (the same bytes)."""
    monkeypatch.setattr(warm, "visits", lambda: [("lessons", "lesson=net_depth")])
    with served_app(free_port()) as server:
        took = warm.warm(server.url)
        assert list(took) == ["/lessons?lesson=net_depth"]
        student = Session(server.url)
        try:
            seen = student.open("lessons", "lesson=net_depth")
        finally:
            student.close()
        assert not seen.errors and seen.charts
        again = Session(server.url)
        try:
            assert again.open("lessons", "lesson=net_depth").charts == seen.charts
        finally:
            again.close()


def test_make_run_serves_at_once_warms_in_the_background_and_stops_on_sigterm(tmp_path):
    """`deploy/warm.py --serve` (make run, the container): a student is served while the
    warm-up runs (it takes a minute or more), and a SIGTERM stops the server with it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    command = streamlit_command(port)
    options = command[command.index("app.py") + 1 :]  # what `make run` passes after --serve
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "deploy/warm.py", url, "--serve", *options],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not warm.healthy(url):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "not healthy within 60 s"
            time.sleep(0.3)
        student = Session(url)
        try:
            assert student.open("playground", "").charts
        finally:
            student.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) is not None
        assert not warm.healthy(url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_every_server_starts_with_the_apps_modules_imported():
    """deploy/launch.py: the app's layers imported (every module), then Streamlit's own command."""
    from deploy import launch
    from deploy.local import ROOT

    names = set(launch.preload())
    for package in launch.PACKAGES:
        for path in (ROOT / package).glob("*.py"):
            assert (package if path.stem == "__init__" else f"{package}.{path.stem}") in names, path
    assert streamlit_command(8501)[1].endswith("deploy/launch.py")
    command = [sys.executable, "deploy/launch.py", "--version"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("Streamlit, version"), done
