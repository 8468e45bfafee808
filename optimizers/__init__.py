"""Optimizers as pure (init, update) pairs, and simulate() that runs them vectorized."""

from optimizers import heap
from optimizers.base import Optimizer
from optimizers.records import Run
from optimizers.registry import OPTIMIZERS, get_optimizer
from optimizers.simulation import simulate

heap.keep_freed_memory()  # large temporaries without page faults: see heap.py

__all__ = ["OPTIMIZERS", "Optimizer", "Run", "get_optimizer", "simulate"]
