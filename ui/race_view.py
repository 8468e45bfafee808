"""The Playground: controls, the race, loss curves and the summary. Shared by the Playground
and Custom pages (which passes its own surface). Widgets and layout only: the numbers come
from simulate(), the pictures from viz/."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, Run
from optimizers.endings import endings
from optimizers.objective import Objective
from optimizers.tuning import DEFAULT_COUNT, SCORES, rate_grid, tune
from ui import settings as cfg
from ui import verdict
from ui.inspector import substituted, update_rule
from ui.narration import beats
from ui.shell import lang, on_phone, say
from ui.texts import DEFAULT_LANGUAGE, figure_words, optimizer_title, prefixed_words, text
from ui.widgets import gif_export, hyperparameter_widget, notices, setting_widget, training_options
from viz import Racer, curves_figure, field, race_figure, summary, surface_figure
from viz.curves import tuning_figure
from viz.export import figure_html, trajectories_csv
from viz.field import Field
from viz.gif import Track, race_gif
from viz.inside import beat_figure
from viz.inside import scales as inside_scales
from viz.optimizer_views import VIEWS

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
W = "w."  # prefix of the widget keys that hold the settings


# ---------------------------------------------------------------- session <-> settings


def _load(s: cfg.Settings, surface=None) -> None:
    """Put ``s`` into the widgets' session state (before the widgets are drawn)."""
    state = st.session_state
    state[W + "surface"] = s.surface
    for key, value in s.params.items():
        state[f"{W}p.{key}"] = value
    state[W + "opt"] = list(s.optimizers)
    for name, hp in s.optimizers.items():
        for key, value in hp.items():
            state[f"{W}{name}.{key}"] = value
    surface = surface or cfg.surface_of(s)  # with its parameters: the start may depend on them
    start = s.start if s.start is not None else surface.start
    state[W + "x0"], state[W + "y0"] = float(start[0]), float(start[1])
    for field_name in cfg.PLAIN_FIELDS:
        state[W + field_name] = getattr(s, field_name)


def _current(surface) -> cfg.Settings:
    """The settings the widgets hold now."""
    state = st.session_state
    s = cfg.Settings(surface=surface.name, lang=lang())
    s.params = {key: float(state[f"{W}p.{key}"]) for key in surface.params}
    for name in state[W + "opt"]:
        s.optimizers[name] = {key: state[f"{W}{name}.{key}"] for key in VIEWS[name].shown}
    start = (float(state[W + "x0"]), float(state[W + "y0"]))
    s.start = None if np.allclose(start, surface.start) else start
    for field_name in cfg.PLAIN_FIELDS:
        setattr(s, field_name, state[W + field_name])
    return s


def _init_from_url(default_surface: str, surface_override) -> None:
    loaded = st.session_state.get(W + "loaded")
    if loaded == (surface_override.title if surface_override is not None else "built-in"):
        return
    query = st.query_params.to_dict()
    if "s" not in query:
        query["s"] = default_surface
    s, replaced, clamped = cfg.from_query(query, surface=surface_override)
    _load(s, surface_override)
    st.session_state[W + "notices"] = (replaced, clamped)
    # Reloaded when the page's surface changes (another custom expression, or back to built-ins).
    st.session_state[W + "loaded"] = surface_override.title if surface_override is not None else "built-in"


def reset_for_surface() -> None:
    """A new surface brings its own parameters, start and suggested learning rates."""
    name = st.session_state[W + "surface"]
    fresh = cfg.defaults_for(name)
    fresh.optimizers = {n: cfg.default_hyperparameters(n, name) for n in st.session_state[W + "opt"]}
    # Everything else stays, but the regularization: it is specific to a surface.
    keep = {f: st.session_state[W + f] for f in cfg.PLAIN_FIELDS if f not in ("reg", "strength")}
    fresh = dataclasses.replace(fresh, **keep)
    fresh.reg = "none"
    _load(fresh)


def _on_click() -> None:
    """A click on the map (on the invisible grid) sets the start point."""
    event = st.session_state.get("race_chart")
    points = (event or {}).get("selection", {}).get("points", [])
    if points:
        # The grid is sent as float32: round off its last digits for a clean URL.
        st.session_state[W + "x0"] = round(float(points[0]["x"]), 4)
        st.session_state[W + "y0"] = round(float(points[0]["y"]), 4)


