"""Diverged trajectories: outside the objective's divergence box, with a non-finite gradient,
or (where the objective is not defined everywhere) a non-finite value. They are frozen at their
last good point, with the step at which they left it."""

from __future__ import annotations

import math

import numpy as np

from optimizers.objective import Objective

# Whole-array reductions called as ufuncs: the ndarray methods add ~0.3 us of Python each,
# which counts at ~15 us per step for a hundred trajectories.
_MIN, _MAX, _SUM = np.minimum.reduce, np.maximum.reduce, np.add.reduce


class Guard:
    """Watches ``n`` trajectories on ``objective``: ``diverged_at (n,)`` (-1 while good) and
    whether any is ``frozen``."""

    def __init__(self, objective: Objective, n: int) -> None:
        self.objective = objective
        self.center, self.limit = objective.center, float(objective.divergence_limit)
        # Inside this square every coordinate is surely inside the divergence box.
        self.inner_lo = float((self.center - self.limit).max())
        self.inner_hi = float((self.center + self.limit).min())
        self.diverged_at = np.full(n, -1, dtype=np.int64)
        self.alive = np.ones(n, dtype=bool)
        self.frozen = False

    def all_good(self, P: np.ndarray, g2: np.ndarray) -> bool:
        """The fast check of a step from whole-array reductions (NaN fails every comparison);
        ``g2`` holds squared gradient norms, finite exactly where the gradient is."""
        ok = (
            self.inner_lo <= _MIN(P, None)
            and _MAX(P, None) <= self.inner_hi
            and math.isfinite(_SUM(g2, None))
        )
        return ok and (self.objective.defined_everywhere or math.isfinite(self.objective.value(P).sum()))

    def bad_rows(self, P: np.ndarray, g: np.ndarray) -> np.ndarray:
        bad = ~((np.abs(P - self.center) <= self.limit).all(-1) & np.isfinite(g).all(-1))
        if not self.objective.defined_everywhere:
            bad |= ~np.isfinite(self.objective.value(P))
        return bad

    def start(self, P: np.ndarray, g: np.ndarray) -> np.ndarray:
        """The starting gradient, 0 at the starts where the objective is undefined: those are
        frozen at step 0."""
        if self.all_good(P, g * g):
            return g
        bad = self.bad_rows(P, g)
        self.diverged_at[bad], self.alive[bad] = 0, False
        self.frozen = not self.alive.all()
        return np.where(bad[:, None], 0.0, g)

    def freeze(
        self, step: int, P: np.ndarray, g: np.ndarray, P_next: np.ndarray, g_next: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``P_next`` and its gradient, with the trajectories that are bad there (or were
        before) kept at ``P``, ``g``; the newly bad ones marked diverged at ``step``."""
        bad = self.bad_rows(P_next, g_next)
        self.diverged_at[bad & self.alive] = step
        self.alive &= ~bad
        self.frozen = not self.alive.all()
        stay = ~self.alive[:, None]
        return np.where(stay, P, P_next), np.where(stay, g, g_next)
