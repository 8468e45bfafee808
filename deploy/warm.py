"""Warm a freshly started server before its first student: open, as a student would, every page
and every lesson once in each language (imports, compiled surfaces, the lessons' trained
networks and figures then sit in the process's caches).

`make run`, `make serve`'s replicas (also after a restart) and the container start the app
through :func:`serve`, which warms it in the background once it answers its health check; the
server serves from the first second (a student who comes meanwhile is served, only not yet from
the cache). Measured by bench/cold_start.py.

    python deploy/warm.py http://127.0.0.1:8501      # warm a running server
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def visits() -> list[tuple[str, str]]:
    """(path, query) of every visit, in the order a class is likely to come: the lessons first
    (a teacher's link), then each page's default scene; English, then Chinese."""
    from ui.lesson_catalog import LESSONS

    pages = [("lessons", f"lesson={lesson.key}") for lesson in LESSONS]
    pages += [(page, "") for page in ("playground", "network", "sweep", "custom", "basins")]
    return [(path, query) for path, query in pages] + [
        (path, f"{query}&lang=zh" if query else "lang=zh") for path, query in pages
    ]


def healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def warm(url: str, stop: threading.Event | None = None, log=None) -> dict[str, float]:
    """Open every visit once on the server at ``url``; the seconds each took (a failed one is
    reported, not raised: warming is a courtesy). Stops early when ``stop`` is set."""
    from deploy.streamlit_client import Session

    took = {}
    for path, query in visits():
        if stop is not None and stop.is_set():
            break
        session = Session(url, timeout=300)
        start = time.monotonic()
        try:
            result = session.open(path, query)
            took[f"/{path}?{query}"] = time.monotonic() - start
            if result.errors and log:
                print(f"warm-up: /{path}?{query}: {result.errors[0]}", file=log, flush=True)
        except Exception as error:  # a warm-up never stops the server
            if log:
                print(f"warm-up: /{path}?{query} failed: {error}", file=log, flush=True)
        finally:
            session.close()
    return took


def warm_when_ready(url: str, stop: threading.Event, timeout: float = 120.0, log=sys.stderr) -> None:
    """Wait until ``url`` answers its health check, then warm it (in the calling thread)."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if stop.is_set() or time.monotonic() > deadline:
            return
        time.sleep(0.3)
    start = time.monotonic()
    took = warm(url, stop, log)
    if log and took:
        print(f"warm-up: {len(took)} pages in {time.monotonic() - start:.0f} s", file=log, flush=True)


def serve(command: list[str], url: str) -> int:
    """Run the server ``command`` (``streamlit run ...``) and warm it at ``url`` in a thread;
    return its exit code. SIGTERM and SIGINT are passed on to the server."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")  # one BLAS thread per process: app.py says why
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    stop = threading.Event()

    def forward(signum, _frame) -> None:
        stop.set()
        if server.poll() is None:
            server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    threading.Thread(target=warm_when_ready, args=(url, stop), daemon=True).start()
    code = server.wait()
    stop.set()
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8501")
    parser.add_argument(
        "--serve",
        nargs=argparse.REMAINDER,
        help="start the server with these `streamlit run` arguments, then warm it",
    )
    args = parser.parse_args()
    if args.serve is not None:
        command = [sys.executable, str(ROOT / "deploy" / "launch.py"), "run", "app.py", *args.serve]
        sys.exit(serve(command, args.url.rstrip("/")))
    took = warm(args.url.rstrip("/"), log=sys.stderr)
    for visit, seconds in took.items():
        print(f"{seconds:6.2f} s  {visit}")


if __name__ == "__main__":
    main()
