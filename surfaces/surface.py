"""The Surface type: one SymPy expression, with value, gradient and Hessian derived from it.

Every derivative is computed symbolically and lambdified entry by entry, once per
expression (see ``compile_expression``); nothing here is written by hand. Points are
arrays of shape ``(..., 2)``, coordinates on the last axis.

Non-smooth terms follow the subgradient convention: SymPy's ``DiracDelta`` (the
derivative of ``sign`` or ``Heaviside``) counts as 0, ``sign(0) = 0``, and where f is
finite but a derivative evaluates to 0/0 (the tip of a cone such as ``sqrt(x**2 + y**2)``)
the derivative is taken as 0, a valid subgradient there.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp

# Real symbols: with complex ones, diff(Abs(x)) yields re/im terms lambdify cannot print.
X, Y = sp.symbols("x y", real=True)

Field = Callable[[np.ndarray, np.ndarray], Any]


@dataclasses.dataclass(frozen=True)
class Compiled:
    """Lambdified value, gradient entries and Hessian entries of one expression."""

    value: Field
    grad: tuple[Field, Field]
    hessian: tuple[Field, Field, Field]  # (f_xx, f_xy, f_yy): the Hessian is symmetric
    grad_exprs: tuple[sp.Expr, sp.Expr]
    hessian_exprs: tuple[sp.Expr, sp.Expr, sp.Expr]


def _without_delta(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta terms: the subgradient convention for abs, sign, max and min."""
    return sp.expand_func(expr).replace(sp.DiracDelta, lambda *args: sp.S.Zero)


def _lambdify(expr: sp.Expr) -> Field:
    # Only x and y ever reach lambdify (sympy #24990: it executes symbol names as code).
    return sp.lambdify((X, Y), expr, modules="numpy", cse=True)


@functools.lru_cache(maxsize=256)
def compile_expression(expr: sp.Expr) -> Compiled:
    """Derive gradient and Hessian of ``expr`` in x, y and lambdify every entry (cached)."""
    free = expr.free_symbols - {X, Y}
    if free:
        names = ", ".join(sorted(str(s) for s in free))
        raise ValueError(f"expression has free symbols other than x and y: {names}")
    fx, fy = (_without_delta(sp.diff(expr, s)) for s in (X, Y))
    fxx, fxy, fyy = (_without_delta(sp.diff(d, s)) for d, s in ((fx, X), (fx, Y), (fy, Y)))
    return Compiled(
        value=_lambdify(expr),
        grad=(_lambdify(fx), _lambdify(fy)),
        hessian=(_lambdify(fxx), _lambdify(fxy), _lambdify(fyy)),
        grad_exprs=(fx, fy),
        hessian_exprs=(fxx, fxy, fyy),
    )


def _coordinates(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # float64 always: integer input would overflow silently in x**40.
    P = np.asarray(P, dtype=np.float64)
    if P.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {P.shape}")
    return P[..., 0], P[..., 1]


@dataclasses.dataclass(frozen=True, eq=False)
class Surface:
    """A 2-D loss surface built from one SymPy expression in ``x`` and ``y``.

    ``expr`` may contain named parameters (``params`` holds their values); the compiled
    functions use ``expr`` with the parameters substituted. ``minima`` are the known global
    minima (empty when unbounded below), ``saddles`` the known saddle points.
    """

    name: str
    title: str
    expr: sp.Expr
    bounds: tuple[tuple[float, float], tuple[float, float]]
    minima: np.ndarray
    f_min: float | None
    saddles: np.ndarray
    start: np.ndarray
    params: Mapping[str, float] = dataclasses.field(default_factory=dict)
    reference: str = ""
    note: str = ""
    # False when f may be undefined somewhere (log, division): simulate then also checks
    # that the value stays finite along each trajectory.
    defined_everywhere: bool = True
    # Rebuilds the surface for new parameter values (built-ins); None for fixed surfaces.
    factory: Callable[..., Surface] | None = dataclasses.field(default=None, repr=False)

    @functools.cached_property
    def concrete(self) -> sp.Expr:
        """``expr`` with the parameter values substituted: a function of x and y only."""
        values = {sp.Symbol(k, real=True): v for k, v in self.params.items()}
        return self.expr.subs(values) if values else self.expr

    @functools.cached_property
    def compiled(self) -> Compiled:
        return compile_expression(self.concrete)

    def value(self, P: np.ndarray) -> np.ndarray:
        """f at points ``P`` of shape ``(..., 2)``; returns shape ``(...)``."""
        x, y = _coordinates(P)
        with np.errstate(all="ignore"):
            return np.broadcast_to(self.compiled.value(x, y), x.shape).astype(np.float64)

    def grad(self, P: np.ndarray) -> np.ndarray:
        """The gradient at ``P`` of shape ``(..., 2)``; returns shape ``(..., 2)``."""
        x, y = _coordinates(P)
        gx, gy = self.compiled.grad
        out = np.empty((*x.shape, 2))
        with np.errstate(all="ignore"):
            out[..., 0] = gx(x, y)
            out[..., 1] = gy(x, y)
        return self._kinks_to_zero(out, x, y)

    def hessian(self, P: np.ndarray) -> np.ndarray:
        """The Hessian at ``P`` of shape ``(..., 2)``; returns shape ``(..., 2, 2)``."""
        x, y = _coordinates(P)
        hxx, hxy, hyy = self.compiled.hessian
        out = np.empty((*x.shape, 2, 2))
        with np.errstate(all="ignore"):
            out[..., 0, 0] = hxx(x, y)
            out[..., 0, 1] = out[..., 1, 0] = hxy(x, y)
            out[..., 1, 1] = hyy(x, y)
        return self._kinks_to_zero(out, x, y)

    def _kinks_to_zero(self, out: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        nan = np.isnan(out)
        if nan.any():
            finite_value = np.isfinite(self.value(np.stack([x, y], axis=-1)))
            nan &= finite_value.reshape(finite_value.shape + (1,) * (out.ndim - x.ndim))
            out[nan] = 0.0
        return out

    def with_params(self, **params: float) -> Surface:
        """A new Surface with some parameters changed (e.g. ``kappa`` of the valley)."""
        unknown = set(params) - set(self.params)
        if unknown:
            known = ", ".join(sorted(self.params)) or "none"
            raise ValueError(
                f"surface {self.name!r} has no parameter {sorted(unknown)[0]!r} (known: {known})"
            )
        merged = {**self.params, **{k: float(v) for k, v in params.items()}}
        if self.factory is None:
            return dataclasses.replace(self, params=merged)
        return self.factory(**merged)

    @property
    def center(self) -> np.ndarray:
        (x0, x1), (y0, y1) = self.bounds
        return np.array([(x0 + x1) / 2, (y0 + y1) / 2])

    @property
    def half_width(self) -> np.ndarray:
        (x0, x1), (y0, y1) = self.bounds
        return np.array([(x1 - x0) / 2, (y1 - y0) / 2])
