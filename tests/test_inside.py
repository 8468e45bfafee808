"""What each optimizer holds inside, recorded by simulate(record_state=True): the update it
took, the gradient it used, its effective learning rate, the curvature of second-order steps.
Recording changes no bit of the path."""

import numpy as np
import pytest

from optimizers import OPTIMIZERS, simulate
from surfaces import get_surface
from tests.conftest import plotted
from viz.optimizer_views import VIEWS

STARTS = [[-1.2, 1.0], [0.5, -0.5], [1.5, 2.0]]


@pytest.fixture(scope="module")
def rosenbrock():
    return get_surface("rosenbrock")


def lr_for(name):
    return {"gd": 1e-3, "momentum": 5e-4, "nesterov": 5e-4, "asgd": 1e-3, "rprop": 1e-3, "radam": 1e-3}.get(
        name, 0.01
    )


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_recording_the_inside_changes_no_bit_of_the_path(rosenbrock, name):
    options = {
        "steps": 40,
        "noise": 0.3,
        "seed": 2,
        "clip_norm": 5.0,
        "schedule": {"kind": "cosine", "tau": 30},
    }
    hp = {"lr": lr_for(name)} if "lr" in OPTIMIZERS[name].defaults else {}
    plain = simulate(rosenbrock, name, STARTS, **options, **hp)
    inside = simulate(rosenbrock, name, STARTS, record_state=True, **options, **hp)
    np.testing.assert_array_equal(inside.path, plain.path)
    np.testing.assert_array_equal(inside.diverged_at, plain.diverged_at)
    np.testing.assert_allclose(inside.update[1:], np.diff(inside.path, axis=0), rtol=0, atol=0)
    assert np.isnan(inside.update[0]).all() and np.isnan(inside.grad[0]).all()
    assert (np.linalg.norm(inside.grad[1:], axis=-1) <= 5.0 * (1 + 1e-12)).all()  # clipped
    assert plain.update is None and plain.effective_lr is None and plain.curvature is None


def test_the_gradient_used_is_the_objectives_at_the_previous_point(rosenbrock):
    run = simulate(rosenbrock, "adam", STARTS, 20, l2=0.5, lr=0.01, record_state=True)
    expected = rosenbrock.grad(run.path[:-1]) + 0.5 * run.path[:-1]
    np.testing.assert_allclose(run.grad[1:], expected, rtol=1e-12)


# (optimizer, hyperparameters, the quantity its effective learning rate multiplies)
DIAGONAL = [
    ("gd", {}, lambda run: run.grad),
    ("momentum", {}, lambda run: run.state["velocity"]),
    ("adagrad", {}, lambda run: run.grad),
    ("rmsprop", {}, lambda run: run.grad),
    ("rmsprop", {"centered": True}, lambda run: run.grad),
    ("adadelta", {}, lambda run: run.grad),
    # Adam's rate is lr / (sqrt(v_hat) + eps), on the bias-corrected m_hat = m / (1 - beta1^t)
    ("adam", {}, lambda run: run.state["exp_avg"] / (1 - 0.9 ** np.maximum(run.step, 1)[:, None, None])),
    ("amsgrad", {}, lambda run: run.state["exp_avg"] / (1 - 0.9 ** np.maximum(run.step, 1)[:, None, None])),
    ("adamax", {}, lambda run: run.state["exp_avg"]),
    ("radam", {}, lambda run: run.state["exp_avg"]),
    ("adafactor", {}, lambda run: run.grad),
    ("rprop", {}, lambda run: np.sign(run.state["prev"])),
    ("asgd", {"lambd": 0.0}, lambda run: run.grad),
]


@pytest.mark.parametrize(("name", "hp", "quantity"), DIAGONAL, ids=[f"{n}-{h}" for n, h, _ in DIAGONAL])
def test_effective_learning_rate_times_its_quantity_is_the_update(rosenbrock, name, hp, quantity):
    hp = {"lr": lr_for(name), **hp} if name not in ("adadelta", "adafactor") else hp
    run = simulate(rosenbrock, name, STARTS, 60, record_state=True, **hp)
    assert run.effective_lr.shape == run.path.shape
    assert (run.diverged_at < 0).all(), name  # a frozen point takes no step: nothing to compare
    np.testing.assert_allclose(
        -(run.effective_lr * quantity(run))[1:], run.update[1:], rtol=1e-9, atol=1e-15, err_msg=name
    )
    assert (run.effective_lr[1:] > 0).all() or name == "rprop"


