"""A tab's fair share of its server process (issue 25, item 5: one student cannot starve the rest).

Streamlit runs one script at a time per tab, and a newer change stops the older run at its
next element: a tab never has two scenes in flight, and a student who drags a slider gets the
scene of where the slider stopped. What a tab can still do is keep the process busy: a
student holding a key down on a slider asks for a new scene as soon as the last is drawn,
and the process's one core then serves the rest of the class a share of what it did.

So each run is timed, and a tab that has had runs in flight for more than ``SHARE`` of the
last ``WINDOW`` seconds waits before its next run while other tabs' runs are in flight (never
when it is alone: a student alone at home is not slowed), at most ``MAX_WAIT`` seconds, and
says so. The same heavy scene opened in many tabs is computed once: the pages' caches make
the other tabs wait for that one computation (tests/test_fair.py).

A run's long work can be stopped: the engine's steps and the waits for a worker ask now and
then (optimizers.parallel.stoppable) whether the student pressed Stop or changed a setting, and a
stopped run's jobs in the worker processes are ended, not left to run on for nobody.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator

import streamlit as st

from optimizers import parallel

WINDOW = 10.0  # seconds of a tab's recent runs that count
SHARE = 0.4  # of WINDOW a tab's runs may take while others wait
MAX_WAIT = 4.0  # seconds, the longest a run is held back
POLL = 0.05  # seconds between looks at whether the others are done
_KEY = "_fair_runs"  # session_state: (end, seconds) of this tab's recent runs

_lock = threading.Lock()
_in_flight = 0  # runs of this process now running (every tab)


def busy(runs: list[tuple[float, float]], now: float) -> float:
    """Seconds of the last WINDOW that ``runs`` ((end, seconds) each) were in flight."""
    return sum(min(seconds, max(0.0, WINDOW - (now - end))) for end, seconds in runs if now - end < WINDOW)


def wait_for(runs: list[tuple[float, float]], now: float) -> float:
    """How long a tab with these recent runs should wait while others run: as long as it ran
    beyond its share (it is then back within it once the window has moved on), at most MAX_WAIT."""
    return min(MAX_WAIT, max(0.0, busy(runs, now) - SHARE * WINDOW))


def others_running() -> int:
    with _lock:
        return _in_flight


# A run that shares independent calls out (a Network scene's optimizers, its sharpness) leaves
# them all to the worker processes while another tab's run is in flight: its own core then
# serves the others, and a heavy scene takes longer instead of the whole class waiting for it.
def _others_waiting() -> bool:
    return others_running() > 1


parallel.yield_here = _others_waiting


@contextlib.contextmanager
def _counted() -> Iterator[None]:
    global _in_flight
    with _lock:
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1


POKE = 0.25  # seconds between two looks, during long work, at whether the run was stopped


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """Long work inside looks every POKE seconds whether the student stopped this run (Stop, a
    newer setting): Streamlit says so, by raising, at the run's next element, so the look is an
    empty placeholder of its own touched again. It is touched in the context copied here,
    outside any cached function, so no cache records it to replay it (a cached function that
    drew into a placeholder made outside it cannot be replayed)."""
    place = st.empty()
    context = contextvars.copy_context()
    last = time.monotonic()

    def look() -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= POKE:
            last = now
            context.run(place.empty)

    with parallel.stoppable(look):
        yield


def fair_run(run: Callable[[], None], say: Callable[..., str]) -> None:
    """``run()`` (the page), after yielding to the other tabs when this one has had more than
    its share of the process lately; its time is counted for the next run."""
    state = st.session_state
    now = time.monotonic()
    runs = [(end, seconds) for end, seconds in state.get(_KEY, ()) if now - end < WINDOW]
    wait = wait_for(runs, now)
    if wait > 0 and others_running() > 0:
        note = st.empty()
        note.caption(say("fair.wait", busy=busy(runs, now), window=WINDOW, wait=wait))
        until = now + wait
        while time.monotonic() < until and others_running() > 0:
            time.sleep(POLL)
        note.empty()
    started = time.monotonic()
    try:
        with _counted(), _stoppable():
            run()
    finally:
        ended = time.monotonic()
        state[_KEY] = [*runs, (ended, ended - started)]
