"""The share of random symmetric Hessians that are positive definite, against the dimension."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.colors import COLORS
from viz.plain import PlainFigure
from viz.template import TEMPLATE

GOE_WORDS = {
    "goe.title": "Random critical points: how many are minima?",
    "goe.x": "dimension d",
    "goe.y": "share with every eigenvalue > 0",
    "goe.sampled": "Monte Carlo, {n} GOE matrices per d (± 2 standard errors)",
    "goe.exact": "exact (d = 1, 2, 3)",
    "goe.none": "none of {n}: below 1/{n}",
}


def goe_figure(
    dims: Sequence[int],
    fractions: np.ndarray,
    errors: np.ndarray,
    samples: int,
    exact: Mapping[int, float],
    words: Mapping[str, str] = GOE_WORDS,
    height: int = 340,
    font_size: int = 12,
) -> go.Figure:
    """Each dimension's sampled share on a log axis with two standard errors, the exact values
    where they are known, and the dimensions where no sample was positive definite as a marker
    at 1/samples (an upper bound, not a value)."""
    dims = np.asarray(dims)
    seen = fractions > 0
    count = f"{samples:,}"
    fig = PlainFigure()
    fig.add_trace(
        go.Scatter(
            x=dims[seen],
            y=fractions[seen],
            error_y={"type": "data", "array": 2 * errors[seen], "visible": True},
            mode="lines+markers",
            line={"color": COLORS[0], "width": 2},
            name=words["goe.sampled"].format(n=count),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(exact),
            y=list(exact.values()),
            mode="markers",
            marker={"symbol": "circle-open", "size": 14, "color": COLORS[1], "line": {"width": 2}},
            name=words["goe.exact"],
        )
    )
    if (~seen).any():
        fig.add_trace(
            go.Scatter(
                x=dims[~seen],
                y=np.full(int((~seen).sum()), 1 / samples),
                mode="markers",
                marker={"symbol": "triangle-down", "size": 9, "color": COLORS[2]},
                name=words["goe.none"].format(n=count),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": words["goe.title"]},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        font={"size": font_size},
        xaxis={"title": {"text": words["goe.x"]}, "dtick": 1 if len(dims) <= 20 else None},
        yaxis={"title": {"text": words["goe.y"]}, "type": "log"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
