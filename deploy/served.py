"""One copy of the app served by `streamlit run` on a loopback port: the tool with which the browser
tests and the benchmarks start the app (deploy/local.py starts replicas behind nginx)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from deploy.local import streamlit_command

ROOT = Path(__file__).resolve().parent.parent


# The heaviest scene the Network page accepts (every size at the top of its range; issue 25):
# what the heavy-scene benchmarks open and the Stop's tests stop.
HEAVIEST_NETWORK = (
    "n=1000&steps=2000&batch=1&units=64&layers=4&opt=gd,momentum,adam,rmsprop&plane=random&ptest=1"
)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a server's worker processes and their fork server)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, seconds) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A loopback port free now (the system's pick, so parallel test workers do not collide)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(NamedTuple):
    url: str
    pid: int


@contextlib.contextmanager
def served_app(
    port: int,
    log: Path | None = None,
    timeout: float = 60.0,
    script: str = "app.py",
    extra: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Start the server (of ``script``, the app by default; ``extra`` command-line options),
    wait for /_stcore/health, yield its URL and PID, stop it at the end."""
    out = log.open("w") if log else subprocess.DEVNULL  # a file, not a pipe: a full pipe blocks it
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")  # one BLAS thread per process: app.py says why
    proc = subprocess.Popen(
        streamlit_command(port, script, extra), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {proc.returncode}" + (f"; see {log}" if log else "")
                )
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the app did not answer /_stcore/health within {timeout:.0f} s"
                    ) from None
                time.sleep(0.3)
        if proc.poll() is not None:  # an old server on the same port answered, not ours
            raise RuntimeError(f"port {port} is taken")
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
