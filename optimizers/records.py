"""What simulate() records, by name: the ``Run`` it returns, the arrays a block of
trajectories writes into (``Recorders``), and the memory budget of those records."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from optimizers.base import Optimizer
from optimizers.clipping import squared_norm

# Records (path, loss, objective, grad_norm) of one run may take at most this much memory.
MEMORY_BUDGET_BYTES = 256 * 2**20
RECORD_BYTES_PER_POINT = 5 * 8  # path (2) + loss + objective + grad_norm, float64
PER_TRAJECTORY = ("final", "diverged_at", "last_moving")  # the Recorders without a record axis


@dataclasses.dataclass(frozen=True, eq=False)
class Run:
    """What simulate() recorded. R records of N trajectories.

    - ``path (R, N, 2)`` (``(R, N, D)``: a network's parameters), ``loss (R, N)`` (the
      surface's value; a network's loss on its whole training set), ``objective (R, N)`` (with
      the L1/L2 penalty), ``grad_norm (R, N)``: the norm of the minimum-norm subgradient of
      the objective (with a constraint, of the projected gradient ``P - proj(P - g)``), noise
      excluded; a network's full-batch gradient. ``step (R,)``: the step of each record;
      ``step[0] = 0``, ``path[0]`` = starts.
    - ``final (N, 2)``: the last position of each trajectory.
    - ``diverged_at (N,)``: the step at which the trajectory left the divergence box or
      became non-finite (it is frozen at its last good point from then on), else -1.
    - ``converged_at (N,)``: the first step from which ``grad_norm <= tol`` held up to the
      end of the run (so a trajectory merely passing a stationary point does not count),
      else -1. Never set for a diverged trajectory. With minibatches it is judged at the
      records only (the full gradient is computed there).
    - ``state``: with ``record_state=True``, the optimizer's state fields by name, ``(R, N, 2)``
      or ``(R, N, 1)`` (NaN where a field has no value yet); else empty.
    - ``metrics``: what the objective measures besides its value, ``(R, N)`` each by name (a
      network: ``test_loss``, ``train_acc``, ``test_acc``); empty for a surface.
    - With ``record_state=True``, of the step that led to each record (NaN at record 0):
      ``update (R, N, 2)`` (the point minus the previous one), ``grad`` (the gradient the
      optimizer used: after noise, clipping and penalties), ``effective_lr (R, N, 2)`` where
      the method has one (the per-coordinate factor on the gradient or on the average that
      stands in for it) and ``curvature (R, N, 2, 2)`` for Newton, BFGS and L-BFGS (the
      Hessian or approximation the step used); else None.
    """

    path: np.ndarray
    loss: np.ndarray
    objective: np.ndarray
    grad_norm: np.ndarray
    step: np.ndarray
    final: np.ndarray
    diverged_at: np.ndarray
    converged_at: np.ndarray
    optimizer: str
    hyperparameters: Mapping[str, Any]
    state: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict)
    metrics: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict)
    update: np.ndarray | None = None
    grad: np.ndarray | None = None
    effective_lr: np.ndarray | None = None
    curvature: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.final.shape[0]


class Recorders(NamedTuple):
    """The arrays a run writes, by name: per record ``(R, N, ...)``, then per trajectory
    ``(N, ...)`` (its end). ``state``, ``inside`` and ``metrics`` map names to records: the
    optimizer's state fields, what it did in a step (``update``, ``grad``, ``effective_lr``,
    ``curvature``) and what the objective measures beside its value.

    A block of trajectories writes into ``rows()`` of the run's arrays; a worker process into
    fresh arrays of the same ``layout()``."""

    path: Any
    loss: Any
    objective: Any
    grad_norm: Any
    state: Mapping[str, Any]
    inside: Mapping[str, Any]
    metrics: Mapping[str, Any]
    final: Any
    diverged_at: Any
    last_moving: Any  # the last step at which the trajectory was still moving (grad_norm > tol)

    @classmethod
    def empty(cls, records: int, n: int, dim: int, fields: RecordedFields) -> Recorders:
        """Uninitialised arrays for ``records`` records of ``n`` trajectories in ``dim``
        coordinates, with the optional ``fields``."""
        per_record = {"path": (dim,), "loss": (), "objective": (), "grad_norm": ()}
        return cls(
            **{name: np.empty((records, n, *shape)) for name, shape in per_record.items()},
            state={name: np.empty((records, n, width)) for name, width in fields.state},
            inside={name: np.empty((records, n, *shape)) for name, shape in fields.inside},
            metrics={name: np.empty((records, n)) for name in fields.metrics},
            final=np.empty((n, dim)),
            diverged_at=np.empty(n, dtype=np.int64),
            last_moving=np.empty(n, dtype=np.int64),
        )

    def _map(self, fn: Callable[[Any, int], Any]) -> Recorders:
        """``fn(array, trajectory_axis)`` applied to every array, the names kept."""
        mapped = {}
        for name, value in self._asdict().items():
            axis = 0 if name in PER_TRAJECTORY else 1
            if isinstance(value, Mapping):
                mapped[name] = {key: fn(a, axis) for key, a in value.items()}
            else:
                mapped[name] = fn(value, axis)
        return Recorders(**mapped)

    def rows(self, rows: slice) -> Recorders:
        """Views on the trajectories ``rows``."""
        return self._map(lambda a, axis: a[rows] if axis == 0 else a[:, rows])

    def layout(self) -> Recorders:
        """Each array's (dtype, shape) in its place: what ``allocate`` makes again elsewhere."""
        return self._map(lambda a, axis: (a.dtype, a.shape))

    def allocate(self) -> Recorders:
        """Of a ``layout()``: uninitialised arrays of those dtypes and shapes."""
        return self._map(lambda spec, axis: np.empty(spec[1], dtype=spec[0]))

    def arrays(self) -> list[np.ndarray]:
        """Every array, in a fixed order."""
        found: list[np.ndarray] = []
        self._map(lambda a, axis: found.append(a))
        return found

    def fill(self, computed: Recorders) -> None:
        """Copy ``computed`` (the same layout) into these arrays."""
        for mine, theirs in zip(self.arrays(), computed.arrays(), strict=True):
            mine[...] = theirs


