"""Hostile URLs: hundreds of generated query strings per page; every page loads, none raises."""

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from tests.conftest import open_script
from ui.settings import PLAIN_FIELDS

KEYS = [
    *PLAIN_FIELDS,
    "s",
    "opt",
    "x0",
    "y0",
    "adam.lr",
    "gd.lr",
    "momentum.momentum",
    "rmsprop.centered",
    "cg.variant",
    "lbfgs.history",
    "p.kappa",
    "p.angle",
    "lang",
    "f",
    "b",
    "page",
    "lesson",
    "present",
    "x",
    "y",
    "side",
    "metric",
    "",
]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-1e308", "1e-320", "0", "-0", "0x10", "1_000"]),
)
VALUES = st.one_of(
    NUMBERS,
    st.text(max_size=30),
    st.text(alphabet="xy+-*/^()0123456789.,sincoexpabg_'\"[]{}:;", max_size=60),
    st.sampled_from(
        [
            "rosenbrock",
            "adam,gd",
            "gd," * 50,
            "ring",
            "l1_ball",
            "linear",
            "zh",
            "__import__('os')",
            "é中文🙂",
            "-2,2,-1,1",
            "-100,100,-100,100",  # bounds beyond the sliders' +-30 once raised
            "-31,31,-3,3",
            "nan,nan,nan,nan",
            "x" * 5000,
        ]
    ),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=10)),
    st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),  # lists: a repeated key
    max_size=8,
)
PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@PROFILE
@given(QUERIES)
def test_playground_survives_any_url(query):
    at = open_script("pages/playground.py", query)
    assert not at.exception, (query, [e.value for e in at.exception])


@PROFILE
@given(QUERIES)
def test_custom_page_survives_any_url(query):
    at = open_script("pages/custom.py", query)
    assert not at.exception, (query, [e.value for e in at.exception])


@PROFILE
@given(QUERIES)
def test_lessons_page_survives_any_url(query):
    at = open_script("pages/lessons.py", query)
    assert not at.exception, (query, [e.value for e in at.exception])


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(QUERIES)
def test_sweep_and_basins_pages_survive_any_url(query):
    for script in ("pages/sweep.py", "pages/basins.py"):
        at = open_script(script, query)
        assert not at.exception, (script, query, [e.value for e in at.exception])
