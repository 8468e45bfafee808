"""A regression network's figures: the fit (a curve over one input, contour lines over two)
animated with the landscape and the learning curves, and the fitted surface in 3-D. Pure
builders: trained networks in, plotly Figures out.

The animated figure has the classification figure's layout (viz.network): one fit panel per
trainee on top, the landscape and the curves below, one step slider for all; the curves are
the mean squared errors (a regression has no accuracy). As there, only scatter traces
animate: the fit is a line (1-D) or the prediction's contour lines (2-D), recomputed at each
frame's record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import contourpy
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from networks import Network
from networks.regression import target
from viz.colors import style_of
from viz.network import (
    Trainee,
    _add_markers,
    _add_training_counter,
    _hover,
    _landscape_static,
    _layout_grid,
    _training_frames,
    _training_layout,
    chart_titles,
    drawn_losses,
    frame_records,
    loss_axis_range,
)
from viz.plain import PlainFigure
from viz.race import TEMPLATE, packed
from viz.template import log_y_ticks

FIT_POINTS = 161  # along the input of a 1-D fit
FIT_GRID = 41  # per side of a 2-D fit's grid
FIT_LEVELS = (-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0)  # a 2-D fit's contour lines
INPUT_RANGE = (-1.1, 1.1)  # the inputs are drawn from [-1, 1]
SURFACE_COLORS = "RdBu_r"


def _inputs_1d() -> np.ndarray:
    return np.linspace(*INPUT_RANGE, FIT_POINTS)


def _grid_2d() -> tuple[np.ndarray, np.ndarray]:
    side = np.linspace(*INPUT_RANGE, FIT_GRID)
    gx, gy = np.meshgrid(side, side)
    return side, np.column_stack([gx.ravel(), gy.ravel()])


def fit_lines(net: Network, thetas: np.ndarray) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """For each network of ``thetas``, the fit's lines to draw: a 1-D regression's curve
    (input, prediction), or a 2-D one's contour lines at FIT_LEVELS, one NaN-separated line."""
    if net.sizes[0] == 1:
        xs = _inputs_1d()
        return [[(xs, row)] for row in net.predict(thetas, xs[:, None])]
    side, points = _grid_2d()
    out = []
    for row in net.predict(thetas, points):
        lines = contourpy.contour_generator(side, side, row.reshape(FIT_GRID, FIT_GRID)).multi_lines(
            FIT_LEVELS
        )
        px, py = [], []
        for level in lines:
            for line in level:
                px += [line[:, 0], [np.nan]]
                py += [line[:, 1], [np.nan]]
        out.append(
            [(np.concatenate(px), np.concatenate(py)) if px else (np.array([np.nan]), np.array([np.nan]))]
        )
    return out


def _target_range(net: Network) -> tuple[float, float]:
    y = np.concatenate([net.data.y, net.data.y_test])
    low, high = float(np.percentile(y, 0.5)), float(np.percentile(y, 99.5))
    pad = 0.15 * max(high - low, 1e-3)
    return low - pad, high + pad


