"""The networks engine: data, the network as an objective, training by simulate(), landscapes,
and the lecture notes' facts that only a real network shows."""

import numpy as np
import pytest

from networks import (
    ACTIVATIONS,
    DATASETS,
    INIT_SCHEMES,
    Dataset,
    Directions,
    Network,
    dataset,
    directions,
    interpolate,
    plane,
    project,
    sharpness,
)
from optimizers import OPTIMIZERS, simulate
from surfaces import get_surface

FIRST_ORDER = sorted(name for name, opt in OPTIMIZERS.items() if not opt.planar)
# A learning rate that moves each optimizer without throwing it off a small network.
RATES = {"adadelta": 1.0, "rprop": 0.01, "gd": 0.5, "momentum": 0.1, "nesterov": 0.1, "asgd": 0.3}


@pytest.fixture(scope="module")
def moons():
    return dataset("moons")


@pytest.fixture(scope="module")
def small():
    return dataset("moons", n_train=40, n_test=30, seed=3)


# ---------------------------------------------------------------- data


def test_dataset_defaults_shapes_and_types(moons):
    X, y, X_test, y_test, X_val, y_val = moons
    assert X.shape == (200, 2) and X.dtype == np.float64
    assert y.shape == (200,) and y.dtype == np.int64
    assert X_test.shape == (1000, 2) and y_test.shape == (1000,)
    assert X_val.shape == (0, 2) and y_val.shape == (0,) and y_val.dtype == np.int64  # none by default
    assert np.bincount(y).tolist() == [100, 100]  # balanced
    assert moons.classes == 2


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_is_reproducible_from_its_seed(name):
    a, b, c = dataset(name, seed=4), dataset(name, seed=4), dataset(name, seed=5)
    for first, second in zip(a, b, strict=True):
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(a.X, c.X)
    assert np.isfinite(a.X).all() and np.abs(a.X).max() < 5
    assert a.classes == (3 if name == "blobs" else 2)
    # A larger test set leaves the training set as it was.
    np.testing.assert_array_equal(dataset(name, seed=4, n_test=3000).X, a.X)


@pytest.mark.parametrize("name", list(DATASETS))
def test_a_validation_split_is_disjoint_and_leaves_training_and_test_sets_as_they_were(name):
    plain = dataset(name, n_train=60, n_test=300, seed=7)
    split = dataset(name, n_train=60, n_test=300, seed=7, n_val=150)
    for field in ("X", "y", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(split, field), getattr(plain, field))
    assert split.X_val.shape == (150, 2) and split.y_val.shape == (150,) and split.y_val.dtype == np.int64
    if name != "xor":  # xor's labels come from the quadrants; the others are balanced
        assert np.bincount(split.y_val).min() == 150 // split.classes
    # Disjoint: no point of one set is a point of another.
    rows = [{tuple(p) for p in X} for X in (split.X, split.X_test, split.X_val)]
    assert sum(map(len, rows)) == len(rows[0] | rows[1] | rows[2]) == 60 + 300 + 150
    # Drawn from the same distribution: a network's validation loss is near its test loss.
    net = Network(split, hidden=(8,))
    theta = simulate(net, "adam", net.init(), 300, lr=0.02).final
    assert net.metric_names[-2:] == ("val_loss", "val_acc")
    measured = net.evaluate(theta)
    assert abs(measured["val_acc"][0] - measured["test_acc"][0]) < 0.1


@pytest.mark.parametrize("seed", [0, 1])
def test_spirals_need_a_real_network_at_the_default_noise(seed):
    # What the data set is for: with the Network page's defaults (noise 0.2, 200 points, Adam
    # at 0.01 on minibatches of 32 for 500 steps) two layers of 16 tanh units separate the
    # spirals (97.5-98.2 % on the test set) and one layer of two units cannot (71.8-74.0 %).
    data = dataset("spirals", noise=0.2, seed=seed)
    accuracy = {}
    for hidden in ((2,), (16, 16)):
        net = Network(data, hidden=hidden)
        run = simulate(net, "adam", net.init(), 500, lr=0.01, batch_size=32, record_every=10)
        accuracy[hidden] = run.metrics["test_acc"][:, 0]
    assert accuracy[(2,)].max() < 0.8 and accuracy[(16, 16)][-1] > 0.95
    assert accuracy[(16, 16)][-1] > accuracy[(2,)].max() + 0.2


