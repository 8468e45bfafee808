"""Replicas of the app behind nginx on this machine: `make serve` (REPLICAS=2, PORT=8080).

One Streamlit process uses one core; N processes behind nginx use N. The nginx settings are
those of deploy/lab.conf.template (the same file compose.yaml mounts), rendered here the way
the nginx image's envsubst renders it. The tests (tests/test_deploy.py) and the load test
(bench/classroom.py) start the same layout through :func:`cluster`.

As compose and Kubernetes do, a replica that exits (a crash, the kernel's OOM killer) is
started again on its port while nginx sends its users to the others: after 1 s, then 2, 4, ...
(at most 30 s); one restarted 5 times within 5 minutes is in a crash loop and left stopped
(said on stderr), the others serving. `make serve` ends when every replica is left stopped.

    python deploy/local.py [--replicas 2] [--port 8080]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "lab.conf.template"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
    return found


def render(listen: str, servers: list[str], cache: str) -> str:
    """deploy/lab.conf.template with its ${LAB_...} names filled in (nginx's own $variables
    are left alone, as envsubst with a list of names leaves them)."""
    lines = "\n    ".join(f"server {s} max_fails=1 fail_timeout=10s;" for s in servers)
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        LAB_LISTEN=listen, LAB_SERVERS=lines, LAB_CACHE=cache
    )


def main_conf(folder: Path, site: Path) -> str:
    """nginx.conf for an nginx run by this user in ``folder`` (its pid, logs and temp files
    there, in the foreground), including the rendered site."""
    out = subprocess.run([nginx_binary(), "-V"], capture_output=True, text=True).stderr
    found = re.search(r"--conf-path=(\S+)", out)
    mime = Path(found.group(1)).parent / "mime.types" if found else Path("/etc/nginx/mime.types")
    temps = "\n".join(
        f"    {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
{temps}
    include {site};
}}
"""


@dataclass
class Replica:
    """One app server. After a restart ``process`` is the new one: the same object, the same
    port, so a reference held across a restart still reaches the live process."""

    url: str
    process: subprocess.Popen
    log: Path | None = None  # where its output goes
    restarts: int = 0  # how many times it was started again
    given_up: bool = False  # in a crash loop: left stopped

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def kill(self) -> None:
        """Stop the replica at once (SIGKILL: no goodbye to its users)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


@dataclass
class Backoff:
    """When to start again a replica that exited: ``first`` seconds after its first exit,
    doubling with each restart (at most ``cap``); after ``limit`` restarts within ``window``
    seconds it is in a crash loop (None: give up). Restarts older than the window are
    forgotten, so a replica that ran for a while starts again after ``first``."""

    first: float = 1.0
    cap: float = 30.0
    limit: int = 5
    window: float = 300.0
    restarts: list[float] = field(default_factory=list)  # when each restart was decided

    def delay(self, now: float) -> float | None:
        """Seconds to wait before restarting a replica that exited at ``now``, or None."""
        self.restarts = [t for t in self.restarts if now - t < self.window]
        if len(self.restarts) >= self.limit:
            return None
        self.restarts.append(now)
        return min(self.cap, self.first * 2 ** (len(self.restarts) - 1))


class Supervisor:
    """Watches the replicas (every ``poll`` seconds, in a thread) and starts again, through
    ``restart(replica)``, each one that exited, after its :class:`Backoff`'s delay; says every
    exit, restart and crash loop with ``say``."""

    def __init__(
        self,
        replicas: list[Replica],
        restart: Callable[[Replica], None],
        backoff: Callable[[], Backoff] = Backoff,
        poll: float = 0.2,
        say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ):
        self.replicas, self.restart, self.poll, self.say = replicas, restart, poll, say
        self.backoffs = [backoff() for _ in replicas]
        self.due: dict[int, float] = {}  # replica index -> monotonic time of its restart
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="replica-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """No more restarts (a restart under way finishes first)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            self.check(time.monotonic())

    def check(self, now: float) -> None:
        """One look at every replica: note the ones that exited, start the ones due."""
        for i, replica in enumerate(self.replicas):
            if replica.given_up or self._stop.is_set():
                continue
            name = f"replica {i} ({replica.url})"
            if i in self.due:
                if now >= self.due[i]:
                    del self.due[i]
                    self.restart(replica)
                    replica.restarts += 1
                    self.say(f"{name} started again (pid {replica.pid}, restart {replica.restarts})")
                continue
            code = replica.process.poll()
            if code is None:
                continue
            delay = self.backoffs[i].delay(now)
            if delay is None:
                replica.given_up = True
                b = self.backoffs[i]
                left = sum(not r.given_up for r in self.replicas)
                self.say(
                    f"{name} exited with {code}: it is in a crash loop ({b.limit} restarts within "
                    f"{b.window / 60:g} minutes) and is left stopped; its output: {replica.log}. "
                    + (f"{left} other replica(s) keep serving" if left else "No replica is left")
                )
                continue
            self.due[i] = now + delay
            self.say(f"{name} exited with {code}; starting it again in {delay:g} s")