def test_adams_effective_rate_shrinks_where_gradients_were_large(rosenbrock):
    run = simulate(rosenbrock, "adam", [-1.2, 1.0], 200, lr=0.01, record_state=True)
    # At (-1.2, 1) the x-gradient (-215.6) dwarfs the y one (-88): a smaller rate on x.
    assert run.effective_lr[5, 0, 0] < run.effective_lr[5, 0, 1]


def test_newtons_curvature_is_the_hessian_where_it_stepped(rosenbrock):
    run = simulate(rosenbrock, "newton", STARTS, 10, damping=0.5, record_state=True)
    expected = rosenbrock.hessian(run.path[:-1]) + 0.5 * np.eye(2)
    np.testing.assert_allclose(run.curvature[1:], expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["bfgs", "lbfgs"])
def test_quasi_newton_curvature_is_what_the_step_solved_with(rosenbrock, name):
    run = simulate(rosenbrock, name, STARTS, 15, line_search=False, lr=0.2, record_state=True)
    # Without a line search the update is -lr B^-1 g with B the recorded curvature.
    solved = np.linalg.solve(run.curvature[1:], run.grad[1:][..., None])[..., 0]
    fine = run.diverged_at < 0
    np.testing.assert_allclose(run.update[1:, fine], -0.2 * solved[:, fine], rtol=1e-8, atol=1e-12)
    assert np.allclose(run.curvature[1:], np.swapaxes(run.curvature[1:], -1, -2))  # symmetric


def test_at_a_saddle_newtons_curvature_is_indefinite():
    saddle = get_surface("saddle")
    run = simulate(saddle, "newton", [0.5, 0.3], 3, record_state=True)
    eigenvalues = np.linalg.eigvalsh(run.curvature[1, 0])
    assert eigenvalues.min() < 0 < eigenvalues.max()  # why Newton is drawn to it


def test_recording_the_inside_counts_in_the_memory_budget(rosenbrock):
    starts = np.zeros((100_000, 2))
    simulate(rosenbrock, "newton", starts, 50, record_every=50, record_state=True)  # 2 records: fine
    with pytest.raises(ValueError, match="budget"):
        simulate(rosenbrock, "newton", starts, 60, record_state=True)


def test_the_playgrounds_inside_view_draws_each_glyph_within_the_payload():
    import json

    from tests.conftest import open_script, race_spec

    at = open_script(
        "pages/playground.py", {"opt": "gd,momentum,rmsprop,adam,newton,bfgs", "inside": "1"}, timeout=120
    )
    assert not at.exception and at.query_params["inside"] == "1"
    spec = race_spec(at)
    assert len(json.dumps(spec)) < 1.5e6  # 6 optimizers x 500 steps, the inside drawn
    legend = [t.get("name", "") for t in spec["data"] if t.get("showlegend", True)]
    for glyph in (
        "−gradient (×",
        "the step it takes",
        "velocity / first moment (×",
        "effective learning rate",
        "curvature",
    ):
        assert sum(name.startswith(glyph) for name in legend) == 1, glyph  # once, with its scale
    # Every frame moves the glyphs with the markers.
    glyphs = [i for i, t in enumerate(spec["data"]) if str(t.get("legendgroup", "")).startswith("inside-")]
    frame = spec["frames"][50]
    assert set(glyphs) <= set(frame["traces"])
    plain = race_spec(open_script("pages/playground.py", {"opt": "gd,adam"}, timeout=120))
    assert not any(str(t.get("legendgroup", "")).startswith("inside-") for t in plain["data"])


