"""Playground: pick a surface and optimizers, press Play, watch them race."""

import json

import streamlit as st

from surfaces import SURFACES, get_surface
from ui import settings as cfg
from ui.race_layout import race
from ui.race_state import W, load_settings, reset_for_surface
from ui.shell import lang, require_app_shell, say
from ui.texts import surface_note, surface_title


@st.cache_resource(max_entries=64, show_spinner=False)
def compiled_surface(name: str, params_json: str):
    """A built-in surface with its parameters, compiled once and shared by all sessions."""
    return get_surface(name, **json.loads(params_json))


require_app_shell()
load_settings()
side = st.sidebar
side.selectbox(
    say("pg.surface"),
    list(SURFACES),
    key=W + "surface",
    on_change=reset_for_surface,
    format_func=lambda n: surface_title(SURFACES[n], lang()),
)
name = st.session_state[W + "surface"]
for key in SURFACES[name].params:
    low, high = cfg.PARAM_RANGES[key]
    side.slider(key, float(low), float(high), key=f"{W}p.{key}", step=1.0)
params = {key: float(st.session_state[f"{W}p.{key}"]) for key in SURFACES[name].params}
surface = compiled_surface(name, json.dumps(params, sort_keys=True))

title_column, formula_column = st.columns([2, 3])
title_column.subheader(surface_title(surface, lang()))
title_column.caption(surface_note(surface, lang()))
title_column.caption(say("pg.hint"))  # what a newcomer does first
formula_column.latex(surface.latex)
race(surface)
