"""Sweep: a heatmap of thousands of runs over two hyperparameters, in one simulate() call."""

import json

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, simulate
from optimizers.theory import heavy_ball_optimum, heavy_ball_rate, stability_limit
from surfaces import SURFACES, get_surface
from ui import settings as cfg
from ui.access import chart
from ui.embed import embed_end
from ui.numbers import rounded, shown
from ui.page_state import PageState, open_page
from ui.shell import lang, on_phone, require_app_shell, say
from ui.texts import optimizer_title, prefixed_words, surface_title
from viz.maps import sweep_figure, sweep_values, theory_figure
from viz.optimizer_views import VIEWS

METRICS = ("final_loss", "converged_at", "diverged")
NOISE_RANGE = (0.0, 2.0)  # minibatch noise, swept beside any optimizer's hyperparameters
SWEEP_SETTINGS = {
    "side": cfg.Setting("side", "sw.side", 60, "slider", 10, 200, 10),  # cells per side: 40,000 runs at most
    "steps": cfg.Setting("steps", "pg.steps", 300, "slider", 10, 1000, 10),
}
DEFAULT_SURFACE, DEFAULT_OPTIMIZER = "narrow_valley", "momentum"


def axes(optimizer: str) -> list[str]:
    """What a sweep of ``optimizer`` can vary: its learning rate and the hyperparameters its
    controls give a sweep range, then the gradient noise."""
    shown = VIEWS[optimizer].shown
    return [key for key, control in shown.items() if key == "lr" or control.sweep] + ["noise"]


SWEEPABLE = [name for name in OPTIMIZERS if len(axes(name)) > 1]


def _is_log(name: str, optimizer: str) -> bool:
    return name != "noise" and VIEWS[optimizer].shown[name].log


def _axis_values(name: str, optimizer: str, surface, side: int) -> np.ndarray:
    if name == "lr":  # around the rate suggested on this surface
        center = cfg.suggested_lr(optimizer, surface)
        low, high = center / 30, min(center * 30, 10.0)
    else:
        low, high = NOISE_RANGE if name == "noise" else VIEWS[optimizer].shown[name].sweep
    values = np.geomspace(low, high, side) if _is_log(name, optimizer) else np.linspace(low, high, side)
    return np.array([rounded(v, 4) for v in values])  # a person's grid: 0.002281, not 0.0022810163314627213


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
    defaults = cfg.playground_hyperparameters(optimizer, surface)
    hp = {k: v for k, v in defaults.items() if k not in (x_name, y_name)}
    options = {x_name: gx.ravel(), y_name: gy.ravel()}
    starts = np.broadcast_to(np.asarray(start, dtype=float), (side * side, 2))
    # One call: every cell is one trajectory with its own hyperparameters.
    run = simulate(surface, optimizer, starts, steps, record_every=steps, **hp, **options)
    return {"xs": xs, "ys": ys, "hp": hp, **{m: sweep_values(surface, run, m) for m in METRICS}}


def _theory_lines(surface, optimizer: str, x_name: str, y_name: str, ys: np.ndarray):
    """Where theory knows the answer (a quadratic): the stability limits of GD and heavy ball."""
    if not surface.constant_hessian or x_name != "lr":
        return []
    L = float(np.linalg.eigvalsh(surface.hessian(np.zeros(2))).max())
    if VIEWS[optimizer].stability == "heavy" and y_name == "momentum":
        return [(say("map.heavy_ball"), stability_limit("heavy", {"momentum": ys}, L), ys)]
    limit = stability_limit("plain", {}, L)
    return [(say("map.stable"), np.array([limit, limit]), np.array([ys.min(), ys.max()]))]


def _quadratic_curvatures(surface) -> np.ndarray | None:
    """The Hessian's eigenvalues when the surface is a quadratic with positive curvature."""
    if not surface.constant_hessian:
        return None
    values = np.linalg.eigvalsh(surface.hessian(np.zeros(2)))
    return values if values.min() > 0 else None


