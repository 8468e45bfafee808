"""Basins: every start of a grid, run at once and coloured by the minimum it reaches."""

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, simulate
from surfaces import SURFACES
from ui import settings as cfg
from ui.access import chart
from ui.embed import embed_end
from ui.numbers import point, shown
from ui.page_state import PageState
from ui.shell import lang, require_app_shell, say
from ui.texts import optimizer_title, prefixed_words, surface_title
from viz.maps import DIVERGED, OTHER, STILL, basin_figure, basin_labels

BASINS_MAX_OPTIMIZERS = 3  # maps side by side
BASINS_DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
BASINS_SETTINGS = {
    "side": cfg.Setting("side", "sw.side", 100, "slider", 20, 300, 10),  # 90,000 starts at most
    "steps": cfg.Setting("steps", "pg.steps", 500, "slider", 10, 1000, 10),
}
# Surfaces with several minima first: they are what this page is for.
FIRST_SURFACES = ("himmelblau", "six_hump_camel", "rastrigin", "styblinski_tang")
SURFACE_ORDER = (*FIRST_SURFACES, *(n for n in SURFACES if n not in FIRST_SURFACES))


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _basins(surface_name: str, optimizer: str, side: int, steps: int) -> dict:
    surface = SURFACES[surface_name]
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, side), np.linspace(y0, y1, side)
    gx, gy = np.meshgrid(xs, ys)
    hp = cfg.playground_hyperparameters(optimizer, surface)
    # Every start at once; only the last positions are kept (record_every = steps).
    run = simulate(
        surface, optimizer, np.column_stack([gx.ravel(), gy.ravel()]), steps, record_every=steps, **hp
    )
    taken = np.where(
        run.converged_at >= 0, run.converged_at, np.where(run.diverged_at >= 0, run.diverged_at, steps)
    )
    return {"xs": xs, "ys": ys, "labels": basin_labels(surface, run), "taken": taken}


def _basins_text(surface, labels: np.ndarray) -> str:
    """The basin map in words: the share of the starts that reached each minimum, or none."""
    words = prefixed_words("map.", lang())
    parts = []
    for label in [*range(len(surface.minima)), OTHER, STILL, DIVERGED]:
        share = float(np.mean(labels == label))
        if share == 0:
            continue
        if label >= 0:
            width = max(high - low for low, high in surface.bounds)
            what = f"{label + 1}: {words['minimum']} {point(surface.minima[label], width, 3, lang())}"
        else:
            what = {OTHER: words["other"], STILL: words["still"], DIVERGED: words["diverged_label"]}[label]
        parts.append(say("alt.share", what=what, share=shown(100 * share, digits=3)))
    return say("alt.basins_starts", n=len(labels)) + " " + "; ".join(parts) + "."


def _from_query(query) -> tuple[dict, cfg.LinkNotes]:
    """The widget values of a link, and what its notice says."""
    r = cfg.QueryReader(query)
    values = {"surface": r.choice("s", SURFACE_ORDER, SURFACE_ORDER[0])}
    values["optimizers"] = r.choices(
        "opt", tuple(OPTIMIZERS), BASINS_DEFAULT_OPTIMIZERS, BASINS_MAX_OPTIMIZERS
    )
    values |= {name: r.setting(spec) for name, spec in BASINS_SETTINGS.items()}
    return values, r.notes()


STATE = PageState("basins", "ba.", BASINS_SETTINGS, read=_from_query, first="surface")


def _query() -> dict[str, str]:
    """The page's settings as URL parameters: a copied link reopens the same maps."""
    v = STATE.values()
    query = {"s": v["surface"], "opt": ",".join(v["optimizers"])}
    return query | STATE.to_query(v, omit_defaults=False)


require_app_shell()
STATE.load()  # a new visit: the link's settings
st.title(say("ba.title"))
st.caption(say("ba.intro"))
STATE.notices()
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
    max_selections=BASINS_MAX_OPTIMIZERS,
    key="ba.optimizers",
    format_func=lambda n: optimizer_title(n, lang()),
)
resolution = STATE.widget("side", side)
steps = STATE.widget("steps", side)
STATE.write_url(_query())
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
    chart(
        figure,
        key=f"basins_{optimizer}",
        name=say("alt.basins", optimizer=optimizer_title(optimizer, lang()), surface=surface.title),
        summary=_basins_text(surface, result["labels"]),
        container=column,
    )
st.caption(say("ba.legend"))
embed_end("basins")  # an iframe: the maps only
if not len(surface.minima):
    st.caption(say("ba.no_minima"))
