"""Newton, BFGS, L-BFGS and nonlinear conjugate gradient, with Armijo backtracking.

None of these has a torch.optim twin (torch's LBFGS differs); they are checked against
scipy.optimize and against exact properties (one Newton step solves a quadratic).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.base import COUNT, NON_NEGATIVE, POSITIVE, Optimizer, row_dot

ARMIJO_C1 = 1e-4  # sufficient decrease: f(x + a d) <= f(x) + c1 a g.d
ARMIJO_SHRINK = 0.5  # at most half the previous trial, at least a tenth
ARMIJO_TRIES = 40  # past that (a step below ~1e-12) the step is taken as 0


def armijo(surface, P: np.ndarray, g: np.ndarray, d: np.ndarray, step0) -> np.ndarray:
    """Backtracking line search along ``d``, vectorized: the accepted step per row, ``(N, 1)``.

    Starts at ``step0`` and halves until the Armijo condition holds; rows where ``d`` is not
    a descent direction, or no step up to ``ARMIJO_TRIES`` halvings works, get step 0.
    """
    # Every row is evaluated at every try (no row subsets): the objective may carry
    # per-trajectory penalties, and the number of tries is small.
    f0 = surface.value(P)[:, None]
    slope = row_dot(g, d)
    step = np.broadcast_to(np.asarray(step0, dtype=np.float64), f0.shape).copy()
    pending = slope < 0
    step[~pending] = 0.0
    for _ in range(ARMIJO_TRIES):
        if not pending.any():
            break
        with np.errstate(all="ignore"):
            f = surface.value(P + step * d)[:, None]
        pending &= ~(f <= f0 + ARMIJO_C1 * step * slope)
        # Minimiser of the quadratic through f0, slope and f(step), kept in [0.1, 0.5] x step.
        with np.errstate(all="ignore"):
            fitted = -slope * step * step / (2 * (f - f0 - slope * step))
        fitted = np.clip(np.nan_to_num(fitted, nan=ARMIJO_SHRINK * step), 0.1 * step, ARMIJO_SHRINK * step)
        step = np.where(pending, fitted, step)
    step[pending] = 0.0
    return step


def _solve2(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve the ``(N, 2, 2)`` systems ``A x = b`` by Cramer's rule (inf/nan when singular)."""
    a, bb, c, d = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    with np.errstate(all="ignore"):
        det = a * d - bb * c
        return np.stack([(d * b[:, 0] - bb * b[:, 1]) / det, (a * b[:, 1] - c * b[:, 0]) / det], -1)


def newton_update(P, g, state, t, hp, surface):
    r"""Newton's method with Levenberg damping.

    .. math:: (H_t + \alpha I)\, d_t = g_t, \qquad \theta_t = \theta_{t-1} - \eta d_t

    With :math:`\eta = 1, \alpha = 0` one step lands on the stationary point of a quadratic,
    be it a minimum, a maximum or a saddle: Newton is attracted by all of them.
    """
    H = surface.hessian(P) + np.asarray(hp["damping"])[..., None] * np.eye(2)
    return P - hp["lr"] * _solve2(H, g), state


class QuasiNewtonState(NamedTuple):
    P_prev: np.ndarray
    g_prev: np.ndarray
    inverse_hessian: np.ndarray  # H_t ~ (Hessian)^-1, shape (N, 2, 2)


def bfgs_init(P: np.ndarray) -> QuasiNewtonState:
    return QuasiNewtonState(P.copy(), np.zeros_like(P), np.broadcast_to(np.eye(2), (len(P), 2, 2)).copy())


def _direction_step(P, g, d, hp, surface):
    if hp["line_search"]:
        return armijo(surface, P, g, d, hp["lr"])
    return np.broadcast_to(hp["lr"], (len(P), 1))


