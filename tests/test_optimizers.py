"""Optimizers: a table of convergence, hand-computed first steps, vectorization, validation."""

import numpy as np
import pytest
import scipy.optimize

from optimizers import OPTIMIZERS, get_optimizer, simulate
from surfaces import get_surface, surface_from_expression

COSINE = {"kind": "cosine"}
# name: (hyperparameters, steps, schedule) that reach the minimum of both test surfaces.
TABLE = {
    "gd": ({"lr": 1e-3}, 20000, None),
    "momentum": ({"lr": 1e-3}, 10000, None),
    "nesterov": ({"lr": 1e-3}, 10000, None),
    "adagrad": ({"lr": 0.5}, 20000, None),
    "rmsprop": ({"lr": 3e-3}, 10000, COSINE),
    "adadelta": ({"lr": 2.0}, 20000, COSINE),
    "adam": ({"lr": 0.02}, 10000, COSINE),
    "adamw": ({"lr": 0.02, "weight_decay": 0.0}, 10000, COSINE),
    "amsgrad": ({"lr": 0.02}, 20000, None),
    "nadam": ({"lr": 0.02}, 10000, COSINE),
    "adamax": ({"lr": 0.02}, 10000, COSINE),
    "radam": ({"lr": 3e-3}, 20000, COSINE),
    "adafactor": ({"lr": 0.02}, 20000, COSINE),
    "newton": ({}, 200, None),
    "bfgs": ({}, 200, None),
    "lbfgs": ({}, 200, None),
    "cg": ({}, 200, None),
    # Sign steps zigzag down Rosenbrock's curved floor; slower growth gets closer.
    "rprop": ({"eta_plus": 1.1}, 20000, None),
    "asgd": ({"lr": 1e-3}, 20000, None),
    # SAM's gradient is taken a fixed radius uphill, so it settles within about that radius of
    # the minimum, not on it: a small one here (tests/test_research.py checks its rule).
    "sam": ({"lr": 1e-3, "radius": 1e-4}, 20000, None),
}
SURFACES = ["rosenbrock", "narrow_valley"]


def test_table_covers_every_optimizer():
    assert set(TABLE) == set(OPTIMIZERS)


@pytest.mark.parametrize("surface_name", SURFACES)
@pytest.mark.parametrize("name", list(TABLE))
def test_every_optimizer_reaches_the_minimum(name, surface_name):
    surface = get_surface(
        surface_name, **({"kappa": 5.0, "angle": 30.0} if surface_name == "narrow_valley" else {})
    )
    hp, steps, schedule = TABLE[name]
    run = simulate(surface, name, surface.start, steps, record_every=steps, schedule=schedule, **hp)
    assert run.diverged_at[0] == -1
    assert np.linalg.norm(run.final[0] - surface.minima[0]) < 1e-3


G = np.array([[3.0, -4.0]])
P0 = np.array([[1.0, 2.0]])


def first_step(name, **hp):
    """One update from P0 with gradient G on a linear surface (so g is exactly G)."""
    opt = get_optimizer(name)
    state = opt.init(P0.copy())
    P1, _ = opt.update(P0.copy(), G.copy(), state, 1, opt.hyperparameters(1, **hp), None)
    return P1


def test_first_steps_by_hand():
    assert np.allclose(first_step("gd", lr=0.1), P0 - 0.1 * G)
    assert np.allclose(first_step("momentum", lr=0.1), P0 - 0.1 * G)
    assert np.allclose(first_step("nesterov", lr=0.1, momentum=0.5), P0 - 0.1 * (G + 0.5 * G))
    # Adam's first step is lr * sign(g): m_hat = g, v_hat = g^2.
    assert np.allclose(first_step("adam", lr=0.1), P0 - 0.1 * G / (np.abs(G) + 1e-8))
    assert np.allclose(first_step("adagrad", lr=0.1), P0 - 0.1 * G / (np.abs(G) + 1e-10))
    # RMSProp starts from v = 0: v_1 = (1 - rho) g^2, a 1/sqrt(1 - rho) = 10x larger step.
    assert np.allclose(first_step("rmsprop", lr=0.1), P0 - 0.1 * G / (0.1 * np.abs(G) + 1e-8))
    # Adadelta: sqrt(eps) / sqrt((1 - rho) g^2 + eps) * g.
    expected = P0 - np.sqrt(1e-6) / np.sqrt(0.1 * G**2 + 1e-6) * G
    assert np.allclose(first_step("adadelta"), expected)
    assert np.allclose(first_step("adamax", lr=0.1), P0 - 0.1 * G / (np.abs(G) + 1e-8))
    # AdamW decays the weights first: P (1 - lr wd), then Adam's step.
    assert np.allclose(
        first_step("adamw", lr=0.1, weight_decay=0.5), P0 * 0.95 - 0.1 * G / (np.abs(G) + 1e-8)
    )
    # RAdam's first steps are unrectified momentum: lr * m_hat = lr * g.
    assert np.allclose(first_step("radam", lr=0.1), P0 - 0.1 * G)
    # Rprop's first step is lr against the sign of each coordinate.
    assert np.allclose(first_step("rprop", lr=0.1), P0 - 0.1 * np.sign(G))
    # ASGD: weight decay lambda * eta first, then the SGD step.
    assert np.allclose(first_step("asgd", lr=0.1, lambd=0.5), P0 * 0.95 - 0.1 * G)