# ---------------------------------------------------------------- controls


def _hyperparameter_widget(name: str, key: str, container, surface) -> None:
    widget_key = f"{W}{name}.{key}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = cfg.default_hyperparameters(name, surface)[key]
    hyperparameter_widget(name, key, widget_key, say(f"hp.{key}"), container)


def _setting(name: str, container=st) -> None:
    setting_widget(cfg.SETTINGS[name], W + name, say, container)


def _controls(surface) -> None:
    """Every control of the race but the surface (the page's own)."""
    side = st.sidebar
    side.multiselect(
        say("pg.optimizers"),
        list(OPTIMIZERS),
        key=W + "opt",
        max_selections=cfg.MAX_OPTIMIZERS,
        help=say("pg.optimizers.help", max=cfg.MAX_OPTIMIZERS),
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
    _tuning_controls(surface)


def _rates(name: str, surface, count: int) -> np.ndarray:
    """The learning rates a fair race tries for ``name``: around its suggested rate, within
    the range its slider offers."""
    shown = cfg.control(name, "lr").options
    rates = rate_grid(cfg.suggested_lr(name, surface), count)
    return np.unique(np.clip(rates, min(shown), max(shown)))


def _tuning_controls(surface) -> None:
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
            st.caption(f"{optimizer_title(name, lang())}: {rates[0]:.3g} – {rates[-1]:.3g}")
        st.button(say("tu.run"), key="tune_button", on_click=_tune, args=(surface,), disabled=not tunable)


def _tune(surface) -> None:
    """Tune every chosen optimizer's learning rate on the race's steps and starts; each then
    races with its best rate (set in its slider, so in the URL too)."""
    state = st.session_state
    s = _current(surface)
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
    state["tuned"] = {"settings": json.dumps(dataclasses.asdict(_current(surface))), "results": results}


# ---------------------------------------------------------------- computing (cached)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def _runs(settings_json: str, _surface_obj, surface_key: str) -> list[tuple[str, Run]]:
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


def _objective(surface, s: cfg.Settings):
    """The function whose contours the map shows: the penalised objective when there is one."""
    options = s.simulate_options()
    if "l1" not in options and "l2" not in options:
        return surface.value
    return Objective(surface, options.get("l1", 0.0), options.get("l2", 0.0)).value


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _field(surface_key: str, objective_json: str, _surface_obj, _objective) -> Field:
    """The map's field (and with it its PNG and contour lines): the same for every run on one
    surface and penalty, whatever the optimizers."""
    return field(_objective, _surface_obj.bounds)


def _background(surface, s: cfg.Settings, surface_key: str) -> Field:
    key = json.dumps([s.surface, s.params, s.reg, s.strength])
    return _field(surface_key, key, surface, _objective(surface, s))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _figures(settings_json: str, language: str, _surface_obj, _runs_list, surface_key: str, narrow: bool):
    s = cfg.Settings(**json.loads(settings_json))
    racers = [racer(name, run, COLORS[i % len(COLORS)], language) for i, (name, run) in enumerate(_runs_list)]
    words = figure_words(language)
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
        height=600 if narrow else 700,
        inside=s.inside,
        inside_words=prefixed_words("in.", language),
    )
    loss = curves_figure(_surface_obj, racers, metric="loss", words=_curve_words(words))
    return racers, race, loss


def _curve_words(words: dict[str, str]) -> dict[str, str]:
    return {
        "step": words["x_step"],
        "loss": words["loss"],
        "gap": words["gap"],
        "grad_norm": words["grad_norm"],
    }


# Drawn on request only (their toggles), so the first chart does not wait for them.
@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _view3d(settings_json: str, language: str, _surface_obj, _racers, surface_key: str):
    s = cfg.Settings(**json.loads(settings_json))
    background = _background(_surface_obj, s, surface_key)
    return surface_figure(_surface_obj, _racers, background=background, words=figure_words(language))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _grad_curves(settings_json: str, language: str, _surface_obj, _racers, surface_key: str):
    words = _curve_words(figure_words(language))
    return curves_figure(_surface_obj, _racers, metric="grad_norm", words=words)


