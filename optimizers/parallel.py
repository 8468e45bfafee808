"""How simulate() splits its work: blocks of trajectories, some of them advanced by worker
processes on the other cores.

Trajectories are advanced in blocks of ``BLOCK_ROWS``, one after the other; each block draws
its noise from its own random stream, fixed by (seed, block number), so a block gives the same
numbers whoever advances it.

NumPy's operations on a few thousand rows are too short for Python threads to overlap: the
GIL hand-over costs more than they gain (measured: two threads slower than one). So the other
cores run worker processes, started once and kept. A call uses them only when its work is
large, the workers are warm and nobody else is using them; otherwise it works alone, with the
same results to the last bit, since blocks and their random streams do not depend on who runs
them. A pool that breaks (a worker killed) is dropped and the work done here instead.

A caller that may be stopped (a student's Stop, or a newer setting on the page) says so with
:func:`stoppable`: its check is called between pieces of the work here (every step of a run,
through :func:`checkpoint`) and every ``STOP_POLL`` seconds while a worker's share is waited
for. When the check raises, the workers' jobs of that call are ended (their processes
terminated, the pool dropped: only one call uses the pool at a time) and the exception goes up.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import contextvars
import importlib
import itertools
import math
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

# A block's arrays stay in the CPU cache across the ~40 array operations of a step (measured:
# 0.33 s for Adam, 40,000 rows and 500 steps, in blocks of 2,048 to 8,192 rows against 0.36 s
# in one block). Small blocks also share out evenly between processes.
BLOCK_ROWS = 4096


def _cores() -> int:
    """The cores this process may use: its CPU affinity, and a container's CPU quota (cgroup v2)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return cores


def _workers() -> int:
    """Extra processes: one per core beyond the first, at most 3; LOSS_SURFACE_WORKERS (a
    whole number, 0 for none) overrides."""
    given = os.environ.get("LOSS_SURFACE_WORKERS", "").strip()
    return max(0, int(given)) if given.isdigit() else min(3, _cores() - 1)


WORKERS = _workers()
# Below this many point-steps (~25 ms of work here) sending half of it away gains too little.
MIN_POINT_STEPS = 2_000_000

_lock = threading.Lock()  # held by the one call using the workers
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_warm: list[concurrent.futures.Future] = []
_failed = False
_at_exit: list[bool] = []  # whether drop() is registered to run at exit
used = 0  # calls that shared their work with the workers (tests read it)


# Whether this process has others' work waiting (a server's other sessions; ui/fair.py sets it):
# map_calls then sends all its calls to the workers and waits, leaving this core to the others.
def yield_here() -> bool:
    return False


# ---------------------------------------------------------------- being stopped

STOP_POLL = 0.25  # seconds between two checks while a worker's share is waited for
_check: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar("check", default=None)


@contextlib.contextmanager
def stoppable(check: Callable[[], None]) -> Iterator[None]:
    """Work in this context (this thread) calls ``check`` now and then; when it raises, the
    work stops there, the workers' jobs of the call included, and its exception goes up."""
    token = _check.set(check)
    try:
        yield
    finally:
        _check.reset(token)


def checkpoint() -> None:
    """Let the caller's check (:func:`stoppable`) stop the work here; nothing without one."""
    check = _check.get()
    if check is not None:
        check()


@contextlib.contextmanager
def _ended_if_stopped(futures: list) -> Iterator[None]:
    """Around the part of a call that waits for ``futures``: if it stops (a check raised, or
    its share here failed), their jobs are ended, not left to run on for nobody."""
    try:
        yield
    except BaseException:
        _end_jobs(futures)
        raise


