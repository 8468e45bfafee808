"""A whole class at once: Locust users that speak Streamlit's websocket protocol (no browsers),
against the app served on loopback. Three scenarios, each bounded in count and time:

- arrives: USERS students open the same lesson link within 10 s (the teacher opened it first);
- plays:   USERS students open a page (half the Playground, half lessons and Sweep), then each
           moves a widget every 5 s (or as soon as the previous change is drawn) for SECONDS;
- hammer:  as plays, but one of the USERS holds a key down on the Playground's steps slider
           (25 starts; a new scene as soon as the last is drawn): the others' figures are those
           of the USERS - 1 who play;
- heavy:   as hammer, but the one opens the heaviest Network link again and again (a new data
           seed each time, so nothing comes from a cache).

    python bench/classroom.py [--scenario both|arrives|plays|hammer|heavy] [--users 60] [--seconds 180]
                              [--replicas 0] [--gc on|off]

--replicas 0 is one server as `make run` starts it; N > 0 is N replicas behind nginx as `make
serve` starts them (deploy/). --gc sets Streamlit's runner.postScriptGC (the project's
setting when omitted). Prints p50/p95/p99 of the seconds from a request to the first chart
message and to the finished run, changes/s achieved and offered, errors, the servers' memory
(resident now and peak, summed) and CPU (core-seconds per second of the scenario); for the
playing scenarios also the servers' memory each minute (proportional set size of each replica
with its worker processes) and its trend over the last 15 minutes: a 45-minute class is

    python bench/classroom.py --scenario plays --users 60 --replicas 2 --seconds 2700
"""

# ruff: noqa: I001
from __future__ import annotations

# Locust patches the standard library for gevent: import it before anything opens a socket.
import locust
from locust import User, events
from locust.env import Environment

import argparse
import contextlib
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import gevent

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

import local  # noqa: E402  (deploy/local.py)

from deploy.served import HEAVIEST_NETWORK, cpu_seconds, process_tree, served_app  # noqa: E402
from deploy.warm import warm  # noqa: E402
from deploy.streamlit_client import ProtocolError, Result, Session  # noqa: E402

PORT = 8790
LESSON = "lesson=saddle"
CHANGE_EVERY = 5.0
PLAYGROUND_STEPS = list(range(100, 1001, 10))
SWEEP_STEPS = list(range(50, 501, 10))


@dataclass
class Tally:
    first_chart: list[float] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)
    opened: list[float] = field(default_factory=list)  # page opens of the "plays" scenario
    errors: list[str] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)  # monotonic times the changes were drawn
    done: int = 0  # users that finished their part

    def record(self, name: str, result: Result, into_open: bool = False) -> None:
        if result.errors:
            self.errors.extend(result.errors)
        if into_open:
            self.opened.append(result.finished or 0.0)
        else:
            self.first_chart.append(result.first_chart if result.first_chart is not None else result.finished)
            self.finished.append(result.finished)
            self.ends.append(time.monotonic())
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=(result.finished or 0.0) * 1000,
            response_length=result.bytes,
            exception=RuntimeError(result.errors[0]) if result.errors else None,
            context={},
        )

    def failed(self, name: str, exc: Exception) -> None:
        self.errors.append(f"{type(exc).__name__}: {exc}")
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=0,
            response_length=0,
            exception=exc,
            context={},
        )


TALLY = Tally()
PLAY_UNTIL = [0.0]  # monotonic time when "plays" ends


def _idle() -> None:
    """A user that is done stays (a stopped one would be replaced by a new one while the
    class is still arriving) until the scenario ends."""
    while True:
        gevent.sleep(1.0)


def _page_of(index: int) -> tuple[str, str]:
    if index % 2 == 0:
        return "playground", ""
    return ("lessons", LESSON) if index % 4 == 1 else ("sweep", "")


class Arriving(User):
    """Opens the lesson link once, then leaves."""

    abstract = True

    def on_start(self) -> None:
        self.session = Session(self.host, timeout=120)

    def on_stop(self) -> None:
        self.session.close()

    @locust.task
    def arrive(self) -> None:
        try:
            TALLY.record("open lesson", self.session.open("lessons", LESSON))
        except (ProtocolError, OSError) as exc:
            TALLY.failed("open lesson", exc)
        TALLY.done += 1
        _idle()


