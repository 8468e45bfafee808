"""Hostile links, generated: each page opens any link, names in its notice every setting of the
link it replaced or moved into range (and only those), and writes back a link that opens the same
scene again, with nothing left to correct. The Network page's own: tests/test_network_page.py."""

import math

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import open_script
from ui import network_scene as ns
from ui import settings as cfg
from ui.settings import PLAIN_FIELDS
from ui.texts import text
from viz.optimizer_views import view

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


NOTICES = ("pg.notice", "pg.clamped", "pg.snapped", "pg.left_out")  # each names keys of the link
OPTIMIZER_NOTICES = ("pg.unavailable", "pg.unavailable_defaults")  # each names optimizers of opt


def named(at) -> set[str]:
    """The settings the page's notices name as replaced by defaults, left out or moved to an
    allowed value."""
    keys = set()
    for notice in [w.value for w in at.warning] + [i.value for i in at.info]:
        for kind in NOTICES:
            head = text(kind, "en").split("{what}")[0]
            if notice.startswith(head):
                keys |= set(notice[len(head) :].split(", "))
        if notice.startswith(tuple(text(kind, "en").split("{what}")[0] for kind in OPTIMIZER_NOTICES)):
            keys.add("opt")
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


# -- every key of every page at and beyond the float limits ----------------------------------
def _hyperparameter_keys(optimizers) -> list[str]:
    return [f"{name}.{key}" for name in optimizers for key in view(name).shown]


RACE_KEYS = [  # the Playground's race (also on the Custom page), its default optimizers
    "opt",
    *_hyperparameter_keys(cfg.PLAYGROUND_DEFAULT_OPTIMIZERS),
    *("x0", "y0", "lang"),
    *PLAIN_FIELDS,
]
# Per page: the keys it reads, and the ones held valid so that the others are read (a surface
# with parameters, an expression that parses); those are tested on their own below.
PAGE_KEYS = {
    "pages/playground.py": ({"s": "narrow_valley"}, ["p.kappa", "p.angle", *RACE_KEYS]),
    "pages/custom.py": ({"f": "x^2 + 3*y^2"}, ["b", *RACE_KEYS]),
    "pages/lessons.py": ({}, ["lesson", "present", "ask"]),
    "pages/network.py": (
        {},
        ["opt", *_hyperparameter_keys(ns.NETWORK_DEFAULT_OPTIMIZERS), "lang", *ns.NET_SETTINGS],
    ),
    "pages/sweep.py": (
        {"s": "narrow_valley"},
        ["p.kappa", "p.angle", "opt", "x", "y", "side", "steps", "metric", "theory"],
    ),
    "pages/basins.py": ({}, ["s", "opt", "side", "steps"]),
}
LIMITS = ["1.7976931348623157e308", "-1.7976931348623157e308", "1e309", "-1e309", "nan", "inf", "-inf"]
HUGE = "9" * 100_000
# At the largest float every number moves to the top of its range: the Network page's heaviest
# scene (issue 25, item 2) takes it beyond a test's budget; its link is read below instead.
HEAVY = {("pages/network.py", "1.7976931348623157e308")}


def _expected(script: str, keys: list[str], value: str) -> set[str]:
    """The keys a notice must name: all of them, but an empty list of optimizers (a scene
    with none chosen, as the app writes it) and then the hyperparameters no optimizer reads."""
    if value == "" and script != "pages/sweep.py":
        return {k for k in keys if (k != "opt" and "." not in k) or k.startswith("p.")}
    return set(keys)


# Every page with every value, but the heaviest in-range network (trained, not read: the read
# test below takes it; no test here is skipped).
FLOAT_CASES = [
    (script, value)
    for script in PAGE_KEYS
    for value in [*LIMITS[:3], "nan", ""]
    if (script, value) not in HEAVY
]


