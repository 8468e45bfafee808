"""Large simulate() calls on every core: worker processes advance some of the blocks.

NumPy's operations on a few thousand rows are too short for Python threads to overlap: the
GIL hand-over costs more than they gain (measured: two threads slower than one). So the other
cores run worker processes, started once and kept. A call uses them only when its work is
large, the workers are warm and nobody else is using them; otherwise it works alone, with the
same results to the last bit, since blocks and their random streams do not depend on who runs
them. A pool that breaks (a worker killed) is dropped and the work done here instead.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path


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
used = 0  # calls that shared their work with the workers (tests read it)


def _warm_up() -> int:
    import optimizers.simulate  # noqa: F401  NumPy and the engine, once per worker
    import surfaces  # noqa: F401  SymPy, to rebuild the surfaces sent

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
            context.set_forkserver_preload(["optimizers.simulate", "surfaces"])
        except ValueError:  # no fork server on this platform
            context = multiprocessing.get_context("spawn")
        try:
            with _main_hidden():  # the workers are all started here, by the warm-up jobs
                _pool = concurrent.futures.ProcessPoolExecutor(WORKERS, mp_context=context)
                _warm = [_pool.submit(_warm_up) for _ in range(WORKERS)]
        except Exception:  # e.g. no /dev/shm for its locks in some sandboxes
            drop()
            _failed = True  # processes cannot be started here: stop trying
            return None
        atexit.register(drop, wait=True)  # while the interpreter is whole, not at its teardown
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
