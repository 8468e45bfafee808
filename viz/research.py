"""Figures of the research lessons (networks/research.py computes their numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from networks.research import (
    BezierPath,
    Catapult,
    DoubleDescent,
    LineProfile,
    RescalingSlices,
    rise_above_lowest,
)
from viz.colors import style, style_of
from viz.template import LOG_X_TICKS, TEMPLATE

LINE_WORDS = {
    "research.line.x": "α: (1 − α) × start + α × end",
    "research.line.loss": "training loss",
    "research.line.rise": "rise above the lowest loss so far",
    "research.line.top": "The loss on the straight line from the start to the end",
    "research.line.bottom": "How far it climbs back (0: it falls all the way)",
}
RESCALING_WORDS = {
    "research.rescale.x": "a: the slice θ_c + a d",
    "research.rescale.loss": "training loss",
    "research.rescale.plain": "d: one Gaussian direction for every c",
    "research.rescale.filtered": "d: filter-normalized at θ_c",
    "research.rescale.curve": "c = {c:g} (curvature {k:.3g})",
}


def _layout(fig: go.Figure, height: int, font_size: int) -> None:
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        font={"size": font_size},
        legend={"orientation": "h", "y": -0.18},
    )
    fig.update_annotations(font={"size": font_size})


def line_figure(
    profiles: Sequence[LineProfile],
    labels: Sequence[str],
    colors: Sequence[str],
    *,
    words: Mapping[str, str] = LINE_WORDS,
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """Goodfellow et al.'s figure 1 for each run: above, the training loss along the line from
    its start to its end (log axis); below, how far the line has climbed above the lowest loss
    met before (0 all the way for a line that never rises), where a small bump shows."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.6, 0.4],
        subplot_titles=(words["research.line.top"], words["research.line.bottom"]),
    )
    for p, label, color in zip(profiles, labels, colors, strict=True):
        look = style_of(color)
        common = {"legendgroup": label, "line": {"color": color, "width": 2, "dash": look.dash}}
        marker = {"symbol": look.symbol, "size": 8, "color": color, "maxdisplayed": 8}
        fig.add_trace(
            go.Scatter(x=p.alphas, y=p.loss, mode="lines+markers", name=label, marker=marker, **common),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=p.alphas,
                y=rise_above_lowest(p.loss),
                mode="lines+markers",
                name=label,
                showlegend=False,
                marker=marker,
                **common,
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(title_text=words["research.line.loss"], type="log", row=1, col=1)
    fig.update_yaxes(title_text=words["research.line.rise"], rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=words["research.line.x"], range=[0, 1], row=2, col=1)
    _layout(fig, height, font_size)
    return fig


def rescaling_figure(
    slices: RescalingSlices,
    *,
    words: Mapping[str, str] = RESCALING_WORDS,
    height: int = 460,
    font_size: int = 12,
) -> go.Figure:
    """Li et al.'s point: the loss along slices through the same function written with each
    rescaling c; above, one Gaussian direction for every c (the slices differ); below, the
    filter-normalized direction at each rescaled point (the slices coincide). Each legend entry
    gives the slice's curvature d^T H d at a = 0."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(words["research.rescale.plain"], words["research.rescale.filtered"]),
    )
    rows = (
        (1, slices.plain, slices.plain_curvature),
        (2, slices.filtered, slices.filtered_curvature),
    )
    for row, curves, curvatures in rows:
        for i, (c, curve, k) in enumerate(zip(slices.factors, curves, curvatures, strict=True)):
            look = style(i)
            fig.add_trace(
                go.Scatter(
                    x=slices.offsets,
                    y=np.asarray(curve),
                    mode="lines+markers",
                    name=words["research.rescale.curve"].format(c=float(c), k=float(k)),
                    line={"color": look.color, "width": 2 + (len(slices.factors) - 1 - i), "dash": look.dash},
                    marker={"symbol": look.symbol, "size": 8, "color": look.color, "maxdisplayed": 9},
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(title_text=words["research.rescale.loss"], type="log", row=row)
    fig.update_xaxes(title_text=words["research.rescale.x"], row=2, col=1)
    _layout(fig, height, font_size)
    return fig


DOUBLE_DESCENT_WORDS = {
    "research.dd.x": "p: the number of random features",
    "research.dd.test": "test error (mean squared)",
    "research.dd.train": "training error (mean squared)",
    "research.dd.top": "Test error: the median of {draws} feature draws",
    "research.dd.bottom": "Training error",
    "research.dd.n": "p = n = {n}",
}


def double_descent_figure(
    dd: DoubleDescent,
    *,
    words: Mapping[str, str] = DOUBLE_DESCENT_WORDS,
    height: int = 460,
    font_size: int = 12,
) -> go.Figure:
    """Belkin et al.'s figure 2 on the moons: above, the test error of minimum-norm least squares
    against the number of random features p (log axis); below, the training error, 0 from p = n
    on (linear axis); a dotted line at p = n on both."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.65, 0.35],
        subplot_titles=(
            words["research.dd.top"].format(draws=dd.test_draws.shape[0]),
            words["research.dd.bottom"],
        ),
    )
    for row, values, name, i in (
        (1, dd.test, words["research.dd.test"], 0),
        (2, dd.train, words["research.dd.train"], 1),
    ):
        look = style(i)
        fig.add_trace(
            go.Scatter(
                x=dd.features,
                y=values,
                mode="lines+markers",
                name=name,
                line={"color": look.color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 7, "color": look.color, "maxdisplayed": 12},
            ),
            row=row,
            col=1,
        )
    for row in (1, 2):
        fig.add_vline(x=dd.n, line={"color": "rgba(0,0,0,0.45)", "width": 1, "dash": "dot"}, row=row, col=1)
    fig.add_annotation(
        x=dd.n,
        y=1,
        yref="y domain",
        text=words["research.dd.n"].format(n=dd.n),
        showarrow=False,
        xanchor="left",
    )
    fig.update_yaxes(title_text=words["research.dd.test"], type="log", row=1, col=1)
    fig.update_yaxes(title_text=words["research.dd.train"], rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=words["research.dd.x"], row=2, col=1)
    _layout(fig, height, font_size)
    return fig


