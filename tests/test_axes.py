"""Every chart writes its numbers as numbers (issue 26, item 11): no SI prefix on any axis, 3-D
axis or colour bar ("100µ" for 1e-4, "1M", "1f"), no bare digit for a log axis's minor tick ("2"
for 200), no d3 SI format in a hover. The template (viz/template.py) sets it once; no figure sets
its own; a horizontal log axis labels at most LOG_X_TICKS ticks (its labels are whole numbers now,
and side by side they ran together). The figures are those the pages draw, from their AppTest runs."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

import numpy as np
import plotly.io as pio
import pytest

from tests.conftest import open_script
from viz.template import (
    AXIS,
    COLORBAR,
    COLORBAR_PATHS,
    EXPONENT_FORMAT,
    LOG_X_TICKS,
    SCENE_AXIS,
    TEMPLATE,
    log_x_ticks,
)
from viz.ticks import log_ticked

SI_FORMATS = {"SI", "B", "SI extended"}
D3_SI = re.compile(r"%\{[^}:]*:[^}]*s\}")  # a hover's %{y:.3s}: d3 writes SI prefixes
SI_TEXT = re.compile(r"\d\s*[yzafpnµumkMGTPEZY]$")  # "100µ", "1M": a number with a prefix


def _dig(spec: dict, path: str):
    for part in path.split("."):
        spec = spec.get(part) if isinstance(spec, dict) else None
    return spec


def _name(ref: str) -> str:
    """A trace's axis or scene reference ("x2", "scene") as the layout's key ("xaxis2")."""
    return ref if ref.startswith("scene") else f"{ref[0]}axis{ref[1:]}"


def number_formats(spec: dict) -> Iterator[tuple[str, str, dict, dict]]:
    """Every place of a figure's JSON that writes numbers: (where, kind, its own settings, the
    template's for it). kind: "axis" (2-D), "scene" (a 3-D axis) or "colorbar"."""
    layout = spec.get("layout", {})
    template = layout.get("template", {})
    t_layout, t_data = template.get("layout", {}), template.get("data", {})
    traces = list(spec.get("data", []))
    traces += [t for frame in spec.get("frames", []) for t in frame.get("data", [])]
    drawn = {}  # the axes and scenes the traces draw on, set in the layout or not
    for trace in traces:
        if trace.get("type", "scatter") in ("surface", "scatter3d"):
            drawn[_name(trace.get("scene", "scene"))] = {}
        else:
            drawn |= {_name(trace.get(a, a[0])): {} for a in ("xaxis", "yaxis")}
    for key, part in (drawn | layout).items():
        if re.fullmatch(r"[xy]axis\d*", key):
            yield key, "axis", part, t_layout.get(key[0] + "axis", {})
        elif re.fullmatch(r"scene\d*", key):
            for a in "xyz":
                yield (
                    f"{key}.{a}axis",
                    "scene",
                    part.get(f"{a}axis", {}),
                    _dig(t_layout, f"scene.{a}axis") or {},
                )
        elif re.fullmatch(r"coloraxis\d*", key):
            yield (
                f"{key}.colorbar",
                "colorbar",
                part.get("colorbar", {}),
                _dig(t_layout, "coloraxis.colorbar") or {},
            )
    for i, trace in enumerate(traces):
        kind = trace.get("type", "scatter")
        defaults = (t_data.get(kind) or [{}])[0]
        for path in COLORBAR_PATHS.get(kind, ()):
            yield f"data[{i}].{path}", "colorbar", _dig(trace, path) or {}, _dig(defaults, path) or {}


def few_log_ticks(axis: dict) -> bool:
    """A log axis labelled sparsely enough: at most LOG_X_TICKS ticks asked for, or whole decades
    (a phone's: ``log_x_ticks``)."""
    whole_decades = isinstance(axis.get("dtick"), int) and axis["dtick"] >= 1
    return whole_decades or axis.get("nticks", 99) <= LOG_X_TICKS


