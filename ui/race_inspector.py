"""The race's step inspector: one step of every optimizer in numbers, under its update rule."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.inspector import substituted, update_rule
from ui.shell import say
from viz import Racer


def inspector(racers: list[Racer], names: list[str], steps: int) -> None:
    """One step of every optimizer in numbers, under its update rule."""
    with st.expander(say("pg.inspect"), expanded=True):
        step = st.slider(say("pg.inspect.step"), 1, steps, 1, key="inspect_step")
        for racer_, name in zip(racers, names, strict=True):
            run = racer_.run
            record = int(np.searchsorted(run.step, step))
            if record >= len(run.step) or run.update is None:
                continue
            st.markdown(f"**{racer_.label}**")
            st.latex(update_rule(name))
            st.latex(substituted(run, record))
