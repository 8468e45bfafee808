"""What each optimizer holds inside, recorded by simulate(record_state=True): the update it
took, the gradient it used, its effective learning rate, the curvature of second-order steps.
Recording changes no bit of the path."""

import numpy as np
import pytest

from optimizers import OPTIMIZERS, simulate
from surfaces import get_surface

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
    ("adam", {}, lambda run: run.state["exp_avg"]),
    ("amsgrad", {}, lambda run: run.state["exp_avg"]),
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
