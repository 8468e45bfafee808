"""The race's page state: the Playground's settings (and the Custom page's, which races on a
typed surface) in widgets under ``W``, read from the link, read back as ``cfg.Settings``."""

from __future__ import annotations

import dataclasses
from functools import partial

import streamlit as st

from ui import settings as cfg
from ui.page_state import PageState
from ui.shell import lang

W = "w."  # prefix of the widget keys that hold the settings


def race_state(page: str, surface=None) -> PageState:
    """The state of the race on ``page`` ("playground", or "custom" with its ``surface``)."""
    return PageState(page, W, cfg.SETTINGS, read=partial(cfg.playground_widgets_from_query, surface=surface))


def load_settings(surface_override=None) -> None:
    """Put the URL's settings into the widgets (once per page and surface: another custom
    expression, or back to the built-ins, reads them again) and say what in it was replaced or
    clamped. Call before any widget of the race is drawn."""
    page = "playground" if surface_override is None else "custom"
    state = race_state(page, surface_override)
    state.load(token=surface_override.title if surface_override is not None else "built-in")
    state.notices()


def current(surface) -> cfg.Settings:
    """The settings the widgets hold now."""
    return cfg.playground_from_widgets(race_state("playground").values(), surface, lang())


def reset_for_surface() -> None:
    """A new surface brings its own parameters, start and suggested learning rates."""
    state = race_state("playground")
    name = state["surface"]
    fresh = cfg.defaults_for(name)
    fresh.optimizers = {n: cfg.playground_hyperparameters(n, name) for n in state["opt"]}
    # Everything else stays, but the regularization: it is specific to a surface.
    keep = {f: state[f] for f in cfg.PLAIN_FIELDS if f not in ("reg", "strength")}
    fresh = dataclasses.replace(fresh, **keep)
    fresh.reg = "none"
    state.put(cfg.playground_widget_values(fresh))


def on_map_click() -> None:
    """A click on the map (on the invisible grid) sets the start point."""
    event = st.session_state.get("race_chart")
    points = (event or {}).get("selection", {}).get("points", [])
    if points:
        # The grid is sent as float32: round off its last digits for a clean URL.
        st.session_state[W + "x0"] = round(float(points[0]["x"]), 4)
        st.session_state[W + "y0"] = round(float(points[0]["y"]), 4)
