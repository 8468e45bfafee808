"""simulate(): records, divergence, noise, clipping, schedules, penalties, constraints, errors;
the step's transforms one by one, the Objective contract and the records by name."""

import importlib
import types
import warnings

import numpy as np
import pytest

from networks import Network, dataset
from optimizers import Run, simulate
from optimizers.clipping import clip_by_norm, clip_by_value
from optimizers.objective import Objective, ObjectiveWithHessian, Penalized, TrainingObjective, trains_on_data
from optimizers.projections import project, projection, proximal_l1
from optimizers.records import RecordedFields, Recorders
from optimizers.schedules import scale_by_schedule, schedule_factors
from optimizers.transforms import add_noise
from surfaces import get_surface, surface_from_expression


@pytest.fixture
def booth():
    return get_surface("booth")


def test_records_start_at_step_zero_with_the_starts(booth):
    starts = np.array([[-8.0, -6.0], [5.0, 5.0], [0.0, 9.0]])
    run = simulate(booth, "gd", starts, 25, lr=0.01)
    assert isinstance(run, Run)
    assert run.path.shape == (26, 3, 2)
    assert run.loss.shape == run.objective.shape == run.grad_norm.shape == (26, 3)
    assert np.array_equal(run.step, np.arange(26))
    assert np.array_equal(run.path[0], starts)
    assert np.array_equal(run.final, run.path[-1])
    assert np.allclose(run.loss, booth.value(run.path))
    assert np.allclose(run.grad_norm, np.linalg.norm(booth.grad(run.path), axis=-1))
    assert run.diverged_at.shape == run.converged_at.shape == (3,)


def test_record_every_keeps_the_last_step(booth):
    run = simulate(booth, "gd", booth.start, 20, record_every=7, lr=0.01)
    assert list(run.step) == [0, 7, 14, 20]
    full = simulate(booth, "gd", booth.start, 20, lr=0.01)
    assert np.array_equal(run.path, full.path[[0, 7, 14, 20]])
    only_final = simulate(booth, "gd", booth.start, 20, record_every=20, lr=0.01)
    assert list(only_final.step) == [0, 20]


def test_a_single_start_and_zero_steps(booth):
    run = simulate(booth, "adam", (1.0, 2.0), 0)
    assert run.path.shape == (1, 1, 2) and np.array_equal(run.final, [[1.0, 2.0]])


