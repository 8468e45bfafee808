"""The Network page draws a scene's training first and its sharpness after (issue 25, item 2):
the sharpness is most of a large scene's cost. Both halves are what one training gives."""

from __future__ import annotations

import json

import numpy as np

from tests.conftest import open_script
from ui import network_scene as ns


def test_the_sharpness_computed_after_is_the_sharpness_computed_with_the_training():
    s, notes = ns.network_from_query({"steps": "120", "n": "100", "opt": "gd,adam", "units": "8"})
    assert notes == ns.network_from_query({})[1]
    whole = ns.train(s)
    first = ns.train(s, with_sharpness=False)
    assert all(np.isnan(t.sharpness).all() for t in first.trained)
    later = ns.sharpen(first)
    for a, b in zip(whole.trained, later.trained, strict=True):
        assert np.array_equal(a.sharpness_steps, b.sharpness_steps)
        np.testing.assert_allclose(b.sharpness, a.sharpness, rtol=1e-12)
        assert np.isfinite(b.sharpness).all()
        np.testing.assert_array_equal(a.run.path, b.run.path)


def test_the_page_says_what_it_trains_and_draws_the_sharpness_chart():
    at = open_script("pages/network.py", {"steps": "100", "n": "100", "opt": "gd"})
    assert not at.exception
    texts = [m.value for m in at.markdown if "lab-chart-text" in m.value]
    assert any("sharpness" in t.lower() for t in texts), texts


def test_the_landscape_computed_after_is_the_landscape_computed_with_the_training():
    query = {"steps": "80", "n": "100", "opt": "gd,adam", "units": "8", "plane": "pca"}
    s, _ = ns.network_from_query(query)
    whole = ns.train(s, with_sharpness=False)
    first = ns.train(s, with_sharpness=False, with_plane=False)
    assert first.landscape is None and whole.landscape is not None
    later = ns.add_plane(first).landscape
    np.testing.assert_array_equal(later.loss, whole.landscape.loss)
    np.testing.assert_array_equal(later.alphas, whole.landscape.alphas)
    for a, b in zip(whole.landscape.coords, later.coords, strict=True):
        np.testing.assert_array_equal(a, b)
    # the page's estimate of its cost: every network of the grid on every training point (the
    # 1,000 test points with ptest=1)
    assert ns.plane_work(first) == ns.PLANE_SIDE**2 * 100 * first.net.dim
    tested = ns.train(
        ns.network_from_query({**query, "ptest": "1"})[0], with_sharpness=False, with_plane=False
    )
    assert ns.plane_work(tested) == ns.PLANE_SIDE**2 * 1000 * first.net.dim


def test_a_heavy_landscape_is_drawn_after_the_runs_and_the_page_ends_with_the_whole_figure(monkeypatch):
    monkeypatch.setattr(ns, "PLANE_FIRST_WORK", 0.0)  # every landscape is heavy
    query = {"steps": "60", "n": "100", "opt": "gd,adam", "units": "8", "seed": "7"}
    at = open_script("pages/network.py", query)
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    # the runs-first chart was replaced: the page ends with one training figure, the plane in it
    with_plane = [s for s in specs if any(t.get("name") == "contours" for t in s["data"])]
    assert len(with_plane) == 1, [len(s["data"]) for s in specs]
    assert sum(bool(s.get("frames")) for s in specs) == 1  # one animated training figure
    names = [m.value for m in at.markdown if "lab-chart-text" in m.value]
    assert len(names) == len(specs)  # one text per chart: the first one's text was replaced too


def test_a_heavy_trainings_first_drawing_is_the_same_runs_with_fewer_records():
    s, _ = ns.network_from_query({"steps": "200", "n": "100", "opt": "gd,adam", "units": "8", "batch": "16"})
    whole = ns.train(s, with_sharpness=False, with_plane=False)
    first = ns.train(s, with_sharpness=False, with_plane=False, records=ns.PREVIEW_RECORDS)
    for a, b in zip(whole.trained, first.trained, strict=True):
        assert len(b.run.step) == ns.PREVIEW_RECORDS + 1 < len(a.run.step)
        at = np.searchsorted(a.run.step, b.run.step)
        np.testing.assert_array_equal(a.run.step[at], b.run.step)
        np.testing.assert_array_equal(a.run.path[at], b.run.path)  # the same runs, to the last bit
        np.testing.assert_array_equal(a.run.loss[at], b.run.loss)
    # the estimate the page decides with: the heaviest link is heavy, the default scene is not
    heaviest = {"n": "1000", "steps": "2000", "batch": "1", "units": "64", "layers": "4"}
    assert ns.training_work(ns.network_from_query({**heaviest, "opt": "gd,momentum,adam,rmsprop"})[0]) > (
        2 * ns.PREVIEW_WORK
    )
    assert ns.training_work(ns.network_from_query({})[0]) < 0.1 * ns.PREVIEW_WORK


def test_a_heavy_training_is_drawn_first_with_fewer_records_and_the_page_ends_with_all(monkeypatch):
    monkeypatch.setattr(ns, "PREVIEW_WORK", 0.0)  # every training is heavy
    query = {"steps": "60", "n": "100", "opt": "gd,adam", "units": "8", "seed": "11"}
    at = open_script("pages/network.py", query)
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    animated = [s for s in specs if s.get("frames")]
    assert len(animated) == 1  # the first drawing was replaced
    whole = ns.train(ns.network_from_query(query)[0], with_sharpness=False, with_plane=False)
    assert len(animated[0]["frames"]) == min(ns.FRAMES, len(whole.trained[0].run.step))
