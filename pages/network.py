"""Network: train a tiny network on toy data with the Playground's optimizers, and see where
the training went on its real loss landscape."""

import contextlib
import dataclasses
import json
import math

import streamlit as st

from networks import user_data
from ui import network_present as npr
from ui import network_scene as ns
from ui.access import chart
from ui.embed import embed_end
from ui.network_fair import fair_chart, fair_race
from ui.network_neurons import neurons_chart, neurons_view
from ui.network_summary import fit_verdict, verdict
from ui.page_state import PageState
from ui.recent import Recent
from ui.shell import lang, on_phone, require_app_shell, say, spinner
from ui.texts import optimizer_title, prefixed_words
from ui.user_points import editor
from ui.widgets import gif_export, hyperparameter_widget, training_options
from viz.colors import COLORS
from viz.export import figure_html
from viz.network import Trainee, layer_norms_figure, lines_figure, sharpness_figure, training_figure
from viz.network_regression import fit_surface_figure, regression_training_figure

NET_NVAL = ns.NET_SETTINGS["nval"].default  # the validation toggle of own points turns this on
STATE = PageState("network", "n.", ns.NET_SETTINGS, read=ns.network_widgets_from_query, first="data")
K = STATE.prefix


def _setting(name: str, container=st) -> None:
    STATE.widget(name, container)


def _controls() -> None:
    side, state = st.sidebar, st.session_state
    side.markdown(f"**{say('nw.section.data')}**")
    _setting("data", side)
    own = state[K + "data"] == ns.OWN
    if state[K + "data"] in ns.REGRESSIONS:
        _setting("rdim", side)
    if not own:  # own points: drawn or read as they are, all of them
        _setting("noise", side)
        _setting("n", side)
    _setting("dseed", side)
    if own:  # a share of the points, as the split's words say
        validation = side.toggle(say("nw.own.val"), value=bool(state[K + "nval"]), key=K + "nval_toggle")
        state[K + "nval"] = (state[K + "nval"] or NET_NVAL) if validation else 0
        side.caption(say("nw.own.split", test=user_data.TEST_SHARE, val=user_data.VAL_SHARE))
    else:
        _setting("nval", side)
    if state[K + "nval"]:
        _setting("patience", side)
    side.markdown(f"**{say('nw.section.network')}**")
    _setting("layers", side)
    _setting("units", side)
    _setting("act", side)
    _setting("bn", side)
    _setting("init", side)
    if state[K + "init"] != "zeros":
        _setting("scale", side)
    _setting("iseed", side)
    side.markdown(f"**{say('nw.section.training')}**")
    side.multiselect(
        say("nw.optimizers", max=ns.NETWORK_MAX_OPTIMIZERS),
        list(ns.NETWORK_OPTIMIZERS),
        key=K + "opt",
        max_selections=ns.NETWORK_MAX_OPTIMIZERS,
        format_func=lambda n: optimizer_title(n, lang()),
    )
    fit = state[K + "data"] in ns.REGRESSIONS
    if state.get(K + "fit", fit) != fit:  # between classifying and fitting: that task's learning rates
        for name in state[K + "opt"]:
            rates = {key: v for key, v in ns.network_hyperparameters(name, fit).items() if key == "lr"}
            state.update({f"{K}{name}.{key}": v for key, v in rates.items()})
    state[K + "fit"] = fit
    for name in state[K + "opt"]:
        with side.expander(say("pg.hyper", name=optimizer_title(name, lang()))):
            for key, value in ns.network_hyperparameters(name, fit).items():
                state.setdefault(f"{K}{name}.{key}", value)
                hyperparameter_widget(name, key, f"{K}{name}.{key}", say(f"hp.{key}"), st)
    n = max(1, _training_size())
    side.select_slider(
        say("nw.batch"),
        ns.BATCHES,
        key=K + "batch",
        help=say("nw.batch.help"),
        format_func=lambda m: say("nw.batch.full", n=n) if m == 0 or m >= n else str(m),
    )
    _setting("steps", side)
    m = n if state[K + "batch"] == 0 else min(state[K + "batch"], n)
    per = math.ceil(n / m)
    side.caption(say("nw.epochs", steps=state[K + "steps"], m=m, epochs=state[K + "steps"] / per, per=per))
    with side.expander(say("pg.options")):
        training_options(_setting, lambda name: state[K + name])
        if state[K + "reg"] != "none":  # weights only, as the notes advise, unless asked
            _setting("penbias")
        _setting("drop")
        _setting("seed")
    _setting("plane", side)
    state[K + "ptest"] = int(
        side.toggle(say("nw.plane.test"), value=bool(state[K + "ptest"]), key=K + "ptest_toggle")
    )