def test_moons_without_noise_lie_on_their_half_circles():
    X, y, *_ = dataset("moons", noise=0.0)
    upper = X[y == 0] + [0.5, 0.25]
    lower = X[y == 1] + [0.5, 0.25] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(*lower.T), 1.0)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "swirls"},
        {"n_train": 3},
        {"n_train": 5001},
        {"n_train": 20.5},
        {"n_test": 0},
        {"noise": -0.1},
        {"noise": float("nan")},
        {"noise": "a lot"},
        {"seed": -1},
        {"n_val": -1},
        {"n_val": 2.5},
    ],
)
def test_bad_data_settings_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        dataset(**{"name": "moons", **kwargs})


# ---------------------------------------------------------------- the network


def test_parameters_are_in_torchs_sequential_order(moons):
    net = Network(moons, hidden=(3,), activation="tanh")
    assert net.dim == 2 * 3 + 3 + 3 * 2 + 2
    (W1, b1), (W2, b2) = net.layers(np.arange(net.dim, dtype=float))
    np.testing.assert_array_equal(W1, [[0, 1], [2, 3], [4, 5]])  # (out, in) row-major
    np.testing.assert_array_equal(b1, [6, 7, 8])
    np.testing.assert_array_equal(W2, [[9, 10, 11], [12, 13, 14]])
    np.testing.assert_array_equal(b2, [15, 16])


@pytest.mark.parametrize("scheme", INIT_SCHEMES)
def test_init_draws_independent_networks_with_zero_biases(moons, scheme):
    net = Network(moons, hidden=(16, 16))
    theta = net.init(n=8, seed=0, scheme=scheme, scale=0.5)
    assert theta.shape == (8, net.dim)
    np.testing.assert_array_equal(net.init(n=8, seed=0, scheme=scheme, scale=0.5), theta)
    for layer in range(3):
        assert not net.layers(theta[0])[layer][1].any()
    if scheme == "zeros":
        assert not theta.any()
    else:
        assert len({row.tobytes() for row in theta}) == 8
        # The first network does not depend on how many are drawn.
        np.testing.assert_array_equal(net.init(n=1, seed=0, scheme=scheme, scale=0.5)[0], theta[0])
    if scheme == "normal":
        W = np.concatenate([net.layers(row)[1][0].ravel() for row in theta])
        assert W.std() == pytest.approx(0.5, rel=0.05)


def test_init_defaults(moons):
    net = Network(moons)
    np.testing.assert_array_equal(net.init(), net.init(n=1, seed=0, scheme="glorot", scale=1.0))
    assert net.init().shape == (1, net.dim)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_grad_and_hessian_vector_products_match_finite_differences(activation):
    data = dataset("blobs", n_train=50, seed=2)
    net = Network(data, hidden=(5, 4), activation=activation)
    rng = np.random.default_rng(0)
    theta = rng.normal(0, 0.7, (3, net.dim))  # non-zero biases: no ReLU kink at exactly 0
    v = rng.standard_normal((3, net.dim))
    eps = 1e-6
    directional = (net.value(theta + eps * v) - net.value(theta - eps * v)) / (2 * eps)
    np.testing.assert_allclose((net.grad(theta) * v).sum(1), directional, rtol=1e-7, atol=1e-9)
    fd_hvp = (net.grad(theta + eps * v) - net.grad(theta - eps * v)) / (2 * eps)
    np.testing.assert_allclose(net.hvp(theta, v), fd_hvp, rtol=1e-5, atol=1e-7)


def test_minibatch_gradient_is_the_gradient_of_those_rows(moons):
    net = Network(moons, hidden=(4,))
    theta = net.init(n=2, seed=1)
    rows = np.array([3, 17, 17, 150])
    sub = Network(Dataset(moons.X[rows], moons.y[rows], moons.X_test, moons.y_test), hidden=(4,))
    np.testing.assert_allclose(net.grad(theta, batch=rows), sub.grad(theta), rtol=1e-12)


