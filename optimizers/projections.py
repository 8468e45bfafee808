"""Steps that keep a point where it may be: the Euclidean projection onto a norm ball (a
constraint) and the proximal step of the L1 penalty; point transforms (transforms.py)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from optimizers.transforms import PointTransform

Projection = Callable[[np.ndarray], np.ndarray]


def soft_threshold(P: np.ndarray, threshold: Any) -> np.ndarray:
    """The proximal step of ``threshold * |w|_1``: each coordinate moved ``threshold`` towards
    0, and set to exactly 0 if it would cross it."""
    return np.sign(P) * np.maximum(np.abs(P) - threshold, 0.0)


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


def proximal_l1(l1_each: Any) -> PointTransform:
    """The proximal gradient method's L1 step after a gradient step on the rest:
    ``soft_threshold(P, lr * l1)``, with the step's (scheduled) ``lr``."""

    def thresholded(P: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
        return soft_threshold(P, hp["lr"] * l1_each)

    return thresholded


def project(onto: Projection) -> PointTransform:
    """Projected steps: the new point projected onto the constraint's ball."""

    def projected(P: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
        return onto(P)

    return projected