def _add_fit_panel(
    fig: go.Figure, net: Network, name: str, words: Mapping[str, str], cell: tuple[int, int], legend: bool
) -> None:
    """A fit panel's static part: the test and training points, the noiseless target (a
    dashed curve in 1-D; in 2-D the points coloured by their target, the key on the first)."""
    row, col = cell
    data = net.data
    one = net.sizes[0] == 1
    for X, y, which in ((data.X_test, data.y_test, "test"), (data.X, data.y, "train")):
        marker = {"size": 6 if which == "train" else 3, "opacity": 1.0 if which == "train" else 0.35}
        if one:
            trace = go.Scatter(x=packed(X[:, 0]), y=packed(y), marker={**marker, "color": "#3b6fb6"})
        else:
            trace = go.Scatter(
                x=packed(X[:, 0]),
                y=packed(X[:, 1]),
                marker={
                    **marker,
                    "color": packed(y),
                    "colorscale": SURFACE_COLORS,
                    "cmid": 0.0,
                    "showscale": legend and which == "train",
                    "colorbar": {"title": {"text": words["target"]}, "thickness": 10, "len": 0.3, "y": 0.85},
                    "line": {"width": 0.5 if which == "train" else 0, "color": "white"},
                },
            )
        trace.update(
            mode="markers", name=words[which], legendgroup=which, showlegend=legend, hoverinfo="skip"
        )
        fig.add_trace(trace, row=row, col=col)
    if one:
        xs = _inputs_1d()
        fig.add_trace(
            go.Scatter(
                x=packed(xs),
                y=packed(target(name, xs[:, None])),
                mode="lines",
                line={"color": "#555555", "width": 1.5, "dash": "dash"},
                name=words["target_line"],
                legendgroup="target",
                showlegend=legend,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
        fig.update_yaxes(range=list(_target_range(net)), zeroline=False, row=row, col=col)
    else:
        fig.update_yaxes(
            range=list(INPUT_RANGE), tickvals=[-1, 0, 1], zeroline=False, showgrid=False, row=row, col=col
        )
    # Three ticks: on a phone's narrow panels more of them ran into each other.
    fig.update_xaxes(range=list(INPUT_RANGE), tickvals=[-1, 0, 1], zeroline=False, row=row, col=col)


def _add_fits(
    fig: go.Figure, trainees: Sequence[Trainee], first: Sequence[list], cells: Sequence[tuple[int, int]]
) -> None:
    """Each trainee's fit as at the first frame: its curve, or its contour lines."""
    for i, t in enumerate(trainees):
        for px, py in first[i]:
            fig.add_trace(
                go.Scatter(
                    x=packed(px),
                    y=packed(py),
                    mode="lines",
                    line={"color": t.color, "width": 2.5},
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{t.label}: fit",
                ),
                row=cells[i][0],
                col=cells[i][1],
            )


def _add_loss_curves(
    fig: go.Figure, t: Trainee, x: np.ndarray, x_title: str, words: Mapping[str, str], curve, starred
) -> None:
    """A trainee's mean squared errors: training (solid), test (dashed), validation (dash-dot,
    with a validation set) and early stopping's star and bar on the validation curve."""
    run, (row, col) = t.run, curve
    marks = {"symbol": style_of(t.color).symbol, "size": 7, "color": t.color, "maxdisplayed": 6}

    def line(values: np.ndarray, word: str, style: dict) -> None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=packed(values),
                mode="lines+markers",
                line={"color": t.color, **style},
                marker=marks,
                name=f"{t.label}: {word}",
                showlegend=False,
                hovertemplate=_hover(t.label, x_title, word),
            ),
            row=row,
            col=col,
        )

    line(run.loss[:, 0], words["train_loss"], {"width": 2})
    line(run.metrics["test_loss"][:, 0], words["test_loss"], {"width": 1.5, "dash": "dash"})
    if "val_loss" not in run.metrics:
        return
    val = run.metrics["val_loss"][:, 0]
    line(val, words["val_loss"], {"width": 1.5, "dash": "dashdot"})
    for record, key, marker in (
        (
            t.stop,
            "stop",
            {"symbol": "star", "size": 13, "color": t.color, "line": {"width": 1, "color": "black"}},
        ),
        (
            t.stopped,
            "stopped",
            {"symbol": "line-ns-open", "size": 18, "color": t.color, "line": {"width": 3}},
        ),
    ):
        if record is None:
            continue
        fig.add_trace(
            go.Scatter(
                x=[int(x[record])],
                y=[float(val[record])],
                mode="markers",
                marker=marker,
                name=words[key],
                legendgroup=key,
                showlegend=t is starred,
                hovertemplate=_hover(f"{t.label}: {words[key]}", x_title, words["val_loss"]),
            ),
            row=row,
            col=col,
        )


# More room between a wide page's fits and the titles under them (a fraction of the plot's
# height): the fits' input numbers ran into the landscape's title of three lines at 1280 px.
FIT_TICKS_ROOM = 0.06


