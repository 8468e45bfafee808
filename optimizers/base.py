"""The optimizer contract and hyperparameter validation.

An optimizer is a pure pair of functions over ``N`` trajectories at once::

    state = init(P)                                          # P: (N, 2)
    P_next, state = update(P, g, state, t, hp, surface)      # g: (N, 2), t = 1, 2, ...

``hp`` maps each numeric hyperparameter to a Python float, or to a float64 array of shape
``(N, 1)`` (one value per trajectory, a sweep) that broadcasts against ``(N, 2)``. Flags and
variants (``centered``, ``line_search``, ``variant``) are plain Python values. ``update``
returns a new state; the arrays of the state it was given may be reused in place, so a
caller must not keep using an old state (simulate never does). Second-order methods read
``surface.hessian``; line searches read ``surface.value``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

Check = Callable[[np.ndarray], np.ndarray]


class Rule(NamedTuple):
    """A validity condition on a numeric hyperparameter: ``ok(values)`` and its wording."""

    ok: Check
    wording: str


POSITIVE = Rule(lambda v: v > 0, "must be > 0")
NON_NEGATIVE = Rule(lambda v: v >= 0, "must be >= 0")
NON_POSITIVE = Rule(lambda v: v <= 0, "must be <= 0")
UNIT_INTERVAL = Rule(lambda v: (v >= 0) & (v < 1), "must be in [0, 1)")
CLOSED_UNIT_INTERVAL = Rule(lambda v: (v >= 0) & (v <= 1), "must be in [0, 1]")
AT_LEAST_ONE = Rule(lambda v: v >= 1, "must be >= 1")
COUNT = Rule(lambda v: (v >= 1) & (v <= 100) & (v == np.round(v)), "must be a whole number in [1, 100]")


class Optimizer(NamedTuple):
    """An optimizer: its pure (init, update) pair and its hyperparameters' defaults and rules."""

    name: str
    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]
    defaults: Mapping[str, Any]
    rules: Mapping[str, Rule]
    choices: Mapping[str, tuple[Any, ...]] = {}
    torch: str | None = None
    second_order: bool = False
    # Written for one 2-D point per trajectory (a 2 x 2 curvature, a line search on the
    # surface, an unfactored second moment): refused on networks.
    planar: bool = False
    # Whether an L1 penalty may be taken by the exact proximal step after its update (plain
    # gradient descent: the proximal gradient method, which sets coordinates exactly to zero).
    proximal: bool = False
    # What it holds inside, for simulate(record_state=True): ``inside(P, P_next, g, state, t,
    # hp, surface)`` returns the quantities named in ``inside_fields`` ("effective_lr": the
    # per-coordinate factor on the gradient or on the average standing in for it, (N, D);
    # "curvature": the 2 x 2 Hessian or approximation a second-order step used, (N, 2, 2)).
    inside: Callable[..., dict[str, np.ndarray]] | None = None
    inside_fields: tuple[str, ...] = ()

    def hyperparameters(self, n: int, **given: Any) -> dict[str, Any]:
        """Defaults overridden by ``given``, validated, numeric ones shaped for ``(n, 2)``.

        Raises ``ValueError`` with a message a user can act on.
        """
        unknown = set(given) - set(self.defaults)
        if unknown:
            known = ", ".join(self.defaults) or "none"
            raise ValueError(f"{self.name} has no hyperparameter {sorted(unknown)[0]!r} (known: {known})")
        hp: dict[str, Any] = {}
        for key, default in self.defaults.items():
            value = given.get(key, default)
            if key in self.choices:
                if value not in self.choices[key]:
                    options = ", ".join(repr(c) for c in self.choices[key])
                    raise ValueError(f"{key} must be one of {options}, got {value!r}")
                hp[key] = value
            else:
                hp[key] = checked_number(key, value, self.rules.get(key), n)
        return hp


def checked_number(key: str, value: Any, rule: Rule | None, n: int) -> float | np.ndarray:
    """``value`` as a float, or as an ``(n, 1)`` array for one value per trajectory; checked
    finite and against ``rule``. ValueError otherwise."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, got {value!r}") from None
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] != n):
        raise ValueError(
            f"{key} must be a number or one value per trajectory (shape ({n},)), got shape {array.shape}"
        )
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{key} must be a finite number, got {_first(array, bad)}")
    if rule is not None:
        bad = ~rule.ok(array)
        if bad.any():
            raise ValueError(f"{key} {rule.wording}, got {_first(array, bad)}")
    # Plain floats for scalars: Python arithmetic on them is ~10x faster than on 0-d arrays.
    return array.reshape(-1, 1) if array.ndim == 1 else float(array)


def _first(array: np.ndarray, bad: np.ndarray) -> str:
    if array.ndim == 0:
        return _format(float(array))
    i = int(np.argmax(bad))
    return f"{_format(float(array[i]))} (trajectory {i})"


def _format(v: float) -> str:
    return str(int(v)) if math.isfinite(v) and v == int(v) else repr(v)


def row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product of ``(N, 2)`` arrays, shaped ``(N, 1)``."""
    return (a[:, :1] * b[:, :1]) + (a[:, 1:] * b[:, 1:])