# Scenes a cache holds, and for how long after they were computed (every cache of this page).
CACHED, CACHE_SECONDS = 16, 3600

# A heavy scene's parts, each drawn when done: a first drawing of its runs (PREVIEW_RECORDS
# records each), the same runs with all their records, its landscape, its sharpness.
PARTS = 4


def _training_size() -> int:
    """The training set's size the batch sizes are offered against (own points: their share)."""
    state = st.session_state
    if state[K + "data"] != ns.OWN:
        return state[K + "n"]
    return user_data.split_sizes(user_data.count(state.get(K + "pts", "")), bool(state[K + "nval"]))[0]


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _trained(settings_json: str) -> ns.Result:
    """Everything the page shows for one scene but the sharpness, shared by every session that
    asks for it: drawn first (the sharpness is most of a large scene's cost)."""
    result = ns.train(ns.NetSettings(**json.loads(settings_json)), with_sharpness=False, with_plane=False)
    _computed()["trained"].add(settings_json)
    return result


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _previewed(settings_json: str) -> ns.Result:
    """A heavy scene's runs with PREVIEW_RECORDS records each: drawn while all are computed."""
    settings = ns.NetSettings(**json.loads(settings_json))
    return ns.train(settings, with_sharpness=False, with_plane=False, records=ns.PREVIEW_RECORDS)


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _planed(settings_json: str) -> ns.Result:
    """The scene with its landscape (a heavy scene's runs are drawn before it)."""
    result = ns.add_plane(_trained(settings_json))
    _computed()["planed"].add(settings_json)
    return result


@st.cache_resource
def _computed() -> dict[str, Recent]:
    """The scenes whose runs with all their records ("trained"), landscape ("planed") and
    sharpness ("sharp") this process's caches hold (the same bounds: an evicted or expired scene
    is computed in parts again): a heavy one held is drawn at once, without a Stop button."""
    return {kind: Recent(CACHED, CACHE_SECONDS) for kind in ("trained", "planed", "sharp")}


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _sharpened(settings_json: str) -> ns.Result:
    """The scene with its sharpness: computed after the rest is drawn."""
    result = ns.sharpen(_planed(settings_json))
    _computed()["sharp"].add(settings_json)
    return result


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _sharpness_chart(settings_json: str, language: str, narrow: bool = False):
    result = _sharpened(settings_json)
    trainees = _figures(settings_json, language, False)[0]
    return sharpness_figure(result.trained, trainees, words=prefixed_words("nf.", language), narrow=narrow)


@st.cache_resource(max_entries=CACHED, ttl=CACHE_SECONDS, show_spinner=False)
def _figures(
    settings_json: str,
    language: str,
    narrow: bool,
    planed: bool = True,
    preview: bool = False,
    present: bool = False,
):
    """The scene's trainees and figures; ``present``: the training figure for a projector
    (ui.network_present: its words larger, the legend in a band, the panels two to a row)."""
    stage = _previewed if preview else _planed if planed else _trained
    result = stage(settings_json)
    words = prefixed_words("nf.", language)
    trainees = [
        Trainee(
            optimizer_title(t.name, language),
            COLORS[i % len(COLORS)],
            result.net,
            t.run,
            *ns.early_stopping_marks(t.run, result.settings.patience),
        )
        for i, t in enumerate(result.trained)
    ]
    shape = (
        {"height": npr.CHART_HEIGHT, "font_size": npr.CHART_FONT, "legend_band": npr.LEGEND_BAND}
        if present
        else {"height": 1150 if narrow else 780}
    )
    if result.net.regression:
        training = regression_training_figure(
            trainees,
            result.landscape,
            name=result.settings.data,
            words=words,
            narrow=narrow,
            **shape,
        )
    else:
        training = training_figure(
            trainees,
            result.landscape,
            start=result.start,
            words=words,
            narrow=narrow,
            **shape,
        )
    lines = lines_figure(result.lines, trainees, words=words)
    layers = layer_norms_figure(result.trained, trainees, words=words, narrow=narrow)
    return trainees, training, lines, layers


