r"""A small fully connected classifier as an objective: N networks' losses and gradients at once.

The parameters of one network are one flat vector in torch's ``nn.Sequential(Linear, act,
..., Linear)`` order: for each layer its weight ``(out, in)`` row-major, then its bias. The
loss is the mean cross-entropy of the softmax of the last layer (torch's ``cross_entropy``).
``theta`` of shape ``(N, D)`` holds N networks; every method works on all of them together,
one batched matrix product per layer (no Python loop over networks).

Backpropagation for a layer :math:`z_l = a_{l-1} W_l^\top + b_l,\ a_l = \phi(z_l)`:

.. math:: \delta_L = (\mathrm{softmax}(z_L) - Y)/n, \quad
          \nabla_{W_l} = \delta_l^\top a_{l-1}, \quad \nabla_{b_l} = \textstyle\sum_i \delta_{l,i},
          \quad \delta_{l-1} = (\delta_l W_l) \odot \phi'(z_{l-1})

and exact Hessian-vector products by differentiating these along a direction v (Pearlmutter,
1994): no finite differences anywhere.

With ``batch_norm=True`` each hidden layer is torch's ``Linear, BatchNorm1d, act``:
:math:`u_l = \gamma_l \hat z_l + \beta_l`, :math:`\hat z_l = (z_l - \mu_l)/\sqrt{\sigma_l^2 + \epsilon}`
with the mean and biased variance of the points evaluated (training mode, as torch's
``train()``), or of the whole training set (evaluation: test loss, accuracies, probabilities;
torch's ``eval()`` with those as running statistics). Its backward pass is

.. math:: \nabla_{z_l} = \frac{1}{\sqrt{\sigma_l^2 + \epsilon}}\big(g - \bar g
          - \hat z_l\, \overline{g \hat z_l}\big), \quad g = \gamma_l \nabla_{u_l}

(bars: means over the points), and the Hessian-vector products differentiate it too.
With ``loss="mse"`` the network regresses: one output unit, the loss torch's ``mse_loss``
(mean reduction) :math:`\frac1n \sum_i (z_{L,i} - y_i)^2` against real targets y, so
:math:`\delta_L = 2 (z_L - y) / n` and :math:`R\delta_L = 2 R z_L / n`.

Dropout (``dropout=p``) multiplies the hidden activations of a training step by a mask of
0 and 1 / (1 - p) (inverted dropout) that simulate() draws; evaluation uses no mask.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from networks.data import N_TRAIN_RANGE, Dataset

MAX_HIDDEN_LAYERS = 6
UNITS_RANGE = (1, 128)
MAX_NETWORKS = 100_000
INIT_SCHEMES = ("zeros", "normal", "glorot", "he")
# A network whose parameters leave this box (or whose loss is not finite) has diverged.
DIVERGENCE_LIMIT = 1e4
BATCH_NORM_EPS = 1e-5  # torch's BatchNorm1d default
DROPOUT_RANGE = (0.0, 0.9)
# The loss: classification (labels 0, 1, ...; torch's cross_entropy) or regression (real
# targets, one output; torch's mse_loss).
LOSSES = ("cross_entropy", "mse")
# Activations of one evaluation may take this much memory; more networks go in chunks,
# evaluated by as many threads as there are cores (NumPy releases the GIL inside each large
# operation: a 51 x 51 plane took 26 ms on two threads here, 44 ms on one).
CHUNK_BYTES = 48 * 2**20
THREADS = max(
    1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
)
_pool: concurrent.futures.ThreadPoolExecutor | None = None


def _map(work: Callable[[slice], Any], parts: list[slice]) -> list:
    """``work`` on every chunk: on the threads when there are several chunks."""
    global _pool
    if len(parts) < 2 or THREADS < 2:
        return [work(part) for part in parts]
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(THREADS, thread_name_prefix="networks")
    return list(_pool.map(work, parts))


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-z) = (1 + tanh(z / 2)) / 2, without overflow for very negative z.
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


# Each activation in place, and its first and second derivatives from its output a = phi(z).
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": _tanh,
    "relu": _relu,
    "sigmoid": _sigmoid,
}


def _first_derivative(activation: str, a: np.ndarray) -> np.ndarray:
    if activation == "tanh":
        return 1.0 - a * a
    if activation == "sigmoid":
        return a * (1.0 - a)
    return (a > 0).astype(np.float64)


def _second_derivative(activation: str, a: np.ndarray, first: np.ndarray) -> np.ndarray | None:
    if activation == "tanh":
        return -2.0 * a * first
    if activation == "sigmoid":
        return first * (1.0 - 2.0 * a)
    return None  # ReLU is piecewise linear: 0 wherever it is differentiable


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    """Over the classes, axis 1 of ``(N, classes, n)``: reductions across whole rows of n
    (numpy reduces a short last axis ~50x slower)."""
    shifted = logits - logits.max(1, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(1, keepdims=True))
    return shifted


def _argmax_classes(logits: np.ndarray) -> np.ndarray:
    """``(N, n)`` the first class of largest logit (torch's and numpy's argmax), over axis 1."""
    best, which = logits[:, 0], np.zeros(logits[:, 0].shape, dtype=np.int64)
    for c in range(1, logits.shape[1]):
        better = logits[:, c] > best
        which[better] = c
        best = np.maximum(best, logits[:, c])
    return which


def _batch_norm(
    z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, stats: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``gamma * (z - mean) / sqrt(var + eps) + beta`` over the points (the last axis of
    ``(N, units, n)``), with ``stats = (mean, 1 / sqrt(var + eps))`` or, when None, the mean and
    biased variance of ``z`` itself; also ``(z_hat, mean, 1 / sqrt(var + eps))``. Overwrites z."""
    if stats is None:
        mean = z.mean(-1, keepdims=True)
        z -= mean
        inverse_std = 1.0 / np.sqrt(np.mean(z * z, -1, keepdims=True) + BATCH_NORM_EPS)
    else:
        mean, inverse_std = stats
        z -= mean
    z *= inverse_std
    u = z * gamma[:, :, None]
    u += beta[:, :, None]
    return u, (z, mean, inverse_std)


