"""simulate(): advance N trajectories of one optimizer together, one Python loop over steps."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import itertools
import math
import time
from collections.abc import Mapping
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from optimizers import parallel
from optimizers.base import NON_NEGATIVE, POSITIVE, Optimizer, checked_number
from optimizers.registry import OPTIMIZERS, get_optimizer

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

    - ``path (R, N, 2)``, ``loss (R, N)`` (the surface's value), ``objective (R, N)`` (with
      the L1/L2 penalty), ``grad_norm (R, N)``: the norm of the minimum-norm subgradient of
      the objective (with a constraint, of the projected gradient ``P - proj(P - g)``), noise
      excluded. ``step (R,)``: the step of each record; ``step[0] = 0``, ``path[0]`` = starts.
    - ``final (N, 2)``: the last position of each trajectory.
    - ``diverged_at (N,)``: the step at which the trajectory left the divergence box or
      became non-finite (it is frozen at its last good point from then on), else -1.
    - ``converged_at (N,)``: the first step from which ``grad_norm <= tol`` held up to the
      end of the run (so a trajectory merely passing a stationary point does not count),
      else -1. Never set for a diverged trajectory.
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

    @property
    def n(self) -> int:
        return self.final.shape[0]


class Objective:
    """The surface plus the L1/L2 penalty: what the optimizer actually minimises.

    ``l1 * |w|_1`` with subgradient ``l1 * sign(w)`` (0 at 0) and ``(l2/2) |w|^2`` with
    gradient ``l2 * w``. With ``include_l1=False`` the L1 term is left to a proximal step.
    """

    def __init__(self, surface, l1, l2, include_l1: bool = True):
        self.surface, self.l1, self.l2 = surface, l1, l2
        self.include_l1 = include_l1
        self.defined_everywhere = surface.defined_everywhere

    def penalty(self, P: np.ndarray) -> np.ndarray:
        l1, l2 = np.ravel(self.l1), np.ravel(self.l2)
        return l1 * np.abs(P).sum(-1) + (l2 / 2) * (P * P).sum(-1)

    def value(self, P: np.ndarray) -> np.ndarray:
        if not self.include_l1:
            return self.surface.value(P) + (np.ravel(self.l2) / 2) * (P * P).sum(-1)
        return self.surface.value(P) + self.penalty(P)

    def grad(self, P: np.ndarray) -> np.ndarray:
        g = self.surface.grad(P) + self.l2 * P
        return g + self.l1 * np.sign(P) if self.include_l1 else g

    def hessian(self, P: np.ndarray) -> np.ndarray:
        return self.surface.hessian(P) + np.asarray(self.l2)[..., None] * np.eye(2)


def _schedule_factors(schedule: Mapping[str, Any] | None, steps: int) -> np.ndarray | None:
    """The learning-rate multiplier of each step 1..steps (index k = step - 1), or None."""
    if schedule is None:
        return None
    if not isinstance(schedule, Mapping):
        raise ValueError(f"schedule must be a dict such as {{'kind': 'linear'}}, got {schedule!r}")
    spec = dict(schedule)
    kind = spec.pop("kind", "constant")
    allowed = {
        "constant": {},
        "step": {"every": max(1, steps // 4), "gamma": 0.5},
        "exponential": {"gamma": 0.99},
        "cosine": {"tau": max(1, steps), "final": 0.0},
        "linear": {"tau": max(1, steps), "final": 0.01},
    }
    if kind not in allowed:
        raise ValueError(f"schedule kind must be one of {', '.join(allowed)}, got {kind!r}")
    unknown = set(spec) - set(allowed[kind])
    if unknown:
        keys = ", ".join(allowed[kind]) or "no other keys"
        raise ValueError(f"{kind} schedule takes {keys}; got {sorted(unknown)[0]!r}")
    p = {**allowed[kind], **spec}
    for key, value in p.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"schedule {key} must be a finite number, got {value!r}")
    if "gamma" in p and not 0 < p["gamma"] <= 1:
        raise ValueError(f"schedule gamma must be in (0, 1], got {p['gamma']}")
    if "final" in p and not 0 <= p["final"] <= 1:
        raise ValueError(f"schedule final must be in [0, 1] (a fraction of lr), got {p['final']}")
    for key in ("tau", "every"):
        if key in p and not p[key] >= 1:
            raise ValueError(f"schedule {key} must be >= 1 step, got {p[key]}")
    k = np.arange(steps, dtype=np.float64)
    if kind == "constant":
        return None
    if kind == "step":
        return p["gamma"] ** np.floor(k / p["every"])
    if kind == "exponential":
        return p["gamma"] ** k
    a = np.minimum(k / p["tau"], 1.0)
    if kind == "cosine":
        return p["final"] + (1 - p["final"]) * (1 + np.cos(np.pi * a)) / 2
    # The lecture notes' linear decay: eps_k = (1 - a) eps_0 + a eps_tau, constant after tau.
    return (1 - a) + a * p["final"]


def _projection(constraint: Mapping[str, Any] | None):
    """The Euclidean projection onto ``{|w|_p <= radius}``, or None."""
    if constraint is None:
        return None
    if not isinstance(constraint, Mapping) or constraint.get("norm") not in ("l1", "l2"):
        raise ValueError(f"constraint must be {{'norm': 'l1' or 'l2', 'radius': r}}, got {constraint!r}")
    unknown = set(constraint) - {"norm", "radius"}
    if unknown:
        raise ValueError(f"constraint takes norm and radius; got {sorted(unknown)[0]!r}")
    radius = constraint.get("radius", 1.0)
    if not isinstance(radius, (int, float)) or not math.isfinite(radius) or radius <= 0:
        raise ValueError(f"constraint radius must be > 0, got {radius!r}")
    if constraint["norm"] == "l2":

        def project_l2(P: np.ndarray) -> np.ndarray:
            norm = np.hypot(P[:, :1], P[:, 1:])
            with np.errstate(all="ignore"):
                return np.where(norm > radius, P * (radius / norm), P)

        return project_l2

    def project_l1(P: np.ndarray) -> np.ndarray:
        # Duchi et al. (2008) specialised to 2-D: soft-threshold by theta so that |w|_1 = r.
        a = np.abs(P)
        big, small = a.max(-1, keepdims=True), a.min(-1, keepdims=True)
        both = small - (big + small - radius) / 2 > 0
        theta = np.where(both, (big + small - radius) / 2, big - radius)
        inside = a.sum(-1, keepdims=True) <= radius
        return np.where(inside, P, np.sign(P) * np.maximum(a - theta, 0.0))

    return project_l1


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
    """Row-wise squared norm of ``(N, 2)``, shaped ``(N,)`` (faster than hypot or sum(-1))."""
    v2 = v * v
    return v2[:, 0] + v2[:, 1]


# Trajectories are advanced in blocks of at most this many rows, one block after the other:
# a block's arrays stay in the CPU cache across the ~40 array operations of a step
# (measured: 0.33 s for Adam, 40,000 rows and 500 steps, in blocks of 2,048 to 8,192 rows
# against 0.36 s in one block). Small blocks also share out evenly between processes.
BLOCK_ROWS = 4096


@dataclasses.dataclass(frozen=True)
class _Settings:
    """Everything validated about one simulate() call that all chunks share."""

    opt: Optimizer
    surface: Any
    steps: int
    recorded: np.ndarray
    factors: np.ndarray | None
    constraint: Mapping[str, Any] | None
    proximal: bool
    tol2: float
    center: np.ndarray
    limit: float


def _rows(value: Any, rows: slice) -> Any:
    """The part of a per-trajectory ``(N, 1)`` array that belongs to ``rows``; scalars as is."""
    return value[rows] if isinstance(value, np.ndarray) and value.ndim == 2 else value


def _advance(cfg: _Settings, P, hp, options, rng, records) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance the trajectories ``P`` through every step; the one Python loop over steps.

    Writes the records into ``records`` (views on the run's arrays) and returns the final
    positions, ``diverged_at`` and the last step at which each trajectory was still moving.
    """
    noise, l1, l2, clip_norm, clip_value = options
    surface, opt, project, tol2 = cfg.surface, cfg.opt, _projection(cfg.constraint), cfg.tol2
    penalised = bool(np.any(l1 > 0) or np.any(l2 > 0))
    objective = Objective(surface, l1, l2, include_l1=not cfg.proximal) if penalised else surface
    has_l1 = bool(np.any(l1 > 0))
    # Inside this square every coordinate is surely inside the divergence box.
    inner_lo = float((cfg.center - cfg.limit).max())
    inner_hi = float((cfg.center + cfg.limit).min())
    path, loss, obj, grad_norm = records

    def stationarity(P: np.ndarray, g: np.ndarray) -> np.ndarray:
        """The minimum-norm subgradient (or projected gradient): its norm measures convergence."""
        if has_l1:
            # At w_i = 0, |w_i| has subdifferential [-l1, l1]: only the excess counts.
            smooth = g if cfg.proximal else g - l1 * np.sign(P)
            excess = np.sign(smooth) * np.maximum(np.abs(smooth) - l1, 0.0)
            g = np.where(P == 0, excess, smooth + l1 * np.sign(P))
        if project is not None:
            g = P - project(P - g)
        return g

    def all_good(P: np.ndarray, g2: np.ndarray) -> bool:
        """The fast check of a step from whole-array reductions (NaN fails every comparison);
        ``g2`` holds squared gradient norms, finite exactly where the gradient is."""
        ok = inner_lo <= _MIN(P, None) and _MAX(P, None) <= inner_hi and math.isfinite(_SUM(g2, None))
        return ok and (surface.defined_everywhere or math.isfinite(surface.value(P).sum()))

    def bad_rows(P: np.ndarray, g: np.ndarray) -> np.ndarray:
        bad = ~((np.abs(P - cfg.center) <= cfg.limit).all(-1) & np.isfinite(g).all(-1))
        if not surface.defined_everywhere:
            bad |= ~np.isfinite(surface.value(P))
        return bad

    n = P.shape[0]
    diverged_at = np.full(n, -1, dtype=np.int64)
    last_moving = np.full(n, -1, dtype=np.int64)  # last step with grad_norm > tol
    alive = np.ones(n, dtype=bool)
    r = 0

    def record(P: np.ndarray, g: np.ndarray) -> None:
        nonlocal r
        path[r] = P
        value = surface.value(P)
        loss[r] = value
        obj[r] = value + objective.penalty(P) if penalised else value
        grad_norm[r] = np.sqrt(_squared_norm(stationarity(P, g)))
        r += 1

    smooth_residual = not has_l1 and project is None  # then the residual is g itself
    factors, steps, recorded = cfg.factors, cfg.steps, cfg.recorded
    update, proximal = opt.update, cfg.proximal and has_l1
    with np.errstate(all="ignore"):
        g = objective.grad(P)
        if not all_good(P, g * g):  # A start where the surface is undefined: frozen at step 0.
            bad = bad_rows(P, g)
            diverged_at[bad], alive[bad] = 0, False
            g = np.where(bad[:, None], 0.0, g)
        frozen = not alive.all()
        state = opt.init(P)
        lr = hp.get("lr")
        record(P, g)
        next_record = int(recorded[r]) if r < len(recorded) else -1
        last_moving[_squared_norm(stationarity(P, g)) > tol2] = 0
        everyone_moving_at = 0 if (last_moving == 0).all() else -1
        for t in range(1, steps + 1):
            seen = g
            if rng is not None:
                seen = g + noise * rng.standard_normal(P.shape)
            if clip_value is not None:
                seen = np.clip(seen, -clip_value, clip_value)
            if clip_norm is not None:
                seen = seen * np.minimum(1.0, clip_norm / np.sqrt(_squared_norm(seen)))[:, None]
            if factors is not None:
                hp["lr"] = lr * factors[t - 1]
            P_new, state = update(P, seen, state, t, hp, objective)
            if proximal:
                P_new = np.sign(P_new) * np.maximum(np.abs(P_new) - hp["lr"] * l1, 0.0)
            if project is not None:
                P_new = project(P_new)
            g_new = objective.grad(P_new)
            g2 = _squared_norm(g_new)
            if frozen or not all_good(P_new, g2):
                bad = bad_rows(P_new, g_new)
                diverged_at[bad & alive] = t
                alive &= ~bad
                frozen = not alive.all()
                stay = ~alive[:, None]
                P_new, g_new = np.where(stay, P, P_new), np.where(stay, g, g_new)
                g2 = _squared_norm(g_new)
            P, g = P_new, g_new
            if not smooth_residual:
                g2 = _squared_norm(stationarity(P, g))
            # One reduction while everyone is still moving, the usual case.
            if _MIN(g2, None) > tol2:
                everyone_moving_at = t
            else:
                last_moving[g2 > tol2] = t
            if t == next_record:
                record(P, g)
                next_record = int(recorded[r]) if r < len(recorded) else -1
    return P, diverged_at, np.maximum(last_moving, everyone_moving_at)


