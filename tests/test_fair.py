"""A tab's fair share of its server process (ui/fair.py; issue 25, item 5). What the others see
meanwhile is measured by `python bench/classroom.py --scenario hammer` (README, Hosting)."""

from __future__ import annotations

import threading
import time

import pytest
import streamlit as st

from ui import fair


def test_a_tab_within_its_share_never_waits_and_one_beyond_it_waits_its_excess():
    now = 100.0
    assert fair.wait_for([], now) == 0.0
    within = [(now - 5.0, 2.0), (now - 1.0, 1.9)]  # 3.9 s of the last 10
    assert fair.busy(within, now) == pytest.approx(3.9)
    assert fair.wait_for(within, now) == 0.0
    beyond = [(now - 6.0, 3.0), (now - 0.5, 2.0)]  # 5 s of the last 10: 1 s beyond its 4
    assert fair.wait_for(beyond, now) == pytest.approx(5.0 - fair.SHARE * fair.WINDOW)
    # only what lies in the window counts: a run that ended 9 s ago after 4 s counts 1 s
    assert fair.busy([(now - 9.0, 4.0)], now) == pytest.approx(1.0)
    assert fair.busy([(now - 11.0, 4.0)], now) == 0.0
    # never more than MAX_WAIT, whatever it ran
    assert fair.wait_for([(now, 60.0)], now) == fair.MAX_WAIT


class _Note:
    def __init__(self, shown: list[str]) -> None:
        self.shown = shown

    def caption(self, words: str) -> None:
        self.shown.append(words)

    def empty(self) -> None:
        self.shown.append("")


@pytest.fixture
def tab(monkeypatch):
    """fair_run's Streamlit calls on a plain dict and a list of what it showed."""
    state, shown = {}, []
    monkeypatch.setattr(st, "session_state", state)
    monkeypatch.setattr(st, "empty", lambda: _Note(shown))
    return state, shown


def _words(key: str, **values) -> str:
    return f"{key} {values}"


def test_a_busy_tab_waits_while_others_run_and_says_so(tab, monkeypatch):
    state, shown = tab
    monkeypatch.setattr(fair, "MAX_WAIT", 0.3)
    now = time.monotonic()
    state[fair._KEY] = [(now, 9.0)]  # it ran for 9 of the last 10 s
    other = threading.Event()

    def someone_else() -> None:  # another tab's run, in flight for the whole wait
        with fair._counted():
            other.wait(2.0)

    thread = threading.Thread(target=someone_else)
    thread.start()
    try:
        while fair.others_running() == 0:
            time.sleep(0.01)
        ran = []
        started = time.monotonic()
        fair.fair_run(lambda: ran.append(time.monotonic() - started), _words)
    finally:
        other.set()
        thread.join()
    assert ran and ran[0] >= 0.3  # it waited its (shortened) longest wait before running
    assert shown[0].startswith("fair.wait") and shown[-1] == ""  # said why, then took it away
    assert len(state[fair._KEY]) == 2  # this run is counted for the next


def test_a_busy_tab_alone_does_not_wait(tab):
    state, shown = tab
    state[fair._KEY] = [(time.monotonic(), 9.0)]
    assert fair.others_running() == 0
    ran = []
    started = time.monotonic()
    fair.fair_run(lambda: ran.append(time.monotonic() - started), _words)
    assert ran[0] < 0.2 and shown == []


def test_a_run_that_stops_early_is_counted_too(tab):
    state, _ = tab

    def stopped() -> None:
        time.sleep(0.05)
        raise RuntimeError("a newer change stopped this run")

    with pytest.raises(RuntimeError):
        fair.fair_run(stopped, _words)
    [(_, seconds)] = state[fair._KEY]
    assert seconds >= 0.05
    assert fair.others_running() == 0


def test_the_same_scene_in_many_tabs_is_computed_once():
    """The pages' caches (st.cache_resource / st.cache_data) let one tab compute a scene and the
    others wait for it: a heavy link opened in ten tabs costs one computation."""
    computed = []

    @st.cache_resource(show_spinner=False)
    def scene(key: str) -> str:
        computed.append(key)
        time.sleep(0.3)
        return key.upper()

    results = []
    tabs = [threading.Thread(target=lambda: results.append(scene("heavy"))) for _ in range(10)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    assert results == ["HEAVY"] * 10
    assert computed == ["heavy"]
