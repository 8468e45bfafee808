"""Loss landscapes of a network: planes and lines through parameter space, and sharpness.

- Planes ``center + alpha d1 + beta d2`` (Li et al., 2018: "Visualizing the Loss Landscape of
  Neural Nets") with filter-normalized random directions, the PCA directions of a training
  path, or the plane through three given points. Every grid point is evaluated exactly, all
  in one batched evaluation; ``project`` says how far a path point lies off the plane, so a
  picture never passes the slice's loss off as the point's own.
- Lines ``(1 - alpha) a + alpha b`` (Goodfellow et al., 2015: "Qualitatively characterizing
  neural network optimization problems").
- Sharpness: the largest eigenvalue of the Hessian, by Lanczos on exact Hessian-vector
  products (the stability limit of gradient descent is ``lr < 2 / sharpness``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from networks.network import Network

MAX_GRID = 401
# Lanczos stops when the top Ritz value's residual is below this, relative to the value.
LANCZOS_TOL = 1e-10
LANCZOS_MEMORY_BYTES = 128 * 2**20


class Directions(NamedTuple):
    """Two directions ``(D,)`` spanning a plane; ``explained``: the PCA ratios, else None."""

    d1: np.ndarray
    d2: np.ndarray
    explained: tuple[float, float] | None


def _vector(net: Network, value: Any, name: str) -> np.ndarray:
    vector = np.asarray(value, dtype=np.float64)
    if vector.shape != (net.dim,):
        raise ValueError(f"{name} must be one parameter vector of length {net.dim}, got shape {vector.shape}")
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must be finite")
    return vector


def _filter_normalized(net: Network, center: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction with each weight row (one unit's incoming weights) scaled to the
    norm of that row of ``center``; biases, and batch norm's gamma and beta, 0 (Li et al.,
    section 4, leave batch-norm parameters out of the direction too)."""
    d = np.zeros(net.dim)
    for (w, b, _), (out, inp) in zip(net.offsets, net.shapes, strict=True):
        rows = rng.standard_normal((out, inp))
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        target = np.linalg.norm(center[w:b].reshape(out, inp), axis=1, keepdims=True)
        d[w:b] = (rows * (target / norms)).ravel()
    return d


def directions(
    net: Network,
    center: Any,
    kind: str = "random",
    *,
    seed: int = 0,
    path: Any = None,
    points: Any = None,
) -> Directions:
    """Two directions through ``center``: ``"random"`` (filter-normalized, from ``seed``),
    ``"pca"`` (the first two principal directions of ``path - center``, orthonormal, with
    their explained-variance ratios) or ``"points"`` (``points=(a, b)``: a - center and
    b - center, so center, a and b sit at (0, 0), (1, 0) and (0, 1))."""
    center = _vector(net, center, "center")
    if kind == "random":
        rng = np.random.default_rng(seed)
        return Directions(_filter_normalized(net, center, rng), _filter_normalized(net, center, rng), None)
    if kind == "pca":
        P = np.asarray(path, dtype=np.float64) if path is not None else np.empty((0,))
        if P.ndim != 2 or P.shape[1] != net.dim or len(P) < 3:
            raise ValueError(f"pca needs path=P of shape (R, {net.dim}) with R >= 3 points")
        if not np.isfinite(P).all():
            raise ValueError("the path must be finite")
        centred = P - center
        centred -= centred.mean(0)
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        total = float((s * s).sum())
        if total == 0.0 or len(s) < 2:
            raise ValueError("the path does not move: it has no principal directions")
        d1, d2 = vt[0].copy(), vt[1].copy()
        # Signs: the path's net movement points along +d1 and +d2 (PCA leaves them arbitrary).
        travel = P[-1] - P[0]
        d1 *= -1.0 if travel @ d1 < 0 else 1.0
        d2 *= -1.0 if travel @ d2 < 0 else 1.0
        return Directions(d1, d2, (float(s[0] ** 2 / total), float(s[1] ** 2 / total)))
    if kind == "points":
        if points is None or len(points) != 2:
            raise ValueError("points must be a pair (a, b) of parameter vectors")
        a, b = (_vector(net, p, "each point") for p in points)
        return Directions(a - center, b - center, None)
    raise ValueError(f"unknown kind of directions {kind!r}; choose random, pca or points")


def _grid(values: Any, name: str) -> np.ndarray:
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim != 1 or not 1 <= len(grid) <= MAX_GRID or not np.isfinite(grid).all():
        raise ValueError(f"{name} must be 1 to {MAX_GRID} finite numbers")
    return grid


def _losses(net: Network, theta: np.ndarray, test: bool) -> np.ndarray:
    return net.test_value(theta) if test else net.value(theta)


