"""The race's narration: one optimizer's step told sub-operation by sub-operation."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import settings as cfg
from ui.access import chart
from ui.narration import beats
from ui.shell import lang, say
from ui.texts import optimizer_title
from viz import Racer
from viz.inside import beat_figure
from viz.inside import scales as inside_scales


def _move_beat(offset: int) -> None:
    st.session_state["beat"] = st.session_state.get("beat", 0) + offset


def narration(surface, racers: list[Racer], s: cfg.Settings) -> None:
    """One optimizer's step told sub-operation by sub-operation, "Next" after "Next"."""
    names = list(s.optimizers)
    with st.expander(say("nr.title")):
        a, b = st.columns(2)
        name = a.selectbox(
            say("nr.optimizer"),
            names,
            key="narrate_optimizer",
            format_func=lambda n: optimizer_title(n, lang()),
        )
        step = b.number_input(say("nr.step_no"), 1, s.steps, 1, key="narrate_step")
        run = racers[names.index(name)].run
        record = int(np.searchsorted(run.step, step))
        try:
            told = beats(name, run, record, s.optimizers[name])
        except (ValueError, IndexError):
            return
        beat = min(max(st.session_state.get("beat", 0), 0), len(told) - 1)
        st.session_state["beat"] = beat
        left, middle, right = st.columns([1, 2, 1])
        left.button(say("nr.back"), key="beat_back", on_click=_move_beat, args=(-1,), disabled=beat == 0)
        middle.caption(say("nr.beat", k=beat + 1, n=len(told)))
        right.button(
            say("nr.next"), key="beat_next", on_click=_move_beat, args=(1,), disabled=beat == len(told) - 1
        )
        st.info(say(told[beat].key, **told[beat].values))
        start = run.path[record, 0] - run.update[record, 0]
        scale = inside_scales([r.run for r in racers if r.run.update is not None], surface.bounds)
        chart(
            beat_figure(start, told[beat], scale, racers[names.index(name)].color),
            key="beat_chart",
            name=say("alt.beat", name=optimizer_title(name, lang()), step=step),
            summary=say(told[beat].key, **told[beat].values),
        )
