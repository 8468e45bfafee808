"""Gradient descent, heavy-ball momentum and Nesterov momentum, as in ``torch.optim.SGD``."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from optimizers.base import NON_NEGATIVE, POSITIVE, UNIT_INTERVAL, Optimizer


def _no_state(P: np.ndarray) -> tuple[()]:
    return ()


def gd_update(P, g, state, t, hp, surface):
    r"""Plain gradient descent: :math:`\theta_{t} = \theta_{t-1} - \eta g_t`."""
    return P - hp["lr"] * g, state


class MomentumState(NamedTuple):
    velocity: np.ndarray  # torch's momentum_buffer b


def momentum_init(P: np.ndarray) -> MomentumState:
    # b_0 = 0 makes the first step b_1 = g_1, exactly torch's clone of the first gradient.
    return MomentumState(np.zeros_like(P))


def momentum_update(P, g, state, t, hp, surface):
    r"""Heavy ball (torch convention, no dampening).

    .. math:: b_t = \mu b_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta b_t

    Polyak (1964). With constant gradient the step grows to :math:`\eta g / (1 - \mu)`.
    """
    b = state.velocity
    b *= hp["momentum"]
    b += g
    return P - hp["lr"] * b, state


def nesterov_update(P, g, state, t, hp, surface):
    r"""Nesterov momentum in torch's form (Sutskever et al., 2013).

    .. math:: b_t = \mu b_{t-1} + g_t, \qquad
              \theta_t = \theta_{t-1} - \eta (g_t + \mu b_t)

    Equivalent to taking the gradient at the look-ahead point :math:`\theta + \mu v`.
    """
    b = state.velocity
    b *= hp["momentum"]
    b += g
    return P - hp["lr"] * (g + hp["momentum"] * b), state


GD = Optimizer("gd", _no_state, gd_update, {"lr": 1e-3}, {"lr": POSITIVE}, torch="SGD", proximal=True)
MOMENTUM = Optimizer(
    "momentum",
    momentum_init,
    momentum_update,
    {"lr": 1e-3, "momentum": 0.9},
    {"lr": POSITIVE, "momentum": UNIT_INTERVAL},
    torch="SGD",
)
NESTEROV = MOMENTUM._replace(name="nesterov", update=nesterov_update)


class ASGDState(NamedTuple):
    ax: np.ndarray  # the averaged point (torch's ax); Run.path is the iterate
    eta: Any  # the step size of the next step (torch's eta); None before the first
    mu: Any  # the averaging weight of the next step (torch's mu)


def asgd_init(P: np.ndarray) -> ASGDState:
    return ASGDState(np.zeros_like(P), None, 1.0)


def asgd_update(P, g, state, t, hp, surface):
    r"""Averaged SGD as ``torch.optim.ASGD`` (Polyak and Juditsky, 1992).

    .. math:: \theta_t = \theta_{t-1} (1 - \lambda \eta_t) - \eta_t (g_t + w \theta_{t-1}),
              \qquad \bar\theta_t = \bar\theta_{t-1} + \mu_t (\theta_t - \bar\theta_{t-1})

    with :math:`\eta_1 = lr`, :math:`\eta_{t+1} = lr / (1 + \lambda\, lr\, t)^\alpha` and
    :math:`\mu_t = 1 / \max(1, t - 1 - t_0)`: the average starts after :math:`t_0` steps
    (before, :math:`\bar\theta_t = \theta_t`).
    """
    lr, lambd = hp["lr"], hp["lambd"]
    eta = lr if state.eta is None else state.eta
    if np.any(hp["weight_decay"] != 0):
        g = g + hp["weight_decay"] * P
    P = P * (1 - lambd * eta) - eta * g
    mu = state.mu
    ax = P.copy() if np.all(mu == 1) else np.where(mu == 1, P, state.ax + (P - state.ax) * mu)
    # The next step's size and averaging weight, as torch computes them after this step.
    eta = lr / ((1 + lambd * lr * t) ** hp["alpha"])
    mu = 1 / np.maximum(1, t - hp["t0"])
    return P, ASGDState(ax, eta, mu if np.ndim(mu) else float(mu))


ASGD = Optimizer(
    "asgd",
    asgd_init,
    asgd_update,
    {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0},
    {
        "lr": POSITIVE,
        "lambd": NON_NEGATIVE,
        "alpha": NON_NEGATIVE,
        "t0": NON_NEGATIVE,
        "weight_decay": NON_NEGATIVE,
    },
    torch="ASGD",
)


def _rate(P, P_next, g, state, t, hp, surface):
    """The learning rate itself multiplies the gradient (or the velocity standing in for it)."""
    return {"effective_lr": np.broadcast_to(hp["lr"], P.shape).astype(np.float64)}


def _asgd_rate(P, P_next, g, state, t, hp, surface):
    # The step size of step t: lr at the first, then lr / (1 + lambd lr (t - 1))^alpha.
    eta = hp["lr"] / ((1 + hp["lambd"] * hp["lr"] * (t - 1)) ** hp["alpha"]) if t > 1 else hp["lr"]
    return {"effective_lr": np.broadcast_to(eta, P.shape).astype(np.float64)}


GD = GD._replace(inside=_rate, inside_fields=("effective_lr",))
MOMENTUM = MOMENTUM._replace(inside=_rate, inside_fields=("effective_lr",))
NESTEROV = NESTEROV._replace(inside=_rate, inside_fields=("effective_lr",))
ASGD = ASGD._replace(inside=_asgd_rate, inside_fields=("effective_lr",))

FAMILY = (GD, MOMENTUM, NESTEROV, ASGD)  # registered in this order (optimizers/registry.py)
