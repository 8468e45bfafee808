"""Loss (or gradient norm) against step for every optimizer, and the summary numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.colors import style_of
from viz.plain import PlainFigure
from viz.race import TEMPLATE, Racer, packed
from viz.template import LOG_X_TICKS, fill, written

FLOOR = 1e-16  # log axes: values at or below the optimum are shown at this floor
MARKS = 8  # markers along each curve (plotly spreads them evenly, staggered between curves)

CURVE_WORDS = {
    "step": "step",
    "loss": "loss",
    "gap": "loss − minimum",
    "grad_norm": "gradient norm",
}


def curves_figure(
    surface,
    racers: Sequence[Racer],
    *,
    metric: str = "loss",
    words: Mapping[str, str] = CURVE_WORDS,
    height: int = 320,
) -> go.Figure:
    """One line per trajectory, in its racer's colour, dash and marker (a few along it, and in
    the legend). ``metric`` is ``"loss"`` (shown as the gap to the known minimum on a log axis
    when there is one) or ``"grad_norm"``."""
    fig = PlainFigure()
    log = True
    title = words["grad_norm"]
    if metric == "loss":
        if surface.f_min is not None:
            title = words["gap"]
        else:
            title = words["loss"]
            log = all(bool(np.all(r.run.loss > 0)) for r in racers)
    for racer in racers:
        run = racer.run
        if metric == "grad_norm":
            values = run.grad_norm
        elif surface.f_min is not None:
            values = np.maximum(run.loss - surface.f_min, FLOOR)
        else:
            values = run.loss
        look = style_of(racer.color)
        for n in range(run.n):
            fig.add_trace(
                go.Scatter(
                    x=packed(run.step),
                    y=packed(values[:, n]),
                    mode="lines+markers",
                    name=racer.label,
                    legendgroup=racer.label,
                    showlegend=n == 0,
                    line={"color": racer.color, "width": 2, "dash": look.dash},
                    marker=_marks(racer.color),
                    opacity=1.0 if run.n == 1 else 0.6,
                )
            )
    fig.plain_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": words["step"]}},
        # the template writes a short log axis's numbers out (0.9, 0.8, ..., not "9 8 ...")
        yaxis={"title": {"text": title}, "type": "log" if log else "linear"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
    )
    return fig


def _marks(color: str) -> dict:
    """A racer's markers along its curve: ``MARKS`` of them, so the line stays a line."""
    return {"symbol": style_of(color).symbol, "size": 8, "color": color, "maxdisplayed": MARKS}


def summary(surface, racer: Racer) -> dict:
    """What the table says about one optimizer: medians over its trajectories, counts, and
    the first step of convergence and of divergence (-1 for never)."""
    run = racer.run
    final_loss = run.loss[-1]
    distance = None
    if len(surface.minima):
        gaps = np.linalg.norm(run.final[:, None, :] - surface.minima[None, :, :], axis=-1)
        distance = float(np.median(gaps.min(axis=1)))
    converged = run.converged_at[run.converged_at >= 0]
    diverged = run.diverged_at[run.diverged_at >= 0]
    return {
        "label": racer.label,
        "trajectories": run.n,
        "final_loss": float(np.median(final_loss)),
        "best_loss": float(final_loss.min()),
        "distance": distance,
        "converged": len(converged),
        "converged_at": int(converged.min()) if len(converged) else -1,
        "diverged": len(diverged),
        "diverged_at": int(diverged.min()) if len(diverged) else -1,
    }


