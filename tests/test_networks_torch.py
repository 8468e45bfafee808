"""Networks equal torch: values, gradients, Hessians and training step for step, against
numbers recorded by tests/record_torch_networks.py (torch 2.13, float64). torch is not needed."""

import json
import pathlib

import numpy as np
import pytest

from networks import Dataset, Network, sharpness
from optimizers import OPTIMIZERS, simulate

DATA = np.load(pathlib.Path(__file__).parent / "data" / "torch_networks.npz")
META = json.loads(str(DATA["meta"]))


def stored(key: str) -> Dataset:
    return Dataset(*(DATA[f"{key}_{field}"] for field in ("X", "y", "X_test", "y_test")))


def values_id(case):
    return f"{case['dataset']}-{case['activation']}"


@pytest.mark.parametrize("case", META["values"], ids=values_id)
def test_value_grad_and_probabilities_equal_torch_autograd(case):
    key = case["key"]
    net = Network(stored(key), hidden=case["hidden"], activation=case["activation"])
    theta = DATA[f"{key}_theta"]
    np.testing.assert_allclose(net.value(theta), DATA[f"{key}_value"], rtol=1e-10)
    np.testing.assert_allclose(net.grad(theta), DATA[f"{key}_grad"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(net.test_value(theta), DATA[f"{key}_test_loss"], rtol=1e-10)
    proba = net.predict_proba(theta, stored(key).X_test)
    np.testing.assert_allclose(proba, DATA[f"{key}_proba"], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("case", META["values"], ids=values_id)
def test_hessian_vector_products_and_sharpness_equal_torchs_hessian(case):
    key = case["key"]
    net = Network(stored(key), hidden=case["hidden"], activation=case["activation"])
    theta = DATA[f"{key}_theta"][0]
    hessian = DATA[f"{key}_hessian"]
    v = np.random.default_rng(0).standard_normal((4, net.dim))
    products = net.hvp(np.tile(theta, (4, 1)), v)
    np.testing.assert_allclose(products, v @ hessian.T, rtol=1e-9, atol=1e-12 * np.abs(hessian).max())
    top = np.linalg.eigvalsh(hessian)[-1]
    assert sharpness(net, theta)[0] == pytest.approx(top, rel=1e-6)


TRAINING = META["training"]


def training_id(case):
    hp = ",".join(f"{k}={v}" for k, v in case["hp"].items())
    batch = "full" if case["batch"] is None else f"m{case['batch']}"
    return f"{case['optimizer']}-{case['activation']}-{batch}-{hp}" + (
        f"-l2={case['l2']}" if case["l2"] else ""
    )


@pytest.mark.parametrize("case", TRAINING, ids=training_id)
def test_training_equals_torch_optim_step_for_step(case):
    net = Network(stored("train"), hidden=(8,), activation=case["activation"])
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
        l2=case["l2"],
        penalize_biases=True,  # torch's weight_decay is on every parameter of the group
        **case["hp"],
    )
    assert (run.diverged_at == -1).all()
    np.testing.assert_allclose(run.path, reference, rtol=1e-7, atol=1e-10)


def test_every_torch_optimizer_is_trained_full_batch_and_on_minibatches():
    trained = {(c["optimizer"], c["batch"]) for c in TRAINING}
    for name, opt in OPTIMIZERS.items():
        if opt.torch and not opt.planar:
            assert (name, None) in trained and (name, 32) in trained, name


@pytest.mark.parametrize("scheme", ["glorot", "he"])
def test_init_standard_deviation_is_torchs(scheme):
    # A layer of 128 units on 500 inputs: the std of 64,000 draws is within 1% of torch's.
    data = Dataset(np.zeros((4, 500)), np.array([0, 1, 2, 3]), np.zeros((1, 500)), np.array([0]))
    W, b = Network(data, hidden=(128,)).layers(Network(data, hidden=(128,)).init(seed=1, scheme=scheme)[0])[0]
    assert W.shape == (128, 500) and not b.any()
    assert W.std() == pytest.approx(META["init_std_128x500"][scheme], rel=0.01)


# ---------------------------------------------------------------- batch normalization

BN = np.load(pathlib.Path(__file__).parent / "data" / "torch_batchnorm.npz")
BN_META = json.loads(str(BN["meta"]))


def bn_stored(key: str) -> Dataset:
    return Dataset(*(BN[f"{key}_{field}"] for field in ("X", "y", "X_test", "y_test")))


def bn_net(case, dropout: float = 0.0) -> Network:
    return Network(
        bn_stored(case["key"]),
        hidden=case["hidden"],
        activation=case["activation"],
        batch_norm=True,
        dropout=dropout,
    )


@pytest.mark.parametrize("case", BN_META["values"], ids=values_id)
def test_batch_norm_training_mode_equals_torch_train(case):
    key, net = case["key"], bn_net(case)
    theta, batch = BN[f"{key}_theta"], BN[f"{key}_batch"]
    assert net.dim == BN[f"{key}_grad"].shape[1]
    np.testing.assert_allclose(net.value(theta), BN[f"{key}_value"], rtol=1e-10)
    np.testing.assert_allclose(net.grad(theta), BN[f"{key}_grad"], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(net.grad(theta, batch=batch), BN[f"{key}_batch_grad"], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("case", BN_META["values"], ids=values_id)
def test_batch_norm_evaluation_equals_torch_eval_with_the_training_sets_statistics(case):
    key, net = case["key"], bn_net(case)
    theta = BN[f"{key}_theta"]
    np.testing.assert_allclose(net.test_value(theta), BN[f"{key}_test_loss"], rtol=1e-10)
    proba = net.predict_proba(theta, bn_stored(key).X_test)
    np.testing.assert_allclose(proba, BN[f"{key}_proba"], rtol=1e-9, atol=1e-14)
    assert net.evaluate(theta)["test_loss"] == pytest.approx(BN[f"{key}_test_loss"], rel=1e-10)


@pytest.mark.parametrize("case", BN_META["values"], ids=values_id)
def test_batch_norm_hessian_vector_products_equal_torch_double_backward(case):
    key, net = case["key"], bn_net(case)
    theta, v = BN[f"{key}_theta"], BN[f"{key}_v"]
    scale = np.abs(BN[f"{key}_hv"]).max()
    np.testing.assert_allclose(net.hvp(theta, v), BN[f"{key}_hv"], rtol=1e-7, atol=1e-9 * scale)
    hessian = BN[f"{key}_hessian"]
    np.testing.assert_allclose(net.hvp(theta[:1], v[:1])[0], hessian @ v[0], rtol=1e-7, atol=1e-9 * scale)
    assert sharpness(net, theta[0])[0] == pytest.approx(np.linalg.eigvalsh(hessian)[-1], rel=1e-6)


@pytest.mark.parametrize("case", BN_META["values"], ids=values_id)
def test_dropout_gradient_with_given_masks_equals_torch(case):
    key, net = case["key"], bn_net(case, dropout=BN_META["dropout"])
    masks = [BN[f"{key}_mask{k}"] for k in range(len(case["hidden"]))]
    grad = net.grad(BN[f"{key}_theta"], batch=BN[f"{key}_batch"], masks=masks)
    np.testing.assert_allclose(grad, BN[f"{key}_drop_grad"], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("case", BN_META["training"], ids=lambda c: f"{c['optimizer']}-{c['activation']}")
def test_batch_norm_training_equals_torch_optim_step_for_step(case):
    net = Network(bn_stored("train"), hidden=(6, 5), activation=case["activation"], batch_norm=True)
    theta = net.init(n=2, seed=BN_META["init_seed"])
    reference = BN[case["key"]]
    np.testing.assert_array_equal(theta, reference[0])
    run = simulate(
        net,
        case["optimizer"],
        theta,
        BN_META["steps"],
        batch_size=case["batch"],
        seed=BN_META["batch_seed"],
        **case["hp"],
    )
    assert (run.diverged_at == -1).all()
    # A hidden layer's bias has a zero gradient under batch norm (the batch mean removes it):
    # Adam divides both sides' rounding noise (~1e-17) by its eps and moves it by ~1e-10.
    np.testing.assert_allclose(run.path, reference, rtol=1e-7, atol=1e-9)
