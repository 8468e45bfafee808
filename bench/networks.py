"""Networks engine speed against torch in the same run.

    python bench/networks.py          (needs torch for the comparison columns)

1. Training 8 networks (moons, 200 points, hidden (16, 16), tanh) for 1,000 full-batch Adam
   steps, lr 0.01, from the same Glorot starts:
   - simulate() with all 8 at once (recording only the end, as a torch loop records nothing
     but its loss; and recording every 10 steps with test loss and accuracies, what a page
     draws);
   - torch.optim on the 8 ``nn.Sequential`` models one after another (the way a user writes it);
   - torch with the 8 stacked into one batched model (``torch.bmm`` on ``(8, out, in)``
     weights, one Adam over the stacked tensors).
2. A 51 x 51 landscape plane of the first network (through its start and two trained
   networks' ends) on its 200 points: plane() against torch evaluating the grid point by
   point (load the parameters, forward, loss), as the loss-landscape code does.
3. Peak memory (tracemalloc) of our training and our plane.
4. 1 and 2 again with batch normalization (``batch_norm=True``; torch: ``BatchNorm1d`` after each
   hidden ``Linear``, in ``train()`` mode, which is what our training loss is). torch's batched
   model has no batch-norm version here.

Times are the best of 3, interleaved; torch uses its default threads (2 here).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from networks import Network, dataset, directions, plane
from optimizers import simulate

try:
    import torch
except ImportError:
    torch = None

NETWORKS, STEPS, LR, GRID, REPEATS = 8, 1000, 0.01, 51, 3


def ours_training(net, theta, record_every: int) -> float:
    t0 = time.perf_counter()
    simulate(net, "adam", theta, STEPS, lr=LR, record_every=record_every)
    return time.perf_counter() - t0


def sequential(sizes, batch_norm: bool = False):
    layers = []
    for k in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[k], sizes[k + 1]))
        if k < len(sizes) - 2:
            layers += [torch.nn.BatchNorm1d(sizes[k + 1])] if batch_norm else []
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def torch_models(net, theta):
    models = []
    for row in theta:
        model = sequential(net.sizes, net.batch_norm)
        with torch.no_grad():
            torch.nn.utils.vector_to_parameters(torch.tensor(row), model.parameters())
        models.append(model)
    return models


def torch_one_after_another(net, theta, X, y) -> float:
    models = torch_models(net, theta)
    t0 = time.perf_counter()
    for model in models:
        opt = torch.optim.Adam(model.parameters(), lr=LR)
        for _ in range(STEPS):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X), y).backward()
            opt.step()
    return time.perf_counter() - t0


def torch_batched(net, theta, X, y) -> float:
    params = []
    for W, b in net._unpack(theta):  # (N, out, in) and (N, out), as the flat layout says
        params += [torch.tensor(W).requires_grad_(), torch.tensor(b).requires_grad_()]
    opt = torch.optim.Adam(params, lr=LR)
    inputs = X.T.expand(len(theta), *X.T.shape)  # (N, 2, n)
    labels = y.repeat(len(theta))
    t0 = time.perf_counter()
    for _ in range(STEPS):
        opt.zero_grad()
        a = inputs
        for k in range(0, len(params), 2):
            a = torch.baddbmm(params[k + 1].unsqueeze(-1), params[k], a)
            if k + 2 < len(params):
                a = torch.tanh(a)
        logits = a.transpose(1, 2).reshape(-1, a.shape[1])  # (N n, classes)
        # The sum of the N mean losses: each network's gradient is its own.
        (torch.nn.functional.cross_entropy(logits, labels) * len(theta)).backward()
        opt.step()
    return time.perf_counter() - t0


def ours_plane(net, center, d, alphas) -> float:
    t0 = time.perf_counter()
    plane(net, center, d.d1, d.d2, alphas, alphas)
    return time.perf_counter() - t0


def torch_plane(net, center, d, alphas, X, y) -> float:
    model = sequential(net.sizes, net.batch_norm)
    t0 = time.perf_counter()
    with torch.no_grad():
        for b in alphas:
            for a in alphas:
                point = torch.tensor(center + a * d.d1 + b * d.d2)
                torch.nn.utils.vector_to_parameters(point, model.parameters())
                torch.nn.functional.cross_entropy(model(X), y).item()
    return time.perf_counter() - t0


def peak_mb(fn, *args) -> float:
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def measure(net, data) -> tuple[dict[str, float], tuple]:
    """Best-of-REPEATS times of every row for ``net``; also the plane's arguments."""
    theta = net.init(n=NETWORKS, seed=0)
    simulate(net, "adam", theta, 20, lr=LR)  # warm up
    run = simulate(net, "adam", theta, 300, lr=LR, record_every=300)
    center = theta[0]
    d = directions(net, center, "points", points=(run.final[0], run.final[1]))
    alphas = np.linspace(-0.5, 1.5, GRID)
    if torch is not None:
        torch.set_default_dtype(torch.float64)
        X, y = torch.tensor(data.X), torch.tensor(data.y)
    times: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        times.setdefault("simulate, end only", []).append(ours_training(net, theta, STEPS))
        times.setdefault("simulate, every 10 steps", []).append(ours_training(net, theta, 10))
        times.setdefault("simulate, every step", []).append(ours_training(net, theta, 1))
        times.setdefault("plane", []).append(ours_plane(net, center, d, alphas))
        if torch is not None:
            times.setdefault("torch one after another", []).append(torch_one_after_another(net, theta, X, y))
            if not net.batch_norm:
                times.setdefault("torch batched (bmm)", []).append(torch_batched(net, theta, X, y))
            pointwise = torch_plane(net, center, d, alphas, X, y)
            times.setdefault("torch plane point by point", []).append(pointwise)
    return {k: min(v) for k, v in times.items()}, (theta, center, d, alphas)


