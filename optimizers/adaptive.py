"""Per-coordinate adaptive learning rates: AdaGrad, RMSProp and Adadelta (``torch.optim``)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.base import CLOSED_UNIT_INTERVAL, NON_NEGATIVE, POSITIVE, UNIT_INTERVAL, Optimizer, Rule


class AdagradState(NamedTuple):
    sum_sq: np.ndarray  # G_t, the running sum of squared gradients


def adagrad_update(P, g, state, t, hp, surface):
    r"""AdaGrad (Duchi, Hazan & Singer, 2011), torch's variant with ``lr_decay``.

    .. math:: \tilde\eta_t = \frac{\eta}{1 + (t-1)\,\text{lr\_decay}}, \quad
              G_t = G_{t-1} + g_t^2, \quad
              \theta_t = \theta_{t-1} - \tilde\eta_t \frac{g_t}{\sqrt{G_t} + \epsilon}

    G never shrinks, so the effective step :math:`\tilde\eta/\sqrt{G_t}` only decreases.
    """
    G = state.sum_sq
    if t == 1:
        G += hp["initial_accumulator_value"]
    G += g * g
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    return P + (-clr * g) / (np.sqrt(G) + hp["eps"]), state


def adagrad_init(P: np.ndarray) -> AdagradState:
    # G_0 = initial_accumulator_value is added at the first step, where hp is known.
    return AdagradState(np.zeros_like(P))


class RMSpropState(NamedTuple):
    square_avg: np.ndarray  # v_t
    grad_avg: np.ndarray  # m_t (centered only)
    buffer: np.ndarray  # b_t (momentum only)


def rmsprop_init(P: np.ndarray) -> RMSpropState:
    return RMSpropState(np.zeros_like(P), np.zeros_like(P), np.zeros_like(P))


def rmsprop_update(P, g, state, t, hp, surface):
    r"""RMSProp (Hinton, 2012; Graves, 2013 for ``centered``), as in torch.

    .. math:: v_t = \rho v_{t-1} + (1-\rho) g_t^2, \quad
              \tilde v_t = v_t - m_t^2 \text{ if centered } (m_t = \rho m_{t-1} + (1-\rho) g_t)

    .. math:: b_t = \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \quad
              \theta_t = \theta_{t-1} - \eta b_t

    The exponential average forgets old gradients, so the step does not decay to zero.
    With ``momentum = 0``, :math:`b_t` is just the scaled gradient.
    """
    rho = hp["rho"]
    v = state.square_avg
    v *= rho
    v += ((1 - rho) * g) * g
    if hp["centered"]:
        m = lerp(state.grad_avg, g, 1 - rho)
        avg = np.sqrt(v - m * m) + hp["eps"]
    else:
        avg = np.sqrt(v) + hp["eps"]
    b = state.buffer
    b *= hp["momentum"]
    b += g / avg
    return P - hp["lr"] * b, state


class AdadeltaState(NamedTuple):
    square_avg: np.ndarray  # E[g^2]_t
    acc_delta: np.ndarray  # E[dx^2]_t


def adadelta_init(P: np.ndarray) -> AdadeltaState:
    return AdadeltaState(np.zeros_like(P), np.zeros_like(P))


def adadelta_update(P, g, state, t, hp, surface):
    r"""Adadelta (Zeiler, 2012), as in torch.

    .. math:: E[g^2]_t = \rho E[g^2]_{t-1} + (1-\rho) g_t^2, \quad
              \Delta_t = \frac{\sqrt{E[\Delta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}} g_t

    .. math:: E[\Delta^2]_t = \rho E[\Delta^2]_{t-1} + (1-\rho)\Delta_t^2, \quad
              \theta_t = \theta_{t-1} - \eta \Delta_t

    The ratio of two running RMS values carries the units of theta: no learning rate is
    needed (``lr = 1``).
    """
    rho, eps = hp["rho"], hp["eps"]
    sq, acc = state.square_avg, state.acc_delta
    sq *= rho
    sq += ((1 - rho) * g) * g
    delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
    acc *= rho
    acc += ((1 - rho) * delta) * delta
    return P - hp["lr"] * delta, state


def lerp(start: np.ndarray, end: np.ndarray, weight) -> np.ndarray:
    """``start += weight * (end - start)`` in place, rounded as torch's ``lerp_``."""
    if (isinstance(weight, float) and weight < 0.5) or np.all(weight < 0.5):
        difference = np.subtract(end, start)
        difference *= weight
        start += difference
    else:
        start[...] = np.where(
            weight < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight)
        )
    return start


