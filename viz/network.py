"""The Network page's figures: decision boundaries, learning curves and the loss landscape in
one animated figure (one step slider drives them all), and the lines, sharpness and layer
gradient norms beside it. Pure builders: trained networks in, plotly Figures out.

As in the race, only scatter traces animate (``redraw: False``): the landscape's colours are
a background image, a boundary is a filled polygon and a line computed with contourpy, and the
data points are a picture under each boundary panel (Plotly.animate recomputes every trace of
the figure at every frame, so a frame costs in proportion to the traces and points it holds).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import itertools
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import contourpy
import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from networks import Network
from optimizers import Run
from optimizers.theory import stability_limit
from viz.colors import style_of
from viz.field import RAMP, Field, compress, contour_lines, field_scale, png_data_uri
from viz.neurons import data_box
from viz.optimizer_views import VIEWS
from viz.plain import PlainFigure
from viz.race import TEMPLATE, animation_controls, legend_height, packed
from viz.template import fill, log_y_ticks, wrapped, written

BOUNDARY_GRID = 48
CLASS_COLORS = ("#3b6fb6", "#e08a2e", "#3a9a5b", "#b04a9a", "#8c6d31")  # points, by class
# ... and a shape each, so the classes are told apart without colour (issue 28).
CLASS_SYMBOLS = ("circle", "triangle-up", "square", "diamond", "cross")
CLASS_TINTS = (
    "rgba(59,111,182,0.16)",
    "rgba(224,138,46,0.22)",
    "rgba(58,154,91,0.22)",
    "rgba(176,74,154,0.2)",
)


@dataclasses.dataclass(frozen=True)
class Trainee:
    """One trained network of a view: its label and colour (with it its marker and dash,
    viz.colors), the network and its run; ``stop``:
    the record whose parameters early stopping keeps, chosen on the validation loss (a star on
    the validation curve; None: no star), ``stopped``: the record at which its patience ran out
    (a cross; None: none drawn)."""

    label: str
    color: str
    net: Network
    run: Run
    stop: int | None = None
    stopped: int | None = None


def _xy_bounds(net: Network) -> tuple[tuple[float, float], tuple[float, float]]:
    """The boundary panels' extent: the data (training and test) without its outer 0.5 % on
    each side, padded."""
    low, high = data_box(net)
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _regions(net: Network, thetas: np.ndarray, bounds) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """For each network of ``thetas``, each class c > 0: the polygon (x, y, NaN-separated) where
    c is the predicted class."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, BOUNDARY_GRID), np.linspace(y0, y1, BOUNDARY_GRID)
    gx, gy = np.meshgrid(xs, ys)
    proba = net.predict_proba(thetas, np.column_stack([gx.ravel(), gy.ravel()]))
    proba = proba.reshape(len(thetas), BOUNDARY_GRID, BOUNDARY_GRID, -1)
    out = []
    for p in proba:
        polygons = []
        for c in range(1, p.shape[-1]):
            others = np.delete(p, c, axis=-1).max(-1)
            margin = p[..., c] - others  # > 0 where c wins
            generator = contourpy.contour_generator(xs, ys, margin, fill_type="OuterOffset")
            points, offsets = generator.filled(0.0, np.inf)
            px, py = [], []
            for polygon, cuts in zip(points, offsets, strict=True):
                # Outer ring and holes as sub-paths: the SVG fill rule leaves the holes empty.
                for a, b in itertools.pairwise(cuts):
                    px += [polygon[a:b, 0], [np.nan]]
                    py += [polygon[a:b, 1], [np.nan]]
            polygons.append(
                (np.concatenate(px), np.concatenate(py)) if px else (np.array([np.nan]), np.array([np.nan]))
            )
        out.append(polygons)
    return out


class Grid(NamedTuple):
    """A training figure's subplots: the columns and specs for make_subplots, each panel's
    (row, col), the landscape's (or None) and the curves', the rows' heights, the spacing
    between rows (a fraction of the plot's height)."""

    cols: int
    specs: list
    cells: list[tuple[int, int]]
    land: tuple[int, int] | None
    curve: tuple[int, int]
    heights: list[float]
    spacing: float


