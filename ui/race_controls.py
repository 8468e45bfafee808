"""The race's sidebar: optimizers and their hyperparameters, the start, steps and options
(the surface is the page's own)."""

from __future__ import annotations

import streamlit as st

from optimizers import OPTIMIZERS
from ui import settings as cfg
from ui.race_state import W
from ui.shell import lang, say
from ui.texts import optimizer_title
from ui.widgets import hyperparameter_widget, setting_widget, training_options
from viz.optimizer_views import VIEWS


def _hyperparameter_widget(name: str, key: str, container, surface) -> None:
    widget_key = f"{W}{name}.{key}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = cfg.playground_hyperparameters(name, surface)[key]
    hyperparameter_widget(name, key, widget_key, say(f"hp.{key}"), container)


def _setting(name: str, container=st) -> None:
    setting_widget(cfg.SETTINGS[name], W + name, say, container)


def controls(surface) -> None:
    """Every control of the race but the surface and the tuning."""
    side = st.sidebar
    side.multiselect(
        say("pg.optimizers"),
        list(OPTIMIZERS),
        key=W + "opt",
        max_selections=cfg.PLAYGROUND_MAX_OPTIMIZERS,
        help=say("pg.optimizers.help", max=cfg.PLAYGROUND_MAX_OPTIMIZERS),
        format_func=lambda n: optimizer_title(n, lang()),
    )
    for name in st.session_state[W + "opt"]:
        with side.expander(say("pg.hyper", name=optimizer_title(name, lang())), expanded=False):
            for key in VIEWS[name].shown:
                _hyperparameter_widget(name, key, st, surface)
    side.markdown(f"**{say('pg.start')}**", help=say("pg.start.help"))
    a, b = side.columns(2)
    a.number_input("x", key=W + "x0", format="%.3f", step=0.1)
    b.number_input("y", key=W + "y0", format="%.3f", step=0.1)
    _setting("starts", side)
    if st.session_state[W + "starts"] != "single":
        _setting("count", side)
        _setting("spread", side)
    _setting("steps", side)
    _setting("inside", side)
    with side.expander(say("pg.options")):
        training_options(_setting, lambda name: st.session_state[W + name], extra=("noise", "seed"))
