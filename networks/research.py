"""Research results on the engine's own networks, computed live (the lessons 30 and on).

- Goodfellow, Vinyals and Saxe (2015), "Qualitatively characterizing neural network
  optimization problems", figure 1: the loss on the straight line from the initial to the
  trained parameters. :func:`line_from_start` gives it with how far it ever rises above the
  lowest loss met before (0 for a line that falls all the way) and where.
- Belkin, Hsu, Ma and Mandal (2019), "Reconciling modern machine-learning practice and the
  classical bias-variance trade-off", figure 2: minimum-norm least squares on p random
  features; the test error peaks where p equals the number of training points n and falls
  again beyond it. :func:`double_descent`.
- Li, Xu, Taylor, Studer and Goldstein (2018), "Visualizing the loss landscape of neural nets",
  section 4: multiplying a ReLU layer's weights and biases by c > 0 and the next layer's
  weights by 1/c leaves the function, and so the loss, unchanged, but changes the curvature
  of a slice along an unnormalized random direction; along a filter-normalized direction the
  slice is the same. :func:`rescaled`, :func:`slice_curvature`, :func:`rescaling_slices`.

No Streamlit here; every number is computed from the network's exact losses, gradients and
Hessian-vector products.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np

from networks.landscape import _filter_normalized, interpolate
from networks.network import Network

LINE_POINTS = 101  # alpha = 0, 0.01, ..., 1


class LineProfile(NamedTuple):
    """The training loss at ``(1 - alpha) start + alpha end`` for ``alphas`` in [0, 1]."""

    alphas: np.ndarray
    loss: np.ndarray
    rise: float  # the largest rise of the loss above the lowest loss at any smaller alpha
    rise_at: float  # the alpha where that rise is reached (0 when there is none)
    lowest_at: float  # the alpha of the lowest loss on the line


def rise_above_lowest(loss: Any) -> np.ndarray:
    """Each point's loss minus the lowest loss at it or before it: all 0 for a line whose
    loss never rises (monotone non-increasing), else how far it has climbed back."""
    loss = np.asarray(loss, dtype=np.float64)
    return loss - np.minimum.accumulate(loss)


def line_from_start(net: Network, start: Any, end: Any, points: int = LINE_POINTS) -> LineProfile:
    """Goodfellow et al.'s line from ``start`` to ``end`` at ``points`` evenly spaced alphas."""
    if points < 2:
        raise ValueError("a line needs at least 2 points")
    alphas = np.linspace(0.0, 1.0, points)
    loss = interpolate(net, start, end, alphas)
    rises = rise_above_lowest(loss)
    top = int(np.argmax(rises))
    rise = float(rises[top])
    return LineProfile(
        alphas, loss, rise, float(alphas[top]) if rise > 0 else 0.0, float(alphas[np.argmin(loss)])
    )


# ---------------------------------------------------------------- Li et al.: rescaling


def rescaled(net: Network, theta: Any, layer: int, c: float) -> np.ndarray:
    """``theta (D,)`` with hidden layer ``layer``'s weights and biases times ``c`` and the next
    layer's weights times ``1 / c``: the same function for ReLU units (relu(c z) = c relu(z) for
    c > 0), so the same loss everywhere on the data."""
    if net.activation != "relu":
        raise ValueError("rescaling leaves the function unchanged only for ReLU units")
    if net.batch_norm:
        raise ValueError("rescaling is defined here for networks without batch normalization")
    if not 0 <= layer < len(net.hidden):
        raise ValueError(f"layer must be a hidden layer, 0 to {len(net.hidden) - 1}")
    if not np.isfinite(c) or c <= 0:
        raise ValueError("c must be a positive number")
    out = np.array(theta, dtype=np.float64)
    if out.shape != (net.dim,):
        raise ValueError(f"theta must be one parameter vector of length {net.dim}")
    w, _, end = net.offsets[layer]
    out[w:end] *= c  # W_l and b_l
    w_next, b_next, _ = net.offsets[layer + 1]
    out[w_next:b_next] /= c  # W_{l+1} only: its bias sees the unchanged output
    return out


def gaussian_direction(net: Network, seed: int, length: float = 1.0) -> np.ndarray:
    """An unnormalized random direction of norm ``length``: standard normal numbers on the
    weights (biases 0, as in the filter-normalized direction), scaled as a whole, the same
    vector whatever the parameters are."""
    d = np.zeros(net.dim)
    d[net.weight_mask] = np.random.default_rng(seed).standard_normal(int(net.weight_mask.sum()))
    return d * (length / np.linalg.norm(d))


