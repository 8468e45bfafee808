"""Garbage collection for a server that many students use at once.

Streamlit runs a full ``gc.collect(2)`` after every script run (``runner.postScriptGC``): it held
the GIL for 60-87% of a rerun under load. It is off in .streamlit/config.toml, and one
collection every ``EVERY`` seconds on a thread of its own takes its place, so garbage in
reference cycles (Plotly figures hold many) is still given back within that time. What the
server has loaded by then (modules, compiled surfaces, the catalogs) is frozen out of every
later collection (``gc.freeze``), which makes each one cheaper.
"""

from __future__ import annotations

import gc
import threading

import streamlit as st

EVERY = 30.0  # seconds between full collections


class Collector(threading.Thread):
    """A daemon thread that runs a full collection every ``every`` seconds until ``stop()``."""

    def __init__(self, every: float = EVERY) -> None:
        super().__init__(name="lab-gc", daemon=True)
        self.every = every
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.every):
            gc.collect()

    def stop(self) -> None:
        self._stopped.set()


@st.cache_resource(show_spinner=False)
def start_collector(every: float = EVERY) -> Collector:
    """Start the collecting thread, once per server process (any later call returns it)."""
    gc.collect()
    gc.freeze()
    collector = Collector(every)
    collector.start()
    return collector