def bfgs_update(P, g, state, t, hp, surface):
    r"""BFGS with the inverse-Hessian update (Nocedal & Wright, eq. 6.17).

    .. math:: s = \theta_t - \theta_{t-1},\ y = g_t - g_{t-1},\ \rho = 1/(y^\top s), \quad
              H \leftarrow (I - \rho s y^\top) H (I - \rho y s^\top) + \rho s s^\top

    The pair is skipped unless :math:`y^\top s > 0` (keeps H positive definite); the step
    is :math:`d = -H g` scaled by Armijo backtracking from ``lr``.
    """
    H = state.inverse_hessian
    if t > 1:
        s, y = P - state.P_prev, g - state.g_prev
        sy = row_dot(s, y)[:, 0]
        ok = sy > 1e-10 * np.maximum(1.0, np.einsum("ni,ni->n", y, y))
        if ok.any():
            rho = 1.0 / sy[ok]
            Hy = np.einsum("nij,nj->ni", H[ok], y[ok])
            yHy = np.einsum("ni,ni->n", y[ok], Hy)
            ss = np.einsum("ni,nj->nij", s[ok], s[ok])
            H[ok] += ((1 + rho * yHy) * rho)[:, None, None] * ss - rho[:, None, None] * (
                np.einsum("ni,nj->nij", Hy, s[ok]) + np.einsum("ni,nj->nij", s[ok], Hy)
            )
    d = -np.einsum("nij,nj->ni", H, g)
    uphill = row_dot(d, g)[:, 0] >= 0
    if uphill.any():  # H lost positive definiteness numerically: restart from I.
        H[uphill] = np.eye(2)
        d[uphill] = -g[uphill]
    step = _direction_step(P, g, d, hp, surface)
    return P + step * d, QuasiNewtonState(P, g.copy(), H)


class LbfgsState(NamedTuple):
    P_prev: np.ndarray
    g_prev: np.ndarray
    s: np.ndarray  # (m, N, 2) ring buffer of steps
    y: np.ndarray  # (m, N, 2) ring buffer of gradient changes
    rho: np.ndarray  # (m, N, 1): 1/(y.s), or 0 for a skipped pair (a no-op in the recursion)
    gamma: np.ndarray  # (N, 1): s.y / y.y of the newest kept pair, the initial Hessian scale


HISTORY_MAX = 100


def lbfgs_init(P: np.ndarray) -> LbfgsState:
    n = len(P)
    return LbfgsState(
        P.copy(),
        np.zeros_like(P),
        np.zeros((0, n, 2)),
        np.zeros((0, n, 2)),
        np.zeros((0, n, 1)),
        np.ones((n, 1)),
    )


def lbfgs_update(P, g, state, t, hp, surface):
    r"""Limited-memory BFGS: the two-loop recursion over the last ``history`` pairs.

    :math:`d = -H g` where H is BFGS's inverse Hessian built from
    :math:`H_0 = \gamma I`, :math:`\gamma = s^\top y / y^\top y` of the newest pair
    (Nocedal & Wright, algorithm 7.4), then Armijo backtracking from ``lr``.
    """
    history = int(np.max(hp["history"]))
    s_hist, y_hist, rho_hist, gamma = state.s, state.y, state.rho, state.gamma
    if t > 1:
        s, y = P - state.P_prev, g - state.g_prev
        sy, yy = row_dot(s, y), row_dot(y, y)
        ok = sy > 1e-10 * np.maximum(1.0, yy)
        with np.errstate(all="ignore"):
            rho = np.where(ok, 1.0 / np.where(ok, sy, 1.0), 0.0)
            gamma = np.where(ok, sy / np.where(ok, yy, 1.0), gamma)
        s_hist = np.concatenate([s_hist, s[None]])[-history:]
        y_hist = np.concatenate([y_hist, y[None]])[-history:]
        rho_hist = np.concatenate([rho_hist, rho[None]])[-history:]
    q = g.copy()
    alphas = []
    for s, y, rho in zip(s_hist[::-1], y_hist[::-1], rho_hist[::-1], strict=True):
        a = rho * row_dot(s, q)
        q -= a * y
        alphas.append(a)
    r = gamma * q
    for (s, y, rho), a in zip(zip(s_hist, y_hist, rho_hist, strict=True), alphas[::-1], strict=True):
        r += s * (a - rho * row_dot(y, r))
    d = -r
    uphill = row_dot(d, g)[:, 0] >= 0
    d[uphill] = -g[uphill]
    step = _direction_step(P, g, d, hp, surface)
    return P + step * d, LbfgsState(P, g.copy(), s_hist, y_hist, rho_hist, gamma)


class CGState(NamedTuple):
    g_prev: np.ndarray
    d_prev: np.ndarray


def cg_init(P: np.ndarray) -> CGState:
    return CGState(np.zeros_like(P), np.zeros_like(P))