class Playing(User):
    """Opens a page, then moves a widget every CHANGE_EVERY seconds until PLAY_UNTIL."""

    abstract = True
    count = 0

    def on_start(self) -> None:
        Playing.count += 1
        self.index = Playing.count - 1
        self.rng = random.Random(self.index)
        self.session = Session(self.host, timeout=120)
        self.page, query = _page_of(self.index)
        try:
            TALLY.record(f"open {self.page}", self.session.open(self.page, query), into_open=True)
        except (ProtocolError, OSError) as exc:
            TALLY.failed(f"open {self.page}", exc)
            TALLY.done += 1
            _idle()

    def on_stop(self) -> None:
        self.session.close()

    def _change(self) -> Result:
        s = self.session
        if self.page == "playground":
            return s.change("w.steps", float(self.rng.choice(PLAYGROUND_STEPS)))
        if self.page == "sweep":
            return s.change("sw.steps", float(self.rng.choice(SWEEP_STEPS)))
        return s.choose("lesson", self.rng.randrange(len(s.options["lesson"])))

    @locust.task
    def play(self) -> None:
        gevent.sleep(self.rng.uniform(0, CHANGE_EVERY))  # students do not move in step
        while time.monotonic() < PLAY_UNTIL[0]:
            started = time.monotonic()
            try:
                TALLY.record(f"change {self.page}", self._change())
            except (ProtocolError, OSError, KeyError) as exc:
                TALLY.failed(f"change {self.page}", exc)
                break
            gevent.sleep(max(0.0, CHANGE_EVERY - (time.monotonic() - started)))
        TALLY.done += 1
        _idle()


class Hammering(User):
    """One student who holds a key down on the Playground's steps slider: a change as soon as
    the last one is drawn, no pause, each a scene not computed before (its steps and its
    number of starts). Counted apart: the scenario asks what the others see meanwhile."""

    abstract = True

    def on_start(self) -> None:
        self.rng = random.Random(12345)
        self.session = Session(self.host, timeout=120)
        self.session.open("playground", "starts=ring&count=25")

    def on_stop(self) -> None:
        self.session.close()

    @locust.task
    def hammer(self) -> None:
        while time.monotonic() < PLAY_UNTIL[0]:
            try:
                result = self.session.change("w.steps", float(self.rng.randrange(100, 3001, 10)))
                HAMMERED.append(result.finished or 0.0)
            except (ProtocolError, OSError, KeyError) as exc:
                HAMMERED.append(float("nan"))
                TALLY.errors.append(f"hammer: {exc}")
        _idle()


class Heavy(User):
    """One student who opens the heaviest Network link the page accepts, again and again, each
    time a scene not computed before (its data seed): what do the others see meanwhile?"""

    abstract = True

    def on_start(self) -> None:
        self.session = Session(self.host, timeout=300)
        self.seed = 0

    def on_stop(self) -> None:
        self.session.close()

    @locust.task
    def heavy(self) -> None:
        while time.monotonic() < PLAY_UNTIL[0]:
            self.seed += 1
            try:
                result = self.session.open("network", f"{HEAVIEST_NETWORK}&dseed={self.seed}")
                HAMMERED.append(result.first_chart or float("nan"))
            except (ProtocolError, OSError, KeyError) as exc:
                HAMMERED.append(float("nan"))
                TALLY.errors.append(f"heavy: {exc}")
        _idle()


HAMMERED: list[float] = []


def _memory_mb(pid: int) -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def _tree_pss_mb(pid: int) -> float:
    """The proportional set size of ``pid``'s process tree (pages shared between a replica and
    its forked workers counted once): what the machine gives that replica."""
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError, StopIteration):
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
            total += int(next(line for line in rollup if line.startswith("Pss:")).split()[1])
    return total / 1024


def trend_mb_per_minute(samples: list[float]) -> float:
    """Least-squares slope of memory samples taken a minute apart (MB per minute)."""
    if len(samples) < 2:
        return float("nan")
    n = len(samples)
    mean_t, mean_m = (n - 1) / 2, sum(samples) / n
    num = sum((t - mean_t) * (m - mean_m) for t, m in enumerate(samples))
    return num / sum((t - mean_t) ** 2 for t in range(n))


@contextlib.contextmanager
def _servers(replicas: int, gc: str | None):
    extra = () if gc is None else (f"--runner.postScriptGC={'true' if gc == 'on' else 'false'}",)
    if replicas == 0:
        with served_app(PORT, extra=extra) as server:
            yield server.url, [server.url], [server.pid]
    else:
        with local.cluster(replicas, PORT, extra=extra) as running:
            yield running.url, [r.url for r in running.replicas], [r.pid for r in running.replicas]


def _percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"{q[49]:.2f} / {q[94]:.2f} / {q[98]:.2f}"