def _on_cell_click() -> None:
    """A click on a cell opens that very run in the Playground."""
    event = st.session_state.get("sweep_chart") or {}
    points = event.get("selection", {}).get("points", [])
    if points:
        _open_cell(float(points[0]["x"]), float(points[0]["y"]))


def _open_cell(x: float, y: float) -> None:
    """Open the run of the cell at (x, y) in the Playground: the cell's exact values (the
    nearest cell centre), its start, its steps. (A click, or the keyboard's button for the
    best cell.)"""
    spec = st.session_state.get("sweep_last")
    if not spec:
        return
    hp = dict(spec["hp"])
    for name, values, wanted in ((spec["x"], spec["xs"], x), (spec["y"], spec["ys"], y)):
        hp[name] = float(values[int(np.argmin(np.abs(np.asarray(values) - wanted)))])
    scene = cfg.scene_of_run(
        spec["surface"], spec["params"], spec["optimizer"], hp, spec["steps"], spec["start"]
    )
    st.session_state["sweep_open"] = scene.to_query()


def _best_cell(result: dict, metric: str) -> tuple[int, int] | None:
    """(row, column) of the cell with the lowest value, if any cell has one."""
    z = np.asarray(result[metric], dtype=float).reshape(len(result["ys"]), len(result["xs"]))
    if metric == "diverged" or not np.isfinite(z).any():
        return None
    row, column = np.unravel_index(np.nanargmin(z), z.shape)
    return int(row), int(column)


def _sweep_text(result: dict, metric: str, x_name: str, y_name: str, best: tuple[int, int] | None) -> str:
    """The heatmap in words: its best cell ``best`` (lowest loss or fewest steps) and how many
    diverged."""
    z = np.asarray(result[metric], dtype=float).reshape(len(result["ys"]), len(result["xs"]))
    diverged = int(np.count_nonzero(np.asarray(result["diverged"]) > 0))
    words = say("alt.sweep_diverged", diverged=diverged, total=z.size)
    if best is None:
        return words
    row, column = best
    said = say(
        "alt.sweep_best",
        value=shown(z[row, column], lang=lang()),
        x=_axis_label(x_name),
        x_value=shown(result["xs"][column], lang=lang()),
        y=_axis_label(y_name),
        y_value=shown(result["ys"][row], lang=lang()),
    )
    return f"{said} {words}"


def _axis_label(name: str) -> str:
    return say("pg.noise") if name == "noise" else say(f"hp.{name}")


def _from_query(query) -> tuple[dict, cfg.LinkNotes]:
    """The widget values of a link, and what its notice says."""
    r = cfg.QueryReader(query)
    values = {"surface": r.choice("s", tuple(SURFACES), DEFAULT_SURFACE)}
    for key, value in SURFACES[values["surface"]].params.items():
        values[f"p.{key}"] = float(cfg.read_param(r, key, value))
    values["optimizer"] = r.choice("opt", tuple(SWEEPABLE), DEFAULT_OPTIMIZER, known=tuple(OPTIMIZERS))
    choices = axes(values["optimizer"])
    values["x"] = r.choice("x", tuple(choices), choices[0])
    rest = tuple(a for a in choices if a != values["x"])
    values["y"] = r.choice("y", rest, rest[0])
    values |= {name: r.setting(spec) for name, spec in SWEEP_SETTINGS.items()}
    values["metric"] = r.choice("metric", METRICS, METRICS[0])
    values["theory"] = r.choice("theory", ("0", "1"), "0") == "1"
    return values, r.notes()


STATE = PageState("sweep", "sw.", SWEEP_SETTINGS, read=_from_query, first="surface")


def _query() -> dict[str, str]:
    """The page's settings as URL parameters: a copied link reopens the same sweep."""
    v = STATE.values()
    query = {"s": v["surface"], "opt": v["optimizer"], "x": v["x"], "y": v["y"]}
    query |= {f"p.{k}": cfg.format_value(float(v[f"p.{k}"])) for k in SURFACES[v["surface"]].params}
    query |= STATE.to_query(v, omit_defaults=False) | {"metric": v["metric"]}
    if v.get("theory"):
        query["theory"] = "1"
    return query