def filter_direction(net: Network, theta: Any, seed: int) -> np.ndarray:
    """Li et al.'s filter-normalized direction at ``theta`` from ``seed``: the Gaussian
    direction with each unit's incoming weights scaled to the norm of that unit's weights."""
    return _filter_normalized(net, np.asarray(theta, dtype=np.float64), np.random.default_rng(seed))


def slice_curvature(net: Network, theta: Any, d: Any) -> float:
    """The second derivative of the loss along ``theta + a d`` at a = 0: d^T H d, exact."""
    theta, d = np.asarray(theta, dtype=np.float64), np.asarray(d, dtype=np.float64)
    return float(d @ net.hvp(theta, d)[0])


class RescalingSlices(NamedTuple):
    """For each factor c (``factors``): the loss at the rescaled point, and the loss along and
    the curvature of its slices ``theta_c + a d`` at ``offsets`` (``plain``: one Gaussian
    direction for every c, ``filtered``: the filter-normalized one at theta_c)."""

    factors: np.ndarray
    offsets: np.ndarray
    loss: np.ndarray  # (C,)
    plain: np.ndarray  # (C, A)
    filtered: np.ndarray  # (C, A)
    plain_curvature: np.ndarray  # (C,)
    filtered_curvature: np.ndarray  # (C,)


def rescaling_slices(
    net: Network, theta: Any, factors: Any, layer: int = 0, seed: int = 0, offsets: Any = None
) -> RescalingSlices:
    """Li et al.'s point on one trained network: rescale hidden layer ``layer`` by each c."""
    factors = np.asarray(factors, dtype=np.float64)
    offsets = np.linspace(-1.0, 1.0, 41) if offsets is None else np.asarray(offsets, dtype=np.float64)
    # The unnormalized direction: one fixed vector, as long as the filter-normalized direction
    # of the network as given (c = 1), so that both slices start on the same scale.
    plain_d = gaussian_direction(net, seed, float(np.linalg.norm(filter_direction(net, theta, seed))))
    points = [rescaled(net, theta, layer, float(c)) for c in factors]
    loss = net.value(np.stack(points))
    plain, filtered, plain_k, filtered_k = [], [], [], []
    for p in points:
        f = filter_direction(net, p, seed)
        for d, curve, curvature in ((plain_d, plain, plain_k), (f, filtered, filtered_k)):
            curve.append(net.value(p + offsets[:, None] * d))
            curvature.append(slice_curvature(net, p, d))
    return RescalingSlices(
        factors, offsets, loss, np.array(plain), np.array(filtered), np.array(plain_k), np.array(filtered_k)
    )


# ---------------------------------------------------------------- the lessons' numbers

RESCALING_FACTORS = (0.2, 1.0, 5.0)  # c for the first hidden layer, 1/c for the second's weights


def lesson_lines(results: Any) -> list[LineProfile]:
    """Lesson 30: the line from the start to the end of every run of the lesson's trained
    scenes (``results``: ui.network_scene.Result, one per scene), in the order they are drawn."""
    return [line_from_start(r.net, r.start, t.run.final[0]) for r in results for t in r.trained]


def lesson_rescaling(net: Network, theta: Any) -> RescalingSlices:
    """Lesson 31: the trained network ``theta`` rescaled by each of RESCALING_FACTORS."""
    return rescaling_slices(net, theta, RESCALING_FACTORS, layer=0, seed=0)


# ---------------------------------------------------------------- Belkin et al.: double descent


def feature_counts(n: int, top: int = 4) -> np.ndarray:
    """The numbers of random features p: every one up to 2n (the peak is at p = n), then every
    fourth up to ``top`` n."""
    return np.unique(np.concatenate([np.arange(1, 2 * n + 1), np.arange(2 * n, top * n + 1, 4)]))


class DoubleDescent(NamedTuple):
    """Minimum-norm least squares on p random ReLU features of the ``n`` training points, for
    each p of ``features``: the median over ``draws`` feature draws of the test and training
    mean squared errors, and each draw's own (``test_draws`` (draws, P))."""

    n: int
    features: np.ndarray
    test: np.ndarray
    train: np.ndarray
    test_draws: np.ndarray


