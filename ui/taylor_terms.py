"""The two terms of a gradient step's second-order Taylor expansion along a network's run
(lecture notes 8.2.1 and their figure 8.1): a step of size eta from theta changes the loss by

    J(theta - eta g) - J(theta) ~ -eta g^T g + (eta^2 / 2) g^T H g,

the first-order decrease and the curvature term, with g the full-batch gradient and H g an
exact Hessian-vector product (networks.Network.hvp, not a finite difference). No Streamlit.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from networks import Network
from optimizers import Run


@dataclasses.dataclass(frozen=True)
class TaylorTerms:
    step: np.ndarray  # (R,) the run's recorded steps
    loss: np.ndarray  # (R,) full training loss
    grad_sq: np.ndarray  # (R,) g^T g
    curvature: np.ndarray  # (R,) g^T H g

    def share(self, lr: float) -> np.ndarray:
        """The curvature term over the first-order one, (eta^2/2) g^T H g / (eta g^T g): above 1 a
        step of size eta would raise the loss (to second order)."""
        return lr * self.curvature / (2 * self.grad_sq)


def taylor_terms(net: Network, run: Run, index: int = 0) -> TaylorTerms:
    """g^T g and g^T H g at every record of trajectory ``index`` of ``run`` on ``net``."""
    path = run.path[:, index]
    g = net.grad(path)
    product = net.hvp(path, g)
    return TaylorTerms(
        run.step.copy(),
        run.loss[:, index].copy(),
        np.einsum("ij,ij->i", g, g),
        np.einsum("ij,ij->i", g, product),
    )


def quarter_medians(values: np.ndarray) -> np.ndarray:
    """The median of each quarter of the records (the first quarter's records, the second's, ...):
    the trend of a noisy minibatch run."""
    n = len(values)
    edges = [round(n * k / 4) for k in range(5)]
    return np.array([np.median(values[a:b]) for a, b in itertools.pairwise(edges)])