def test_probabilities_are_a_distribution_per_point(moons):
    net = Network(dataset("blobs"), hidden=(8,))
    proba = net.predict_proba(net.init(n=3), moons.X_test[:10])
    assert proba.shape == (3, 10, 3)
    np.testing.assert_allclose(proba.sum(-1), 1.0)


def test_the_loss_stays_finite_for_huge_logits(moons):
    net = Network(moons, hidden=(4,))
    theta = net.init(n=1, seed=0) * 1e3
    assert np.isfinite(net.value(theta)).all() and np.isfinite(net.grad(theta)).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"activation": "swish"},
        {"hidden": (0,)},
        {"hidden": (129,)},
        {"hidden": (4,) * 7},
        {"hidden": (4.5,)},
        {"hidden": "wide"},
    ],
)
def test_bad_network_settings_raise_value_error(moons, kwargs):
    with pytest.raises(ValueError):
        Network(moons, **kwargs)


def test_caps_are_accepted(moons):
    net = Network(moons, hidden=(128,) * 6, activation="relu")
    assert net.dim == 2 * 128 + 128 + 5 * (128 * 128 + 128) + 128 * 2 + 2


def test_wrong_parameter_lengths_raise_value_error(moons):
    net = Network(moons, hidden=(4,))
    wrong = np.zeros(net.dim + 1)
    for call in (net.value, net.grad, net.layers, lambda t: net.predict_proba(t, moons.X)):
        with pytest.raises(ValueError, match=str(net.dim)):
            call(wrong)
    with pytest.raises(ValueError):
        simulate(net, "adam", wrong, 5)
    with pytest.raises(ValueError):
        net.init(scheme="lecun")
    with pytest.raises(ValueError):
        net.grad(net.init(), batch=np.array([0, 200]))


# ---------------------------------------------------------------- training with simulate


def test_records_hold_the_full_training_loss_and_the_metrics(moons):
    net = Network(moons, hidden=(8,))
    theta = net.init(n=3, seed=0)
    run = simulate(net, "adam", theta, 40, lr=0.02, batch_size=16, seed=1, record_every=10)
    assert run.path.shape == (5, 3, net.dim) and run.final.shape == (3, net.dim)
    np.testing.assert_array_equal(run.step, [0, 10, 20, 30, 40])
    last = run.path[-1]
    np.testing.assert_allclose(run.loss[-1], net.value(last), rtol=1e-12)
    np.testing.assert_allclose(run.grad_norm[-1], np.linalg.norm(net.grad(last), axis=1), rtol=1e-12)
    np.testing.assert_allclose(run.metrics["test_loss"][-1], net.test_value(last), rtol=1e-12)
    labels = net.predict_proba(last, moons.X_test).argmax(-1)
    np.testing.assert_allclose(run.metrics["test_acc"][-1], (labels == moons.y_test).mean(-1))
    labels = net.predict_proba(last, moons.X).argmax(-1)
    np.testing.assert_allclose(run.metrics["train_acc"][-1], (labels == moons.y).mean(-1))
    assert set(run.metrics) == {"test_loss", "train_acc", "test_acc"}
    assert run.loss[-1].mean() < run.loss[0].mean()


def test_surfaces_have_no_metrics():
    assert simulate(get_surface("rosenbrock"), "adam", [0.0, 0.0], 3).metrics == {}


