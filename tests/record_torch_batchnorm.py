"""Record torch's numbers for networks with batch normalization (and dropout masks), for
tests/test_networks_torch.py.

Run with torch installed (``pip install torch==2.13.0 numpy sympy``), from the repo root:

    python tests/record_torch_batchnorm.py

Everything is float64 and saved with its data. The model is torch's
``nn.Sequential(Linear, BatchNorm1d, act, ..., Linear)`` loaded with given flat parameters
(``parameters()`` order: W, b, gamma, beta per hidden layer):
- training mode (``train()``): the loss and gradient (autograd) on the whole training set and
  on a minibatch, and Hessian-vector products by double backward on the whole set, with the
  full Hessian (``torch.autograd.functional.hessian``) of the first network for its top
  eigenvalue;
- evaluation (``eval()``) with each BatchNorm1d's running mean and variance set to the mean
  and biased variance of its inputs over the whole training set (a ``train()`` forward pass):
  test loss and class probabilities;
- dropout: the gradient on a minibatch with given 0 / (1 / (1 - p)) masks multiplied into
  each hidden activation (the masks are saved: torch's own dropout draws from torch's RNG);
- training: SGD and Adam, 20 steps on minibatches of 32 out of 100 points (one
  ``numpy.random.default_rng(3)``, an epoch's batches ``perm[i:i + 32]``).
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

from networks import Network, dataset  # noqa: E402

ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
HIDDEN = (6, 5)
STEPS, BATCH, BATCH_SEED = 20, 32, 3
TRAINING = [("gd", {"lr": 0.5}, "sigmoid"), ("adam", {"lr": 0.02}, "tanh"), ("gd", {"lr": 0.3}, "relu")]
DROPOUT = 0.3


def sequential(sizes, activation: str) -> torch.nn.Sequential:
    layers = []
    for i, (inp, out) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(inp, out))
        if i < len(sizes) - 2:
            layers += [torch.nn.BatchNorm1d(out, eps=1e-5), ACTIVATIONS[activation]()]
    return torch.nn.Sequential(*layers)


def load(model: torch.nn.Sequential, flat: np.ndarray) -> None:
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(flat), model.parameters())


def flat_grad(model: torch.nn.Sequential) -> np.ndarray:
    return torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy().copy()


def masked_forward(model: torch.nn.Sequential, X: torch.Tensor, masks) -> torch.Tensor:
    """The model's forward pass with ``masks[k]`` ``(units, n)`` times hidden activation k."""
    h, k = X, 0
    for layer in model:
        h = layer(h)
        if isinstance(layer, tuple(ACTIVATIONS.values())):
            h = h * torch.tensor(masks[k]).T
            k += 1
    return h


def set_running_statistics(model: torch.nn.Sequential, X: torch.Tensor) -> None:
    """Each BatchNorm1d's running mean and variance: the mean and biased variance of its
    inputs over X in a train() forward pass."""
    inputs = {}
    hooks = [
        layer.register_forward_pre_hook(lambda m, args: inputs.__setitem__(m, args[0].detach()))
        for layer in model
        if isinstance(layer, torch.nn.BatchNorm1d)
    ]
    model.train()
    with torch.no_grad():
        model(X)
    for hook in hooks:
        hook.remove()
    for layer, z in inputs.items():
        layer.running_mean.copy_(z.mean(0))
        layer.running_var.copy_(z.var(0, unbiased=False))