def _end_jobs(futures: list) -> None:
    """The call these futures belong to was stopped: end its workers' jobs still running, by
    terminating the worker processes (a job in flight cannot be cancelled otherwise) and
    dropping the pool; the next large call starts another."""
    if _pool is None or all(f is None or f.done() for f in futures):
        return
    for process in list((getattr(_pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    drop()


# What every job of a worker needs, imported once by the fork server: the engine (the jobs
# name their step function, optimizers.simulation._advance) and SymPy (surfaces are rebuilt
# from their expressions). Names, not imports: this module is below the engine.
PRELOAD = ["optimizers.simulation", "surfaces"]


# The workers' niceness: on a busy machine the server process, which draws every tab's page,
# gets the cores first and the workers the rest (idle cores are theirs all the same).
WORKER_NICE = 5


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not allowed, or not on this platform
        os.nice(WORKER_NICE)


def _warm_up() -> int:
    for name in PRELOAD:
        importlib.import_module(name)
    return os.getpid()


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start processes without the caller's ``__main__``: a spawned worker would otherwise run
    the caller's script again (multiprocessing's "safe importing of main module" rule, which a
    user's script or notebook need not follow)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _ready() -> concurrent.futures.ProcessPoolExecutor | None:
    """The pool when its workers have started; the first call starts them in the background."""
    global _pool, _warm, _failed
    if _pool is None:
        try:
            context = multiprocessing.get_context("forkserver")
            # Not fork: this process has threads (Streamlit's). The fork server imports the
            # engine and SymPy once and every worker starts from that copy.
            context.set_forkserver_preload(PRELOAD)
        except ValueError:  # no fork server on this platform
            context = multiprocessing.get_context("spawn")
        try:
            with _main_hidden():  # the workers are all started here, by the warm-up jobs
                _pool = concurrent.futures.ProcessPoolExecutor(
                    WORKERS, mp_context=context, initializer=_lower_priority
                )
                _warm = [_pool.submit(_warm_up) for _ in range(WORKERS)]
        except Exception:  # e.g. no /dev/shm for its locks in some sandboxes
            drop()
            _failed = True  # processes cannot be started here: stop trying
            return None
        if not _at_exit:  # once: a pool dropped and started again is the same module's
            atexit.register(drop, wait=True)  # while the interpreter is whole, not at its teardown
            _at_exit.append(True)
    if not all(f.done() for f in _warm):
        return None
    if any(f.exception() is not None for f in _warm):
        drop()
        _failed = True  # workers cannot start here: stop trying
        return None
    return _pool


@contextlib.contextmanager
def workers(point_steps: int) -> Iterator[concurrent.futures.ProcessPoolExecutor | None]:
    """The worker pool if ``point_steps`` of work are worth sharing and it is warm and idle,
    else None: the caller then does all the work itself."""
    if WORKERS < 1 or _failed or point_steps < MIN_POINT_STEPS or not _lock.acquire(blocking=False):
        yield None
        return
    try:
        yield _ready()
    finally:
        _lock.release()


def drop(wait: bool = False) -> None:
    """Stop and forget the pool (a broken one, or at exit); a later large call starts another."""
    global _pool, _warm
    if _pool is not None:
        _pool.shutdown(wait=wait, cancel_futures=True)
    _pool, _warm = None, []


def wait_until_ready(timeout: float = 60.0) -> bool:
    """Start the workers and wait for them (tests and benchmarks); False if they cannot run."""
    if WORKERS < 1 or _failed:
        return False
    with _lock:
        _ready()
        concurrent.futures.wait(_warm, timeout=timeout)
        return _ready() is not None


# ---------------------------------------------------------------- splitting a run

# advance(cfg, P, hp, options, rng, out): one block, written into ``out``, its part of the
# run's records.Recorders (whose rows(), layout(), allocate() and fill() are all used here).
Advance = Callable[..., None]


def _rows(value: Any, rows: slice) -> Any:
    """The part of a per-trajectory ``(N, 1)`` array that belongs to ``rows``; scalars as is."""
    return value[rows] if isinstance(value, np.ndarray) and value.ndim == 2 else value


def _share(P: np.ndarray, hp: dict, options: tuple, rows: slice) -> tuple[np.ndarray, dict, tuple]:
    """The starts, hyperparameters and options of the trajectories in ``rows``."""
    return (
        P[rows],
        {k: _rows(v, rows) for k, v in hp.items()},
        type(options)(*(_rows(v, rows) for v in options)),
    )


def _advance_blocks(advance: Advance, cfg, P, hp, options, seed, noisy: bool, first_block: int, out) -> None:
    """Advance ``P`` (whole blocks, the first of them numbered ``first_block``) into ``out``."""
    for k, first in enumerate(range(0, P.shape[0], BLOCK_ROWS)):
        block, rows = first_block + k, slice(first, first + BLOCK_ROWS)
        # The first block draws from default_rng(seed), so small runs are reproducible by seed
        # alone; later blocks from their own streams, fixed by (seed, block).
        rng = np.random.default_rng(seed if block == 0 else [seed, block]) if noisy else None
        _, block_hp, block_options = _share(P, hp, options, rows)
        # Column-major points: x and y are each contiguous, which speeds up a surface's
        # gradient; a network's parameters stay row-major, one network a row.
        starts = np.asfortranarray(P[rows]) if P.shape[1] == 2 else P[rows].copy()
        advance(cfg, starts, block_hp, block_options, rng, out.rows(rows))


def _advance_elsewhere(advance: Advance, cfg, P, hp, options, seed, noisy, first_block, layout):
    """_advance_blocks in a worker process, into fresh outputs of ``layout``."""
    out = layout.allocate()
    _advance_blocks(advance, cfg, P, hp, options, seed, noisy, first_block, out)
    return out


def _submit(pool, *args) -> concurrent.futures.Future | None:
    """Send a share to the workers (None when there are none or they are broken)."""
    if pool is None:
        return None
    try:
        return pool.submit(_advance_elsewhere, *args)
    except BrokenProcessPool:  # a worker died since the last call
        drop()
        return None


def _result(future: concurrent.futures.Future | None, timeout: float) -> Any:
    """A worker's outputs, or None if it failed: the caller then does that share itself, and a
    real error in the work shows up there, raised as it would be without workers."""
    if future is None:
        return None
    deadline = time.perf_counter() + timeout
    # In slices, the caller's check between them (stoppable): it may stop the wait, and its
    # exception goes up (the caller ends the job).
    while not future.done() and (left := deadline - time.perf_counter()) > 0:
        concurrent.futures.wait([future], timeout=min(STOP_POLL, left))
        checkpoint()
    try:
        return future.result(timeout=0)
    except (BrokenProcessPool, TimeoutError):
        drop()  # a worker died (killed for memory?) or hangs: start afresh next time
    except Exception:  # e.g. a surface that does not pickle (a lambda inside)
        pass
    return None


def advance_all(advance: Advance, cfg, P, hp, options, seed: int, noisy: bool, out, sendable=None) -> None:
    """Advance every trajectory of ``P`` into ``out`` (the run's Recorders), block by block;
    when the run is large and ``sendable`` (``cfg`` as it can be pickled) is given, whole
    blocks go to the idle workers, and their share is done here if they fail. The result is
    the same to the last bit either way."""
    global used
    n = P.shape[0]
    blocks = math.ceil(n / BLOCK_ROWS)
    shareable = blocks > 1 and sendable is not None
    with workers(n * cfg.steps) if shareable else contextlib.nullcontext() as pool:
        # Whole blocks per process, the first share here, the others in the workers.
        cuts = np.linspace(0, blocks, 1 + (WORKERS if pool else 0) + 1).round().astype(int)
        shares = [
            (int(a), slice(a * BLOCK_ROWS, b * BLOCK_ROWS)) for a, b in itertools.pairwise(cuts) if b > a
        ]
        futures = []
        for first, rows in shares[1:]:
            layout = out.rows(rows).layout()
            args = (advance, sendable, *_share(P, hp, options, rows), seed, noisy, first, layout)
            futures.append(_submit(pool, *args))
        if any(futures):
            used += 1
        with _ended_if_stopped(futures):
            started = time.perf_counter()
            first, rows = shares[0]
            _advance_blocks(advance, cfg, *_share(P, hp, options, rows), seed, noisy, first, out.rows(rows))
            # The workers' shares are as large as this one: far longer means something is stuck.
            patience = 30.0 + 20.0 * (time.perf_counter() - started)
            for future, (first, rows) in zip(futures, shares[1:], strict=True):
                part, theirs = out.rows(rows), _result(future, patience)
                if theirs is None:  # the workers failed: do their share here
                    _advance_blocks(advance, cfg, *_share(P, hp, options, rows), seed, noisy, first, part)
                    continue
                part.fill(theirs)


CALL_PATIENCE = 120.0  # seconds a call sent away may take (the heaviest landscape: ~5 s here)


def call_elsewhere(fn: Callable[..., Any], *args: Any, worth: bool = True) -> Any:
    """``fn(*args)``, in an idle worker while this process has others' work waiting
    (:func:`yield_here`) and it is ``worth`` it (a heavy scene's landscape), here otherwise or
    if the worker fails; the result is the same either way. ``fn`` must be importable by name."""
    global used
    if not worth or not yield_here():
        return fn(*args)
    with workers(MIN_POINT_STEPS) as pool:
        if pool is None:
            return fn(*args)
        try:
            future = pool.submit(fn, *args)
        except BrokenProcessPool:
            drop()
            return fn(*args)
        used += 1
        with _ended_if_stopped([future]):
            result = _result(future, CALL_PATIENCE)  # a hung worker: dropped, and the call done here
    return fn(*args) if result is None else result


def map_calls(fn: Callable[..., Any], calls: list[tuple], worth: bool = True) -> list:
    """``[fn(*args) for args in calls]``, a share of the calls in the idle workers when it is
    ``worth`` it (independent runs, e.g. the optimizers of one Network page scene), the first
    share here. A call a worker fails is done here, so a real error is raised as without
    workers; the results are the same either way. ``fn`` must be importable by name."""
    global used
    if len(calls) < 2 or not worth:
        return [fn(*args) for args in calls]
    with workers(MIN_POINT_STEPS) as pool:
        if pool is None:
            return [fn(*args) for args in calls]
        here = 0 if yield_here() else math.ceil(len(calls) / (WORKERS + 1))
        futures = []
        for args in calls[here:]:
            try:
                futures.append(pool.submit(fn, *args))
            except BrokenProcessPool:
                drop()
                futures.append(None)
        used += 1
        with _ended_if_stopped(futures):
            started, results = time.perf_counter(), []
            for args in calls[:here]:
                checkpoint()
                results.append(fn(*args))
            patience = 30.0 + 20.0 * (time.perf_counter() - started)
            for future, args in zip(futures, calls[here:], strict=True):
                result = _result(future, patience)
                results.append(fn(*args) if result is None else result)
    return results