def ending_of(surface, s: cfg.Settings, run: Run) -> np.ndarray:
    """Where each trajectory of ``run`` ended, judged on the objective the race minimised."""
    options = s.simulate_options()
    return endings(
        surface,
        run,
        l1=options.get("l1", 0.0),
        l2=options.get("l2", 0.0),
        constraint=options.get("constraint"),
    )


def _stability_limit(surface, s: cfg.Settings) -> float | None:
    """2/L when the surface is a quadratic (constant Hessian), else None."""
    if not all(e.is_number for e in surface.compiled.hessian_exprs):
        return None
    L = float(np.linalg.eigvalsh(surface.hessian(np.zeros(2))).max())
    if s.reg == "l2":
        L += s.strength
    return 2.0 / L if L > 0 else None


# ---------------------------------------------------------------- the page


def load_settings(surface_override=None, default_surface: str = "rosenbrock") -> None:
    """Put the URL's settings into the widgets (once per page and surface) and say what in it
    was replaced or clamped. Call before any widget of the race is drawn."""
    _init_from_url(default_surface, surface_override)
    notices(*st.session_state.pop(W + "notices", ([], [])), say)


def race(surface, extra_query: dict[str, str] | None = None) -> None:
    """The race on ``surface``: the optimizers' controls, the animated map, the loss curves, the
    summary and the exports; every setting into the URL. A typed surface (the Custom page)
    passes ``extra_query``: its expression and bounds, which replace the surface's name."""
    _controls(surface)
    custom = extra_query is not None
    surface_key = "custom:" + surface.title + repr(surface.bounds) if custom else surface.name
    s = _current(surface)
    query = s.to_query()
    if custom:
        query = {k: v for k, v in query.items() if k != "s" and not k.startswith("p.")} | extra_query
    st.query_params.from_dict(query)
    settings_json = json.dumps(dataclasses.asdict(s))  # key order kept: it is the colour order

    limit = _stability_limit(surface, s)
    if limit is not None and any(name in ("gd", "momentum", "nesterov") for name in s.optimizers):
        st.caption(say("pg.stable", limit=limit))
    if not s.optimizers:
        st.info(say("pg.none"))
        return
    runs = _runs(settings_json, surface, surface_key)
    racers, race, loss = _figures(settings_json, lang(), surface, runs, surface_key, on_phone())

    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            race,
            key="race_chart",
            on_select=_on_click,
            selection_mode="points",
            theme=None,
            config={"displaylogo": False, "scrollZoom": False},
        )
        st.caption(say("pg.share"))
    with right:
        st.markdown(f"**{say('pg.loss')}**")
        st.plotly_chart(loss, theme=None, key="loss_chart", config={"displaylogo": False})
        if st.toggle(say("pg.gradnorm"), key="show_grad_norm"):
            grad = _grad_curves(settings_json, lang(), surface, racers, surface_key)
            st.plotly_chart(grad, theme=None, key="grad_chart", config={"displaylogo": False})
        tuned = st.session_state.get("tuned")
        if tuned and tuned["settings"] == settings_json:  # the race is the tuned one
            names = [t.optimizer for t in tuned["results"]]
            colors = [COLORS[list(s.optimizers).index(n) % len(COLORS)] for n in names]
            st.markdown(f"**{say('tu.chart')}**")
            st.plotly_chart(
                tuning_figure(
                    tuned["results"],
                    [optimizer_title(n, lang()) for n in names],
                    colors,
                    prefixed_words("tu.", lang()),
                ),
                theme=None,
                key="tuning_chart",
                config={"displaylogo": False},
            )
        st.markdown(f"**{say('pg.summary')}**")
        rows = [summary(surface, r) for r in racers]
        # A Markdown table: st.table would import pandas (a third of a second on a fresh server).
        ends = [ending_of(surface, s, r.run) for r in racers]
        header = [
            say("col.optimizer"),
            say("col.final"),
            say("col.distance"),
            say("col.ended"),
            say("col.converged"),
        ]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for r, end in zip(rows, ends, strict=True):
            distance = "–" if r["distance"] is None else f"{r['distance']:.3g}"
            converged = "–" if r["converged_at"] < 0 else str(r["converged_at"])
            cells = [
                r["label"].replace("|", "/"),
                f"{r['final_loss']:.4g}",
                distance,
                verdict.cell(end, lang()),
                converged,
            ]
            lines.append("| " + " | ".join(cells) + " |")
        st.markdown("\n".join(lines))
        for row, racer_, end in zip(rows, racers, ends, strict=True):
            message = verdict.sentence(row["label"], racer_.run, end, row, s.steps, surface, lang())
            getattr(st, verdict.kind(end, racer_.run))(message)
    if s.inside:
        _inspector(racers, list(s.optimizers), s.steps)
        _narration(surface, racers, s)
    # WebGL is slow to start on machines without a GPU: the 3-D view is drawn on request.
    if st.toggle(say("pg.view3d"), key="show_3d"):
        view = _view3d(settings_json, lang(), surface, racers, surface_key)
        st.plotly_chart(view, theme=None, key="view3d", config={"displaylogo": False})
    with st.expander(say("pg.export")):
        a, b, c = st.columns(3)
        a.download_button(
            say("pg.export.html"),
            lambda: figure_html(race),
            file_name="loss-surface-race.html",
            mime="text/html",
            key="export_html",
        )
        b.download_button(
            say("pg.export.csv"),
            lambda: trajectories_csv(racers),
            file_name="trajectories.csv",
            mime="text/csv",
            key="export_csv",
        )
        gif_export(
            lambda size: race_gif_of(surface, s, racers, list(s.optimizers), lang(), size),
            [r.label for r in racers],
            say,
            "loss-surface-race",
            c,
        )


