"""The Playground's settings object and its URL form: round trips and hostile input."""

import math

import hypothesis.strategies as st
from hypothesis import given, settings

from surfaces import SURFACES
from ui import settings as cfg


def test_defaults_for_every_surface_are_valid():
    for name in SURFACES:
        s = cfg.defaults_for(name)
        assert list(s.optimizers) == list(cfg.PLAYGROUND_DEFAULT_OPTIMIZERS)
        for hp in s.optimizers.values():
            assert hp["lr"] > 0 and hp["lr"] in cfg.LR_GRID


def test_query_round_trip_keeps_every_setting():
    s = cfg.defaults_for("narrow_valley")
    s.params = {"kappa": 100.0, "angle": 30.0}
    s.optimizers = {
        "nesterov": {"lr": 0.00794, "momentum": 0.95},
        "rmsprop": {"lr": 0.01, "rho": 0.9, "momentum": 0.5, "centered": True},
        "cg": {"variant": "FR", "line_search": True},
    }
    s.start = (1.5, -2.0)
    s.starts, s.count, s.spread, s.steps = "ring", 12, 0.2, 800
    s.clip, s.clip_at = "norm", 0.5
    s.schedule, s.tau, s.final = "linear", 300, 0.05
    s.noise, s.seed = 0.3, 42
    s.reg, s.strength = "l2_ball", 2.0
    s.lang = "zh"
    back, notes = cfg.playground_from_query(s.to_query())
    assert back == s and not notes


def test_hostile_values_fall_back_or_are_clamped():
    query = {
        "s": "nope",
        "opt": "adam,evil,adam",
        "adam.lr": "nan",
        "steps": "1e12",
        "noise": "-5",
        "x0": "inf",
        "clip": "<script>",
        "seed": "x" * 5000,
        "reg": "l1",
        "strength": "1e300",
    }
    s, notes = cfg.playground_from_query(query)
    assert s.surface == "rosenbrock"
    assert list(s.optimizers) == ["adam"] and math.isfinite(s.optimizers["adam"]["lr"])
    assert s.steps == cfg.PLAYGROUND_MAX_STEPS and s.noise == 0.0 and s.clip == "none" and s.seed == 0
    assert s.strength == 100.0
    assert {"s", "adam.lr", "clip", "seed", "x0"} <= set(notes.replaced) and notes.left_out == ("opt",)
    assert {"steps", "noise", "strength"} <= set(notes.clamped)


def test_too_many_optimizers_are_cut_to_the_cap():
    s, notes = cfg.playground_from_query(
        {"opt": ",".join(["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "nadam", "radam"])}
    )
    assert len(s.optimizers) == cfg.PLAYGROUND_MAX_OPTIMIZERS and "opt" in notes.clamped


def test_start_outside_the_bounds_is_clamped():
    s, notes = cfg.playground_from_query({"s": "booth", "x0": "500", "y0": "-1"})
    assert s.start == (10.0, -1.0) and "x0" in notes.clamped


def test_starts_array_shapes_and_bounds():
    surface = SURFACES["himmelblau"]
    s = cfg.defaults_for("himmelblau")
    assert cfg.starts_array(s, surface).shape == (1, 2)
    s.starts, s.count = "ring", 10
    ring = cfg.starts_array(s, surface)
    assert ring.shape == (10, 2)
    s.starts, s.count, s.spread = "grid", 9, 0.5
    grid = cfg.starts_array(s, surface)
    assert grid.shape == (9, 2) and (abs(grid) <= 5).all()


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                *cfg.PLAIN_FIELDS,
                *("s", "opt", "x0", "y0", "adam.lr", "gd.lr", "p.kappa", "p.angle", "lang"),
                *("rmsprop.centered", "cg.variant", "zzz"),
            ]
        ),
        st.one_of(
            st.text(max_size=40),
            st.floats(allow_nan=True, allow_infinity=True).map(str),
            st.integers().map(str),
            st.lists(st.text(max_size=5), max_size=3),
        ),
    )
)
def test_any_query_gives_valid_settings(query):
    s, _ = cfg.playground_from_query(query)
    assert s.surface in SURFACES and len(s.optimizers) <= cfg.PLAYGROUND_MAX_OPTIMIZERS
    assert cfg.MIN_STEPS <= s.steps <= cfg.PLAYGROUND_MAX_STEPS and s.steps % 10 == 0 and 0 <= s.noise <= 10
    for hp in s.optimizers.values():
        for value in hp.values():
            assert not isinstance(value, float) or math.isfinite(value)
    (x0, x1), (y0, y1) = SURFACES[s.surface].bounds
    if s.start is not None:
        assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    assert cfg.playground_from_query(s.to_query())[0] == s  # what the app writes back reads the same


def test_one_spec_per_setting_drives_defaults_url_and_every_surface_parameter_has_a_range():
    base = cfg.Settings()
    for name, spec in cfg.SETTINGS.items():
        assert getattr(base, name) == spec.default
        low, high = spec.bounds if spec.widget != "select" else (None, None)
        if low is not None:
            too_low, too_high = (
                cfg.playground_from_query({name: str(low - 1)})[0],
                cfg.playground_from_query({name: str(high + 1)})[0],
            )
            assert getattr(too_low, name) == low and getattr(too_high, name) == high, name
    for surface in SURFACES.values():
        assert set(surface.params) <= set(cfg.PARAM_RANGES), surface.name


def test_a_repeated_optimizer_is_no_error_and_small_values_are_not_called_large():
    s, notes = cfg.playground_from_query({"opt": "adam,adam,adam"})
    assert list(s.optimizers) == ["adam"] and not notes
    s, notes = cfg.playground_from_query({"steps": "-5", "clip_at": "0", "seed": "-1"})
    assert (s.steps, s.clip_at, s.seed) == (cfg.MIN_STEPS, min(cfg.POSITIVE_GRID), 0)
    assert {"steps", "clip_at", "seed"} <= set(notes.clamped)
    from ui.texts import LANGUAGES, text

    for language in LANGUAGES:  # the notice speaks of a range, not of "too large"
        assert "large" not in text("pg.clamped", language) and "上限" not in text("pg.clamped", language)
