"""simulate(): advance N trajectories of one optimizer together, one Python loop over steps.

A trajectory is a point on a 2-D surface or the D parameters of a network (networks/): the
same loop advances both, with minibatches for a network. Each step is a chain of small
transforms (transforms.py): gradient noise, clipping (clipping.py), the learning-rate
schedule (schedules.py), the optimizer's update, then the L1 proximal step or the projection
onto a constraint (projections.py). What is minimised is in objective.py, divergence in
divergence.py, convergence in convergence.py, the records in records.py, the splitting of
large runs into blocks and processes in parallel.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from optimizers import parallel
from optimizers.base import NON_NEGATIVE, POSITIVE, Optimizer, checked_number
from optimizers.clipping import clip_by_norm, clip_by_value, squared_norm
from optimizers.convergence import Convergence, converged_at, stationarity
from optimizers.divergence import Guard
from optimizers.minibatches import Minibatches
from optimizers.objective import Objective, Penalized, trains_on_data
from optimizers.projections import Projection, project, projection, proximal_l1
from optimizers.records import (
    RecordedFields,
    Recorder,
    Recorders,
    Run,
    check_memory,
    record_steps,
    recorded_fields,
)
from optimizers.registry import OPTIMIZERS, get_optimizer
from optimizers.schedules import scale_by_schedule, schedule_factors
from optimizers.transforms import GradientTransform, PointTransform, add_noise

MAX_STEPS = 1_000_000


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
    objective: Objective
    steps: int
    recorded: np.ndarray
    factors: np.ndarray | None
    constraint: Mapping[str, Any] | None
    proximal: bool
    tol2: float
    fields: RecordedFields  # what is recorded beside path, loss, objective and grad_norm
    batch_size: int | None = None  # minibatches of a network (None: the full batch)
    seed: int = 0  # of the minibatches' order
    penalty_mask: np.ndarray | None = None  # (D,) the penalised coordinates (None: all)


def simulate(
    objective: Objective,
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
    """Run ``optimizer`` on ``objective`` from every start at once for ``steps`` steps.

    ``objective`` is a 2-D surface with starts ``(N, 2)``, or a network (networks.Network)
    with starts ``(N, D)``: its parameters. For a network, ``batch_size=m`` trains on
    minibatches (one ``default_rng(seed)``; each epoch ``perm = rng.permutation(n_train)``,
    its batches ``perm[i:i + m]`` in order, the same for every network); the default is the
    full batch.

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
    P = _checked_starts(objective, starts)
    n = P.shape[0]
    steps = _integer("steps", steps, 0, MAX_STEPS)
    recorded = record_steps(steps, _integer("record_every", record_every, 1, MAX_STEPS))
    training = trains_on_data(objective)
    if batch_size is not None:
        if not training:
            raise ValueError("batch_size is for networks: a surface has no data to split into minibatches")
        batch_size = _integer("batch_size", batch_size, 1, objective.n_train)
    seed = _integer("seed", seed, 0, 2**63 - 1)
    fields = recorded_fields(opt, P, record_state, objective.metric_names if training else ())
    check_memory(recorded, n, steps, fields.width(objective.dim))
    hp = opt.hyperparameters(n, **hyperparameters)
    options = _checked_options(n, noise, l1, l2, clip_norm, clip_value)
    if training:
        _check_network_options(opt, options.noise, constraint)
    if proximal and not opt.proximal:
        raise ValueError(f"proximal=True is the proximal gradient method: use it with gd, not {opt.name}")
    # On a network the penalty is on the weights only, as the notes advise.
    mask = np.asarray(objective.weight_mask, dtype=bool) if training and not penalize_biases else None
    cfg = _Settings(
        opt=opt,
        objective=objective,
        steps=steps,
        recorded=recorded,
        factors=schedule_factors(schedule, steps),
        constraint=constraint if projection(constraint) else None,  # checked here
        proximal=bool(proximal),
        tol2=checked_number("tol", tol, NON_NEGATIVE, 1) ** 2,
        fields=fields,
        batch_size=batch_size,
        seed=seed,
        penalty_mask=mask,
    )
    out = Recorders.empty(len(recorded), n, objective.dim, fields)
    # Workers find the optimizer by its name: only a registered one can be sent.
    sendable = dataclasses.replace(cfg, opt=opt.name) if OPTIMIZERS.get(opt.name) is opt else None
    noisy = bool(np.any(options.noise > 0))
    parallel.advance_all(_advance, cfg, P, hp, options, seed, noisy, out, sendable)
    return _run(opt, hp, recorded, out)


