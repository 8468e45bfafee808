"""How far back a recurrent unit remembers: |dx_T/dx_0| against T, one line per gain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.colors import style
from viz.plain import PlainFigure
from viz.template import TEMPLATE, fill

RECURRENCE_WORDS = {
    "rec.title": "The same factor, multiplied T times",
    "rec.x": "T (steps back in time)",
    "rec.y": "|∂x_T / ∂x_0|",
    "rec.gain": "|w σ′| = {gain:g}",
}


def jacobian_figure(
    curves: Sequence[tuple[float, np.ndarray]],
    words: Mapping[str, str] = RECURRENCE_WORDS,
    height: int = 340,
    font_size: int = 12,
) -> go.Figure:
    """|dx_T/dx_0| for T = 1, 2, ... on a log axis, one line per ``(gain, norms)``: below 1 the
    influence of the first state vanishes, above 1 it explodes; a dotted line marks 1. Each line
    in a racer's colour, dash and marker (viz.colors), so the gains read without colour too."""
    fig = PlainFigure()
    for i, (gain, norms) in enumerate(curves):
        look = style(i)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(norms) + 1),
                y=np.asarray(norms, dtype=np.float64),
                mode="lines+markers",
                line={"color": look.color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 8, "color": look.color, "maxdisplayed": 8},
                name=fill(words["rec.gain"], gain=gain),
            )
        )
    fig.add_hline(y=1.0, line={"color": "rgba(0,0,0,0.35)", "width": 1, "dash": "dot"})
    fig.update_layout(
        template=TEMPLATE,
        title={"text": words["rec.title"]},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        font={"size": font_size},
        xaxis={"title": {"text": words["rec.x"]}},
        yaxis={"title": {"text": words["rec.y"]}, "type": "log"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
