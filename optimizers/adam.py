"""Adam and its relatives, each exactly ``torch.optim``'s documented algorithm."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.adaptive import lerp
from optimizers.base import AT_LEAST_ONE, NON_NEGATIVE, NON_POSITIVE, POSITIVE, UNIT_INTERVAL, Optimizer


class AdamState(NamedTuple):
    exp_avg: np.ndarray  # m_t, first moment
    exp_avg_sq: np.ndarray  # v_t, second moment
    max_exp_avg_sq: np.ndarray  # max of v_1..v_t (AMSGrad); exp_avg_sq itself otherwise


def adam_init(P: np.ndarray) -> AdamState:
    v = np.zeros_like(P)
    return AdamState(np.zeros_like(P), v, v)


def amsgrad_init(P: np.ndarray) -> AdamState:
    return AdamState(np.zeros_like(P), np.zeros_like(P), np.zeros_like(P))


def _moments(g, state, hp):
    """Update m and v in place (torch's rounding order), returning them."""
    m = lerp(state.exp_avg, g, 1 - hp["beta1"])  # First moment estimate.
    v = state.exp_avg_sq  # Second moment estimate: v beta2 + ((1 - beta2) g) g.
    v *= hp["beta2"]
    scaled = np.multiply(g, 1 - hp["beta2"])
    scaled *= g
    v += scaled
    return m, v


def adam_update(P, g, state, t, hp, surface):
    r"""Adam (Kingma & Ba, 2015) with torch's rounding order.

    .. math:: m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
              v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2

    .. math:: \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}
              \frac{m_t}{\sqrt{v_t} / \sqrt{1-\beta_2^t} + \epsilon}

    AMSGrad (Reddi et al., 2018) uses :math:`\hat v_t = \max(\hat v_{t-1}, v_t)` in place of
    :math:`v_t` (torch 2.13: the maximum of the raw moments, then the bias correction).
    AdamW (Loshchilov & Hutter, 2019) first decays :math:`\theta \leftarrow
    \theta(1 - \eta\lambda)`, decoupled from the gradient.
    """
    lr, b1, b2 = hp["lr"], hp["beta1"], hp["beta2"]
    if "weight_decay" in hp:
        P = P * (1 - lr * hp["weight_decay"])
    m, v = _moments(g, state, hp)
    v_max = state.max_exp_avg_sq
    if v_max is not v:
        np.maximum(v_max, v, out=v_max)
    # m / (sqrt(v)/s + eps) = s m / (sqrt(v) + eps s) with s = sqrt(1 - beta2^t): one
    # array operation fewer, equal to torch's rounding up to a few ulps.
    s = (1 - b2**t) ** 0.5
    denom = np.sqrt(v_max)
    denom += hp["eps"] * s
    step = np.multiply(m, -lr * s / (1 - b1**t))
    step /= denom
    step += P
    return step, state


class NadamState(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    mu_product: np.ndarray  # prod_{i<=t} mu_i, one per trajectory


def nadam_init(P: np.ndarray) -> NadamState:
    return NadamState(np.zeros_like(P), np.zeros_like(P), np.ones((P.shape[0], 1)))


def nadam_update(P, g, state, t, hp, surface):
    r"""NAdam (Dozat, 2016) with torch's momentum schedule.

    .. math:: \mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \quad
              \theta_t = \theta_{t-1}
              - \eta\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{\sqrt{\hat v_t}+\epsilon}
              - \eta\frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{\sqrt{\hat v_t}+\epsilon}

    with :math:`\hat v_t = v_t / (1-\beta_2^t)` and :math:`\psi` = ``momentum_decay``:
    Adam whose momentum term already looks one step ahead, as Nesterov's does.
    """
    lr, b1, psi = hp["lr"], hp["beta1"], hp["momentum_decay"]
    mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    mu_product = state.mu_product
    mu_product *= mu
    m, v = _moments(g, state, hp)
    denom = np.sqrt(v / (1 - hp["beta2"] ** t)) + hp["eps"]
    P = P + (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
    return P + ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m / denom, state


class AdamaxState(NamedTuple):
    exp_avg: np.ndarray  # m_t
    exp_inf: np.ndarray  # u_t, the exponentially weighted infinity norm


def adamax_init(P: np.ndarray) -> AdamaxState:
    return AdamaxState(np.zeros_like(P), np.zeros_like(P))


def adamax_update(P, g, state, t, hp, surface):
    r"""AdaMax (Kingma & Ba, 2015, section 7), as in torch.

    .. math:: m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
              u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon), \quad
              \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\frac{m_t}{u_t}
    """
    m = lerp(state.exp_avg, g, 1 - hp["beta1"])
    u = state.exp_inf
    u *= hp["beta2"]
    np.maximum(u, np.abs(g) + hp["eps"], out=u)
    clr = hp["lr"] / (1 - hp["beta1"] ** t)
    return P + (-clr * m) / u, state


def radam_update(P, g, state, t, hp, surface):
    r"""RAdam (Liu et al., 2020), as in torch.

    .. math:: \rho_\infty = \frac{2}{1-\beta_2} - 1, \quad
              \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t}

    While :math:`\rho_t \le 5` the variance of the adaptive rate is not yet trusted and the
    step is plain momentum :math:`\eta \hat m_t`; after that it is Adam's step times the
    rectification :math:`r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}
    {(\rho_\infty-4)(\rho_\infty-2)\rho_t}}`.
    """
    lr, b1, b2 = hp["lr"], hp["beta1"], hp["beta2"]
    m, v = _moments(g, state, hp)
    bias_correction2 = 1 - b2**t
    corrected = m / (1 - b1**t)
    # NumPy floats, not Python ones: for small beta2, rho_inf - 4 may be 0 and the root's
    # argument negative; only the rho_t > 5 branch uses them, where both are fine.
    rho_inf = np.asarray(2 / (1 - b2) - 1)
    rho_t = rho_inf - 2 * t * (b2**t) / bias_correction2
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = bias_correction2**0.5 / (np.sqrt(v) + hp["eps"])
    step = np.where(rho_t > 5.0, corrected * lr * adaptive * rect, corrected * lr)
    return P - step, state


class AdafactorState(NamedTuple):
    variance: np.ndarray  # second moment; a 2-vector parameter is not factored


def adafactor_init(P: np.ndarray) -> AdafactorState:
    return AdafactorState(np.zeros_like(P))


_EPS1 = float(np.finfo(np.float64).eps)  # torch's eps1 default: the dtype's machine epsilon


def adafactor_update(P, g, state, t, hp, surface):
    r"""Adafactor (Shazeer & Stern, 2018) in torch's form, one 2-vector per trajectory.

    .. math:: \hat\beta_{2t} = 1 - t^{c}, \quad
              v_t = \hat\beta_{2t} v_{t-1} + (1-\hat\beta_{2t}) g_t^2, \quad
              u_t = g_t / \sqrt{\max(v_t, \epsilon_1^2)}

    .. math:: \rho_t = \min(\eta, 1/\sqrt t), \quad
              \alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\rho_t, \quad
              \theta_t = \theta_{t-1} - \frac{\alpha_t}{\max(1, \mathrm{RMS}(u_t)/d)} u_t

    with :math:`c` = ``beta2_decay``: the step is relative to the size of the parameter.
    """
    rms = np.sqrt(2.0)
    rho_t = np.minimum(hp["lr"], 1 / t**0.5)
    alpha = np.maximum(hp["eps2"], np.hypot(P[:, :1], P[:, 1:]) / rms) * rho_t
    v = lerp(state.variance, g * g, float(t) ** hp["beta2_decay"])
    update = g / np.sqrt(np.maximum(v, _EPS1 * _EPS1))
    denom = np.maximum(1.0, np.hypot(update[:, :1], update[:, 1:]) / (rms * hp["d"]))
    return P + (-alpha / denom) * update, state


ADAM_RULES = {"lr": POSITIVE, "beta1": UNIT_INTERVAL, "beta2": UNIT_INTERVAL, "eps": POSITIVE}
ADAM_DEFAULTS = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

ADAM = Optimizer("adam", adam_init, adam_update, ADAM_DEFAULTS, ADAM_RULES, torch="Adam")
ADAMW = ADAM._replace(
    name="adamw",
    defaults={**ADAM_DEFAULTS, "weight_decay": 1e-2},
    rules={**ADAM_RULES, "weight_decay": NON_NEGATIVE},
    torch="AdamW",
)
AMSGRAD = ADAM._replace(name="amsgrad", init=amsgrad_init, torch="Adam")
NADAM = Optimizer(
    "nadam",
    nadam_init,
    nadam_update,
    {**ADAM_DEFAULTS, "lr": 2e-3, "momentum_decay": 4e-3},
    {**ADAM_RULES, "momentum_decay": NON_NEGATIVE},
    torch="NAdam",
)
ADAMAX = Optimizer(
    "adamax",
    adamax_init,
    adamax_update,
    {**ADAM_DEFAULTS, "lr": 2e-3},
    ADAM_RULES,
    torch="Adamax",
)
RADAM = Optimizer("radam", adam_init, radam_update, ADAM_DEFAULTS, ADAM_RULES, torch="RAdam")
ADAFACTOR = Optimizer(
    "adafactor",
    adafactor_init,
    adafactor_update,
    {"lr": 1e-2, "beta2_decay": -0.8, "eps2": 1e-3, "d": 1.0},
    {"lr": POSITIVE, "beta2_decay": NON_POSITIVE, "eps2": POSITIVE, "d": AT_LEAST_ONE},
    torch="Adafactor",
    planar=True,
)


def _adam_rate(P, P_next, g, state, t, hp, surface):
    """lr / (sqrt(v_hat) + eps) per coordinate, on the bias-corrected first moment
    m_hat = m / (1 - beta1^t): the step is -effective_lr * m_hat (AdamW's decay apart)."""
    v_hat = state.max_exp_avg_sq / (1 - hp["beta2"] ** t)
    return {"effective_lr": hp["lr"] / (np.sqrt(v_hat) + hp["eps"])}


def _adamax_rate(P, P_next, g, state, t, hp, surface):
    return {"effective_lr": hp["lr"] / (1 - hp["beta1"] ** t) / state.exp_inf}


def _radam_rate(P, P_next, g, state, t, hp, surface):
    """Plain momentum's lr / (1 - beta1^t) until the variance is trusted, then Adam's rate
    times the rectification."""
    b1, b2 = hp["beta1"], hp["beta2"]
    bias_correction2 = 1 - b2**t
    rho_inf = np.asarray(2 / (1 - b2) - 1)
    rho_t = rho_inf - 2 * t * (b2**t) / bias_correction2
    with np.errstate(invalid="ignore", divide="ignore"):
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = bias_correction2**0.5 / (np.sqrt(state.exp_avg_sq) + hp["eps"])
    plain = np.broadcast_to(hp["lr"] / (1 - b1**t), P.shape)
    return {"effective_lr": np.where(rho_t > 5.0, hp["lr"] / (1 - b1**t) * adaptive * rect, plain)}


def _adafactor_rate(P, P_next, g, state, t, hp, surface):
    """alpha_t / max(1, RMS(u)/d) / sqrt(max(v, eps1^2)), on the gradient."""
    rms = np.sqrt(2.0)
    rho_t = np.minimum(hp["lr"], 1 / t**0.5)
    alpha = np.maximum(hp["eps2"], np.hypot(P[:, :1], P[:, 1:]) / rms) * rho_t
    root = np.sqrt(np.maximum(state.variance, _EPS1 * _EPS1))
    update = g / root
    denom = np.maximum(1.0, np.hypot(update[:, :1], update[:, 1:]) / (rms * hp["d"]))
    return {"effective_lr": alpha / denom / root}


ADAM = ADAM._replace(inside=_adam_rate, inside_fields=("effective_lr",))
ADAMW = ADAMW._replace(inside=_adam_rate, inside_fields=("effective_lr",))
AMSGRAD = AMSGRAD._replace(inside=_adam_rate, inside_fields=("effective_lr",))
ADAMAX = ADAMAX._replace(inside=_adamax_rate, inside_fields=("effective_lr",))
RADAM = RADAM._replace(inside=_radam_rate, inside_fields=("effective_lr",))
ADAFACTOR = ADAFACTOR._replace(inside=_adafactor_rate, inside_fields=("effective_lr",))

FAMILY = (ADAM, ADAMW, AMSGRAD, NADAM, ADAMAX, RADAM, ADAFACTOR)  # registered in this order (registry.py)
