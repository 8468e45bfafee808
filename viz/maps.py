"""Pictures of thousands of runs: a hyperparameter sweep as a heatmap, a map of basins.

Pure: a Surface and a Run in (one trajectory per cell, final positions are enough), a
plotly Figure or plain arrays out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from optimizers import Run
from viz.plain import PlainFigure
from viz.race import TEMPLATE, packed
from viz.template import fill, log_x_ticks, written

# Basin categories after the known minima: 0..k-1 are the minima, then these.
OTHER, STILL, DIVERGED = -1, -2, -3
# The basins' colours: Okabe and Ito's seven (their black is the diverged), apart by at least
# 10 CIEDE2000 under deuteranopia, protanopia and tritanopia with the three below
# (tests/test_colors.py); each minimum is also numbered on the map and in the legend.
MINIMUM_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SPECIAL_COLORS = {OTHER: "#ffffff", STILL: "#c7c7c7", DIVERGED: "#3b3b3b"}

MAP_WORDS = {
    "final_loss": "final loss − minimum",
    "loss": "final loss",
    "converged_at": "steps to converge",
    "diverged": "diverged (1) or not (0)",
    "minimum": "minimum",
    "other": "another stationary point",
    "still": "not converged",
    "diverged_label": "diverged",
    "steps": "steps",
    "stable": "2/L: gradient descent's stability limit",
    "heavy_ball": "2(1+β)/L: heavy ball's stability limit",
    "empty_diverged": "Every run diverged: try smaller learning rates or another range.",
    "empty_converged_at": "No run converged within these steps: allow more steps, or colour by final loss.",
}
DIVERGED_COLOR, STILL_COLOR = "#7f1d1d", "#bdbdbd"


def sweep_values(surface, run: Run, metric: str) -> np.ndarray:
    """One number per run for the heatmap; NaN where there is none (never converged)."""
    if metric == "converged_at":
        return np.where(run.converged_at >= 0, run.converged_at, np.nan).astype(float)
    if metric == "diverged":
        return (run.diverged_at >= 0).astype(float)
    final = run.loss[-1].astype(float)
    if surface.f_min is not None:
        final = np.maximum(final - surface.f_min, 1e-16)
    return np.where(run.diverged_at >= 0, np.nan, final)


def sweep_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    values: np.ndarray,
    *,
    metric: str,
    x_label: str,
    y_label: str,
    log_x: bool,
    log_y: bool,
    lines: Sequence[tuple[str, np.ndarray, np.ndarray]] = (),
    words: Mapping[str, str] = MAP_WORDS,
    height: int = 600,
    diverged: np.ndarray | None = None,
    narrow: bool = False,
) -> go.Figure:
    """A heatmap of ``values`` (``(len(ys), len(xs))``); log colour for losses. ``lines``
    are theory overlays ``(name, x, y)``; ``diverged`` (one flag per cell) colours the diverged
    cells apart. Invisible markers over the cells make clicks work (heatmaps report none).
    ``narrow`` (a phone): a log x axis labels fewer ticks (``log_x_ticks``)."""
    z = np.asarray(values, dtype=float).reshape(len(ys), len(xs))
    bad = (
        np.zeros(z.shape, dtype=bool)
        if diverged is None
        else np.asarray(diverged, dtype=bool).reshape(z.shape)
    )
    fig = PlainFigure()
    if metric != "diverged":
        _add_cells_without_value(fig, xs, ys, z, bad, words)
    _add_sweep_heatmap(fig, xs, ys, z, metric, words)
    _add_sweep_cells(fig, xs, ys, z, bad, metric, x_label, y_label, words)
    _add_theory_lines(fig, lines)
    if np.isnan(z).all() or (metric == "converged_at" and not np.isfinite(z).any()):
        _add_empty_note(fig, words["empty_diverged" if bad.all() else "empty_converged_at"])
    fig.plain_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": {"text": x_label}, "type": "log" if log_x else "linear", "range": _range(xs, log_x)}
        | (log_x_ticks(float(np.ptp(_range(xs, True))), narrow) if log_x else {}),
        yaxis={"title": {"text": y_label}, "type": "log" if log_y else "linear", "range": _range(ys, log_y)},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        clickmode="event+select",
    )
    return fig


def _add_cells_without_value(
    fig: PlainFigure, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, bad: np.ndarray, words: Mapping[str, str]
) -> None:
    """Cells without a value get a colour of their own, with a legend entry: diverged (dark
    red) or, for steps to converge, not converged (grey); white said nothing."""
    for mask, color, label in (
        (bad, DIVERGED_COLOR, words["diverged_label"]),
        (np.isnan(z) & ~bad, STILL_COLOR, words["still"]),
    ):
        if mask.any():
            fig.add_trace(
                go.Heatmap(
                    x=packed(xs),
                    y=packed(ys),
                    z=np.where(mask, 1.0, np.nan),
                    colorscale=[[0, color], [1, color]],
                    showscale=False,
                    hoverinfo="skip",
                    name=label,
                )
            )
            fig.add_trace(_legend_square(label, color))


def _legend_square(name: str, color: str) -> go.Scatter:
    """A legend entry alone: a coloured square that draws nothing on the map."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        marker={"symbol": "square", "size": 12, "color": color, "line": {"color": "#59616a", "width": 1}},
    )


