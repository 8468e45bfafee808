"""Record torch autograd's value, gradient and Hessian of the recurrent surface for
tests/test_recurrent.py.

Run with torch installed (``pip install torch==2.13.0 numpy``), from the repo root:

    python tests/record_torch_recurrent.py

torch unrolls x_0 = 0.5, x_t = w * sigmoid(x_{t-1}) + b in float64 and differentiates
f = (x_T - 0.7)^2 with its own autograd (``torch.autograd.functional.hessian``), independent
of our backpropagation through time; the points include some on the cliff. Saved to
tests/data/torch_recurrent.npz; the tests compare at rtol 1e-7 without needing torch.
"""

from __future__ import annotations

import pathlib

import numpy as np
import torch

STEPS = (5, 20, 50, 100)


def loss(theta: torch.Tensor, T: int) -> torch.Tensor:
    w, b = theta[0], theta[1]
    x = torch.tensor(0.5, dtype=torch.float64)
    for _ in range(T):
        x = w * torch.sigmoid(x) + b
    return (x - 0.7) ** 2


def points() -> np.ndarray:
    rng = np.random.default_rng(27)
    spread = np.column_stack([rng.uniform(-8, 8, 30), rng.uniform(-4, 4, 30)])
    # Close to the cliff b = 0.5 - w sigmoid(0.5) (w > 4.26), on both sides, and the lesson's start.
    s = 1 / (1 + np.exp(-0.5))
    # (gradients up to 1e8 at T = 50, 1e16 at T = 100: the cliff is that thin there).
    w = np.array([4.5, 4.5, 5.0, 5.0, 5.0, 6.0, 6.0, 6.0, 7.0, 6.0, 6.0])
    offsets = np.array([1e-3, -1e-3, -5e-5, 1e-4, -1e-6, -2.5e-8, 1e-6, 2e-2, -2e-2, -0.2, 0.1])
    near = np.column_stack([w, 0.5 - w * s + offsets])
    return np.vstack([spread, near, [[6.0, -3.6]]])


def main() -> None:
    P = points()
    out = {"points": P, "steps": np.array(STEPS)}
    for T in STEPS:
        values, grads, hessians = [], [], []
        for p in P:
            theta = torch.tensor(p, dtype=torch.float64, requires_grad=True)
            f = loss(theta, T)
            (g,) = torch.autograd.grad(f, theta)
            H = torch.autograd.functional.hessian(lambda t, T=T: loss(t, T), theta.detach())
            values.append(f.item())
            grads.append(g.numpy())
            hessians.append(H.numpy())
        out[f"value_{T}"] = np.array(values)
        out[f"grad_{T}"] = np.array(grads)
        out[f"hessian_{T}"] = np.array(hessians)
    target = pathlib.Path(__file__).parent / "data" / "torch_recurrent.npz"
    np.savez_compressed(target, **out)
    print(f"wrote {target}: {len(P)} points, T in {STEPS}")


if __name__ == "__main__":
    main()
