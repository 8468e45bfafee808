"""Sweeps and basin maps: cells equal separate runs, labels are right, the pages run."""

import json

import numpy as np
import pytest

from optimizers import simulate
from surfaces import get_surface
from tests.conftest import assert_plain_is_validated, open_script
from ui import settings as cfg
from viz.maps import DIVERGED, STILL, basin_figure, basin_labels, sweep_figure, sweep_values


def test_a_few_sweep_cells_equal_separate_runs():
    s = get_surface("narrow_valley", kappa=20.0)
    lrs, betas = np.geomspace(1e-3, 0.2, 7), np.linspace(0.0, 0.95, 5)
    gx, gy = np.meshgrid(lrs, betas)
    starts = np.repeat(s.start[None], gx.size, axis=0)
    sweep = simulate(s, "momentum", starts, 200, record_every=200, lr=gx.ravel(), momentum=gy.ravel())
    values = sweep_values(s, sweep, "final_loss")
    for i in (0, 9, 17, 34):
        alone = simulate(s, "momentum", s.start, 200, lr=float(gx.ravel()[i]), momentum=float(gy.ravel()[i]))
        assert np.array_equal(sweep.final[i], alone.final[0])
        if alone.diverged_at[0] < 0:
            assert values[i] == pytest.approx(max(alone.loss[-1, 0] - s.f_min, 1e-16))
        else:
            assert np.isnan(values[i])


def test_sweep_shows_the_stability_boundary_of_gd():
    s = get_surface("narrow_valley", kappa=50.0)
    lrs = np.array([0.9, 0.99, 1.01, 1.1]) * 2 / 50
    run = simulate(s, "gd", np.repeat(s.start[None], 4, axis=0), 2000, record_every=2000, lr=lrs)
    diverged = sweep_values(s, run, "diverged")
    assert list(diverged) == [0.0, 0.0, 1.0, 1.0]


def test_sweep_figure_structure():
    xs, ys = np.geomspace(1e-3, 1, 20), np.linspace(0, 0.9, 10)
    fig = sweep_figure(
        xs,
        ys,
        np.random.default_rng(0).random(200),
        metric="final_loss",
        x_label="lr",
        y_label="momentum",
        log_x=True,
        log_y=False,
        lines=[("2/L", np.array([0.1, 0.1]), np.array([0, 0.9]))],
    )
    assert [t.type for t in fig.data] == ["heatmap", "scatter", "scatter", "scatter"]
    assert fig.layout.xaxis.type == "log"
    assert np.allclose(fig.layout.xaxis.range, [-3, 0])


def test_diverged_cells_have_their_colour_and_legend_and_the_theory_line_shows_on_white():
    xs, ys = np.geomspace(1e-3, 1, 20), np.linspace(0, 0.9, 10)
    values = np.random.default_rng(0).random(200)
    diverged = np.zeros(200, dtype=bool)
    diverged[150:] = True
    values[150:] = np.nan
    line = [("2/L", np.array([0.1, 0.1]), np.array([0, 0.9]))]
    common = {"x_label": "lr", "y_label": "momentum", "log_x": True, "log_y": False, "lines": line}
    fig = sweep_figure(xs, ys, values, metric="final_loss", diverged=diverged, **common)
    legend = [t.name for t in fig.data if t.type == "scatter" and t.showlegend is not False]
    assert "diverged" in legend  # its own legend entry, not a white hole
    layer = next(t for t in fig.data if t.type == "heatmap" and t.name == "diverged")
    assert np.array_equal(np.isfinite(np.asarray(layer.z, dtype=float)).ravel(), diverged)
    cells = next(t for t in fig.data if t.name == "cells")
    assert "NaN" not in " ".join(cells.text) and "diverged" in cells.text
    theory = [t for t in fig.data if t.name == "2/L"]
    assert {t.line.color for t in theory} == {"white", "#111"}  # a dark edge under the white dash
    empty = sweep_figure(xs, ys, np.full(200, np.nan), metric="converged_at", **common)
    assert "No run converged" in empty.layout.annotations[0].text
    gone = sweep_figure(xs, ys, np.full(200, np.nan), metric="final_loss", diverged=np.ones(200), **common)
    assert "Every run diverged" in gone.layout.annotations[0].text
    for figure in (fig, empty, gone):  # its layout goes out unvalidated: as plotly would send it
        assert_plain_is_validated(figure)