@pytest.mark.parametrize(
    ("script", "value"), FLOAT_CASES, ids=[f"{s.split('/')[-1]}-{v[:24] or 'empty'}" for s, v in FLOAT_CASES]
)
def test_every_key_of_every_page_at_the_float_limits_nan_and_empty_is_named(script, value):
    held, keys = PAGE_KEYS[script]
    at = open_script(script, {**held, **dict.fromkeys(keys, value)}, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    told = named(at)
    assert _expected(script, keys, value) <= told <= set(keys), told ^ set(keys)


@pytest.mark.parametrize("script", list(PAGE_KEYS))
def test_every_key_of_every_page_with_a_huge_value_is_named(script):
    # Five keys a link: Streamlit ignores a query string over 524,288 characters whole (the
    # page opens its defaults, with no notice: the test below).
    held, keys = PAGE_KEYS[script]
    for i in range(0, len(keys), 5):
        group = keys[i : i + 5]
        at = open_script(script, {**held, **dict.fromkeys(group, HUGE)}, timeout=120)
        assert not at.exception and named(at) == set(group), (group, named(at))


def test_a_link_longer_than_streamlit_reads_opens_the_defaults():
    keys = ["steps", "noise", "seed", "x0", "y0", "tau"]  # 600,000 characters
    at = open_script("pages/playground.py", dict.fromkeys(keys, HUGE))
    assert not at.exception and not named(at)
    assert at.slider(key="w.steps").value == cfg.SETTINGS["steps"].default


@pytest.mark.parametrize("value", [*LIMITS, "", HUGE], ids=lambda v: v[:24] or "empty")
def test_the_network_link_at_the_float_limits_is_read_with_every_key_named(value):
    _, keys = PAGE_KEYS["pages/network.py"]
    s, notes = ns.network_from_query(dict.fromkeys(keys, value))
    assert _expected("pages/network.py", keys, value) <= notes.keys <= set(keys)
    assert s == ns.network_from_query(s.to_query())[0] and not ns.network_from_query(s.to_query())[1]
    if value.startswith("1.79"):  # every number at the top of its range
        assert (s.n, s.steps, s.layers, s.units, s.batch) == (1000, ns.NETWORK_MAX_STEPS, 4, 64, 512)


DEPENDED_ON = [*LIMITS[::2], "", HUGE, "x^2 + 1e308*y^2"]


@pytest.mark.parametrize("value", DEPENDED_ON, ids=lambda v: v[:24] or "empty")
def test_the_keys_other_keys_depend_on_take_hostile_values_too(value):
    for script, key in (("pages/playground.py", "s"), ("pages/sweep.py", "s"), ("pages/custom.py", "f")):
        at = open_script(script, {key: value, "p.kappa": "1e309"}, timeout=120)
        assert not at.exception, (script, [e.value for e in at.exception])
        if key == "s":  # not a surface: the page's default one (the Sweep's has a kappa)
            assert "s" in named(at) <= {"s", "p.kappa"}
        else:  # the expression is the page itself: it says what is wrong with it, or draws it
            assert at.error or at.get("plotly_chart"), script


def test_repeated_keys_take_the_last_value_and_a_bad_last_one_is_named():
    at = open_script("pages/network.py", {"steps": ["100", "200"], "batch": ["16", "3"]}, timeout=120)
    assert not at.exception and named(at) == {"batch"}
    assert at.query_params["steps"] == "200" and at.query_params["batch"] == "4"


def test_a_custom_link_with_bounds_near_the_float_limit_is_moved_into_range():
    bounds = "-1.7976931348623157e308,1.7976931348623157e308,-1e308,1e308"
    at = open_script("pages/custom.py", {"f": "x^2 + y^2", "b": bounds}, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert named(at) == {"b"}
    assert at.slider(key="w.bx").value == (-30.0, 30.0) and at.slider(key="w.by").value == (-30.0, 30.0)
    at = open_script("pages/custom.py", {"f": "x^2 + y^2", "b": "1.7976931348623157e308,1e309,0,1"})
    assert not at.exception and named(at) == {"b"} and at.toggle(key="w.auto").value is True


# -- what the notice says ------------------------------------------------------------------------
def notices_of(at) -> list[str]:
    """The notices about the link (not a run's own warnings: "has not converged")."""
    heads = tuple(text(kind, "en").split("{what}")[0] for kind in (*NOTICES, *OPTIMIZER_NOTICES))
    return [n for n in [w.value for w in at.warning] + [i.value for i in at.info] if n.startswith(heads)]


@pytest.mark.parametrize(("value", "end"), [("100", max(cfg.LR_GRID)), ("-1", min(cfg.LR_GRID))])
def test_a_learning_rate_beyond_its_range_moves_to_its_nearest_end_on_both_pages(value, end):
    s, notes = cfg.playground_from_query({"opt": "gd", "gd.lr": value})
    assert s.optimizers["gd"]["lr"] == end and notes.clamped == ("gd.lr",) and not notes.replaced
    s, notes = ns.network_from_query({"gd.lr": value})
    assert s.optimizers["gd"]["lr"] == end and notes.clamped == ("gd.lr",) and not notes.replaced
    at = open_script("pages/network.py", {"gd.lr": value, "steps": "50"}, timeout=120)
    assert notices_of(at) == [text("pg.clamped", "en", what="gd.lr")]
    assert at.query_params["gd.lr"] == repr(end)


def test_optimizers_the_network_page_does_not_offer_are_named_and_the_defaults_shown():
    at = open_script("pages/network.py", {"opt": "newton,bfgs", "steps": "50"}, timeout=120)
    assert not at.exception
    assert notices_of(at) == [text("pg.unavailable_defaults", "en", what="newton, bfgs")]
    assert at.multiselect(key="n.opt").value == list(ns.NETWORK_DEFAULT_OPTIMIZERS)
    assert at.get("plotly_chart") and text("nw.none", "en") not in [i.value for i in at.info]
    s, notes = ns.network_from_query({"opt": "newton,adam"})
    assert list(s.optimizers) == ["adam"] and notes.unavailable == ("newton",) and not notes.instead
    s, notes = ns.network_from_query({"opt": "nope,adam"})
    assert list(s.optimizers) == ["adam"] and notes.left_out == ("opt",) and not notes.unavailable
    _, notes = ns.network_from_query({"opt": "nope"})
    assert notes.replaced == ("opt",)
    assert "newton" in text("pg.unavailable_defaults", "zh", what="newton")


@pytest.mark.parametrize(("value", "batch"), [("3", 4), ("5", 4), ("24", 32), ("400", 512), ("0.4", 1)])
def test_a_batch_between_the_sizes_offered_takes_the_nearest_and_says_so(value, batch):
    s, notes = ns.network_from_query({"batch": value})
    assert s.batch == batch
    assert notes.snapped == ("batch",) if float(value) >= 1 else notes.clamped == ("batch",)
    s, notes = ns.network_from_query({"batch": "0"})  # the full batch, as it is
    assert s.batch == 0 and not notes


def test_a_whole_number_between_a_sliders_steps_takes_the_nearest_step_and_says_so():
    for table in (cfg.SETTINGS, ns.NET_SETTINGS):
        for name, spec in table.items():
            if spec.widget in ("slider", "number") and spec.integer:
                low, step = spec.bounds[0], spec.step or 1
                r = cfg.QueryReader({name: repr(low + 1.4 * step)})
                assert r.setting(spec) == low + step and r.notes().snapped == (name,), name
    s, notes = cfg.playground_from_query({"opt": "lbfgs", "lbfgs.history": "7.6"})
    assert s.optimizers["lbfgs"]["history"] == 8 and notes.snapped == ("lbfgs.history",)
    s, notes = cfg.playground_from_query({"opt": "lbfgs", "lbfgs.history": "7"})
    assert s.optimizers["lbfgs"]["history"] == 7 and not notes  # a whole number: the slider offers it
    at = open_script("pages/playground.py", {"steps": "144"}, timeout=120)
    assert notices_of(at) == [text("pg.snapped", "en", what="steps")] and at.query_params["steps"] == "140"


@pytest.mark.parametrize("script", ["pages/sweep.py", "pages/basins.py"])
def test_the_maps_sides_and_steps_between_their_sliders_steps_take_the_nearest(script):
    at = open_script(script, {"side": "26", "steps": "14"}, timeout=120)
    assert not at.exception and notices_of(at) == [text("pg.snapped", "en", what="side, steps")]
    assert (at.query_params["side"], at.query_params["steps"]) == ("30", "10")