def test_rprop_grows_steps_while_the_sign_stays_and_shrinks_them_when_it_flips():
    line = surface_from_expression("3*x - 4*y")  # constant gradient: the signs never change
    run = simulate(line, "rprop", [[0.0, 0.0]], 4, lr=0.1, eta_plus=2.0)
    steps = np.abs(np.diff(run.path[:, 0, 0]))
    assert np.allclose(steps, [0.1, 0.2, 0.4, 0.8])
    bowl = surface_from_expression("x^2 + y^2")  # from x = 0.15 a step of 0.2 overshoots 0
    run = simulate(bowl, "rprop", [[0.15, 1.0]], 3, lr=0.2, eta_plus=1.5, eta_minus=0.25)
    x = run.path[:, 0, 0]
    assert np.isclose(x[1], -0.05)  # crossed: the sign of the gradient flips
    assert np.isclose(x[2], -0.05)  # the flipped coordinate waits one step, its step shrinks
    assert np.isclose(x[3], 0.0)  # then moves by 0.2 * 0.25 = 0.05


def test_asgd_averages_the_iterates_after_t0():
    bowl = surface_from_expression("x^2 + y^2")
    run = simulate(bowl, "asgd", [[1.0, -2.0]], 30, lr=0.05, lambd=0.0, t0=5, record_state=True)
    ax, path = run.state["ax"], run.path
    # Step t averages with weight mu = 1 / max(1, t - 1 - t0): up to step t0 + 2 = 7 the
    # average is the iterate, afterwards the running mean of the iterates from step 7 on.
    assert np.array_equal(ax[1:8], path[1:8])
    assert np.allclose(ax[-1], path[7:].mean(axis=0), rtol=1e-12)


def test_equivalences_between_optimizers():
    s = get_surface("beale")
    starts = [[1.0, 1.5], [2.0, 0.0]]

    def path(name, **hp):
        return simulate(s, name, starts, 200, **hp).path

    assert np.array_equal(path("momentum", lr=1e-3, momentum=0.0), path("gd", lr=1e-3))
    assert np.allclose(path("nesterov", lr=1e-3, momentum=0.0), path("gd", lr=1e-3), rtol=1e-14)
    assert np.array_equal(path("adamw", lr=1e-2, weight_decay=0.0), path("adam", lr=1e-2))
    # lr_decay = 0 and a zero accumulator are AdaGrad itself; Newton with huge damping is GD.
    big = 1e8
    newton = simulate(s, "newton", starts, 50, lr=big * 1e-3, damping=big).path
    assert np.allclose(newton, path("gd", lr=1e-3)[:51], rtol=1e-5)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_vectorized_run_equals_one_trajectory_runs(name):
    s = get_surface("himmelblau")
    starts = np.array([[-0.5, 0.5], [1.0, 1.0], [-4.0, 4.0], [0.2, -3.0], [3.0, 2.0]])
    hp = {"lr": 1e-3} if name in ("gd", "momentum", "nesterov") else {}
    together = simulate(s, name, starts, 60, **hp)
    for i, start in enumerate(starts):
        alone = simulate(s, name, start, 60, **hp)
        assert np.allclose(together.path[:, i], alone.path[:, 0], rtol=1e-13, atol=1e-15)
        assert together.diverged_at[i] == alone.diverged_at[0]
        assert together.converged_at[i] == alone.converged_at[0]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_sweep_of_lr_equals_separate_scalar_runs(name):
    s = get_surface("rosenbrock")
    rates = (
        np.array([1e-4, 3e-4, 1e-3])
        if name in ("gd", "momentum", "nesterov")
        else np.array([0.003, 0.01, 0.03])
    )
    if get_optimizer(name).second_order:
        rates = np.array([0.25, 0.5, 1.0])
    starts = np.repeat(s.start[None], len(rates), axis=0)
    sweep = simulate(s, name, starts, 80, lr=rates)
    for i, lr in enumerate(rates):
        alone = simulate(s, name, s.start, 80, lr=float(lr))
        assert np.allclose(sweep.path[:, i], alone.path[:, 0], rtol=1e-13, atol=1e-15)
    assert np.array_equal(sweep.hyperparameters["lr"], rates)


