"""Learning-rate schedules: the factor that multiplies ``lr`` at each step."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

# Each kind of schedule and its keys with their defaults (given the number of steps).
KINDS = ("constant", "step", "exponential", "cosine", "linear", "inverse")


def _defaults(kind: str, steps: int) -> dict[str, float]:
    return {
        "constant": {},
        "step": {"every": max(1, steps // 4), "gamma": 0.5},
        "exponential": {"gamma": 0.99},
        "cosine": {"tau": max(1, steps), "final": 0.0},
        "linear": {"tau": max(1, steps), "final": 0.01},
        "inverse": {"tau": max(1, steps // 10)},
    }[kind]


def schedule_factors(schedule: Mapping[str, Any] | None, steps: int) -> np.ndarray | None:
    """The learning-rate multiplier of each step 1..steps (index k = step - 1), or None for a
    constant rate. ``schedule`` is e.g. ``{"kind": "linear", "tau": 100, "final": 0.01}``:

    - ``step``: ``gamma ** floor(k / every)``; ``exponential``: ``gamma ** k``;
    - ``cosine``: from 1 to ``final`` along half a cosine over ``tau`` steps, then ``final``;
    - ``linear`` (the lecture notes' decay): ``(1 - a) + a * final`` with ``a = min(k / tau, 1)``;
    - ``inverse``: ``1 / (1 + k / tau)``, Robbins and Monro's conditions (notes 8.3.1): the sum of
      the rates diverges (the run can still reach any point) while the sum of their squares
      converges (the noise they let in stays bounded), so a noisy run keeps converging.

    ValueError names what is wrong with a malformed schedule.
    """
    if schedule is None:
        return None
    if not isinstance(schedule, Mapping):
        raise ValueError(f"schedule must be a dict such as {{'kind': 'linear'}}, got {schedule!r}")
    spec = dict(schedule)
    kind = spec.pop("kind", "constant")
    if kind not in KINDS:
        raise ValueError(f"schedule kind must be one of {', '.join(KINDS)}, got {kind!r}")
    defaults = _defaults(kind, steps)
    unknown = set(spec) - set(defaults)
    if unknown:
        keys = ", ".join(defaults) or "no other keys"
        raise ValueError(f"{kind} schedule takes {keys}; got {sorted(unknown)[0]!r}")
    p = {**defaults, **spec}
    for key, value in p.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"schedule {key} must be a finite number, got {value!r}")
    if "gamma" in p and not 0 < p["gamma"] <= 1:
        raise ValueError(f"schedule gamma must be in (0, 1], got {p['gamma']}")
    if "final" in p and not 0 <= p["final"] <= 1:
        raise ValueError(f"schedule final must be in [0, 1] (a fraction of lr), got {p['final']}")
    for key in ("tau", "every"):
        if key in p and not p[key] >= 1:
            raise ValueError(f"schedule {key} must be >= 1 step, got {p[key]}")
    k = np.arange(steps, dtype=np.float64)
    if kind == "constant":
        return None
    if kind == "step":
        return p["gamma"] ** np.floor(k / p["every"])
    if kind == "exponential":
        return p["gamma"] ** k
    if kind == "inverse":
        return 1 / (1 + k / p["tau"])
    a = np.minimum(k / p["tau"], 1.0)
    if kind == "cosine":
        return p["final"] + (1 - p["final"]) * (1 + np.cos(np.pi * a)) / 2
    # The lecture notes' linear decay: eps_k = (1 - a) eps_0 + a eps_tau, constant after tau.
    return (1 - a) + a * p["final"]


def scale_by_schedule(lr: Any, factors: np.ndarray) -> Callable[[int], Any]:
    """The learning rate of each step 1, 2, ...: ``lr * factors[step - 1]`` (``lr`` a scalar or
    one value per trajectory, ``(N, 1)``)."""

    def lr_at(step: int) -> Any:
        return lr * factors[step - 1]

    return lr_at