def _share(P: np.ndarray, hp: dict, options: tuple, rows: slice) -> tuple[np.ndarray, dict, tuple]:
    """The starts, hyperparameters and options of the trajectories in ``rows``."""
    return P[rows], {k: _rows(v, rows) for k, v in hp.items()}, tuple(_rows(v, rows) for v in options)


def _part(out: tuple, rows: slice) -> list[np.ndarray]:
    """Views on the rows of simulate()'s outputs: per trajectory, then per record and trajectory."""
    return [a[rows] for a in out[:3]] + [a[:, rows] for a in out[3:]]


def _advance_blocks(cfg: _Settings, P, hp, options, seed, noisy: bool, first_block: int, out) -> None:
    """Advance ``P`` (whole blocks, the first of them numbered ``first_block``) into ``out``."""
    final, diverged_at, last_moving, *records = out
    for k, first in enumerate(range(0, P.shape[0], BLOCK_ROWS)):
        block, rows = first_block + k, slice(first, first + BLOCK_ROWS)
        # The first block draws from default_rng(seed), so small runs are reproducible by seed
        # alone; later blocks from their own streams, fixed by (seed, block).
        rng = np.random.default_rng(seed if block == 0 else [seed, block]) if noisy else None
        # Column-major: x and y are each contiguous, which speeds up the surface's gradient.
        final[rows], diverged_at[rows], last_moving[rows] = _advance(
            cfg,
            np.asfortranarray(P[rows]),
            *_share(P, hp, options, rows)[1:],
            rng,
            [a[:, rows] for a in records],
        )