require_app_shell()
if st.session_state.get("sweep_open"):
    open_page("playground", st.session_state.pop("sweep_open"))
STATE.load()  # a new visit: the link's settings
st.title(say("sw.title"))
st.caption(say("sw.intro"))
STATE.notices()
side = st.sidebar
surface_name = side.selectbox(
    say("pg.surface"),
    list(SURFACES),
    key="sw.surface",
    format_func=lambda n: surface_title(SURFACES[n], lang()),
)
params = {}
for key, value in SURFACES[surface_name].params.items():
    st.session_state.setdefault(f"sw.p.{key}", float(value))
    step = 1.0 if key in cfg.WHOLE_PARAMS else None
    params[key] = side.slider(key, *map(float, cfg.PARAM_RANGES[key]), key=f"sw.p.{key}", step=step)
surface = get_surface(surface_name, **params)
optimizer = side.selectbox(
    say("sw.optimizer"), SWEEPABLE, key="sw.optimizer", format_func=lambda n: optimizer_title(n, lang())
)
choices = axes(optimizer)
x_name = side.selectbox(say("sw.x"), choices, key="sw.x", format_func=_axis_label)
y_name = side.selectbox(say("sw.y"), [a for a in choices if a != x_name], key="sw.y", format_func=_axis_label)
resolution = STATE.widget("side", side)
steps = STATE.widget("steps", side)
metric = side.selectbox(say("sw.metric"), METRICS, key="sw.metric", format_func=lambda m: say(f"map.{m}"))
STATE.write_url(_query())
start = tuple(float(v) for v in surface.start)
with st.spinner(say("sw.running", count=resolution * resolution)):
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
    "xs": result["xs"].tolist(),
    "ys": result["ys"].tolist(),
}
figure = sweep_figure(
    result["xs"],
    result["ys"],
    result[metric],
    metric=metric,
    x_label=_axis_label(x_name),
    y_label=_axis_label(y_name),
    log_x=_is_log(x_name, optimizer),
    log_y=_is_log(y_name, optimizer),
    lines=_theory_lines(surface, optimizer, x_name, y_name, result["ys"]),
    words=prefixed_words("map.", lang()),
    diverged=result["diverged"],
    narrow=on_phone(),
)
best_cell = _best_cell(result, metric)
chart(
    figure,
    key="sweep_chart",
    name=say("alt.sweep", metric=say(f"map.{metric}"), optimizer=optimizer_title(optimizer, lang())),
    summary=_sweep_text(result, metric, x_name, y_name, best_cell),
    on_select=_on_cell_click,
    selection_mode="points",
)
st.caption(say("sw.click"))
embed_end("sweep")  # an iframe: the map only
if best_cell is not None:  # the same, without a mouse
    row, column = best_cell
    best_x, best_y = float(result["xs"][column]), float(result["ys"][row])
    st.button(say("sw.open_best"), key="sweep_best", on_click=_open_cell, args=(best_x, best_y))
curvatures = _quadratic_curvatures(surface)
theory_possible = (
    VIEWS[optimizer].stability == "heavy"
    and {x_name, y_name} == {"lr", "momentum"}
    and curvatures is not None
)
# Theory beside the runs: heavy ball's analytic rate over the very same grid.
if theory_possible and side.toggle(say("sw.theory"), key="sw.theory", help=say("sw.theory.help")):
    lrs, momenta = (result["xs"], result["ys"]) if x_name == "lr" else (result["ys"], result["xs"])
    rate, regime = heavy_ball_rate(lrs[None, :], momenta[:, None], curvatures)
    optimum = heavy_ball_optimum(curvatures.max(), curvatures.min())
    st.markdown(f"**{say('sw.theory.title')}**")
    chart(
        theory_figure(
            lrs, momenta, rate, regime, optimum, words=prefixed_words("map.", lang()), narrow=on_phone()
        ),
        key="theory_chart",
        name=say("sw.theory.title"),
        summary=say("sw.theory.note", lr=optimum[0], momentum=optimum[1], rate=optimum[2]),
    )
    st.caption(say("sw.theory.note", lr=optimum[0], momentum=optimum[1], rate=optimum[2]))
