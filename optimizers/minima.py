"""Minima found numerically, for surfaces whose minima nobody wrote down (typed ones).

BFGS from a grid of starts, all at once in one simulate() call; and the plot range chosen to
show what it finds. Surfaces know nothing of optimizers: this is the optimizers' side.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizers.simulation import simulate
from surfaces.expression import DEFAULT_BOUNDS, defined_start
from surfaces.surface import Surface

AUTOMATIC_HALF_WIDTHS = (3.0, 10.0, 30.0)


def estimate_minima(surface: Surface, side: int = 12, steps: int = 150) -> tuple[np.ndarray, float | None]:
    """Global minima of ``surface`` inside its bounds, estimated numerically: BFGS from a
    ``side`` x ``side`` grid of starts (all at once), then the best end points, merged when
    closer than 1/1000 of the plot. Returns ``(points (k, 2), f_min)``, or an empty array and
    None when no minimum lies inside the bounds (e.g. unbounded below)."""
    (x0, x1), (y0, y1) = surface.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, side + 2)[1:-1], np.linspace(y0, y1, side + 2)[1:-1])
    run = simulate(surface, "bfgs", np.column_stack([gx.ravel(), gy.ravel()]), steps, record_every=steps)
    end, value = run.final, run.loss[-1]
    margin = 1e-3 * max(x1 - x0, y1 - y0)
    inside = (
        (run.diverged_at < 0)
        & (end[:, 0] > x0 + margin)
        & (end[:, 0] < x1 - margin)
        & (end[:, 1] > y0 + margin)
        & (end[:, 1] < y1 - margin)
        & np.isfinite(value)
    )
    if not inside.any():
        return np.empty((0, 2)), None
    # An isolated local minimum: every neighbour at distance `margin` is defined and higher
    # (rejects the edge of an undefined region, such as x -> 0+ for log(x), and flat places:
    # the tails of exp(-x^2), where BFGS stops for want of a gradient, or a valley floor).
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = margin * np.column_stack([np.cos(angles), np.sin(angles)])
    with np.errstate(all="ignore"):
        around = surface.value(end[:, None, :] + ring[None, :, :])
    inside &= np.all(around > (value + 1e-12 * (1 + np.abs(value)))[:, None], axis=1)
    if not inside.any():
        return np.empty((0, 2)), None
    best = float(value[inside].min())
    chosen = end[inside & (value <= best + 1e-6 * (1 + abs(best)))]
    merged: list[np.ndarray] = []
    for point in chosen:
        if all(np.linalg.norm(point - other) > margin for other in merged):
            merged.append(point)
    return np.array(merged), best


def automatic_bounds(surface: Surface) -> Surface:
    """The surface over the smallest square around the origin (half-width 3, 10 or 30) with an
    estimated minimum well inside it; the 3-square when there is none (unbounded below)."""
    for half in AUTOMATIC_HALF_WIDTHS:
        box = ((-half, half), (-half, half))
        candidate = dataclasses.replace(surface, bounds=box)
        candidate = dataclasses.replace(candidate, start=defined_start(candidate))
        minima, _ = estimate_minima(candidate, side=8, steps=100)
        if len(minima) and np.all(np.abs(minima) < 0.8 * half):
            return candidate
    fallback = dataclasses.replace(surface, bounds=DEFAULT_BOUNDS)
    return dataclasses.replace(fallback, start=defined_start(fallback))


def with_estimated_minima(surface: Surface) -> Surface:
    """``surface`` with ``minima`` and ``f_min`` filled in by ``estimate_minima``."""
    minima, f_min = estimate_minima(surface)
    return dataclasses.replace(
        surface, minima=minima, f_min=f_min, reference="typed by the user; minima estimated"
    )