def test_inside_glyphs_scale_arrows_by_one_factor_and_draw_negative_curvature_red():
    from viz.inside import NEGATIVE, Glyphs, scales

    saddle = get_surface("saddle")
    run = simulate(saddle, "newton", [0.5, 0.3], 5, record_state=True)
    scale = scales([run], saddle.bounds)
    glyph = Glyphs(
        run,
        "#1f77b4",
        scale,
        saddle.bounds,
        {"gradient": "g {scale}", "step": "s", "moment": "m {scale}", "box": "b {scale}", "ellipse": "e"},
        set(),
    )
    traces, pairs = glyph.traces(), glyph.frame(0)
    kinds = glyph.kinds()
    gradient = pairs[kinds.index("gradient")]
    np.testing.assert_allclose(gradient[0][1] - gradient[0][0], -scale.arrow * run.grad[1, 0, 0])
    step = pairs[kinds.index("step")]
    np.testing.assert_allclose([step[0][1], step[1][1]], run.path[1, 0])  # the step ends where it lands
    negative = traces[kinds.index("axes-")]
    assert negative.line.color == NEGATIVE and np.isfinite(pairs[kinds.index("axes-")][0]).any()


def test_the_step_inspector_shows_each_rule_and_the_steps_numbers(rosenbrock):
    from ui.inspector import quantities, substituted, update_rule

    for name in OPTIMIZERS:
        assert update_rule(name), name  # every optimizer states its rule in its docstring
    run = simulate(rosenbrock, "adam", [-1.2, 1.0], 20, lr=0.01, record_state=True)
    found = dict((key, value) for key, _, value in quantities(run, 7))
    np.testing.assert_array_equal(found["grad"], run.grad[7, 0])
    np.testing.assert_array_equal(found["exp_avg"], run.state["exp_avg"][7, 0])
    np.testing.assert_array_equal(found["theta"] + found["update"], run.path[7, 0])
    line = substituted(run, 7)
    assert line.startswith("t = 7") and f"{run.grad[7, 0, 0]:.4g}" in line and r"\eta_{\text{eff}}" in line


def test_the_playground_inspects_a_step_of_every_optimizer():
    from tests.conftest import open_script

    at = open_script(
        "pages/playground.py", {"opt": "gd,adam,newton", "inside": "1", "steps": "100"}, timeout=120
    )
    at.slider(key="inspect_step").set_value(40).run()
    assert not at.exception
    shown = [latex.value for latex in at.latex]
    assert sum("t = 40" in value for value in shown) == 3  # one line of numbers per optimizer
    assert any(r"\begin{pmatrix}" in value for value in shown)  # Newton's curvature


@pytest.mark.parametrize(
    "name", ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "rprop", "newton"]
)
def test_the_narrations_numbers_are_the_recorded_ones(rosenbrock, name):
    from ui.narration import beats
    from ui.texts import text

    hp = {"lr": lr_for(name)} if name != "newton" else {}
    run = simulate(rosenbrock, name, [-1.2, 1.0], 30, record_state=True, **hp)
    shown = OPTIMIZERS[name].hyperparameters(1, **hp)
    told = beats(name, run, 12, shown)
    assert told[0].key == "nr.gradient" and told[-1].kind == "step"
    np.testing.assert_array_equal(told[0].vector, run.grad[12, 0])
    np.testing.assert_array_equal(told[-1].vector, run.update[12, 0])
    if name == "adam":
        np.testing.assert_array_equal(told[1].vector, run.state["exp_avg"][12, 0])
        assert [b.key for b in told] == [
            "nr.gradient",
            "nr.adam_m",
            "nr.adam_v",
            "nr.adam_bias",
            "nr.adam_divide",
            "nr.step_rate",
        ]
        # The sentence's m is the recorded m (to its four shown digits), and so is its arithmetic.
        m0, m, g = run.state["exp_avg"][11, 0], run.state["exp_avg"][12, 0], run.grad[12, 0]
        np.testing.assert_allclose(0.9 * m0 + 0.1 * g, m, rtol=1e-12)
        assert f"{m[0]:.4g}" in text("nr.adam_m", "en", **told[1].values)
    for language in ("en", "zh"):
        assert all(text(b.key, language, **b.values) for b in told)


def test_the_playground_tells_a_step_sub_operation_by_sub_operation():
    from tests.conftest import open_script

    at = open_script("pages/playground.py", {"opt": "gd,adam", "inside": "1", "steps": "100"}, timeout=120)
    at.selectbox(key="narrate_optimizer").set_value("adam").run()
    at.number_input(key="narrate_step").set_value(10).run()
    told = [at.info[-1].value]
    while not at.button(key="beat_next").disabled:
        at.button(key="beat_next").click().run()
        told.append(at.info[-1].value)
    assert not at.exception and len(told) == 6
    assert told[0].startswith("Step 10: compute the gradient") and told[-1].startswith("Step: θ moves by")