class RecordedFields(NamedTuple):
    """What a run records beside path, loss, objective and grad_norm: the optimizer's state
    fields with their widths (D or 1), its inside quantities with their shapes, and the
    objective's metrics."""

    state: tuple[tuple[str, int], ...] = ()
    inside: tuple[tuple[str, tuple[int, ...]], ...] = ()
    metrics: tuple[str, ...] = ()

    def width(self, dim: int) -> int:
        """Numbers recorded per trajectory and record beyond a 2-D point's path, loss,
        objective and grad_norm."""
        inside = sum(math.prod(shape) for _, shape in self.inside)
        return dim - 2 + sum(width for _, width in self.state) + len(self.metrics) + inside


def recorded_fields(
    opt: Optimizer, P: np.ndarray, record_state: bool, metrics: tuple[str, ...]
) -> RecordedFields:
    """What ``opt`` run from ``P`` records: with ``record_state``, the fields of its state that
    are one point or one number per trajectory, and the update taken, the gradient used and
    the optimizer's own inside quantities (``opt.inside_fields``)."""
    if not record_state:
        return RecordedFields(metrics=metrics)
    dim = P.shape[1]
    state = opt.init(P[:1].copy())
    fields = []
    for name, value in zip(getattr(state, "_fields", ()), state, strict=True):
        shape = np.shape(value) if value is not None else ()
        if shape in ((1, dim), (1, 1), ()):
            fields.append((name, shape[1] if shape else 1))
    shapes = {"update": (dim,), "grad": (dim,), "effective_lr": (dim,), "curvature": (2, 2)}
    inside = tuple((name, shapes[name]) for name in ("update", "grad", *opt.inside_fields))
    return RecordedFields(tuple(fields), inside, metrics)


def record_steps(steps: int, record_every: int) -> np.ndarray:
    """The steps recorded: 0, every ``record_every`` steps, and the last."""
    recorded = np.arange(0, steps + 1, record_every)
    return recorded if recorded[-1] == steps else np.append(recorded, steps)


def check_memory(recorded: np.ndarray, n: int, steps: int, extra_width: int = 0) -> None:
    """ValueError if the records would take more than MEMORY_BUDGET_BYTES; ``extra_width``:
    numbers recorded per trajectory beyond a 2-D point's path, loss, objective and grad_norm."""
    per_point = RECORD_BYTES_PER_POINT + 8 * extra_width
    size = len(recorded) * n * per_point
    if size > MEMORY_BUDGET_BYTES:
        needed = math.ceil(steps * n * per_point / MEMORY_BUDGET_BYTES) + 1
        raise ValueError(
            f"recording {len(recorded)} steps of {n} trajectories needs {size / 2**20:.0f} MB, "
            f"over the {MEMORY_BUDGET_BYTES // 2**20} MB budget: use record_every={needed} "
            "or more, fewer steps, or fewer trajectories"
        )


class Recorder:
    """Writes a block's records one after the other into ``out`` (its ``Recorders``), at the
    steps ``recorded``; ``next_step`` is the step of the next record (-1 after the last).

    ``measure(P)`` gives the loss and the metrics (``(N,)`` each, by name), ``penalty(P)`` the
    penalty the objective adds (None without), ``residual(P, g)`` the stationarity residual
    whose norm is ``grad_norm`` (None: ``g`` itself), and ``full_gradient(P)`` the gradient on
    the whole training set where the steps see minibatches (None: the step's gradient is)."""

    def __init__(
        self, out: Recorders, recorded: np.ndarray, measure, penalty, residual, full_gradient
    ) -> None:
        self.out, self.recorded = out, recorded
        self.measure, self.penalty = measure, penalty
        self.residual, self.full_gradient = residual, full_gradient
        self.r, self.next_step = 0, int(recorded[0])

    def record(self, P: np.ndarray, g: np.ndarray, state: Any, inside: Mapping | None = None) -> np.ndarray:
        """Record ``P`` (and, with record_state, what the optimizer held and did in the step
        that led there: ``inside``); return the squared norm of its stationarity residual."""
        out, r = self.out, self.r
        out.path[r] = P
        for name, recorded in out.inside.items():
            recorded[r] = np.nan if inside is None else inside[name]
        measured = self.measure(P)
        value = measured["loss"]
        for name, recorded in out.metrics.items():
            recorded[r] = measured[name]
        out.loss[r] = value
        out.objective[r] = value if self.penalty is None else value + self.penalty(P)
        if self.full_gradient is not None:
            g = self.full_gradient(P)
        g2 = squared_norm(g if self.residual is None else self.residual(P, g))
        out.grad_norm[r] = np.sqrt(g2)
        for name, recorded in out.state.items():
            field_value = getattr(state, name)
            recorded[r] = np.nan if field_value is None else field_value
        self.r += 1
        self.next_step = int(self.recorded[self.r]) if self.r < len(self.recorded) else -1
        return g2