def _advance(cfg: _Settings, P: np.ndarray, hp: dict, options: Options, rng, out: Recorders) -> None:
    """Advance the block of trajectories ``P`` through every step, the one Python loop over
    steps, writing its records and its ends (final point, divergence, last step moving) into
    ``out``. ``rng`` draws the block's gradient noise (None: a run without noise)."""
    opt = get_optimizer(cfg.opt) if isinstance(cfg.opt, str) else cfg.opt
    base, n = cfg.objective, P.shape[0]
    has_l1 = bool(np.any(options.l1 > 0))
    penalised = has_l1 or bool(np.any(options.l2 > 0))
    objective = (
        Penalized(base, options.l1, options.l2, include_l1=not cfg.proximal, mask=cfg.penalty_mask)
        if penalised
        else base
    )
    l1_each = objective.l1_each if penalised else options.l1  # per coordinate: 0 where not penalised
    onto = projection(cfg.constraint)
    gradient_chain = _gradient_chain(options, rng)
    point_chain = _point_chain(l1_each if cfg.proximal and has_l1 else None, onto)
    lr_at = None if cfg.factors is None else scale_by_schedule(hp.get("lr"), cfg.factors)
    batches = Minibatches(base.n_train, cfg.batch_size, cfg.seed) if cfg.batch_size else None
    dropout = bool(getattr(base, "dropout", 0.0))
    gradient = _step_gradient(objective, base, batches, cfg.seed) if batches or dropout else objective.grad
    stochastic = batches is not None or dropout  # the gradient of a step is not the full one
    residual = stationarity(l1_each if has_l1 else None, cfg.proximal, onto)
    recorder = Recorder(
        out,
        cfg.recorded,
        measure=base.evaluate if cfg.fields.metrics else lambda P: {"loss": base.value(P)},
        penalty=objective.penalty if penalised else None,
        residual=residual,
        full_gradient=objective.grad if stochastic else None,
    )
    guard, convergence = Guard(base, n), Convergence(n, cfg.tol2)
    update, checkpoint = opt.update, parallel.checkpoint
    with np.errstate(all="ignore"):
        g = guard.start(P, gradient(P))
        state = opt.init(P)
        convergence.seen(0, recorder.record(P, g, state))
        for step in range(1, cfg.steps + 1):
            checkpoint()  # a caller that may be stopped (parallel.stoppable) is asked here
            seen = g
            for transform in gradient_chain:  # noise, then clipping
                seen = transform(seen)
            if lr_at is not None:
                hp["lr"] = lr_at(step)
            P_next, state = update(P, seen, state, step, hp, objective)
            for transform in point_chain:  # the L1 proximal step, the projection
                P_next = transform(P_next, hp)
            g_next = gradient(P_next)
            g2 = squared_norm(g_next)
            if guard.frozen or not guard.all_good(P_next, g2):
                P_next, g_next = guard.freeze(step, P, g, P_next, g_next)
                g2 = squared_norm(g_next)
            recorded_g2 = None
            if step == recorder.next_step:
                inside = _inside(opt, P, P_next, seen, state, step, hp, objective) if out.inside else None
                recorded_g2 = recorder.record(P_next, g_next, state, inside)
            P, g = P_next, g_next
            # Convergence: on the stationarity residual; with minibatches or dropout only at the
            # records, where the full gradient is known.
            if stochastic:
                if recorded_g2 is not None:
                    convergence.seen(step, recorded_g2)
            else:
                convergence.seen(step, g2 if residual is None else squared_norm(residual(P, g)))
    out.final[...], out.diverged_at[...] = P, guard.diverged_at
    out.last_moving[...] = convergence.last_moving_steps()