def test_minibatches_follow_the_one_rule(small):
    net = Network(small, hidden=(4,))
    theta = net.init(n=1, seed=2)
    m, steps, lr = 12, 9, 0.3  # 40 rows: batches of 12, 12, 12, 4 per epoch
    rng = np.random.default_rng(7)
    p, batches = theta.copy(), []
    while len(batches) < steps:
        perm = rng.permutation(40)
        batches += [perm[i : i + m] for i in range(0, 40, m)]
    for batch in batches[:steps]:
        p = p - lr * net.grad(p, batch=batch)
    run = simulate(net, "gd", theta, steps, lr=lr, batch_size=m, seed=7)
    np.testing.assert_allclose(run.final, p, rtol=1e-13)
    assert len(batches[3]) == 4


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_networks_of_one_call_equal_networks_trained_alone(small, name):
    net = Network(small, hidden=(6,))
    theta = net.init(n=3, seed=1)
    lr = RATES.get(name, 0.02)
    together = simulate(net, name, theta, 12, lr=lr, batch_size=8, seed=3)
    for i in range(3):
        alone = simulate(net, name, theta[i], 12, lr=lr, batch_size=8, seed=3)
        np.testing.assert_allclose(together.path[:, i], alone.path[:, 0], rtol=1e-12, atol=1e-15)


def test_clipping_bounds_each_networks_global_gradient_norm(small):
    net = Network(small, hidden=(6,))
    theta = net.init(n=2, seed=1) * 3.0
    run = simulate(net, "gd", theta, 10, lr=0.1, clip_norm=0.05)
    steps = np.linalg.norm(np.diff(run.path, axis=0), axis=-1)
    assert steps.max() <= 0.1 * 0.05 * (1 + 1e-12)
    assert steps.max() == pytest.approx(0.1 * 0.05)  # the gradients here are larger than 0.05


def test_diverging_networks_are_frozen_and_marked(small):
    net = Network(small, hidden=(6,), activation="relu")
    theta = net.init(n=2, seed=1)
    run = simulate(net, "momentum", theta, 200, lr=[1e4, 1e-3], momentum=0.99)
    assert run.diverged_at[0] > 0 and run.diverged_at[1] == -1
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()
    assert np.abs(run.final[0]).max() <= 1e4
    np.testing.assert_array_equal(run.path[-1, 0], run.path[run.diverged_at[0] - 1, 0])


def test_state_is_recorded_for_networks(small):
    net = Network(small, hidden=(6,))
    run = simulate(net, "adam", net.init(n=2), 5, lr=0.01, record_state=True)
    assert run.state["exp_avg"].shape == (6, 2, net.dim)
    plain = simulate(net, "adam", net.init(n=2), 5, lr=0.01)
    np.testing.assert_array_equal(run.path, plain.path)


@pytest.mark.parametrize("name", ["newton", "bfgs", "lbfgs", "cg", "adafactor"])
def test_methods_for_2d_points_refuse_networks(small, name):
    net = Network(small, hidden=(4,))
    with pytest.raises(ValueError, match="2-D"):
        simulate(net, name, net.init(), 5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"noise": 0.1},
        {"constraint": {"norm": "l2", "radius": 1.0}},
        {"batch_size": 0},
        {"batch_size": 41},
        {"batch_size": 2.5},
    ],
)
def test_options_a_network_refuses_raise_value_error(small, kwargs):
    net = Network(small, hidden=(4,))
    with pytest.raises(ValueError):
        simulate(net, "gd", net.init(), 5, **kwargs)


def test_batch_size_on_a_surface_raises_value_error():
    with pytest.raises(ValueError, match="networks"):
        simulate(get_surface("rosenbrock"), "gd", [0.0, 0.0], 5, batch_size=8)


