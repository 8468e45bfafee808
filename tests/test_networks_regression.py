"""Regression networks (``loss="mse"``): the data, the loss and its derivatives (finite
differences), and torch parity against tests/record_torch_regression.py (torch 2.13, float64)."""

import json
import pathlib

import numpy as np
import pytest

from networks import Dataset, Network, dataset, directions, plane, sharpness
from networks.regression import BUMP_WIDTH, REGRESSIONS, regression, target
from optimizers import simulate

DATA = np.load(pathlib.Path(__file__).parent / "data" / "torch_regression.npz")
META = json.loads(str(DATA["meta"]))


def stored(key: str) -> Dataset:
    return Dataset(*(DATA[f"{key}_{field}"] for field in ("X", "y", "X_test", "y_test")))


# ---------------------------------------------------------------- data


@pytest.mark.parametrize("name", REGRESSIONS)
@pytest.mark.parametrize("dim", (1, 2))
def test_regression_sets_are_the_target_plus_noise_of_the_stated_size(name, dim):
    data = regression(name, dim, n_train=4000, n_test=10, noise=0.2, seed=3, n_val=5)
    assert data.X.shape == (4000, dim) and data.X_test.shape == (10, dim) and data.X_val.shape == (5, dim)
    assert data.y.dtype == np.float64
    assert data.X.min() >= -1 and data.X.max() <= 1
    residual = data.y - target(name, data.X)
    assert abs(residual.std() - 0.2) < 0.01 and abs(residual.mean()) < 0.01
    exact = regression(name, dim, n_train=50, n_test=10, noise=0.0, seed=3)
    np.testing.assert_array_equal(exact.y, target(name, exact.X))


def test_the_targets_are_a_sine_a_step_and_a_bump():
    x = np.array([[-0.5], [0.0], [0.5], [1.0]])
    np.testing.assert_allclose(target("sine", x), [-1, 0, 1, 0], atol=1e-15)
    np.testing.assert_array_equal(target("step", x), [-0.5, -0.5, 0.5, 0.5])
    assert target("bump", np.zeros((1, 2)))[0] == 1.0
    assert target("bump", np.array([[BUMP_WIDTH]]))[0] == pytest.approx(np.exp(-0.5))
    np.testing.assert_array_equal(target("step", np.array([[0.3, -0.4], [0.3, -0.2]])), [-0.5, 0.5])


def test_a_validation_set_changes_neither_training_nor_test_set():
    a = regression("bump", 2, n_train=30, n_test=20, seed=4)
    b = regression("bump", 2, n_train=30, n_test=20, seed=4, n_val=25)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.isin(b.X_val[:, 0], b.X[:, 0]).any()


@pytest.mark.parametrize(
    "kwargs",
    [{"name": "cosine"}, {"dim": 3}, {"dim": 1.5}, {"noise": -0.1}, {"noise": True}, {"n_train": 3}],
)
def test_bad_regression_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        regression(**kwargs)


def test_the_loss_and_the_targets_must_agree():
    with pytest.raises(ValueError, match="loss='mse'"):
        Network(regression("sine"))  # real targets for cross-entropy
    with pytest.raises(ValueError, match="unknown loss"):
        Network(dataset("moons"), loss="hinge")
    net = Network(dataset("moons", n_train=20, n_test=5), loss="mse")  # labels as numbers: allowed
    assert net.sizes[-1] == 1 and net.classes == 0
    with pytest.raises(ValueError, match="predict"):
        net.predict_proba(net.init(), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="predict_proba"):
        Network(dataset("moons")).predict(Network(dataset("moons")).init(), np.zeros((2, 2)))


# ---------------------------------------------------------------- the loss and its derivatives