def problems(spec: dict) -> list[str]:
    """What in a figure would write a number otherwise than the template does."""
    found = []
    for where, kind, own, default in number_formats(spec):
        if "exponentformat" in own:
            found.append(f"{where} sets its own exponent format {own['exponentformat']!r}")
        if default.get("exponentformat") != EXPONENT_FORMAT:
            found.append(f"{where}: the template's exponent format is {default.get('exponentformat')!r}")
        if kind == "axis" and own.get("minorloglabels", default.get("minorloglabels")) != "complete":
            found.append(f"{where}: a log axis's minor ticks would be bare digits")
        if kind == "axis" and where.startswith("x") and own.get("type") == "log" and not few_log_ticks(own):
            found.append(
                f"{where}: a horizontal log axis with Plotly's tick count runs its whole labels together"
            )
        if (
            kind == "axis"
            and where.startswith("y")
            and own.get("type") == "log"
            and not {"dtick", "nticks"} & set(own)
        ):
            found.append(f"{where}: a vertical log axis with Plotly's own ticks may write every digit")
        if str(own.get("tickformat", "")).endswith("s"):
            found.append(f"{where}: the d3 format {own['tickformat']!r} writes SI prefixes")
        found += [f"{where}: tick text {t!r}" for t in own.get("ticktext", []) if SI_TEXT.search(str(t))]
    traces = list(spec.get("data", []))
    traces += [t for frame in spec.get("frames", []) for t in frame.get("data", [])]
    for trace in traces:
        for key in ("hovertemplate", "texttemplate"):
            templates = trace.get(key)
            for template in templates if isinstance(templates, list) else [templates]:
                if template and D3_SI.search(str(template)):
                    found.append(f"{trace.get('name')}: {key} {template!r} writes SI prefixes")
    return found


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_the_template_writes_numbers_on_every_kind_of_axis():
    lab = pio.templates[TEMPLATE].to_plotly_json()
    assert EXPONENT_FORMAT not in SI_FORMATS
    for axis in ("xaxis", "yaxis"):
        assert (
            {k: lab["layout"][axis][k] for k in AXIS}
            == AXIS
            == {
                "exponentformat": "e",
                "minorloglabels": "complete",
            }
        )
    for axis in ("xaxis", "yaxis", "zaxis"):
        assert lab["layout"]["scene"][axis]["exponentformat"] == SCENE_AXIS["exponentformat"] == "e"
    assert lab["layout"]["coloraxis"]["colorbar"]["exponentformat"] == "e"
    for kind, paths in COLORBAR_PATHS.items():
        for path in paths:
            assert _dig(lab["data"][kind][0], path)["exponentformat"] == COLORBAR["exponentformat"], (
                kind,
                path,
            )


def test_the_check_finds_each_way_a_figure_could_write_si_prefixes():
    """The checks below can fail: each of these figures breaks one rule."""
    import plotly.graph_objects as go

    def spec(fig) -> dict:
        return json.loads(pio.to_json(fig, validate=False))

    clean = go.Figure(
        go.Contour(z=[[1, 2], [3, 4]]), layout={"template": TEMPLATE, "yaxis": {"type": "log", "dtick": "D2"}}
    )
    assert problems(spec(clean)) == []
    bad = [
        go.Figure(layout={"template": TEMPLATE, "yaxis2": {"exponentformat": "power"}}),
        go.Figure(layout={"template": TEMPLATE, "xaxis": {"type": "log", "minorloglabels": "small digits"}}),
        go.Figure(go.Scatter(x=[1], y=[1e-4]), layout={"template": "plotly_white"}),  # SI prefixes
        go.Figure(layout={"template": TEMPLATE, "scene": {"zaxis": {"exponentformat": "SI"}}}),
        go.Figure(go.Heatmap(z=[[1]], colorbar={"exponentformat": "B"}), layout={"template": TEMPLATE}),
        go.Figure(
            go.Scatter3d(x=[1], y=[1], z=[1], marker={"colorbar": {"tickformat": ".2s"}}),
            layout={"template": TEMPLATE},
        ),
        go.Figure(go.Scatter(x=[1], y=[1], hovertemplate="%{y:.3s}"), layout={"template": TEMPLATE}),
        go.Figure(go.Scatter(x=[1e-4, 1], y=[1, 2]), layout={"template": TEMPLATE, "xaxis": {"type": "log"}}),
        go.Figure(layout={"template": TEMPLATE, "xaxis": {"type": "log", "dtick": "D1"}}),  # every digit
        go.Figure(go.Scatter(x=[1, 2], y=[0.05, 2]), layout={"template": TEMPLATE, "yaxis": {"type": "log"}}),
        go.Figure(
            go.Heatmap(z=[[1]], colorbar={"ticktext": ["100µ", "1m"], "tickvals": [0, 1]}),
            layout={"template": TEMPLATE},
        ),
    ]
    for fig in bad:
        assert problems(spec(fig)), fig.layout