def race_gif_of(
    surface, s: cfg.Settings, racers: list[Racer], names: list[str], language: str, size
) -> bytes:
    """The race as the chart shows it, drawn into a GIF for slides."""
    tracks = [
        Track(r.label, r.color, r.run.path, r.run.step, english=optimizer_title(name, DEFAULT_LANGUAGE))
        for r, name in zip(racers, names, strict=True)
    ]
    words = figure_words(language)
    points = [(surface.minima, words["minimum"])] if len(surface.minima) else []
    background = field(_objective(surface, s), surface.bounds)
    return race_gif(background, surface.bounds, tracks, points=points, words=words, size=size).data


def _inspector(racers: list[Racer], names: list[str], steps: int) -> None:
    """One step of every optimizer in numbers, under its update rule."""
    with st.expander(say("pg.inspect"), expanded=True):
        step = st.slider(say("pg.inspect.step"), 1, steps, 1, key="inspect_step")
        for racer_, name in zip(racers, names, strict=True):
            run = racer_.run
            record = int(np.searchsorted(run.step, step))
            if record >= len(run.step) or run.update is None:
                continue
            st.markdown(f"**{racer_.label}**")
            st.latex(update_rule(name))
            st.latex(substituted(run, record))


def _move_beat(offset: int) -> None:
    st.session_state["beat"] = st.session_state.get("beat", 0) + offset


def _narration(surface, racers: list[Racer], s: cfg.Settings) -> None:
    """One optimizer's step told sub-operation by sub-operation, "Next" after "Next"."""
    names = list(s.optimizers)
    with st.expander(say("nr.title")):
        a, b = st.columns(2)
        name = a.selectbox(
            say("nr.optimizer"),
            names,
            key="narrate_optimizer",
            format_func=lambda n: optimizer_title(n, lang()),
        )
        step = b.number_input(say("nr.step_no"), 1, s.steps, 1, key="narrate_step")
        run = racers[names.index(name)].run
        record = int(np.searchsorted(run.step, step))
        try:
            told = beats(name, run, record, s.optimizers[name])
        except (ValueError, IndexError):
            return
        beat = min(max(st.session_state.get("beat", 0), 0), len(told) - 1)
        st.session_state["beat"] = beat
        left, middle, right = st.columns([1, 2, 1])
        left.button(say("nr.back"), key="beat_back", on_click=_move_beat, args=(-1,), disabled=beat == 0)
        middle.caption(say("nr.beat", k=beat + 1, n=len(told)))
        right.button(
            say("nr.next"), key="beat_next", on_click=_move_beat, args=(1,), disabled=beat == len(told) - 1
        )
        st.info(say(told[beat].key, **told[beat].values))
        start = run.path[record, 0] - run.update[record, 0]
        scale = inside_scales([r.run for r in racers if r.run.update is not None], surface.bounds)
        st.plotly_chart(
            beat_figure(start, told[beat], scale, racers[names.index(name)].color),
            key="beat_chart",
            theme=None,
            config={"displaylogo": False},
        )