def values_case(name: str, activation: str, arrays: dict, key: str) -> dict:
    data = dataset(name, n_train=60, n_test=50, noise=0.2, seed=1)
    net = Network(data, hidden=HIDDEN, activation=activation, batch_norm=True)
    rng = np.random.default_rng(7)
    theta = net.init(n=3, seed=4) + rng.normal(0.0, 0.5, (3, net.dim))
    v = rng.standard_normal((3, net.dim))
    batch = rng.permutation(len(data.y))[:17]
    masks = Network(data, hidden=HIDDEN, activation=activation, dropout=DROPOUT).dropout_masks(
        np.random.default_rng(11), len(batch)
    )
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    X_test, y_test = torch.tensor(data.X_test), torch.tensor(data.y_test)
    model = sequential(net.sizes, activation)
    out = {
        f: [] for f in ("value", "grad", "batch_value", "batch_grad", "hv", "test_loss", "proba", "drop_grad")
    }
    for row, direction in zip(theta, v, strict=True):
        load(model, row)
        model.train()
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        out["value"].append(loss.item())
        out["grad"].append(flat_grad(model))
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X[batch]), y[batch])
        loss.backward()
        out["batch_value"].append(loss.item())
        out["batch_grad"].append(flat_grad(model))
        model.zero_grad()
        torch.nn.functional.cross_entropy(masked_forward(model, X[batch], masks), y[batch]).backward()
        out["drop_grad"].append(flat_grad(model))
        params = list(model.parameters())
        grads = torch.autograd.grad(torch.nn.functional.cross_entropy(model(X), y), params, create_graph=True)
        flat = torch.cat([g.reshape(-1) for g in grads])
        hv = torch.autograd.grad(flat @ torch.tensor(direction), params)
        out["hv"].append(torch.cat([h.reshape(-1) for h in hv]).numpy().copy())
        set_running_statistics(model, X)
        model.eval()
        with torch.no_grad():
            out["test_loss"].append(torch.nn.functional.cross_entropy(model(X_test), y_test).item())
            out["proba"].append(torch.softmax(model(X_test), -1).numpy().copy())
    names = [n for n, _ in model.named_parameters()]

    def loss_of(vector):
        params, start = {}, 0
        for n, p in model.named_parameters():
            params[n] = vector[start : start + p.numel()].reshape(p.shape)
            start += p.numel()
        model.train()
        logits = torch.func.functional_call(model, params, (X,))
        return torch.nn.functional.cross_entropy(logits, y)

    hessian = torch.autograd.functional.hessian(loss_of, torch.tensor(theta[0])).numpy()
    fields = {"X": data.X, "y": data.y, "X_test": data.X_test, "y_test": data.y_test, "theta": theta, "v": v}
    fields |= {"batch": batch, "hessian": hessian, **{f"mask{k}": m for k, m in enumerate(masks)}}
    fields |= {f: np.array(values) for f, values in out.items()}
    for field, array in fields.items():
        arrays[f"{key}_{field}"] = array
    return {
        "key": key,
        "dataset": name,
        "activation": activation,
        "hidden": list(HIDDEN),
        "parameters": names,
    }


def train(name: str, hp: dict, activation: str, data, theta) -> np.ndarray:
    """Each network trained alone by torch.optim in train() mode: ``(STEPS + 1, N, D)``."""
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    sizes = (2, *HIDDEN, int(data.y.max()) + 1)
    paths = []
    for row in theta:
        model = sequential(sizes, activation)
        load(model, row)
        model.train()
        opt = {"gd": torch.optim.SGD, "adam": torch.optim.Adam}[name](model.parameters(), lr=hp["lr"])
        rng = np.random.default_rng(BATCH_SEED)
        perm, i = None, len(y)
        path = [torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy().copy()]
        for _ in range(STEPS):
            if i >= len(y):
                perm, i = rng.permutation(len(y)), 0
            idx = perm[i : i + BATCH]
            i += BATCH
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
            path.append(torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy().copy())
        paths.append(np.array(path))
    return np.stack(paths, 1)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    arrays: dict[str, np.ndarray] = {}
    values = []
    for name, activation in (("moons", "tanh"), ("moons", "sigmoid"), ("moons", "relu"), ("spirals", "tanh")):
        values.append(values_case(name, activation, arrays, f"values{len(values)}"))
    data = dataset("moons", n_train=100, n_test=50, noise=0.2, seed=2)
    arrays["train_X"], arrays["train_y"] = data.X, data.y
    arrays["train_X_test"], arrays["train_y_test"] = data.X_test, data.y_test
    training = []
    for name, hp, activation in TRAINING:
        theta = Network(data, hidden=HIDDEN, activation=activation, batch_norm=True).init(n=2, seed=5)
        key = f"train{len(training)}"
        arrays[key] = train(name, hp, activation, data, theta)
        training.append({"key": key, "optimizer": name, "hp": hp, "activation": activation, "batch": BATCH})
    meta = {
        "torch": torch.__version__,
        "steps": STEPS,
        "batch_seed": BATCH_SEED,
        "init_seed": 5,
        "dropout": DROPOUT,
        "values": values,
        "training": training,
    }
    out = ROOT / "tests" / "data" / "torch_batchnorm.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta)), **arrays)
    print(
        f"{len(values)} value cases, {len(training)} training cases from torch {torch.__version__} -> {out}"
    )


if __name__ == "__main__":
    main()
