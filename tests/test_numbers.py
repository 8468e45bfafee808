"""Numbers on screen and in links as a person writes them (issue 26, item 10)."""

from __future__ import annotations

import math

import pytest

from ui import settings as cfg
from ui.numbers import point, shown, tidy
from ui.texts import text
from viz.template import fill, written


def test_what_lies_below_the_view_is_zero_and_the_rest_keeps_four_digits():
    assert point((-0.51489, 1.707e-165), scale=4.0) == "(-0.5149, 0)"
    assert point((-2.386e-13, -1.41421356), scale=8.0) == "(0, -1.414)"
    assert shown(5e-9, scale=4.0) == "5e-9"  # above the resolution: kept, its exponent unpadded
    assert shown(4e-9, scale=4.0) == "4e-9" and shown(3.9e-9, scale=4.0) == "0"  # a billionth of 4
    assert shown(1.707e-165) == "1.707e-165"  # a loss's gap has no view to vanish below


@pytest.mark.parametrize(
    ("value", "written_as"),
    [
        (1.8000000000000007, "1.8"),
        (0.1 + 0.2, "0.3"),
        (-0.0, "0"),
        (-1e-300 * 1e-300, "0"),  # -0 again, from an underflow
        (1e-5, "1e-5"),
        (2.5e-12, "2.5e-12"),
        (12345.678, "12346"),  # whole below a million, not 1.235e+4
        (999999.4, "999999"),
        (1234567.0, "1.235e+6"),
        (1e20, "1e+20"),
        (-3.14159, "-3.142"),
        (float(2**53), "9.007e+15"),
        (1e308 * 10, "inf"),
    ],
)
def test_a_number_is_written_without_float_noise(value, written_as):
    assert written(value) == written_as


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_is_not_a_number_is_said_in_words(lang):
    assert shown(float("nan"), lang=lang) == text("num.nan", lang)
    assert shown(math.inf, lang=lang) == text("num.inf", lang)
    assert shown(-math.inf, lang=lang) == text("num.minus_inf", lang)
    assert len({text(k, lang) for k in ("num.nan", "num.inf", "num.minus_inf")}) == 3
    assert point((float("nan"), 1.0), lang=lang) == f"({text('num.nan', lang)}, 1)"


def test_the_catalogs_numbers_are_written_the_same_way():
    """A sentence's ``{loss:.3g}`` goes through the same writing: no padded exponent, no -0."""
    assert (
        fill("{a:.3g} {b:.2g} {c:g} {d:.0%} {e}", a=1e-5, b=-0.0, c=0.1 + 0.2, d=0.5, e=7)
        == "1e-5 0 0.3 50% 7"
    )
    assert text("fig.rec.gain", "en", gain=0.1 + 0.2) == "|w σ′| = 0.3"
    assert text("nf.below", "zh", count=3, floor=1e-9).startswith("3") and "1e-9" in text(
        "nf.below", "zh", count=3, floor=1e-9
    )


def test_tidy_keeps_what_a_person_meant_and_reads_back_to_itself():
    assert tidy(1.8000000000000007) == 1.8 and repr(tidy(1.7 + 0.1 + 0.1)) == "1.9"
    assert repr(tidy(-0.0)) == "0.0"
    for value in (0.0022810163314627213, 1e-300, 6.02214076e23, -123.456):
        once = tidy(value)
        assert tidy(once) == once and float(repr(once)) == once
        assert abs(once - value) <= 1e-11 * abs(value)  # twelve digits: nothing a chart shows


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
