"""Figure builders: structure (traces, frames, sizes), not pixels."""

import json

import numpy as np
import pytest

from optimizers import simulate
from surfaces import get_surface, surface_from_expression
from tests.conftest import assert_plain_is_validated, plotted
from viz import Racer, compute_field, curves_figure, frame_indices, race_figure, summary, surface_figure
from viz.colors import COLORS
from viz.export import figure_html, trajectories_csv
from viz.field import png_data_uri


def racers(surface, names=("gd", "adam"), steps=100, starts=None, **kw):
    starts = surface.start if starts is None else starts
    return [Racer(n, COLORS[i], simulate(surface, n, starts, steps, **kw)) for i, n in enumerate(names)]


def test_race_figure_structure():
    s = get_surface("himmelblau")
    rs = racers(s, steps=300)
    fig = race_figure(s, rs, frames=120)
    data = fig.data
    # contours, 2 full paths, minima, saddles, click grid, (trail, marker) per racer, counter
    assert len(data) == 6 + 2 * len(rs) + 1
    assert all(trace.type == "scatter" for trace in data)  # no contour/heatmap: they vanish
    assert len(fig.frames) == 120
    # Every trace is named in every frame (static ones with no data: see race_figure).
    assert list(fig.frames[0].traces) == list(range(len(data)))
    moving = [t for t in fig.frames[0].data if set(t.to_plotly_json()) != {"type"}]
    assert len(moving) == 2 * len(rs) + 1
    assert fig.frames[0].name == "0" and fig.frames[-1].name == "300"
    # The step counter follows the frames; the slider's steps carry no label to measure.
    assert data[-1].mode == "text" and data[-1].text == ("step 0",)
    assert fig.frames[-1].data[-1].text == ("step 300",)
    assert {step.label for step in fig.layout.sliders[0].steps} == {""}
    assert fig.layout.sliders[0].currentvalue.visible is False
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")
    assert fig.layout.images[0].layer == "below"
    assert fig.layout.template.layout.paper_bgcolor is not None  # an explicit template
    buttons = fig.layout.updatemenus[0].buttons
    assert buttons[0].args[1]["frame"]["redraw"] is False
    assert len(fig.layout.sliders[0].steps) == 120


def test_markers_move_across_frames():
    s = get_surface("rosenbrock")
    fig = race_figure(s, racers(s, names=("adam",), steps=200, lr=0.05))
    spec = json.loads(fig.to_json())
    static = sum(1 for d in spec["frames"][0]["data"] if set(d) == {"type"})
    first, last = spec["frames"][0]["data"][static + 1], spec["frames"][-1]["data"][static + 1]
    assert first["x"] != last["x"]


def test_frames_are_capped_and_include_the_last_step():
    s = get_surface("booth")
    run = simulate(s, "gd", s.start, 1000, lr=0.01)
    idx = frame_indices(run, 200)
    assert len(idx) == 200 and idx[0] == 0 and idx[-1] == len(run.step) - 1


def test_figure_json_is_small_for_six_optimizers_and_500_steps():
    s = get_surface("rosenbrock")
    names = ("gd", "momentum", "nesterov", "rmsprop", "adam", "nadam")
    fig = race_figure(s, racers(s, names=names, steps=500, lr=1e-3))
    assert len(fig.to_json()) < 1.5e6


def test_many_starts_stay_under_the_size_budget():
    s = get_surface("himmelblau")
    starts = np.random.default_rng(0).uniform(-4, 4, (25, 2))
    names = ("gd", "momentum", "nesterov", "rmsprop", "adam", "nadam")
    fig = race_figure(s, racers(s, names=names, steps=500, starts=starts, lr=1e-3))
    assert len(fig.to_json()) < 3e6


def test_constraint_and_objective():
    s = get_surface("constrained_bowl")
    rs = racers(s, names=("gd",), constraint={"norm": "l1", "radius": 1.0}, lr=0.1)
    fig = race_figure(s, rs, constraint={"norm": "l1", "radius": 1.0})
    names = [trace.name for trace in fig.data]
    assert "constraint" in names
    diamond = next(trace for trace in fig.data if trace.name == "constraint")
    assert diamond.line.dash == "dash"


