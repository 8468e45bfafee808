r"""A one-unit recurrent network unrolled over T steps, as a loss over its two parameters.

Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks" (ICML
2013), section 3: the state follows

.. math:: x_0 = 0.5, \qquad x_t = w\,\sigma(x_{t-1}) + b, \qquad f(w, b) = (x_T - 0.7)^2,

so :math:`\partial x_T / \partial x_0 = \prod_t w\,\sigma'(x_{t-1})`: the same weight multiplied
T times. Where that product is large, f has a cliff. The gradient is backpropagation through
time; the Hessian a second-order forward recursion (both exact, every point at once: one
Python loop over t, NumPy over the points). ``tests/test_recurrent.py`` checks both against
torch's autograd and against finite differences.
"""

from __future__ import annotations

import numpy as np

X0, TARGET = 0.5, 0.7  # the initial state and the target of x_T


def sigmoid(x: np.ndarray) -> np.ndarray:
    # tanh form: no overflow of exp(-x) for large negative x.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def states(w: np.ndarray, b: np.ndarray, T: float) -> list[np.ndarray]:
    """x_0, ..., x_T at every point (w, b): T + 1 arrays of the points' shape."""
    xs = [np.full(np.broadcast(w, b).shape, X0)]
    for _ in range(int(T)):
        xs.append(w * sigmoid(xs[-1]) + b)
    return xs


def value(w: np.ndarray, b: np.ndarray, T: float) -> np.ndarray:
    x = np.full(np.broadcast(w, b).shape, X0)
    for _ in range(int(T)):
        x = w * sigmoid(x) + b
    return (x - TARGET) ** 2


def grad(w: np.ndarray, b: np.ndarray, T: float) -> tuple[np.ndarray, np.ndarray]:
    r"""(df/dw, df/db) by backpropagation through time: with
    :math:`\delta_t = \partial f / \partial x_t`, :math:`\delta_T = 2(x_T - 0.7)`,
    :math:`\delta_{t-1} = \delta_t\, w\, \sigma'(x_{t-1})`; each step adds
    :math:`\delta_t \sigma(x_{t-1})` to df/dw and :math:`\delta_t` to df/db."""
    xs = states(w, b, T)
    delta = 2.0 * (xs[-1] - TARGET)
    gw = np.zeros_like(delta)
    gb = np.zeros_like(delta)
    for t in range(int(T), 0, -1):
        s = sigmoid(xs[t - 1])
        gw += delta * s
        gb += delta
        delta = delta * w * s * (1.0 - s)
    return gw, gb


def hessian(w: np.ndarray, b: np.ndarray, T: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""(f_ww, f_wb, f_bb), exact: the first and second derivatives of x_t carried forward,

    .. math::
        \partial_w x_t = \sigma + w\sigma' \partial_w x_{t-1}, \quad
        \partial_b x_t = 1 + w\sigma' \partial_b x_{t-1}, \\
        \partial_{uv} x_t = \sigma'(\partial_u w\, \partial_v x_{t-1} + \partial_v w\, \partial_u x_{t-1})
        + w\sigma'' \partial_u x_{t-1} \partial_v x_{t-1} + w\sigma' \partial_{uv} x_{t-1}

    (σ at x_{t-1}), then :math:`H = 2\nabla x_T \nabla x_T^\top + 2(x_T - 0.7)\nabla^2 x_T`."""
    shape = np.broadcast(w, b).shape
    x = np.full(shape, X0)
    dw, db, dww, dwb, dbb = (np.zeros(shape) for _ in range(5))
    for _ in range(int(T)):
        s = sigmoid(x)
        s1 = s * (1.0 - s)
        s2 = s1 * (1.0 - 2.0 * s)
        gain = w * s1
        dww, dwb, dbb = (
            2.0 * s1 * dw + w * s2 * dw * dw + gain * dww,
            s1 * db + w * s2 * dw * db + gain * dwb,
            w * s2 * db * db + gain * dbb,
        )
        dw, db = s + gain * dw, 1.0 + gain * db
        x = w * s + b
    residual = 2.0 * (x - TARGET)
    return (
        2.0 * dw * dw + residual * dww,
        2.0 * dw * db + residual * dwb,
        2.0 * db * db + residual * dbb,
    )


def orbit_jacobians(w: float, b: float, steps: int) -> np.ndarray:
    r"""|dx_t/dx_0| = :math:`\prod_{k \le t} |w\,\sigma'(x_{k-1})|` for t = 1..steps, along the
    real orbit of the recurrence from x_0 = 0.5 with weight ``w`` and bias ``b``."""
    xs = states(np.float64(w), np.float64(b), steps)
    factors = np.array([abs(w) * float(sigmoid(x) * (1.0 - sigmoid(x))) for x in xs[:-1]])
    return np.cumprod(factors)


def steady_orbit(gain: float) -> tuple[float, float]:
    r"""(w, b) that keep x_t = 0.5 for every t, with every factor :math:`w\,\sigma'(x_{t-1})`
    equal to ``gain``: the same multiplication at each step, only its size changed."""
    s = float(sigmoid(np.float64(X0)))
    w = gain / (s * (1.0 - s))
    return w, X0 - w * s


# The gains the lesson's panel draws: below, at and above 1.
PANEL_GAINS = (0.8, 1.0, 1.2)


def jacobian_curves(gains=PANEL_GAINS, steps: int = 100) -> list[tuple[float, np.ndarray]]:
    """(gain, |dx_t/dx_0| for t = 1..steps) along each gain's steady orbit."""
    return [(gain, orbit_jacobians(*steady_orbit(gain), steps)) for gain in gains]
