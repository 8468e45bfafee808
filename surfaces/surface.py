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
from typing import Any, ClassVar

import numpy as np
import sympy as sp

# Real symbols: with complex ones, diff(Abs(x)) yields re/im terms lambdify cannot print.
X, Y = sp.symbols("x y", real=True)

Evaluator = Callable[[np.ndarray, np.ndarray], Any]
# A trajectory is diverged once it is this many half-widths of the surface's bounds away
# from their centre (or non-finite).
DIVERGENCE_BOX = 10.0


@dataclasses.dataclass(frozen=True)
class Compiled:
    """Lambdified value, gradient and Hessian of one expression.

    ``grad`` returns the entries ``(f_x, f_y)`` and ``hessian`` ``(f_xx, f_xy, f_yy)`` from
    one call each (common subexpressions shared); an entry may come back as a scalar when
    it is constant, so callers broadcast.
    """

    value: Evaluator
    grad: Evaluator
    hessian: Evaluator
    grad_exprs: tuple[sp.Expr, sp.Expr]
    hessian_exprs: tuple[sp.Expr, sp.Expr, sp.Expr]
    # Whether a derivative can be 0/0 where f is finite (roots, abs, division): only then
    # is the result scanned for NaN to apply the subgradient convention.
    may_have_kinks: bool


def _without_delta(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta terms: the subgradient convention for abs, sign, max and min."""
    return sp.expand_func(expr).replace(sp.DiracDelta, lambda *args: sp.S.Zero)


def _lambdify(expr) -> Evaluator:
    # Only x and y ever reach lambdify (sympy #24990: it executes symbol names as code).
    return sp.lambdify((X, Y), expr, modules="numpy", cse=True)


def _may_have_kinks(expr: sp.Expr) -> bool:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside)):
            return True
        if isinstance(node, sp.Pow) and not (node.exp.is_Integer and node.exp >= 0):
            return True
    return False


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
        grad=_lambdify((fx, fy)),
        hessian=_lambdify((fxx, fxy, fyy)),
        grad_exprs=(fx, fy),
        hessian_exprs=(fxx, fxy, fyy),
        may_have_kinks=_may_have_kinks(expr),
    )


def _coordinates(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if type(P) is np.ndarray and P.dtype == np.float64 and P.ndim == 2 and P.shape[1] == 2:
        return P[:, 0], P[:, 1]  # simulate()'s (N, 2) points: the fast path of every step
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
    minima (empty when unbounded below), ``saddles`` the known saddle points. An objective of
    simulate() (``optimizers.objective.Objective``, with a Hessian).
    """

    dim: ClassVar[int] = 2  # coordinates of a point

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
    # False when f may be undefined somewhere (log, division): simulate then also checks
    # that the value stays finite along each trajectory.
    defined_everywhere: bool = True
    # Rebuilds the surface for new parameter values (built-ins); None for fixed surfaces.
    factory: Callable[..., Surface] | None = dataclasses.field(default=None, repr=False)

    # Pickled (for simulate()'s worker processes) without the cached derivations: lambdified
    # functions do not pickle, and the other side derives them again from ``expr``.
    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @functools.cached_property
    def concrete(self) -> sp.Expr:
        """``expr`` with the parameter values substituted: a function of x and y only."""
        values = {sp.Symbol(k, real=True): v for k, v in self.params.items()}
        return self.expr.subs(values) if values else self.expr

    @functools.cached_property
    def compiled(self) -> Compiled:
        return compile_expression(self.concrete)

    @functools.cached_property
    def quadratic(self) -> bool:
        """Whether f is a polynomial of degree at most 2 in x and y: then its Hessian H is
        constant and the exact minimiser along a direction d is the step ``-g.d / d.H.d``
        (conjugate gradient's exact line search)."""
        f = self.concrete
        return bool(f.is_polynomial(X, Y)) and sp.Poly(f, X, Y).total_degree() <= 2

    @functools.cached_property
    def constant_hessian(self) -> bool:
        """Whether the Hessian is the same everywhere (where theory's 2/L applies)."""
        return all(e.is_number for e in self.compiled.hessian_exprs)

    @property
    def latex(self) -> str:
        """The surface's definition in LaTeX, as the pages show it."""
        return r"f(x, y) = " + sp.latex(self.concrete)

    # Like NumPy's own functions these warn where f is undefined (log of a negative):
    # simulate() and the figure builders evaluate under np.errstate and handle inf/nan.

    def value(self, P: np.ndarray) -> np.ndarray:
        """f at points ``P`` of shape ``(..., 2)``; returns shape ``(...)``."""
        x, y = _coordinates(P)
        value = self.compiled.value(x, y)
        if isinstance(value, np.ndarray) and value.shape == x.shape and value.dtype == np.float64:
            return value
        return np.broadcast_to(value, x.shape).astype(np.float64)

    def grad(self, P: np.ndarray) -> np.ndarray:
        """The gradient at ``P`` of shape ``(..., 2)``; returns shape ``(..., 2)``."""
        x, y = _coordinates(P)
        # Column-major for a list of points (as simulate() passes them): x and y contiguous.
        out = np.empty((2, *x.shape)).T if x.ndim == 1 else np.empty((*x.shape, 2))
        if not self.compiled.may_have_kinks:
            out[..., 0], out[..., 1] = self.compiled.grad(x, y)
            return out
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 at a kink is expected
            out[..., 0], out[..., 1] = self.compiled.grad(x, y)
        return self._kinks_to_zero(out, x, y)

    def hessian(self, P: np.ndarray) -> np.ndarray:
        """The Hessian at ``P`` of shape ``(..., 2)``; returns shape ``(..., 2, 2)``."""
        x, y = _coordinates(P)
        out = np.empty((*x.shape, 2, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., 0, 0], out[..., 0, 1], out[..., 1, 1] = self.compiled.hessian(x, y)
        out[..., 1, 0] = out[..., 0, 1]
        return self._kinks_to_zero(out, x, y)

    def _kinks_to_zero(self, out: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if not self.compiled.may_have_kinks:
            return out
        nan = np.isnan(out)
        if nan.any():
            with np.errstate(all="ignore"):
                finite_value = np.isfinite(self.compiled.value(x, y))
            finite_value = np.broadcast_to(finite_value, x.shape)
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

    @property
    def divergence_limit(self) -> float:
        """How far from ``center`` a coordinate may go before simulate() calls it diverged."""
        return DIVERGENCE_BOX * float(self.half_width.max())