@pytest.mark.parametrize("decades", [2.0, 2.48, 2.6, 2.95, 3.0, 3.01, 4.0, 5.5, 8.0, 12.0])
def test_a_phones_log_axis_labels_two_to_four_decades(decades):
    # Every k-th decade (tick0 0): counted at every offset of the range against the decades. The
    # sweep's lr spans 2.48-2.95 decades, its other log axes 4; plotly's choice from 3 ticks
    # labelled one decade at 3.0 (its lr theory map) and 1, 2 and 5 of each below 2.1.
    ticks = log_x_ticks(decades, narrow=True)
    assert set(ticks) == {"dtick", "tick0"} and ticks["tick0"] == 0
    for low in np.linspace(-6, -5, 41):
        labels = [d for d in range(-20, 20) if d % ticks["dtick"] == 0 and low <= d <= low + decades]
        assert 2 <= len(labels) <= 4, (decades, low, labels)
    assert log_x_ticks(decades) == {"nticks": LOG_X_TICKS}  # elsewhere 1, 2 and 5 have room


NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]\d+)?$")
RANGES = [  # (axis type, low, high)
    ("log", 0.2, 0.9),  # less than a decade: Plotly wrote "2 3 4 ... 9"
    ("log", 1e-5, 3e-3),  # a few decades, minor ticks 2 and 5: "2" was 2e-5
    ("log", 30.0, 2e4),
    ("log", 1e-12, 1e2),
    ("linear", 0.0, 3e-5),  # "30µ"
    ("linear", 0.0, 2e6),  # "2M"
]