def _layout_grid(
    k: int, landscape: bool, narrow: bool, present: bool = False, aspect: float | None = None
) -> Grid:
    """The grid: k panels (boundaries or fits) on top; below them the landscape and the curves
    side by side, or (``narrow``: a phone) one under the other; the curves alone without a
    landscape. On a projector (``present``) the chart is beside the text, so up to three panels
    go in one row (a third one alone on a second row left them 130 x 75 px at 1280 x 720), four
    two to a row, over the landscape and the curves side by side, with room between rows for
    titles of two lines. Its grid has six columns: a panel spans 6 / (panels in a row). One row
    of panels of the data's ``aspect`` (height / width) is as tall as they are at their width
    (the rest goes to the curves): a row half the plot's height left them narrow and tall."""
    if present:
        across = k if k <= 3 else 2
        span = 6 // across
        rows = -(-k // across)
        specs = [
            [{"colspan": span} if r * across + c // span < k and c % span == 0 else None for c in range(6)]
            for r in range(rows)
        ]
        cells = [(i // across + 1, span * (i % across) + 1) for i in range(k)]
        half = [{"colspan": 3}, None, None]
        bottom = half + half if landscape else [{"colspan": 6}] + [None] * 5
        land, curve = ((rows + 1, 1), (rows + 1, 4)) if landscape else (None, (rows + 1, 1))
        share = 0.5 if rows == 1 else 0.6  # the panels' share of the plot's height
        # between the rows, the curves' title in two lines (at 0.12 it touched the panels on a
        # 1280 x 720 screen, whose plot is the shortest: 340 px)
        spacing = 0.15 if rows == 1 else 0.12
        if rows == 1 and aspect is not None:  # 0.94: a panel's width less the gaps between panels
            share = float(np.clip(aspect / across * PRESENT_PLOT_SHAPE * 0.94 + spacing / 2, 0.25, 0.5))
        return Grid(6, [*specs, bottom], cells, land, curve, [share / rows] * rows + [1 - share], spacing)
    cols = 2 * k
    cells = [(1, 2 * i + 1) for i in range(k)]
    top = []
    for _ in range(k):
        top += [{"colspan": 2}, None]
    full = [{"colspan": cols}] + [None] * (cols - 1)
    if not landscape:
        return Grid(cols, [top, full], cells, None, (2, 1), [0.45, 0.55], 0.1)
    if narrow:
        # room under the landscape for its axis title and the curves' title in two lines (a phone)
        return Grid(cols, [top, full, full], cells, (2, 1), (3, 1), [0.26, 0.4, 0.34], 0.105)
    half = cols // 2
    bottom = [{"colspan": half}] + [None] * (half - 1) + [{"colspan": half}] + [None] * (half - 1)
    return Grid(cols, [top, bottom], cells, (2, 1), (2, half + 1), [0.42, 0.58], 0.1)


def frame_records(xs: Sequence[np.ndarray], frames: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The record of each run at each animation frame, and the frames' positions on the x axis.
    Runs recorded at the same x: the race's frames (at most ``frames`` records, first and last).
    Otherwise the frames are evenly spaced from 0 to the farthest end, each run showing its last
    record at or before the frame's x: a short run reaches its end early and stays there."""
    if all(len(x) == len(xs[0]) and np.array_equal(x, xs[0]) for x in xs):
        records = np.unique(np.linspace(0, len(xs[0]) - 1, min(frames, len(xs[0]))).round().astype(int))
        return [records] * len(xs), np.asarray(xs[0])[records]
    axis = np.unique(np.linspace(0.0, max(float(x[-1]) for x in xs), frames).round())
    records = [np.clip(np.searchsorted(x, axis, side="right") - 1, 0, len(x) - 1) for x in xs]
    return records, axis


def training_figure(
    trainees: Sequence[Trainee],
    landscape=None,
    *,
    start: np.ndarray | None = None,
    words: Mapping[str, str],
    frames: int = 50,
    height: int = 780,
    font_size: int = 12,
    narrow: bool = False,
    examples: Sequence[int] | None = None,
    legend_band: int = 0,
) -> go.Figure:
    """Boundaries (one panel each), the landscape and the learning curves, animated together.

    ``landscape`` (ui.network_scene.Landscape, or None) holds the plane's grid and each
    trainee's projected path; all trainees then share one network and ``start``. ``narrow``
    (a phone) puts the landscape and the curves under each other. ``examples`` (each trainee's
    examples per step): the curves against examples seen, and the frames on that axis.
    ``legend_band`` (px; a projector's chart, its height set by the browser): Play/Pause and the
    slider on one row, and the legend in a band of that height at the figure's bottom, the
    margins fixed (``_training_layout``).

    The static traces first (the data points' legend entries, their pictures being layout
    images; the landscape, the curves), then the animated
    ones (each trainee's boundary and its points on the landscape and the curves; the counter),
    the frames, the controls and the layout."""
    net = trainees[0].net
    bounds = _xy_bounds(net)
    grid = _training_grid(trainees, landscape, words, narrow, bool(legend_band), bounds)
    fig, land, curve, cells = grid.fig, grid.land, grid.curve, grid.cells
    # Each trainee's x (its steps, or the examples it has seen) and the record each frame shows
    # of it: runs of different lengths share the frame axis and each ends at its own last record.
    xs = [t.run.step * (examples[j] if examples else 1) for j, t in enumerate(trainees)]
    x_title = words["x_examples"] if examples else words["x_step"]
    records, axis = frame_records(xs, frames)
    size = _panel_size(fig, cells[0], plot_area(height, font_size, narrow, legend_band))
    _add_data_panels(fig, net, bounds, words, cells, size)
    if landscape is not None:
        _landscape_static(fig, landscape, trainees, words, *land)
    starred = next((t for t in trainees if t.stop is not None), None)  # the one stop in the legend
    for t, x in zip(trainees, xs, strict=True):
        _add_curves(fig, t, x, x_title, words, curve, starred)
    floor = _curve_axes(fig, curve, x_title, words["loss_key"], drawn_losses(trainees))
    regions = [_regions(t.net, t.run.path[records[j], 0], bounds) for j, t in enumerate(trainees)]
    static = list(range(len(fig.data)))
    _add_boundaries(fig, trainees, [r[0] for r in regions], cells)
    panels = [(land, True), (curve, False)] if landscape is not None else [(curve, False)]
    _add_markers(fig, trainees, panels)
    _add_training_counter(fig, curve, floor, font_size)
    animated = list(range(len(static), len(fig.data)))
    counters = [
        words["examples"].format(examples=int(at)) if examples else words["step"].format(step=int(at))
        for at in axis
    ]
    frame_list = _training_frames(trainees, landscape, regions, records, xs, panels, counters, axis, words)
    # The frames name the animated traces, and of the static ones those on an overlaying axis
    # (test accuracy's, on the right) with no data: Plotly.animate recomputes every trace each
    # frame but redraws only those named, and a trace on an overlaying axis left unnamed
    # vanished at the first frame. Naming every static trace (as the race does, for its clicks:
    # this figure takes none) redrew all the data points every frame (bench/network_fps.py).
    overlaid = [i for i in static if _on_overlaying_axis(fig, fig.data[i])]
    kept = [{"type": "scatter"}] * len(overlaid)  # as Plotly's validation wrote {} (race.py)
    frame_list = [
        {"data": kept + data, "traces": overlaid + animated, "name": str(int(at))}
        for data, at in zip(frame_list, axis, strict=True)
    ]
    for index, update in zip(animated, frame_list[0]["data"][len(overlaid) :], strict=True):
        fig.data[index].update({key: v for key, v in update.items() if key != "type"})
    fig.set_frames(frame_list)
    _training_layout(
        fig, [frame["name"] for frame in frame_list], words, height, font_size, narrow, legend_band
    )
    return fig


def _on_overlaying_axis(fig: go.Figure, trace) -> bool:
    """Whether ``trace`` is drawn on a y axis that overlays another (a secondary y axis)."""
    name = "yaxis" + (trace.yaxis or "y")[1:]
    return bool(fig.layout[name].overlaying)


class TrainingGrid(NamedTuple):
    fig: PlainFigure
    cells: list[tuple[int, int]]
    land: tuple[int, int] | None
    curve: tuple[int, int]


def _training_grid(
    trainees: Sequence[Trainee], landscape, words: Mapping[str, str], narrow: bool, present: bool, bounds
) -> TrainingGrid:
    """The figure's subplots (``_layout_grid``, the panels of the data's ``bounds``) with their
    titles, the curves' panel with a second y axis on the right (test accuracy, linear from 0 to
    1); and each panel's, the landscape's and the curves' (row, col)."""
    (x0, x1), (y0, y1) = bounds  # each side at least viz.neurons.MIN_SPAN
    grid = _layout_grid(len(trainees), landscape is not None, narrow, present, (y1 - y0) / (x1 - x0))
    cols, specs, land, curve, heights = grid.cols, grid.specs, grid.land, grid.curve, grid.heights
    titles = [t.label for t in trainees]
    if landscape is not None:
        titles.append(words["landscape_test"] if landscape.test else words["landscape"])
    validation = any("val_loss" in t.run.metrics for t in trainees)
    curves = [
        words["train_loss"],
        words["test_loss"],
        *([words["val_loss"]] if validation else []),
        words["test_acc"],
    ]
    titles.append(" / ".join(curves))
    specs[curve[0] - 1] = list(specs[curve[0] - 1])
    specs[curve[0] - 1][curve[1] - 1] = {**specs[curve[0] - 1][curve[1] - 1], "secondary_y": True}
    fig = make_subplots(
        figure=PlainFigure(),
        rows=len(specs),
        cols=cols,
        specs=specs,
        subplot_titles=chart_titles(titles, grid, landscape is not None, present, narrow),
        vertical_spacing=grid.spacing,
        horizontal_spacing=0.06,
        row_heights=heights,
    )
    return TrainingGrid(fig, grid.cells, land, curve)


# A projector's chart box: the smallest screen it is shown on (1024 x 768), in the Lessons and
# Network pages' presentation layout (three fifths of the width beside the text, the screen's
# height less the top row: ui.presentation.NETWORK_COLUMNS). The browser sets the chart's size;
# the pictures and titles are made for this box and grow with a larger one.
PRESENT_BOX = (571, 680)
# A projector's plot area, width over height: 1.2 at 1024 x 768, 1.4 at 1920 x 1080, 1.8 at
# 1280 x 720 (a chart three fifths of the screen wide beside the text).
PRESENT_PLOT_SHAPE = 1.4
TITLE_CHARACTER = 7.5  # px of a Latin character of a subplot's title (16 px), on average


# A wide page's chart at its narrowest: a 1280 px window less the sidebar (the main column's
# chart is about 800 px there; the curves' title of 85 characters ran over the landscape's).
DESKTOP_WIDTH = 800


def chart_titles(titles: list[str], grid: Grid, landscape: bool, present: bool, narrow: bool) -> list[str]:
    """A training figure's subplot titles for where it is drawn: wrapped to a projector's panels
    (``present``), as they are on a phone (``narrow``: wrapped later with the rest of the
    figure's words, training_figure), else wrapped to a wide page's at its narrowest."""
    if present:
        return fitted_titles(titles, grid, landscape)
    if narrow:
        return titles
    return fitted_titles(titles, grid, landscape, box_width=DESKTOP_WIDTH)


def fitted_titles(titles: list[str], grid: Grid, landscape: bool, box_width: int | None = None) -> list[str]:
    """The subplot titles (the panels', the landscape's, the curves'), each wrapped to its
    subplot's width in a chart ``box_width`` wide (a projector's ``PRESENT_BOX`` by default)."""
    box = PRESENT_BOX[0] if box_width is None else box_width
    width = box - 130
    cells = [*grid.cells, *([grid.land] if landscape else []), grid.curve]
    out = []
    for title, (row, col) in zip(titles, cells, strict=True):
        share = grid.specs[row - 1][col - 1].get("colspan", 1) / grid.cols
        # a title over the whole width may run into the margins, centred over the plot
        room = box - 20 if share == 1 else width * share * 0.94
        out.append(wrapped(title, int(room / TITLE_CHARACTER)))
    return out


# The data points are a picture under each boundary panel, not scatter traces: Plotly.animate
# recomputes every trace of a figure each frame (plotly.js Plots.transition: supplyDefaults and
# calc of all traces), and four panels' 4,800 points were most of a frame's time. Served, in
# Chromium, 4 optimizers (bench/network_fps.py, a quiet machine): 5.2 fps before (191 ms a frame),
# 21 fps after; the Playground's race 20. The picture is
# drawn for a chart this wide (px; a wide page's column, a phone's), at twice its pixels.
POINTS_CHART_WIDTH = {False: 1150, True: 380}
POINTS_OVERSAMPLE = 2  # the picture's pixels per screen pixel (sharp on high-density screens)
POINTS_SUPERSAMPLE = 3  # drawn this much larger, then reduced: smooth edges
POINT_LOOK = {  # as the scatter traces drew them: diameter (px), opacity, white outline (px)
    "train": (6.0, 1.0, 0.8),
    "test": (3.0, 0.35, 0.0),
}


def _marker_outline(symbol: str, x: float, y: float, r: float) -> list[tuple[float, float]] | None:
    """A marker's outline (pixel coordinates, y down) as Plotly draws ``symbol`` of radius ``r``
    (half its size); None for a circle (drawn as an ellipse)."""
    if symbol == "circle":
        return None
    # Plotly.js's own symbol paths (src/components/drawing/symbol_defs.js), radius r.
    if symbol == "triangle-up":
        w = r * 2 / np.sqrt(3)
        return [(x - w, y + r / 2), (x + w, y + r / 2), (x, y - r)]
    if symbol == "square":
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if symbol == "diamond":
        d = r * 1.3
        return [(x + d, y), (x, y + d), (x - d, y), (x, y - d)]
    t, e = r * 0.4, r * 1.2  # cross: a plus of arms 1.2 r long and 0.8 r wide
    return [
        (x + e, y + t), (x + t, y + t), (x + t, y + e), (x - t, y + e), (x - t, y + t), (x - e, y + t),
        (x - e, y - t), (x - t, y - t), (x - t, y - e), (x + t, y - e), (x + t, y - t), (x + e, y - t),
    ]  # fmt: skip


def points_picture(net: Network, bounds, size: tuple[int, int]) -> Image.Image:
    """The data as a boundary panel shows them under its regions: class 0's tint over the whole
    panel, then the test points (small, faint), then the training points (outlined in white),
    each class in its colour and shape. ``size`` (width, height) in screen pixels of the panel;
    the picture has ``POINTS_OVERSAMPLE`` times as many."""
    (x0, x1), (y0, y1) = bounds
    scale = POINTS_OVERSAMPLE * POINTS_SUPERSAMPLE
    width, height = size[0] * scale, size[1] * scale
    tint = _rgba(CLASS_TINTS[0])
    picture = Image.new("RGBA", (width, height), tint)
    draw = ImageDraw.Draw(picture, "RGBA")
    data = net.data
    for which, X, y in (("test", data.X_test, data.y_test), ("train", data.X, data.y)):
        diameter, opacity, outline = POINT_LOOK[which]
        r = diameter / 2 * scale
        px = (X[:, 0] - x0) / (x1 - x0) * width
        py = (y1 - X[:, 1]) / (y1 - y0) * height  # row 0 at the top
        for c in range(net.classes):
            color = (*_rgb(CLASS_COLORS[c % len(CLASS_COLORS)]), round(255 * opacity))
            symbol = CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)]
            line = {"outline": (255, 255, 255, 255), "width": round(outline * scale)} if outline else {}
            for a, b in zip(px[y == c], py[y == c], strict=True):
                shape = _marker_outline(symbol, float(a), float(b), r)
                if shape is None:
                    draw.ellipse((a - r, b - r, a + r, b + r), fill=color, **line)
                else:
                    draw.polygon(shape, fill=color, **line)
    return picture.resize(
        (size[0] * POINTS_OVERSAMPLE, size[1] * POINTS_OVERSAMPLE), Image.Resampling.LANCZOS
    )


def _rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` as (r, g, b)."""
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _rgba(color: str) -> tuple[int, int, int, int]:
    """``rgba(r,g,b,a)`` (a from 0 to 1) as (r, g, b, a) with a from 0 to 255."""
    r, g, b, a = (float(v) for v in color[color.index("(") + 1 : -1].split(","))
    return int(r), int(g), int(b), round(255 * a)


def plot_area(height: int, font_size: int, narrow: bool, legend_band: int = 0) -> tuple[int, int]:
    """The plot area's width and height in pixels (the chart less the margins of
    ``_training_layout``): on a chart ``POINTS_CHART_WIDTH`` wide and ``height`` high, or on a
    projector (``legend_band``) in ``PRESENT_BOX``."""
    if legend_band:
        width, height = PRESENT_BOX
        return width - 130, height - 70 - _controls_band(font_size) - legend_band
    return POINTS_CHART_WIDTH[narrow] - 60, max(height - 70 - (6 * font_size + 125), 200)


def _panel_size(fig: go.Figure, cell: tuple[int, int], plot: tuple[int, int]) -> tuple[int, int]:
    """A boundary panel's size in pixels: its cell of a ``plot``-sized plot area. The panel
    keeps the picture's shape (``_add_data_panels``): on a larger chart it grows to fill the
    height or the width of its cell."""
    subplot = fig.get_subplot(*cell)
    (a, b), (c, d) = subplot.xaxis.domain, subplot.yaxis.domain
    return max(round((b - a) * plot[0]), 40), max(round((d - c) * plot[1]), 40)


def _add_data_panels(
    fig: go.Figure,
    net: Network,
    bounds,
    words: Mapping[str, str],
    cells: Sequence[tuple[int, int]],
    size: tuple[int, int],
) -> None:
    """The boundary panels' (one in each of ``cells``) static part: the data's picture
    (``points_picture``) under each, the training and test points named in the legend (one entry
    each), the axes without ticks. Each panel's y axis is tied to its x axis at the picture's
    pixel shape, so whatever the chart's width the picture is scaled alike both ways (its
    markers stay round) and each point sits at its coordinates."""
    (x0, x1), (y0, y1) = bounds
    source = _png_uri(points_picture(net, bounds, size))
    for which in ("train", "test"):
        diameter, opacity, outline = POINT_LOOK[which]
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "color": CLASS_COLORS[0],
                    "symbol": CLASS_SYMBOLS[0],
                    "size": diameter,
                    "opacity": opacity,
                    "line": {"width": outline, "color": "white"},
                },
                name=words[which],
                legendgroup=which,
                hoverinfo="skip",
            ),
            row=cells[0][0],
            col=cells[0][1],
        )
    # Pixels per unit of y over pixels per unit of x, as in the picture.
    ratio = (size[1] / (y1 - y0)) / (size[0] / (x1 - x0))
    for row, col in cells:
        fig.add_layout_image(
            source=source,
            row=row,
            col=col,
            x=x0,
            y=y1,
            sizex=x1 - x0,
            sizey=y1 - y0,
            sizing="stretch",
            layer="below",
        )
        x_name = fig.get_subplot(row, col).yaxis.anchor  # each axis anchors on the other
        fig.update_xaxes(
            range=[x0, x1],
            showgrid=False,
            zeroline=False,
            showticklabels=False,
            constrain="domain",
            row=row,
            col=col,
        )
        fig.update_yaxes(
            range=[y0, y1],
            showgrid=False,
            zeroline=False,
            showticklabels=False,
            scaleanchor=x_name,
            scaleratio=ratio,
            constrain="domain",
            row=row,
            col=col,
        )


def _png_uri(picture: Image.Image) -> str:
    """A picture as a PNG data URI, in 256 colours (no dithering): 29 KB for the default scene's
    panel instead of 224 KB, so four panels' copies stay small."""
    out = io.BytesIO()
    palette = picture.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _add_curves(
    fig: go.Figure,
    t: Trainee,
    x: np.ndarray,
    x_title: str,
    words: Mapping[str, str],
    curve: tuple[int, int],
    starred: Trainee | None,
) -> None:
    """A trainee's learning curves: training loss, test loss (dashed), validation loss (dash-dot,
    when there is a validation set), test accuracy (dotted, on the right axis) and, with early
    stopping, a star on the validation curve at the record it keeps and a cross where its
    patience ran out (in the legend for ``starred`` only). The dashes tell the quantities apart,
    the trainee's markers along every line (viz.colors) the trainees."""
    run = t.run
    row, col = curve
    marks = {"symbol": style_of(t.color).symbol, "size": 7, "color": t.color, "maxdisplayed": 6}

    def line(values: np.ndarray, word: str, style: dict, secondary_y: bool = False) -> None:
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
            secondary_y=secondary_y,
        )

    line(run.loss[:, 0], words["train_loss"], {"width": 2})
    line(run.metrics["test_loss"][:, 0], words["test_loss"], {"width": 1.5, "dash": "dash"})
    # Test accuracy beside the test loss: the loss may climb while the errors barely change
    # (over-confidence on the points it gets wrong, not more of them).
    line(run.metrics["test_acc"][:, 0], words["test_acc"], {"width": 1.5, "dash": "dot"}, secondary_y=True)
    if "val_loss" not in run.metrics:
        return
    # Early stopping's own quantity: the choice of the star is read off this curve alone.
    val = run.metrics["val_loss"][:, 0]
    line(val, words["val_loss"], {"width": 1.5, "dash": "dashdot"})
    # A star where it keeps the parameters, an upright bar where it stops.
    marks = (
        (
            t.stop,
            "stop",
            {"symbol": "star", "size": 13, "color": t.color, "line": {"width": 1, "color": "black"}},
        ),
        (
            t.stopped,
            "stopped",
            {"symbol": "line-ns-open", "size": 18, "color": t.color, "line": {"width": 3, "color": t.color}},
        ),
    )
    for record, key, marker in marks:
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


def _curve_axes(
    fig: go.Figure, curve: tuple[int, int], x_title: str, y_title: str, losses: np.ndarray
) -> float:
    """The curves' axes: the losses on a log axis (titled; the template writes its numbers, not
    SI prefixes: "100µ" read as a hundred) with the counter's band under them, test accuracy
    from 0 to 100 % on the right. Returns the loss axis's bottom (log10)."""
    row, col = curve
    span = loss_axis_range(losses)
    fig.update_yaxes(
        type="log",
        range=span,
        title_text=y_title,
        row=row,
        col=col,
        secondary_y=False,
        **log_y_ticks(span[1] - span[0]),
    )
    fig.update_yaxes(
        range=[0, 1.02],
        tickmode="array",  # its own ticks (else placed at the log axis's grid lines: 9 %, 15 %, 21 %...)
        tickvals=[0, 0.25, 0.5, 0.75, 1],
        tickformat=".0%",
        showgrid=False,
        row=row,
        col=col,
        secondary_y=True,
    )
    fig.update_xaxes(title_text=x_title, row=row, col=col)
    return span[0]


def _add_boundaries(
    fig: go.Figure,
    trainees: Sequence[Trainee],
    first: Sequence[list[tuple[np.ndarray, np.ndarray]]],
    cells: Sequence[tuple[int, int]],
) -> None:
    """Each trainee's decision regions as at the first frame: a filled polygon per class > 0."""
    for i, t in enumerate(trainees):
        for c, (px, py) in enumerate(first[i]):
            fig.add_trace(
                go.Scatter(
                    x=packed(px),
                    y=packed(py),
                    mode="lines",
                    fill="toself",
                    fillcolor=CLASS_TINTS[(c + 1) % len(CLASS_TINTS)],
                    line={"color": t.color, "width": 2},
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{t.label}: {c + 1}",
                ),
                row=cells[i][0],
                col=cells[i][1],
            )


def _add_markers(fig: go.Figure, trainees: Sequence[Trainee], panels: Sequence[tuple[tuple, bool]]) -> None:
    """Each trainee's moving point on the landscape and on the curves (the curves' one in the
    legend); placed by the first frame."""
    for t in trainees:
        for (row, col), on_landscape in panels:
            fig.add_trace(
                go.Scatter(
                    x=[0.0],
                    y=[1.0],
                    mode="markers",
                    marker={
                        "size": 12,
                        "color": t.color,
                        "symbol": style_of(t.color).symbol,
                        "line": {"width": 1.5, "color": "white"},
                    },
                    name=t.label,
                    showlegend=not on_landscape,
                    legendgroup=t.label,
                    hoverinfo="text",
                    text=[""],
                ),
                row=row,
                col=col,
            )


def drawn_losses(trainees: Sequence[Trainee]) -> np.ndarray:
    """Every positive finite loss the curves draw (training, test, validation)."""
    names = ("test_loss", "val_loss")
    losses = np.concatenate(
        [np.ravel(t.run.loss) for t in trainees]
        + [np.ravel(t.run.metrics[n]) for t in trainees for n in names if n in t.run.metrics]
    )
    return losses[np.isfinite(losses) & (losses > 0)]


# The bottom of the curves' log axis, below every loss, holds the step counter: at the top left
# it was written over the curves, which start high there; at the least loss, over noisy curves
# (minibatch) that reach it early.
COUNTER_BAND = 0.22  # of the loss axis's height


def loss_axis_range(losses: np.ndarray) -> list[float]:
    """The losses' log axis range (log10): every loss above its lowest ``COUNTER_BAND``."""
    low, high = (float(np.log10(losses.min())), float(np.log10(losses.max()))) if losses.size else (-1.0, 0.0)
    span = max(high - low, 0.3)
    return [low - span * COUNTER_BAND / (1 - COUNTER_BAND) - 0.03 * span, high + 0.05 * span]


def _add_training_counter(fig: go.Figure, curve: tuple[int, int], floor: float, font_size: int) -> None:
    """The step counter: inside the curves' panel, at its bottom left, in the band under every
    loss (``loss_axis_range``; ``floor`` its bottom, log10)."""
    fig.add_trace(
        go.Scatter(
            x=[0],
            y=[10**floor],
            mode="text",
            text=[""],
            textposition="top right",
            textfont={"size": font_size + 4, "color": "#1a1a1a"},
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
            name="counter",
        ),
        row=curve[0],
        col=curve[1],
    )


def _training_frames(
    trainees: Sequence[Trainee],
    landscape,
    regions: Sequence[list],
    records: Sequence[np.ndarray],
    xs: Sequence[np.ndarray],
    panels: Sequence[tuple[tuple, bool]],
    counters: Sequence[str],
    axis: np.ndarray,
    words: Mapping[str, str],
) -> list[list[dict]]:
    """The animated traces' data of each frame: the boundaries, each trainee's point on the
    landscape (with what is off the plane in its hover) and on the curves, the counter."""
    out = []
    for f in range(len(axis)):
        data = []
        for polygons in regions:
            data += [{"type": "scatter", "x": packed(px), "y": packed(py)} for px, py in polygons[f]]
        for j, t in enumerate(trainees):
            record = records[j][f]
            for _, on_landscape in panels:
                if on_landscape:
                    a, b = landscape.coords[j][record]
                    hover = _landscape_hover(t, landscape, j, record, words)
                    data.append({"type": "scatter", "x": [float(a)], "y": [float(b)], "text": [hover]})
                else:
                    value = float(t.run.loss[record, 0])
                    hover = f"{t.label}: {words['train_loss']} {written(value)}"
                    data.append({"type": "scatter", "x": [int(xs[j][record])], "y": [value], "text": [hover]})
        data.append({"type": "scatter", "text": [counters[f]]})
        out.append(data)
    return out


def _controls_band(font_size: int) -> int:
    """A projector's chart (``legend_band``): px under the plot for the tick labels, the axis
    title, then Play/Pause and the slider on one row."""
    return 100 + 4 * (font_size - 12)


def _training_layout(
    fig: go.Figure,
    names: list[str],
    words: Mapping[str, str],
    height: int,
    font_size: int,
    narrow: bool,
    legend_band: int = 0,
) -> None:
    """Margins, the legend under the Play/Pause row and the slider's own row, the controls.

    The legend at a distance in pixels: a fraction of the plot's height put it over the buttons
    on a projector's shorter chart."""
    bottom = 6 * font_size + 125
    below_controls = (4 * font_size + 105) / max(height - 70 - bottom, 100)
    fig.update_layout(
        height=height,
        margin={"l": 40, "r": 20, "t": 70, "b": bottom},
        font={"size": font_size},
        legend={"orientation": "h", "x": 0.0, "y": -below_controls, "yanchor": "top"},
        hovermode="closest",
        dragmode="pan",
    )
    if legend_band:  # a fraction of a height the browser sets would put the legend anywhere
        width = int((PRESENT_BOX[0] - 130) / TITLE_CHARACTER)
        entries = []
        for trace in fig.data:  # a long entry was cut at the chart's right edge
            if trace.showlegend is not False and trace.name:
                trace.name = wrapped(trace.name, width)
                entries.append(trace.name)
        # The band the legend's rows take in the plot's width (the legend starts at its left),
        # up to ``legend_band`` (more rows scroll): two rows in a band of four left 60 px blank
        # under the controls.
        band = min(legend_band, legend_height(entries, font_size, PRESENT_BOX[0] - 130) + 8)
        fig.update_layout(
            margin={"l": 70, "r": 60, "b": _controls_band(font_size) + band, "autoexpand": False},
            legend={"yref": "container", "y": 0.0, "yanchor": "bottom", "maxheight": band},
        )
    animation_controls(fig, names, words, font_size, own_row=not legend_band)
    if narrow:  # panels a hundred pixels wide: smaller titles, and no title nor entry past the edge
        fig.update_annotations(font_size=font_size - 2)
        plot = POINTS_CHART_WIDTH[True] - 60
        for note in fig.layout.annotations:  # the curves' title was 413 px on a 356 px chart
            if "<br>" not in note.text and note.xref == "paper":
                note.text = wrapped(note.text, int(plot / (0.55 * (font_size - 2))))
        for note in fig.layout.annotations:  # at 9 px, over 300 px: past a phone's chart's edge
            if note.name == "plane distances":
                note.text = "<br>".join(wrapped(line, 56) for line in note.text.split("<br>"))
        for trace in fig.data:  # the early-stopping entry made the legend 398 px wide
            if trace.showlegend is not False and trace.name:
                trace.name = wrapped(trace.name, int((plot - 30) / (0.55 * font_size)))


def _hover(title: str, x_label: str, y_label: str) -> str:
    """A curve's hover template: its title, then x and y with their names."""
    return f"{title}<br>{x_label} %{{x}}<br>{y_label} %{{y:.4~g}}<extra></extra>"


def _landscape_hover(t: Trainee, landscape, j: int, record: int, words: Mapping[str, str]) -> str:
    """What a marker on the landscape says: its loss, and how far off the plane it is (with the
    plane's loss there)."""
    true = float(t.run.loss[record, 0])
    off = float(landscape.off[j][record])
    if off <= 1e-9 * max(1.0, float(np.abs(t.run.path[record, 0]).max())):
        return fill(words["on"], name=t.label, true=true)
    a, b = landscape.coords[j][record]
    point = _on_plane(landscape, a, b)
    return fill(words["off"], name=t.label, off=off, true=true, slice=point)


def _on_plane(landscape, a: float, b: float) -> float:
    """The plane's loss at (a, b), bilinear between its grid points."""
    ia = float(np.interp(a, landscape.alphas, np.arange(len(landscape.alphas))))
    ib = float(np.interp(b, landscape.betas, np.arange(len(landscape.betas))))
    i0, j0 = min(int(ib), len(landscape.betas) - 2), min(int(ia), len(landscape.alphas) - 2)
    u, v = ib - i0, ia - j0
    z = landscape.loss
    return float(
        z[i0, j0] * (1 - u) * (1 - v)
        + z[i0 + 1, j0] * u * (1 - v)
        + z[i0, j0 + 1] * (1 - u) * v
        + z[i0 + 1, j0 + 1] * u * v
    )


def _landscape_static(
    fig: go.Figure, landscape, trainees: Sequence[Trainee], words: Mapping[str, str], row: int, col: int
) -> None:
    """The landscape panel's static part: its contours, each trainee's projected path, the
    start, the loss as a background image, its axes, what the panel says of its plane, and
    the colour key."""
    f = _landscape_field(landscape)
    _add_landscape_lines(fig, f, landscape, trainees, words, row, col)
    _add_landscape_image(fig, f, row, col)
    _landscape_axes(fig, landscape, words, row, col)
    subplot = fig.get_subplot(row, col)
    _add_plane_notes(fig, landscape, trainees, words, subplot)
    _loss_key(fig, f.scale, subplot, words)


def _landscape_field(landscape) -> Field:
    """The plane's losses as a Field, heights compressed as the surfaces' are."""
    values = np.where(np.isfinite(landscape.loss), landscape.loss, np.nan)
    scale = field_scale(values[np.isfinite(values)])
    height = compress(values, *scale)
    return Field(landscape.alphas, landscape.betas, values, height, scale)


def _add_landscape_lines(
    fig: go.Figure,
    f: Field,
    landscape,
    trainees: Sequence[Trainee],
    words: Mapping[str, str],
    row: int,
    col: int,
) -> None:
    """The plane's contour lines, each trainee's path projected on it, and the start (a cross)."""
    cx, cy = contour_lines(f, count=12)
    fig.add_trace(
        go.Scatter(
            x=packed(cx),
            y=packed(cy),
            mode="lines",
            line={"color": "rgba(40,60,80,0.3)", "width": 1},
            hoverinfo="skip",
            showlegend=False,
            name="contours",
        ),
        row=row,
        col=col,
    )
    for j, t in enumerate(trainees):
        coords = landscape.coords[j]
        fig.add_trace(
            go.Scatter(
                x=packed(coords[:, 0]),
                y=packed(coords[:, 1]),
                mode="lines",
                line={"color": t.color, "width": 2},
                opacity=0.55,
                showlegend=False,
                hoverinfo="skip",
                name=f"{t.label} path",
            ),
            row=row,
            col=col,
        )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers",
            marker={"symbol": "x", "size": 10, "color": "black"},
            name=words["start"],
            hovertemplate=words["start"] + "<extra></extra>",
        ),
        row=row,
        col=col,
    )


def _add_landscape_image(fig: go.Figure, f: Field, row: int, col: int) -> None:
    """The plane's loss coloured as a background image (a heatmap vanishes while animating)."""
    xs, ys = f.xs, f.ys
    fig.add_layout_image(
        source=png_data_uri(f),
        row=row,
        col=col,
        x=float(xs[0]),
        y=float(ys[-1]),
        sizex=float(xs[-1] - xs[0]),
        sizey=float(ys[-1] - ys[0]),
        sizing="stretch",
        layer="below",
    )


# Planes whose two directions have one length (networks.landscape.directions): PCA's are
# orthonormal, the random ones filter-normalized to the start's row norms (and nearly
# orthogonal); drawn in equal units, a path's shape on them is its true shape. The plane
# through two ends is not (its directions are the ends' own offsets, of any lengths and angle).
EQUAL_UNIT_PLANES = ("pca", "random")


def _landscape_axes(fig: go.Figure, landscape, words: Mapping[str, str], row: int, col: int) -> None:
    """The plane's axes over its grid, named by direction (α, β) or principal component; in
    equal units on a plane whose directions have one length (``EQUAL_UNIT_PLANES``)."""
    xs, ys = landscape.alphas, landscape.betas
    labels = (words["alpha"], words["beta"])
    if landscape.explained is not None:
        labels = tuple(
            words["pc"].format(k=k + 1, share=share) for k, share in enumerate(landscape.explained)
        )
    fig.update_xaxes(
        range=[float(xs[0]), float(xs[-1])],
        showgrid=False,
        zeroline=False,
        title_text=labels[0],
        row=row,
        col=col,
    )
    fig.update_yaxes(
        range=[float(ys[0]), float(ys[-1])],
        showgrid=False,
        zeroline=False,
        title_text=labels[1],
        row=row,
        col=col,
    )
    if landscape.kind in EQUAL_UNIT_PLANES:
        x_name = fig.get_subplot(row, col).yaxis.anchor  # the panel's x axis ("x4")
        # The map kept in its cell's bottom-right corner, where the colour key sits (_loss_key).
        fig.update_xaxes(constrain="domain", constraintoward="right", row=row, col=col)
        fig.update_yaxes(
            scaleanchor=x_name, scaleratio=1, constrain="domain", constraintoward="bottom", row=row, col=col
        )


PLANE_NOTE_WIDTH = 48  # characters of a line of the landscape's 10 px second title


def _add_plane_notes(
    fig: go.Figure, landscape, trainees: Sequence[Trainee], words: Mapping[str, str], subplot
) -> None:
    """Which plane this is (a second line of the panel's title), and in its top-left corner
    how far each path ends off it and which runs were left out of choosing it."""
    which, ends, left_out = plane_lines(landscape, trainees, words)
    title = words["landscape_test"] if landscape.test else words["landscape"]
    for note in fig.layout.annotations:  # the panel's title, as make_subplots wrote it (maybe wrapped)
        if note.text.replace("<br>", "").replace(" ", "") == title.replace(" ", ""):
            # at 10 px, in lines no wider than the panel (one line ran under the curves' title)
            note.text = (
                f"{note.text}<br><span style='font-size:10px'>{wrapped(which, PLANE_NOTE_WIDTH)}</span>"
            )
    x_name, y_name = subplot.yaxis.anchor, subplot.xaxis.anchor  # each axis anchors on the other
    fig.add_annotation(
        text="<br>".join(ends + left_out),
        xref=f"{x_name} domain",
        yref=f"{y_name} domain",
        x=0.01,
        y=0.99,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 9, "color": "#1a1a1a"},
        bgcolor="rgba(255,255,255,0.7)",
        name="plane distances",
    )


def plane_lines(landscape, trainees: Sequence[Trainee], words) -> tuple[str, list[str], list[str]]:
    """What the landscape panel says about its plane: which plane it is; how far each path
    ends off it (and what share of its distance from the start that is), two paths a line;
    which runs were left out of choosing and sizing it (none: an empty list)."""
    excluded = tuple(getattr(landscape, "excluded", ()))
    kept = [j for j in range(len(trainees)) if j not in excluded]
    if landscape.kind == "points":
        which = words["plane_points"].format(a=trainees[kept[0]].label, b=trainees[kept[1]].label)
    elif landscape.kind == "pca":
        share = sum(landscape.explained) if landscape.explained is not None else float("nan")
        which = words["plane_pca"].format(share=share)
        if getattr(landscape, "requested", "") == "points":
            which += "<br>" + words["plane_fallback"]
    else:
        which = words["plane_random"]
    reach = tuple(getattr(landscape, "reach", ()))
    each = []
    for j, t in enumerate(trainees):
        off = float(landscape.off[j][-1])
        far = reach[j] if j < len(reach) else float(np.linalg.norm(landscape.coords[j][-1]))
        if off <= 1e-9 * max(1.0, far):
            each.append(words["end_on"].format(name=t.label))
        else:
            each.append(fill(words["end_off"], name=t.label, off=off, share=off / far if far else 1.0))
    ends = [words["ends"]] + [words["end_sep"].join(each[i : i + 2]) for i in range(0, len(each), 2)]
    names = ", ".join(trainees[j].label for j in excluded)
    return which, ends, [words["plane_excluded"].format(names=names)] if excluded else []


def loss_key_ticks(scale: tuple[float, float, float], count: int = 5) -> tuple[list[float], list[float]]:
    """Positions on the colour ramp (0 to 1) and the losses they stand for: the background's
    colour at height h is the loss low + s (exp(h top) - 1) (viz.field.compress inverted)."""
    low, s, top = scale
    heights = np.linspace(0.0, 1.0, count)
    return [float(h) for h in heights], [float(low + s * np.expm1(h * top)) for h in heights]


def _loss_key(fig: go.Figure, scale, subplot, words) -> None:
    """A colour bar for the landscape's background image, inside the panel's right edge."""
    heights, losses = loss_key_ticks(scale)
    x_domain, y_domain = subplot.xaxis.domain, subplot.yaxis.domain
    ramp = [[i / (len(RAMP) - 1), f"rgb({r:.0f},{g:.0f},{b:.0f})"] for i, (r, g, b) in enumerate(RAMP)]
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "color": [0.0],
                "cmin": 0.0,
                "cmax": 1.0,
                "colorscale": ramp,
                "showscale": True,
                "colorbar": {
                    "x": x_domain[1] - 0.005,
                    "xanchor": "right",
                    "y": y_domain[0] + 0.01,
                    "yanchor": "bottom",
                    "len": 0.5 * (y_domain[1] - y_domain[0]),
                    "thickness": 10,
                    "tickvals": heights,
                    "ticktext": [written(v, 3) for v in losses],
                    "tickfont": {"size": 9},
                    "title": {"text": words["loss_key"], "side": "top", "font": {"size": 10}},
                    "bgcolor": "rgba(255,255,255,0.78)",
                    "outlinewidth": 0,
                },
            },
            hoverinfo="skip",
            showlegend=False,
            name="loss key",
        )
    )


def lines_figure(
    lines,
    trainees: Sequence[Trainee],
    *,
    words: Mapping[str, str],
    height: int = 360,
    font_size: int = 12,
) -> go.Figure:
    """The training loss along the straight line from the start to each end, and between the
    first two ends: a barrier between two solutions, or none."""
    fig = go.Figure()
    for t, losses in zip(trainees, lines.from_start, strict=True):
        look = style_of(t.color)
        fig.add_trace(
            go.Scatter(
                x=lines.alphas,
                y=losses,
                mode="lines+markers",
                line={"color": t.color, "width": 2, "dash": look.dash},
                marker={"symbol": look.symbol, "size": 8, "color": t.color, "maxdisplayed": 8},
                name=words["line_start"].format(name=t.label),
            )
        )
    if lines.between is not None:
        # Thicker and without markers: apart from every trainee's line, the black one too.
        fig.add_trace(
            go.Scatter(
                x=lines.alphas,
                y=lines.between,
                mode="lines",
                line={"color": "black", "width": 3, "dash": "dot"},
                name=words["line_between"].format(a=trainees[0].label, b=trainees[1].label),
            )
        )
    for x in (0.0, 1.0):
        fig.add_vline(x=x, line={"color": "rgba(0,0,0,0.25)", "width": 1})
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        font={"size": font_size},
        xaxis_title=words["line_x"],
        yaxis_title=words["train_loss"],
        yaxis_type="log",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def sharpness_limit(name: str, hp: Mapping[str, float]) -> tuple[str, float] | None:
    """The largest curvature at which optimizer ``name`` with settings ``hp`` is stable on a
    quadratic (optimizers.theory.stability_limit of its view's rule): (the rule, its value), or
    None for a method without a fixed limit (the adaptive ones) or without a learning rate."""
    rule = VIEWS[name].stability
    value = None if rule is None else stability_limit(rule, hp)
    return None if value is None else (rule, value)


SHARPNESS_DECADES = 6  # the sharpness axis shows at most this many decades under its top


def _below_note(fig: go.Figure, count: int, floor: float, words: Mapping[str, str]) -> None:
    """Say how many drawn values fall under a log axis's floor (they are off the chart)."""
    if count:
        fig.add_annotation(
            text=fill(words["below"], count=count, floor=floor),
            xref="paper",
            yref="paper",
            x=0.0,
            y=0.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 10, "color": "#555"},
            bgcolor="rgba(255,255,255,0.8)",
        )


def sharpness_figure(
    trained,
    trainees: Sequence[Trainee],
    *,
    words: Mapping[str, str],
    height: int = 360,
    font_size: int = 12,
    narrow: bool = False,
) -> go.Figure:
    """The largest Hessian eigenvalue during training (``narrow``: a phone, the axis's title in
    two lines), with each method's stability limit on a
    quadratic (``sharpness_limit``) as a dotted line named in the legend with its value, the
    method's marker open at its ends: 2/lr
    for gradient descent, 2(1+μ)/lr for heavy ball, 2(1+μ)/(lr(1+2μ)) for Nesterov, none for
    adaptive methods. The axis covers the finite positive values and the limits, at most
    ``SHARPNESS_DECADES`` decades below the largest (a saturated run's 1e-200 is off it, said)."""
    fig = go.Figure()
    steps = [int(v) for tr in trained for v in tr.sharpness_steps]
    x0, x1 = (min(steps), max(steps)) if steps else (0, 1)
    values, limits = [], []
    for t, tr in zip(trainees, trained, strict=True):
        look = style_of(t.color)
        fig.add_trace(
            go.Scatter(
                x=tr.sharpness_steps,
                y=tr.sharpness,
                mode="lines+markers",
                line={"color": t.color, "width": 2},
                marker={"symbol": look.symbol, "size": 7, "color": t.color},
                name=t.label,
            )
        )
        values += [float(v) for v in tr.sharpness if np.isfinite(v) and v > 0]
        limit = sharpness_limit(tr.name, getattr(tr, "hp", None) or {"lr": tr.lr})
        if limit is not None:
            kind, value = limit
            limits.append(value)
            fig.add_trace(
                go.Scatter(
                    x=[x0, x1],
                    y=[value, value],
                    mode="lines+markers",  # the method's marker at either end says whose limit
                    line={"color": t.color, "width": 1.5, "dash": "dot"},
                    marker={"symbol": look.open_symbol, "size": 9, "color": t.color, "line": {"width": 2}},
                    name=fill(words[f"limit_{kind}"], name=t.label, value=value),
                    hoverinfo="name",
                )
            )
    # The range by hand: all limits and the values down to SHARPNESS_DECADES under the top.
    drawn = values + limits
    high = max(drawn) if drawn else 10.0
    low = max(min(drawn), high / 10**SHARPNESS_DECADES) if drawn else 0.1
    low = min([low, *limits])
    _below_note(fig, sum(v < low for v in values), low, words)
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        font={"size": font_size},
        xaxis_title=words["x_step"],
        # on a phone the title (246 px) was longer than the plot (178 px): cut at both ends
        yaxis_title=wrapped(words["sharpness"], 24) if narrow else words["sharpness"],
        yaxis_type="log",
        yaxis_range=[np.log10(low / 1.5), np.log10(high * 1.5)],
        showlegend=True,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


LAYER_NORM_DECADES = 10  # the layer norms' axis shows at most this many decades under the top


def layer_norm_range(trained) -> tuple[float, float]:
    """The log10 range every panel of the layer norms shares: all positive finite norms, with a
    little room, and at most ``LAYER_NORM_DECADES`` decades below the largest."""
    norms = np.concatenate([np.ravel(tr.layer_norms) for tr in trained]) if trained else np.empty(0)
    norms = norms[np.isfinite(norms) & (norms > 0)]
    if norms.size == 0:
        return (-1.0, 1.0)
    high = float(np.log10(norms.max()))
    low = max(float(np.log10(norms.min())), high - LAYER_NORM_DECADES)
    pad = max(0.1 * (high - low), 0.2)
    return (low - pad, high + pad)


def layer_norms_figure(
    trained,
    trainees: Sequence[Trainee],
    *,
    words: Mapping[str, str],
    height: int = 320,
    font_size: int = 12,
    columns: int = 0,
    narrow: bool = False,
) -> go.Figure:
    """Each layer's gradient norm over training, one panel per network: vanishing gradients
    when the first layers' lines lie far below the last one's, exploding when far above.
    ``columns``: at most that many panels a row (0: all on one; four side by side were 58 px
    wide each in half a 1024 px projector). ``narrow`` (a phone): two panels a row, each row
    its height, the legend above them (three side by side were 55 px wide, their titles over
    each other).

    Every panel has its own log axis with its own tick labels and one shared range from all
    panels' norms, so panels compare (plotly.js drops ``matches`` between log axes, which left
    the later panels linear and unlabelled). Norms below ``LAYER_NORM_DECADES`` decades under the
    largest fall under the axis."""
    k = len(trainees)
    columns = 2 if narrow else columns
    cols = min(columns, k) if columns else k
    rows = -(-k // cols)
    height = height * rows if narrow else height
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[wrapped(t.label, 22) if narrow else t.label for t in trainees],
        horizontal_spacing=0.25 / max(cols, 2),
        vertical_spacing=0.3 / rows if rows > 1 else 0.3,
    )
    for i, (t, tr) in enumerate(zip(trainees, trained, strict=True)):
        layers = tr.layer_norms.shape[1]
        for layer in range(layers):
            shade = 0.25 + 0.75 * (layer + 1) / layers  # light: the input side, dark: the output
            fig.add_trace(
                go.Scatter(
                    x=t.run.step,
                    # A gradient of exactly 0 (a zero start) has no place on a log axis: a gap.
                    y=packed(np.where(tr.layer_norms[:, layer] > 0, tr.layer_norms[:, layer], np.nan)),
                    mode="lines",
                    line={"color": f"rgba(30,30,30,{shade:.2f})", "width": 1.5 + layer * 0.3},
                    name=words["layer"].format(k=layer + 1),
                    legendgroup=f"layer{layer}",
                    showlegend=i == 0,
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
        fig.update_xaxes(title_text=words["x_step"], row=i // cols + 1, col=i % cols + 1)
    low, high = layer_norm_range(trained)
    fig.update_yaxes(type="log", range=[low, high], showticklabels=True)
    norms = np.concatenate([np.ravel(tr.layer_norms) for tr in trained]) if trained else np.empty(0)
    _below_note(fig, int(np.sum((norms > 0) & (norms < 10**low))), 10**low, words)
    fig.update_yaxes(title_text=words["grad_norm"], row=1, col=1)
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 20, "t": 80 if narrow else 40, "b": 40},
        font={"size": font_size},
    )
    if narrow:
        top = {"orientation": "h", "x": 0, "y": 1, "yanchor": "top", "yref": "container"}
        fig.update_layout(legend=top)
    return fig


def weights_figure(
    trainees: Sequence[Trainee], *, words: Mapping[str, str], height: int = 360, font_size: int = 12
) -> go.Figure:
    """Where each network's weights ended: a histogram of the final weights (biases left out),
    hatched its own way, and, in the legend, the share that is exactly zero and the weights' norm."""
    fig = go.Figure()
    for t in trainees:
        weights = np.concatenate([W.ravel() for W, _ in t.net.layers(t.run.final[0])])
        zero = float(np.mean(weights == 0.0))
        fig.add_trace(
            go.Histogram(
                x=weights,
                nbinsx=80,
                name=fill(words["zeros"], name=t.label, share=zero, norm=float(np.linalg.norm(weights))),
                marker={"color": t.color, "pattern": {"shape": style_of(t.color).pattern}},
                opacity=0.6,
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        barmode="overlay",
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        font={"size": font_size},
        xaxis_title=words["weight"],
        yaxis_title=words["count"],
        yaxis_type="log",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