@pytest.mark.parametrize(
    ("name", "key", "values"),
    [
        ("adam", "beta2", [0.9, 0.99, 0.999]),
        ("adam", "beta1", [0.0, 0.5, 0.9]),
        ("momentum", "momentum", [0.0, 0.5, 0.95]),
        ("rmsprop", "momentum", [0.0, 0.5, 0.9]),
        ("nadam", "momentum_decay", [0.0, 4e-3, 0.1]),
        ("adafactor", "d", [1.0, 2.0, 5.0]),
        ("newton", "damping", [0.0, 1.0, 10.0]),
    ],
)
def test_sweep_of_other_hyperparameters_equals_separate_runs(name, key, values):
    s = get_surface("beale")
    starts = np.repeat(np.array([[1.0, 1.5]]), len(values), axis=0)
    sweep = simulate(s, name, starts, 50, **{key: np.array(values)})
    for i, v in enumerate(values):
        alone = simulate(s, name, starts[0], 50, **{key: v})
        assert np.allclose(sweep.path[:, i], alone.path[:, 0], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["narrow_valley", "booth", "constrained_bowl", "matyas"])
def test_one_newton_step_solves_a_quadratic(name):
    s = get_surface(name, **({"kappa": 80.0, "angle": 35.0} if name == "narrow_valley" else {}))
    run = simulate(s, "newton", [[-2.0, 2.5], [1.5, -0.7]], 1)
    assert np.allclose(run.path[1], s.minima[0], atol=1e-12)


@pytest.mark.parametrize("name", ["bfgs", "lbfgs"])
def test_quasi_newton_reaches_rosenbrock_minimum_in_400_steps(name):
    s = get_surface("rosenbrock")
    run = simulate(s, name, [-1.2, 1.0], 400)
    assert np.linalg.norm(run.final[0] - [1.0, 1.0]) < 1e-4
    reference = scipy.optimize.minimize(
        scipy.optimize.rosen, [-1.2, 1.0], jac=scipy.optimize.rosen_der, method="BFGS"
    )
    assert np.linalg.norm(run.final[0] - reference.x) < 1e-4
    assert 0 < run.converged_at[0] < 400


@pytest.mark.parametrize("variant", ["PR+", "FR"])
def test_conjugate_gradient_reaches_rosenbrock_minimum_in_2000_steps(variant):
    run = simulate(get_surface("rosenbrock"), "cg", [-1.2, 1.0], 2000, variant=variant)
    assert np.linalg.norm(run.final[0] - [1.0, 1.0]) < 1e-4


@pytest.mark.parametrize("variant", ["PR+", "FR"])
def test_conjugate_gradient_solves_a_2d_quadratic_in_2_steps_with_its_exact_line_search(variant):
    assert {
        n for n in ("narrow_valley", "booth", "matyas", "rosenbrock", "saddle") if get_surface(n).quadratic
    } == {
        "narrow_valley",
        "booth",
        "matyas",
    }
    for kappa, angle in ((10.0, 0.0), (100.0, 30.0), (1000.0, -70.0)):
        s = get_surface("narrow_valley", kappa=kappa, angle=angle)
        starts = [s.start, [2.0, 1.0], [-0.3, 2.9]]
        run = simulate(s, "cg", starts, 10, variant=variant)
        assert np.all(run.grad_norm[1] > 1e-3) and np.all(run.converged_at == 2), (kappa, angle)
        assert np.allclose(run.final, 0.0, atol=1e-12)


def test_line_search_never_increases_the_objective():
    s = get_surface("rosenbrock")
    for name in ("bfgs", "lbfgs", "cg"):
        run = simulate(s, name, [[-1.2, 1.0], [1.5, -0.5], [-0.3, 2.5]], 100)
        assert np.all(np.diff(run.loss, axis=0) <= 1e-12), name


def test_line_search_can_be_switched_off():
    s = get_surface("booth")
    run = simulate(s, "bfgs", s.start, 1, line_search=False, lr=0.01)
    assert np.allclose(run.path[1, 0], s.start - 0.01 * s.grad(s.start))


