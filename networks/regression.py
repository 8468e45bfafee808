"""Regression data: a target function of one or two inputs, sampled with noise (NumPy, seeded).

The inputs are uniform on ``[-1, 1]`` in each coordinate; a target is the function's value
plus Gaussian noise of standard deviation ``noise`` (on the target only, not the inputs).
Training, test and validation sets are drawn in that order from one ``default_rng(seed)``, as
the classification sets are (networks.data): a validation set changes neither of the others.
A network fits them with ``Network(data, loss="mse")`` (torch's ``mse_loss``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from networks.data import N_TEST_RANGE, N_TRAIN_RANGE, N_VAL_RANGE, NOISE_MAX, Dataset, _whole

BUMP_WIDTH = 0.3  # the bump's standard deviation


def _sine(X: np.ndarray) -> np.ndarray:
    """One period of sin(pi x) on [-1, 1]; in 2-D times cos(pi y / 2), a ridge and a trough."""
    value = np.sin(math.pi * X[:, 0])
    return value * np.cos(0.5 * math.pi * X[:, 1]) if X.shape[1] > 1 else value


def _step(X: np.ndarray) -> np.ndarray:
    """-1/2 then +1/2 across x = 0 (in 2-D across the diagonal x + y = 0): a jump that a smooth
    network can only approach, steeper as it trains."""
    side = X[:, 0] + X[:, 1] if X.shape[1] > 1 else X[:, 0]
    return np.where(side > 0, 0.5, -0.5)


def _bump(X: np.ndarray) -> np.ndarray:
    """A Gaussian bump of height 1 and width BUMP_WIDTH at the origin, flat around it."""
    return np.exp(-(X * X).sum(-1) / (2 * BUMP_WIDTH**2))


REGRESSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"sine": _sine, "step": _step, "bump": _bump}
DIMENSIONS = (1, 2)


def target(name: str, X: np.ndarray) -> np.ndarray:
    """The noiseless target ``(m,)`` of regression ``name`` at the points ``X (m, 1 or 2)``."""
    if name not in REGRESSIONS:
        raise ValueError(f"unknown regression {name!r}; choose one of {', '.join(REGRESSIONS)}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] not in DIMENSIONS:
        raise ValueError(f"X must have shape (m, 1) or (m, 2), got {X.shape}")
    return REGRESSIONS[name](X)


def regression(
    name: str = "sine",
    dim: int = 1,
    n_train: int = 200,
    n_test: int = 1000,
    noise: float = 0.1,
    seed: int = 0,
    n_val: int = 0,
) -> Dataset:
    """The regression ``name`` (one of ``REGRESSIONS``) of ``dim`` inputs: ``X (n, dim)``
    uniform on [-1, 1], ``y (n,)`` float64 the target plus noise, for ``n_train`` training,
    ``n_test`` test and ``n_val`` validation points, reproducible from ``seed``."""
    if name not in REGRESSIONS:
        raise ValueError(f"unknown regression {name!r}; choose one of {', '.join(REGRESSIONS)}")
    dim = _whole("dim", dim, 1, 2)
    n_train = _whole("n_train", n_train, *N_TRAIN_RANGE)
    n_test = _whole("n_test", n_test, *N_TEST_RANGE)
    n_val = _whole("n_val", n_val, *N_VAL_RANGE)
    seed = _whole("seed", seed, 0, 2**32 - 1)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.number)):
        raise ValueError(f"noise must be a number, got {noise!r}")
    if not 0.0 <= float(noise) <= NOISE_MAX:
        raise ValueError(f"noise must be between 0 and {NOISE_MAX}, got {noise!r}")
    rng = np.random.default_rng(seed)
    sets: list[np.ndarray] = []
    for n in (n_train, n_test, n_val):
        if n == 0:  # no validation set: nothing drawn
            sets += [np.zeros((0, dim)), np.zeros(0)]
            continue
        X = rng.uniform(-1.0, 1.0, (n, dim))
        sets += [X, REGRESSIONS[name](X) + float(noise) * rng.standard_normal(n)]
    return Dataset(*sets)
