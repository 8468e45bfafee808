"""The step as a chain of small transforms, as optax composes them.

Each step of simulate() passes the gradient through the gradient transforms, sets the step's
hyperparameters (the learning-rate schedule: schedules.py), lets the optimizer take its
step, and passes the new point through the point transforms::

    seen = g
    for transform in gradient_chain:     # noise (here), clipping (clipping.py)
        seen = transform(seen)
    P_next, state = optimizer.update(P, seen, state, step, hp, objective)
    for transform in point_chain:        # L1 proximal step, projection (projections.py)
        P_next = transform(P_next, hp)

A transform is built once per run from its options; a chain holds only the transforms a
run uses, so a run without options pays nothing for them. Options are scalars or ``(N, 1)``
arrays (one value per trajectory). Transforms run under simulate's ``np.errstate(all="ignore")``
(a zero gradient's norm divides by 0; a diverging point overflows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# g (N, D) -> the gradient the optimizer sees, (N, D).
GradientTransform = Callable[[np.ndarray], np.ndarray]
# (P_next (N, D), the step's hyperparameters) -> P_next, (N, D).
PointTransform = Callable[[np.ndarray, dict[str, Any]], np.ndarray]


def add_noise(noise: Any, rng: np.random.Generator) -> GradientTransform:
    """Minibatch noise on a surface: ``g + noise * z``, ``z`` standard normal per component,
    independent of ``g``; one draw of the whole ``(N, D)`` array per step from ``rng`` (the
    transform's state), whatever the trajectories' noise, so a run is fixed by its seed."""

    def noisy(g: np.ndarray) -> np.ndarray:
        return g + noise * rng.standard_normal(g.shape)

    return noisy
