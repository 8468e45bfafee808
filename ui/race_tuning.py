"""A fair race: every chosen optimizer gets its best learning rate on the race's very steps
and starts (the sidebar's panel, the tuning itself, and its chart)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import streamlit as st

from optimizers.tuning import DEFAULT_COUNT, SCORES, rate_grid, tune
from ui import settings as cfg
from ui.access import chart
from ui.numbers import shown
from ui.race_state import W, current
from ui.shell import lang, say
from ui.texts import optimizer_title, prefixed_words
from viz.colors import COLORS
from viz.curves import tuning_figure
from viz.optimizer_views import VIEWS


def _rates(name: str, surface, count: int) -> np.ndarray:
    """The learning rates a fair race tries for ``name``: around its suggested rate, within
    the range its slider offers."""
    shown = cfg.control(name, "lr").options
    rates = rate_grid(cfg.suggested_lr(name, surface), count)
    return np.unique(np.clip(rates, min(shown), max(shown)))


def tuning_controls(surface) -> None:
    """A fair race: every optimizer gets its best learning rate on these very steps and starts."""
    state = st.session_state
    with st.sidebar.expander(say("tu.title")):
        st.caption(say("tu.help"))
        st.selectbox(
            say("tu.score"), SCORES, key=W + "tune_score", format_func=lambda k: say(f"tu.score.{k}")
        )
        st.slider(say("tu.count"), 10, 100, DEFAULT_COUNT, 5, key=W + "tune_count")
        tunable = [n for n in state[W + "opt"] if "lr" in VIEWS[n].shown]
        for name in tunable:
            rates = _rates(name, surface, state[W + "tune_count"])
            low, high = shown(rates[0], digits=3), shown(rates[-1], digits=3)
            st.caption(f"{optimizer_title(name, lang())}: {low} – {high}")
        st.button(say("tu.run"), key="tune_button", on_click=_tune, args=(surface,), disabled=not tunable)


def _tune(surface) -> None:
    """Tune every chosen optimizer's learning rate on the race's steps and starts; each then
    races with its best rate (set in its slider, so in the URL too)."""
    state = st.session_state
    s = current(surface)
    starts = cfg.starts_array(s, surface)
    options = {k: v for k, v in s.simulate_options().items() if k != "steps"}
    results = []
    for name, hp in s.optimizers.items():
        if "lr" not in VIEWS[name].shown:
            continue
        others = {k: v for k, v in hp.items() if k != "lr"}
        rates = _rates(name, surface, state[W + "tune_count"])
        tuning = tune(
            surface, name, starts, s.steps, rates, score=state[W + "tune_score"], **options, **others
        )
        if tuning.best is not None:
            state[f"{W}{name}.lr"] = tuning.best
        results.append(tuning)
    state["tuned"] = {"settings": json.dumps(dataclasses.asdict(current(surface))), "results": results}


def tuning_chart(s: cfg.Settings, settings_json: str) -> None:
    """The tuning's scores by learning rate, when the race shown is the tuned one."""
    tuned = st.session_state.get("tuned")
    if not tuned or tuned["settings"] != settings_json:
        return
    names = [t.optimizer for t in tuned["results"]]
    colors = [COLORS[list(s.optimizers).index(n) % len(COLORS)] for n in names]
    st.markdown(f"**{say('tu.chart')}**")
    chart(
        tuning_figure(
            tuned["results"],
            [optimizer_title(n, lang()) for n in names],
            colors,
            prefixed_words("tu.", lang()),
        ),
        key="tuning_chart",
        name=say("tu.chart"),
        summary=" ".join(
            say("alt.tuned", name=optimizer_title(t.optimizer, lang()), lr=shown(t.best, digits=3))
            if t.best is not None
            else say("alt.untuned", name=optimizer_title(t.optimizer, lang()))
            for t in tuned["results"]
        ),
    )
