"""Basins: every start of a grid, run at once and coloured by the minimum it reaches."""

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, simulate
from surfaces import SURFACES
from ui import settings as cfg
from ui.shell import lang, language_query, require_app_shell, say
from ui.texts import optimizer_title, prefixed_words, surface_title
from ui.widgets import notices
from viz.maps import basin_figure, basin_labels

MAX_OPTIMIZERS = 3
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
SIDE = cfg.Setting("side", "sw.side", 100, "slider", 20, 300, 10)  # 90,000 starts at most
STEPS = cfg.Setting("steps", "pg.steps", 500, "slider", 10, 1000, 10)
# Surfaces with several minima first: they are what this page is for.
FIRST_SURFACES = ("himmelblau", "six_hump_camel", "rastrigin", "styblinski_tang")
SURFACE_ORDER = (*FIRST_SURFACES, *(n for n in SURFACES if n not in FIRST_SURFACES))


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


def _load_from_url() -> None:
    """The settings of a shared link into the widgets (each checked, the bad ones reported)."""
    r = cfg.QueryReader(st.query_params.to_dict())
    state = st.session_state
    state["ba.surface"] = r.choice("s", SURFACE_ORDER, SURFACE_ORDER[0])
    state["ba.optimizers"] = r.choices("opt", tuple(OPTIMIZERS), DEFAULT_OPTIMIZERS, MAX_OPTIMIZERS)
    state["ba.side"], state["ba.steps"] = r.setting(SIDE), r.setting(STEPS)
    state["ba.notices"] = (r.replaced, r.clamped)


def _query() -> dict[str, str]:
    """The page's settings as URL parameters: a copied link reopens the same maps."""
    state = st.session_state
    query = {"s": state["ba.surface"], "opt": ",".join(state["ba.optimizers"])}
    query |= {"side": str(state["ba.side"]), "steps": str(state["ba.steps"])}
    return query | language_query()


require_app_shell()
if "ba.surface" not in st.session_state:  # a new visit: the link's settings
    _load_from_url()
st.title(say("ba.title"))
st.caption(say("ba.intro"))
notices(*st.session_state.pop("ba.notices", ([], [])), say)
side = st.sidebar
surface_name = side.selectbox(
    say("pg.surface"),
    SURFACE_ORDER,
    key="ba.surface",
    format_func=lambda n: surface_title(SURFACES[n], lang()),
)
optimizers = side.multiselect(
    say("pg.optimizers"),
    list(OPTIMIZERS),
    max_selections=MAX_OPTIMIZERS,
    key="ba.optimizers",
    format_func=lambda n: optimizer_title(n, lang()),
)
resolution = side.slider(say("sw.side"), SIDE.low, SIDE.high, step=SIDE.step, key="ba.side")
steps = side.slider(say("pg.steps"), STEPS.low, STEPS.high, step=STEPS.step, key="ba.steps")
st.query_params.from_dict(_query())
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
