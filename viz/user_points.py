"""The editor of a learner's own points: the points by class (colour and shape, as the Network
page's data panels draw them) over an invisible grid that turns a click or a tap into a point.

Plotly reports clicks on scatter points only (not on the empty plane): the grid's points, one
every GRID_STEP, take them, and the page adds a point of the chosen class there, or removes the
point nearest to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz.network import CLASS_COLORS, CLASS_SYMBOLS
from viz.race import TEMPLATE, packed

VIEW = 3.0  # the editor shows [-VIEW, VIEW] in both coordinates (points may lie to +-4)
GRID_STEP = 0.1  # a click lands on the nearest multiple


def click_grid() -> np.ndarray:
    """``(m, 2)`` the points a click can land on."""
    side = np.round(np.arange(-VIEW, VIEW + GRID_STEP / 2, GRID_STEP), 10)
    gx, gy = np.meshgrid(side, side)
    return np.column_stack([gx.ravel(), gy.ravel()])


def points_figure(
    X: np.ndarray, y: np.ndarray, *, words: Mapping[str, str], height: int = 420, font_size: int = 12
) -> go.Figure:
    """The points ``X (n, 2)`` with labels ``y`` (one trace per class) and the click grid; a
    square plot, ``words``: ``class`` (with {k}), ``click``."""
    fig = go.Figure()
    grid = click_grid()
    fig.add_trace(
        go.Scatter(
            x=packed(grid[:, 0]),
            y=packed(grid[:, 1]),
            mode="markers",
            marker={"size": 9, "opacity": 0, "maxdisplayed": 1},
            showlegend=False,
            name="click",
            hovertemplate="(%{x:.1f}, %{y:.1f})<extra>" + words["click"] + "</extra>",
        )
    )
    for c in range(3):
        mine = np.asarray(y) == c
        fig.add_trace(
            go.Scatter(
                x=packed(X[mine, 0]),
                y=packed(X[mine, 1]),
                mode="markers",
                marker={
                    "color": CLASS_COLORS[c],
                    "symbol": CLASS_SYMBOLS[c],
                    "size": 9,
                    "line": {"width": 1, "color": "white"},
                },
                name=words["class"].format(k=c + 1),
                hovertemplate="(%{x:.2f}, %{y:.2f})<extra>" + words["class"].format(k=c + 1) + "</extra>",
            )
        )
    axis = {"range": [-VIEW, VIEW], "showgrid": True, "zeroline": True, "fixedrange": True}
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        font={"size": font_size},
        margin={"l": 30, "r": 10, "t": 10, "b": 30},
        xaxis={**axis, "constrain": "domain"},  # the square keeps its range, not the width
        yaxis={**axis, "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "y": -0.08},
        clickmode="event+select",
        dragmode=False,
    )
    return fig
