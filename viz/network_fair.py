"""The Network page's fair race: each optimizer's training loss at its tuned learning rate,
the target every tuned run reaches, and where each reached it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.colors import style_of
from viz.curves import MARKS
from viz.plain import PlainFigure
from viz.race import packed
from viz.template import fill


def fair_race_figure(
    curves: Sequence[tuple[np.ndarray, np.ndarray] | None],
    labels: Sequence[str],
    colors: Sequence[str],
    target: float | None,
    reached: Sequence[int | None],
    words: Mapping[str, str],
    height: int = 340,
) -> go.Figure:
    """One line of training loss per optimizer (``curves``: its recorded steps and losses; None
    for one whose every rate diverged, left out), the ``target`` as a dashed line and a ring
    where each line first reached it (at the recorded step ``reached``). ``words``: "step",
    "loss", "target" ({target}), "reached" ({name}, {step})."""
    fig = PlainFigure()
    drawn = [
        (curve, label, color, step)
        for curve, label, color, step in zip(curves, labels, colors, reached, strict=True)
        if curve is not None
    ]
    log = all(bool(np.all(loss > 0)) for (_, loss), *_ in drawn)
    for (steps, loss), label, color, _ in drawn:
        look = style_of(color)
        fig.add_trace(
            go.Scatter(
                x=packed(steps),
                y=packed(loss),
                mode="lines+markers",
                name=label,
                legendgroup=label,
                line={"color": color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 8, "color": color, "maxdisplayed": MARKS},
            )
        )
    if target is not None and drawn:
        last = max(int(steps[-1]) for (steps, _), *_ in drawn)
        fig.add_trace(
            go.Scatter(
                x=[0, last],
                y=[target, target],
                mode="lines",
                name=fill(words["target"], target=float(target)),
                line={"color": "#555555", "width": 1.5, "dash": "dash"},
                hoverinfo="skip",
            )
        )
        for (steps, loss), label, color, step in drawn:
            if step is None:
                continue
            at = float(loss[int(np.searchsorted(steps, step))])
            fig.add_trace(
                go.Scatter(
                    x=[step],
                    y=[at],
                    mode="markers",
                    marker={"symbol": "circle-open", "size": 16, "color": color, "line": {"width": 2.5}},
                    legendgroup=label,
                    showlegend=False,
                    name=label,
                    hovertemplate=fill(words["reached"], name=label, step=int(step)) + "<extra></extra>",
                )
            )
    fig.plain_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": words["step"]}},
        yaxis={"title": {"text": words["loss"]}, "type": "log" if log else "linear"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
    )
    return fig