def _batch_norm_backward(
    delta_u: np.ndarray, gamma: np.ndarray, z_hat: np.ndarray, inverse_std: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the loss's gradient at the normalized layer's output u (training mode): the
    gradients of gamma, of beta, and at its input z (the batch statistics depend on z too)."""
    d_gamma = (delta_u * z_hat).sum(-1)
    d_beta = delta_u.sum(-1)
    g = delta_u * gamma[:, :, None]
    delta_z = g - g.mean(-1, keepdims=True)
    delta_z -= z_hat * np.mean(g * z_hat, -1, keepdims=True)
    delta_z *= inverse_std
    return d_gamma, d_beta, delta_z


def _whole(name: str, value: Any, low: int, high: int) -> int:
    whole = isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}")
    return int(value)


def _checked_data(data: Dataset, regression: bool = False) -> Dataset:
    try:
        X, y, X_test, y_test, *validation = (np.asarray(a) for a in data)
    except (TypeError, ValueError):
        raise ValueError("data must be a Dataset (X, y, X_test, y_test), e.g. dataset('moons')") from None
    X_val, y_val = validation if len(validation) == 2 else (np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    if len(X_val) == 0 and X.ndim == 2:  # no validation set: empty, with the features of X
        X_val, y_val = np.zeros((0, X.shape[1])), np.zeros(0, dtype=np.int64)
    for name, points, labels in (("X", X, y), ("X_test", X_test, y_test), ("X_val", X_val, y_val)):
        if points.ndim != 2 or points.shape[1] < 1 or labels.shape != (points.shape[0],):
            raise ValueError(f"{name} must have shape (n, features) with one label per row")
        if not np.issubdtype(points.dtype, np.number) or not np.isfinite(points).all():
            raise ValueError(f"{name} must hold finite numbers")
        if regression:
            if not np.issubdtype(labels.dtype, np.number) or not np.isfinite(labels).all():
                raise ValueError("regression targets must be finite numbers")
        elif not np.issubdtype(labels.dtype, np.integer) or labels.min(initial=0) < 0:
            raise ValueError("labels must be whole numbers 0, 1, ... (real targets: loss='mse')")
    if X_test.shape[1] != X.shape[1] or X_val.shape[1] != X.shape[1]:
        raise ValueError("X, X_test and X_val must have the same number of features")
    if not N_TRAIN_RANGE[0] <= len(X) <= N_TRAIN_RANGE[1]:
        raise ValueError(
            f"the training set must have {N_TRAIN_RANGE[0]} to {N_TRAIN_RANGE[1]:,} points, got {len(X)}"
        )
    if len(X_test) == 0:
        raise ValueError("the test set must not be empty")
    as_float, as_int = np.float64, (np.float64 if regression else np.int64)
    return Dataset(
        X.astype(as_float),
        y.astype(as_int),
        X_test.astype(as_float),
        y_test.astype(as_int),
        X_val.astype(as_float),
        y_val.astype(as_int),
    )


class Network:
    """``hidden`` layers of units with ``activation``, then one logit per class of ``data``.

    An objective of simulate() trained on data (``optimizers.objective.TrainingObjective``):
    ``value``, ``grad`` (optionally on a minibatch), ``evaluate``/``metric_names`` for its
    records, ``weight_mask`` for its penalty, ``center``/``divergence_limit`` for its
    divergence test.
    """

    defined_everywhere = True  # the loss is finite wherever the parameters are

    def __init__(
        self,
        data: Dataset,
        hidden: Sequence[int] = (16, 16),
        activation: str = "tanh",
        batch_norm: bool = False,
        dropout: float = 0.0,
        loss: str = "cross_entropy",
    ):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if isinstance(hidden, (int, np.integer)):
            hidden = (hidden,)
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise ValueError(f"hidden must be a list of layer sizes, got {hidden!r}") from None
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
        hidden = tuple(_whole("a hidden layer's size", h, *UNITS_RANGE) for h in hidden)
        if not isinstance(batch_norm, (bool, np.bool_)):
            raise ValueError(f"batch_norm must be True or False, got {batch_norm!r}")
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float, np.number))
            or not DROPOUT_RANGE[0] <= dropout <= DROPOUT_RANGE[1]
        ):
            raise ValueError(f"dropout must be a probability from 0 to {DROPOUT_RANGE[1]}, got {dropout!r}")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        self.loss, self.regression = loss, loss == "mse"
        self.data = _checked_data(data, self.regression)
        self.hidden, self.activation = hidden, activation
        self.batch_norm, self.dropout = bool(batch_norm), float(dropout)
        # Classes of a classifier; 0 for a regression, whose one output is the prediction.
        self.classes = 0 if self.regression else max(2, self.data.classes)
        self.sizes = (self.data.X.shape[1], *hidden, 1 if self.regression else self.classes)
        self.shapes = list(zip(self.sizes[1:], self.sizes[:-1], strict=True))  # (out, in) per layer
        offsets, norm_offsets, start = [], [], 0
        for k, (out, inp) in enumerate(self.shapes):
            normalized = self.batch_norm and k < len(hidden)
            end = start + out * inp + out * (3 if normalized else 1)  # W, b (, gamma, beta)
            offsets.append((start, start + out * inp, end))
            norm_offsets.append(start + out * inp + out if normalized else None)
            start = end
        # (weight start, bias start, end) of each layer in the flat vector; with batch norm a
        # hidden layer's end includes its gamma and beta (torch's parameters() order), which
        # start at norm_offsets[k].
        self.offsets, self.norm_offsets = offsets, norm_offsets
        self.dim = start
        # Which flat parameters are weights (True) and which biases (False): the L1/L2 penalty
        # of the notes is on the weights only ("penalize the weights, not the biases").
        self.weight_mask = np.zeros(start, dtype=bool)
        for w, b, _ in offsets:
            self.weight_mask[w:b] = True
        self.n_train = len(self.data.X)
        self.center = np.zeros(self.dim)
        self.divergence_limit = DIVERGENCE_LIMIT
        # A regression has no accuracy: its losses only.
        self.metric_names = ("test_loss",) if self.regression else ("test_loss", "train_acc", "test_acc")
        if len(self.data.X_val):  # a validation set: its loss and accuracy too (early stopping)
            self.metric_names += ("val_loss",) if self.regression else ("val_loss", "val_acc")
        self._act = ACTIVATIONS[activation]

    def __repr__(self) -> str:
        shape = "-".join(map(str, self.sizes))
        extras = (
            ", mse" * self.regression
            + ", batch norm" * self.batch_norm
            + (f", dropout {self.dropout:g}" if self.dropout else "")
        )
        return f"Network({shape}, {self.activation}{extras}, D={self.dim})"

    # ------------------------------------------------------------ parameters

    def params(self, theta: Any) -> np.ndarray:
        """``theta`` as a float64 ``(N, D)`` array; ValueError for a wrong length."""
        array = np.asarray(theta, dtype=np.float64)
        if array.ndim == 1:
            array = array[None]
        if array.ndim != 2 or array.shape[1] != self.dim or array.shape[0] == 0:
            raise ValueError(
                f"parameters must have shape (N, {self.dim}) or ({self.dim},) for {self!r}, "
                f"got {np.shape(theta)}"
            )
        return array

    def _unpack(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        n = theta.shape[0]
        return [
            (theta[:, w:b].reshape(n, out, inp), theta[:, b : b + out])
            for (w, b, _), (out, inp) in zip(self.offsets, self.shapes, strict=True)
        ]

    def _norms(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Each layer's batch normalization ``(gamma (N, out), beta (N, out))``, or None."""
        return [
            None if g is None else (theta[:, g : g + out], theta[:, g + out : g + 2 * out])
            for g, (out, _) in zip(self.norm_offsets, self.shapes, strict=True)
        ]

    def layers(self, theta: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        """One network's ``[(W (out, in), b (out,)), ...]`` from its flat vector ``(D,)``."""
        vector = np.asarray(theta, dtype=np.float64)
        if vector.shape != (self.dim,):
            raise ValueError(
                f"layers takes one parameter vector of length {self.dim}, got shape {vector.shape}"
            )
        return [(W[0], b[0]) for W, b in self._unpack(vector[None])]

    def init(self, n: int = 1, seed: int = 0, scheme: str = "glorot", scale: float = 1.0) -> np.ndarray:
        """``(n, D)`` starting parameters, biases 0 (batch norm: gamma 1, beta 0), weights drawn
        from ``default_rng(seed)`` one network after the other: ``"normal"`` with standard
        deviation ``scale``; ``"glorot"`` (torch's ``xavier_normal_``, std
        sqrt(2 / (fan_in + fan_out))) and ``"he"`` (``kaiming_normal_`` for ReLU, std
        sqrt(2 / fan_in)) times ``scale``; ``"zeros"``."""
        n = _whole("n", n, 1, MAX_NETWORKS)
        seed = _whole("seed", seed, 0, 2**32 - 1)
        if scheme not in INIT_SCHEMES:
            raise ValueError(f"unknown initialization {scheme!r}; choose one of {', '.join(INIT_SCHEMES)}")
        if (
            isinstance(scale, bool)
            or not isinstance(scale, (int, float, np.number))
            or not math.isfinite(scale)
        ):
            raise ValueError(f"scale must be a finite number, got {scale!r}")
        if scale < 0:
            raise ValueError(f"scale must be >= 0, got {scale!r}")
        theta = np.zeros((n, self.dim))
        for g, (out, _) in zip(self.norm_offsets, self.shapes, strict=True):
            if g is not None:
                theta[:, g : g + out] = 1.0
        if scheme == "zeros":
            return theta
        stds = []
        for out, inp in self.shapes:
            std = {"normal": 1.0, "glorot": math.sqrt(2.0 / (inp + out)), "he": math.sqrt(2.0 / inp)}[scheme]
            stds.append(np.full(out * inp, scale * std))
        weights = np.concatenate([np.arange(w, b) for w, b, _ in self.offsets])
        theta[:, weights] = np.random.default_rng(seed).standard_normal((n, len(weights))) * np.concatenate(
            stds
        )
        return theta

    # ------------------------------------------------------------ evaluation

    def _chunks(self, n_networks: int, n_points: int) -> list[slice]:
        """Slices of the networks small enough for their activations to fit CHUNK_BYTES."""
        per_network = 8 * n_points * (sum(self.sizes) + 2 * max(self.sizes)) * (5 if self.batch_norm else 3)
        size = max(1, CHUNK_BYTES // THREADS // per_network)
        return [slice(i, i + size) for i in range(0, n_networks, size)]

    def _forward(
        self,
        theta: np.ndarray,
        X: np.ndarray,
        stats: list | None = None,
        masks: Sequence[np.ndarray] | None = None,
    ) -> tuple[list[np.ndarray], np.ndarray, list]:
        """The layers' inputs ``(N, units, n)`` (first ``X.T``, shared), the logits
        ``(N, classes, n)`` (one point per column, so per-point sums run along whole rows), and
        per hidden layer what its batch normalization kept (``(z_hat, mean, 1 / std)``, None
        without). ``stats``: the means and inverse standard deviations to normalize with
        (evaluation; None: those of X, training mode); ``masks``: dropout's ``(units, n)``."""
        layers, norms = self._unpack(theta), self._norms(theta)
        a = np.ascontiguousarray(X.T)
        inputs, kept = [a], []
        for k, (W, b) in enumerate(layers[:-1]):
            z = np.matmul(W, a)
            z += b[:, :, None]
            normalized = None
            if norms[k] is not None:
                z, normalized = _batch_norm(z, *norms[k], None if stats is None else stats[k][1:])
            a = self._act(z)
            if masks is not None:
                a = a * masks[k]  # the unmasked a stays in kept for the derivative
                normalized = (normalized, z)
            inputs.append(a)
            kept.append(normalized)
        W, b = layers[-1]
        logits = np.matmul(W, a)
        logits += b[:, :, None]
        return inputs, logits, kept

    def _statistics(self, theta: np.ndarray) -> list | None:
        """What evaluation normalizes with: each layer's batch statistics on the whole training
        set at ``theta`` (None without batch norm)."""
        return self._forward(theta, self.data.X)[2] if self.batch_norm else None

    def _losses(
        self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, evaluation: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Mean cross-entropy ``(N,)`` and accuracy ``(N,)`` on ``(X, y)`` (a regression: mean
        squared error, and NaN accuracy); ``evaluation``: batch norm with the training set's
        statistics (else those of X itself)."""
        loss, accuracy = np.empty(theta.shape[0]), np.full(theta.shape[0], np.nan)
        points = np.arange(len(y))

        def chunk(part: slice) -> None:
            stats = self._statistics(theta[part]) if evaluation else None
            logits = self._forward(theta[part], X, stats)[1]
            if self.regression:
                error = logits[:, 0] - y
                loss[part] = np.mean(error * error, -1)
                return
            loss[part] = -_log_softmax(logits)[:, y, points].mean(-1)
            accuracy[part] = (_argmax_classes(logits) == y).mean(-1)

        _map(chunk, self._chunks(theta.shape[0], max(len(y), self.n_train if evaluation else 0)))
        return loss, accuracy

    def value(self, theta: Any) -> np.ndarray:
        """``(N,)`` mean cross-entropy on the training set (with batch norm: normalized by the
        training set's statistics, which training and evaluation mode share there)."""
        data = self.data
        return self._losses(self.params(theta), data.X, data.y)[0]

    def test_value(self, theta: Any) -> np.ndarray:
        """``(N,)`` mean cross-entropy on the test set."""
        data = self.data
        return self._losses(self.params(theta), data.X_test, data.y_test, evaluation=True)[0]

    def evaluate(self, theta: Any) -> dict[str, np.ndarray]:
        """``(N,)`` each: the training loss ``"loss"`` and the ``metric_names`` (test loss, training
        and test accuracy; validation loss and accuracy when the data has a validation set),
        one pass over each set: what simulate records."""
        theta, data = self.params(theta), self.data
        loss, train_acc = self._losses(theta, data.X, data.y)
        test_loss, test_acc = self._losses(theta, data.X_test, data.y_test, evaluation=True)
        out = {"loss": loss, "test_loss": test_loss, "train_acc": train_acc, "test_acc": test_acc}
        if len(data.X_val):
            out["val_loss"], out["val_acc"] = self._losses(theta, data.X_val, data.y_val, evaluation=True)
        return {name: out[name] for name in ("loss", *self.metric_names)}

    def predict_proba(self, theta: Any, X: Any) -> np.ndarray:
        """``(N, len(X), classes)`` class probabilities of each network at the points ``X``
        (evaluation: batch norm with the training set's statistics)."""
        if self.regression:
            raise ValueError("a regression network has no class probabilities: use predict")
        theta, X = self.params(theta), self._points(X)
        out = np.empty((theta.shape[0], len(X), self.classes))
        for part in self._chunks(theta.shape[0], max(len(X), self.n_train if self.batch_norm else 0)):
            logits = self._forward(theta[part], X, self._statistics(theta[part]))[1]
            out[part] = np.exp(_log_softmax(logits)).transpose(0, 2, 1)
        return out

    def _points(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (m, {self.sizes[0]}), got {X.shape}")
        return X

    def predict(self, theta: Any, X: Any) -> np.ndarray:
        """``(N, len(X))`` a regression network's predictions at the points ``X`` (evaluation:
        batch norm with the training set's statistics)."""
        if not self.regression:
            raise ValueError("predict is a regression's output: a classifier has predict_proba")
        theta, X = self.params(theta), self._points(X)
        out = np.empty((theta.shape[0], len(X)))
        for part in self._chunks(theta.shape[0], max(len(X), self.n_train if self.batch_norm else 0)):
            out[part] = self._forward(theta[part], X, self._statistics(theta[part]))[1][:, 0]
        return out

    def unit_outputs(self, theta: Any, X: Any) -> list[np.ndarray]:
        """What every hidden unit computes: per hidden layer ``(N, units, len(X))``, each unit's
        output (after its activation) at the points ``X``, in evaluation (batch norm with the
        training set's statistics, no dropout): what the next layer combines."""
        theta, X = self.params(theta), self._points(X)
        inputs = self._forward(theta, X, self._statistics(theta))[0]
        return [np.array(a, copy=True) for a in inputs[1:]]

    def _output_error(self, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The loss's gradient at the outputs ``(N, outputs, n)``: (softmax - one-hot) / n, or
        2 (prediction - target) / n for the mean squared error. Overwrites logits."""
        if self.regression:
            logits -= y
            logits *= 2.0 / len(y)
            return logits
        delta = np.exp(_log_softmax(logits))
        delta[:, y, np.arange(len(y))] -= 1.0
        delta /= len(y)
        return delta

    def _batch(self, batch: Any) -> tuple[np.ndarray, np.ndarray]:
        data = self.data
        if batch is None:
            return data.X, data.y
        idx = np.asarray(batch)
        if idx.ndim != 1 or len(idx) == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError("batch must be a non-empty 1-D array of row numbers of the training set")
        if idx.min() < 0 or idx.max() >= self.n_train:
            raise ValueError(f"batch rows must be in 0 .. {self.n_train - 1}")
        return data.X[idx], data.y[idx]

    def dropout_masks(self, rng: np.random.Generator, n_points: int) -> list[np.ndarray] | None:
        """One training step's dropout masks ``(units, n_points)`` per hidden layer, drawn from
        ``rng``: each unit of each point kept with probability 1 - p and then scaled by
        1 / (1 - p) (inverted dropout), shared by all networks of a call; None without dropout."""
        if not self.dropout:
            return None
        keep = 1.0 - self.dropout
        return [(rng.random((units, n_points)) < keep) / keep for units in self.hidden]

    def _backward(self, theta, inputs, kept, delta, masks=None) -> list[np.ndarray]:
        """The gradient pieces (each layer's W, b, then gamma and beta with batch norm,
        flattened) from the output error ``delta`` (``kept``, ``masks``: as _forward's)."""
        layers, norms = self._unpack(theta), self._norms(theta)
        pieces = []
        for k in range(len(layers) - 1, -1, -1):
            a = inputs[k]
            grad_W = np.matmul(delta, a.swapaxes(-1, -2))
            pieces += [delta.sum(-1), grad_W.reshape(len(delta), -1)]
            if k:
                delta = np.matmul(layers[k][0].transpose(0, 2, 1), delta)
                normalized = kept[k - 1]
                if masks is not None:
                    normalized, unmasked = normalized
                    delta *= masks[k - 1]
                    delta *= _first_derivative(self.activation, unmasked)
                else:
                    delta *= _first_derivative(self.activation, a)
                if normalized is not None:
                    z_hat, _, inverse_std = normalized
                    d_gamma, d_beta, delta = _batch_norm_backward(delta, norms[k - 1][0], z_hat, inverse_std)
                    pieces += [d_beta, d_gamma]
        return pieces[::-1]

    def grad(self, theta: Any, batch: Any = None, masks: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """``(N, D)`` gradient of the mean cross-entropy on the training set, or on its rows
        ``batch`` (a minibatch; batch norm in training mode: that batch's statistics), or of
        the mean squared error for a regression;
        ``masks``: a training step's dropout masks (``dropout_masks``), None for none."""
        theta = self.params(theta)
        X, y = self._batch(batch)
        if masks is not None and (
            len(masks) != len(self.hidden)
            or any(np.shape(m) != (units, len(y)) for m, units in zip(masks, self.hidden, strict=False))
        ):
            raise ValueError("masks must be one (units, batch size) array per hidden layer")
        out = np.empty_like(theta)
        for part in self._chunks(theta.shape[0], len(y)):
            inputs, logits, kept = self._forward(theta[part], X, masks=masks)
            delta = self._output_error(logits, y)
            out[part] = np.concatenate(self._backward(theta[part], inputs, kept, delta, masks), axis=1)
        return out

    def hvp(self, theta: Any, v: Any) -> np.ndarray:
        """``(N, D)`` exact products of each network's Hessian of the training loss with ``v``
        (R-operator of the forward and backward passes, Pearlmutter 1994; batch norm in
        training mode, its statistics differentiated too)."""
        theta, v = self.params(theta), self.params(v)
        if v.shape != theta.shape:
            raise ValueError(f"v must have the shape of theta {theta.shape}, got {v.shape}")
        X, y = self.data.X, self.data.y
        out = np.empty_like(theta)
        for part in self._chunks(theta.shape[0], len(y)):
            out[part] = self._hvp(theta[part], v[part], X, y)
        return out

    def _hvp(self, theta: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        layers, directions = self._unpack(theta), self._unpack(v)
        norms, norm_directions = self._norms(theta), self._norms(v)
        n = len(y)
        # Forward: a_l and its directional derivative R(a_l); phi''(u) R(u) for the backward;
        # with batch norm z_hat, 1/std and their R's.
        a, Ra = np.ascontiguousarray(X.T), None
        inputs, R_inputs, firsts, seconds, normalized = [a], [None], [None], [None], [None]
        for k, ((W, b), (VW, Vb)) in enumerate(zip(layers, directions, strict=True)):
            z = np.matmul(W, a) + b[:, :, None]
            Rz = np.matmul(VW, a) + Vb[:, :, None]
            if Ra is not None:
                Rz += np.matmul(W, Ra)
            if k == len(layers) - 1:  # z: the logits
                break
            kept = None
            if norms[k] is not None:
                (gamma, beta), (V_gamma, V_beta) = norms[k], norm_directions[k]
                centred, R_centred = z - z.mean(-1, keepdims=True), Rz - Rz.mean(-1, keepdims=True)
                inverse_std = 1.0 / np.sqrt(np.mean(centred * centred, -1, keepdims=True) + BATCH_NORM_EPS)
                R_inverse_std = -(inverse_std**3) * np.mean(centred * R_centred, -1, keepdims=True)
                z_hat = centred * inverse_std
                R_z_hat = R_centred * inverse_std + centred * R_inverse_std
                z = gamma[:, :, None] * z_hat + beta[:, :, None]
                Rz = V_gamma[:, :, None] * z_hat + gamma[:, :, None] * R_z_hat + V_beta[:, :, None]
                kept = (z_hat, R_z_hat, inverse_std, R_inverse_std)
            a = self._act(z)
            first = _first_derivative(self.activation, a)
            second = _second_derivative(self.activation, a, first)
            Ra = first * Rz
            inputs.append(a)
            R_inputs.append(Ra)
            firsts.append(first)
            seconds.append(None if second is None else second * Rz)
            normalized.append(kept)
        if self.regression:  # the mean squared error's Hessian at the output: 2 / n
            R_delta = Rz * (2.0 / n)
        else:
            p = np.exp(_log_softmax(z))
            R_delta = p * (Rz - (p * Rz).sum(1, keepdims=True)) / n
        delta = self._output_error(z, y)
        pieces = []
        for k in range(len(layers) - 1, -1, -1):
            a, Ra = inputs[k], R_inputs[k]
            R_grad_W = np.matmul(R_delta, a.swapaxes(-1, -2))
            if Ra is not None:
                R_grad_W += np.matmul(delta, Ra.swapaxes(-1, -2))
            pieces += [R_delta.sum(-1), R_grad_W.reshape(len(theta), -1)]
            if k:
                W_T, VW_T = layers[k][0].transpose(0, 2, 1), directions[k][0].transpose(0, 2, 1)
                da = np.matmul(W_T, delta)
                R_delta = np.matmul(W_T, R_delta) + np.matmul(VW_T, delta)
                R_delta *= firsts[k]
                if seconds[k] is not None:
                    R_delta += da * seconds[k]
                delta = da * firsts[k]
                if normalized[k] is not None:
                    delta, R_delta = self._batch_norm_hvp(
                        delta, R_delta, norms[k - 1][0], norm_directions[k - 1][0], normalized[k], pieces
                    )
        return np.concatenate(pieces[::-1], axis=1)

    @staticmethod
    def _batch_norm_hvp(delta_u, R_delta_u, gamma, V_gamma, kept, pieces) -> tuple[np.ndarray, np.ndarray]:
        """The R-operator of _batch_norm_backward: appends the R's of beta's and gamma's
        gradients to ``pieces`` and returns the gradient at z and its R."""
        z_hat, R_z_hat, inverse_std, R_inverse_std = kept
        pieces += [R_delta_u.sum(-1), (R_delta_u * z_hat + delta_u * R_z_hat).sum(-1)]
        g = delta_u * gamma[:, :, None]
        R_g = delta_u * V_gamma[:, :, None] + R_delta_u * gamma[:, :, None]
        mean_g_z_hat = np.mean(g * z_hat, -1, keepdims=True)
        h = g - g.mean(-1, keepdims=True) - z_hat * mean_g_z_hat
        R_h = (
            R_g
            - R_g.mean(-1, keepdims=True)
            - R_z_hat * mean_g_z_hat
            - z_hat * np.mean(R_g * z_hat + g * R_z_hat, -1, keepdims=True)
        )
        return inverse_std * h, R_inverse_std * h + inverse_std * R_h

    def layer_grad_norms(self, theta: Any) -> np.ndarray:
        """``(N, layers)`` the norm of each layer's part (W and b) of the full-batch gradient."""
        g = self.grad(theta)
        return np.stack([np.sqrt((g[:, w:end] ** 2).sum(-1)) for w, _, end in self.offsets], -1)
