"""Record torch's numbers for regression networks (``loss="mse"``), for
tests/test_networks_regression.py.

Run with torch installed, from the repo root:

    python tests/record_torch_regression.py

Everything is float64 and saved with its data (the tests need neither torch nor our
generators to stay as they are):
- values: every regression (sine, step, bump) in one and two inputs, with and without batch
  normalization: ``torch.nn.functional.mse_loss`` (mean reduction) of ``nn.Sequential`` loaded
  with given flat parameters: training loss, gradient (autograd), test loss, predictions and
  the full Hessian of the training loss (``torch.autograd.functional``);
- training: torch optimizers, full batch and minibatches of 32 out of 100 points (the batches
  of tests/record_torch_networks.py), 30 steps of two networks trained one after the other.
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from record_torch_batchnorm import set_running_statistics  # noqa: E402
from record_torch_networks import ACTIVATIONS, BATCH, STEPS, flat, load  # noqa: E402
from record_torch_reference import torch_optimizer  # noqa: E402

from networks import Network  # noqa: E402
from networks.regression import REGRESSIONS, regression  # noqa: E402

HIDDEN = (6, 5)
TRAINING = [
    ("gd", {"lr": 0.1}, "tanh"),
    ("momentum", {"lr": 0.05, "momentum": 0.9}, "relu"),
    ("nesterov", {"lr": 0.05, "momentum": 0.8}, "sigmoid"),
    ("rmsprop", {"lr": 0.01}, "tanh"),
    ("adam", {"lr": 0.02}, "tanh"),
    ("adamw", {"lr": 0.02, "weight_decay": 0.1}, "relu"),
    ("adagrad", {"lr": 0.1}, "tanh"),
]


def model_of(sizes, activation: str, batch_norm: bool) -> torch.nn.Sequential:
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            if batch_norm:
                layers.append(torch.nn.BatchNorm1d(sizes[i + 1], eps=1e-5))
            layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


def values_case(name: str, dim: int, activation: str, batch_norm: bool, arrays: dict, key: str) -> dict:
    data = regression(name, dim, n_train=60, n_test=50, noise=0.1, seed=1)
    net = Network(data, hidden=HIDDEN, activation=activation, batch_norm=batch_norm, loss="mse")
    theta = net.init(n=3, seed=7, scheme="normal", scale=0.8)
    if batch_norm:  # gamma and beta away from 1 and 0 too
        theta += np.random.default_rng(8).normal(0.0, 0.1, theta.shape) * ~net.weight_mask
    X, y = torch.tensor(data.X), torch.tensor(data.y)[:, None]
    X_test, y_test = torch.tensor(data.X_test), torch.tensor(data.y_test)[:, None]
    model = model_of(net.sizes, activation, batch_norm)
    value, grad, test, predictions = [], [], [], []
    for row in theta:
        load(model, row)
        model.train()
        model.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), y)
        loss.backward()
        value.append(loss.item())
        grad.append(torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy().copy())
        with torch.no_grad():
            if batch_norm:  # evaluation: the whole training set's mean and biased variance
                set_running_statistics(model, X)
                model.eval()
            test.append(torch.nn.functional.mse_loss(model(X_test), y_test).item())
            predictions.append(model(X_test)[:, 0].numpy().copy())
    params = [p.detach().clone() for p in model.parameters()]
    shapes = [p.shape for p in params]

    def loss_of(vector):
        pieces, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            pieces.append(vector[start : start + size].reshape(shape))
            start += size
        h, k = X, 0
        for i in range(len(HIDDEN) + 1):
            h = h @ pieces[k].T + pieces[k + 1]
            k += 2
            if i < len(HIDDEN):
                if batch_norm:
                    h = torch.nn.functional.batch_norm(h, None, None, pieces[k], pieces[k + 1], training=True)
                    k += 2
                h = ACTIVATIONS[activation]()(h)
        return torch.nn.functional.mse_loss(h, y)

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
        ("predictions", np.array(predictions)),
        ("hessian", hessian),
    ):
        arrays[f"{key}_{field}"] = array
    return {
        "key": key,
        "regression": name,
        "dim": dim,
        "activation": activation,
        "batch_norm": batch_norm,
        "hidden": list(HIDDEN),
    }


def train(name: str, hp: dict, activation: str, batch: int | None, data, theta) -> np.ndarray:
    """Each network trained alone by torch.optim: ``(STEPS + 1, N, D)``."""
    X, y = torch.tensor(data.X), torch.tensor(data.y)[:, None]
    paths = []
    for row in theta:
        model = model_of((data.X.shape[1], 8, 1), activation, False)
        load(model, row)
        opt = torch_optimizer(name, hp, list(model.parameters()))
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
            torch.nn.functional.mse_loss(model(X[idx]), y[idx]).backward()
            opt.step()
            path.append(flat(model))
        paths.append(np.array(path))
    return np.stack(paths, 1)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    arrays: dict[str, np.ndarray] = {}
    values = []
    activations = iter(list(ACTIVATIONS) * 8)
    for name in REGRESSIONS:
        for dim in (1, 2):
            for batch_norm in (False, True):
                key = f"values{len(values)}"
                values.append(values_case(name, dim, next(activations), batch_norm, arrays, key))
    data = regression("sine", 2, n_train=100, n_test=50, noise=0.1, seed=2)
    arrays["train_X"], arrays["train_y"] = data.X, data.y
    arrays["train_X_test"], arrays["train_y_test"] = data.X_test, data.y_test
    training = []
    for name, hp, activation in TRAINING:
        for batch in (None, BATCH):
            theta = Network(data, hidden=(8,), activation=activation, loss="mse").init(n=2, seed=5)
            key = f"train{len(training)}"
            arrays[key] = train(name, hp, activation, batch, data, theta)
            training.append(
                {"key": key, "optimizer": name, "hp": hp, "activation": activation, "batch": batch}
            )
    meta = {
        "torch": torch.__version__,
        "steps": STEPS,
        "batch_seed": 3,
        "init_seed": 5,
        "values": values,
        "training": training,
    }
    out = ROOT / "tests" / "data" / "torch_regression.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    print(
        f"{len(values)} value cases, {len(training)} training cases from torch {torch.__version__} -> {out}"
    )


if __name__ == "__main__":
    main()