def double_descent(data: Any, seed: int = 0, draws: int = 10, bias: float = 0.5) -> DoubleDescent:
    """Belkin, Hsu, Ma and Mandal (2019), figure 2's experiment on a two-class ``data`` set
    (networks.data.Dataset): targets y = ±1, features relu(v·x + b) with v ~ N(0, I) and
    b ~ N(0, bias²) drawn from ``seed``, weights w = pinv(F) y: the least-squares fit when
    p < n and, when p >= n, the interpolating fit of least norm. All draws of one p in one
    batched pseudo-inverse."""
    n = len(data.y)
    y, y_test = 2.0 * data.y - 1.0, 2.0 * data.y_test - 1.0
    features = feature_counts(n)
    top = int(features[-1])
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((draws, 2, top))
    b = bias * rng.standard_normal((draws, 1, top))
    F = np.maximum(data.X @ V + b, 0.0)  # (draws, n, top)
    F_test = np.maximum(data.X_test @ V + b, 0.0)  # (draws, test, top)
    test_error = np.empty((draws, len(features)))
    train_error = np.empty((draws, len(features)))
    for i, p in enumerate(features):
        w = np.linalg.pinv(F[:, :, :p]) @ y  # (draws, p)
        test_error[:, i] = np.mean((np.einsum("dmp,dp->dm", F_test[:, :, :p], w) - y_test) ** 2, -1)
        train_error[:, i] = np.mean((np.einsum("dmp,dp->dm", F[:, :, :p], w) - y) ** 2, -1)
    return DoubleDescent(n, features, np.median(test_error, 0), np.median(train_error, 0), test_error)


@functools.lru_cache(maxsize=8)
def lesson_double_descent(net: Network) -> DoubleDescent:
    """Lesson 32: the double descent on the training and test points of the lesson's scene (its
    network's data: the Network page's moons with 40 points), features from seed 0. Cached per
    network (the page's scenes are trained once per process): the chart in each language and
    the question read the same numbers. Shared: do not change them."""
    return double_descent(net.data, seed=0)


# ---------------------------------------------------------------- Lewkowycz et al.: the catapult


class Catapult(NamedTuple):
    """Gradient descent at ``lr`` on a wide two-layer ReLU network with the squared loss: the loss
    and the top eigenvalue of the neural tangent kernel (over n) at every step; ``lam0`` at the start."""

    lr: float
    lam0: float
    loss: np.ndarray  # (steps + 1,), NaN after a divergence
    curvature: np.ndarray  # (steps + 1,)


def _ntk_top(X: np.ndarray, U: np.ndarray, v: np.ndarray) -> float:
    """The top eigenvalue of J J^T / n, J the Jacobian of the outputs f(x_i) = v·relu(U x_i)/sqrt(m)
    in (U, v): the nonzero spectrum of the Gauss-Newton part J^T J / n of the Hessian of the loss
    (1/2n) sum (f(x_i) - y_i)^2, its top eigenvalue lambda (Lewkowycz et al.'s lambda_t)."""
    m, n = len(v), len(X)
    Z = X @ U.T
    A, G = np.maximum(Z, 0.0), (Z > 0) * v
    return float(np.linalg.eigvalsh((A @ A.T + (G @ G.T) * (X @ X.T)) / (m * n))[-1])


def catapult(
    data: Any, factor: float, width: int = 512, steps: int = 300, seed: int = 0, limit: float = 1e6
) -> Catapult:
    """Lewkowycz, Bahri, Dyer, Sohl-Dickstein and Gur-Ari (2020), "The large learning rate phase
    of deep learning: the catapult mechanism": full-batch gradient descent with lr = factor *
    2 / lambda_0 on f(x) = v·relu(U x)/sqrt(width) (U, v standard normal from ``seed``; their
    NTK parameterization) with targets y = ±1 of ``data`` and the loss (1/2n) sum (f - y)^2. A
    loss above ``limit`` counts as diverged: the rest of the records are NaN."""
    X, y = np.asarray(data.X, dtype=np.float64), 2.0 * np.asarray(data.y) - 1.0
    n = len(X)
    rng = np.random.default_rng(seed)
    U, v = rng.standard_normal((width, X.shape[1])), rng.standard_normal(width)
    lam0 = _ntk_top(X, U, v)
    lr = factor * 2.0 / lam0
    loss, curvature = np.full(steps + 1, np.nan), np.full(steps + 1, np.nan)
    root = np.sqrt(width)
    for t in range(steps + 1):
        Z = X @ U.T
        A = np.maximum(Z, 0.0)
        r = A @ v / root - y
        loss[t] = 0.5 * float(r @ r) / n
        if not loss[t] <= limit:
            loss[t] = np.nan
            break
        curvature[t] = _ntk_top(X, U, v)
        if t == steps:
            break
        grad_v = A.T @ r / (n * root)
        grad_U = ((r[:, None] * (Z > 0) * v).T @ X) / (n * root)
        v = v - lr * grad_v
        U = U - lr * grad_U
    return Catapult(lr, lam0, loss, curvature)