def test_divergence_freezes_at_the_last_finite_point_without_warnings():
    valley = get_surface("narrow_valley", kappa=50.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = simulate(valley, "gd", [valley.start, [0.0, 0.0]], 400, lr=0.1)
    t = run.diverged_at[0]
    assert t > 0 and run.diverged_at[1] == -1
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all() and np.isfinite(run.grad_norm).all()
    frozen = run.path[t - 1 :, 0]
    assert np.all(frozen == frozen[0])  # frozen from the last good point on
    assert np.all(np.abs(run.path[:, 0] - valley.center) <= 10 * valley.half_width.max())
    assert run.converged_at[0] == -1


def test_undefined_regions_freeze_the_trajectory_with_no_nan():
    log_surface = surface_from_expression("log(x) + y^2", bounds=((0.1, 3), (-1, 1)))
    assert not log_surface.defined_everywhere
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = simulate(log_surface, "gd", [[0.5, 0.5], [2.0, 0.1]], 100, lr=0.5)
    assert (run.diverged_at > 0).all()
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()
    start_outside = simulate(log_surface, "gd", [-1.0, 0.0], 10, lr=0.1)
    assert start_outside.diverged_at[0] == 0 and np.isfinite(start_outside.path).all()


def test_noise_is_reproducible_by_seed(booth):
    a = simulate(booth, "gd", booth.start, 50, lr=0.01, noise=0.5, seed=7)
    b = simulate(booth, "gd", booth.start, 50, lr=0.01, noise=0.5, seed=7)
    c = simulate(booth, "gd", booth.start, 50, lr=0.01, noise=0.5, seed=8)
    assert np.array_equal(a.path, b.path) and not np.array_equal(a.path, c.path)
    # noise is added to the gradient: its standard deviation shows in the first step.
    many = simulate(booth, "gd", np.zeros((20000, 2)), 1, lr=1.0, noise=0.5, seed=1)
    deviation = many.path[1] - (0 - booth.grad(np.zeros(2)))
    assert np.std(deviation) == pytest.approx(0.5, rel=0.02)
    assert abs(np.mean(deviation)) < 0.02


def test_clip_norm_and_clip_value(booth):
    big = simulate(booth, "gd", booth.start, 1, lr=1.0, clip_norm=2.0)
    assert np.linalg.norm(big.path[1, 0] - big.path[0, 0]) == pytest.approx(2.0)
    g = booth.grad(booth.start)
    assert np.allclose(big.path[1, 0] - booth.start, -2.0 * g / np.linalg.norm(g))
    by_value = simulate(booth, "gd", booth.start, 1, lr=1.0, clip_value=3.0)
    assert np.allclose(by_value.path[1, 0] - booth.start, -np.clip(g, -3, 3))
    small = simulate(booth, "gd", [1.0, 3.1], 1, lr=1.0, clip_norm=100.0)
    assert np.allclose(small.path[1, 0], [1.0, 3.1] - booth.grad(np.array([1.0, 3.1])))


def test_schedules_scale_the_learning_rate_step_by_step():
    slope = surface_from_expression("x + 2*y", bounds=((-100, 100), (-100, 100)))
    run = simulate(slope, "gd", [0.0, 0.0], 6, lr=1.0, schedule={"kind": "linear", "tau": 4, "final": 0.2})
    steps = -np.diff(run.path[:, 0, 0])
    assert np.allclose(steps, [1.0, 0.8, 0.6, 0.4, 0.2, 0.2])  # linear to tau, then constant
    assert np.allclose(
        schedule_factors({"kind": "step", "every": 2, "gamma": 0.5}, 5), [1, 1, 0.5, 0.5, 0.25]
    )
    assert np.allclose(schedule_factors({"kind": "exponential", "gamma": 0.9}, 3), [1, 0.9, 0.81])
    assert np.allclose(schedule_factors({"kind": "cosine", "tau": 2, "final": 0.0}, 4), [1, 0.5, 0, 0])
    assert np.allclose(schedule_factors({"kind": "inverse", "tau": 2}, 4), [1, 2 / 3, 1 / 2, 2 / 5])
    # 1/t: the rates' sum grows like tau ln(t) without bound, the sum of their squares stays
    # below about tau + 1 (Robbins and Monro's conditions)
    inverse = schedule_factors({"kind": "inverse", "tau": 50}, 3000)
    assert inverse[:2000].sum() > 185 and inverse.sum() > 205 and (inverse**2).sum() < 51
    assert schedule_factors({"kind": "constant"}, 3) is None
    adam = simulate(slope, "adam", [0.0, 0.0], 3, lr=0.1, schedule={"kind": "exponential", "gamma": 0.5})
    assert np.allclose(-np.diff(adam.path[:, 0, 0]), [0.1, 0.05, 0.025], rtol=1e-6)
    assert adam.hyperparameters["lr"] == 0.1


def test_penalty_conventions():
    bowl = get_surface("constrained_bowl")
    P = np.array([[0.5, -2.0]])
    run = simulate(bowl, "gd", P, 0, l1=0.3, l2=0.4)
    assert run.objective[0, 0] == pytest.approx(bowl.value(P)[0] + 0.3 * 2.5 + 0.2 * 4.25)
    expected = bowl.grad(P) + 0.3 * np.sign(P) + 0.4 * P
    assert run.grad_norm[0, 0] == pytest.approx(np.linalg.norm(expected))
    step = simulate(bowl, "gd", P, 1, lr=0.1, l1=0.3, l2=0.4)
    assert np.allclose(step.path[1], P - 0.1 * expected)
    assert np.array_equal(step.loss, bowl.value(step.path))  # loss stays the surface's value


def test_proximal_gd_is_exact_soft_thresholding():
    slope = surface_from_expression("0*x + 0*y + 1")
    run = simulate(slope, "gd", [[0.05, -1.0]], 1, lr=0.1, l1=1.0, proximal=True)
    assert np.array_equal(run.path[1, 0], [0.0, -0.9])
    with pytest.raises(ValueError, match="proximal=True .* gd, not adam"):
        simulate(slope, "adam", [0.0, 0.0], 1, l1=1.0, proximal=True)


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_constraint_projects_every_step(norm):
    bowl = get_surface("constrained_bowl")
    run = simulate(
        bowl, "adam", [[-0.6, 1.4], [0.1, 0.1]], 100, lr=0.05, constraint={"norm": norm, "radius": 1.5}
    )
    order = 1 if norm == "l1" else 2
    sizes = np.linalg.norm(run.path[1:], ord=order, axis=-1)
    assert np.all(sizes <= 1.5 + 1e-12)
    assert np.array_equal(run.path[0], [[-0.6, 1.4], [0.1, 0.1]])


def test_l1_projection_reference_values():
    bowl = get_surface("constrained_bowl")
    # z = (3, 1) onto |w|_1 <= 1 is (1, 0); (0.8, 0.6) onto it is (0.6, 0.4).
    for z, expected in (((3.0, 1.0), (1.0, 0.0)), ((0.8, 0.6), (0.6, 0.4)), ((-0.2, 0.3), (-0.2, 0.3))):
        slope = surface_from_expression("0*x + 1")
        run = simulate(slope, "gd", z, 1, lr=0.1, constraint={"norm": "l1", "radius": 1.0})
        assert np.allclose(run.path[1, 0], expected), z
    assert bowl is not None


def test_converged_at_is_the_first_step_from_which_the_gradient_stays_small(booth):
    run = simulate(booth, "gd", booth.start, 500, lr=0.05, tol=1e-6)
    k = run.converged_at[0]
    assert k > 0
    assert np.all(run.grad_norm[k:, 0] <= 1e-6) and run.grad_norm[k - 1, 0] > 1e-6
    at_min = simulate(booth, "gd", booth.minima[0], 10, lr=0.05)
    assert at_min.converged_at[0] == 0
    slow = simulate(booth, "gd", booth.start, 5, lr=1e-4)
    assert slow.converged_at[0] == -1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": -1}, "steps must be between 0 and"),
        ({"steps": 2.5}, "steps must be a whole number, got 2.5"),
        ({"steps": True}, "steps must be a whole number"),
        ({"record_every": 0}, "record_every must be between 1 and"),
        ({"schedule": {"kind": "warp"}}, "schedule kind must be one of constant, step, exponential"),
        ({"schedule": {"kind": "linear", "final": 2}}, r"final must be in \[0, 1\]"),
        ({"schedule": {"kind": "linear", "tau": 0}}, "tau must be >= 1 step"),
        ({"schedule": {"kind": "step", "speed": 2}}, "step schedule takes every, gamma; got 'speed'"),
        ({"schedule": "linear"}, "schedule must be a dict"),
        ({"constraint": {"norm": "l3"}}, "constraint must be"),
        ({"constraint": {"norm": "l2", "radius": -1}}, "constraint radius must be > 0"),
        ({"noise": -0.1}, "noise must be >= 0, got -0.1"),
        ({"l1": float("nan")}, "l1 must be a finite number"),
        ({"clip_norm": 0}, "clip_norm must be > 0, got 0"),
    ],
)
def test_bad_arguments_raise_value_error(booth, kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(booth, "gd", booth.start, **{"steps": 10, **kwargs})


def test_bad_starts(booth):
    with pytest.raises(ValueError, match=r"starts must have shape \(N, 2\)"):
        simulate(booth, "gd", [[1.0, 2.0, 3.0]], 5)
    with pytest.raises(ValueError, match="starts must be finite"):
        simulate(booth, "gd", [float("nan"), 0.0], 5)


def test_memory_budget_suggests_record_every(booth):
    starts = np.zeros((40000, 2))
    with pytest.raises(ValueError, match="over the 256 MB budget: use record_every="):
        simulate(booth, "gd", starts, 1000)
    run = simulate(booth, "gd", starts[:10], 1000, record_every=1000)
    assert run.path.shape == (2, 10, 2)


def test_blocks_of_a_large_run_match_small_runs():
    from optimizers.parallel import BLOCK_ROWS

    s = get_surface("himmelblau")
    rng = np.random.default_rng(0)
    n = 2 * BLOCK_ROWS + 37
    starts = rng.uniform(-5, 5, (n, 2))
    rates = rng.uniform(1e-3, 2e-2, n)
    big = simulate(s, "adam", starts, 40, record_every=10, lr=rates)
    for rows in (slice(0, 50), slice(BLOCK_ROWS - 5, BLOCK_ROWS + 5), slice(n - 50, n)):
        small = simulate(s, "adam", starts[rows], 40, record_every=10, lr=rates[rows])
        assert np.array_equal(big.path[:, rows], small.path)
        assert np.array_equal(big.converged_at[rows], small.converged_at)


def test_surfaces_and_networks_are_objectives():
    surface = get_surface("rosenbrock")
    custom = surface_from_expression("x**2 + log(y)")
    net = Network(dataset("moons", n_train=40, n_test=40), hidden=(3,))
    for objective in (surface, custom, net, Penalized(surface, 0.1, 0.2), Penalized(net, 0.1, 0.0)):
        assert isinstance(objective, Objective), objective
    assert isinstance(surface, ObjectiveWithHessian) and isinstance(custom, ObjectiveWithHessian)
    assert isinstance(net, TrainingObjective) and not isinstance(surface, TrainingObjective)
    assert trains_on_data(net) and not trains_on_data(surface) and not trains_on_data(custom)
    assert (surface.dim, net.dim) == (2, net.weight_mask.shape[0])
    assert surface.divergence_limit == 10 * surface.half_width.max()
    assert not isinstance(object(), Objective)


def test_the_engine_module_is_not_shadowed_by_its_function():
    import optimizers

    module = importlib.import_module("optimizers.simulation")
    assert isinstance(module, types.ModuleType) and module.simulate is optimizers.simulate
    assert callable(optimizers.simulate) and not isinstance(optimizers.simulate, types.ModuleType)


def test_each_transform_of_the_step():
    g = np.array([[3.0, 4.0], [0.3, -0.4], [0.0, 0.0]])
    with np.errstate(divide="ignore"):  # as in simulate(): a zero gradient's norm divides by 0
        assert np.allclose(clip_by_norm(1.0)(g), [[0.6, 0.8], [0.3, -0.4], [0.0, 0.0]])
        assert np.allclose(clip_by_norm(np.array([[10.0], [0.25], [1.0]]))(g), [[3, 4], [0.15, -0.2], [0, 0]])
    assert np.array_equal(clip_by_value(0.35)(g), [[0.35, 0.35], [0.3, -0.35], [0.0, 0.0]])
    noisy = add_noise(0.5, np.random.default_rng(3))(g)
    assert np.array_equal(noisy, g + 0.5 * np.random.default_rng(3).standard_normal(g.shape))
    P = np.array([[0.05, -1.0], [2.0, 2.0]])
    assert np.allclose(proximal_l1(np.array([1.0, 0.0]))(P, {"lr": 0.1}), [[0.0, -1.0], [1.9, 2.0]])
    assert np.allclose(
        project(projection({"norm": "l2", "radius": 1.0}))(P, {}),
        [[0.05, -1.0] / np.hypot(0.05, 1), [0.5**0.5] * 2],
    )
    lr_at = scale_by_schedule(0.1, schedule_factors({"kind": "step", "every": 2, "gamma": 0.5}, 4))
    assert [lr_at(step) for step in (1, 2, 3, 4)] == [0.1, 0.1, 0.05, 0.05]


def test_clip_norm_per_trajectory_equals_separate_runs(booth):
    starts = np.array([[-8.0, -6.0], [5.0, 5.0], [0.0, 9.0]])
    norms = np.array([0.5, 2.0, 100.0])
    together = simulate(booth, "momentum", starts, 20, lr=0.01, clip_norm=norms)
    for i in range(3):
        alone = simulate(booth, "momentum", starts[i], 20, lr=0.01, clip_norm=norms[i])
        assert np.array_equal(together.path[:, i], alone.path[:, 0])


def test_recorders_are_kept_by_name_and_split_by_trajectory():
    fields = RecordedFields(state=(("exp_avg", 2),), inside=(("update", (2,)),), metrics=("test_acc",))
    out = Recorders.empty(4, 5, 2, fields)
    assert out.path.shape == (4, 5, 2) and out.final.shape == (5, 2) and out.last_moving.shape == (5,)
    assert out.state["exp_avg"].shape == (4, 5, 2) and out.metrics["test_acc"].shape == (4, 5)
    part = out.rows(slice(1, 3))
    assert (
        part.path.shape == (4, 2, 2)
        and part.diverged_at.shape == (2,)
        and part.inside["update"].shape == (4, 2, 2)
    )
    elsewhere = part.layout().allocate()
    for a in elsewhere.arrays():
        a[...] = 7
    part.fill(elsewhere)
    assert (
        (out.loss[:, 1:3] == 7).all()
        and (out.final[1:3] == 7).all()
        and (out.state["exp_avg"][:, 1:3] == 7).all()
    )