def run(scenario: str, users: int, seconds: float, replicas: int, gc: str | None) -> dict:
    global TALLY
    TALLY = Tally()
    Playing.count = 0
    with _servers(replicas, gc) as (url, servers, pids):
        # Warmed as `make run` and `make serve` warm a server when it starts (deploy/warm.py:
        # every lesson and page once in each language), before the class comes. Without it the
        # students who switch lessons trained the network lessons' scenes themselves, for
        # seconds each, and those first visits were the scenarios' slowest changes.
        began = time.monotonic()
        visits = sum(len(warm(server, log=sys.stderr)) for server in servers)  # failures printed
        print(f"servers warmed: {visits} visits in {time.monotonic() - began:.0f} s", file=sys.stderr)
        cpu0 = sum(cpu_seconds(p) for p in pids)
        user = type("Student", (Arriving if scenario == "arrives" else Playing,), {"abstract": False})
        classes = [user]
        if scenario in ("hammer", "heavy"):  # users - 1 play, one hammers or opens heavy scenes
            HAMMERED.clear()
            user.weight = users - 1
            kind = Hammering if scenario == "hammer" else Heavy
            classes.append(type("Hammerer", (kind,), {"abstract": False, "weight": 1, "fixed_count": 1}))
        env = Environment(user_classes=classes, host=url, events=events)
        runner = env.create_local_runner()
        start = time.monotonic()
        PLAY_UNTIL[0] = start + 10.0 + seconds
        runner.start(users, spawn_rate=users / 10.0)  # all of them within 10 s
        rss_over_time: list[float] = []

        def sample_memory() -> None:
            while True:
                rss_over_time.append(sum(_tree_pss_mb(p) for p in pids))
                gevent.sleep(60.0)

        sampler = gevent.spawn(sample_memory)
        limit = start + (120.0 if scenario == "arrives" else 10.0 + seconds + 120.0)
        players = users - 1 if scenario in ("hammer", "heavy") else users
        while TALLY.done < players and time.monotonic() < limit:
            gevent.sleep(0.2)
        elapsed = time.monotonic() - start
        runner.quit()
        sampler.kill()
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        memory = [_memory_mb(p) for p in pids]
    # changes/s: those drawn while every student plays (after the 10 s of arrivals)
    window = (start + 10.0, PLAY_UNTIL[0])
    drawn = sum(window[0] <= t <= window[1] for t in TALLY.ends)
    return {
        "scenario": scenario,
        "users": users,
        "setup": "1 process" if replicas == 0 else f"{replicas} replicas + nginx",
        "gc": gc or "project",
        "first_chart": _percentiles(TALLY.first_chart),
        "finished": _percentiles(TALLY.finished),
        "opened": _percentiles(TALLY.opened),
        "changes": len(TALLY.finished),
        "rate": drawn / seconds if scenario != "arrives" else float("nan"),
        "offered": players / CHANGE_EVERY if scenario != "arrives" else float("nan"),
        "hammered": len(HAMMERED) if scenario in ("hammer", "heavy") else 0,
        "heavy_first": _percentiles([h for h in HAMMERED if h == h]) if scenario == "heavy" else "-",
        "errors": len(TALLY.errors),
        "first_errors": TALLY.errors[:3],
        "rss": sum(m[0] for m in memory),
        "peak": sum(m[1] for m in memory),
        "cpu": cpu / elapsed,
        "elapsed": elapsed,
        "unfinished": players - TALLY.done,
        "rss_minutes": rss_over_time,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("arrives", "plays", "hammer", "heavy", "both"), default="both")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=180.0, help="length of 'plays'")
    parser.add_argument("--replicas", type=int, default=0, help="0: one process, no nginx")
    parser.add_argument("--gc", choices=("on", "off"), default=None)
    args = parser.parse_args()
    scenarios = ("arrives", "plays") if args.scenario == "both" else (args.scenario,)
    print(
        "| scenario | users | servers | p50 / p95 / p99 first chart (s) | p50 / p95 / p99 "
        "finished (s) | changes/s (offered) | errors | RSS now / peak (MB) | CPU (cores) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for scenario in scenarios:
        r = run(scenario, args.users, args.seconds, args.replicas, args.gc)
        rate = f"{r['rate']:.2f} ({r['offered']:.1f})" if scenario != "arrives" else "-"
        print(
            f"| {scenario} | {r['users']} | {r['setup']}, gc {r['gc']} | {r['first_chart']} | "
            f"{r['finished']} | {rate} | {r['errors']} | "
            f"{r['rss']:.0f} / {r['peak']:.0f} | {r['cpu']:.2f} |",
            flush=True,
        )
        if r["first_errors"]:
            print("  errors:", *r["first_errors"], sep="\n  ", file=sys.stderr)
        if r["unfinished"]:
            print(f"  {r['unfinished']} users had not finished at the limit", file=sys.stderr)
        if scenario == "hammer":
            print(f"  the hammering student's changes drawn: {r['hammered']}", file=sys.stderr)
        if scenario == "heavy":
            print(
                f"  heaviest Network scenes opened: {r['hammered']}, "
                f"their first chart p50/p95/p99 {r['heavy_first']} s",
                file=sys.stderr,
            )
        if scenario != "arrives":
            print(f"  page opens (s, p50/p95/p99): {r['opened']}", file=sys.stderr)
            minutes = " ".join(f"{m:.0f}" for m in r["rss_minutes"])
            print(f"  servers' PSS with their workers (MB), each minute: {minutes}", file=sys.stderr)
            last = r["rss_minutes"][-15:]
            print(
                f"  last {len(last)} minutes: {min(last):.0f}-{max(last):.0f} MB, "
                f"trend {trend_mb_per_minute(last):+.1f} MB/minute",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
