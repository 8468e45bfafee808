"""A network's loss beside the two terms of its gradient step's Taylor expansion (lecture notes
8.2.1, figure 8.1): the squared gradient norm can rise while the loss falls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.race import packed
from viz.template import TEMPLATE

TAYLOR_WORDS = {
    "taylor.loss": "training loss",
    "taylor.terms": "the step's two terms, over η",
    "taylor.grad_sq": "{name}: ‖g‖² (first order)",
    "taylor.curvature": "{name}: η gᵀHg / 2 (second order)",
    "x_step": "step",
}


def taylor_figure(
    terms: Sequence,
    labels: Sequence[str],
    colors: Sequence[str],
    lrs: Sequence[float],
    *,
    words: Mapping[str, str] = TAYLOR_WORDS,
    height: int = 380,
    font_size: int = 12,
) -> go.Figure:
    """Left: each run's training loss; right: its squared gradient norm g^T g and the curvature
    term eta g^T H g / 2 (both terms of J(theta - eta g) - J(theta) ~ -eta g^T g +
    (eta^2/2) g^T H g, divided by eta), on log axes. ``terms`` are ``ui.taylor_terms.TaylorTerms``."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=[words["taylor.loss"], words["taylor.terms"]])
    for term, label, color, lr in zip(terms, labels, colors, lrs, strict=True):
        fig.add_trace(
            go.Scatter(
                x=term.step, y=packed(term.loss), mode="lines", line={"color": color, "width": 2}, name=label
            ),
            row=1,
            col=1,
        )
        # Where g^T H g <= 0 (negative curvature along g) the log axis has no place: a gap.
        curvature = np.where(term.curvature > 0, lr * term.curvature / 2, np.nan)
        for y, name, dash in (
            (term.grad_sq, words["taylor.grad_sq"], "solid"),
            (curvature, words["taylor.curvature"], "dot"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=term.step,
                    y=packed(y),
                    mode="lines",
                    line={"color": color, "width": 2, "dash": dash},
                    name=name.format(name=label),
                ),
                row=1,
                col=2,
            )
    fig.update_xaxes(title_text=words["x_step"])
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        font={"size": font_size},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
