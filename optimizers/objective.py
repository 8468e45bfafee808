"""What the optimizer actually minimises: the surface plus an L1/L2 penalty, or the surface
restricted to a norm ball (projected steps), and the proximal step of the L1 penalty.

Conventions (the seeds' and torch's): ``l1 * |w|_1`` with subgradient ``l1 * sign(w)`` (0 at
0); ``(l2 / 2) * |w|_2^2`` with gradient ``l2 * w`` (weight decay).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Projection = Callable[[np.ndarray], np.ndarray]


def penalty(P: np.ndarray, l1: Any = 0.0, l2: Any = 0.0) -> np.ndarray:
    """``l1 |w|_1 + (l2 / 2) |w|_2^2`` for ``P`` of shape ``(..., 2)``; ``l1``, ``l2`` scalars
    or one value per trajectory."""
    l1, l2 = np.ravel(l1), np.ravel(l2)
    return l1 * np.abs(P).sum(-1) + (l2 / 2) * (P * P).sum(-1)


class Objective:
    """The surface (or network) plus the L1/L2 penalty, with its interface (value, grad, hessian).

    With ``include_l1=False`` the L1 term is left to a proximal step (``soft_threshold``).
    ``mask`` (``(D,)`` booleans, or None for every coordinate) says which coordinates are
    penalised: a network's weights but not its biases. ``l1_each``/``l2_each`` are the
    strengths per coordinate (0 where not penalised), for the gradient and the proximal step.
    """

    def __init__(self, surface, l1, l2, include_l1: bool = True, mask: np.ndarray | None = None):
        self.surface, self.l1, self.l2 = surface, l1, l2
        self.include_l1 = include_l1
        self.mask = mask
        self.l1_each = l1 if mask is None else l1 * mask
        self.l2_each = l2 if mask is None else l2 * mask
        self.defined_everywhere = surface.defined_everywhere

    def penalty(self, P: np.ndarray) -> np.ndarray:
        return penalty(P if self.mask is None else P * self.mask, self.l1, self.l2)

    def value(self, P: np.ndarray) -> np.ndarray:
        masked = P if self.mask is None else P * self.mask
        return self.surface.value(P) + penalty(masked, self.l1 if self.include_l1 else 0.0, self.l2)

    def grad(self, P: np.ndarray, batch: Any = None) -> np.ndarray:
        """The gradient; a network's on the rows ``batch`` of its training set if given."""
        g = (self.surface.grad(P) if batch is None else self.surface.grad(P, batch=batch)) + self.l2_each * P
        return g + self.l1_each * np.sign(P) if self.include_l1 else g

    def hessian(self, P: np.ndarray) -> np.ndarray:
        return self.surface.hessian(P) + np.asarray(self.l2)[..., None] * np.eye(2)


def soft_threshold(P: np.ndarray, threshold: Any) -> np.ndarray:
    """The proximal step of ``threshold * |w|_1``: each coordinate moved ``threshold`` towards
    0, and set to exactly 0 if it would cross it."""
    return np.sign(P) * np.maximum(np.abs(P) - threshold, 0.0)


def min_norm_subgradient(P: np.ndarray, smooth: np.ndarray, l1: Any) -> np.ndarray:
    """The minimum-norm element of ``smooth + l1 * d|w|_1`` at ``P``: at ``w_i = 0`` the
    subdifferential of ``|w_i|`` is ``[-1, 1]``, so only the excess of ``|smooth_i|`` over
    ``l1`` counts."""
    excess = np.sign(smooth) * np.maximum(np.abs(smooth) - l1, 0.0)
    return np.where(P == 0, excess, smooth + l1 * np.sign(P))


def projection(constraint: Mapping[str, Any] | None) -> Projection | None:
    """The Euclidean projection onto ``{|w|_p <= radius}`` for ``constraint = {"norm": "l1" or
    "l2", "radius": r}``, or None without a constraint. ValueError on a malformed one."""
    if constraint is None:
        return None
    if not isinstance(constraint, Mapping) or constraint.get("norm") not in ("l1", "l2"):
        raise ValueError(f"constraint must be {{'norm': 'l1' or 'l2', 'radius': r}}, got {constraint!r}")
    unknown = set(constraint) - {"norm", "radius"}
    if unknown:
        raise ValueError(f"constraint takes norm and radius; got {sorted(unknown)[0]!r}")
    radius = constraint.get("radius", 1.0)
    if not isinstance(radius, (int, float)) or not math.isfinite(radius) or radius <= 0:
        raise ValueError(f"constraint radius must be > 0, got {radius!r}")
    if constraint["norm"] == "l2":

        def project_l2(P: np.ndarray) -> np.ndarray:
            norm = np.hypot(P[:, :1], P[:, 1:])
            with np.errstate(all="ignore"):
                return np.where(norm > radius, P * (radius / norm), P)

        return project_l2

    def project_l1(P: np.ndarray) -> np.ndarray:
        # Duchi et al. (2008) specialised to 2-D: soft-threshold by theta so that |w|_1 = r.
        a = np.abs(P)
        big, small = a.max(-1, keepdims=True), a.min(-1, keepdims=True)
        both = small - (big + small - radius) / 2 > 0
        theta = np.where(both, (big + small - radius) / 2, big - radius)
        inside = a.sum(-1, keepdims=True) <= radius
        return np.where(inside, P, np.sign(P) * np.maximum(a - theta, 0.0))

    return project_l1