CATAPULT_WORDS = {
    "research.cat.x": "step + 1 (log axis)",
    "research.cat.loss": "training loss",
    "research.cat.curvature": "η λ_t",
    "research.cat.top": "The loss (squared error)",
    "research.cat.bottom": "η × the top eigenvalue of the kernel: stable below 2",
    "research.cat.run": "η = {k:g}/λ₀",
}


def catapult_figure(
    runs: Sequence[Catapult],
    *,
    words: Mapping[str, str] = CATAPULT_WORDS,
    height: int = 460,
    font_size: int = 12,
) -> go.Figure:
    """Lewkowycz et al.'s figure 1 on the moons: above, the loss at every step of each run (log
    axes, step + 1 across; a diverged run until it passes the limit); below, lr times the
    curvature lambda_t, with a dotted line at 2 (gradient descent is stable on a quadratic of
    that curvature below it)."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(words["research.cat.top"], words["research.cat.bottom"]),
    )
    for i, run in enumerate(runs):
        look = style(i)
        name = words["research.cat.run"].format(k=round(run.lr * run.lam0, 6))
        common = {"legendgroup": name, "line": {"color": look.color, "width": 2, "dash": look.dash}}
        marker = {"symbol": look.symbol, "size": 7, "color": look.color, "maxdisplayed": 10}
        steps = np.arange(len(run.loss)) + 1  # on a log axis: step 0 at 1 (the catapult is over by step 10)
        fig.add_trace(
            go.Scatter(x=steps, y=run.loss, mode="lines+markers", name=name, marker=marker, **common),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=run.lr * run.curvature,
                mode="lines+markers",
                name=name,
                showlegend=False,
                marker=marker,
                **common,
            ),
            row=2,
            col=1,
        )
    fig.add_hline(y=2.0, line={"color": "rgba(0,0,0,0.45)", "width": 1, "dash": "dot"}, row=2, col=1)
    fig.update_yaxes(title_text=words["research.cat.loss"], type="log", row=1, col=1)
    fig.update_yaxes(title_text=words["research.cat.curvature"], type="log", row=2, col=1)
    fig.update_xaxes(type="log", nticks=LOG_X_TICKS, row=1, col=1)
    fig.update_xaxes(title_text=words["research.cat.x"], type="log", nticks=LOG_X_TICKS, row=2, col=1)
    _layout(fig, height, font_size)
    return fig


SAM_WORDS = {
    "research.sam.x": "step",
    "research.sam.y": "sharpness: the top eigenvalue of the Hessian",
    "research.sam.limit": "2/η = {limit:g}",
}


def sharpness_runs_figure(
    trained,
    labels: Sequence[str],
    colors: Sequence[str],
    *,
    words: Mapping[str, str] = SAM_WORDS,
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """Lesson 34: each run's sharpness (its Hessian's top eigenvalue, by Lanczos) at the records
    where it was computed, and a dotted line at 2/lr of the first run (its stability limit)."""
    fig = go.Figure()
    for t, label, color in zip(trained, labels, colors, strict=True):
        look = style_of(color)
        fig.add_trace(
            go.Scatter(
                x=t.sharpness_steps,
                y=t.sharpness,
                mode="lines+markers",
                name=label,
                line={"color": color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 8, "color": color},
            )
        )
    limit = 2.0 / float(trained[0].lr)
    fig.add_hline(
        y=limit,
        line={"color": "rgba(0,0,0,0.45)", "width": 1, "dash": "dot"},
        annotation_text=words["research.sam.limit"].format(limit=limit),
        annotation_position="top left",
    )
    fig.update_xaxes(title_text=words["research.sam.x"])
    fig.update_yaxes(title_text=words["research.sam.y"], rangemode="tozero")
    _layout(fig, height, font_size)
    return fig


BEZIER_WORDS = {
    "research.bez.x": "t: from one end (0) to the other (1)",
    "research.bez.y": "training loss",
    "research.bez.line": "straight line",
    "research.bez.curve": "trained Bézier curve",
}


def bezier_figure(
    path: BezierPath,
    *,
    words: Mapping[str, str] = BEZIER_WORDS,
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """Lesson 35: the training loss along the straight line between two ends and along the
    trained quadratic Bezier curve between them (log axis)."""
    fig = go.Figure()
    for i, (values, key) in enumerate(((path.line, "research.bez.line"), (path.curve, "research.bez.curve"))):
        look = style(i)
        fig.add_trace(
            go.Scatter(
                x=path.ts,
                y=values,
                mode="lines+markers",
                name=words[key],
                line={"color": look.color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 8, "color": look.color, "maxdisplayed": 12},
            )
        )
    fig.update_xaxes(title_text=words["research.bez.x"], range=[0, 1])
    fig.update_yaxes(title_text=words["research.bez.y"], type="log")
    _layout(fig, height, font_size)
    return fig


RESEARCH_VIEWS = (
    "research_line",
    "research_rescaling",
    "research_double_descent",
    "research_catapult",
    "research_sam",
    "research_bezier",
)


def lesson_figure(
    view: str, results, trainees, *, words, font_size: int = 12, height: int = 420
) -> go.Figure:
    """The figure of a research lesson's ``view`` from its trained scenes (``results``) and their
    drawn runs (``trainees``: labels and colours, in the same order)."""
    from networks.research import (
        lesson_bezier,
        lesson_catapult,
        lesson_double_descent,
        lesson_lines,
        lesson_rescaling,
    )

    options = {"words": words, "font_size": font_size, "height": max(height, 420)}
    if view == "research_line":
        return line_figure(
            lesson_lines(results), [t.label for t in trainees], [t.color for t in trainees], **options
        )
    if view == "research_rescaling":
        return rescaling_figure(
            lesson_rescaling(results[0].net, results[0].trained[0].run.final[0]), **options
        )
    if view == "research_double_descent":
        return double_descent_figure(lesson_double_descent(results[0].net), **options)
    if view == "research_bezier":
        return bezier_figure(lesson_bezier(results), **options)
    if view == "research_sam":
        trained = [t for r in results for t in r.trained]
        return sharpness_runs_figure(
            trained, [t.label for t in trainees], [t.color for t in trainees], **options
        )
    if view == "research_catapult":
        return catapult_figure(lesson_catapult(results[0].net), **options)
    raise ValueError(f"unknown research view {view!r}")
