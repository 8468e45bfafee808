"""The heaviest scene every page accepts: seconds from opening its link to the first chart and to
the end of the run, on a server that has served the page before (imports done, this scene not
computed yet). Issue 25's goal: a first chart in < 5 s on every page.

    python bench/heavy_scenes.py

Each link is a new tab (deploy/streamlit_client.py) on one server, one after another.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.served import HEAVIEST_NETWORK, free_port, served_app  # noqa: E402
from deploy.streamlit_client import Session  # noqa: E402

# Every number at the top of its page's range (ui/settings.py, ui/network_scene.py, the pages).
HEAVY = {
    "Playground": (
        "playground",
        "s=rosenbrock&opt=gd,momentum,nesterov,rmsprop,adam,adagrad&starts=grid&count=25&steps=3000&inside=1",
    ),
    "Custom": (
        "custom",
        "f=sin(3*x)*cos(3*y)%2B(x**2%2By**2)/10&opt=gd,momentum,nesterov,rmsprop,adam,adagrad"
        "&starts=grid&count=25&steps=3000",
    ),
    "Network": ("network", HEAVIEST_NETWORK),
    "Sweep": ("sweep", "side=200&steps=1000"),
    "Basins": ("basins", "side=300&steps=1000"),
}
# What each page draws on a first visit (the server's imports and compilations are then done).
FIRST = {"Playground": "", "Custom": "", "Network": "steps=50", "Sweep": "side=10", "Basins": "side=20"}


def main() -> None:
    with served_app(free_port(), timeout=120) as server:
        for name, (path, _) in HEAVY.items():
            session = Session(server.url, timeout=600)
            try:
                session.open(path, FIRST[name])
            finally:
                session.close()
        print("| page | heaviest link | first chart (s) | run finished (s) |")
        print("|---|---|---|---|")
        for name, (path, query) in HEAVY.items():
            session = Session(server.url, timeout=600)
            try:
                result = session.open(path, query)
            finally:
                session.close()
            first = "-" if result.first_chart is None else f"{result.first_chart:.2f}"
            print(f"| {name} | `/{path}?{query}` | {first} | {result.finished:.2f} |", flush=True)


if __name__ == "__main__":
    main()