def test_undefined_regions_are_masked_in_the_picture():
    s = surface_from_expression("log(x) + y^2", bounds=((-1, 2), (-1, 1)))
    f = compute_field(s.value, s.bounds, resolution=50)
    assert np.isnan(f.values[:, :10]).all() and np.isfinite(f.values[:, -10:]).all()
    assert png_data_uri(f).startswith("data:image/png")
    fig = race_figure(s, racers(s, names=("gd",), starts=[1.5, 0.5], lr=0.1), background=f)
    assert len(fig.frames) > 0


def test_surface_figure_and_curves():
    s = get_surface("saddle")
    rs = racers(s, names=("gd", "newton"), steps=50, starts=[[0.3, 0.2], [-0.5, 0.1]])
    view = surface_figure(s, rs)
    assert [t.type for t in view.data] == ["surface", "scatter3d", "scatter3d"]
    # each racer's path dashed its own way, with its marker where each trajectory ends only
    assert [t.line.dash for t in view.data[1:]] == ["solid", "dash"]
    assert [t.marker.symbol for t in view.data[1:]] == ["circle", "square"]
    path = view.to_plotly_json()["data"][1]
    sizes, x = plotted(path["marker"]["size"]), plotted(path["x"])
    last = np.isfinite(x) & ~np.isfinite(np.append(x[1:], np.nan))  # before each trajectory's gap
    assert np.array_equal(sizes > 0, last) and last.sum() == 2
    assert view.layout.legend.itemsizing == "constant"  # the legend's markers drawn, not size 0
    loss = curves_figure(s, rs)
    assert len(loss.data) == 4  # one line per trajectory
    assert loss.layout.yaxis.type == "log"  # the gap to f_min is positive
    grad = curves_figure(s, rs, metric="grad_norm")
    assert grad.layout.yaxis.type == "log"
    unbounded = get_surface("monkey_saddle")
    assert curves_figure(unbounded, racers(unbounded, names=("gd",), lr=0.01)).layout.yaxis.type == "linear"


def test_summary_counts_and_distances():
    s = get_surface("himmelblau")
    run = simulate(s, "gd", [[3.1, 2.1], [-2.7, 3.0], [0.0, 0.0]], 500, lr=0.01)
    row = summary(s, Racer("gd", "#000", run))
    assert row["trajectories"] == 3 and row["converged"] == 3
    assert row["distance"] < 1e-6 and row["diverged"] == 0
    bad = simulate(get_surface("narrow_valley"), "gd", [-2.5, 0.5], 200, lr=0.5)
    row = summary(get_surface("narrow_valley"), Racer("gd", "#000", bad))
    assert row["diverged"] == 1 and row["diverged_at"] > 0


def test_exports():
    s = get_surface("booth")
    rs = racers(s, steps=20)
    html = figure_html(race_figure(s, rs))
    assert html.startswith("<!doctype html>") and "Plotly.newPlot" in html
    assert len(html) > 3_000_000  # plotly.js is inlined: the file plays offline
    csv = trajectories_csv(rs)
    lines = csv.strip().splitlines()
    assert lines[0] == "optimizer,trajectory,step,x,y,loss,objective,grad_norm"
    assert len(lines) == 1 + 2 * 21
    first = lines[1].split(",")
    assert first[0] == "gd" and float(first[3]) == s.start[0]


@pytest.mark.parametrize("name", ["rosenbrock", "ackley", "cliff", "narrow_valley"])
def test_every_builder_accepts_every_kind_of_surface(name):
    s = get_surface(name)
    rs = racers(s, steps=30)
    assert race_figure(s, rs).to_json()
    assert surface_figure(s, rs).to_json()


def test_guides_draw_the_unit_diamond_and_circle():
    s = get_surface("constrained_bowl")
    fig = race_figure(
        s,
        racers(s, names=("gd",), lr=0.1),
        guides=[{"norm": "l1", "radius": 1.0}, {"norm": "l2", "radius": 1.0}],
    )
    names = [trace.name for trace in fig.data]
    assert "|w|₁ = 1" in names and "|w|₂ = 1" in names
    diamond = next(trace for trace in fig.data if trace.name == "|w|₁ = 1")
    assert np.allclose(np.abs(diamond.x) + np.abs(diamond.y), 1.0)