def test_the_penalty_is_on_the_weights_not_the_biases_unless_asked():
    # Note 004: penalize the weights, not the biases (fitting a bias needs little data).
    net = Network(dataset("moons", n_train=40, seed=2), hidden=(6,))
    assert net.weight_mask.sum() == 2 * 6 + 6 * 2 and (~net.weight_mask).sum() == 6 + 2
    theta = net.init(n=1, seed=3) + 0.3  # every bias 0.3: a bias penalty would move them
    plain = net.grad(theta)[0]
    for l1, l2 in ((0.0, 0.5), (0.2, 0.0)):
        step = simulate(net, "gd", theta, 1, lr=1.0, l1=l1, l2=l2).path[1, 0]
        moved = theta[0] - step - plain  # what the penalty added to the step
        np.testing.assert_allclose(moved[~net.weight_mask], 0.0, atol=1e-15)
        np.testing.assert_allclose(
            moved[net.weight_mask], (l2 * theta + l1 * np.sign(theta))[0, net.weight_mask]
        )
        everything = simulate(net, "gd", theta, 1, lr=1.0, l1=l1, l2=l2, penalize_biases=True).path[1, 0]
        np.testing.assert_allclose(theta[0] - everything - plain, (l2 * theta + l1 * np.sign(theta))[0])
    # The proximal L1 step (soft-thresholding) leaves the biases alone too.
    run = simulate(net, "gd", theta, 200, lr=0.5, l1=0.05, proximal=True)
    biases = run.final[0][~net.weight_mask]
    assert (run.final[0][net.weight_mask] == 0).any() and (biases != 0).all()
    with_biases = simulate(net, "gd", theta, 200, lr=0.5, l1=0.05, proximal=True, penalize_biases=True)
    assert (with_biases.final[0][~net.weight_mask] == 0).any()
    assert run.objective[-1, 0] == pytest.approx(
        run.loss[-1, 0] + 0.05 * np.abs(run.final[0][net.weight_mask]).sum()
    )


def test_a_validation_set_is_recorded_as_run_metrics():
    net = Network(dataset("moons", n_train=40, n_val=100, seed=2), hidden=(6,))
    run = simulate(net, "adam", net.init(), 30, lr=0.02, record_every=10)
    for name in ("val_loss", "val_acc"):
        assert run.metrics[name].shape == run.loss.shape
    np.testing.assert_allclose(
        run.metrics["val_loss"][:, 0],
        [net._losses(p[None], net.data.X_val, net.data.y_val)[0][0] for p in run.path[:, 0]],
    )
    assert (
        "val_loss"
        not in simulate(Network(dataset("moons", n_train=40), hidden=(6,)), "adam", net.init(), 3).metrics
    )


def test_full_batch_convergence_is_judged_on_the_full_gradient():
    data = dataset("blobs", n_train=30, noise=0.0, seed=1)
    net = Network(data, hidden=())  # softmax regression: convex with an L2 penalty
    run = simulate(net, "gd", net.init(n=1), 3000, lr=0.5, l2=0.5, tol=1e-8)
    assert 0 < run.converged_at[0] < 3000
    assert run.grad_norm[-1, 0] <= 1e-8


# ---------------------------------------------------------------- landscapes


@pytest.fixture(scope="module")
def trained(moons):
    net = Network(moons, hidden=(8, 8))
    theta = net.init(n=2, seed=0)
    run = simulate(net, "adam", theta, 60, lr=0.03, record_every=5)
    return net, theta, run


def test_plane_at_the_origin_is_the_centers_loss_and_the_grid_is_exact(trained):
    net, theta, run = trained
    d = directions(net, theta[0], "points", points=(run.final[0], run.final[1]))
    assert isinstance(d, Directions) and d.explained is None
    alphas, betas = np.linspace(-0.5, 1.5, 7), np.linspace(-0.5, 1.5, 5)
    grid = plane(net, theta[0], d.d1, d.d2, alphas, betas)
    assert grid.shape == (5, 7)
    origin = plane(net, theta[0], d.d1, d.d2, [0.0], [0.0])
    assert origin[0, 0] == pytest.approx(net.value(theta[0])[0], rel=1e-14)
    points = np.array([theta[0] + a * d.d1 + b * d.d2 for b in betas for a in alphas])
    np.testing.assert_allclose(grid.ravel(), net.value(points), rtol=1e-13)
    test_grid = plane(net, theta[0], d.d1, d.d2, alphas, betas, test=True)
    np.testing.assert_allclose(test_grid.ravel(), net.test_value(points), rtol=1e-13)


def test_points_directions_put_center_a_and_b_at_the_unit_corners(trained):
    net, theta, run = trained
    a, b = run.final
    d = directions(net, theta[0], "points", points=(a, b))
    coords, off = project(np.stack([theta[0], a, b]), theta[0], d.d1, d.d2)
    np.testing.assert_allclose(coords, [[0, 0], [1, 0], [0, 1]], atol=1e-12)
    np.testing.assert_allclose(off, 0.0, atol=1e-12)


