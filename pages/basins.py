"""Basins: every start of a grid, run at once and coloured by the minimum it reaches."""

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, simulate
from surfaces import SURFACES
from ui import settings as cfg
from ui.shell import lang, require_app_shell, say
from ui.texts import optimizer_title, prefixed_words, surface_title
from viz.maps import basin_figure, basin_labels

MAX_SIDE = 300  # 90,000 starts
MAX_STEPS = 1000
MAX_OPTIMIZERS = 3
# Surfaces with several minima first: they are what this page is for.
FIRST_SURFACES = ("himmelblau", "six_hump_camel", "rastrigin", "styblinski_tang")


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _basins(surface_name: str, optimizer: str, side: int, steps: int) -> dict:
    surface = SURFACES[surface_name]
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, side), np.linspace(y0, y1, side)
    gx, gy = np.meshgrid(xs, ys)
    hp = cfg.default_hyperparameters(optimizer, surface)
    # Every start at once; only the last positions are kept (record_every = steps).
    run = simulate(
        surface, optimizer, np.column_stack([gx.ravel(), gy.ravel()]), steps, record_every=steps, **hp
    )
    taken = np.where(
        run.converged_at >= 0, run.converged_at, np.where(run.diverged_at >= 0, run.diverged_at, steps)
    )
    return {"xs": xs, "ys": ys, "labels": basin_labels(surface, run), "taken": taken}


require_app_shell()
st.title(say("ba.title"))
st.caption(say("ba.intro"))
side = st.sidebar
choices = [*FIRST_SURFACES, *(n for n in SURFACES if n not in FIRST_SURFACES)]
surface_name = side.selectbox(
    say("pg.surface"), choices, key="ba.surface", format_func=lambda n: surface_title(SURFACES[n], lang())
)
optimizers = side.multiselect(
    say("pg.optimizers"),
    list(OPTIMIZERS),
    default=["gd", "momentum", "adam"],
    max_selections=MAX_OPTIMIZERS,
    key="ba.optimizers",
    format_func=lambda n: optimizer_title(n, lang()),
)
resolution = side.slider(say("sw.side"), 20, MAX_SIDE, 100, step=10, key="ba.side")
steps = side.slider(say("pg.steps"), 10, MAX_STEPS, 500, step=10, key="ba.steps")
if not optimizers:
    st.info(say("pg.none"))
    st.stop()
surface = SURFACES[surface_name]
for column, optimizer in zip(st.columns(len(optimizers)), optimizers, strict=True):
    with st.spinner(say("sw.running", count=resolution * resolution)):
        result = _basins(surface_name, optimizer, resolution, steps)
    figure = basin_figure(
        surface,
        result["xs"],
        result["ys"],
        result["labels"],
        result["taken"],
        title=optimizer_title(optimizer, lang()),
        words=prefixed_words("map.", lang()),
    )
    column.plotly_chart(figure, key=f"basins_{optimizer}", theme=None, config={"displaylogo": False})
st.caption(say("ba.legend"))
