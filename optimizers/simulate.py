"""simulate(): advance N trajectories of one optimizer together, one Python loop over steps.

A trajectory is a point on a 2-D surface or the D parameters of a network (networks/): the
same loop advances both, with minibatches for a network. The objective (penalties,
projections) is in objective.py, learning-rate schedules in schedules.py, the splitting of
large runs into blocks and processes in parallel.py.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from optimizers import parallel
from optimizers.base import NON_NEGATIVE, POSITIVE, Optimizer, checked_number
from optimizers.objective import Objective, min_norm_subgradient, projection, soft_threshold
from optimizers.registry import OPTIMIZERS, get_optimizer
from optimizers.schedules import schedule_factors

# Records (path, loss, objective, grad_norm) of one run may take at most this much memory.
MEMORY_BUDGET_BYTES = 256 * 2**20
RECORD_BYTES_PER_POINT = 5 * 8  # path (2) + loss + objective + grad_norm, float64
MAX_STEPS = 1_000_000
# A trajectory is diverged once it is this many half-widths of the surface's bounds away
# from their centre (or non-finite).
DIVERGENCE_BOX = 10.0


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


def _integer(name: str, value: Any, low: int, high: int) -> int:
    whole = isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole:
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _plain(value: Any) -> Any:
    """A hyperparameter as a Python scalar, or a flat array for one value per trajectory."""
    if isinstance(value, np.ndarray):
        return float(value) if value.ndim == 0 else value.ravel().copy()
    return value


def _record_steps(steps: int, record_every: int) -> np.ndarray:
    recorded = np.arange(0, steps + 1, record_every)
    return recorded if recorded[-1] == steps else np.append(recorded, steps)


# Whole-array reductions called as ufuncs: the ndarray methods add ~0.3 us of Python each,
# which counts at ~15 us per step for a hundred trajectories.
_MIN, _MAX, _SUM = np.minimum.reduce, np.maximum.reduce, np.add.reduce
_ALL, _ANY = np.logical_and.reduce, np.logical_or.reduce


def _squared_norm(v: np.ndarray) -> np.ndarray:
    """Row-wise squared norm of ``(N, 2)`` (faster than hypot or sum(-1)) or ``(N, D)``,
    shaped ``(N,)``."""
    if v.shape[1] != 2:
        return np.einsum("ij,ij->i", v, v)
    v2 = v * v
    return v2[:, 0] + v2[:, 1]


class _Batches:
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


class Options(NamedTuple):
    """The per-step options of a run: scalars, or ``(N, 1)`` arrays (one value per trajectory)."""

    noise: Any
    l1: Any
    l2: Any
    clip_norm: Any
    clip_value: Any


@dataclasses.dataclass(frozen=True)
class _Settings:
    """Everything validated about one simulate() call that all blocks share."""

    opt: Optimizer | str  # the name when sent to a worker process
    surface: Any
    steps: int
    recorded: np.ndarray
    factors: np.ndarray | None
    constraint: Mapping[str, Any] | None
    proximal: bool
    tol2: float
    center: np.ndarray
    limit: float
    state_fields: tuple[tuple[str, int], ...] = ()  # recorded state fields and their widths
    inside_fields: tuple[tuple[str, tuple[int, ...]], ...] = ()  # update, grad, ... and shapes
    metric_names: tuple[str, ...] = ()  # what the objective's evaluate() adds to its value
    batch_size: int | None = None  # minibatches of a network (None: the full batch)
    seed: int = 0  # of the minibatches' order
    penalty_mask: np.ndarray | None = None  # (D,) the penalised coordinates (None: all)


def _state_fields(opt: Optimizer, P: np.ndarray) -> tuple[tuple[str, int], ...]:
    """The fields of ``opt``'s state that are one point or one number per trajectory, with
    their widths (D or 1): what record_state records."""
    state = opt.init(P[:1].copy())
    fields = []
    for name, value in zip(getattr(state, "_fields", ()), state, strict=True):
        shape = np.shape(value) if value is not None else ()
        if shape in ((1, P.shape[1]), (1, 1), ()):
            fields.append((name, shape[1] if shape else 1))
    return tuple(fields)


class _Guard:
    """Tells diverged trajectories: outside the divergence box, non-finite gradient, or (where
    the surface is not defined everywhere) non-finite value."""

    def __init__(self, surface, center: np.ndarray, limit: float):
        self.surface, self.center, self.limit = surface, center, limit
        # Inside this square every coordinate is surely inside the divergence box.
        self.inner_lo = float((center - limit).max())
        self.inner_hi = float((center + limit).min())

    def all_good(self, P: np.ndarray, g2: np.ndarray) -> bool:
        """The fast check of a step from whole-array reductions (NaN fails every comparison);
        ``g2`` holds squared gradient norms, finite exactly where the gradient is."""
        ok = (
            self.inner_lo <= _MIN(P, None)
            and _MAX(P, None) <= self.inner_hi
            and math.isfinite(_SUM(g2, None))
        )
        return ok and (self.surface.defined_everywhere or math.isfinite(self.surface.value(P).sum()))

    def bad_rows(self, P: np.ndarray, g: np.ndarray) -> np.ndarray:
        bad = ~((np.abs(P - self.center) <= self.limit).all(-1) & np.isfinite(g).all(-1))
        if not self.surface.defined_everywhere:
            bad |= ~np.isfinite(self.surface.value(P))
        return bad


def _advance(
    cfg: _Settings, P, hp, options: Options, rng, records
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance the trajectories ``P`` through every step; the one Python loop over steps.

    Writes the records into ``records`` (views on the run's arrays) and returns the final
    positions, ``diverged_at`` and the last step at which each trajectory was still moving.
    """
    noise, l1, l2, clip_norm, clip_value = options
    opt = get_optimizer(cfg.opt) if isinstance(cfg.opt, str) else cfg.opt
    surface, project, tol2 = cfg.surface, projection(cfg.constraint), cfg.tol2
    has_l1 = bool(np.any(l1 > 0))
    penalised = has_l1 or bool(np.any(l2 > 0))
    objective = (
        Objective(surface, l1, l2, include_l1=not cfg.proximal, mask=cfg.penalty_mask)
        if penalised
        else surface
    )
    l1_each = objective.l1_each if penalised else l1  # per coordinate: 0 on what is not penalised
    guard = _Guard(surface, cfg.center, cfg.limit)
    path, loss, obj, grad_norm, *extra = records
    n_state, n_inside = len(cfg.state_fields), len(cfg.inside_fields)
    state_records, inside_records = extra[:n_state], extra[n_state : n_state + n_inside]
    metric_records = extra[n_state + n_inside :]
    batches = _Batches(surface.n_train, cfg.batch_size, cfg.seed) if cfg.batch_size else None

    def gradient(P: np.ndarray) -> np.ndarray:
        """The gradient of the next step: on its minibatch, or on everything."""
        return objective.grad(P) if batches is None else objective.grad(P, batch=batches.next())

    def stationarity(P: np.ndarray, g: np.ndarray) -> np.ndarray:
        """The minimum-norm subgradient (or projected gradient): its norm measures convergence."""
        if has_l1:
            g = min_norm_subgradient(P, g if cfg.proximal else g - l1_each * np.sign(P), l1_each)
        if project is not None:
            g = P - project(P - g)
        return g

    n = P.shape[0]
    diverged_at = np.full(n, -1, dtype=np.int64)
    last_moving = np.full(n, -1, dtype=np.int64)  # last step with grad_norm > tol
    alive = np.ones(n, dtype=bool)
    r = 0

    def record(P: np.ndarray, g: np.ndarray, state, inside: dict | None = None) -> np.ndarray:
        """Record P (and, with record_state, what the optimizer held and did in the step that
        led there: ``inside``); return the squared norm of its stationarity residual."""
        nonlocal r
        path[r] = P
        for (name, _), recorded_inside in zip(cfg.inside_fields, inside_records, strict=True):
            recorded_inside[r] = np.nan if inside is None else inside[name]
        if cfg.metric_names:
            measured = surface.evaluate(P)
            value = measured["loss"]
            for name, recorded_metric in zip(cfg.metric_names, metric_records, strict=True):
                recorded_metric[r] = measured[name]
        else:
            value = surface.value(P)
        loss[r] = value
        obj[r] = value + objective.penalty(P) if penalised else value
        g2 = _squared_norm(stationarity(P, g if batches is None else objective.grad(P)))
        grad_norm[r] = np.sqrt(g2)
        for (name, _), recorded_field in zip(cfg.state_fields, state_records, strict=True):
            field_value = getattr(state, name)
            recorded_field[r] = np.nan if field_value is None else field_value
        r += 1
        return g2

    smooth_residual = not has_l1 and project is None  # then the residual is g itself
    factors, steps, recorded = cfg.factors, cfg.steps, cfg.recorded
    update, proximal = opt.update, cfg.proximal and has_l1
    with np.errstate(all="ignore"):
        g = gradient(P)
        if not guard.all_good(P, g * g):  # A start where the surface is undefined: frozen at step 0.
            bad = guard.bad_rows(P, g)
            diverged_at[bad], alive[bad] = 0, False
            g = np.where(bad[:, None], 0.0, g)
        frozen = not alive.all()
        state = opt.init(P)
        lr = hp.get("lr")
        g2 = record(P, g, state)
        next_record = int(recorded[r]) if r < len(recorded) else -1
        last_moving[g2 > tol2] = 0
        everyone_moving_at = 0 if (last_moving == 0).all() else -1
        for t in range(1, steps + 1):
            # The gradient the optimizer sees: minibatch noise, then clipping.
            seen = g
            if rng is not None:
                seen = g + noise * rng.standard_normal(P.shape)
            if clip_value is not None:
                seen = np.clip(seen, -clip_value, clip_value)
            if clip_norm is not None:
                seen = seen * np.minimum(1.0, clip_norm / np.sqrt(_squared_norm(seen)))[:, None]
            if factors is not None:
                hp["lr"] = lr * factors[t - 1]
            # The step, then the L1 proximal step or the projection onto the constraint.
            P_new, state = update(P, seen, state, t, hp, objective)
            if proximal:
                P_new = soft_threshold(P_new, hp["lr"] * l1_each)
            if project is not None:
                P_new = project(P_new)
            # Divergence: freeze the bad trajectories at their last good point.
            g_new = gradient(P_new)
            g2 = _squared_norm(g_new)
            if frozen or not guard.all_good(P_new, g2):
                bad = guard.bad_rows(P_new, g_new)
                diverged_at[bad & alive] = t
                alive &= ~bad
                frozen = not alive.all()
                stay = ~alive[:, None]
                P_new, g_new = np.where(stay, P, P_new), np.where(stay, g, g_new)
                g2 = _squared_norm(g_new)
            recording = t == next_record
            inside = None
            if recording and cfg.inside_fields:
                inside = {"update": P_new - P, "grad": seen}
                if opt.inside is not None:
                    inside.update(opt.inside(P, P_new, seen, state, t, hp, objective))
            P, g = P_new, g_new
            if recording:
                full_g2 = record(P, g, state, inside)
                next_record = int(recorded[r]) if r < len(recorded) else -1
            if batches is not None:  # a minibatch's gradient says nothing of convergence
                if not recording:
                    continue
                g2 = full_g2
            elif not smooth_residual:
                g2 = _squared_norm(stationarity(P, g))
            # Convergence: one reduction while everyone is still moving, the usual case.
            if _MIN(g2, None) > tol2:
                everyone_moving_at = t
            else:
                last_moving[g2 > tol2] = t
    return P, diverged_at, np.maximum(last_moving, everyone_moving_at)