def test_pca_directions_are_orthonormal_with_explained_variance(trained):
    net, theta, run = trained
    path = run.path[:, 0]
    d = directions(net, theta[0], "pca", path=path)
    basis = np.stack([d.d1, d.d2])
    np.testing.assert_allclose(basis @ basis.T, np.eye(2), atol=1e-12)
    centred = path - path.mean(0)
    variances = np.linalg.eigvalsh(centred.T @ centred)[::-1]
    np.testing.assert_allclose(d.explained, variances[:2] / variances.sum(), rtol=1e-8)
    assert d.explained[0] >= d.explained[1] and sum(d.explained) <= 1 + 1e-12
    # The top two principal directions: nothing in the path's spread is larger off them.
    assert np.var(centred @ d.d1) == pytest.approx(variances[0] / len(path), rel=1e-8)


def test_projection_of_plane_points_recovers_their_coordinates(trained):
    net, theta, _ = trained
    d = directions(net, theta[0], "random", seed=3)
    coords = np.random.default_rng(1).uniform(-1, 1, (10, 2))
    points = theta[0] + coords[:, :1] * d.d1 + coords[:, 1:] * d.d2
    found, off = project(points, theta[0], d.d1, d.d2)
    np.testing.assert_allclose(found, coords, atol=1e-10)
    np.testing.assert_allclose(off, 0.0, atol=1e-10)
    lifted = points + 0.3 * np.linalg.svd(np.stack([d.d1, d.d2]))[2][5]  # a unit vector off the plane
    assert project(lifted, theta[0], d.d1, d.d2)[1] == pytest.approx(np.full(10, 0.3))


def test_random_directions_are_filter_normalized(trained):
    net, theta, _ = trained
    d = directions(net, theta[0], "random", seed=0)
    for (W, _), (dW, db) in zip(net.layers(theta[0]), net.layers(d.d1), strict=True):
        np.testing.assert_allclose(np.linalg.norm(dW, axis=1), np.linalg.norm(W, axis=1))
        assert not db.any()
    assert not np.allclose(d.d1, d.d2)
    np.testing.assert_array_equal(directions(net, theta[0], "random", seed=0).d1, d.d1)


def test_interpolation_ends_at_both_points(trained):
    net, theta, run = trained
    losses = interpolate(net, theta[0], run.final[0], np.linspace(0, 1, 11))
    assert losses.shape == (11,)
    assert losses[0] == pytest.approx(net.value(theta[0])[0], rel=1e-13)
    assert losses[-1] == pytest.approx(net.value(run.final[0])[0], rel=1e-13)


def test_bad_landscape_input_raises_value_error(trained):
    net, theta, run = trained
    with pytest.raises(ValueError):
        directions(net, theta[0], "sideways")
    with pytest.raises(ValueError):
        directions(net, theta[0], "pca", path=np.tile(theta[0], (5, 1)))  # a path that never moves
    with pytest.raises(ValueError):
        directions(net, theta[0][:-1], "random")
    with pytest.raises(ValueError):
        plane(net, theta[0], theta[0], theta[1], np.linspace(0, 1, 1000), [0.0])
    with pytest.raises(ValueError):
        project(run.path[:, 0], theta[0], theta[0], 2 * theta[0])  # d1 and d2 parallel


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_sharpness_is_the_top_eigenvalue_of_the_full_hessian(activation):
    data = dataset("circles", n_train=80)
    net = Network(data, hidden=(10, 6), activation=activation)
    theta = net.init(n=2, seed=1) + np.random.default_rng(0).normal(0, 0.3, (2, net.dim))
    top = sharpness(net, theta)
    for i in range(2):
        hessian = net.hvp(np.tile(theta[i], (net.dim, 1)), np.eye(net.dim))
        np.testing.assert_allclose(hessian, hessian.T, atol=1e-12)
        assert top[i] == pytest.approx(np.linalg.eigvalsh(hessian)[-1], rel=1e-6)