CATAPULT_FACTORS = (0.5, 1.5, 2.0)  # lr = factor * 2 / lambda_0: 1/lambda_0, 3/lambda_0, 4/lambda_0


@functools.lru_cache(maxsize=8)
def lesson_catapult(net: Network) -> tuple[Catapult, ...]:
    """Lesson 33: the catapult on the points of the lesson's scene (its network's training data),
    at each of CATAPULT_FACTORS, from seed 0. Cached per network like lesson_double_descent."""
    return tuple(catapult(net.data, factor) for factor in CATAPULT_FACTORS)


def catapult_outcome(run: Catapult, rise: float = 2.0) -> str:
    """``"diverges"`` (the loss passed the limit), ``"catapult"`` (it rose above ``rise`` times
    its start, then ended below its start) or ``"falls"`` (it never rose that far)."""
    if np.isnan(run.loss).any():
        return "diverges"
    if np.max(run.loss) > rise * run.loss[0]:
        return "catapult" if run.loss[-1] < run.loss[0] else "rises"
    return "falls"


# ---------------------------------------------------------------- Garipov et al.: a curve of low loss


class BezierPath(NamedTuple):
    """The straight line and the trained quadratic Bezier curve between two ends, each at
    ``ts``: ``line``, ``curve`` (training losses) and the curve's middle control point ``mid``."""

    ts: np.ndarray
    line: np.ndarray
    curve: np.ndarray
    mid: np.ndarray


def bezier_points(a: np.ndarray, mid: np.ndarray, b: np.ndarray, ts: Any) -> np.ndarray:
    """The points (1 - t)^2 a + 2 t (1 - t) mid + t^2 b, one row per t."""
    t = np.asarray(ts, dtype=np.float64)[:, None]
    return (1 - t) ** 2 * a + 2 * t * (1 - t) * mid + t**2 * b


def bezier_path(
    net: Network, a: Any, b: Any, steps: int = 300, samples: int = 8, lr: float = 0.03, seed: int = 0
) -> BezierPath:
    """Garipov, Izmailov, Podoprikhin, Vetrov and Wilson (2018), "Loss surfaces, mode
    connectivity, and fast ensembling of DNNs", figure 1 (Draxler et al., 2018, find such paths
    too): the ends a and b stay fixed and the middle control point, started at their mean, is
    trained to lower the loss averaged along the curve, E_{t ~ U(0, 1)} J(phi(t)): each step draws
    ``samples`` values of t, takes the gradient 2 t (1 - t) grad J(phi(t)) of each (all the
    curve's points in one batched evaluation) and their mean, and moves by Adam (torch's rule,
    betas 0.9 and 0.999, eps 1e-8) at rate ``lr``."""
    a, b = (np.asarray(v, dtype=np.float64) for v in (a, b))
    rng = np.random.default_rng(seed)
    mid = (a + b) / 2
    m, v = np.zeros_like(mid), np.zeros_like(mid)
    for step in range(1, steps + 1):
        t = rng.uniform(0.0, 1.0, samples)
        g = ((2 * t * (1 - t))[:, None] * net.grad(bezier_points(a, mid, b, t))).mean(0)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mid = mid - lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    ts = np.linspace(0.0, 1.0, 61)
    return BezierPath(ts, interpolate(net, a, b, ts), net.value(bezier_points(a, mid, b, ts)), mid)


def lesson_bezier(results: Any) -> BezierPath:
    """Lesson 35: the curve between the ends of the lesson's two trained scenes."""
    first, second = results[0], results[1]
    return bezier_path(first.net, first.trained[0].run.final[0], second.trained[0].run.final[0])