def _check_memory(recorded: np.ndarray, n: int, steps: int, extra_width: int = 0) -> None:
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


def simulate(
    surface,
    optimizer: str | Optimizer,
    starts,
    steps: int = 200,
    *,
    clip_norm=None,
    clip_value=None,
    schedule: Mapping[str, Any] | None = None,
    noise=0.0,
    seed: int = 0,
    l1=0.0,
    l2=0.0,
    proximal: bool = False,
    penalize_biases: bool = False,
    constraint: Mapping[str, Any] | None = None,
    record_every: int = 1,
    tol: float = 1e-6,
    record_state: bool = False,
    batch_size: int | None = None,
    **hyperparameters: Any,
) -> Run:
    """Run ``optimizer`` on ``surface`` from every start at once for ``steps`` steps.

    ``surface`` is a 2-D surface with starts ``(N, 2)``, or a network (networks.Network) with
    starts ``(N, D)``: its parameters. For a network, ``batch_size=m`` trains on minibatches
    (one ``default_rng(seed)``; each epoch ``perm = rng.permutation(n_train)``, its batches
    ``perm[i:i + m]`` in order, the same for every network); the default is the full batch.

    Each step: the objective's gradient g (surface plus penalty), plus Gaussian noise of
    standard deviation ``noise`` per component (minibatch noise), clipped to
    ``clip_value`` per component and then to norm ``clip_norm``; the optimizer's update with
    ``lr`` scaled by ``schedule``; with ``proximal=True`` (gd only) the exact L1 proximal
    step (soft-thresholding by lr * l1) instead of the L1 subgradient. On a network the L1/L2
    penalty is on the weights only, as the notes advise (``net.weight_mask``), unless
    ``penalize_biases=True`` (torch's ``weight_decay`` on every parameter); projection onto the
    ``constraint`` ball. Every numeric option and hyperparameter is a scalar or one value per
    trajectory. ``record_state=True`` also records the optimizer's state (``Run.state``);
    recording changes no bit of the path. Bad arguments raise ``ValueError``; diverging
    trajectories do not.
    """
    opt = get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    dim = getattr(surface, "dim", 2)
    try:
        P = np.array(starts, dtype=np.float64, ndmin=2)
    except (TypeError, ValueError):
        raise ValueError(f"starts must be numbers of shape (N, {dim}) or ({dim},)") from None
    if P.ndim != 2 or P.shape[1] != dim or P.shape[0] == 0:
        raise ValueError(f"starts must have shape (N, {dim}) or ({dim},), got {np.shape(starts)}")
    if not np.isfinite(P).all():
        raise ValueError("starts must be finite numbers")
    n = P.shape[0]
    steps = _integer("steps", steps, 0, MAX_STEPS)
    recorded = _record_steps(steps, _integer("record_every", record_every, 1, MAX_STEPS))
    network = hasattr(surface, "n_train")
    if batch_size is not None:
        if not network:
            raise ValueError("batch_size is for networks: a surface has no data to split into minibatches")
        batch_size = _integer("batch_size", batch_size, 1, surface.n_train)
    seed = _integer("seed", seed, 0, 2**63 - 1)
    state_fields = _state_fields(opt, P) if record_state else ()
    inside_fields = _inside_fields(opt, dim) if record_state else ()
    metric_names = tuple(getattr(surface, "metric_names", ()))
    extra_width = dim - 2 + sum(width for _, width in state_fields) + len(metric_names)
    extra_width += sum(math.prod(shape) for _, shape in inside_fields)
    _check_memory(recorded, n, steps, extra_width)
    hp = opt.hyperparameters(n, **hyperparameters)
    options = Options(
        noise=checked_number("noise", noise, NON_NEGATIVE, n),
        l1=checked_number("l1", l1, NON_NEGATIVE, n),
        l2=checked_number("l2", l2, NON_NEGATIVE, n),
        clip_norm=None if clip_norm is None else checked_number("clip_norm", clip_norm, POSITIVE, n),
        clip_value=None if clip_value is None else checked_number("clip_value", clip_value, POSITIVE, n),
    )
    if network:
        _check_network_options(opt, options.noise, constraint)
    if proximal and opt.name != "gd":
        raise ValueError(f"proximal=True is the proximal gradient method: use it with gd, not {opt.name}")
    cfg = _Settings(
        opt=opt,
        surface=surface,
        steps=steps,
        recorded=recorded,
        factors=schedule_factors(schedule, steps),
        constraint=constraint if projection(constraint) else None,  # checked here
        proximal=bool(proximal),
        tol2=checked_number("tol", tol, NON_NEGATIVE, 1) ** 2,
        center=surface.center,
        limit=_divergence_limit(surface),
        state_fields=state_fields,
        inside_fields=inside_fields,
        metric_names=metric_names,
        batch_size=batch_size,
        seed=seed,
        penalty_mask=None if penalize_biases or not network else np.asarray(surface.weight_mask, dtype=bool),
    )
    R = len(recorded)
    out = (
        np.empty((n, dim)),  # final
        np.empty(n, dtype=np.int64),  # diverged_at
        np.empty(n, dtype=np.int64),  # last_moving
        np.empty((R, n, dim)),  # path
        np.empty((R, n)),  # loss
        np.empty((R, n)),  # objective
        np.empty((R, n)),  # grad_norm
        *(np.empty((R, n, width)) for _, width in state_fields),
        *(np.empty((R, n, *shape)) for _, shape in inside_fields),
        *(np.empty((R, n)) for _ in metric_names),
    )
    # Workers find the optimizer by its name: only a registered one can be sent.
    sendable = dataclasses.replace(cfg, opt=opt.name) if OPTIMIZERS.get(opt.name) is opt else None
    noisy = bool(np.any(options.noise > 0))
    parallel.advance_all(_advance, cfg, P, hp, options, seed, noisy, out, sendable)
    final, diverged_at, last_moving, path, loss, obj, grad_norm, *extra = out
    n_state, n_inside = len(state_fields), len(inside_fields)
    state_records, inside_records = extra[:n_state], extra[n_state : n_state + n_inside]
    metric_records = extra[n_state + n_inside :]
    inside = dict(zip((name for name, _ in inside_fields), inside_records, strict=True))
    converged_at = np.where((last_moving < steps) & (diverged_at < 0), last_moving + 1, -1)
    return Run(
        path=path,
        loss=loss,
        objective=obj,
        grad_norm=grad_norm,
        step=recorded,
        final=final,
        diverged_at=diverged_at,
        converged_at=converged_at,
        optimizer=opt.name,
        hyperparameters={k: _plain(v) for k, v in hp.items()},
        state={name: a for (name, _), a in zip(state_fields, state_records, strict=True)},
        metrics=dict(zip(metric_names, metric_records, strict=True)),
        update=inside.get("update"),
        grad=inside.get("grad"),
        effective_lr=inside.get("effective_lr"),
        curvature=inside.get("curvature"),
    )