def _advance_elsewhere(cfg: _Settings, P, hp, options, seed, noisy: bool, first_block: int) -> tuple:
    """_advance_blocks in a worker process: ``cfg`` names its optimizer; returns the outputs."""
    cfg = dataclasses.replace(cfg, opt=get_optimizer(cfg.opt))
    n, R = P.shape[0], len(cfg.recorded)
    out = (np.empty((n, 2)), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64))
    out += (np.empty((R, n, 2)), np.empty((R, n)), np.empty((R, n)), np.empty((R, n)))
    _advance_blocks(cfg, P, hp, options, seed, noisy, first_block, out)
    return out


def _submit(pool, cfg: _Settings, *args) -> concurrent.futures.Future | None:
    """Send a share to the workers (None when there are none or they are broken)."""
    if pool is None:
        return None
    try:
        return pool.submit(_advance_elsewhere, dataclasses.replace(cfg, opt=cfg.opt.name), *args)
    except BrokenProcessPool:  # a worker died since the last call
        parallel.drop()
        return None


def _result(future: concurrent.futures.Future | None, timeout: float) -> tuple | None:
    """A worker's outputs, or None if it failed: the caller then does that share itself, and a
    real error in the work shows up there, raised as it would be without workers."""
    if future is None:
        return None
    try:
        return future.result(timeout=timeout)
    except (BrokenProcessPool, TimeoutError):
        parallel.drop()  # a worker died (killed for memory?) or hangs: start afresh next time
    except Exception:  # e.g. a surface that does not pickle (a lambda inside)
        pass
    return None


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
    constraint: Mapping[str, Any] | None = None,
    record_every: int = 1,
    tol: float = 1e-6,
    **hyperparameters: Any,
) -> Run:
    """Run ``optimizer`` on ``surface`` from every start at once for ``steps`` steps.

    Each step: the objective's gradient g (surface plus penalty), plus Gaussian noise of
    standard deviation ``noise`` per component (minibatch noise), clipped to
    ``clip_value`` per component and then to norm ``clip_norm``; the optimizer's update with
    ``lr`` scaled by ``schedule``; with ``proximal=True`` (gd only) the exact L1 proximal
    step (soft-thresholding by lr * l1) instead of the L1 subgradient; projection onto the
    ``constraint`` ball. Every numeric option and hyperparameter is a scalar or one value per
    trajectory. Bad arguments raise ``ValueError``; diverging trajectories do not.
    """
    opt = get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    P = np.array(starts, dtype=np.float64, ndmin=2)
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] == 0:
        raise ValueError(f"starts must have shape (N, 2) or (2,), got {np.shape(starts)}")
    if not np.isfinite(P).all():
        raise ValueError("starts must be finite numbers")
    n = P.shape[0]
    steps = _integer("steps", steps, 0, MAX_STEPS)
    record_every = _integer("record_every", record_every, 1, MAX_STEPS)
    recorded = _record_steps(steps, record_every)
    size = len(recorded) * n * RECORD_BYTES_PER_POINT
    if size > MEMORY_BUDGET_BYTES:
        needed = math.ceil(steps * n * RECORD_BYTES_PER_POINT / MEMORY_BUDGET_BYTES) + 1
        raise ValueError(
            f"recording {len(recorded)} steps of {n} trajectories needs {size / 2**20:.0f} MB, "
            f"over the {MEMORY_BUDGET_BYTES // 2**20} MB budget: use record_every={needed} "
            "or more, fewer steps, or fewer trajectories"
        )
    hp = opt.hyperparameters(n, **hyperparameters)
    options = (
        checked_number("noise", noise, NON_NEGATIVE, n),
        checked_number("l1", l1, NON_NEGATIVE, n),
        checked_number("l2", l2, NON_NEGATIVE, n),
        None if clip_norm is None else checked_number("clip_norm", clip_norm, POSITIVE, n),
        None if clip_value is None else checked_number("clip_value", clip_value, POSITIVE, n),
    )
    if proximal and opt.name != "gd":
        raise ValueError(f"proximal=True is the proximal gradient method: use it with gd, not {opt.name}")
    cfg = _Settings(
        opt=opt,
        surface=surface,
        steps=steps,
        recorded=recorded,
        factors=_schedule_factors(schedule, steps),
        constraint=constraint if _projection(constraint) else None,  # checked here
        proximal=bool(proximal),
        tol2=checked_number("tol", tol, NON_NEGATIVE, 1) ** 2,
        center=surface.center,
        limit=DIVERGENCE_BOX * float(surface.half_width.max()),
    )
    R = len(recorded)
    out = (
        np.empty((n, 2)),  # final
        np.empty(n, dtype=np.int64),  # diverged_at
        np.empty(n, dtype=np.int64),  # last_moving
        np.empty((R, n, 2)),  # path
        np.empty((R, n)),  # loss
        np.empty((R, n)),  # objective
        np.empty((R, n)),  # grad_norm
    )
    noisy = bool(np.any(options[0] > 0))
    blocks = math.ceil(n / BLOCK_ROWS)
    shareable = blocks > 1 and OPTIMIZERS.get(opt.name) is opt  # workers look it up by name
    with parallel.workers(n * steps) if shareable else contextlib.nullcontext() as pool:
        # Whole blocks per process, the first share here, the others in the workers.
        cuts = np.linspace(0, blocks, 1 + (parallel.WORKERS if pool else 0) + 1).round().astype(int)
        shares = [
            (int(a), slice(a * BLOCK_ROWS, b * BLOCK_ROWS)) for a, b in itertools.pairwise(cuts) if b > a
        ]
        futures = [
            _submit(pool, cfg, *_share(P, hp, options, rows), seed, noisy, first)
            for first, rows in shares[1:]
        ]
        if any(futures):
            parallel.used += 1
        started = time.perf_counter()
        first, rows = shares[0]
        _advance_blocks(cfg, *_share(P, hp, options, rows), seed, noisy, first, _part(out, rows))
        # The workers' shares are as large as this one: far longer means something is stuck.
        patience = 30.0 + 20.0 * (time.perf_counter() - started)
        for future, (first, rows) in zip(futures, shares[1:], strict=True):
            part, theirs = _part(out, rows), _result(future, patience)
            if theirs is None:  # the workers failed: do their share here
                _advance_blocks(cfg, *_share(P, hp, options, rows), seed, noisy, first, part)
                continue
            for mine, computed in zip(part, theirs, strict=True):
                mine[...] = computed
    final, diverged_at, last_moving, path, loss, obj, grad_norm = out
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
    )