def test_nesterovs_look_ahead_point_is_drawn_where_its_gradient_is_in_effect_taken(rosenbrock):
    from viz.inside import Glyphs, scales

    run = simulate(rosenbrock, "nesterov", [-1.2, 1.0], 20, lr=5e-4, momentum=0.9, record_state=True)
    glyph = Glyphs(run, "#ff7f0e", scales([run], rosenbrock.bounds), rosenbrock.bounds, INSIDE_WORDS, set())
    kinds, pairs = glyph.kinds(), glyph.frame(7)
    x, y = pairs[kinds.index("lookahead")]
    expected = run.path[7, 0] - 5e-4 * 0.9 * run.state["velocity"][8, 0]
    np.testing.assert_allclose([x[0], y[0]], expected)
    assert glyph.traces()[kinds.index("lookahead")].mode == "markers"


INSIDE_WORDS = {
    "gradient": "g {scale}",
    "step": "s",
    "moment": "m {scale}",
    "box": "b {scale}",
    "ellipse": "e",
}


@pytest.mark.parametrize(
    ("surface_name", "start"), [("saddle", (-1.5, 0.001)), ("rosenbrock", None), ("himmelblau", None)]
)
def test_every_arrow_of_every_frame_stays_on_the_map_at_the_scale_the_frame_states(surface_name, start):
    """One scale from the whole run's median gradient (x1.62e4 on the saddle) sent the first
    frames' arrows off the map. Now each frame's scale is stated after its step counter, every
    gradient and moment arrow is that scale times its vector, and every tip is on the map."""
    import re

    from optimizers import OPTIMIZERS
    from viz import Racer, race_figure
    from viz.inside import ARROW

    surface = get_surface(surface_name)
    start = surface.start if start is None else start
    names = ["gd", "momentum", "adam", "newton"]
    runs = [
        simulate(
            surface,
            n,
            start,
            200,
            record_state=True,
            **({"lr": lr_for(n)} if "lr" in OPTIMIZERS[n].defaults else {}),
        )
        for n in names
    ]
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    fig = race_figure(
        surface, [Racer(n, c, r) for n, c, r in zip(names, colors, runs, strict=True)], inside=True
    )
    (x0, x1), (y0, y1) = surface.bounds
    span = max(x1 - x0, y1 - y0)
    slack = 1e-6 * span  # float32 rounding of the sent coordinates
    kinds = {
        i: t.legendgroup for i, t in enumerate(fig.data) if str(t.legendgroup or "").startswith("inside-")
    }
    checked, longest = 0, []
    for frame in fig.frames:
        data = dict(zip(frame.traces, frame.data, strict=True))
        said = next(d.text[0] for i, d in data.items() if fig.data[i].name == "counter")
        found = re.search(r"arrows × ([0-9.e+-]+)", said)
        step = int(frame.name)
        record = int(np.searchsorted(runs[0].step, step))
        gradients = [i for i in sorted(data) if kinds.get(i) == "inside-gradient"]
        moments = [i for i in sorted(data) if kinds.get(i) == "inside-moment"]
        if found is None:  # the last frame: no next step, no arrows
            assert all(np.isnan(plotted(data[i].x)).all() for i in gradients)
            continue
        stated = float(found.group(1))
        reach = 0.0
        for i, run in zip(gradients, runs, strict=True):
            x, y = plotted(data[i].x), plotted(data[i].y)
            base, tip = np.array([x[0], y[0]]), np.array([x[1], y[1]])
            if np.isnan(tip).any():  # a point off the map draws no arrow
                assert not (x0 <= base[0] <= x1 and y0 <= base[1] <= y1), (step, base)
                continue
            assert x0 - slack <= tip[0] <= x1 + slack and y0 - slack <= tip[1] <= y1 + slack, (step, tip)
            np.testing.assert_allclose(
                tip - base, -stated * run.grad[record + 1, 0], rtol=6e-3, atol=2 * slack
            )
            reach = max(reach, float(np.linalg.norm(tip - base)))
            checked += 1
        for i in moments:
            x, y = plotted(data[i].x), plotted(data[i].y)
            assert x0 - slack <= x[1] <= x1 + slack and y0 - slack <= y[1] <= y1 + slack, step
            reach = max(reach, float(np.hypot(x[1] - x[0], y[1] - y[0])))
        longest.append(reach / span)
    assert checked >= 4 * 150
    longest = np.array(longest)
    assert longest.max() <= ARROW * (1 + 1e-3)  # the longest arrow of a frame: at most 15 %
    # ...and it is that long unless the map's edge is closer: in most frames it is.
    assert np.mean(longest > 0.9 * ARROW) > 0.5, np.mean(longest > 0.9 * ARROW)


