r"""What theory says of heavy-ball momentum on a quadratic (Polyak 1964; Goh, "Why Momentum
Really Works", Distill 2017).

Along an eigenvector of the Hessian with curvature :math:`\lambda`, torch's heavy ball
(:math:`b_t = \mu b_{t-1} + g_t,\ \theta_t = \theta_{t-1} - \eta b_t`) is the recursion
:math:`x_{t+1} = (1 - \eta\lambda + \mu) x_t - \mu x_{t-1}`: the 2 x 2 iteration matrix
:math:`\begin{pmatrix} 1 - \eta\lambda + \mu & -\mu \\ 1 & 0 \end{pmatrix}`, whose eigenvalues
are the roots of :math:`r^2 - (1 - \eta\lambda + \mu) r + \mu = 0`. The error shrinks per step
by the largest root modulus, maximized over the Hessian's eigenvalues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

REGIMES = ("monotone", "oscillating", "divergent")


def heavy_ball_roots(lr, momentum, curvature) -> tuple[np.ndarray, np.ndarray]:
    """The two roots (complex) of the iteration for every broadcast lr, momentum, curvature."""
    lr, momentum, curvature = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (lr, momentum, curvature))
    )
    trace = 1 - lr * curvature + momentum
    root = np.sqrt((trace * trace - 4 * momentum).astype(np.complex128))
    return (trace + root) / 2, (trace - root) / 2


def heavy_ball_rate(lr, momentum, curvatures) -> tuple[np.ndarray, np.ndarray]:
    """(rate, regime index) for every lr x momentum (broadcast): the largest root modulus over
    ``curvatures`` (the Hessian's eigenvalues) and the regime of the curvature attaining it:
    0 monotone (real positive roots), 1 oscillating (complex or negative roots), 2 divergent
    (rate >= 1)."""
    lr, momentum = np.broadcast_arrays(
        np.asarray(lr, dtype=np.float64), np.asarray(momentum, dtype=np.float64)
    )
    moduli, kinds = [], []
    for curvature in np.atleast_1d(curvatures):
        r1, r2 = heavy_ball_roots(lr, momentum, curvature)
        modulus = np.maximum(np.abs(r1), np.abs(r2))
        complex_roots = np.abs(r1.imag) > 1e-12
        negative = np.minimum(r1.real, r2.real) < -1e-12
        moduli.append(modulus)
        kinds.append(np.where(complex_roots | negative, 1, 0))
    moduli, kinds = np.stack(moduli), np.stack(kinds)
    worst = np.argmax(moduli, axis=0)
    rate = np.take_along_axis(moduli, worst[None], 0)[0]
    regime = np.take_along_axis(kinds, worst[None], 0)[0]
    return rate, np.where(rate >= 1, 2, regime)


def heavy_ball_optimum(largest: float, smallest: float) -> tuple[float, float, float]:
    """The best (lr, momentum) for curvatures in [smallest, largest] and its rate:
    lr* = (2 / (sqrt(L) + sqrt(mu)))^2, momentum* = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2,
    rate* = sqrt(momentum*)."""
    root_l, root_m = np.sqrt(largest), np.sqrt(smallest)
    lr = (2 / (root_l + root_m)) ** 2
    kappa = largest / smallest
    momentum = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    return float(lr), float(momentum), float(np.sqrt(momentum))


def stability_limit(
    rule: str, hp: Mapping[str, Any], curvature: float | None = None
) -> float | np.ndarray | None:
    r"""The edge of stability on a quadratic: the iteration converges while :math:`\eta L` is
    under 2 for gradient descent (``rule`` ``"plain"``), :math:`2(1+\mu)` for heavy ball
    (``"heavy"``, torch's SGD momentum :math:`\mu`) and :math:`2(1+\mu)/(1+2\mu)` for Nesterov
    (``"nesterov"``, torch's form); an adaptive method divides by its own statistics of the
    gradients, so it has no fixed limit (its view gives no rule).

    Given the largest ``curvature`` L: the largest stable learning rate (2/L, 2(1+μ)/L,
    2(1+μ)/((1+2μ)L)); ``hp["momentum"]`` may be an array (one limit each). Without it: the
    largest stable curvature at ``hp["lr"]`` (2/lr, ...), None when lr is missing or not positive.
    """
    if curvature is None:
        curvature = hp.get("lr")
        if not curvature or curvature <= 0:
            return None
    mu = hp.get("momentum", 0.0)
    mu = mu if isinstance(mu, np.ndarray) else float(mu)
    if rule == "plain":
        return 2.0 / curvature
    if rule == "heavy":
        return 2.0 * (1.0 + mu) / curvature
    if rule == "nesterov":
        return 2.0 * (1.0 + mu) / (curvature * (1.0 + 2.0 * mu))
    raise ValueError(f"Unknown stability rule {rule!r}: one of 'plain', 'heavy', 'nesterov'")
