"""Exports: the race as a standalone HTML page, the trajectories as CSV."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.race import Racer


def figure_html(fig: go.Figure) -> str:
    """A self-contained HTML page (plotly.js inlined, so it plays offline)."""
    return fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False)


def trajectories_csv(racers: Sequence[Racer]) -> str:
    """One row per optimizer, trajectory and recorded step."""
    out = io.StringIO()
    out.write("optimizer,trajectory,step,x,y,loss,objective,grad_norm\n")
    for racer in racers:
        run = racer.run
        R, N = run.loss.shape
        table = np.column_stack(
            [
                np.tile(np.arange(N), R),
                np.repeat(run.step, N),
                run.path.reshape(-1, 2),
                run.loss.ravel(),
                run.objective.ravel(),
                run.grad_norm.ravel(),
            ]
        )
        for row in table:
            out.write(
                f"{racer.label},{int(row[0])},{int(row[1])},{row[2]:.17g},{row[3]:.17g},"
                f"{row[4]:.17g},{row[5]:.17g},{row[6]:.17g}\n"
            )
    return out.getvalue()