def regression_training_figure(
    trainees: Sequence[Trainee],
    landscape=None,
    *,
    name: str,
    words: Mapping[str, str],
    frames: int = 50,
    height: int = 780,
    font_size: int = 12,
    narrow: bool = False,
    legend_band: int = 0,
) -> go.Figure:
    """The fits (one panel each), the landscape and the mean-squared-error curves, animated
    together; ``name`` is the regression's target (networks.regression) drawn beside a 1-D fit.
    ``legend_band``: a projector's chart (as viz.network.training_figure)."""
    # On a projector a fit's panel a little wider than tall (at half the plot's height, three
    # in a row were 129 x 160 px at 1024 x 768)
    grid = _layout_grid(len(trainees), landscape is not None, narrow, bool(legend_band), aspect=0.75)
    if not narrow and not legend_band:  # the fits' numbers under them, then the titles below
        grid = grid._replace(spacing=grid.spacing + FIT_TICKS_ROOM)
    cols, specs, land, curve, heights = grid.cols, grid.specs, grid.land, grid.curve, grid.heights
    titles = [t.label for t in trainees]
    if landscape is not None:
        titles.append(words["landscape_test"] if landscape.test else words["landscape"])
    validation = any("val_loss" in t.run.metrics for t in trainees)
    titles.append(
        " / ".join([words["train_loss"], words["test_loss"], *([words["val_loss"]] if validation else [])])
    )
    fig = make_subplots(
        figure=PlainFigure(),
        rows=len(specs),
        cols=cols,
        specs=specs,
        subplot_titles=chart_titles(titles, grid, landscape is not None, bool(legend_band), narrow),
        vertical_spacing=grid.spacing,
        horizontal_spacing=0.06,
        row_heights=heights,
    )
    net = trainees[0].net
    xs = [t.run.step for t in trainees]
    records, axis = frame_records(xs, frames)
    for i, cell in enumerate(grid.cells):
        _add_fit_panel(fig, net, name, words, cell, legend=i == 0)
        if legend_band:  # a projector's panels: their inputs' ticks ran into the titles below
            fig.update_xaxes(showticklabels=False, row=cell[0], col=cell[1])
    if legend_band:  # the key inside the right margin (its title and ticks were cut there)
        fig.update_traces(
            marker_colorbar={
                "title": {"font": {"size": 12}},
                "tickvals": [-1, 0, 1],
                "tickfont": {"size": 12},
            },
            selector={"marker.showscale": True},
        )
    if landscape is not None:
        _landscape_static(fig, landscape, trainees, words, *land)
    starred = next((t for t in trainees if t.stop is not None), None)
    for t, x in zip(trainees, xs, strict=True):
        _add_loss_curves(fig, t, x, words["x_step"], words, curve, starred)
    span = loss_axis_range(drawn_losses(trainees))
    fig.update_yaxes(
        type="log",
        range=span,
        title_text=words["mse"],
        row=curve[0],
        col=curve[1],
        **log_y_ticks(span[1] - span[0]),
    )
    fig.update_xaxes(title_text=words["x_step"], row=curve[0], col=curve[1])
    fits = [fit_lines(t.net, t.run.path[records[j], 0]) for j, t in enumerate(trainees)]
    static = list(range(len(fig.data)))
    _add_fits(fig, trainees, [f[0] for f in fits], grid.cells)
    panels = [(land, True), (curve, False)] if landscape is not None else [(curve, False)]
    _add_markers(fig, trainees, panels)
    _add_training_counter(fig, curve, span[0], font_size)
    animated = list(range(len(static), len(fig.data)))
    counters = [words["step"].format(step=int(at)) for at in axis]
    frame_list = _training_frames(trainees, landscape, fits, records, xs, panels, counters, axis, words)
    untouched = [{"type": "scatter"}] * len(static)
    frame_list = [
        {"data": untouched + data, "traces": static + animated, "name": str(int(at))}
        for data, at in zip(frame_list, axis, strict=True)
    ]
    for index, update in zip(animated, frame_list[0]["data"][len(static) :], strict=True):
        fig.data[index].update({key: v for key, v in update.items() if key != "type"})
    fig.set_frames(frame_list)
    _training_layout(
        fig, [frame["name"] for frame in frame_list], words, height, font_size, narrow, legend_band
    )
    return fig


def fit_surface_figure(
    t: Trainee, *, name: str, words: Mapping[str, str], height: int = 460, font_size: int = 12
) -> go.Figure:
    """A 2-D regression's fit at the end of ``t``'s run as a surface, with the training points
    (their targets) above and below it and the noiseless target as a wire of contour lines on
    the floor."""
    net = t.net
    side, points = _grid_2d()
    fitted = net.predict(t.run.final[0], points)[0].reshape(FIT_GRID, FIT_GRID)
    exact = target(name, points).reshape(FIT_GRID, FIT_GRID)
    low = float(min(fitted.min(), net.data.y.min()))
    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            x=side,
            y=side,
            z=fitted,
            colorscale=SURFACE_COLORS,
            cmid=0.0,
            opacity=0.9,
            name=words["fit"].format(name=t.label),
            showscale=False,
            contours={"z": {"show": True, "usecolormap": True, "project": {"z": False}}},
        )
    )
    fig.add_trace(
        go.Surface(
            x=side,
            y=side,
            z=np.full_like(exact, low - 0.3),
            surfacecolor=exact,
            colorscale=SURFACE_COLORS,
            cmid=0.0,
            opacity=0.55,
            showscale=False,
            name=words["target_floor"],
            hoverinfo="skip",
        )
    )
    data = net.data
    fig.add_trace(
        go.Scatter3d(
            x=data.X[:, 0],
            y=data.X[:, 1],
            z=data.y,
            mode="markers",
            marker={"size": 2.5, "color": "#1a1a1a"},
            name=words["train"],
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        font={"size": font_size},
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        showlegend=True,
        legend={"orientation": "h", "y": 0.0},
        scene={
            "xaxis_title": "x₁",
            "yaxis_title": "x₂",
            "zaxis_title": words["target"],
            "aspectmode": "cube",
        },
    )
    return fig
