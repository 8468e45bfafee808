"""The Sweep page's ways into the Playground: a click on a cell, and for a keyboard the button
that opens the best cell."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_the_best_cell_opens_by_a_button():
    """The button opens the cell of lowest final loss: the Playground then shows that cell's
    learning rate and momentum (not the defaults), and its sweep said the same cell."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"opt": "gd"})
    at.run()
    at.switch_page("pages/sweep.py")
    at.query_params.update({"side": "10", "steps": "60"})
    at.run()
    assert not at.exception
    spec = at.session_state["sweep_last"]
    texts = [m.value for m in at.markdown if "lab-chart-text" in m.value]
    assert texts and "Lowest" in texts[0]
    at.button(key="sweep_best").click().run()
    assert not at.exception
    assert at.session_state["w.surface"] == spec["surface"]

    def shown(name: str) -> float:  # a hyperparameter's widget, or the noise's
        return at.session_state["w.noise" if name == "noise" else f"w.{spec['optimizer']}.{name}"]

    x, y = shown(spec["x"]), shown(spec["y"])
    assert (spec["x"], spec["y"]) == ("lr", "noise")  # the default sweep of this test
    assert np.isclose(x, min(spec["xs"], key=lambda v: abs(v - x)))
    assert np.isclose(y, min(spec["ys"], key=lambda v: abs(v - y)))
    assert f"= {x:.4g}" in texts[0] and f"= {y:.4g}" in texts[0], texts[0]
