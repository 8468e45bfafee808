"""The Network page's summary and views say what is true of the run they show (issue 23):
the summary's colour and numbers, the layer gradient norms on log axes, the sharpness
chart's stability limits, and the landscape plane's title, distances and colour key."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.conftest import open_script, plotted
from ui import network_scene as ns
from ui.network_summary import verdict
from ui.texts import text
from viz.template import written

DIVERGING = {"gd.lr": "10", "momentum.lr": "10"}  # gd and momentum blow up, adam (0.01) trains


def scene(query) -> ns.Result:
    s, notes = ns.network_from_query(query)
    assert not notes
    return ns.train(s)


@pytest.fixture(scope="module")
def hot():
    return scene(DIVERGING)


@pytest.fixture(scope="module")
def calm():
    return scene({})


def verdicts(result):
    return [
        verdict(
            result.net,
            t.run,
            symmetric=ns.symmetric_units(result.net, t.run.final[0]),
            steps=result.settings.steps,
        )
        for t in result.trained
    ]


# ---------------------------------------------------------------- summary (B11)


def test_a_learning_rate_that_made_the_loss_worse_is_not_reported_as_success(hot):
    for t, v in zip(hot.trained[:2], verdicts(hot)[:2], strict=True):
        loss = t.run.loss[:, 0]
        # The run really got worse: its end is over ten times its start, its peak far higher.
        assert loss[-1] > 4 * loss[0] and loss.max() > 50 * loss[0]
        assert t.run.diverged_at[0] < 0  # not caught by the divergence check
        assert v.kind == "error" and v.key == "worse"
        assert v.values["start"] == loss[0] and v.values["end"] == loss[-1] and v.values["peak"] == loss.max()
        assert v.values["acc"] == t.run.metrics["test_acc"][-1, 0]
        assert v.values["best_acc"] == t.run.metrics["test_acc"][:, 0].max()
    assert verdicts(hot)[0].values["acc"] == 0.5  # gd ends at guessing, though it touched 77 %
    assert verdicts(hot)[0].values["best_acc"] == pytest.approx(0.771)
    # Adam at its own rate still trains, in green.
    assert verdicts(hot)[2].kind == "success"


def test_the_sentence_quotes_the_runs_own_numbers(hot, calm):
    for result in (hot, calm):
        for t, v in zip(result.trained, verdicts(result), strict=True):
            run = t.run
            for language in ("en", "zh"):
                sentence = text(f"nw.sum.{v.key}", language, name=t.name, **v.values)
                assert f"{run.loss[0, 0]:.3g}" in sentence and f"{run.loss[-1, 0]:.3g}" in sentence
                assert f"{run.metrics['test_acc'][-1, 0]:.0%}" in sentence
                best = run.metrics["test_acc"][:, 0].max()
                assert f"{best:.0%}" in sentence
                # The step quoted for the best accuracy is the first record that has it.
                first = int(run.step[np.flatnonzero(run.metrics["test_acc"][:, 0] == best)[0]])
                assert v.values["step"] == first and str(first) in sentence


def test_a_good_run_is_green_and_reports_its_end_and_its_best(calm):
    for t, v in zip(calm.trained, verdicts(calm), strict=True):
        run = t.run
        assert v.kind == "success" and v.key == "reached", t.name
        assert run.loss[-1, 0] < 0.1 * run.loss[0, 0]  # trained: a real margin, not a tie
        # The test set chooses nothing: early stopping does, on the validation set (ns.early_stopping).
        assert "best" not in v.values


def test_a_loss_spike_that_recovers_is_a_warning_not_a_success():
    result = scene({"gd.lr": "5", "batch": "0", "opt": "gd"})
    loss = result.trained[0].run.loss[:, 0]
    assert loss.max() > 5 * loss[0] and loss[-1] < 0.01 * loss[0]
    v = verdicts(result)[0]
    assert v.kind == "warning" and v.key == "unstable" and v.values["peak"] == loss.max()


def test_no_better_than_guessing_quotes_the_runs_accuracy_and_its_chance_level():
    result = scene({"opt": "gd", "gd.lr": "0.0001", "steps": "50", "data": "xor"})
    accuracy = result.trained[0].run.metrics["test_acc"][:, 0]
    assert accuracy.max() < 0.53  # 2 classes: guessing gets 50 %
    v = verdicts(result)[0]
    assert v.kind == "warning" and v.key == "chance"
    assert v.values == {"acc": accuracy[-1], "chance": 0.5, "steps": 50}
    zeros = scene({"opt": "gd", "init": "zeros", "steps": "50"})
    assert verdicts(zeros)[0].kind == "warning" and verdicts(zeros)[0].key == "symmetric"


def test_the_page_colours_the_worse_runs_red():
    at = open_script("pages/network.py", DIVERGING, timeout=120)
    assert not at.exception
    assert len(at.error) == 2 and len(at.success) == 1
    assert all("ended worse than it started" in e.value for e in at.error)
    assert not any("Gradient descent" in s.value for s in at.success)
    gd = next(e.value for e in at.error if e.value.startswith("Gradient descent"))
    assert re.search(r"from 0\.872 to 13\.3\b", gd) and "ended at 50%" in gd


# ---------------------------------------------------------------- figures: helpers


def figure_words(language="en"):
    from ui.texts import prefixed_words

    return prefixed_words("nf.", language)


def trainees_of(result):
    from viz.colors import COLORS
    from viz.network import Trainee

    return [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]


def yaxes(layout) -> dict:
    return {k: v for k, v in layout.items() if re.fullmatch(r"yaxis\d*", k)}


@pytest.fixture(scope="module")
def exploding():
    return scene({"act": "relu", "init": "normal", "scale": "10.0", "layers": "4", "steps": "100"})


# ---------------------------------------------------------------- layer gradient norms (B10)


@pytest.mark.parametrize("which", ["calm", "hot", "exploding"])
def test_every_layer_norm_panel_is_log_scaled_labelled_and_shares_one_range(which, request):
    from viz.network import LAYER_NORM_DECADES, layer_norms_figure

    result = request.getfixturevalue(which)
    fig = layer_norms_figure(result.trained, trainees_of(result), words=figure_words())
    layout = fig.to_plotly_json()["layout"]
    axes = yaxes(layout)
    assert len(axes) == len(result.trained)
    ranges = {tuple(a["range"]) for a in axes.values()}
    assert len(ranges) == 1  # one shared range: panels compare
    low, high = ranges.pop()
    for name, axis in axes.items():
        assert axis["type"] == "log", name
        assert axis.get("showticklabels") is True, name
        assert "matches" not in axis, name  # plotly.js drops matches on log axes
    norms = np.concatenate([t.layer_norms.ravel() for t in result.trained])
    positive = norms[norms > 0]
    top = np.log10(positive.max())
    assert low < top < high and high - top < 1  # the top is on the chart, with room
    shown = positive[np.log10(positive) >= top - LAYER_NORM_DECADES]
    assert low < np.log10(shown.min())  # everything within the decades is drawn
    hidden = int(np.sum(np.log10(positive) < low))
    notes = [a["text"] for a in layout.get("annotations", []) if "below the axis" in a["text"]]
    assert notes == ([f"{hidden} values under {10**low:.2g}: below the axis"] if hidden else [])
    # Each trace draws its panel's norms of its layer: a gap only where a norm is exactly 0
    # (float32 may round one under the axis to 0: it was off the chart anyway).
    traces = iter(fig.data)
    for t in result.trained:
        for layer in range(t.layer_norms.shape[1]):
            y, truth = plotted(next(traces).y), t.layer_norms[:, layer]
            visible = truth >= 10**low
            np.testing.assert_allclose(y[visible], truth[visible], rtol=1e-6)
            assert np.all(np.isnan(y[truth == 0]))


def test_exploding_norms_in_a_later_panel_are_on_its_labelled_log_axis(exploding):
    from viz.network import layer_norms_figure

    fig = layer_norms_figure(exploding.trained, trainees_of(exploding), words=figure_words("zh"))
    # 4-layer ReLU at scale 10: momentum's norms (second panel) reach 1e13, gd's stay near 1e5.
    top = exploding.trained[1].layer_norms.max()
    assert top > 1e12 and exploding.trained[0].layer_norms.max() < 1e6
    axis = fig.layout.yaxis2
    assert axis.type == "log" and axis.showticklabels and axis.range[1] > np.log10(top)


# ---------------------------------------------------------------- sharpness limits (B13)


def quadratic_run(name, hp, curvature, steps=3000) -> bool:
    """Whether ``name`` with ``hp`` converges on f(x) = curvature / 2 x^2 from x = 1."""
    from optimizers import get_optimizer

    opt = get_optimizer(name)
    P = np.ones((1, 1))
    state, settings = opt.init(P), {**opt.defaults, **hp}
    for t in range(1, steps + 1):
        P, state = opt.update(P, curvature * P, state, t, settings, None)
        if not np.all(np.isfinite(P)) or np.abs(P).max() > 1e50:
            return False
    return bool(np.abs(P).max() < 1e-6)


@pytest.mark.parametrize(
    "name, hp, expected",
    [
        ("gd", {"lr": 0.5}, 4.0),
        ("gd", {"lr": 10.0}, 0.2),
        ("momentum", {"lr": 0.1, "momentum": 0.9}, 38.0),
        ("momentum", {"lr": 10.0, "momentum": 0.9}, 0.38),
        ("momentum", {"lr": 0.5, "momentum": 0.0}, 4.0),
        ("nesterov", {"lr": 0.1, "momentum": 0.9}, 2 * 1.9 / (0.1 * 2.8)),
        ("nesterov", {"lr": 0.5, "momentum": 0.5}, 3.0),
    ],
)
def test_each_methods_stability_limit_is_where_it_stops_converging_on_a_quadratic(name, hp, expected):
    from optimizers.theory import stability_limit
    from viz.network import sharpness_limit

    rule, limit = sharpness_limit(name, hp)
    assert limit == pytest.approx(expected)
    assert quadratic_run(name, hp, 0.97 * limit) and not quadratic_run(name, hp, 1.03 * limit)
    # The same rule read the other way: on curvature L, the largest stable learning rate.
    others = {k: v for k, v in hp.items() if k != "lr"}
    lr = stability_limit(rule, others, curvature=limit)
    assert lr == pytest.approx(hp["lr"])
    assert quadratic_run(name, {**hp, "lr": 0.97 * lr}, limit)
    assert not quadratic_run(name, {**hp, "lr": 1.03 * lr}, limit)


def test_adaptive_methods_get_no_line():
    from viz.network import sharpness_limit

    for name in ("adam", "adamw", "rmsprop", "adagrad", "rprop", "nadam"):
        assert sharpness_limit(name, {"lr": 0.01, "momentum": 0.9}) is None
    assert sharpness_limit("gd", {"lr": 0.0}) is None  # no learning rate, no limit


def test_the_2_over_l_check_is_written_once():
    """The stability limit was computed in three places (the Playground's caption, the Sweep's
    lines, the sharpness chart) and a fourth (the sharpness question): all read
    optimizers.theory.stability_limit now, and no other module divides 2 by a curvature or rate."""
    import ast
    from pathlib import Path

    def two(node) -> bool:  # 2, 2.0, or 2 * (...): the numerator of a stability limit
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return two(node.left)
        return isinstance(node, ast.Constant) and node.value == 2

    def rate_or_curvature(node) -> bool:  # L, lr, curvature, e.lr, a product with one
        if isinstance(node, ast.BinOp):
            return rate_or_curvature(node.left) or rate_or_curvature(node.right)
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        return name in ("L", "lr", "curvature")

    root = Path(__file__).resolve().parent.parent
    found = [
        f"{path.relative_to(root)}:{node.lineno}"
        for folder in ("ui", "viz", "pages")
        for path in sorted((root / folder).glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and two(node.left)
        and rate_or_curvature(node.right)
    ]
    assert not found, found


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_sharpness_chart_names_each_limit_in_the_legend_on_a_sane_axis(hot, language):
    from viz.network import SHARPNESS_DECADES, sharpness_figure

    fig = sharpness_figure(hot.trained, trainees_of(hot), words=figure_words(language))
    lines = [t for t in fig.data if t.line.dash == "dot"]
    expected = {"gd": 2 / 10, "momentum": 2 * 1.9 / 10}  # lr 10 each, momentum 0.9; adam: none
    assert len(lines) == 2
    for trace, (name, value) in zip(lines, expected.items(), strict=True):
        assert list(trace.y) == pytest.approx([value, value])
        assert trace.name.startswith(name) and f"{value:.3g}" in trace.name and trace.showlegend is not False
    # No label drawn on the chart itself: the limits' names are legend entries, which never overprint.
    texts = [a.text for a in fig.layout.annotations]
    assert not any("lr" in t or "学习率" in t for t in texts)
    low, high = fig.layout.yaxis.range
    values = np.concatenate([t.sharpness for t in hot.trained])
    values = values[np.isfinite(values) & (values > 0)]
    top = max(values.max(), *expected.values())
    assert high - np.log10(top) < 0.5 and np.log10(top) < high
    assert low >= np.log10(top) - SHARPNESS_DECADES - 0.5  # not 1e-216
    assert low < np.log10(min(expected.values()))  # every limit is on the chart
    under = int(np.sum(np.log10(values) < low))
    assert under > 0  # the saturated runs' 1e-12 ... 1e-249: said, not drawn
    assert len(texts) == 1 and str(under) in texts[0]


def test_sharpness_chart_of_a_calm_run_has_its_three_methods_lines(calm):
    from viz.network import sharpness_figure

    fig = sharpness_figure(calm.trained, trainees_of(calm), words=figure_words())
    lines = {t.name.split(":")[0]: t.y[0] for t in fig.data if t.line.dash == "dot"}
    gd, momentum, _ = (t.hp for t in calm.trained)
    assert gd["lr"] == pytest.approx(0.5, rel=0.01) and momentum["momentum"] == 0.9
    expected = {"gd": 2 / gd["lr"], "momentum": 2 * 1.9 / momentum["lr"]}  # adam: none
    assert lines == pytest.approx(expected)
    assert not fig.layout.annotations  # nothing under the axis


# ---------------------------------------------------------------- the landscape plane (B18)


def landscape_figure(result, language="en"):
    from viz.network import training_figure

    return training_figure(
        trainees_of(result), result.landscape, start=result.start, words=figure_words(language), frames=5
    )


def test_runs_that_got_worse_neither_choose_nor_stretch_the_plane_and_the_chart_says_so(hot):
    land = hot.landscape
    assert land.excluded == (0, 1) and land.requested == "points" and land.kind == "pca"
    width = (land.alphas[-1] - land.alphas[0], land.betas[-1] - land.betas[0])
    adam = land.coords[2]
    # Adam's path fills the plane (it sized it; the short side of a plane in equal units is
    # widened to 1 / PLANE_ASPECT of the long one), the failed paths run far off it.
    for axis, grid in ((0, land.alphas), (1, land.betas)):
        assert grid[0] < adam[:, axis].min() and adam[:, axis].max() < grid[-1]
        widened = width[axis] == pytest.approx(max(width) / ns.PLANE_ASPECT)
        assert widened or np.ptp(np.r_[adam[:, axis], 0.0, 1.0]) > 0.6 * width[axis]
    assert np.ptp(np.r_[adam[:, np.argmax(width)], 0.0, 1.0]) > 0.6 * max(width)
    for j in (0, 1):  # sizing the plane to them would have made it at least twice as wide
        c = land.coords[j]
        assert max(np.ptp(c[:, 0]) / width[0], np.ptp(c[:, 1]) / width[1]) > 2
    fig = landscape_figure(hot)
    texts = [a.text for a in fig.layout.annotations]
    title = next(t for t in texts if t.startswith("training loss on the plane"))
    assert "principal directions" in title and f"{sum(land.explained):.0%}" in title
    assert "only one end" in title  # asked for two ends: said why it is not that plane
    note = next(t for t in texts if t.startswith("where each run ends"))
    assert "ended worse than at the start): gd, momentum" in note


@pytest.mark.parametrize("which", ["hot", "calm"])
def test_the_chart_gives_each_paths_distance_off_the_plane(which, request):
    result = request.getfixturevalue(which)
    land = result.landscape
    note = next(
        a.text for a in landscape_figure(result).layout.annotations if "where each run ends" in a.text
    )
    for j, t in enumerate(result.trained):
        end = t.run.path[-1, 0] - result.start
        reach = np.linalg.norm(end)
        off = land.off[j][-1]
        if land.kind == "pca":  # orthonormal directions: Pythagoras checks the distance
            assert off**2 + np.sum(land.coords[j][-1] ** 2) == pytest.approx(reach**2, rel=1e-6)
        if off <= 1e-9 * reach:
            assert f"{t.name} 0 (on it)" in note
        else:
            assert f"{t.name} {written(off, 3)} ({off / reach:.0%})" in note  # as the app writes numbers
    if which == "calm":  # the plane through the start and gd's and momentum's ends
        assert land.kind == "points" and not land.excluded
        assert "gd 0 (on it)" in note and "momentum 0 (on it)" in note
        adam = land.off[2][-1] / np.linalg.norm(result.trained[2].run.path[-1, 0] - result.start)
        assert adam > 0.5  # Adam's end is mostly off this plane, and the chart says how much


def test_the_landscape_has_a_colour_key_of_its_own_losses(calm):
    from viz.field import compress, field_scale

    fig = landscape_figure(calm, "zh")
    keys = [t for t in fig.data if t.marker and t.marker.showscale]
    assert len(keys) == 1
    bar = keys[0].marker.colorbar
    loss = calm.landscape.loss[np.isfinite(calm.landscape.loss)]
    scale = field_scale(loss)
    assert bar.ticktext[0] == f"{loss.min():.3g}" and bar.ticktext[-1] == f"{loss.max():.3g}"
    for h, label in zip(bar.tickvals, bar.ticktext, strict=True):
        assert compress(np.array(float(label)), *scale) == pytest.approx(h, abs=2e-3)  # the image's colour
    assert bar.title.text == "损失"


def test_a_random_plane_says_it_is_random():
    result = scene({"plane": "random", "steps": "100"})
    texts = [a.text for a in landscape_figure(result).layout.annotations]
    assert any("random filter-normalized directions" in t for t in texts)


def test_the_network_figures_english_is_only_the_catalogs():
    """viz/network.py once kept its own English copy of the figure's words, and 8 of its 42
    strings had drifted from en.toml: now every word it reads is an "nf." key of each catalog,
    and it holds no copy of one."""
    import inspect

    import viz.network
    from ui.texts import LANGUAGES, prefixed_words

    source = inspect.getsource(viz.network)
    read = set(re.findall(r"words\[\s*f?[\"']([a-z_]+)", source)) - {"limit_"}
    read |= {f"limit_{kind}" for kind in ("plain", "heavy", "nesterov")}  # words[f"limit_{kind}"]
    read |= {"train", "test", "play", "pause"}  # words[which]; the Play/Pause of viz.race's controls
    assert {"train", "test_loss", "off", "alpha", "line_x", "weight"} <= read
    for language in LANGUAGES:
        assert read <= set(prefixed_words("nf.", language)), language
    english = prefixed_words("nf.", "en")
    assert not [value for value in english.values() if f'"{value}"' in source and value not in read]
    assert not hasattr(viz.network, "ENGLISH")
