"""Toy classification data sets in the plane, generated with NumPy from a seed (no sklearn).

Each generator draws ``n`` points with balanced labels (``y = i mod classes``, then shuffled)
and adds Gaussian noise of standard deviation ``noise`` to both coordinates. Training, test
and validation points come from the same generator and the same ``default_rng(seed)``:
training first, then test, then validation, so a larger test set never changes the training
set and a validation set (``n_val > 0``) changes neither. The three sets are separate draws,
disjoint: early stopping chooses on the validation set, and the test set stays unseen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

N_TRAIN_RANGE = (4, 5_000)
N_TEST_RANGE = (1, 20_000)
N_VAL_RANGE = (0, 20_000)
NOISE_MAX = 2.0


def _none(width: int = 2) -> np.ndarray:
    return np.zeros((0, width))


class Dataset(NamedTuple):
    """Points ``X (n, 2)`` float64 with labels ``y (n,)`` int64 in ``0 .. classes - 1``, a
    test set drawn from the same distribution, and a validation set (empty unless asked for)."""

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray = _none()
    y_val: np.ndarray = np.zeros(0, dtype=np.int64)

    @property
    def classes(self) -> int:
        return int(max(np.asarray(y).max(initial=0) for y in (self.y, self.y_test, self.y_val))) + 1


def _labels(rng: np.random.Generator, n: int, classes: int) -> np.ndarray:
    return rng.permutation(np.arange(n) % classes).astype(np.int64)


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (sklearn's make_moons shape, centred on the origin)."""
    y = _labels(rng, n, 2)
    t = rng.uniform(0.0, math.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], -1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], -1)
    return np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25], y


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A disc of radius 0.5 inside a ring of radius 1: no straight line separates them."""
    y = _labels(rng, n, 2)
    t = rng.uniform(0.0, 2 * math.pi, n)
    radius = np.where(y == 0, 1.0, 0.5)
    return radius[:, None] * np.stack([np.cos(t), np.sin(t)], -1), y


def _spirals(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of one turn each, from radius 0.2 to 2.4: the arms lie 1.1 apart,
    so at the page's default noise (0.2) they stay spirals, which a network of two layers of 16
    units separates and one of two units cannot (tests/test_networks.py). One and a half turns
    of radius 1.2 were a cloud at that noise, and a plateau for tanh networks even without it."""
    y = _labels(rng, n, 2)
    s = np.sqrt(rng.uniform(0.0, 1.0, n))  # uniform along the arms' length
    angle = 2 * math.pi * s + math.pi * y
    radius = 0.2 + 2.2 * s
    return radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], -1), y


def _xor(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Four squares of the plane, opposite ones alike: the classic not linearly separable set."""
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.1  # a margin around the axes before noise
    return X, ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)


BLOB_CENTERS = np.array([[math.cos(a), math.sin(a)] for a in np.deg2rad([90.0, 210.0, 330.0])])


def _blobs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs of standard deviation 0.3 around the corners of a triangle."""
    y = _labels(rng, n, len(BLOB_CENTERS))
    return BLOB_CENTERS[y] + 0.3 * rng.standard_normal((n, 2)), y


Generator = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]
DATASETS: dict[str, Generator] = {
    "moons": _moons,
    "circles": _circles,
    "spirals": _spirals,
    "xor": _xor,
    "blobs": _blobs,
}


def _whole(name: str, value: Any, low: int, high: int) -> int:
    whole = isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}")
    return int(value)


def dataset(
    name: str = "moons",
    n_train: int = 200,
    n_test: int = 1000,
    noise: float = 0.2,
    seed: int = 0,
    n_val: int = 0,
) -> Dataset:
    """The data set ``name`` (one of ``DATASETS``) with ``n_train`` training, ``n_test`` test and
    ``n_val`` validation points, Gaussian ``noise`` on the coordinates, reproducible from
    ``seed``. The validation points are drawn last: training and test sets are the same
    whatever ``n_val`` is."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    n_train = _whole("n_train", n_train, *N_TRAIN_RANGE)
    n_test = _whole("n_test", n_test, *N_TEST_RANGE)
    n_val = _whole("n_val", n_val, *N_VAL_RANGE)
    seed = _whole("seed", seed, 0, 2**32 - 1)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.number)):
        raise ValueError(f"noise must be a number, got {noise!r}")
    if not 0.0 <= float(noise) <= NOISE_MAX:
        raise ValueError(f"noise must be between 0 and {NOISE_MAX}, got {noise!r}")
    rng = np.random.default_rng(seed)
    sets = []
    for n in (n_train, n_test, n_val):
        if n == 0:  # no validation set: nothing drawn, the generator's state as before
            sets += [_none(), np.zeros(0, dtype=np.int64)]
            continue
        X, y = DATASETS[name](rng, n)
        sets += [X + float(noise) * rng.standard_normal((n, 2)), y]
    return Dataset(*sets)
