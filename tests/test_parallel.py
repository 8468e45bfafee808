"""Large runs shared with worker processes: the same Run to the last bit, and safe fallbacks."""

import concurrent.futures
import contextlib
import dataclasses
import pickle
import subprocess
import sys
import textwrap
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pytest

from optimizers import parallel, simulate
from optimizers.parallel import BLOCK_ROWS
from surfaces import get_surface, surface_from_expression

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("path", "loss", "objective", "grad_norm", "step", "final", "diverged_at", "converged_at")


@pytest.fixture
def workers(monkeypatch):
    """One worker, used for any work however small (a pool an earlier test left, with the
    machine's count of workers, is dropped first)."""
    parallel.drop(wait=True)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    monkeypatch.setattr(parallel, "MIN_POINT_STEPS", 0)
    assert parallel.wait_until_ready()


def alone(monkeypatch, *args, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(parallel, "WORKERS", 0)
        return simulate(*args, **kwargs)


def assert_same_run(a, b):
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def starts(n, low=-2.0, high=2.0):
    return np.random.default_rng(1).uniform(low, high, (n, 2))


def test_surfaces_pickle_without_their_compiled_functions():
    for surface in (
        get_surface("narrow_valley", kappa=100.0, angle=30.0),
        surface_from_expression("log(1 + x**2) + abs(y)"),
    ):
        surface.grad(np.zeros((1, 2)))  # compiled and cached here
        copy = pickle.loads(pickle.dumps(surface))
        P = starts(50)
        assert np.array_equal(copy.value(P), surface.value(P))
        assert np.array_equal(copy.grad(P), surface.grad(P))
        assert np.array_equal(copy.hessian(P), surface.hessian(P))
        assert copy.defined_everywhere == surface.defined_everywhere
    assert (
        pickle.loads(pickle.dumps(get_surface("narrow_valley"))).with_params(kappa=10.0).params["kappa"] == 10
    )


@pytest.mark.parametrize(
    ("name", "optimizer", "options"),
    [
        (
            "narrow_valley",
            "momentum",
            {
                "noise": 0.5,
                "seed": 3,
                "schedule": {"kind": "linear", "tau": 30, "final": 0.1},
                "clip_norm": 5.0,
                "l1": 0.2,
                "constraint": {"norm": "l2", "radius": 1.5},
                "record_every": 7,
            },
        ),
        ("rosenbrock", "adam", {"record_every": 1}),
        ("cliff", "gd", {"lr": 0.5}),  # many trajectories diverge, in both processes
        ("himmelblau", "bfgs", {}),
    ],
)
def test_workers_give_the_same_run_to_the_last_bit(workers, monkeypatch, name, optimizer, options):
    surface = get_surface(name)
    n = 3 * BLOCK_ROWS + 5  # four blocks, the last one short
    lr = (
        np.geomspace(1e-3, 1e-2, n)
        if optimizer != "bfgs" and "lr" not in options
        else options.pop("lr", None)
    )
    kwargs = {**options, **({} if lr is None else {"lr": lr})}
    used = parallel.used
    shared = simulate(surface, optimizer, starts(n), 60, **kwargs)
    assert parallel.used == used + 1  # the worker did take part
    assert_same_run(shared, alone(monkeypatch, surface, optimizer, starts(n), 60, **kwargs))
    if name == "cliff":
        assert (shared.diverged_at[: n // 2] >= 0).any() and (shared.diverged_at[n // 2 :] >= 0).any()


def test_custom_surfaces_and_undefined_regions_in_workers(workers, monkeypatch):
    surface = surface_from_expression("log(x) + (y - 1)**2", bounds=((0.1, 3.0), (-2.0, 2.0)))
    P = starts(2 * BLOCK_ROWS + 1, 0.2, 2.0)
    shared = simulate(surface, "gd", P, 40, lr=np.geomspace(0.01, 3, len(P)))
    assert (shared.diverged_at >= 0).any()  # log(x) left its domain for the large steps
    assert_same_run(shared, alone(monkeypatch, surface, "gd", P, 40, lr=np.geomspace(0.01, 3, len(P))))


class _Failing(concurrent.futures.Executor):
    """A pool whose work fails as ``how`` says: at submission or in the result."""

    def __init__(self, how: str):
        self.how = how

    def submit(self, fn, /, *args, **kwargs):
        if self.how == "submit":
            raise BrokenProcessPool("a worker died while idle")
        future = concurrent.futures.Future()
        error = {"broken": BrokenProcessPool("a worker was killed"), "stuck": TimeoutError()}[self.how]
        future.set_exception(error)
        return future


@pytest.mark.parametrize("how", ["submit", "broken", "stuck"])
def test_a_failing_pool_is_dropped_and_its_share_done_here(monkeypatch, how):
    dropped = []

    @contextlib.contextmanager
    def failing_workers(point_steps):
        yield _Failing(how)

    surface = get_surface("rosenbrock")
    P = starts(2 * BLOCK_ROWS + 3)
    expected = alone(monkeypatch, surface, "adam", P, 30, lr=0.01, noise=0.1, seed=5)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    monkeypatch.setattr(parallel, "workers", failing_workers)
    monkeypatch.setattr(parallel, "drop", lambda wait=False: dropped.append(True))
    assert_same_run(simulate(surface, "adam", P, 30, lr=0.01, noise=0.1, seed=5), expected)
    assert dropped == [True]


def test_a_surface_that_does_not_pickle_is_run_here_and_the_pool_kept(workers, monkeypatch):
    base = get_surface("booth")
    odd = dataclasses.replace(base, factory=lambda **params: base)  # a lambda does not pickle
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(odd)
    P = starts(2 * BLOCK_ROWS + 1)
    used = parallel.used
    assert_same_run(simulate(odd, "gd", P, 20, lr=0.01), alone(monkeypatch, base, "gd", P, 20, lr=0.01))
    simulate(base, "gd", P, 20, lr=0.01)
    assert parallel.used == used + 2  # both calls shared; the pool survived the first one


def test_small_runs_and_unknown_optimizers_stay_here(monkeypatch):
    monkeypatch.setattr(parallel, "WORKERS", 1)
    used = parallel.used
    simulate(get_surface("booth"), "adam", starts(100), 500)  # the Playground's size
    from optimizers.registry import get_optimizer

    mine = get_optimizer("gd")._replace(name="gd")  # equal, but not the registered object
    monkeypatch.setattr(parallel, "MIN_POINT_STEPS", 0)
    simulate(get_surface("booth"), mine, starts(2 * BLOCK_ROWS), 5)
    assert parallel.used == used


def test_workers_do_not_run_the_callers_script_again(tmp_path):
    """A script without the ``if __name__ == "__main__"`` guard, as users write them."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            print("script body ran", flush=True)
            import numpy as np
            from optimizers import parallel, simulate
            from surfaces import get_surface
            assert parallel.wait_until_ready(), "workers did not start"
            P = np.random.default_rng(0).uniform(-2, 2, (40_000, 2))
            run = simulate(get_surface("rosenbrock"), "adam", P, 100, record_every=100)
            print("used", parallel.used, flush=True)
            """
        )
    )
    env = {"LOSS_SURFACE_WORKERS": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("script body ran") == 1
    assert "used 1" in done.stdout
    assert "Error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("given", "expected"), [("0", 0), ("2", 2), (" 1 ", 1), ("-1", None), ("many", None)]
)
def test_the_number_of_workers_can_be_set_and_bad_values_are_ignored(monkeypatch, given, expected):
    monkeypatch.setenv("LOSS_SURFACE_WORKERS", given)
    default = min(3, parallel._cores() - 1)
    assert parallel._workers() == (default if expected is None else expected)


def test_a_machine_without_worker_processes_just_works_alone(monkeypatch):
    def no_processes(*args, **kwargs):
        raise OSError("no /dev/shm here")

    monkeypatch.setattr(parallel, "_pool", None)
    monkeypatch.setattr(parallel, "_failed", False)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    monkeypatch.setattr(parallel, "MIN_POINT_STEPS", 0)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    surface = get_surface("booth")
    P = starts(2 * BLOCK_ROWS)
    used = parallel.used
    run = simulate(surface, "adam", P, 10)
    assert parallel._failed and parallel.used == used
    assert not parallel.wait_until_ready()
    monkeypatch.setattr(parallel, "WORKERS", 0)
    assert_same_run(run, simulate(surface, "adam", P, 10))


def test_a_network_scenes_optimizers_train_on_the_workers_with_the_same_results(monkeypatch):
    from ui import network_scene as ns

    s = ns.network_defaults()
    s.steps = 150
    s.optimizers = {n: ns.network_hyperparameters(n) for n in ("gd", "momentum", "adam")}
    assert parallel.wait_until_ready()
    before = parallel.used
    shared = ns.train(s)
    assert parallel.used == before + 1  # two of the three went to the worker
    monkeypatch.setattr(parallel, "WORKERS", 0)
    alone = ns.train(s)
    for a, b in zip(shared.trained, alone.trained, strict=True):
        np.testing.assert_array_equal(a.run.path, b.run.path)
        np.testing.assert_array_equal(a.sharpness, b.sharpness)


def test_a_call_a_worker_cannot_run_is_done_here():
    calls = [(np.arange(3),), (lambda: None,)]  # a lambda does not pickle: the worker fails it
    assert parallel.wait_until_ready()
    results = parallel.map_calls(_describe, calls)
    assert results == ["ndarray", "function"]


def _describe(value):
    return type(value).__name__


def test_while_others_wait_every_call_goes_to_the_workers_with_the_same_results(workers, monkeypatch):
    """ui/fair.py: a server process with other sessions' runs in flight keeps its own core for
    them; a Network scene's calls then all run in the worker processes."""
    import os

    calls = [(k,) for k in range(4)]
    monkeypatch.setattr(parallel, "yield_here", lambda: True)
    pids = parallel.map_calls(_pid_and_square, calls)
    assert [square for _, square in pids] == [0, 1, 4, 9]
    assert all(pid != os.getpid() for pid, _ in pids)  # none here
    monkeypatch.setattr(parallel, "yield_here", lambda: False)
    pids = parallel.map_calls(_pid_and_square, calls)
    assert sum(pid == os.getpid() for pid, _ in pids) == 2  # its share here: half, with one worker


def test_a_heavy_call_goes_to_a_worker_only_while_others_wait(workers, monkeypatch):
    import os

    monkeypatch.setattr(parallel, "yield_here", lambda: True)
    pid, square = parallel.call_elsewhere(_pid_and_square, 7)
    assert square == 49 and pid != os.getpid()
    pid, _ = parallel.call_elsewhere(_pid_and_square, 7, worth=False)  # too small to send
    assert pid == os.getpid()
    assert parallel.call_elsewhere(_describe, lambda: None) == "function"  # unpicklable: done here
    monkeypatch.setattr(parallel, "yield_here", lambda: False)
    pid, _ = parallel.call_elsewhere(_pid_and_square, 7)
    assert pid == os.getpid()


def test_the_workers_yield_the_cores_to_the_server_process(workers, monkeypatch):
    import os

    monkeypatch.setattr(parallel, "yield_here", lambda: True)
    niceness = parallel.call_elsewhere(os.nice, 0)
    assert niceness == os.nice(0) + parallel.WORKER_NICE


def test_a_heavy_landscape_computed_in_a_worker_is_the_same(workers, monkeypatch):
    """A scene whose landscape is worth sending away (1,000 points, 32 x 2 units) gives the
    same plane to the last bit whether it is computed here or in the worker."""
    from ui import network_scene as ns

    s = ns.network_defaults()
    s.n, s.units, s.steps = 1000, 32, 100
    s.optimizers = {"gd": ns.network_hyperparameters("gd")}
    result = ns.train(s, with_plane=False)
    assert ns.plane_work(result) >= ns.PLANE_ELSEWHERE_WORK
    here = ns.add_plane(result).landscape
    monkeypatch.setattr(parallel, "yield_here", lambda: True)
    before = parallel.used
    there = ns.add_plane(result).landscape
    assert parallel.used == before + 1
    np.testing.assert_array_equal(here.loss, there.loss)


def test_the_fair_share_tells_the_engine_when_other_tabs_are_running():
    from ui import fair

    assert parallel.yield_here is fair._others_waiting
    assert not parallel.yield_here()
    with fair._counted():  # this tab's run alone
        assert not parallel.yield_here()
        with fair._counted():  # and another tab's
            assert parallel.yield_here()


def _pid_and_square(k):
    import os

    return os.getpid(), k * k


# ---------------------------------------------------------------- a Stop that stops the workers


class _Stopped(BaseException):
    """What Streamlit raises when a student presses Stop (its StopException is a BaseException)."""


def _sleeper(folder: str, name: str) -> int:
    """A worker's long job: says which process runs it, then works for a minute."""
    import os
    import time

    Path(folder, name).write_text(str(os.getpid()))
    time.sleep(60)
    return os.getpid()


def _ended(pid: int, within: float = 20.0) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie not yet reaped) within ``within`` s."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _stop_when(path: Path):
    """A check that raises _Stopped once ``path`` exists (the job has started in a worker)."""
    looks = []

    def check():
        looks.append(1)
        if path.exists():
            raise _Stopped

    return check, looks


