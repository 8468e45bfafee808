"""A fair race: each optimizer gets its best learning rate, found on exactly the race's steps
and starts, from a log-spaced grid run in one simulate() call.

Hand-picked rates mislead (a classic plot gives SGD ten times Adam's rate and a fifth of its
steps); tuning every optimizer the same way on the same budget does not.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from optimizers.simulation import simulate

SCORES = ("final", "steps", "gap")
DEFAULT_COUNT = 60
SPAN = 30.0  # the grid runs from rate / SPAN to rate * SPAN around a suggested rate
HIGHEST = 10.0
RECORDS = 500  # records of a tuning run (the gap and the steps to reach the tolerance)


@dataclasses.dataclass(frozen=True)
class Tuning:
    """The rates tried, their scores (lower is better; inf for a run that diverged) and the
    chosen rate (the best; the smallest of equal ones), None when every run diverged."""

    optimizer: str
    score: str
    rates: np.ndarray
    scores: np.ndarray
    best: float | None


def rate_grid(suggested: float, count: int = DEFAULT_COUNT) -> np.ndarray:
    """``count`` log-spaced rates around ``suggested``: from suggested / 30 to suggested x 30,
    at most 10."""
    return np.geomspace(suggested / SPAN, min(suggested * SPAN, HIGHEST), int(count))


def _floor(surface, objective: np.ndarray) -> float:
    """The least value the gap is measured from: the known minima's, else the least reached."""
    minima = getattr(surface, "minima", np.empty((0, 2)))
    if len(minima):
        return float(np.min(surface.value(np.asarray(minima))))
    finite = objective[np.isfinite(objective)]
    return float(finite.min()) if finite.size else 0.0


def tune(
    surface,
    optimizer: str,
    starts,
    steps: int,
    rates,
    *,
    score: str = "final",
    tolerance: float = 1e-3,
    **options: Any,
) -> Tuning:
    """Run ``optimizer`` from every start with every rate of ``rates`` (one simulate() call,
    one trajectory per start and rate) for ``steps`` steps with ``options`` (the race's noise,
    seed, clipping, schedule, penalties and other hyperparameters), and score each rate:

    - ``"final"``: the mean final objective over the starts;
    - ``"steps"``: the mean first step at which the objective is within ``tolerance`` of the
      least value (``steps + 1`` if never);
    - ``"gap"``: the mean over the records of log10(objective - least value), the area under
      the log-gap curve (being fast and being good both count).

    A rate with any diverged run scores inf. ValueError for an unknown score."""
    if score not in SCORES:
        raise ValueError(f"score must be one of {', '.join(SCORES)}, got {score!r}")
    rates = np.asarray(rates, dtype=np.float64)
    P = np.atleast_2d(np.asarray(starts, dtype=np.float64))
    count, n_starts = len(rates), len(P)
    record_every = steps if score == "final" else max(1, steps // RECORDS)
    run = simulate(
        surface,
        optimizer,
        np.tile(P, (count, 1)),
        steps,
        record_every=record_every,
        lr=np.repeat(rates, n_starts),
        **options,
    )
    objective = run.objective.reshape(len(run.step), count, n_starts)
    diverged = (run.diverged_at >= 0).reshape(count, n_starts).any(1)
    if score == "final":
        values = objective[-1].mean(1)
    else:
        least = _floor(surface, objective[:, ~diverged] if (~diverged).any() else objective)
        gap = np.maximum(objective - least, 0.0)
        if score == "gap":
            values = np.log10(gap + 1e-12).mean(0).mean(1)
        else:
            reached = gap <= tolerance
            first = np.where(reached.any(0), run.step[np.argmax(reached, axis=0)], steps + 1)
            values = first.mean(1).astype(np.float64)
    scores = np.where(diverged | ~np.isfinite(values), np.inf, values)
    best = float(rates[int(np.argmin(scores))]) if np.isfinite(scores).any() else None
    return Tuning(optimizer, score, rates, scores, best)
