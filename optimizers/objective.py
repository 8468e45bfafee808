"""What the optimizer minimises: the ``Objective`` contract that surfaces and networks meet,
and an objective plus an L1/L2 penalty.

Conventions (the seeds' and torch's): ``l1 * |w|_1`` with subgradient ``l1 * sign(w)`` (0 at
0); ``(l2 / 2) * |w|_2^2`` with gradient ``l2 * w`` (weight decay).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Objective(Protocol):
    """What simulate() needs of what it minimises: a 2-D surface (``surfaces.Surface``) or a
    network's loss over its flat parameters (``networks.Network``).

    Points are ``(N, D)`` arrays, one trajectory a row (``D = dim``, 2 on a surface).
    ``value(P)`` is ``(N,)``, ``grad(P)`` is ``(N, D)``. A trajectory is diverged once a
    coordinate is more than ``divergence_limit`` away from ``center`` (``(D,)``), or, where
    the objective is not ``defined_everywhere``, once its value is not finite.
    """

    dim: int
    defined_everywhere: bool
    center: np.ndarray
    divergence_limit: float

    def value(self, P: np.ndarray) -> np.ndarray: ...

    def grad(self, P: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class ObjectiveWithHessian(Objective, Protocol):
    """An objective whose Hessian ``(N, D, D)`` is known (a surface): what Newton's method and
    conjugate gradient's exact line search read."""

    def hessian(self, P: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class TrainingObjective(Objective, Protocol):
    """An objective measured on a training set of ``n_train`` examples (a network): its
    gradient on a minibatch (the rows ``batch``), ``evaluate(P)``: the loss ``"loss"`` and
    the ``metric_names`` (``(N,)`` each) that simulate records, and ``weight_mask`` ``(D,)``:
    the coordinates an L1/L2 penalty applies to (the weights, not the biases). A network with
    ``dropout`` > 0 also has ``dropout_masks(rng, n_points)`` and ``grad(P, batch, masks)``."""

    n_train: int
    metric_names: tuple[str, ...]
    weight_mask: np.ndarray

    def grad(self, P: np.ndarray, batch: Any = None) -> np.ndarray: ...

    def evaluate(self, P: np.ndarray) -> dict[str, np.ndarray]: ...


_TRAINS_ON_DATA: dict[type, bool] = {}


def trains_on_data(objective: Objective) -> bool:
    """Whether ``objective`` is a TrainingObjective, decided once per class: the structural
    check reads every member of the protocol (~25 us, the cost of a short run's setup)."""
    kind = type(objective)
    if kind not in _TRAINS_ON_DATA:
        _TRAINS_ON_DATA[kind] = isinstance(objective, TrainingObjective)
    return _TRAINS_ON_DATA[kind]


def penalty(P: np.ndarray, l1: Any = 0.0, l2: Any = 0.0) -> np.ndarray:
    """``l1 |w|_1 + (l2 / 2) |w|_2^2`` for ``P`` of shape ``(..., 2)``; ``l1``, ``l2`` scalars
    or one value per trajectory."""
    l1, l2 = np.ravel(l1), np.ravel(l2)
    return l1 * np.abs(P).sum(-1) + (l2 / 2) * (P * P).sum(-1)


class Penalized:
    """An objective plus the L1/L2 penalty, itself an Objective (value, grad, hessian).

    With ``include_l1=False`` the L1 term is left to a proximal step
    (``projections.soft_threshold``). ``mask`` (``(D,)`` booleans, or None for every
    coordinate) says which coordinates are penalised: a network's weights but not its biases.
    ``l1_each``/``l2_each`` are the strengths per coordinate (0 where not penalised), for the
    gradient and the proximal step.
    """

    def __init__(self, objective: Objective, l1, l2, include_l1: bool = True, mask: np.ndarray | None = None):
        self.base, self.l1, self.l2 = objective, l1, l2
        self.include_l1 = include_l1
        self.mask = mask
        self.l1_each = l1 if mask is None else l1 * mask
        self.l2_each = l2 if mask is None else l2 * mask
        self.defined_everywhere = objective.defined_everywhere
        self.dim, self.center = objective.dim, objective.center
        self.divergence_limit = objective.divergence_limit

    def penalty(self, P: np.ndarray) -> np.ndarray:
        return penalty(P if self.mask is None else P * self.mask, self.l1, self.l2)

    def value(self, P: np.ndarray) -> np.ndarray:
        masked = P if self.mask is None else P * self.mask
        return self.base.value(P) + penalty(masked, self.l1 if self.include_l1 else 0.0, self.l2)

    def grad(self, P: np.ndarray, batch: Any = None, masks: Any = None) -> np.ndarray:
        """The gradient; a network's on the rows ``batch`` of its training set and with the
        dropout ``masks`` of a training step if given."""
        extra = {key: value for key, value in (("batch", batch), ("masks", masks)) if value is not None}
        g = self.base.grad(P, **extra) + self.l2_each * P
        return g + self.l1_each * np.sign(P) if self.include_l1 else g

    def hessian(self, P: np.ndarray) -> np.ndarray:
        return self.base.hessian(P) + np.asarray(self.l2)[..., None] * np.eye(2)


def min_norm_subgradient(P: np.ndarray, smooth: np.ndarray, l1: Any) -> np.ndarray:
    """The minimum-norm element of ``smooth + l1 * d|w|_1`` at ``P``: at ``w_i = 0`` the
    subdifferential of ``|w_i|`` is ``[-1, 1]``, so only the excess of ``|smooth_i|`` over
    ``l1`` counts."""
    excess = np.sign(smooth) * np.maximum(np.abs(smooth) - l1, 0.0)
    return np.where(P == 0, excess, smooth + l1 * np.sign(P))
