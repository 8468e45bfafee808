"""Engine speed: Adam and Newton on Rosenbrock, 500 steps, final positions only.

    python bench/engine.py            (torch columns appear when torch is installed)

For each N it times, interleaved and best of several repeats: simulate() on all N starts
at once (large runs share their blocks with worker processes: optimizers/parallel.py); the
same work as a Python loop of one-trajectory simulate() calls (small N); and torch.optim.Adam
on one (N, 2) float64 tensor with autograd gradients. It also reports the peak memory
(tracemalloc) of the N = 40,000 Adam run, with the workers and all in this process.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import parallel, simulate
from surfaces import get_surface

try:
    import torch
except ImportError:
    torch = None

STEPS = 500
SIZES = (1, 100, 10_000, 40_000)
LOOP_LIMIT = 100  # the per-trajectory loop is timed up to this N
REPEATS = 5


def starts(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)])


def ours(surface, name: str, P: np.ndarray) -> float:
    t0 = time.perf_counter()
    simulate(surface, name, P, STEPS, record_every=STEPS, lr=1e-3 if name == "adam" else 1.0)
    return time.perf_counter() - t0


def loop(surface, name: str, P: np.ndarray) -> float:
    t0 = time.perf_counter()
    for p in P:
        simulate(surface, name, p, STEPS, record_every=STEPS, lr=1e-3 if name == "adam" else 1.0)
    return time.perf_counter() - t0


def torch_adam(P: np.ndarray) -> float:
    torch.set_num_threads(2)
    p = torch.tensor(P, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3)
    t0 = time.perf_counter()
    for _ in range(STEPS):
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((1 - x) ** 2 + 100 * (y - x**2) ** 2).sum().backward()
        opt.step()
    return time.perf_counter() - t0


def best(fn, *args) -> float:
    return min(fn(*args) for _ in range(REPEATS))


def main() -> None:
    surface = get_surface("rosenbrock")
    simulate(surface, "adam", starts(10), 10)  # compile and warm up
    workers = parallel.WORKERS if parallel.wait_until_ready() else 0
    rows = []
    for name in ("adam", "newton"):
        for n in SIZES:
            P = starts(n)
            times = {"ours": [], "loop": [], "torch": []}
            for _ in range(REPEATS):  # interleaved, so drifts of the machine hit all alike
                times["ours"].append(ours(surface, name, P))
                if n <= LOOP_LIMIT:
                    times["loop"].append(loop(surface, name, P))
                if name == "adam" and torch is not None:
                    times["torch"].append(torch_adam(P))
            rows.append((name, n, {k: min(v) for k, v in times.items() if v}))
    print(
        f"Rosenbrock, {STEPS} steps, final positions only; best of {REPEATS}; numpy {np.__version__}"
        + f"; {workers} worker process(es) beside this one above {parallel.MIN_POINT_STEPS:,} point-steps"
        + (f", torch {torch.__version__}" if torch else ", torch not installed")
    )
    print()
    print(
        "| optimizer | N | simulate s | M point-steps/s | per-trajectory loop s | torch.optim s | vs torch |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, t in rows:
        rate = n * STEPS / t["ours"] / 1e6
        loop_s = f"{t['loop']:.3f}" if "loop" in t else "-"
        torch_s = f"{t['torch']:.3f}" if "torch" in t else "-"
        ratio = f"{t['torch'] / t['ours']:.1f}x" if "torch" in t else "-"
        print(f"| {name} | {n:,} | {t['ours']:.4f} | {rate:.2f} | {loop_s} | {torch_s} | {ratio} |")
    if torch is None:
        print("\ntorch is not installed: the table has this engine's timings only (no torch columns)")
    peaks = []
    for extra in (parallel.WORKERS, 0):
        parallel.WORKERS = extra
        tracemalloc.start()
        simulate(surface, "adam", starts(40_000), STEPS, record_every=STEPS, lr=1e-3)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    print()
    print(
        f"peak memory (tracemalloc) of adam, N = 40,000: {peaks[0]:.1f} MB in this process with "
        f"the workers (each worker holds its share), {peaks[1]:.1f} MB all in this process"
    )


if __name__ == "__main__":
    main()
