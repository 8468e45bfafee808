"""The Sweep and Basins pages: thousands of runs in one simulate() call, as pictures."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, simulate
from pages.common import settings as cfg
from pages.common.i18n import optimizer_title, surface_title
from pages.common.playground import lang, open_in_playground, t
from surfaces import SURFACES, get_surface
from viz.maps import basin_figure, basin_labels, sweep_figure, sweep_values

MAX_SIDE_SWEEP = 200  # 40,000 runs
MAX_SIDE_BASINS = 300  # 90,000 starts
MAX_MAP_STEPS = 1000
MAX_BASIN_OPTIMIZERS = 3
AXES = {  # sweepable quantity: (log scale, low, high)
    "lr": (True, None, None),
    "momentum": (False, 0.0, 0.99),
    "beta1": (False, 0.0, 0.99),
    "beta2": (False, 0.5, 0.999),
    "rho": (False, 0.5, 0.999),
    "damping": (True, 1e-3, 10.0),
    "weight_decay": (True, 1e-4, 1.0),
    "beta2_decay": (False, -1.0, -0.1),
    "noise": (False, 0.0, 2.0),
}
METRICS = ("final_loss", "converged_at", "diverged")


def _axis_values(name: str, optimizer: str, surface, side: int) -> np.ndarray:
    log, low, high = AXES[name]
    if name == "lr":
        center = cfg.suggested_lr(optimizer, surface)
        low, high = center / 30, min(center * 30, 10.0)
    return np.geomspace(low, high, side) if log else np.linspace(low, high, side)


def _words() -> dict[str, str]:
    return {
        key: t(f"map.{key}")
        for key in (
            "final_loss",
            "loss",
            "converged_at",
            "diverged",
            "minimum",
            "other",
            "still",
            "diverged_label",
            "steps",
            "stable",
            "heavy_ball",
        )
    }


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _sweep(
    surface_name: str,
    params_json: str,
    optimizer: str,
    x_name: str,
    y_name: str,
    side: int,
    steps: int,
    start: tuple[float, float],
) -> dict:
    surface = get_surface(surface_name, **json.loads(params_json))
    xs = _axis_values(x_name, optimizer, surface, side)
    ys = _axis_values(y_name, optimizer, surface, side)
    gx, gy = np.meshgrid(xs, ys)
    defaults = cfg.default_hyperparameters(optimizer, surface)
    hp = {k: v for k, v in defaults.items() if k not in (x_name, y_name)}
    options = {x_name: gx.ravel(), y_name: gy.ravel()}
    starts = np.broadcast_to(np.asarray(start, dtype=float), (side * side, 2))
    # One call: every cell is one trajectory with its own hyperparameters.
    run = simulate(surface, optimizer, starts, steps, record_every=steps, **hp, **options)
    return {"xs": xs, "ys": ys, "hp": hp, **{m: sweep_values(surface, run, m) for m in METRICS}}


def _theory_lines(surface, optimizer: str, x_name: str, y_name: str, ys: np.ndarray):
    """Where theory knows the answer (a quadratic): the stability limits of GD and heavy ball."""
    if not all(e.is_number for e in surface.compiled.hessian_exprs) or x_name != "lr":
        return []
    L = float(np.linalg.eigvalsh(surface.hessian(np.zeros(2))).max())
    if optimizer == "momentum" and y_name == "momentum":
        return [(t("map.heavy_ball"), 2 * (1 + ys) / L, ys)]
    return [(t("map.stable"), np.array([2 / L, 2 / L]), np.array([ys.min(), ys.max()]))]


def _on_cell_click() -> None:
    event = st.session_state.get("sweep_chart") or {}
    points = event.get("selection", {}).get("points", [])
    spec = st.session_state.get("sweep_last")
    if not points or not spec:
        return
    x, y = float(points[0]["x"]), float(points[0]["y"])
    hp = dict(spec["hp"])
    for name, value in ((spec["x"], x), (spec["y"], y)):
        hp[name] = value
    query = {
        "s": spec["surface"],
        "opt": spec["optimizer"],
        "steps": str(spec["steps"]),
        "x0": repr(spec["start"][0]),
        "y0": repr(spec["start"][1]),
    }
    query |= {f"p.{k}": repr(v) for k, v in spec["params"].items()}
    if "noise" in hp:
        query["noise"] = repr(hp.pop("noise"))
    query |= {
        f"{spec['optimizer']}.{k}": ("1" if v is True else "0" if v is False else repr(v))
        for k, v in hp.items()
    }
    st.session_state["sweep_open"] = query


def sweep_page() -> None:
    if st.session_state.get("sweep_open"):
        open_in_playground(st.session_state.pop("sweep_open"))
    st.title(t("sw.title"))
    st.caption(t("sw.intro"))
    side = st.sidebar
    surface_name = side.selectbox(
        t("pg.surface"),
        list(SURFACES),
        index=list(SURFACES).index("narrow_valley"),
        key="sw.surface",
        format_func=lambda n: surface_title(SURFACES[n], lang()),
    )
    base = SURFACES[surface_name]
    params = {
        k: side.slider(k, *map(float, cfg.PARAM_RANGES.get(k, (-10, 10))), float(v), key=f"sw.p.{k}")
        for k, v in base.params.items()
    }
    surface = get_surface(surface_name, **params)
    optimizer = side.selectbox(
        t("sw.optimizer"),
        [n for n in OPTIMIZERS if n != "cg"],
        index=list(OPTIMIZERS).index("momentum"),
        key="sw.optimizer",
        format_func=lambda n: optimizer_title(n, lang()),
    )
    axes = [a for a in AXES if a == "noise" or a in cfg.SHOWN[optimizer]]
    x_name = side.selectbox(t("sw.x"), axes, key="sw.x", format_func=_axis_label)
    rest = [a for a in axes if a != x_name]
    y_name = side.selectbox(t("sw.y"), rest, key="sw.y", format_func=_axis_label)
    resolution = side.slider(t("sw.side"), 10, MAX_SIDE_SWEEP, 60, step=10, key="sw.side")
    steps = side.slider(t("pg.steps"), 10, MAX_MAP_STEPS, 300, step=10, key="sw.steps")
    metric = side.selectbox(t("sw.metric"), METRICS, key="sw.metric", format_func=lambda m: t(f"map.{m}"))
    start = tuple(float(v) for v in surface.start)
    with st.spinner(t("sw.running", count=resolution * resolution)):
        result = _sweep(surface_name, json.dumps(params), optimizer, x_name, y_name, resolution, steps, start)
    st.session_state["sweep_last"] = {
        "surface": surface_name,
        "params": params,
        "optimizer": optimizer,
        "x": x_name,
        "y": y_name,
        "steps": steps,
        "start": start,
        "hp": result["hp"],
    }
    fig = sweep_figure(
        result["xs"],
        result["ys"],
        result[metric],
        metric=metric,
        x_label=_axis_label(x_name),
        y_label=_axis_label(y_name),
        log_x=AXES[x_name][0],
        log_y=AXES[y_name][0],
        lines=_theory_lines(surface, optimizer, x_name, y_name, result["ys"]),
        words=_words(),
    )
    st.plotly_chart(
        fig,
        key="sweep_chart",
        on_select=_on_cell_click,
        selection_mode="points",
        theme=None,
        config={"displaylogo": False},
    )
    st.caption(t("sw.click"))


def _axis_label(name: str) -> str:
    return t("pg.noise") if name == "noise" else t(f"hp.{name}")


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


def basins_page() -> None:
    st.title(t("ba.title"))
    st.caption(t("ba.intro"))
    side = st.sidebar
    choices = ["himmelblau", "six_hump_camel", "rastrigin", "styblinski_tang"]
    choices += [n for n in SURFACES if n not in choices]
    surface_name = side.selectbox(
        t("pg.surface"), choices, key="ba.surface", format_func=lambda n: surface_title(SURFACES[n], lang())
    )
    optimizers = side.multiselect(
        t("pg.optimizers"),
        list(OPTIMIZERS),
        default=["gd", "momentum", "adam"],
        max_selections=MAX_BASIN_OPTIMIZERS,
        key="ba.optimizers",
        format_func=lambda n: optimizer_title(n, lang()),
    )
    resolution = side.slider(t("sw.side"), 20, MAX_SIDE_BASINS, 100, step=10, key="ba.side")
    steps = side.slider(t("pg.steps"), 10, MAX_MAP_STEPS, 500, step=10, key="ba.steps")
    if not optimizers:
        st.info(t("pg.none"))
        return
    surface = SURFACES[surface_name]
    columns = st.columns(len(optimizers))
    for column, optimizer in zip(columns, optimizers, strict=True):
        with st.spinner(t("sw.running", count=resolution * resolution)):
            result = _basins(surface_name, optimizer, resolution, steps)
        fig = basin_figure(
            surface,
            result["xs"],
            result["ys"],
            result["labels"],
            result["taken"],
            title=optimizer_title(optimizer, lang()),
            words=_words(),
        )
        column.plotly_chart(fig, key=f"basins_{optimizer}", theme=None, config={"displaylogo": False})
    st.caption(t("ba.legend"))