# ---------------------------------------------------------------- what the lecture notes claim


def hidden_units_identical(net, theta):
    """Whether the hidden units of the first layer are still copies of each other."""
    (W1, b1), (W2, _), *_ = net.layers(theta)
    return (
        np.allclose(W1, W1[:1], rtol=0, atol=1e-12)
        and np.allclose(b1, b1[0], rtol=0, atol=1e-12)
        and np.allclose(W2, W2[:, :1], rtol=0, atol=1e-12)
    )


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_equal_hidden_units_stay_equal_under_any_optimizer(moons, name):
    net = Network(moons, hidden=(6,))
    lr = RATES.get(name, 0.02)
    # Every hidden unit starts with the same incoming weights and bias and the same outgoing
    # weights; all zeros is the degenerate case.
    W1 = np.tile([[0.3, -0.2]], (6, 1))
    b1 = np.full(6, 0.1)
    W2 = np.tile([[0.5], [-0.4]], (1, 6))
    equal = np.concatenate([W1.ravel(), b1, W2.ravel(), [0.0, 0.0]])
    starts = np.stack([equal, np.zeros(net.dim)])
    run = simulate(net, name, starts, 100, lr=lr)
    for i in range(2):
        assert hidden_units_identical(net, run.final[i]), f"{name} broke the symmetry of start {i}"
    assert not np.allclose(run.final[0], starts[0])  # it did train
    glorot = simulate(net, name, net.init(seed=0), 100, lr=lr)
    assert not hidden_units_identical(net, glorot.final[0])


def test_minibatch_gradient_variance_falls_as_one_over_m_times_the_finite_population_factor(moons):
    net = Network(moons, hidden=(8,))
    theta = net.init(n=1, seed=0)
    full = net.grad(theta)[0]
    n, rng = 200, np.random.default_rng(0)

    def variance(m: int) -> float:
        batches = [rng.permutation(n)[:m] for _ in range(3000)]
        return float(np.mean([np.sum((net.grad(theta, batch=b)[0] - full) ** 2) for b in batches]))

    predicted = (1 / 8) * (n - 8) / (n - 1) / ((1 / 32) * (n - 32) / (n - 1))
    assert variance(8) / variance(32) == pytest.approx(predicted, rel=0.15)


def test_early_stopping_test_loss_turns_up_while_training_loss_keeps_falling():
    data = dataset("moons", n_train=30, noise=0.35, seed=1)
    net = Network(data, hidden=(64, 64))
    run = simulate(net, "adam", net.init(seed=0), 2000, lr=0.01, record_every=10)
    test, train = run.metrics["test_loss"][:, 0], run.loss[:, 0]
    best = int(np.argmin(test))
    assert 0 < best < len(test) - 20  # the least test loss comes well before the end
    assert test[-1] > 1.5 * test[best]
    assert train[-1] < 0.1 * train[best]


def test_deep_sigmoid_network_with_small_start_has_vanishing_first_layer_gradients(moons):
    net = Network(moons, hidden=(16,) * 6, activation="sigmoid")
    norms = net.layer_grad_norms(net.init(n=4, seed=0, scheme="normal", scale=0.1))
    assert norms.shape == (4, 7)
    assert (norms[:, 0] < 1e-3 * norms[:, -1]).all()


# ---------------------------------------------------------------- batch norm and dropout


def test_batch_norm_layout_is_torchs_parameters_order_and_init_sets_gamma_one():
    net = Network(dataset("moons", n_train=30, n_test=10), hidden=(4, 3), batch_norm=True)
    # Per hidden layer W, b, gamma, beta; then the output layer's W, b.
    assert net.dim == (8 + 4 * 3) + (12 + 3 * 3) + (6 + 2)
    assert [(w, b, end) for w, b, end in net.offsets] == [(0, 8, 20), (20, 32, 41), (41, 47, 49)]
    assert net.norm_offsets == [12, 35, None]
    for scheme in ("zeros", "glorot"):
        theta = net.init(n=2, seed=0, scheme=scheme)
        assert (theta[:, 12:16] == 1).all() and (theta[:, 16:20] == 0).all()
        assert (theta[:, 35:38] == 1).all() and (theta[:, 38:41] == 0).all()
        assert not net.weight_mask[12:20].any() and net.weight_mask[:8].all()
    assert "batch norm" in repr(net)