def _inside_fields(opt: Optimizer, dim: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """What record_state records of each step beside the state: the update taken, the
    gradient used, and the optimizer's own inside quantities, with their shapes."""
    shapes = {"update": (dim,), "grad": (dim,), "effective_lr": (dim,), "curvature": (2, 2)}
    return tuple((name, shapes[name]) for name in ("update", "grad", *opt.inside_fields))


def _divergence_limit(surface) -> float:
    """How far from the objective's centre a trajectory may go: a network says so itself (a
    parameter's magnitude), a surface's bounds set it."""
    limit = getattr(surface, "divergence_limit", None)
    return float(limit) if limit is not None else DIVERGENCE_BOX * float(surface.half_width.max())


def _check_network_options(opt: Optimizer, noise: Any, constraint: Any) -> None:
    """What a network refuses: methods written for one 2-D point, the surfaces' stand-in for
    minibatch noise (a network has real minibatches), and the norm-ball constraints."""
    if opt.planar:
        raise ValueError(
            f"{opt.name} works on 2-D surfaces only, not on networks; use a first-order optimizer "
            "(gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, ...)"
        )
    if np.any(noise != 0):
        raise ValueError("noise is the surfaces' stand-in for minibatches: on a network use batch_size")
    if constraint is not None:
        raise ValueError("constraint is for 2-D surfaces; on a network use l1, l2 or weight decay")
