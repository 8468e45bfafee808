"""Numbers on screen and in links as a person writes them (issue 26, item 10)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from ui import settings as cfg
from ui.numbers import latex, point, rounded, shown, tidy, vector
from ui.texts import text
from viz.template import fill, written


def test_what_lies_below_the_view_is_zero_and_the_rest_keeps_four_digits():
    assert point((-0.51489, 1.707e-165), scale=4.0) == "(-0.5149, 0)"
    assert point((-2.386e-13, -1.41421356), scale=8.0) == "(0, -1.414)"
    assert shown(5e-9, scale=4.0) == "5e-9"  # above the resolution: kept, its exponent unpadded
    assert shown(4e-9, scale=4.0) == "4e-9" and shown(3.9e-9, scale=4.0) == "0"  # a billionth of 4
    assert shown(1.707e-165) == "1.707e-165"  # a loss's gap has no view to vanish below


def test_a_vectors_component_a_billionth_of_the_other_is_zero():
    """The step narration's gradient (-2.386e-13, -1.414): its scale is its own size."""
    assert vector([-2.386e-13, -1.41421356]) == "(0, -1.414)"
    assert vector([3e-12, -1e-12]) == "(3e-12, -1e-12)"  # a tiny vector keeps its digits
    assert vector([0.0, -0.0]) == "(0, 0)"
    assert vector([float("inf"), 2.5e-13], lang="zh") == f"({text('num.inf', 'zh')}, 2.5e-13)"
    assert vector([1e6, 2e-3]) == "(1e+6, 0.002)" and vector([1e6, 9e-4]) == "(1e+6, 0)"  # 1e-9 of 1e6
    assert vector([1.0, 9e-10], scale=0.1) == "(1, 9e-10)"  # a scale given: its billionth


def test_a_number_in_a_formula_has_its_exponent_as_a_power_of_ten():
    assert latex(written(3.9967e-7)) == r"3.997 \times 10^{-7}" and latex(written(1e20)) == "10^{20}"
    assert latex(written(-1e-5)) == "-10^{-5}" and latex(written(0.25)) == "0.25"


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


def test_tidy_drops_float_noise_and_keeps_every_other_value_exactly():
    assert tidy(1.8000000000000007) == 1.8 and repr(tidy(1.7 + 0.1 + 0.1)) == "1.9"
    assert repr(tidy(0.1 * 3)) == "0.3" and repr(tidy(-0.0)) == "0.0"
    # a sweep's cell, a tuned rate: seventeen digits of their own, kept (a link reopens them)
    for value in (0.0022810163314627213, 0.034137931034482755, 6.02214076e23 * (1 + 1e-9), math.pi):
        assert tidy(value) == value
    for value in (0.3, 1e-300, 1.8000000000000007, 0.0022810163314627213, 5e-324):
        once = tidy(value)
        assert tidy(once) == once and float(repr(once)) == once  # a link reads back to itself
    assert rounded(0.0022810163314627213, 4) == 0.002281 and rounded(-0.0, 3) == 0.0


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


# ---- links: no float noise, on every page ----------------------------------------------------
FLOAT_TEXT = re.compile(r"-?(\d+\.\d*|\.\d+|\d+(\.\d*)?e[-+]?\d+)")


def _floats(query) -> dict[str, float]:
    return {k: float(v) for k, v in query.items() if isinstance(v, str) and FLOAT_TEXT.fullmatch(v)}


def _noisy(query) -> dict[str, str]:
    """The link with two ulps added to each of its non-zero floats: the noise binary arithmetic
    leaves (1.7 + 0.1 + 0.1 is one ulp above 1.9)."""
    noise = {
        k: repr(float(np.nextafter(np.nextafter(v, math.inf), math.inf)))
        for k, v in _floats(query).items()
        if v
    }
    return {**query, **noise}


def assert_clean(query) -> None:
    """Each float of a link is written as the shortest text of a value without noise."""
    for key, value in _floats(query).items():
        assert repr(tidy(value)) == query[key], (key, query[key])