def _summary(result: ns.Result, trainees) -> list[tuple[str, str]]:
    """(kind, sentence) per optimizer: what a teacher would say about its run (the colour and
    every number from ui.network_summary.verdict, read from that run)."""
    s, out = result.settings, []
    for t, trainee in zip(result.trained, trainees, strict=True):
        symmetric = ns.symmetric_units(result.net, t.run.final[0])
        if result.net.regression:
            v = fit_verdict(t.run, symmetric=symmetric)
        else:
            v = verdict(result.net, t.run, symmetric=symmetric, steps=s.steps)
        extra = {"init": say(f"nw.init.{s.init}")} if v.key == "symmetric" else {}
        sentence = say(f"nw.sum.{v.key}", name=trainee.label, **v.values, **extra)
        early = ns.early_stopping(t.run, s.patience)
        if early is not None and v.key in ("reached", "unstable", "worse"):  # it trained: where to stop
            sentence += " " + say("nw.sum.early", **dataclasses.asdict(early))
        elif early is not None and v.key in ("fit", "fit_unstable", "fit_worse"):
            sentence += " " + say("nw.sum.early_fit", **dataclasses.asdict(early))
        out.append((v.kind, sentence))
    return out


require_app_shell()
STATE.load()  # a new visit: the link's settings
present = STATE.url("present") == "1"  # a projector (ui/network_present.py)
switched, text_box, chart_box = npr.layout(say("nw.title"), present, say)
if not present:
    st.caption(say("nw.intro.fit" if STATE.get("data") in ns.REGRESSIONS else "nw.intro"))
STATE.notices()
STATE.restore_hidden()
_controls()
if STATE["data"] == ns.OWN:
    with text_box:
        editor(K + "pts", say, prefixed_words("nf.", lang()))
settings = ns.network_from_widgets(STATE.values(), lang())
STATE.keep()
present = present != switched
STATE.write_url(settings.to_query() | ({"present": "1"} if present else {}))
if switched:
    st.rerun()
if settings.own() and user_data.count(settings.pts) < user_data.MIN_POINTS:
    st.info(say("nw.own.few", min=user_data.MIN_POINTS, n=user_data.count(settings.pts)))
    st.stop()
if not settings.optimizers:
    st.info(say("nw.none"))
    st.stop()
# The fair race has its own cache and the neurons' diagram is a view: neither trains the scene again.
settings_json = json.dumps(dataclasses.asdict(settings) | {"fair": False, "neurons": False})
training_place = st.empty()
stop_place = st.empty()  # a heavy scene's Stop, while it is computed
heavy = (
    not present and ns.training_work(settings) > ns.PREVIEW_WORK and settings_json not in _computed()["sharp"]
)
stopped = heavy and stop_place.button(say("nw.stop"), key="nw_stop", icon=":material/stop_circle:")
if stopped:
    # The press ended the older run, its worker jobs included (ui/fair.py): compute nothing more.
    with stop_place.container():
        st.info(say("nw.stopped"))
        st.button(say("nw.go_on"), key="nw_go_on", icon=":material/play_arrow:")
    if settings_json not in _computed()["planed"]:
        st.stop()
    # stopped in its last part: what is computed is drawn (no bar), the sharpness is not
    heavy = False
progress = st.empty()  # a heavy scene's bar of its parts


def _computing(part: int, words: str) -> contextlib.AbstractContextManager:
    """While ``words`` is computed a spinner says it (with the seconds passed, in English); on a heavy scene
    a bar above it shows which of its PARTS it is."""
    if heavy:
        progress.progress((part - 1) / PARTS, text=say("nw.part", part=part, parts=PARTS))
    return spinner(words)


computing = say("nw.computing", count=len(settings.optimizers), steps=settings.steps, n=settings.n_train())
if present:  # one chart beside the words, then nothing more
    with spinner(computing):
        result = _trained(settings_json)
    trainees, training = _figures(settings_json, lang(), False, planed=False, present=True)[:2]
    sentences = _summary(result, trainees)
    # the view the link asks for in the chart's place; the race says its own words
    raced = bool(settings.fair) and fair_chart(settings, chart_box, text_box, **npr.STRETCH)
    neurons = bool(settings.neurons) and not raced
    shown = raced or (neurons and neurons_chart(result, settings_json, chart_box, **npr.STRETCH))
    if not raced:
        with text_box:
            for kind, sentence in sentences:
                getattr(st, kind)(sentence)
    if not shown:
        chart(
            training,
            key="network_chart",
            name=say("alt.network", names=", ".join(t.label for t in trainees)),
            summary=" ".join(sentence for _, sentence in sentences),
            container=chart_box,
            config={"displaylogo": False, "scrollZoom": False},
            **npr.STRETCH,
        )
    st.stop()