def test_basin_labels_on_himmelblau_near_each_minimum():
    s = get_surface("himmelblau")
    starts = s.minima + np.array([0.3, -0.2])
    run = simulate(s, "gd", np.vstack([starts, [[40.0, 40.0]]]), 500, record_every=500, lr=0.01)
    labels = basin_labels(s, run)
    assert list(labels[:4]) == [0, 1, 2, 3]
    slow = simulate(s, "gd", [[0.0, 0.0]], 3, lr=1e-4)
    assert basin_labels(s, slow)[0] == STILL
    far = simulate(s, "gd", [[4.9, 4.9]], 50, lr=0.5)
    assert basin_labels(s, far)[0] == DIVERGED


def test_basin_figure_and_a_300_by_300_grid():
    s = get_surface("himmelblau")
    xs = ys = np.linspace(-5, 5, 300)
    gx, gy = np.meshgrid(xs, ys)
    run = simulate(s, "gd", np.column_stack([gx.ravel(), gy.ravel()]), 200, record_every=200, lr=0.01)
    labels = basin_labels(s, run)
    assert run.path.shape == (2, 90000, 2)  # only what the picture needs
    assert set(np.unique(labels)) <= {0, 1, 2, 3, STILL, DIVERGED, -1}
    fig = basin_figure(s, xs, ys, labels, np.maximum(run.converged_at, 0))
    assert fig.data[0].type == "heatmap" and fig.data[0].z.dtype == np.uint8
    # 3.6 MB once (a hover text per cell): the browser took 12-23 s for three such maps.
    assert len(fig.to_json()) < 0.5e6
    assert_plain_is_validated(fig)
    # Hover words on a transparent grid of at most 60 x 60 (not 3,600 SVG markers): each coarse
    # cell says what its centre, a cell of the map, does.
    hover = next(t for t in fig.data if t.name == "cells")
    assert hover.type == "heatmap" and hover.opacity == 0 and hover.showscale is False
    assert len(hover.text) <= 60 and all(len(row) <= 60 for row in hover.text)
    step = 5  # 300 / 60
    shaped = labels.reshape(300, 300)
    for r, c in ((0, 0), (20, 47), (59, 59)):
        words = hover.text[r][c]
        assert words.startswith(f"({xs[c * step]:.3g}, {ys[r * step]:.3g})")
        label = shaped[r * step, c * step]
        assert (f"minimum ({s.minima[label, 0]:.3g}" in words) if label >= 0 else ("minimum" not in words)


def test_basin_panels_side_by_side_have_the_same_legend():
    # Panels were misaligned on six-hump camel: each listed only the minima it reached.
    s = get_surface("six_hump_camel")
    xs = ys = np.linspace(-2, 2, 40)
    first = np.zeros(1600, dtype=int)
    second = np.arange(1600) % len(s.minima)
    legends = [
        [
            t.name
            for t in basin_figure(s, xs, ys, labels, np.zeros(1600)).data
            if t.showlegend is not False and t.x == (None,)
        ]
        for labels in (first, second)
    ]
    assert legends[0] == legends[1] and len(legends[0]) == len(s.minima) + 3


def page(name, query=None):
    return open_script(f"pages/{name}.py", query, 120)


def test_sweep_page_runs_and_reacts():
    at = page("sweep")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "heatmap"
    assert any("stability limit" in (t.get("name") or "") for t in spec["data"])
    at.selectbox(key="sw.metric").select("diverged").run()
    at.selectbox(key="sw.optimizer").select("adam").run()
    assert not at.exception
    assert at.selectbox(key="sw.x").options


