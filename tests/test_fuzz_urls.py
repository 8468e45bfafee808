"""Hostile links, generated: each page opens any link, names in its notice every setting of the
link it replaced or moved into range (and only those), and writes back a link that opens the same
scene again, with nothing left to correct. The Network page's own: tests/test_network_page.py."""

import math

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import open_script
from ui.settings import PLAIN_FIELDS
from ui.texts import text

PAGES = ["pages/playground.py", "pages/custom.py", "pages/lessons.py", "pages/sweep.py", "pages/basins.py"]
KEYS = [
    *PLAIN_FIELDS,
    *("s", "opt", "x0", "y0", "adam.lr", "gd.lr", "momentum.momentum", "rmsprop.centered"),
    *("cg.variant", "lbfgs.history", "p.kappa", "p.angle", "lang", "f", "b", "page", "lesson"),
    *("present", "x", "y", "side", "metric", ""),
]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-1e308", "1e-320", "0", "-0", "0x10", "1_000"]),
)
PLAUSIBLE = st.one_of(  # values a page may take as they are: what it writes back must mean them
    st.integers(min_value=0, max_value=3000).map(str),
    st.floats(min_value=-3, max_value=3).map(repr),
    st.sampled_from(["gd", "adam,momentum", "himmelblau", "0.01", "1e-3", "0.5", "1", "true"]),
)
VALUES = st.one_of(
    NUMBERS,
    PLAUSIBLE,
    st.text(max_size=30),
    st.text(alphabet="xy+-*/^()0123456789.,sincoexpabg_'\"[]{}:;", max_size=60),
    st.sampled_from(
        [
            *("rosenbrock", "adam,gd", "gd," * 50, "ring", "l1_ball", "linear", "zh", "__import__('os')"),
            *("é中文🙂", "-2,2,-1,1", "-31,31,-3,3", "nan,nan,nan,nan", "x" * 5000),
            "-100,100,-100,100",  # bounds beyond the sliders' +-30 once raised
        ]
    ),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), st.text(max_size=10)),  # mostly real keys
    st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),  # lists: a repeated key
    max_size=8,
)
# Each example opens all five pages twice (about 2 s): 15 examples keep the file near a minute.
PROFILE = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def named(at) -> set[str]:
    """The settings the page's notices name as replaced by defaults or moved into range."""
    keys = set()
    for notice in [w.value for w in at.warning] + [i.value for i in at.info]:
        for kind in ("pg.notice", "pg.clamped"):
            head = text(kind, "en").split("{what}")[0]
            if notice.startswith(head):
                keys |= set(notice[len(head) :].split(", "))
    return keys


def widget_values(at) -> dict:
    return {
        w.key: w.value
        for kind in ("slider", "select_slider", "selectbox", "multiselect", "number_input", "text_input")
        for w in at.get(kind)
        if getattr(w, "key", None)
    }


def same_value(given: str, written: str) -> bool:
    """The link's value and the one written back mean the same (``1e1`` and ``10.0`` do)."""
    if given == written:
        return True
    try:
        a, b = float(given), float(written)
    except ValueError:
        return list(dict.fromkeys(given.split(","))) == written.split(",")  # a repeat dropped
    return a == b or (math.isnan(a) and math.isnan(b))


def single(value) -> str | None:
    return value if isinstance(value, str) else None  # a repeated key: the page takes one of them


@PROFILE
@given(QUERIES)
def test_each_page_names_in_its_notice_every_setting_it_changed_and_only_those(query):
    for script in PAGES:
        at = open_script(script, query, timeout=120)
        assert not at.exception, (script, query, [e.value for e in at.exception])
        told = named(at)
        assert told <= set(query), (script, query, told)  # nothing invented
        written = dict(at.query_params)
        for key in set(query) & set(written) - told:
            given = single(query[key])
            assert given is None or same_value(given, written[key]), (script, key, given, written[key])


@PROFILE
@given(QUERIES)
def test_the_link_a_page_writes_back_reopens_the_same_scene_with_no_notice(query):
    for script in PAGES:
        first = open_script(script, query, timeout=120)
        link = dict(first.query_params)
        again = open_script(script, link, timeout=120)
        assert not again.exception and not named(again), (script, link, named(again))
        assert dict(again.query_params) == link, script
        assert widget_values(again) == widget_values(first), script


@pytest.mark.parametrize("script", [p for p in PAGES if p != "pages/lessons.py"])
def test_a_value_below_a_sliders_range_is_moved_to_its_lower_end_and_named(script):
    # Below: the cheap end (fewer steps, a coarser grid); the generated links reach the other.
    # A slider's link key is its widget key without the page's prefix. A slider the link does
    # not set (the tuning's count) keeps its default; a default is not written back.
    sliders = [s for s in open_script(script, timeout=120).slider if not isinstance(s.value, tuple)]
    keys = {s.key.split(".", 1)[1]: s for s in sliders}
    low = {key: repr(s.min - 10 * (s.max - s.min) - 1) for key, s in keys.items()}
    at = open_script(script, low, timeout=120)
    told = named(at)
    assert told and told <= set(low), (told, low)
    for key, s in keys.items():
        if key in told:
            assert at.slider(key=s.key).value == s.min, key
            assert float(at.query_params.get(key, s.min)) == s.min, key
        else:
            assert at.slider(key=s.key).value == s.value and key not in at.query_params, key