if settings_json not in _computed()["trained"] and ns.training_work(settings) > ns.PREVIEW_WORK:
    # A heavy training: its runs with a few records first (the same runs), then with all of them.
    with _computing(1, computing):
        trainees, training = _figures(settings_json, lang(), on_phone(), preview=True)[:2]
    chart(
        training,
        key="network_chart_preview",
        name=say("alt.network", names=", ".join(t.label for t in trainees)),
        summary=say("nw.preview", records=ns.PREVIEW_RECORDS),
        container=training_place.container(),
        config={"displaylogo": False, "scrollZoom": False},
    )
    computing = say("nw.recording", records=ns.RECORDS)
with _computing(2, computing):
    result = _trained(settings_json)
heavy_plane = settings_json not in _computed()["planed"] and ns.plane_work(result) > ns.PLANE_FIRST_WORK
if heavy_plane:
    # A heavy landscape: the runs first (without the plane), then the whole figure in their place.
    trainees, training = _figures(settings_json, lang(), on_phone(), planed=False)[:2]
    chart(
        training,
        key="network_chart_runs",
        name=say("alt.network", names=", ".join(t.label for t in trainees)),
        container=training_place.container(),
        config={"displaylogo": False, "scrollZoom": False},
    )
planing = say("nw.planing", side=ns.PLANE_SIDE)
with _computing(3, planing) if heavy or heavy_plane else contextlib.nullcontext():
    result = _planed(settings_json)
trainees, training, lines, layers = _figures(settings_json, lang(), on_phone())
sentences = _summary(result, trainees)
chart(
    training,
    key="network_chart",
    name=say("alt.network", names=", ".join(t.label for t in trainees)),
    summary=" ".join(sentence for _, sentence in sentences),
    container=training_place.container(),
    config={"displaylogo": False, "scrollZoom": False},
)
if result.net.regression:
    st.caption(say("nw.fit.note"))
if result.landscape is not None:
    st.caption(say(f"nw.plane.note.{result.landscape.kind}"))
if result.net.regression and result.net.sizes[0] == 2 and st.toggle(say("nw.fit.surface"), key=K + "surface"):
    # WebGL is slow to start on machines without a GPU: the 3-D fit is drawn on request.
    which = st.selectbox(say("nw.fit.which"), range(len(trainees)), format_func=lambda j: trainees[j].label)
    surface = fit_surface_figure(trainees[which], name=settings.data, words=prefixed_words("nf.", lang()))
    chart(surface, key="fit_surface", name=say("nw.fit.surface"), summary=say("nw.fit.surface.note"))
st.markdown(f"**{say('nw.summary')}**")
for kind, sentence in sentences:
    getattr(st, kind)(sentence)
embed_end("network")  # an iframe: the training figure and what it says
fair_race(STATE, settings)  # the race at tuned learning rates (fair=1)
left, right = st.columns(2)
with left:
    st.markdown(f"**{say('nw.lines')}**")
    chart(lines, key="lines_chart", name=say("nw.lines"), summary=say("nw.lines.note"))
    st.caption(say("nw.lines.note"))
with right:
    st.markdown(f"**{say('nw.sharpness')}**")
    if stopped:
        st.caption(say("nw.sharpness.stopped"))
    else:
        with _computing(4, say("nw.sharpening")):
            sharp = _sharpness_chart(settings_json, lang(), on_phone())
        stop_place.empty()  # all computed
        progress.empty()
        chart(sharp, key="sharpness_chart", name=say("nw.sharpness"), summary=say("nw.sharpness.note"))
        st.caption(say("nw.sharpness.note"))
st.markdown(f"**{say('nw.layers.title')}**")
chart(layers, key="layers_chart", name=say("nw.layers.title"), summary=say("nw.layers.note"))
st.caption(say("nw.layers.note"))
neurons_view(STATE, settings, result, settings_json)  # what each hidden unit computes (neurons=1)
with st.expander(say("pg.export")):
    a, b, c = st.columns(3)
    a.download_button(
        say("nw.export.csv"), lambda: ns.curves_csv(result), file_name="learning-curves.csv", mime="text/csv"
    )
    b.download_button(
        say("nw.export.npz"),
        lambda: ns.parameters_npz(result),
        file_name="parameters.npz",
        mime="application/octet-stream",
    )
    c.download_button(
        say("pg.export.html"),
        lambda: figure_html(training),
        file_name="network-training.html",
        mime="text/html",
    )
    if result.landscape is not None:
        words = prefixed_words("nf.", lang())  # read here: lang() needs the page's session
        gif_export(
            lambda size: ns.landscape_gif(result, trainees, words, size),
            say,
            "network-landscape",
        )