@pytest.mark.browser
def test_every_tick_is_written_as_the_number_it_stands_for_in_a_browser(page):
    """What the template's settings mean, drawn by plotly.js (the one plotly.py ships) in
    Chromium: each tick label of a log axis over less than a decade, over a few and over many, of
    a linear axis of tiny and of huge numbers, and of a colour bar, is a number ("2e-5", "0.3",
    "1e+6"; no "µ", no bare "2") within the range it labels."""
    import pathlib

    import plotly
    import plotly.graph_objects as go

    page.set_content("<div id='chart' style='width:900px;height:500px'></div>")
    page.add_script_tag(path=str(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
    for kind, low, high in RANGES:
        fig = go.Figure(
            go.Scatter(x=[low, high], y=[low, high], marker={"color": [low, high], "showscale": True}),
            layout={"template": TEMPLATE, "xaxis": {"type": kind}, "yaxis": {"type": kind}},
        )
        spec = json.loads(pio.to_json(fig, validate=False))
        page.evaluate("s => Plotly.newPlot('chart', s.data, s.layout)", spec)
        for part in ("xtick", "ytick", "cbaxis"):
            labels = page.eval_on_selector_all(f"#chart g.{part} text", "ts => ts.map(t => t.textContent)")
            assert labels, (kind, low, part)
            for label in labels:
                text = label.replace("\u2212", "-")  # plotly.js writes a minus sign
                assert NUMBER.match(text), (kind, low, high, part, label)
                floor = 0.0 if kind == "linear" or part == "cbaxis" else low / 1.5  # a bar is linear
                assert floor <= float(text) <= high * 1.5, (kind, low, high, part, label)
    assert not page.errors


@pytest.fixture(scope="module")
def playground_specs() -> list[dict]:
    at = open_script("pages/playground.py", {"s": "rosenbrock", "opt": "adam,gd", "inside": "1"}, timeout=180)
    at.toggle(key="show_grad_norm").set_value(True).run()
    at.toggle(key="show_3d").set_value(True).run()
    assert not at.exception
    return chart_specs(at)


def test_every_playground_chart_leaves_numbers_to_the_template(playground_specs):
    # the map, the loss curves, the gradient norms, a step's beat, the 3-D view
    assert len(playground_specs) >= 5 and any("scene" in s["layout"] for s in playground_specs)
    assert any(s["layout"].get("yaxis", {}).get("type") == "log" for s in playground_specs)
    for spec in playground_specs:
        assert problems(spec) == []


@pytest.mark.parametrize(
    ("script", "query", "toggles", "least"),
    [
        ("pages/custom.py", {}, (), 2),
        (
            "pages/sweep.py",
            {"s": "narrow_valley", "opt": "momentum", "x": "lr", "y": "momentum", "side": "10"},
            ("sw.theory",),
            2,
        ),
        ("pages/basins.py", {"side": "20", "steps": "50"}, (), 1),
        ("pages/network.py", {"steps": "100", "n": "50"}, (), 4),
        ("pages/network.py", {"steps": "60", "n": "40", "fair": "1", "neurons": "1"}, (), 6),
        ("pages/network.py", {"steps": "60", "n": "40", "data": "sine"}, (), 3),
    ],
)
def test_every_chart_of_a_page_leaves_numbers_to_the_template(script, query, toggles, least):
    at = open_script(script, query, timeout=300)
    for key in toggles:
        at.toggle(key=key).set_value(True).run()
    assert not at.exception
    specs = chart_specs(at)
    assert len(specs) >= least
    for spec in specs:
        assert problems(spec) == [], script


def test_the_tuning_chart_leaves_numbers_to_the_template():
    from optimizers.tuning import tune
    from surfaces import get_surface
    from ui.texts import prefixed_words
    from viz.curves import tuning_figure

    surface = get_surface("rosenbrock")
    tuning = tune(surface, "gd", np.array([[-1.0, 1.0]]), 50, np.geomspace(1e-5, 1e-2, 8))
    fig = tuning_figure([tuning], ["gd"], ["#1f77b4"], prefixed_words("tu.", "en"))
    spec = json.loads(pio.to_json(log_ticked(fig), validate=False))  # as ui.access.chart draws it
    assert spec["layout"]["xaxis"]["type"] == "log" and problems(spec) == []


@pytest.mark.slow
def test_every_lessons_charts_leave_numbers_to_the_template():
    from streamlit.testing.v1 import AppTest

    from ui.lesson_catalog import LESSONS

    at = AppTest.from_file("../pages/lessons.py", default_timeout=300).run()
    for lesson in LESSONS:
        at.selectbox(key="lesson").select(lesson.key).run()
        assert not at.exception, lesson.key
        specs = chart_specs(at)
        assert specs, lesson.key
        for spec in specs:
            assert problems(spec) == [], lesson.key


def test_every_vertical_log_axis_gets_its_ticks_from_the_decades_it_shows():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from viz.plain import PlainFigure
    from viz.race import packed

    # 1.6 decades of data (the Network page's loss along lines: Plotly wrote every digit). The
    # figure drawn is a copy: the one given (maybe cached, shared by sessions) is not changed.
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0.05, 2.0]), layout={"yaxis": {"type": "log"}})
    drawn = log_ticked(fig)
    assert drawn.layout.yaxis.dtick == "D2" and fig.layout.yaxis.dtick is None
    # A range of 8 decades: every second decade; its own ticks and a linear axis are left alone;
    # the fourth axis from its values (0.6 to 0.75, under a decade: Plotly's choice of six ticks,
    # where 1, 2 and 5 alone wrote no number at all).
    fig = make_subplots(rows=1, cols=4)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0.6, 0.75]), row=1, col=4)
    fig.update_yaxes(type="log", range=[-6, 2], row=1, col=1)
    fig.update_yaxes(type="log", dtick=1, row=1, col=2)
    fig.update_yaxes(type="log", row=1, col=4)
    y = log_ticked(fig).layout
    assert (y.yaxis.dtick, y.yaxis2.dtick, y.yaxis3.dtick, y.yaxis4.dtick) == (2, 1, None, None)
    assert y.yaxis4.nticks == 6 and y.yaxis3.nticks is None
    # Values packed as the app sends them, and in frames only (an animated curve's first frame
    # has one point): 1e-6 to 10 is 7 decades, every second one labelled. Huge and tiny values
    # together (1e300 over 1e-10 overflowed a ratio) are 310 decades.
    fig = PlainFigure(go.Scatter(x=[0], y=packed(np.array([1.0]))))
    fig.update_yaxes(type="log")
    fig.set_frames([{"data": [{"y": packed(np.geomspace(10, 1e-6, 9))}], "traces": [0], "name": "1"}])
    drawn = log_ticked(fig)
    assert isinstance(drawn, PlainFigure) and len(drawn.to_dict()["frames"]) == 1
    assert drawn.layout.yaxis.dtick == 2 and drawn.layout.yaxis.tick0 == 0
    wide = go.Figure(go.Scatter(x=[0, 1, 2], y=[1e300, 1e-10, None]), layout={"yaxis": {"type": "log"}})
    assert log_ticked(wide).layout.yaxis.dtick == math.ceil(310 / 6)
    # A figure without a log axis is drawn as it is, without reading (and merging) its layout.
    race = PlainFigure(go.Scatter(x=[0], y=[1]))
    race.plain_layout(sliders=[{"steps": [{"label": ""}]}])
    assert log_ticked(race) is race and race._plain_layout


def test_a_vertical_log_axis_labels_one_two_five_then_whole_decades():
    from viz.template import log_y_ticks

    assert log_y_ticks(0.5) == {"nticks": 6}  # 1, 2 and 5 alone: maybe no number at all
    assert log_y_ticks(1.75) == {"dtick": "D2"}  # 1, 2, 5: Plotly's own wrote every digit here
    assert log_y_ticks(3.0) == {"dtick": "D2"}
    assert log_y_ticks(5.0) == {"dtick": 1, "tick0": 0}  # every decade: six labels at most
    assert log_y_ticks(12.0) == {"dtick": 2, "tick0": 0}
