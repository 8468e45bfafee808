"""Numbers on screen and in links as a person writes them (issue 26, item 10)."""

from __future__ import annotations

from ui import settings as cfg
from ui.numbers import point, shown


def test_what_lies_below_the_view_is_zero_and_the_rest_keeps_four_digits():
    assert point((-0.51489, 1.707e-165), scale=4.0) == "(-0.5149, 0)"
    assert point((-2.386e-13, -1.41421356), scale=8.0) == "(0, -1.414)"
    assert shown(5e-9, scale=4.0) == "5e-09"  # above the resolution: kept
    assert shown(float("nan")) == "nan"


def test_a_start_stepped_by_a_tenth_is_written_in_the_link_as_stepped():
    """The Playground's x field stepped from 1.7 twice holds 1.9000000000000001 (binary
    arithmetic); the settings and the link say 1.9, and the link reads back to them exactly."""
    from surfaces import SURFACES

    surface = SURFACES["rosenbrock"]
    values = cfg.playground_widget_values(cfg.defaults_for("rosenbrock"))
    values["x0"], values["y0"] = 1.7 + 0.1 + 0.1, 0.1 + 0.2
    assert repr(values["x0"]) == "1.9000000000000001"
    s = cfg.playground_from_widgets(values, surface, "en")
    query = s.to_query()
    assert (query["x0"], query["y0"]) == ("1.9", "0.3")
    assert cfg.playground_from_query(query)[0] == s
