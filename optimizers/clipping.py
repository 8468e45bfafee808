"""Gradient clipping (the lecture notes' answer to cliffs): gradient transforms (transforms.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizers.transforms import GradientTransform


def squared_norm(v: np.ndarray) -> np.ndarray:
    """Row-wise squared norm of ``(N, 2)`` (faster than hypot or sum(-1)) or ``(N, D)``,
    shaped ``(N,)``."""
    if v.shape[1] != 2:
        return np.einsum("ij,ij->i", v, v)
    v2 = v * v
    return v2[:, 0] + v2[:, 1]


def clip_by_value(limit: Any) -> GradientTransform:
    """Each component of the gradient clipped to ``[-limit, limit]`` (torch's
    ``clip_grad_value_``)."""

    def clipped(g: np.ndarray) -> np.ndarray:
        return np.clip(g, -limit, limit)

    return clipped


def clip_by_norm(max_norm: Any) -> GradientTransform:
    """The gradient scaled down to norm ``max_norm`` where it is longer, direction kept
    (torch's ``clip_grad_norm_``, per trajectory): ``g * min(1, max_norm / |g|)``."""

    def clipped(g: np.ndarray) -> np.ndarray:
        return g * np.minimum(1.0, max_norm / np.sqrt(squared_norm(g))[:, None])

    return clipped