ADAGRAD = Optimizer(
    "adagrad",
    adagrad_init,
    adagrad_update,
    {"lr": 1e-2, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    {"lr": POSITIVE, "lr_decay": NON_NEGATIVE, "initial_accumulator_value": NON_NEGATIVE, "eps": POSITIVE},
    torch="Adagrad",
)
RMSPROP = Optimizer(
    "rmsprop",
    rmsprop_init,
    rmsprop_update,
    {"lr": 1e-2, "rho": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
    {"lr": POSITIVE, "rho": UNIT_INTERVAL, "eps": POSITIVE, "momentum": UNIT_INTERVAL},
    choices={"centered": (False, True)},
    torch="RMSprop",
)
ADADELTA = Optimizer(
    "adadelta",
    adadelta_init,
    adadelta_update,
    {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    {"lr": POSITIVE, "rho": CLOSED_UNIT_INTERVAL, "eps": POSITIVE},
    torch="Adadelta",
)


class RpropState(NamedTuple):
    prev: np.ndarray  # the last gradient used, 0 where its sign flipped (torch's prev)
    step_size: np.ndarray  # one step size per coordinate (torch's step_size)


def rprop_init(P: np.ndarray) -> RpropState:
    return RpropState(np.zeros_like(P), np.zeros_like(P))


def rprop_update(P, g, state, t, hp, surface):
    r"""Resilient backpropagation as ``torch.optim.Rprop`` (Riedmiller and Braun, 1993).

    Only the sign of each gradient coordinate is used; each coordinate has its own step size
    :math:`\Delta_i`, starting at lr, that grows while the sign stays and shrinks when it flips:

    .. math:: \Delta_{t,i} = \mathrm{clip}(\eta^{\pm} \Delta_{t-1,i},\ \Delta_{\min},\ \Delta_{\max}),
              \qquad \theta_{t,i} = \theta_{t-1,i} - \mathrm{sign}(g_{t,i})\, \Delta_{t,i}

    with :math:`\eta^+` where :math:`g_{t,i} g_{t-1,i} > 0`, :math:`\eta^-` where it is negative
    (and that coordinate does not move: its gradient counts as 0), 1 where it is 0.
    """
    step_size = np.broadcast_to(hp["lr"], P.shape).copy() if t == 1 else state.step_size
    agreement = np.sign(g * state.prev)
    factor = np.where(agreement > 0, hp["eta_plus"], np.where(agreement < 0, hp["eta_minus"], 1.0))
    step_size = np.clip(step_size * factor, hp["step_min"], hp["step_max"])
    g = np.where(agreement < 0, 0.0, g)
    return P - np.sign(g) * step_size, RpropState(g, step_size)


RPROP = Optimizer(
    "rprop",
    rprop_init,
    rprop_update,
    {"lr": 1e-2, "eta_minus": 0.5, "eta_plus": 1.2, "step_min": 1e-6, "step_max": 50.0},
    {
        "lr": POSITIVE,
        "eta_minus": Rule(lambda v: (v > 0) & (v < 1), "must be in (0, 1)"),
        "eta_plus": Rule(lambda v: v > 1, "must be > 1"),
        "step_min": NON_NEGATIVE,
        "step_max": POSITIVE,
    },
    torch="Rprop",
)


def _adagrad_rate(P, P_next, g, state, t, hp, surface):
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    return {"effective_lr": clr / (np.sqrt(state.sum_sq) + hp["eps"])}


def _rmsprop_rate(P, P_next, g, state, t, hp, surface):
    """lr over the running RMS: on the gradient, which the momentum buffer then sums."""
    v = state.square_avg
    if hp["centered"]:
        v = v - state.grad_avg * state.grad_avg
    return {"effective_lr": hp["lr"] / (np.sqrt(v) + hp["eps"])}


def _adadelta_rate(P, P_next, g, state, t, hp, surface):
    """lr * sqrt(E[dx^2]_{t-1} + eps) / sqrt(E[g^2]_t + eps): the old E[dx^2] recovered from
    the new one and this step's delta."""
    rho, eps, lr = hp["rho"], hp["eps"], hp["lr"]
    delta = (P - P_next) / lr
    with np.errstate(all="ignore"):
        before = (state.acc_delta - (1 - rho) * delta * delta) / np.where(rho > 0, rho, 1)
        previous = np.where(rho > 0, before, 0.0)
    return {"effective_lr": lr * np.sqrt(np.maximum(previous, 0.0) + eps) / np.sqrt(state.square_avg + eps)}


def _rprop_rate(P, P_next, g, state, t, hp, surface):
    """Each coordinate's step size, on the sign of the gradient (0 where its sign flipped)."""
    return {"effective_lr": state.step_size.copy()}


ADAGRAD = ADAGRAD._replace(inside=_adagrad_rate, inside_fields=("effective_lr",))
RMSPROP = RMSPROP._replace(inside=_rmsprop_rate, inside_fields=("effective_lr",))
ADADELTA = ADADELTA._replace(inside=_adadelta_rate, inside_fields=("effective_lr",))
RPROP = RPROP._replace(inside=_rprop_rate, inside_fields=("effective_lr",))

FAMILY = (ADAGRAD, RMSPROP, ADADELTA, RPROP)  # registered in this order (optimizers/registry.py)
