"""Gradient descent, heavy-ball momentum and Nesterov momentum, as in ``torch.optim.SGD``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.base import POSITIVE, UNIT_INTERVAL, Optimizer


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


GD = Optimizer("gd", "Gradient descent", _no_state, gd_update, {"lr": 1e-3}, {"lr": POSITIVE}, torch="SGD")
MOMENTUM = Optimizer(
    "momentum",
    "Momentum",
    momentum_init,
    momentum_update,
    {"lr": 1e-3, "momentum": 0.9},
    {"lr": POSITIVE, "momentum": UNIT_INTERVAL},
    torch="SGD",
)
NESTEROV = MOMENTUM._replace(name="nesterov", title="Nesterov", update=nesterov_update)