@pytest.mark.parametrize(
    "bad", [{"batch_norm": 1}, {"batch_norm": "yes"}, {"dropout": 1.0}, {"dropout": -0.1}]
)
def test_batch_norm_and_dropout_reject_bad_values(bad):
    with pytest.raises(ValueError, match="batch_norm|dropout"):
        Network(dataset("moons", n_train=30, n_test=10), **bad)


def test_batch_norm_evaluation_is_deterministic_and_equals_training_mode_on_the_training_set():
    data = dataset("moons", n_train=50, n_test=40, seed=3)
    net = Network(data, hidden=(5, 5), batch_norm=True)
    theta = net.init(n=3, seed=1, scale=2.0)
    # On the training set its own statistics are the evaluation statistics.
    proba = net.predict_proba(theta, data.X)
    loss = -np.log(proba[:, np.arange(len(data.y)), data.y]).mean(-1)
    np.testing.assert_allclose(loss, net.value(theta), rtol=1e-12)
    # One test point alone gets the same answer as among all (no statistics of the test set).
    single = net.predict_proba(theta, data.X_test[:1])
    np.testing.assert_allclose(single[:, 0], net.predict_proba(theta, data.X_test)[:, 0], rtol=1e-12)
    np.testing.assert_array_equal(net.evaluate(theta)["test_loss"], net.evaluate(theta)["test_loss"])


def test_batch_norm_in_one_call_equals_one_network_at_a_time():
    net = Network(
        dataset("circles", n_train=60, n_test=20), hidden=(6, 4), activation="relu", batch_norm=True
    )
    theta = net.init(n=4, seed=2) + 0.1
    v = np.random.default_rng(0).standard_normal(theta.shape)
    for method in (net.value, net.grad, net.test_value):
        np.testing.assert_allclose(method(theta), np.concatenate([method(row) for row in theta]), rtol=1e-12)
    np.testing.assert_allclose(
        net.hvp(theta, v), np.concatenate([net.hvp(t, w) for t, w in zip(theta, v, strict=True)]), rtol=1e-12
    )


def test_dropout_masks_are_the_same_for_every_optimizer_and_absent_at_evaluation():
    data = dataset("moons", n_train=64, n_test=50, seed=1)
    plain, dropped = Network(data, hidden=(8, 8)), Network(data, hidden=(8, 8), dropout=0.5)
    theta = plain.init(n=2, seed=0)
    np.testing.assert_array_equal(plain.evaluate(theta)["test_loss"], dropped.evaluate(theta)["test_loss"])
    np.testing.assert_array_equal(plain.grad(theta), dropped.grad(theta))  # no masks given: none
    masks = dropped.dropout_masks(np.random.default_rng(0), 10)
    assert [m.shape for m in masks] == [(8, 10), (8, 10)]
    assert set(np.unique(np.concatenate(masks))) <= {0.0, 2.0}
    run = simulate(dropped, "gd", theta, 20, batch_size=16, seed=4, lr=0.5)
    again = simulate(dropped, "gd", theta[::-1], 20, batch_size=16, seed=4, lr=0.5)
    np.testing.assert_array_equal(run.path[:, ::-1], again.path)  # masks shared by the networks
    assert not np.allclose(run.path, simulate(plain, "gd", theta, 20, batch_size=16, seed=4, lr=0.5).path)
    # The first step's gradient is the one on the first minibatch with the first masks.
    rng, batches = np.random.default_rng([4, 1]), np.random.default_rng(4).permutation(64)[:16]
    g = dropped.grad(theta, batch=batches, masks=dropped.dropout_masks(rng, 16))
    np.testing.assert_allclose(run.path[1], theta - 0.5 * g, rtol=1e-12)
    full = simulate(dropped, "momentum", theta, 5, seed=4, lr=0.1)
    assert np.isfinite(full.grad_norm).all()