def cg_update(P, g, state, t, hp, surface):
    r"""Nonlinear conjugate gradient (Nocedal & Wright, section 5.2).

    .. math:: d_t = -g_t + \beta_t d_{t-1}, \quad
              \beta^{FR}_t = \frac{g_t^\top g_t}{g_{t-1}^\top g_{t-1}}, \quad
              \beta^{PR+}_t = \max\left(0, \frac{g_t^\top (g_t - g_{t-1})}{g_{t-1}^\top g_{t-1}}\right)

    Restarts with :math:`d = -g` every 2 steps (the dimension) and whenever :math:`d` is
    not a descent direction. On a quadratic surface (``surface.quadratic``: constant Hessian
    H) the line search is exact, :math:`a = -\nabla f^\top d / d^\top H d`, so CG reaches
    the minimum of a 2-D quadratic in 2 steps (Nocedal & Wright, theorem 5.2); elsewhere, and
    where :math:`d^\top H d \le 0`, the step comes from Armijo backtracking from ``lr``.
    """
    gg_prev = row_dot(state.g_prev, state.g_prev)
    with np.errstate(all="ignore"):
        if hp["variant"] == "FR":
            beta = row_dot(g, g) / gg_prev
        else:
            beta = np.maximum(row_dot(g, g - state.g_prev) / gg_prev, 0.0)
    beta = np.where(np.isfinite(beta) & (t % 2 == 0), beta, 0.0)
    d = -g + beta * state.d_prev
    uphill = row_dot(d, g)[:, 0] >= 0
    d[uphill] = -g[uphill]
    if hp["line_search"] and getattr(surface, "quadratic", False):
        step = _exact_step(P, g, d, hp, surface)
    else:
        step = _direction_step(P, g, d, hp, surface)
    return P + step * d, CGState(g.copy(), d)


def _exact_step(P, g, d, hp, surface):
    """The exact line search on a quadratic: the minimiser of f along ``d``, from the true
    gradient (the step's ``g`` may carry noise or clipping); Armijo where ``d.H.d <= 0``
    (f unbounded below along ``d``)."""
    curvature = np.einsum("ni,nij,nj->n", d, surface.hessian(P), d)[:, None]
    with np.errstate(all="ignore"):
        exact = -row_dot(surface.grad(P), d) / curvature
    good = (curvature > 0) & np.isfinite(exact)
    if good.all():
        return exact
    return np.where(good, exact, armijo(surface, P, g, d, hp["lr"]))


def _no_state(P: np.ndarray) -> tuple[()]:
    return ()


NEWTON = Optimizer(
    "newton",
    _no_state,
    newton_update,
    {"lr": 1.0, "damping": 0.0},
    {"lr": POSITIVE, "damping": NON_NEGATIVE},
    second_order=True,
    planar=True,
)
BFGS = Optimizer(
    "bfgs",
    bfgs_init,
    bfgs_update,
    {"lr": 1.0, "line_search": True},
    {"lr": POSITIVE},
    choices={"line_search": (True, False)},
    planar=True,
)
LBFGS = Optimizer(
    "lbfgs",
    lbfgs_init,
    lbfgs_update,
    {"lr": 1.0, "history": 10, "line_search": True},
    {"lr": POSITIVE, "history": COUNT},
    choices={"line_search": (True, False)},
    planar=True,
)
CG = Optimizer(
    "cg",
    cg_init,
    cg_update,
    {"lr": 1.0, "variant": "PR+", "line_search": True},
    {"lr": POSITIVE},
    choices={"variant": ("PR+", "FR"), "line_search": (True, False)},
    planar=True,
)


def _newton_curvature(P, P_next, g, state, t, hp, surface):
    """The damped Hessian the step solved with."""
    return {"curvature": surface.hessian(P) + np.asarray(hp["damping"])[..., None] * np.eye(2)}


def _bfgs_curvature(P, P_next, g, state, t, hp, surface):
    """The inverse of the inverse-Hessian approximation the step used."""
    return {"curvature": np.linalg.inv(state.inverse_hessian)}


def _lbfgs_curvature(P, P_next, g, state, t, hp, surface):
    """The 2 x 2 inverse Hessian the two-loop recursion applies (found by applying it to the
    unit vectors), inverted."""
    columns = []
    for unit in np.eye(2):
        q = np.broadcast_to(unit, P.shape).copy()
        alphas = []
        for s, y, rho in zip(state.s[::-1], state.y[::-1], state.rho[::-1], strict=True):
            a = rho * row_dot(s, q)
            q -= a * y
            alphas.append(a)
        r = state.gamma * q
        for (s, y, rho), a in zip(zip(state.s, state.y, state.rho, strict=True), alphas[::-1], strict=True):
            r += s * (a - rho * row_dot(y, r))
        columns.append(r)
    return {"curvature": np.linalg.inv(np.stack(columns, -1))}


NEWTON = NEWTON._replace(inside=_newton_curvature, inside_fields=("curvature",))
BFGS = BFGS._replace(inside=_bfgs_curvature, inside_fields=("curvature",))
LBFGS = LBFGS._replace(inside=_lbfgs_curvature, inside_fields=("curvature",))

FAMILY = (NEWTON, BFGS, LBFGS, CG)  # registered in this order (optimizers/registry.py)
