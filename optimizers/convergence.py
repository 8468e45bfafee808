"""When a trajectory has converged: its stationarity residual stays below ``tol`` to the end.

The residual is the gradient itself on a smooth objective; with an L1 penalty the
minimum-norm subgradient, and with a constraint the projected gradient ``P - proj(P - g)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from optimizers.objective import min_norm_subgradient
from optimizers.projections import Projection

Residual = Callable[[np.ndarray, np.ndarray], np.ndarray]

# A whole-array reduction called as a ufunc: the ndarray method adds ~0.3 us of Python, which
# counts at ~15 us per step for a hundred trajectories.
_MIN = np.minimum.reduce


def stationarity(l1_each: Any | None, proximal: bool, onto: Projection | None) -> Residual | None:
    """``residual(P, g)`` of the objective whose gradient is ``g`` (the L1 subgradient
    included unless ``proximal``), with an L1 penalty of ``l1_each`` per coordinate (None:
    none) and a constraint's projection ``onto`` (None: none); None when the residual is ``g``
    itself."""
    if l1_each is None and onto is None:
        return None

    def residual(P: np.ndarray, g: np.ndarray) -> np.ndarray:
        if l1_each is not None:
            g = min_norm_subgradient(P, g if proximal else g - l1_each * np.sign(P), l1_each)
        if onto is not None:
            g = P - onto(P - g)
        return g

    return residual


class Convergence:
    """The last step at which each of ``n`` trajectories was still moving (squared residual
    above ``tol2``), from the squared residuals seen at steps 0, 1, ... in order."""

    def __init__(self, n: int, tol2: float) -> None:
        self.tol2 = tol2
        self.last_moving = np.full(n, -1, dtype=np.int64)
        self.everyone_moving_at = -1

    def seen(self, step: int, g2: np.ndarray) -> None:
        # One reduction while everyone is still moving, the usual case.
        if _MIN(g2, None) > self.tol2:
            self.everyone_moving_at = step
        else:
            self.last_moving[g2 > self.tol2] = step

    def last_moving_steps(self) -> np.ndarray:
        return np.maximum(self.last_moving, self.everyone_moving_at)


def converged_at(last_moving: np.ndarray, diverged_at: np.ndarray, steps: int) -> np.ndarray:
    """The first step from which a trajectory stayed still to the end, -1 for one that moved
    at the last step or diverged."""
    return np.where((last_moving < steps) & (diverged_at < 0), last_moving + 1, -1)