def _add_sweep_heatmap(
    fig: PlainFigure, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, metric: str, words: Mapping[str, str]
) -> None:
    """The values as colours, with their colour bar: the final loss's gap on a log scale."""
    shown = z
    colorbar_title = words.get(metric, metric)
    if metric in ("final_loss", "loss"):
        with np.errstate(all="ignore"):
            shown = np.log10(np.where(z > 0, z, np.nan)) if metric == "final_loss" else z
        colorbar_title = "log10 " + colorbar_title if metric == "final_loss" else colorbar_title
    fig.add_trace(
        go.Heatmap(
            x=packed(xs),
            y=packed(ys),
            z=shown,
            colorscale="Viridis_r",
            hoverinfo="skip",
            colorbar={"title": {"text": colorbar_title, "side": "right"}},
        )
    )


def _add_sweep_cells(
    fig: PlainFigure,
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
    bad: np.ndarray,
    metric: str,
    x_label: str,
    y_label: str,
    words: Mapping[str, str],
) -> None:
    """Invisible markers over the cells carry the hover text and make clicks work (heatmaps
    report none, and skipped hover would too); at most 50 a side."""

    def hover(rows: np.ndarray, columns: np.ndarray) -> list[str]:
        return [
            words["diverged_label"] if b else words["still"] if np.isnan(v) else written(v)
            for v, b in zip(z[rows, columns], bad[rows, columns], strict=True)
        ]

    fig.add_trace(
        _cell_markers(
            xs,
            ys,
            max(1, len(xs) // 50),
            hover,
            f"{x_label} = %{{x:.4~g}}<br>{y_label} = %{{y:.4~g}}<br>"
            f"{words.get(metric, metric)}: %{{text}}<extra></extra>",
            size=10,
        )
    )


def _add_theory_lines(fig: PlainFigure, lines: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> None:
    """Each theory line as a white dash on a dark line: visible on every colour of the map,
    white cells too."""
    for name, lx, ly in lines:
        for width, color, dash, legend in ((6, "#111", "solid", False), (3, "white", "dash", True)):
            fig.add_trace(
                go.Scatter(
                    x=lx,
                    y=ly,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=legend,
                    hoverinfo="skip",
                    line={"color": color, "width": width, "dash": dash},
                )
            )


def _add_empty_note(fig: PlainFigure, text: str) -> None:
    """A boxed sentence in the middle of a map that has nothing to show, saying why."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": "#111"},
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor="#111",
    )


def _cell_markers(
    xs: np.ndarray,
    ys: np.ndarray,
    step: int,
    text: Callable[[np.ndarray, np.ndarray], list[str]],
    hovertemplate: str,
    size: int,
) -> go.Scatter:
    """Invisible markers on every ``step``-th cell of a map (heatmaps report no clicks, and a
    hover text per cell of a large map is megabytes): ``text(rows, columns)`` gives each
    marker's words from the cells' flat row and column indices."""
    rows, columns = _coarse_cells(len(xs), len(ys), step)
    return go.Scatter(
        x=packed(xs[columns]),
        y=packed(ys[rows]),
        text=text(rows, columns),
        mode="markers",
        marker={"size": size, "opacity": 0},
        showlegend=False,
        name="cells",
        hovertemplate=hovertemplate,
    )


def _coarse_cells(nx: int, ny: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """The flat row and column indices of every ``step``-th cell of an ``ny`` x ``nx`` map,
    row by row."""
    rows, columns = np.meshgrid(np.arange(0, ny, step), np.arange(0, nx, step), indexing="ij")
    return rows.ravel(), columns.ravel()


def _hover_grid(
    xs: np.ndarray,
    ys: np.ndarray,
    step: int,
    text: Callable[[np.ndarray, np.ndarray], list[str]],
    hovertemplate: str,
) -> go.Heatmap:
    """A transparent heatmap of every ``step``-th cell of a map carrying its hover words, for a
    map nobody clicks: one image to draw, where as many invisible markers were 3,600 SVG nodes
    to style (0.35 s of the browser's time per basin map). Each coarse cell says what its
    centre does, with the centre's coordinates."""
    rows, columns = _coarse_cells(len(xs), len(ys), step)
    cells = zip(xs[columns], ys[rows], text(rows, columns), strict=True)
    width = max(float(np.ptp(xs)), float(np.ptp(ys)))  # a centre at -2e-16 is at 0
    words = [f"({written(x, 3, width)}, {written(y, 3, width)})<br>{w}" for x, y, w in cells]
    shape = (len(ys[::step]), len(xs[::step]))
    return go.Heatmap(
        x=packed(xs[::step]),
        y=packed(ys[::step]),
        z=np.zeros(shape, dtype=np.uint8),
        text=np.array(words, dtype=object).reshape(shape).tolist(),
        opacity=0,
        showscale=False,
        hovertemplate=hovertemplate,
        name="cells",
    )


def _range(values: np.ndarray, log: bool) -> list[float]:
    """An axis's range over ``values``, in decades on a log axis."""
    low, high = float(values.min()), float(values.max())
    return [np.log10(low), np.log10(high)] if log else [low, high]


def basin_labels(surface, run: Run, radius: float | None = None) -> np.ndarray:
    """Which known minimum each run ended at (its index), or OTHER (converged elsewhere),
    STILL (not converged) or DIVERGED."""
    final = run.final
    if radius is None:
        radius = 0.02 * float(surface.half_width.max()) * 2
    labels = np.full(run.n, STILL, dtype=np.int64)
    converged = run.converged_at >= 0
    labels[converged] = OTHER
    if len(surface.minima):
        distance = np.linalg.norm(final[:, None, :] - surface.minima[None, :, :], axis=-1)
        nearest = distance.argmin(axis=1)
        near = distance[np.arange(run.n), nearest] <= radius
        labels[near] = nearest[near]
    labels[run.diverged_at >= 0] = DIVERGED
    return labels


def basin_figure(
    surface,
    xs: np.ndarray,
    ys: np.ndarray,
    labels: np.ndarray,
    steps_taken: np.ndarray,
    *,
    title: str = "",
    words: Mapping[str, str] = MAP_WORDS,
    height: int = 460,
) -> go.Figure:
    """Each start coloured by where it ended, darker the more steps it took."""
    k = len(surface.minima)
    width = max(high - low for low, high in surface.bounds)
    categories = [*range(k), OTHER, STILL, DIVERGED]
    color_of = {
        c: (MINIMUM_COLORS[c % len(MINIMUM_COLORS)] if c >= 0 else SPECIAL_COLORS[c]) for c in categories
    }
    names = {
        c: f"{c + 1}: {words['minimum']} ({written(surface.minima[c, 0], 3, width)}, "
        f"{written(surface.minima[c, 1], 3, width)})"
        if c >= 0
        else {OTHER: words["other"], STILL: words["still"], DIVERGED: words["diverged_label"]}[c]
        for c in categories
    }
    fig = PlainFigure(data=_basin_heatmap(xs, ys, labels, steps_taken, categories, color_of))
    # Hover words from a transparent grid of at most 60 a side.
    taken = np.asarray(steps_taken).reshape(len(ys), len(xs))
    shaped = labels.reshape(len(ys), len(xs))

    def hover(rows: np.ndarray, columns: np.ndarray) -> list[str]:
        return [
            f"{names[c]}<br>{words['steps']} {t}"
            for c, t in zip(shaped[rows, columns], taken[rows, columns], strict=True)
        ]

    fig.add_trace(_hover_grid(xs, ys, max(1, -(-len(xs) // 60)), hover, "%{text}<extra></extra>"))
    # Every category in the legend, whether it occurs or not: panels side by side keep the same
    # legend, and so the same height of map (they were misaligned on six-hump camel).
    for c in categories:
        fig.add_trace(_legend_square(names[c], color_of[c]))
    if k:
        fig.add_trace(_minima_stars(surface.minima, numbered=True))
    (x0, x1), (y0, y1) = surface.bounds
    fig.plain_layout(
        height=height,
        title={"text": title, "x": 0.5},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"range": [x0, x1], "constrain": "domain", "title": {"text": "x"}},
        yaxis={"range": [y0, y1], "scaleanchor": "x", "constrain": "domain", "title": {"text": "y"}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    )
    return fig


def _basin_heatmap(
    xs: np.ndarray,
    ys: np.ndarray,
    labels: np.ndarray,
    steps_taken: np.ndarray,
    categories: Sequence[int],
    color_of: Mapping[int, str],
) -> go.Heatmap:
    """The map itself: each category a band of the colour scale, light to dark by steps taken."""
    index = {c: i for i, c in enumerate(categories)}
    n = len(categories)
    shade = np.clip(np.asarray(steps_taken, dtype=float) / max(float(np.nanmax(steps_taken)), 1.0), 0, 1)
    position = np.array([index[c] for c in labels.ravel()], dtype=float) + 0.85 * shade.ravel()
    colorscale = []
    for i, c in enumerate(categories):
        colorscale += [
            [i / n, _mix(color_of[c], 0.35)],
            [(i + 0.86) / n, _mix(color_of[c], -0.45)],
            [min((i + 0.999) / n, 1.0), _mix(color_of[c], -0.45)],
        ]
    colorscale[-1][0] = 1.0
    # The colour position as one byte per cell (its fraction of 254): a 300 x 300 map was
    # 3.6 MB of JSON (float64 positions and a hover text per cell), now 0.15 MB.
    levels = np.round(position / n * 254).astype(np.uint8).reshape(len(ys), len(xs))
    return go.Heatmap(
        x=packed(xs),
        y=packed(ys),
        z=levels,
        zmin=0,
        zmax=254,
        colorscale=colorscale,
        showscale=False,
        hoverinfo="skip",
    )


def _minima_stars(minima: np.ndarray, numbered: bool = False) -> go.Scatter:
    """The known minima as stars, out of the legend (their colours are in it); ``numbered``:
    each with its number beside it, as the legend names it (a basin is then found by its
    number, not its colour alone)."""
    return go.Scatter(
        x=minima[:, 0],
        y=minima[:, 1],
        mode="markers+text" if numbered else "markers",
        text=[str(i + 1) for i in range(len(minima))] if numbered else None,
        textposition="top right",
        textfont={"size": 14, "color": "#000000"},
        showlegend=False,
        marker={
            "symbol": "star",
            "size": 14,
            "color": "#ffd400",
            "line": {"color": "#333", "width": 1},
        },
        hoverinfo="skip",
    )


def _mix(hex_color: str, amount: float) -> str:
    """Lighter (amount > 0, towards white) or darker (amount < 0, towards black)."""
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    target = 255.0 if amount > 0 else 0.0
    mixed = rgb + (target - rgb) * abs(amount)
    return "rgb({:.0f},{:.0f},{:.0f})".format(*mixed)


REGIME_COLORS = ("#2c7fb8", "#f0a500", "#7f1d1d")  # monotone, oscillating, divergent
REGIME_DASHES = ("solid", "dash", "dot")  # the borders told apart without their colours too


def theory_figure(
    lrs: np.ndarray,
    momenta: np.ndarray,
    rate: np.ndarray,
    regime: np.ndarray,
    optimum: tuple[float, float, float],
    *,
    words: Mapping[str, str],
    height: int = 600,
    narrow: bool = False,
) -> go.Figure:
    """The analytic convergence rate of heavy ball over (lr, momentum): the rate as colour
    (divergent cells dark), the regimes' borders as lines, the optimal point starred; fewer lr
    ticks when ``narrow``, as on the sweep."""
    z = np.where(regime == 2, np.nan, rate)
    fig = go.Figure(
        go.Heatmap(
            x=lrs,
            y=momenta,
            z=z,
            zmin=0.0,
            zmax=1.0,
            colorscale="Viridis_r",
            colorbar={"title": words["rate"]},
            customdata=np.stack([rate, regime], -1),
            hovertemplate="lr %{x:.3~g}, β %{y:.3~g}<br>"
            + words["rate"]
            + " %{customdata[0]:.3f}<extra></extra>",
        )
    )
    for k, name in enumerate(("monotone", "oscillating", "divergent")):
        fig.add_trace(
            go.Contour(
                x=lrs,
                y=momenta,
                z=(regime == k).astype(float),
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                line={"color": REGIME_COLORS[k], "width": 2, "dash": REGIME_DASHES[k]},
                showscale=False,
                name=words[f"regime.{name}"],
                showlegend=True,
                hoverinfo="skip",
            )
        )
    lr, momentum, best = optimum
    fig.add_trace(
        go.Scatter(
            x=[lr],
            y=[momentum],
            mode="markers",
            marker={"symbol": "star", "size": 16, "color": "white", "line": {"color": "black", "width": 1.5}},
            name=fill(words["optimum"], lr=lr, momentum=momentum, rate=best),
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        xaxis={"type": "log", "title": "lr"} | log_x_ticks(float(np.ptp(_range(lrs, True))), narrow),
        yaxis={"title": "β"},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
    )
    return fig
