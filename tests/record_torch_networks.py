"""Record torch's numbers for tiny networks, for tests/test_networks_torch.py.

Run with torch installed (``pip install torch==2.13.0 numpy sympy``), from the repo root:

    python tests/record_torch_networks.py

Everything is float64 and saved with its data, so the tests need neither torch nor our data
generators to stay as they are:
- values: for every data set and activation, ``nn.Sequential(Linear, act, ..., Linear)``
  loaded with given flat parameters: training loss, gradient (autograd), test loss, class
  probabilities and the full Hessian of the training loss (``torch.autograd.functional``);
- training: every torch optimizer, full batch and minibatches of 32 out of 100 points (one
  ``numpy.random.default_rng(seed)``, an epoch's batches ``perm[i:i + 32]``), 30 steps of two
  networks trained one after the other, the flat parameters after each step;
- init: the standard deviation of torch's ``xavier_normal_`` and ``kaiming_normal_`` on a
  large layer.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from record_torch_reference import torch_optimizer  # noqa: E402

from networks import DATASETS, Network, dataset  # noqa: E402

STEPS = 30
BATCH = 32
ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}

# (our optimizer name, hyperparameters, activation): rates large enough to move in 30 steps.
TRAINING = [
    ("gd", {"lr": 0.5}, "tanh"),
    ("gd", {"lr": 0.3}, "relu"),
    ("momentum", {"lr": 0.1, "momentum": 0.9}, "tanh"),
    ("nesterov", {"lr": 0.1, "momentum": 0.8}, "sigmoid"),
    ("adagrad", {"lr": 0.1}, "tanh"),
    ("rmsprop", {"lr": 0.01}, "tanh"),
    ("rmsprop", {"lr": 0.005, "rho": 0.9, "momentum": 0.5, "centered": True}, "relu"),
    ("adadelta", {"lr": 1.0}, "tanh"),
    ("adam", {"lr": 0.02}, "tanh"),
    ("adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99}, "relu"),
    ("adamw", {"lr": 0.02, "weight_decay": 0.1}, "tanh"),
    ("amsgrad", {"lr": 0.02}, "sigmoid"),
    ("nadam", {"lr": 0.02}, "tanh"),
    ("adamax", {"lr": 0.02}, "tanh"),
    ("radam", {"lr": 0.02}, "tanh"),
    ("rprop", {"lr": 0.01}, "tanh"),
    ("asgd", {"lr": 0.3, "t0": 5.0}, "tanh"),
]
# torch's weight_decay on SGD is our l2: the gradient plus l2 * w.
L2_CASE = ("gd", {"lr": 0.5}, "tanh", 0.05)


def sequential(sizes, activation: str) -> torch.nn.Sequential:
    layers = []
    for i, (inp, out) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(inp, out))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


def load(model: torch.nn.Sequential, flat: np.ndarray) -> None:
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(flat), model.parameters())


def flat(model: torch.nn.Sequential) -> np.ndarray:
    return torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy().copy()


def values_case(name: str, activation: str, arrays: dict, key: str) -> dict:
    data = dataset(name, n_train=60, n_test=50, noise=0.2, seed=1)
    net = Network(data, hidden=(6, 5), activation=activation)
    theta = np.random.default_rng(7).normal(0.0, 0.8, (3, net.dim))
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    X_test, y_test = torch.tensor(data.X_test), torch.tensor(data.y_test)
    model = sequential(net.sizes, activation)
    value, grad, test, proba = [], [], [], []
    for row in theta:
        load(model, row)
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        value.append(loss.item())
        grad.append(torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy().copy())
        with torch.no_grad():
            test.append(torch.nn.functional.cross_entropy(model(X_test), y_test).item())
            proba.append(torch.softmax(model(X_test), -1).numpy().copy())
    shapes = [p.shape for p in model.parameters()]

    def loss_of(vector):
        params, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            params.append(vector[start : start + size].reshape(shape))
            start += size
        h = X
        for k in range(0, len(params), 2):
            h = h @ params[k].T + params[k + 1]
            if k + 2 < len(params):
                h = ACTIVATIONS[activation]()(h)
        return torch.nn.functional.cross_entropy(h, y)

    hessian = torch.autograd.functional.hessian(loss_of, torch.tensor(theta[0])).numpy()
    for field, array in (
        ("X", data.X),
        ("y", data.y),
        ("X_test", data.X_test),
        ("y_test", data.y_test),
        ("theta", theta),
        ("value", np.array(value)),
        ("grad", np.array(grad)),
        ("test_loss", np.array(test)),
        ("proba", np.array(proba)),
        ("hessian", hessian),
    ):
        arrays[f"{key}_{field}"] = array
    return {"key": key, "dataset": name, "activation": activation, "hidden": [6, 5]}


def train(name: str, hp: dict, activation: str, batch: int | None, l2: float, data, theta) -> np.ndarray:
    """Each network trained alone by torch.optim: ``(STEPS + 1, N, D)``."""
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    sizes = (2, 8, int(data.y.max()) + 1)
    paths = []
    for row in theta:
        model = sequential(sizes, activation)
        load(model, row)
        torch_hp = {**hp, "weight_decay": l2} if l2 else hp
        opt = torch_optimizer(name, torch_hp, list(model.parameters()))
        rng = np.random.default_rng(3)
        perm, i = None, len(y)
        path = [flat(model)]
        for _ in range(STEPS):
            if batch is None:
                idx = np.arange(len(y))
            else:
                if i >= len(y):
                    perm, i = rng.permutation(len(y)), 0
                idx = perm[i : i + batch]
                i += batch
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
            path.append(flat(model))
        paths.append(np.array(path))
    return np.stack(paths, 1)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    arrays: dict[str, np.ndarray] = {}
    values = []
    for name in DATASETS:
        for activation in ACTIVATIONS:
            values.append(values_case(name, activation, arrays, f"values{len(values)}"))
    data = dataset("moons", n_train=100, n_test=50, noise=0.2, seed=2)
    arrays["train_X"], arrays["train_y"] = data.X, data.y
    arrays["train_X_test"], arrays["train_y_test"] = data.X_test, data.y_test
    training = []
    for name, hp, activation in TRAINING:
        for batch in (None, BATCH):
            theta = Network(data, hidden=(8,), activation=activation).init(n=2, seed=5)
            key = f"train{len(training)}"
            arrays[key] = train(name, hp, activation, batch, 0.0, data, theta)
            training.append(
                {"key": key, "optimizer": name, "hp": hp, "activation": activation, "batch": batch, "l2": 0.0}
            )
    name, hp, activation, l2 = L2_CASE
    theta = Network(data, hidden=(8,), activation=activation).init(n=2, seed=5)
    key = f"train{len(training)}"
    arrays[key] = train(name, hp, activation, BATCH, l2, data, theta)
    training.append(
        {"key": key, "optimizer": name, "hp": hp, "activation": activation, "batch": BATCH, "l2": l2}
    )
    layer = torch.empty(128, 500)
    stds = {
        "glorot": float(
            torch.nn.init.xavier_normal_(layer, generator=torch.Generator().manual_seed(0)).std()
        ),
        "he": float(
            torch.nn.init.kaiming_normal_(
                layer, nonlinearity="relu", generator=torch.Generator().manual_seed(0)
            ).std()
        ),
    }
    meta = {
        "torch": torch.__version__,
        "steps": STEPS,
        "batch_seed": 3,
        "init_seed": 5,
        "values": values,
        "training": training,
        "init_std_128x500": stds,
    }
    out = ROOT / "tests" / "data" / "torch_networks.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    print(
        f"{len(values)} value cases, {len(training)} training cases from torch {torch.__version__} -> {out}"
    )


if __name__ == "__main__":
    main()
