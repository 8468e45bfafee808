"""`streamlit <arguments>` with the app's modules already imported: every server of the app is
started through here (``make run`` and the container through deploy/warm.py, the replicas of
deploy/local.py, the tests' and benchmarks' servers through deploy/served.py).

Streamlit runs a page's script in its own process, so what the process has imported before it
starts is not imported again: a fresh server's first visitor no longer waits for the app's
modules (NumPy, SymPy and Plotly among them) and Plotly's first figure. That was 1.2 s of the
Playground's first run on a fresh server (0.04 s warm; ``bench/app.py``, fresh server line).

    python deploy/launch.py run app.py --server.port 8501
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import runpy
import sys
from pathlib import Path

# One BLAS thread per process, before NumPy loads OpenBLAS (app.py says why).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("surfaces", "networks", "optimizers", "viz", "ui")  # the app's layers below its pages


def preload() -> list[str]:
    """Import every module of the app's layers and draw one Plotly figure (its validators and
    template load on first use); the names imported."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.iter_modules(module.__path__, package + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    import plotly.graph_objects as go

    go.Figure(go.Scatter(x=[0, 1], y=[0, 1])).to_json()
    # The engine's first steps of each optimizer on the default surface (its compiled
    # functions, NumPy's first calls): 0.15 s of the first Playground scene.
    from optimizers import OPTIMIZERS, simulate
    from surfaces import get_surface
    from ui.settings import Settings

    surface = get_surface(Settings().surface)
    for name in OPTIMIZERS:
        simulate(surface, name, surface.start, 3)
    return names


def main() -> None:
    preload()
    sys.argv = ["streamlit", *sys.argv[1:]]
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