def test_basins_page_runs_and_reacts():
    at = page("basins")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    at.multiselect(key="ba.optimizers").set_value(["newton"]).run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    at.selectbox(key="ba.surface").select("six_hump_camel").run()
    assert not at.exception


def test_sweep_settings_live_in_the_url_and_a_link_reopens_them():
    query = {"s": "rosenbrock", "opt": "adam", "x": "lr", "y": "beta2", "side": "20", "steps": "50"}
    at = page("sweep", {**query, "metric": "diverged"})
    assert not at.exception and not at.warning and not at.info
    assert at.selectbox(key="sw.optimizer").value == "adam" and at.selectbox(key="sw.y").value == "beta2"
    assert at.slider(key="sw.side").value == 20 and at.selectbox(key="sw.metric").value == "diverged"
    assert {k: at.query_params[k] for k in query} == query
    at.slider(key="sw.steps").set_value(100).run()
    assert at.query_params["steps"] == "100"
    bad = page("sweep", {"opt": "nope", "side": "5000", "x": "zzz", "p.kappa": "1e9"})
    assert not bad.exception
    assert bad.slider(key="sw.side").value == 200 and bad.selectbox(key="sw.optimizer").value == "momentum"
    assert any("opt" in w.value and "x" in w.value for w in bad.warning)
    assert any("side" in i.value and "p.kappa" in i.value for i in bad.info)


def test_basins_settings_live_in_the_url_and_a_link_reopens_them():
    query = {"s": "himmelblau", "opt": "gd,newton", "side": "30", "steps": "40"}
    at = page("basins", query)
    assert not at.exception and not at.warning
    assert at.multiselect(key="ba.optimizers").value == ["gd", "newton"] and len(at.get("plotly_chart")) == 2
    assert {k: at.query_params[k] for k in query} == query
    at.selectbox(key="ba.surface").select("rastrigin").run()
    assert at.query_params["s"] == "rastrigin"
    bad = page("basins", {"opt": "gd,evil,adam,momentum,newton", "steps": "-5"})
    assert not bad.exception and bad.multiselect(key="ba.optimizers").value == ["gd", "adam", "momentum"]
    assert any("opt" in w.value for w in bad.warning) and any("steps" in i.value for i in bad.info)


@pytest.mark.parametrize("diverged", [False, True])
def test_a_sweep_cell_opens_its_own_run(diverged):
    # The Playground once snapped a cell's values to its sliders (momentum 0.151 -> 0.3).
    surface = get_surface("narrow_valley", kappa=50.0)
    side, steps = 30, 200
    lrs = np.geomspace(0.002, 0.09, side)
    momenta = np.linspace(0.0, 0.99, side)
    gx, gy = np.meshgrid(lrs, momenta)
    starts = np.broadcast_to(surface.start, (side * side, 2))
    sweep = simulate(
        surface, "momentum", starts, steps, record_every=steps, lr=gx.ravel(), momentum=gy.ravel()
    )
    cells = np.flatnonzero((sweep.diverged_at >= 0) == diverged)
    cell = cells[len(cells) // 2]
    hp = {"lr": float(gx.ravel()[cell]), "momentum": float(gy.ravel()[cell])}
    scene = cfg.scene_of_run("narrow_valley", {"kappa": 50.0}, "momentum", hp, steps, tuple(surface.start))
    opened, notes = cfg.playground_from_query(scene.to_query())
    assert not notes and opened.optimizers["momentum"] == hp  # exactly
    (_, run), *_ = cfg.run_all(opened, cfg.surface_of(opened))
    assert (run.diverged_at[0] >= 0) == diverged
    assert run.loss[-1, 0] == sweep.loss[-1, cell] or diverged
    at = open_script("pages/playground.py", scene.to_query())
    assert not at.exception
    assert float(at.query_params["momentum.momentum"]) == hp["momentum"]  # shown and run as is