def test_a_log_loss_axis_within_two_decades_writes_its_numbers_out():
    # Plotly labelled 0.9 ... 0.3 as "9 8 7 ... 3" on a short log axis: the template writes
    # minor log ticks whole, and the figure keeps no format of its own (tests/test_axes.py).
    from optimizers import simulate
    from surfaces import surface_from_expression
    from viz import Racer, curves_figure

    surface = surface_from_expression("log(2 + x^2 + y^2)")  # f_min unknown: the loss itself
    run = simulate(surface, "gd", [[0.6, 0.0]], 50, lr=0.01)
    short = curves_figure(surface, [Racer("gd", "#1f77b4", run)], metric="loss")
    assert short.layout.yaxis.type == "log" and short.layout.yaxis.tickformat is None
    assert short.layout.template.layout.yaxis.minorloglabels == "complete"
    long = simulate(surface_from_expression("x^2 + y^2"), "gd", [[1.0, 1.0]], 200, lr=0.1)
    wide = curves_figure(surface, [Racer("gd", "#1f77b4", long)], metric="grad_norm")
    assert wide.layout.yaxis.tickformat is None and wide.layout.yaxis.exponentformat is None
    assert wide.layout.template.layout.yaxis.exponentformat == "e"


def test_unvalidated_frames_are_what_plotly_would_have_sent():
    """viz.plain.PlainFigure skips Plotly's validation of the frames, of the layout parts given
    plain and of the template: the JSON must be the one a go.Figure of the same spec (validated)
    gives, for a race (with its controls), its loss curves and a network."""
    import copy

    import plotly.io as pio

    from networks import Network, dataset
    from optimizers import simulate as train
    from ui.texts import prefixed_words
    from viz.network import Trainee, training_figure

    s = get_surface("himmelblau")
    race = race_figure(s, racers(s, steps=120), frames=60)
    net = Network(dataset("moons", n_train=60, n_test=60), hidden=(4,))
    run = train(net, "adam", net.init(2, seed=0), 60, lr=0.05)
    words = prefixed_words("nf.", "en")
    trained = training_figure([Trainee("adam", COLORS[0], net, run)], words=words, frames=30)
    assert_plain_is_validated(curves_figure(s, racers(s, steps=120)))
    for fig in (race, trained):
        fast = assert_plain_is_validated(fig)
        assert fast["frames"] and fast["layout"]["sliders"][0]["steps"]
        # the frames still read as go.Frame objects, and a copy keeps them
        assert [f.name for f in fig.frames] == [f["name"] for f in fast["frames"]]
        assert json.loads(pio.to_json(copy.deepcopy(fig), validate=False)) == fast
    # frames set the usual way replace the plain ones
    race.frames = [{"name": "only", "data": [{"type": "scatter", "x": [1.0]}]}]
    assert [f["name"] for f in race.to_dict()["frames"]] == ["only"]


def test_trimmed_template_draws_as_plotly_white():
    """viz.template: plotly_white's layout and its defaults for every trace type the app draws,
    nothing else but the numbers' format on axes and colour bars (tests/test_axes.py); every
    figure builder uses it (a trace type drawn without defaults fails)."""
    import plotly.io as pio

    from viz.template import TEMPLATE, TRACE_TYPES

    white, lab = pio.templates["plotly_white"], pio.templates[TEMPLATE]
    formats = {"exponentformat", "minorloglabels"}

    def unformatted(spec):
        if isinstance(spec, dict):
            return {k: unformatted(v) for k, v in spec.items() if k not in formats and unformatted(v) != {}}
        return spec

    assert unformatted(lab.layout.to_plotly_json()) == unformatted(white.layout.to_plotly_json())
    assert set(lab.data.to_plotly_json()) == set(TRACE_TYPES)
    for kind in TRACE_TYPES:
        assert unformatted(getattr(lab.data, kind)[0].to_plotly_json()) == unformatted(
            getattr(white.data, kind)[0].to_plotly_json()
        )
    s = get_surface("himmelblau")
    rs = racers(s, steps=50)
    for fig in (race_figure(s, rs, frames=20), curves_figure(s, rs), surface_figure(s, rs)):
        assert fig.layout.template.layout.to_plotly_json() == lab.layout.to_plotly_json()
        assert {trace.type for trace in fig.data} <= set(TRACE_TYPES)