def test_plain_adams_inspector_shows_no_amsgrad_maximum_and_says_what_its_rate_multiplies(rosenbrock):
    from ui.inspector import quantities, rate_on

    adam = simulate(rosenbrock, "adam", [-1.2, 1.0], 20, lr=0.01, record_state=True)
    found = {key: (symbol, value) for key, symbol, value in quantities(adam, 7)}
    assert "max_exp_avg_sq" not in found  # AMSGrad's quantity, not Adam's
    symbol, rate = found["effective_lr"]
    assert r"\sqrt{\hat v_t}" in symbol and r"\text{on } \hat m_t" in symbol
    m_hat = found["m_hat"][1]
    np.testing.assert_allclose(-rate * m_hat, adam.update[7, 0], rtol=1e-9)  # step = eta_eff m_hat
    v_hat = adam.state["exp_avg_sq"][7, 0] / (1 - 0.999**7)
    np.testing.assert_allclose(rate, 0.01 / (np.sqrt(v_hat) + 1e-8), rtol=1e-12)
    amsgrad = simulate(rosenbrock, "amsgrad", [-1.2, 1.0], 20, lr=0.01, record_state=True)
    assert "max_exp_avg_sq" in {key for key, _, _ in quantities(amsgrad, 7)}
    # Every optimizer the inspector says it of: eta_eff times that quantity is the update.
    for name in [name for name, shown in VIEWS.items() if shown.rate_on is not None]:
        hp = {"lr": lr_for(name)} if name not in ("adadelta", "adafactor") else {}
        run = simulate(rosenbrock, name, STARTS, 30, record_state=True, **hp)
        value = rate_on(run).value
        for record in (1, 12, 30):
            for i in range(len(STARTS)):
                np.testing.assert_allclose(
                    -run.effective_lr[record, i] * value(run, record, i),
                    run.update[record, i],
                    rtol=1e-9,
                    err_msg=name,
                )


@pytest.mark.parametrize(
    "name",
    ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "amsgrad", "adamax", "rprop", "newton"],
)
def test_each_narration_tells_only_the_beats_of_its_rule(rosenbrock, name):
    from ui.narration import beats

    hp = {"lr": lr_for(name)} if name != "newton" else {}
    run = simulate(rosenbrock, name, [-1.2, 1.0], 30, record_state=True, **hp)
    keys = [b.key for b in beats(name, run, 12, OPTIMIZERS[name].hyperparameters(1, **hp))]
    expected = {
        "gd": ["nr.gradient", "nr.step"],  # no division in its rule
        "momentum": ["nr.gradient", "nr.velocity", "nr.step_velocity"],
        "nesterov": ["nr.gradient", "nr.velocity", "nr.step_nesterov"],
        "adagrad": ["nr.gradient", "nr.adagrad_sum", "nr.divide", "nr.step_rate"],
        "rmsprop": ["nr.gradient", "nr.rmsprop_avg", "nr.divide", "nr.step_rate"],
        "adam": ["nr.gradient", "nr.adam_m", "nr.adam_v", "nr.adam_bias", "nr.adam_divide", "nr.step_rate"],
        "amsgrad": [
            "nr.gradient",
            "nr.adam_m",
            "nr.adam_v",
            "nr.amsgrad_max",
            "nr.adam_bias",
            "nr.adam_divide",
            "nr.step_rate",
        ],
        "adamax": ["nr.gradient", "nr.divide", "nr.step"],
        "rprop": ["nr.gradient", "nr.rate", "nr.step"],  # step sizes by its own rule, no division
        "newton": ["nr.gradient", "nr.step"],
    }[name]
    assert keys == expected