def plane(
    net: Network, center: Any, d1: Any, d2: Any, alphas: Any, betas: Any, test: bool = False
) -> np.ndarray:
    """``(len(betas), len(alphas))`` losses (training, or test with ``test=True``) at
    ``center + alpha d1 + beta d2``: the whole grid in one evaluation, in chunks of networks."""
    center, d1, d2 = (_vector(net, v, name) for v, name in ((center, "center"), (d1, "d1"), (d2, "d2")))
    alphas, betas = _grid(alphas, "alphas"), _grid(betas, "betas")
    theta = center + alphas[None, :, None] * d1 + betas[:, None, None] * d2
    return _losses(net, theta.reshape(-1, net.dim), test).reshape(len(betas), len(alphas))


def project(path: Any, center: Any, d1: Any, d2: Any) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coordinates ``(R, 2)`` of each point of ``path (R, D)`` in the plane
    ``center + alpha d1 + beta d2``, and each point's distance ``(R,)`` from that plane."""
    center, d1, d2 = (np.asarray(v, dtype=np.float64) for v in (center, d1, d2))
    P = np.asarray(path, dtype=np.float64)
    if P.ndim == 1:
        P = P[None]
    if P.ndim != 2 or P.shape[1] != center.shape[-1] or d1.shape != center.shape or d2.shape != center.shape:
        raise ValueError("path (R, D), center, d1 and d2 (D,) must have the same length D")
    basis = np.stack([d1, d2], 1)  # (D, 2)
    q, r = np.linalg.qr(basis)
    if abs(np.linalg.det(r)) <= 1e-12 * max(1.0, float(np.abs(r).max())) ** 2:
        raise ValueError("d1 and d2 must be independent directions")
    offset = P - center
    inside = offset @ q  # coordinates in the orthonormal basis q
    coords = np.linalg.solve(r, inside.T).T
    off = np.linalg.norm(offset - inside @ q.T, axis=1)
    return coords, off


def interpolate(net: Network, a: Any, b: Any, alphas: Any, test: bool = False) -> np.ndarray:
    """Losses (training, or test) along ``(1 - alpha) a + alpha b`` for each alpha."""
    a, b = _vector(net, a, "a"), _vector(net, b, "b")
    alphas = _grid(alphas, "alphas")
    return _losses(net, (1.0 - alphas)[:, None] * a + alphas[:, None] * b, test)


def sharpness(net: Network, theta: Any, seed: int = 0, check: Callable[[], None] | None = None) -> np.ndarray:
    """``(N,)`` the largest (algebraic) eigenvalue of each network's Hessian of the training
    loss: Lanczos with full reorthogonalization on exact Hessian-vector products, all
    networks of a chunk together, until the top Ritz value has converged. ``check`` is called
    before each Hessian-vector product (a caller that may be stopped raises there)."""
    theta = net.params(theta)
    per_network = 8 * net.dim * (min(net.dim, 200) + 4)
    size = max(1, LANCZOS_MEMORY_BYTES // per_network)
    out = np.empty(theta.shape[0])
    for i in range(0, theta.shape[0], size):
        out[i : i + size] = _lanczos_top(net, theta[i : i + size], seed, check)
    return out


def _lanczos_top(net: Network, theta: np.ndarray, seed: int, check: Callable[[], None] | None) -> np.ndarray:
    n, dim = theta.shape
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    basis = [v]
    alphas, betas = [], []
    size = np.full(n, -1)  # Krylov dimension where a network's Lanczos broke down (exact), else -1
    top = np.full(n, np.nan)
    for j in range(dim):
        if check is not None:
            check()
        w = net.hvp(theta, basis[-1])
        alpha = np.einsum("nd,nd->n", w, basis[-1])
        V = np.stack(basis, 1)  # (n, j + 1, D)
        for _ in range(2):  # full reorthogonalization, twice is enough
            w -= np.einsum("nk,nkd->nd", np.einsum("nkd,nd->nk", V, w), V)
        beta = np.linalg.norm(w, axis=1)
        alphas.append(alpha)
        betas.append(beta)
        scale = np.maximum(np.abs(np.array(alphas)).max(0), 1e-300)
        broke = (size < 0) & (beta <= 1e-12 * scale)
        size[broke] = j + 1
        done = False
        if j % 5 == 4 or j == dim - 1 or broke.any():
            done = _ritz(alphas, betas, size, top)
        if done:
            break
        basis.append(w / np.where(beta > 0, beta, 1.0)[:, None])
    return top


def _ritz(alphas: list, betas: list, size: np.ndarray, top: np.ndarray) -> bool:
    """Update ``top`` with each network's largest Ritz value; True when all have converged."""
    A, B = np.array(alphas), np.array(betas)  # (j, n)
    converged = True
    for i in range(A.shape[1]):
        m = size[i] if size[i] > 0 else A.shape[0]
        T = np.diag(A[:m, i]) + np.diag(B[: m - 1, i], 1) + np.diag(B[: m - 1, i], -1)
        values, vectors = np.linalg.eigh(T)
        top[i] = values[-1]
        residual = B[m - 1, i] * abs(vectors[-1, -1])
        if size[i] < 0 and residual > LANCZOS_TOL * max(abs(values[-1]), 1e-12):
            converged = False
    return converged
