"""Where each trajectory of a run ended: at a minimum, on a saddle, on a maximum, somewhere
flat, on the edge of a constraint, still moving, or diverged.

"Converged" (the gradient below the tolerance) says only that the point is stationary:
Newton stops on a saddle as readily as in a minimum. The Hessian at the end point tells them
apart (positive definite: a minimum; indefinite: a saddle; negative definite: a maximum),
and a known minimum or saddle of the surface close by settles it without the gradient test
(Adam hovering within a hair of a minimum has a gradient above the tolerance). No Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

ENDINGS = ("minimum", "local_minimum", "saddle", "maximum", "flat", "boundary", "moving", "diverged")
NEAR = 1e-3  # "close to a known point": this fraction of the map's larger side
CURVATURE = 1e-6  # an eigenvalue counts as zero below this fraction of the larger one (or of 1)
LOCAL = 1e-4  # a minimum is local when its value exceeds the known least by this (relative)


def _curvatures(surface, P: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """The Hessian's eigenvalues at ``P`` (k, 2), of the objective (the L2 penalty adds l2 to
    each); a coordinate pinned at 0 by the L1 penalty is a kink, not a direction of movement:
    its eigenvalue is reported as +inf (the penalty holds it there)."""
    H = np.asarray(surface.hessian(P), dtype=np.float64) + l2 * np.eye(2)
    values = np.linalg.eigvalsh(H)
    if l1 > 0:
        pinned = P == 0
        one = pinned.sum(-1) == 1
        # One coordinate pinned: only the other's curvature (its diagonal entry) counts.
        free = np.where(pinned[:, :1], H[:, 1, 1], H[:, 0, 0])
        values = np.where(one[:, None], np.column_stack([free, np.full(len(P), np.inf)]), values)
        values = np.where(pinned.all(-1)[:, None], np.inf, values)
    return values


def _on_edge(P: np.ndarray, constraint: Mapping[str, Any]) -> np.ndarray:
    radius = float(constraint.get("radius", 1.0))
    norm = np.abs(P).sum(-1) if constraint["norm"] == "l1" else np.hypot(P[:, 0], P[:, 1])
    return norm >= radius * (1 - 1e-9)


def endings(
    surface, run, *, l1: float = 0.0, l2: float = 0.0, constraint: Mapping[str, Any] | None = None
) -> np.ndarray:
    """One of ``ENDINGS`` per trajectory of ``run`` (an array of N strings), judged at its
    final point, with the run's penalty (``l1``, ``l2``) and ``constraint``:

    - ``diverged``: it diverged (or left the region where the surface is defined);
    - ``minimum``: within ``NEAR`` of a known global minimum, or stationary (converged) with
      a positive definite Hessian (``local_minimum`` when its value is above the surface's
      known least value ``f_min``), or stationary at ``f_min`` whatever the Hessian;
    - ``saddle``: within ``NEAR`` of a known saddle, or stationary with an indefinite Hessian;
    - ``maximum``: stationary with a negative definite Hessian;
    - ``flat``: stationary, the curvature too small to tell (a plateau, a degenerate point);
    - ``boundary``: stationary on the edge of the constraint (the projected gradient ~0);
    - ``moving``: none of these, the gradient still above the tolerance.

    Known minima and saddles are the surface's, so they count only without a penalty or a
    constraint (which move the objective's)."""
    final = np.asarray(run.final, dtype=np.float64)
    n = len(final)
    out = np.full(n, "moving", dtype=object)
    (x0, x1), (y0, y1) = surface.bounds
    near = NEAR * max(x1 - x0, y1 - y0)
    plain = l1 == 0 and l2 == 0 and constraint is None

    def close_to(points) -> np.ndarray:
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        if not len(points):
            return np.zeros(n, dtype=bool)
        return np.linalg.norm(final[:, None] - points[None], axis=-1).min(1) <= near

    stationary = np.asarray(run.converged_at) >= 0
    with np.errstate(all="ignore"):
        values = _curvatures(surface, final, l1, l2)
    size = np.maximum(np.nanmax(np.abs(np.where(np.isinf(values), 0, values)), axis=-1), 1.0)
    zero = CURVATURE * size
    low, high = values.min(-1), values.max(-1)
    out[stationary & (low > zero)] = "minimum"
    out[stationary & (high < -zero)] = "maximum"
    out[stationary & (low < -zero) & (high > zero)] = "saddle"
    unknown = np.isnan(values).any(-1)  # the Hessian undefined there: nothing to tell
    out[stationary & (unknown | ((np.abs(low) <= zero) & (high >= -zero)))] = "flat"
    f_min = getattr(surface, "f_min", None)
    if plain and f_min is not None:
        loss = np.asarray(run.loss[-1], dtype=np.float64)
        above = loss > f_min + LOCAL * (1 + abs(f_min))
        out[(out == "minimum") & above] = "local_minimum"
        # Stationary at the least value: a minimum even where the Hessian is singular (the
        # recurrent net's minima form a curve, flat along it).
        out[(out == "flat") & ~above] = "minimum"
    if plain:
        out[close_to(getattr(surface, "saddles", ()))] = "saddle"
        out[close_to(surface.minima)] = "minimum"
    if constraint is not None:
        out[stationary & _on_edge(final, constraint)] = "boundary"
    out[np.asarray(run.diverged_at) >= 0] = "diverged"
    return out.astype(str)