@dataclass
class Cluster:
    url: str  # nginx
    replicas: list[Replica]
    nginx: subprocess.Popen
    folder: Path
    supervisor: Supervisor | None = None

    def replica_of(self, upstream: str) -> int:
        """The index of the replica an ``X-Upstream`` value names."""
        for i, replica in enumerate(self.replicas):
            if replica.url.split("//", 1)[1] == upstream.split(",")[-1].strip():
                return i
        raise KeyError(upstream)


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def streamlit_command(port: int, script: str = "app.py", extra: tuple[str, ...] = ()) -> list[str]:
    """How a copy of the app is started on this machine, on loopback: a replica here, and
    every server of the tests and benchmarks (deploy/served.py)."""
    return [
        sys.executable,
        str(ROOT / "deploy" / "launch.py"),  # `streamlit run` with the app's modules imported first
        "run",
        script,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        *extra,
    ]


def launch(
    port: int, secret: str, log: Path, extra: tuple[str, ...] = (), append: bool = False
) -> subprocess.Popen:
    """One app server on ``port``, its output to ``log`` (added to it when ``append``: a
    restarted replica's log keeps what the last one said before it exited)."""
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secret, OPENBLAS_NUM_THREADS="1")  # app.py says why
    with log.open("a" if append else "w") as out:  # a file, not a pipe: a full pipe blocks the server
        return subprocess.Popen(
            streamlit_command(port, extra=extra), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def start_replica(port: int, secret: str, log: Path, extra: tuple[str, ...] = ()) -> Replica:
    return Replica(f"http://127.0.0.1:{port}", launch(port, secret, log, extra), log)


def _wait(check, what: str, timeout: float, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready within {timeout:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def cluster(
    replicas: int = 2,
    port: int = 8080,
    first_replica_port: int | None = None,
    folder: Path | None = None,
    extra: tuple[str, ...] = (),
    timeout: float = 90.0,
    supervise: bool = True,
) -> Iterator[Cluster]:
    """Start ``replicas`` app servers (ports after ``port``, or from ``first_replica_port``)
    and nginx on ``port`` in front of them, all on 127.0.0.1; wait until nginx answers the
    health check; then (``supervise``) start again any replica that exits (:class:`Supervisor`);
    stop everything at the end. Logs and nginx's files go to ``folder``."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="lab-nginx-")) if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # nginx's workers run as another user when started by root
    cache = folder / "cache"
    secret = secrets.token_hex(16)  # one cookie secret for all replicas
    first = first_replica_port or port + 1
    started: list[Replica] = []
    nginx: subprocess.Popen | None = None
    supervisor: Supervisor | None = None
    try:
        for i in range(replicas):
            started.append(start_replica(first + i, secret, folder / f"replica{i}.log", extra))
        site = folder / "lab.conf"
        servers = [r.url.split("//", 1)[1] for r in started]
        site.write_text(render(f"127.0.0.1:{port}", servers, str(cache)))
        conf = folder / "nginx.conf"
        conf.write_text(main_conf(folder, site))
        if os.geteuid() == 0:  # workers run as nobody: let them write their temp files
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
                (folder / name).mkdir(exist_ok=True)
                (folder / name).chmod(0o777)
        procs = [r.process for r in started]
        _wait(lambda: all(_healthy(r.url) for r in started), "the replicas", timeout, procs)
        with (folder / "nginx.log").open("w") as out:
            nginx = subprocess.Popen(
                [nginx_binary(), "-c", str(conf), "-p", str(folder)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        _wait(lambda: _healthy(url), "nginx", 20, [nginx])
        if supervise:

            def restart(replica: Replica) -> None:
                replica.process = launch(replica.port, secret, replica.log, extra, append=True)

            supervisor = Supervisor(started, restart)
            supervisor.start()
        yield Cluster(url, started, nginx, folder, supervisor)
    finally:
        if supervisor is not None:
            supervisor.stop()
        if nginx is not None and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
        for replica in started:
            if replica.process.poll() is None:
                replica.process.terminate()
        for replica in started:
            try:
                replica.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                replica.process.kill()
                replica.process.wait()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    from warm import warm_when_ready  # deploy/warm.py, beside this file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    failed = False
    with cluster(args.replicas, args.port) as running:
        print(f"Loss Surface Lab: {running.url} ({args.replicas} replicas behind nginx)")
        print("Ctrl-C stops it.", flush=True)
        warmed: dict[int, int] = {}  # replica index -> the pid last warmed (deploy/warm.py)
        stop = threading.Event()
        try:
            while True:
                for i, replica in enumerate(running.replicas):  # a new or restarted replica
                    if warmed.get(i) != replica.pid and not replica.given_up:
                        warmed[i] = replica.pid
                        warming = threading.Thread(target=warm_when_ready, args=(replica.url, stop))
                        warming.daemon = True
                        warming.start()
                if running.nginx.poll() is not None:
                    print(f"nginx exited with {running.nginx.returncode}; stopping", file=sys.stderr)
                    break
                if all(r.given_up for r in running.replicas):
                    print("every replica is in a crash loop; stopping nginx", file=sys.stderr)
                    break
                time.sleep(1)
            failed = True
        except KeyboardInterrupt:
            pass
        stop.set()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
