"""The minibatches a network trains on, in order."""

from __future__ import annotations

import numpy as np


class Minibatches:
    """The minibatch of each step, in order: one ``default_rng(seed)``; each epoch takes
    ``perm = rng.permutation(n)`` and its batches ``perm[i:i + m]`` (the last may be shorter)."""

    def __init__(self, n: int, m: int, seed: int):
        self.rng, self.n, self.m = np.random.default_rng(seed), n, m
        self.perm, self.i = np.arange(0), n

    def next(self) -> np.ndarray:
        if self.i >= self.n:
            self.perm, self.i = self.rng.permutation(self.n), 0
        batch = self.perm[self.i : self.i + self.m]
        self.i += self.m
        return batch
