"""Surfaces computed by NumPy code rather than derived from a SymPy expression.

Some losses worth teaching are no short formula: the recurrent network unrolled over T steps
(``surfaces.recurrence``) expands into a expression that grows with T. A ``NumericSurface``
holds the functions that compute its value, gradient and Hessian exactly (each vectorized
over the points) and the LaTeX that defines it; everything else is a Surface's. It has no
SymPy expression to show or differentiate: ``concrete`` and ``compiled`` refuse, and the
questions pages ask of a formula (``latex``, ``quadratic``, ``constant_hessian``) have answers
here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from surfaces.surface import Surface, _coordinates

# f(x, y, **params) -> (...); grad -> (f_x, f_y); hessian -> (f_xx, f_xy, f_yy).
NumericFunction = Callable[..., Any]


@dataclasses.dataclass(frozen=True)
class NumericFunctions:
    """Module-level functions (so that a surface pickles for simulate()'s workers)."""

    value: NumericFunction
    grad: NumericFunction
    hessian: NumericFunction


@dataclasses.dataclass(frozen=True, eq=False)
class NumericSurface(Surface):
    """A Surface whose value, gradient and Hessian are NumPy code: ``functions`` take the
    coordinates x, y (arrays of one shape) and the surface's ``params`` by name. ``formula`` is
    its definition in LaTeX. ``expr`` is only a name (a SymPy function of x and y)."""

    functions: NumericFunctions | None = None
    formula: str = ""

    @property
    def concrete(self):
        raise TypeError(f"surface {self.name!r} is numeric: it has no SymPy expression")

    @property
    def compiled(self):
        raise TypeError(f"surface {self.name!r} is numeric: nothing to lambdify")

    @property
    def quadratic(self) -> bool:
        return False

    @property
    def constant_hessian(self) -> bool:
        return False

    @property
    def latex(self) -> str:
        return self.formula

    def value(self, P: np.ndarray) -> np.ndarray:
        x, y = _coordinates(P)
        return np.asarray(self.functions.value(x, y, **self.params), dtype=np.float64)

    def grad(self, P: np.ndarray) -> np.ndarray:
        x, y = _coordinates(P)
        out = np.empty((2, *x.shape)).T if x.ndim == 1 else np.empty((*x.shape, 2))
        out[..., 0], out[..., 1] = self.functions.grad(x, y, **self.params)
        return out

    def hessian(self, P: np.ndarray) -> np.ndarray:
        x, y = _coordinates(P)
        out = np.empty((*x.shape, 2, 2))
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 1] = self.functions.hessian(x, y, **self.params)
        out[..., 1, 0] = out[..., 0, 1]
        return out