def report(net, t: dict[str, float]) -> None:
    norm = " with batch norm" if net.batch_norm else ""
    print(f"Training {NETWORKS} networks{norm}, {STEPS} full-batch Adam steps:")
    print()
    print("| how | s | torch one after another / this | torch batched / this |")
    print("|---|---:|---:|---:|")
    for key in ("simulate, end only", "simulate, every 10 steps", "simulate, every step"):
        seq = f"{t['torch one after another'] / t[key]:.1f}x" if torch else "-"
        bat = f"{t['torch batched (bmm)'] / t[key]:.1f}x" if "torch batched (bmm)" in t else "-"
        print(f"| {key} | {t[key]:.3f} | {seq} | {bat} |")
    if torch is not None:
        print(f"| torch one after another | {t['torch one after another']:.3f} | | |")
        if "torch batched (bmm)" in t:
            print(f"| torch batched (bmm) | {t['torch batched (bmm)']:.3f} | | |")
    print()
    ratio = f", torch point by point {t['torch plane point by point']:.3f} s" if torch else ""
    speedup = f" ({t['torch plane point by point'] / t['plane']:.1f}x)" if torch else ""
    print(f"Landscape plane{norm} {GRID} x {GRID} on 200 points: plane() {t['plane']:.3f} s{ratio}{speedup}")
    print()


def main() -> None:
    data = dataset("moons")
    net = Network(data, hidden=(16, 16), activation="tanh")
    normed = Network(data, hidden=(16, 16), activation="tanh", batch_norm=True)
    t, (theta, center, d, alphas) = measure(net, data)
    t_normed, _ = measure(normed, data)
    print(
        f"moons (200 points), hidden (16, 16) tanh, D = {net.dim} ({normed.dim} with batch norm); "
        f"best of {REPEATS}; numpy {np.__version__}"
        + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ", no torch")
    )
    print()
    report(net, t)
    report(normed, t_normed)
    training_mb = peak_mb(ours_training, net, theta, 10)
    plane_mb = peak_mb(ours_plane, net, center, d, alphas)
    print(f"peak memory (tracemalloc): training {training_mb:.1f} MB, plane {plane_mb:.1f} MB")


if __name__ == "__main__":
    main()