def test_lbfgs_history_is_bounded_and_validated():
    s = get_surface("rosenbrock")
    short = simulate(s, "lbfgs", [-1.2, 1.0], 400, history=2)
    assert np.linalg.norm(short.final[0] - [1.0, 1.0]) < 1e-4
    with pytest.raises(ValueError, match="history must be a whole number in \\[1, 100\\], got 0"):
        simulate(s, "lbfgs", [-1.2, 1.0], 10, history=0)


def test_singular_hessian_freezes_newton_instead_of_nan():
    flat = surface_from_expression("x + y")  # Hessian is zero everywhere
    run = simulate(flat, "newton", [1.0, 1.0], 5)
    assert run.diverged_at[0] == 1
    assert np.isfinite(run.path).all() and np.array_equal(run.final[0], [1.0, 1.0])


@pytest.mark.parametrize(
    ("name", "hp", "message"),
    [
        ("gd", {"lr": -1}, "lr must be > 0, got -1"),
        ("gd", {"lr": 0}, "lr must be > 0, got 0"),
        ("adam", {"beta1": 1.0}, r"beta1 must be in \[0, 1\), got 1"),
        ("adam", {"beta2": -0.1}, r"beta2 must be in \[0, 1\), got -0.1"),
        ("adam", {"eps": 0.0}, "eps must be > 0, got 0"),
        ("adam", {"lr": float("nan")}, "lr must be a finite number, got nan"),
        ("adam", {"lr": float("inf")}, "lr must be a finite number, got inf"),
        ("adam", {"lr": "fast"}, "lr must be a number, got 'fast'"),
        ("adam", {"lr": [0.1, -0.2]}, r"lr must be > 0, got -0.2 \(trajectory 1\)"),
        ("adam", {"lr": [0.1, 0.2, 0.3]}, r"one value per trajectory \(shape \(2,\)\)"),
        ("adam", {"momentum": 0.9}, "adam has no hyperparameter 'momentum'"),
        ("momentum", {"momentum": 1.0}, r"momentum must be in \[0, 1\), got 1"),
        ("rmsprop", {"centered": "yes"}, "centered must be one of False, True, got 'yes'"),
        ("cg", {"variant": "HS"}, "variant must be one of 'PR\\+', 'FR', got 'HS'"),
        ("newton", {"damping": -1.0}, "damping must be >= 0, got -1"),
        ("adafactor", {"d": 0.5}, "d must be >= 1, got 0.5"),
        ("adafactor", {"beta2_decay": 0.5}, "beta2_decay must be <= 0, got 0.5"),
        ("adagrad", {"lr_decay": -1}, "lr_decay must be >= 0, got -1"),
        ("rprop", {"eta_minus": 1.5}, r"eta_minus must be in \(0, 1\), got 1.5"),
        ("rprop", {"eta_plus": 0.9}, "eta_plus must be > 1, got 0.9"),
        ("asgd", {"t0": -1}, "t0 must be >= 0, got -1"),
    ],
)
def test_bad_hyperparameters_raise_actionable_errors(name, hp, message):
    with pytest.raises(ValueError, match=message):
        simulate(get_surface("booth"), name, [[0.0, 0.0], [1.0, 1.0]], 5, **hp)


def test_unknown_optimizer_lists_the_choices():
    with pytest.raises(ValueError, match="unknown optimizer 'sgdd'; choose one of: gd, momentum"):
        get_optimizer("sgdd")


def test_defaults_match_the_design_table():
    expected = {
        "gd": {"lr": 1e-3},
        "momentum": {"lr": 1e-3, "momentum": 0.9},
        "nesterov": {"lr": 1e-3, "momentum": 0.9},
        "adagrad": {"lr": 1e-2, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
        "rmsprop": {"lr": 1e-2, "rho": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
        "amsgrad": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 4e-3},
        "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "radam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adafactor": {"lr": 1e-2, "beta2_decay": -0.8, "eps2": 1e-3, "d": 1.0},
        "newton": {"lr": 1.0, "damping": 0.0},
        "bfgs": {"lr": 1.0, "line_search": True},
        "lbfgs": {"lr": 1.0, "history": 10, "line_search": True},
        "cg": {"lr": 1.0, "variant": "PR+", "line_search": True},
        "rprop": {"lr": 1e-2, "eta_minus": 0.5, "eta_plus": 1.2, "step_min": 1e-6, "step_max": 50.0},
        "asgd": {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0},
        "sam": {"lr": 1e-3, "radius": 0.05},  # Foret et al.'s rho = 0.05; no torch.optim
    }
    assert {name: dict(o.defaults) for name, o in OPTIMIZERS.items()} == expected
