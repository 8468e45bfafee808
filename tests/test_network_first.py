"""The Network page draws a scene's training first and its sharpness after (issue 25, item 2):
the sharpness is most of a large scene's cost. Both halves are what one training gives."""

from __future__ import annotations

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