@pytest.mark.parametrize("how", ["map_calls", "call_elsewhere"])
def test_a_stopped_call_ends_its_jobs_in_the_workers(workers, monkeypatch, tmp_path, how):
    monkeypatch.setattr(parallel, "yield_here", lambda: True)  # every call to the workers
    check, looks = _stop_when(tmp_path / "a")
    with parallel.stoppable(check), pytest.raises(_Stopped):
        if how == "map_calls":
            parallel.map_calls(_sleeper, [(str(tmp_path), "a"), (str(tmp_path), "b")])
        else:
            parallel.call_elsewhere(_sleeper, str(tmp_path), "a")
    pid = int((tmp_path / "a").read_text())
    assert pid != __import__("os").getpid() and looks
    assert _ended(pid), "the worker running the stopped job should have been ended"
    assert not (tmp_path / "b").exists()  # the queued job never started
    # the pool was dropped; the next call works (here while a new pool warms up, or there)
    assert parallel.map_calls(_describe, [(1,), ("x",)]) == ["int", "str"]
    assert parallel.wait_until_ready()


def test_a_stop_during_the_share_here_ends_the_workers_share_too(workers, monkeypatch, tmp_path):
    """map_calls does its first share here: a Stop raised in it (the engine asks at every step)
    ends the worker's job as well."""
    monkeypatch.setattr(parallel, "yield_here", lambda: False)  # half the calls here
    calls = [(str(tmp_path), "here"), (str(tmp_path), "there")]

    def check():
        if (tmp_path / "there").exists():
            raise _Stopped

    def sleeper_here(folder, name):
        if name == "here":  # the share here: until the worker's job has started, then a step
            import time

            while not (tmp_path / "there").exists():
                time.sleep(0.02)
            parallel.checkpoint()
        return _sleeper(folder, name)

    with parallel.stoppable(check), pytest.raises(_Stopped):
        parallel.map_calls(_here_or_there, [(sleeper_here, *calls[0]), (None, *calls[1])])
    assert _ended(int((tmp_path / "there").read_text()))


