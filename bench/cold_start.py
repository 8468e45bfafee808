"""A class right after the teacher starts the server: seconds from a first visit's request to its
first chart, on a server started cold (`streamlit run`) and on one started as `make run` starts
it (deploy/warm.py: warmed in the background), once its warm-up is over.

    python bench/cold_start.py [--pages all|quick]

Each visit is a new tab (deploy/streamlit_client.py): cold, each the first visit of its own
fresh server; warmed, one after another on one server after its warm-up. Prints a Markdown
table (the README's Hosting section quotes it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local import streamlit_command  # noqa: E402
from deploy.served import free_port, served_app  # noqa: E402
from deploy.streamlit_client import Session  # noqa: E402
from deploy.warm import healthy  # noqa: E402
from ui.lesson_catalog import LESSONS  # noqa: E402

QUICK = [
    ("playground", ""),
    ("sweep", ""),
    ("custom", ""),
    ("lessons", "lesson=saddle"),
    ("lessons", "lesson=net_step_size"),
    ("lessons", "lesson=net_early_stopping&lang=zh"),
]


def pages(which: str) -> list[tuple[str, str]]:
    if which == "quick":
        return QUICK
    lessons = [("lessons", f"lesson={lesson.key}") for lesson in LESSONS]
    return [(p, "") for p in ("playground", "sweep", "custom", "network", "basins")] + lessons


def visit_all(url: str, visits: list[tuple[str, str]]) -> dict[str, float]:
    out = {}
    for path, query in visits:
        session = Session(url, timeout=300)
        try:
            result = session.open(path, query)
        finally:
            session.close()
        out[f"/{path}?{query}"] = result.first_chart if result.first_chart is not None else float("nan")
    return out


def cold(visits) -> dict[str, float]:
    """Each visit the first of its own fresh server (it pays the imports and compilations)."""
    out = {}
    for visit in visits:
        with served_app(free_port()) as server:
            out |= visit_all(server.url, [visit])
    return out


def warmed(visits) -> tuple[dict[str, float], float]:
    """As `make run` starts it: deploy/warm.py --serve; measured once the warm-up said it ended."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = streamlit_command(port)[4:]  # the same options as the tests' servers
    log = Path("/tmp") / f"lab-warm-{port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "deploy/warm.py", url, "--serve", *args[1:]],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        start = time.monotonic()
        while "warm-up:" not in log.read_text() or " pages in " not in log.read_text():
            if server.poll() is not None:
                raise RuntimeError(f"the server exited; see {log}")
            if time.monotonic() - start > 600:
                raise TimeoutError("no warm-up within 10 minutes")
            time.sleep(0.5)
        assert healthy(url)
        took = time.monotonic() - start
        return visit_all(url, visits), took
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", choices=("all", "quick"), default="quick")
    visits = pages(parser.parse_args().pages)
    before = cold(visits)
    after, took = warmed(visits)
    print(f"warm-up (every page and lesson, both languages): {took:.0f} s after the start\n")
    print("| first visit | cold server: first chart (s) | warmed server: first chart (s) |")
    print("|---|---|---|")
    for visit in before:
        print(f"| `{visit}` | {before[visit]:.2f} | {after[visit]:.2f} |")


if __name__ == "__main__":
    main()