def test_no_name_of_the_viz_package_hides_one_of_its_modules():
    """``from viz.field import field`` in viz/__init__ made ``viz.field`` the function: every
    module of the package is reached by its name, and what the package exports is no module's name."""
    import importlib
    import pkgutil
    import types

    import viz

    modules = [m.name for m in pkgutil.iter_modules(viz.__path__)]
    for name in modules:
        importlib.import_module(f"viz.{name}")
        assert isinstance(getattr(viz, name), types.ModuleType), name
    assert not set(viz.__all__) & set(modules)


def test_the_english_defaults_of_the_builders_are_the_catalogs_words():
    """The race's, the maps' and the curves' builders keep English defaults (tests and benches
    call them without words): each is en.toml's word, so they cannot drift as the Network
    figure's copy did (8 of 42). viz/network.py keeps none (tests/test_network_views.py)."""
    from ui.texts import prefixed_words
    from viz.curves import CURVE_WORDS
    from viz.maps import MAP_WORDS
    from viz.race import ENGLISH

    figure, maps = prefixed_words("fig.", "en"), prefixed_words("map.", "en")
    assert {key: figure[key] for key in ENGLISH} == ENGLISH
    assert {key: maps[key] for key in MAP_WORDS} == MAP_WORDS
    assert {key: figure["x_step" if key == "step" else key] for key in CURVE_WORDS} == CURVE_WORDS


def test_a_long_legend_entry_takes_lines_that_each_fit_the_width():
    from viz.race import _entry_width, legend_characters, legend_height
    from viz.template import wrapped

    long = "effective learning rate per coordinate (box half-sides × the boxes' scale)"
    chinese = "每个坐标的有效学习率（方框的半边长×方框的比例尺）以及更多的说明文字"
    room = legend_characters(12, 320)
    for entry in (long, chinese):
        lines = wrapped(entry, room, cjk=1 / 0.6).split("<br>")
        assert len(lines) >= 2 and all(_entry_width(line, 12) <= 320 for line in lines), lines
        assert "".join(lines).replace(" ", "") == entry.replace(" ", "")  # every word, in order
    assert wrapped("Adam", room) == "Adam"
    # Set as Chinese is: no line starts with a closing mark nor ends with an opening one.
    for width in range(8, 40):
        lines = wrapped("每个坐标的有效学习率（方框半边长 × 方框的比例），以及说明。", width).split("<br>")
        assert not any(line[0] in "，。）" or line[-1] in "（" for line in lines), (width, lines)
        assert "".join(lines).replace(" ", "") == "每个坐标的有效学习率（方框半边长×方框的比例），以及说明。"
    # Each further line of a row's tallest entry makes the legend taller (1.3 em each).
    assert legend_height(["Adam"], 12, 320) == 30
    assert legend_height(["Adam", wrapped(long, room, cjk=1 / 0.6)], 12, 320) == 30 + 30 + 16
    # On a phone's map every entry fits, and the figure grew by a row of two lines (the long
    # entry no longer fits beside "known minimum": 2.5 + 1.3 em at 12 px).
    s = get_surface("himmelblau")
    run = simulate(s, "gd", s.start, 50)
    figures = [race_figure(s, [Racer(name, COLORS[0], run)], legend_below=True) for name in ("GD", long)]
    entries = [t.name for t in figures[1].data if t.showlegend is not False and t.name]
    assert any("<br>" in name for name in entries)
    assert all(_entry_width(line, 12) <= 320 for name in entries for line in name.split("<br>"))
    assert figures[1].layout.height - figures[0].layout.height == 46
