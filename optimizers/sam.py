r"""Sharpness-aware minimization (Foret, Kleiner, Mobahi and Neyshabur, 2021, "Sharpness-aware
minimization for efficiently improving generalization", algorithm 1), with plain gradient
descent as its base optimizer. torch.optim has no SAM: the rule is stated here and
tests/test_research.py checks it against a direct implementation.

.. math:: \epsilon_t = \rho\, \frac{g_t}{\lVert g_t \rVert_2}, \qquad
          \theta_t = \theta_{t-1} - \eta\, \nabla J(\theta_{t-1} + \epsilon_t)

``g_t`` is the gradient the step is given (after noise and clipping, with the penalty), and the
second gradient is the objective's own at the perturbed point, penalty included. A zero
gradient perturbs nothing. On minibatches the engine hands an optimizer no batch: the second
gradient is then the full-batch one (Foret et al. take both on the same minibatch), so the
lessons run SAM on full batches.
"""

from __future__ import annotations

import numpy as np

from optimizers.base import NON_NEGATIVE, POSITIVE, Optimizer


def _no_state(P: np.ndarray) -> tuple[()]:
    return ()


def sam_update(P, g, state, t, hp, surface):
    r"""SAM: the gradient at the point ``radius`` (ρ) away along the normalized gradient, then a
    gradient-descent step from the current point with it.

    .. math:: \epsilon_t = \rho\, g_t / \lVert g_t \rVert_2, \qquad
              \theta_t = \theta_{t-1} - \eta\, \nabla J(\theta_{t-1} + \epsilon_t)
    """
    norm = np.sqrt(np.einsum("nd,nd->n", g, g))[:, None]
    epsilon = hp["radius"] * np.divide(g, norm, out=np.zeros_like(g), where=norm > 0)
    return P - hp["lr"] * surface.grad(P + epsilon), state


SAM = Optimizer(
    "sam", _no_state, sam_update, {"lr": 1e-3, "radius": 0.05}, {"lr": POSITIVE, "radius": NON_NEGATIVE}
)

FAMILY = (SAM,)  # registered after the others (optimizers/registry.py)