def _numeric_gradient(net: Network, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    eye = np.eye(net.dim)
    return np.stack([(net.value(theta + h * e) - net.value(theta - h * e)) / (2 * h) for e in eye], -1)


@pytest.mark.parametrize("dim", (1, 2))
@pytest.mark.parametrize("batch_norm", (False, True))
def test_mse_value_is_the_mean_squared_error_and_its_gradient_matches_finite_differences(dim, batch_norm):
    data = regression("bump", dim, n_train=40, n_test=30, seed=1)
    net = Network(data, hidden=(5, 4), batch_norm=batch_norm, loss="mse")
    theta = net.init(n=3, seed=2)
    predictions = net.predict(theta, data.X)
    np.testing.assert_allclose(net.value(theta), ((predictions - data.y) ** 2).mean(-1), rtol=1e-12)
    g = net.grad(theta)
    numeric = _numeric_gradient(net, theta)
    assert np.abs(g - numeric).max() < 1e-7 * max(1.0, np.abs(g).max())
    assert np.abs(g).max() > 1e-3  # not a gradient that is zero everywhere
    v = np.random.default_rng(0).standard_normal(theta.shape)
    products = net.hvp(theta, v)
    h = 1e-5
    numeric_products = (net.grad(theta + h * v) - net.grad(theta - h * v)) / (2 * h)
    assert np.abs(products - numeric_products).max() < 1e-5 * np.abs(products).max()


def test_a_minibatch_gradient_is_the_gradient_on_those_rows():
    data = regression("sine", 1, n_train=50, n_test=5, seed=0)
    net = Network(data, hidden=(6,), loss="mse")
    theta = net.init(n=2, seed=1)
    rows = np.array([3, 7, 11, 40])
    alone = Network(Dataset(data.X[rows], data.y[rows], data.X_test, data.y_test), hidden=(6,), loss="mse")
    np.testing.assert_allclose(net.grad(theta, batch=rows), alone.grad(theta), rtol=1e-12)


def test_a_regression_records_its_losses_and_no_accuracy():
    data = regression("sine", 1, n_train=60, n_test=40, seed=0, n_val=20)
    net = Network(data, hidden=(8,), loss="mse")
    assert net.metric_names == ("test_loss", "val_loss")
    run = simulate(net, "adam", net.init(seed=0), 200, lr=0.02)
    assert set(run.metrics) == {"test_loss", "val_loss"}
    assert run.loss[-1, 0] < 0.3 * run.loss[0, 0]  # it fits
    np.testing.assert_allclose(run.metrics["test_loss"][-1], net.test_value(run.final), rtol=1e-12)


def test_landscape_views_work_on_a_regression():
    data = regression("step", 2, n_train=60, n_test=40, seed=0)
    net = Network(data, hidden=(6,), loss="mse")
    start = net.init(seed=0)[0]
    run = simulate(net, "momentum", start, 100, lr=0.05)
    d = directions(net, start, "pca", path=run.path[:, 0])
    grid = plane(net, start, d.d1, d.d2, np.array([0.0, 1.0]), np.array([0.0]))
    assert grid[0, 0] == pytest.approx(net.value(start)[0], rel=1e-12)
    test_grid = plane(net, start, d.d1, d.d2, np.array([0.0]), np.array([0.0]), test=True)
    assert test_grid[0, 0] == pytest.approx(net.test_value(start)[0], rel=1e-12)
    hessian = np.stack([net.hvp(start, e)[0] for e in np.eye(net.dim)])
    assert sharpness(net, start)[0] == pytest.approx(
        np.linalg.eigvalsh((hessian + hessian.T) / 2)[-1], rel=1e-6
    )


# ---------------------------------------------------------------- torch parity


def values_id(case):
    return f"{case['regression']}-{case['dim']}d-{case['activation']}" + "-bn" * case["batch_norm"]


@pytest.mark.parametrize("case", META["values"], ids=values_id)
def test_value_grad_hessian_and_predictions_equal_torch(case):
    key = case["key"]
    net = Network(
        stored(key),
        hidden=case["hidden"],
        activation=case["activation"],
        batch_norm=case["batch_norm"],
        loss="mse",
    )
    theta = DATA[f"{key}_theta"]
    np.testing.assert_allclose(net.value(theta), DATA[f"{key}_value"], rtol=1e-10)
    grad = DATA[f"{key}_grad"]  # a bias before batch norm: 0, up to rounding at the gradient's scale
    np.testing.assert_allclose(net.grad(theta), grad, rtol=1e-9, atol=1e-13 * np.abs(grad).max())
    np.testing.assert_allclose(net.test_value(theta), DATA[f"{key}_test_loss"], rtol=1e-10)
    np.testing.assert_allclose(
        net.predict(theta, stored(key).X_test), DATA[f"{key}_predictions"], rtol=1e-10, atol=1e-13
    )
    hessian = DATA[f"{key}_hessian"]
    v = np.random.default_rng(0).standard_normal((3, net.dim))
    products = net.hvp(np.tile(theta[0], (3, 1)), v)
    np.testing.assert_allclose(products, v @ hessian.T, rtol=1e-8, atol=1e-11 * np.abs(hessian).max())


def training_id(case):
    batch = "full" if case["batch"] is None else f"m{case['batch']}"
    return f"{case['optimizer']}-{case['activation']}-{batch}"


@pytest.mark.parametrize("case", META["training"], ids=training_id)
def test_training_equals_torch_optim_step_for_step(case):
    net = Network(stored("train"), hidden=(8,), activation=case["activation"], loss="mse")
    theta = net.init(n=2, seed=META["init_seed"])
    reference = DATA[case["key"]]
    np.testing.assert_array_equal(theta, reference[0])
    run = simulate(
        net,
        case["optimizer"],
        theta,
        META["steps"],
        batch_size=case["batch"],
        seed=META["batch_seed"],
        **case["hp"],
    )
    assert (run.diverged_at == -1).all()
    assert np.abs(reference[-1] - reference[0]).max() > 1e-2  # torch moved: the comparison means something
    np.testing.assert_allclose(run.path, reference, rtol=1e-7, atol=1e-10)