def test_the_noise_of_a_link_is_what_the_check_sees():
    link = {"x0": "1.9", "lr": "0.001", "steps": "200", "s": "rosenbrock"}
    assert_clean(link)
    noisy = _noisy(link)
    assert noisy["x0"] == "1.9000000000000004" and noisy["steps"] == "200"
    with pytest.raises(AssertionError):
        assert_clean(noisy)


def _lesson_scenes():
    from ui.lesson_catalog import LESSONS

    return [
        pytest.param(lesson.page, scene.query, id=f"{lesson.key}-{i}")
        for lesson in LESSONS
        for i, scene in enumerate(lesson.scenes)
    ]


@pytest.mark.parametrize(("page", "query"), _lesson_scenes())
def test_every_lessons_link_is_clean_and_reads_back_through_noise(page, query):
    """Each lesson's scene opens its page with a link: the link the page then writes has no float
    noise, and the same link with noise in every float reads back to it, with nothing to say."""
    from ui import network_scene as ns

    read = cfg.playground_from_query if page == "playground" else ns.network_from_query
    scene, notes = read(query)
    link = scene.to_query()
    assert_clean(link)
    again, notes = read(_noisy(link))
    assert again.to_query() == link and not notes
    assert again == scene


@pytest.mark.parametrize(
    ("script", "query"),
    [
        (
            "pages/playground.py",
            {
                "s": "narrow_valley",
                "p.kappa": "25.5",
                "opt": "momentum",
                "x0": "-1.3",
                "y0": "0.7",
                "noise": "0.05",
            },
        ),
        (
            "pages/custom.py",
            {"f": "x^2 + 3*y^2", "b": "-2.5,2,-1.5,3", "opt": "adam", "x0": "1.1", "y0": "-0.9"},
        ),
        (
            "pages/sweep.py",
            {"s": "narrow_valley", "p.kappa": "12.5", "opt": "momentum", "side": "10", "steps": "50"},
        ),
        ("pages/network.py", {"steps": "60", "n": "40", "noise": "0.15", "scale": "0.7"}),
    ],
)
def test_a_pages_link_has_no_float_noise_and_noise_in_a_link_is_dropped(script, query):
    """(The Basins page's link holds no float: a surface, optimizers, a grid side, steps.)"""
    from tests.conftest import open_script

    first = open_script(script, query, timeout=300)
    assert not first.exception
    link = dict(first.query_params)
    assert_clean(link)
    assert _floats(link), link  # the test sees floats
    again = open_script(script, _noisy(link), timeout=300)
    assert not again.exception and not first.warning and not again.warning
    assert [i.value for i in again.info] == [i.value for i in first.info]  # no notice of a moved value
    assert dict(again.query_params) == link


def test_a_start_stepped_in_its_field_is_written_in_the_link_as_stepped():
    from tests.conftest import open_script

    at = open_script("pages/playground.py", {"s": "himmelblau"}, timeout=180)
    at.number_input(key="w.x0").set_value(1.7 + 0.1 + 0.1).run()
    at.number_input(key="w.y0").set_value(0.1 * 3).run()
    assert not at.exception
    assert (at.query_params["x0"], at.query_params["y0"]) == ("1.9", "0.3")


def test_a_sweeps_grid_is_written_as_a_person_writes_it_and_its_cell_opens_as_it():
    """The Sweep's axes hold four significant digits (lr 0.002281, not 0.0022810163314627213):
    the best cell's button opens the Playground with those very values in its link."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("pages/sweep.py")
    at.query_params.update(
        {"s": "narrow_valley", "opt": "momentum", "x": "lr", "y": "momentum", "side": "10", "steps": "60"}
    )
    at.run()
    spec = at.session_state["sweep_last"]
    assert all(value == rounded(value, 4) for value in spec["xs"] + spec["ys"]), spec
    assert any(value != rounded(value, 3) for value in spec["xs"] + spec["ys"])  # four, not fewer
    at.button(key="sweep_best").click().run()
    assert not at.exception
    link = dict(at.query_params)
    assert_clean(link)
    assert (
        float(link["momentum.lr"]) in spec["xs"] and float(link.get("momentum.momentum", "0.9")) in spec["ys"]
    )