def tuning_figure(
    tunings, labels: Sequence[str], colors: Sequence[str], words: Mapping[str, str]
) -> go.Figure:
    """Score against learning rate for each tuned optimizer, its chosen rate starred. Every
    rate tried is drawn: a rate whose run diverged (no score) as an x in a strip above the
    scores (an axis of its own, hidden), labelled ``words["diverged"]`` there and in the legend."""
    fig = go.Figure()
    finite_scores = [t.scores[np.isfinite(t.scores)] for t in tunings]
    positive = all((f > 0).all() for f in finite_scores)
    any_diverged = False
    for tuning, label, color in zip(tunings, labels, colors, strict=True):
        finite = np.isfinite(tuning.scores)
        scores = np.where(finite, tuning.scores, np.nan)
        look = style_of(color)
        fig.add_trace(
            go.Scatter(
                x=tuning.rates,
                y=scores,
                mode="lines+markers",  # a lone scored rate between diverged ones stays visible
                marker={"size": 5, "color": color, "symbol": look.symbol},
                line={"color": color, "width": 2, "dash": look.dash},
                name=label,
                legendgroup=label,
            )
        )
        if (~finite).any():
            fig.add_trace(
                go.Scatter(
                    x=tuning.rates[~finite],
                    y=np.full(int((~finite).sum()), 0.5),
                    yaxis="y2",
                    mode="markers",
                    marker={"symbol": "x-thin", "size": 9, "line": {"width": 2, "color": color}},
                    name=f"{label}: {words['diverged']}",
                    legendgroup=label,
                    showlegend=not any_diverged,
                    hovertemplate=f"{label}<br>lr = %{{x:.4~g}}: {words['diverged']}<extra></extra>",
                )
            )
            any_diverged = True
        if tuning.best is not None:
            chosen = float(scores[np.flatnonzero(tuning.rates == tuning.best)[0]])
            fig.add_trace(
                go.Scatter(
                    x=[tuning.best],
                    y=[chosen],
                    mode="markers",
                    marker={
                        "symbol": "star",
                        "size": 14,
                        "color": color,
                        "line": {"width": 1, "color": "black"},
                    },
                    name=f"{label}: lr = {written(tuning.best, 3)}",
                    showlegend=False,
                    hovertemplate=f"{label}<br>lr = {written(tuning.best)}<extra></extra>",
                )
            )
    if any_diverged:  # one legend entry for the x's of every optimizer
        for trace in fig.data:
            if trace.yaxis == "y2" and trace.showlegend:
                trace.name = "× " + words["diverged"]
    score = tunings[0].score if tunings else "final"
    fig.update_layout(
        template=TEMPLATE,
        height=300,
        margin={"l": 64, "r": 10, "t": 10, "b": 40},
        xaxis={"type": "log", "title": words["lr"], "nticks": LOG_X_TICKS},
        yaxis={
            "type": "log" if score == "final" and positive else "linear",
            "title": words[f"score.{score}"],
            "domain": [0, 0.86],  # the x's of diverged rates in a strip above, never on a score
        },
        yaxis2={"domain": [0.9, 1], "anchor": "x", "range": [0, 1], "visible": False, "fixedrange": True},
        legend={"orientation": "h", "y": -0.3},
    )
    if any_diverged:
        fig.add_annotation(
            text=words["diverged"],
            xref="paper",
            x=0,
            xanchor="right",
            yref="paper",
            y=0.95,
            showarrow=False,
            font={"size": 11},
        )
    return fig


def eigen_figure(
    surface, racers: Sequence[Racer], words: Mapping[str, str], height: int = 380, font_size: int = 12
):
    """Each racer's path in the Hessian's eigen-coordinates (a quadratic's), relative to its
    start: the flat direction and the stiff one, each a damped oscillator (ripples when
    under-damped, a straight fall when critically damped)."""
    from plotly.subplots import make_subplots

    values, vectors = np.linalg.eigh(surface.hessian(np.zeros(2)))
    center = surface.minima[0] if len(surface.minima) else np.zeros(2)
    titles = [fill(words["eigen.flat"], value=values[0]), fill(words["eigen.stiff"], value=values[-1])]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, shared_yaxes=True)
    for racer in racers:
        coordinates = (racer.run.path[:, 0] - center) @ vectors
        relative = coordinates / np.where(coordinates[0] != 0, coordinates[0], 1.0)
        for col, k in ((1, 0), (2, -1)):
            fig.add_trace(
                go.Scatter(
                    x=racer.run.step,
                    y=packed(relative[:, k]),
                    mode="lines+markers",
                    line={"color": racer.color, "width": 2, "dash": style_of(racer.color).dash},
                    marker=_marks(racer.color),
                    name=racer.label,
                    legendgroup=racer.label,
                    showlegend=col == 1,
                ),
                row=1,
                col=col,
            )
    fig.add_hline(y=0, line={"color": "rgba(0,0,0,0.35)", "width": 1})
    fig.update_xaxes(title_text=words["x_step"])
    fig.update_yaxes(title_text=words["eigen.y"], row=1, col=1)
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        font={"size": font_size},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