def _step_gradient(objective, base, batches: Minibatches | None, seed: int):
    """A training step's gradient: on the step's minibatch, and with a network's dropout
    (``base.dropout``) on the step's masks, drawn from their own ``default_rng([seed, 1])``
    (the minibatches' order stays as it was): the same masks for every trajectory and every
    optimizer run with the same seed."""
    rng = np.random.default_rng([seed, 1]) if getattr(base, "dropout", 0.0) else None

    def gradient(P: np.ndarray) -> np.ndarray:
        batch = None if batches is None else batches.next()
        if rng is None:
            return objective.grad(P, batch=batch)
        masks = base.dropout_masks(rng, base.n_train if batch is None else len(batch))
        return objective.grad(P, batch=batch, masks=masks)

    return gradient


def _run(opt: Optimizer, hp: dict, recorded: np.ndarray, out: Recorders) -> Run:
    """The Run of what the blocks wrote into ``out`` at the steps ``recorded``."""
    return Run(
        path=out.path,
        loss=out.loss,
        objective=out.objective,
        grad_norm=out.grad_norm,
        step=recorded,
        final=out.final,
        diverged_at=out.diverged_at,
        converged_at=converged_at(out.last_moving, out.diverged_at, int(recorded[-1])),
        optimizer=opt.name,
        hyperparameters={k: _plain(v) for k, v in hp.items()},
        state=dict(out.state),
        metrics=dict(out.metrics),
        update=out.inside.get("update"),
        grad=out.inside.get("grad"),
        effective_lr=out.inside.get("effective_lr"),
        curvature=out.inside.get("curvature"),
    )


def _gradient_chain(options: Options, rng: np.random.Generator | None) -> tuple[GradientTransform, ...]:
    """What the gradient goes through before the optimizer sees it: minibatch noise, then
    clipping per component, then clipping of the norm (each only if asked for)."""
    chain = []
    if rng is not None:
        chain.append(add_noise(options.noise, rng))
    if options.clip_value is not None:
        chain.append(clip_by_value(options.clip_value))
    if options.clip_norm is not None:
        chain.append(clip_by_norm(options.clip_norm))
    return tuple(chain)


def _point_chain(proximal_l1_each: Any | None, onto: Projection | None) -> tuple[PointTransform, ...]:
    """What the optimizer's new point goes through: the L1 proximal step (with its L1
    strength per coordinate), then the projection onto the constraint (each only if asked for)."""
    chain = []
    if proximal_l1_each is not None:
        chain.append(proximal_l1(proximal_l1_each))
    if onto is not None:
        chain.append(project(onto))
    return tuple(chain)


def _inside(opt: Optimizer, P, P_next, seen, state, step: int, hp: dict, objective) -> dict[str, np.ndarray]:
    """What record_state records of a step beside the state: the update taken, the gradient
    used and the optimizer's own inside quantities."""
    inside = {"update": P_next - P, "grad": seen}
    if opt.inside is not None:
        inside.update(opt.inside(P, P_next, seen, state, step, hp, objective))
    return inside


def _checked_starts(objective: Objective, starts: Any) -> np.ndarray:
    """``starts`` as a float64 ``(N, D)`` array; ValueError for anything else."""
    dim = objective.dim
    try:
        P = np.array(starts, dtype=np.float64, ndmin=2)
    except (TypeError, ValueError):
        raise ValueError(f"starts must be numbers of shape (N, {dim}) or ({dim},)") from None
    if P.ndim != 2 or P.shape[1] != dim or P.shape[0] == 0:
        raise ValueError(f"starts must have shape (N, {dim}) or ({dim},), got {np.shape(starts)}")
    if not np.isfinite(P).all():
        raise ValueError("starts must be finite numbers")
    return P


def _checked_options(n: int, noise: Any, l1: Any, l2: Any, clip_norm: Any, clip_value: Any) -> Options:
    """The per-step options of ``n`` trajectories, validated (ValueError naming the option)."""
    return Options(
        noise=checked_number("noise", noise, NON_NEGATIVE, n),
        l1=checked_number("l1", l1, NON_NEGATIVE, n),
        l2=checked_number("l2", l2, NON_NEGATIVE, n),
        clip_norm=None if clip_norm is None else checked_number("clip_norm", clip_norm, POSITIVE, n),
        clip_value=None if clip_value is None else checked_number("clip_value", clip_value, POSITIVE, n),
    )


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