def _here_or_there(here, folder, name):
    """map_calls' function: ``here`` (not picklable, so only ever given to the share done in this
    process) or, in a worker, the long job."""
    return here(folder, name) if here is not None else _sleeper(folder, name)


def test_the_engine_asks_at_every_step_and_a_stop_ends_the_run(monkeypatch):
    looks = []

    def check():
        looks.append(1)
        if len(looks) == 50:
            raise _Stopped

    with parallel.stoppable(check), pytest.raises(_Stopped):
        simulate(get_surface("rosenbrock"), "adam", starts(10), steps=500, lr=0.01)
    assert len(looks) == 50
    looks.clear()
    with parallel.stoppable(lambda: looks.append(1)):
        run = simulate(get_surface("rosenbrock"), "adam", starts(10), steps=500, lr=0.01)
    assert len(looks) == 500  # a check that does not raise changes nothing
    assert_same_run(
        run, alone(monkeypatch, get_surface("rosenbrock"), "adam", starts(10), steps=500, lr=0.01)
    )
    parallel.checkpoint()  # outside stoppable: nothing to ask


def test_the_sharpness_asks_before_each_hessian_vector_product():
    from networks import landscape
    from ui import network_scene as ns

    s = ns.network_defaults()
    net = ns.network_of(s)
    theta = ns.start_of(s, net)[None]
    looks = []
    top = landscape.sharpness(net, theta, check=lambda: looks.append(1))
    assert looks and np.array_equal(top, landscape.sharpness(net, theta))
    with pytest.raises(_Stopped):
        landscape.sharpness(net, theta, check=_stop)


def _stop():
    raise _Stopped
