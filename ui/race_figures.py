"""The race's numbers and figures, cached: the runs, the map's field, the race and loss
charts, and the two drawn on request (3-D view, gradient norms)."""

from __future__ import annotations

import json

import streamlit as st

from optimizers import Run
from optimizers.objective import Penalized
from ui import settings as cfg
from ui.texts import figure_words, optimizer_title, prefixed_words, text
from viz import Racer, colors, compute_field, curves_figure, race_figure, surface_figure
from viz.field import Field
from viz.optimizer_views import VIEWS
from viz.race import PHONE_HEIGHT


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def runs(settings_json: str, _surface_obj, surface_key: str) -> list[tuple[str, Run]]:
    return cfg.run_all(cfg.Settings(**json.loads(settings_json)), _surface_obj)


def racer(name: str, run: Run, color: str, language: str, label: str | None = None) -> Racer:
    """The race's view of one optimizer's run, with the point of its state it draws (if any)."""
    drawn = VIEWS[name].drawn
    return Racer(
        optimizer_title(name, language) if label is None else label,
        color,
        run,
        drawn=run.state.get(drawn) if drawn else None,
        drawn_label=text(f"fig.state.{drawn}", language) if drawn else "",
    )


def objective(surface, s: cfg.Settings):
    """The function whose contours the map shows: the penalised objective when there is one."""
    options = s.simulate_options()
    if "l1" not in options and "l2" not in options:
        return surface.value
    return Penalized(surface, options.get("l1", 0.0), options.get("l2", 0.0)).value


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _field(surface_key: str, objective_json: str, _surface_obj, _objective) -> Field:
    """The map's field (and with it its PNG and contour lines): the same for every run on one
    surface and penalty, whatever the optimizers."""
    return compute_field(_objective, _surface_obj.bounds)


def _background(surface, s: cfg.Settings, surface_key: str) -> Field:
    key = json.dumps([s.surface, s.params, s.reg, s.strength])
    return _field(surface_key, key, surface, objective(surface, s))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def figures(settings_json: str, language: str, _surface_obj, _runs_list, surface_key: str, narrow: bool):
    """The racers, the animated race map and the loss curves of one scene."""
    s = cfg.Settings(**json.loads(settings_json))
    racers = [racer(name, run, colors.color(i), language) for i, (name, run) in enumerate(_runs_list)]
    words = figure_words(language, penalized=s.reg != "none")
    background = _background(_surface_obj, s, surface_key)
    constraint = s.simulate_options().get("constraint")
    # The L1/L2 picture of the notes: the unit diamond and circle on the bowl made for it.
    guides = [{"norm": "l1", "radius": 1.0}, {"norm": "l2", "radius": 1.0}]
    guides = guides if _surface_obj.name == "constrained_bowl" and constraint is None else []
    race = race_figure(
        _surface_obj,
        racers,
        constraint=constraint,
        guides=guides,
        words=words,
        background=background,
        # The legend under the map: the map gets the column's width, on every screen.
        legend_below=True,
        height=PHONE_HEIGHT if narrow else 620,
        inside=s.inside,
        inside_words=prefixed_words("in.", language),
    )
    loss = curves_figure(_surface_obj, racers, metric="loss", words=curve_words(words))
    return racers, race, loss


def curve_words(words: dict[str, str]) -> dict[str, str]:
    return {
        "step": words["x_step"],
        "loss": words["loss"],
        "gap": words["gap"],
        "grad_norm": words["grad_norm"],
    }


# Drawn on request only (their toggles), so the first chart does not wait for them.
@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def view3d(settings_json: str, language: str, _surface_obj, _racers, surface_key: str):
    s = cfg.Settings(**json.loads(settings_json))
    background = _background(_surface_obj, s, surface_key)
    return surface_figure(_surface_obj, _racers, background=background, words=figure_words(language))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def grad_curves(settings_json: str, language: str, _surface_obj, _racers, surface_key: str):
    words = curve_words(figure_words(language))
    return curves_figure(_surface_obj, _racers, metric="grad_norm", words=words)
