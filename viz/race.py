"""The race: an animated 2-D map with every optimizer's trajectories, and its 3-D view.

Pure builders: a Surface and some Runs in, a plotly Figure out. Only scatter traces
animate (``redraw: False``); the field is a background image and the contour lines, full
paths, minima and saddles are static traces, so nothing vanishes while the animation plays.
"""

from __future__ import annotations

import base64
import dataclasses
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from optimizers import Run
from viz.colors import style_of
from viz.field import RAMP, Field, compute_field, contour_lines, png_data_uri
from viz.inside import ENGLISH as INSIDE_ENGLISH
from viz.inside import Glyphs, Scales, frame_scales, scales
from viz.plain import PlainFigure
from viz.template import TEMPLATE, fill, wrapped, written

MAX_FRAMES = 200
# A race map on a phone: its height without the legend (which adds its rows): the step over it,
# the map as wide as a 390 px screen's chart allows, Play/Pause and the slider under it (46 + 292
# + 132 px); and the width its legend's rows are counted in (a 390 px screen's legend has 339).
PHONE_HEIGHT = 470
PHONE_LEGEND_WIDTH = 320
CLICK_GRID = 41  # points per side of the invisible grid that turns a click into a start

ENGLISH = {
    "play": "Play",
    "pause": "Pause",
    "step": "step {step}",
    "minimum": "known minimum",
    "saddle": "saddle point",
    "start": "start",
    "click": "click: start here",
    "contours": "contours",
    "height": "height (log scale)",
    "constraint": "constraint",
    "constraint_named": "{constraint}: {ball}",
}


@dataclasses.dataclass(frozen=True)
class Racer:
    """One optimizer of the race: its label, its colour (the same in every view; with it its
    marker and dash, viz.colors), its Run, and optionally a point of its state drawn beside it
    (``drawn (R, N, 2)``, e.g. ASGD's average, named ``drawn_label``)."""

    label: str
    color: str
    run: Run
    drawn: np.ndarray | None = None
    drawn_label: str = ""


def frame_indices(run: Run, frames: int = MAX_FRAMES) -> np.ndarray:
    """Which records become animation frames: at most ``frames``, first and last included."""
    records = len(run.step)
    return np.unique(np.linspace(0, records - 1, min(frames, records)).round().astype(int))


def frame_steps(runs: Sequence[Run], frames: int = MAX_FRAMES) -> np.ndarray:
    """The race's one clock: the step each frame shows, at most ``frames`` of all the steps the
    runs recorded, evenly spread, the first and the last included (as the GIF's, viz.gif).
    Runs of one length give the steps of ``frame_indices``; runs of different lengths run
    to the longest one's last step."""
    if not runs:
        return np.zeros(1, dtype=int)
    steps = np.unique(np.concatenate([np.asarray(r.step, dtype=int) for r in runs]))
    pick = np.unique(np.linspace(0, len(steps) - 1, min(frames, len(steps))).round().astype(int))
    return steps[pick]


def records_at(run: Run, steps: np.ndarray) -> np.ndarray:
    """The record of ``run`` each of ``steps`` shows: its last one at or before that step (a
    run that has ended stays at its own last step)."""
    at = np.searchsorted(np.asarray(run.step), steps, side="right") - 1
    return np.clip(at, 0, len(run.step) - 1)


def packed(values: np.ndarray) -> dict:
    """A float32 array as plotly's typed-array spec: compact JSON, and plotly's validation
    passes it through untouched (validating thousands of NumPy arrays costs seconds)."""
    data = np.ascontiguousarray(values, dtype=np.float32)
    return {"dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def unpacked(values) -> np.ndarray:
    """A trace's numbers as the chart receives them, as floats: a typed-array spec (``packed``,
    or Plotly's own for a NumPy array) decoded, a list or an array as it is (None: NaN)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(float)
    return np.asarray(values, dtype=float)


def _lines(path: np.ndarray, axis: int) -> np.ndarray:
    """Coordinates of every trajectory of ``path (R, N, 2)`` joined with NaN gaps."""
    R, N, _ = path.shape
    out = np.full((N, R + 1), np.nan, dtype=np.float32)
    out[:, :R] = path[:, :, axis].T
    return out.ravel()


def _moving(shown: np.ndarray, behind: int) -> list[list[dict]]:
    """For each frame of ``shown (F, N, 2)`` (the frames' points of every trajectory), its two
    moving traces: the trail of the last ``behind`` frames (``_lines``) and the markers. The
    trails of all frames at once, not frame by frame (a quarter of building a race was this)."""
    F, N, _ = shown.shape
    points = shown.astype(np.float32)
    # trails[i] holds frames i - behind .. i; before frame ``behind`` the first ones repeat frame
    # 0 (drawn on top of each other, invisible) so that every trail has the same length.
    index = np.maximum(np.arange(F)[:, None] + np.arange(-behind, 1)[None, :], 0)  # (F, behind+1)
    trails = np.full((F, 2, N, behind + 2), np.nan, dtype=np.float32)
    trails[:, :, :, :-1] = points[index].transpose(0, 3, 2, 1)  # (F, L, N, 2) -> (F, 2, N, L)
    out = []
    for i in range(F):
        first = max(0, behind - i)  # the repeated start, left out: the trail as it was drawn
        x, y = trails[i, 0, :, first:], trails[i, 1, :, first:]
        out.append(
            [
                {"type": "scatter", "x": packed(x), "y": packed(y)},
                {"type": "scatter", "x": packed(points[i, :, 0]), "y": packed(points[i, :, 1])},
            ]
        )
    return out


def _constraint_shape(constraint: Mapping | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The outline (x, y) of an L1 ball (a diamond) or an L2 ball (a circle); None for none."""
    if not constraint:
        return None
    r = float(constraint["radius"])
    if constraint["norm"] == "l1":
        return np.array([r, 0, -r, 0, r]), np.array([0, r, 0, -r, 0])
    angle = np.linspace(0, 2 * np.pi, 121)
    return r * np.cos(angle), r * np.sin(angle)


def _ball_name(ball: Mapping, relation: str) -> str:
    """A ball's name as its inequality, e.g. ``|w|₁ ≤ 2``."""
    return f"|w|{'₁' if ball['norm'] == 'l1' else '₂'} {relation} {written(ball['radius'])}"


def race_figure(
    surface,
    racers: Sequence[Racer],
    *,
    objective: Callable[[np.ndarray], np.ndarray] | None = None,
    constraint: Mapping | Sequence[Mapping] | None = None,
    guides: Sequence[Mapping] = (),
    frames: int = MAX_FRAMES,
    clickable: bool = True,
    words: Mapping[str, str] = ENGLISH,
    background: Field | None = None,
    height: int = 640,
    font_size: int = 12,
    legend_below: bool = False,
    legend_band: int = 0,
    legend_width: int = PHONE_LEGEND_WIDTH,
    inside: bool = False,
    inside_words: Mapping[str, str] | None = None,
) -> go.Figure:
    """The animated contour map. ``objective`` (default: the surface) colours the map, so a
    penalised objective shows its own contours; ``constraint`` draws the L1/L2 ball the steps
    are projected on (or several, one per scene of a lesson), ``guides`` more balls as faint
    references (the unit diamond and circle of the L1/L2 picture). ``font_size`` scales every
    word of the chart (large for a projector); ``legend_below`` puts the legend under the
    controls, so that the map gets the whole width (and the step slider a row of its own), and
    the figure grows by the rows its entries take in ``legend_width`` px (``legend_height``),
    so that ``height`` is the map's and its controls' whatever the labels.
    ``legend_band`` (px, a projector's chart whose height the browser sets) keeps that many
    pixels at the figure's bottom for the legend and fixes every margin: the map's size then
    depends on the chart's size alone, not on the legend's labels (``_race_layout``).
    ``inside`` draws what each optimizer holds (viz/inside.py) on racers whose runs recorded
    their state.

    The static traces first (contours, balls, full paths, minima and saddles, the click grid),
    then the animated ones (per racer its trail, marker, drawn state point and inside glyphs;
    the step counter), the frames, the controls and the layout."""
    f = background or compute_field(objective or surface.value, surface.bounds)
    fig = PlainFigure()
    _add_contours(fig, f, words)
    _add_constraints(fig, constraint, words)
    _add_guides(fig, guides)
    _add_full_paths(fig, racers)
    _add_critical_points(fig, surface, words)
    if clickable:
        _add_click_grid(fig, surface.bounds, words)
    static = list(range(len(fig.data)))
    # One clock, the step: at frame k every racer is at steps[k] (or at its own end).
    steps = [int(step) for step in frame_steps([r.run for r in racers], frames)]
    shown = [records_at(r.run, np.asarray(steps)) for r in racers]
    count = len(steps)
    glyphs = _inside_glyphs(racers, surface.bounds, inside_words) if inside else [None] * len(racers)
    scale_of_frame, said = _inside_scales(glyphs, shown, count, surface.bounds, inside_words)
    for racer, rows, glyph in zip(racers, shown, glyphs, strict=True):
        _add_racer(fig, racer, rows, glyph, scale_of_frame[0])
    _add_counter(fig, surface.bounds, words["step"].format(step=steps[0]) + said[0], font_size)
    animated = list(range(len(static), len(fig.data)))
    counters = [words["step"].format(step=steps[k]) + said[k] for k in range(count)]
    frame_list = _race_frames(racers, shown, glyphs, scale_of_frame, counters, steps, static, animated)
    fig.set_frames(frame_list)
    animation_controls(fig, [fr["name"] for fr in frame_list], words, font_size, legend_below)
    if legend_below and not legend_band:
        entries = []
        for trace in fig.data:
            if trace.showlegend is not False and trace.name:
                trace.name = wrapped(trace.name, legend_characters(font_size, legend_width), cjk=1 / 0.6)
                entries.append(trace.name)
        height += legend_height(entries, font_size, legend_width) - _wide_map_saving(
            surface.bounds, height, font_size
        )
    _race_layout(fig, surface.bounds, f, height, font_size, legend_below, legend_band)
    return fig


def _wide_map_saving(bounds, height: int, font_size: int) -> int:
    """The height (px) a map wider than tall leaves unused of ``height``: on a phone it is as wide
    as a square map and shorter (the recurrent net's cliff: 297 x 148 px), and a band as tall as
    the rest stood empty over it. Around the map: the step over it (``t``) and, under it, its
    tick labels and title, Play/Pause on two lines and the slider (132 px at 12 px, measured)."""
    (x0, x1), (y0, y1) = bounds
    aspect = (y1 - y0) / (x1 - x0)
    around = 40 + font_size // 2 + 132 + 4 * (font_size - 12)
    return round((height - around) * (1 - aspect)) if aspect < 1 else 0


def _entry_width(text: str, font_size: int) -> int:
    """About how wide (px) a legend entry of one line is: its symbol and gaps (40 px), then its
    text, taken a little wide (0.6 em a letter, 1 em a Chinese character)."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    return 40 + math.ceil(ems * font_size)


def legend_characters(font_size: int, width: int) -> int:
    """How many Latin characters a legend entry's line holds in ``width`` px (``_entry_width``):
    a longer entry is wrapped (on a phone's map "effective learning rate per coordinate (box
    half-sides x the boxes' scale)" ran past the screen's edge)."""
    return int((width - 40) / (0.6 * font_size))


def legend_height(entries: Sequence[str], font_size: int, width: int) -> int:
    """About how tall (px) a horizontal legend of these entries is in ``width`` px, packed row by
    row as plotly.js packs them (``_entry_width``: the count errs by a row too many rather than
    too few). A row is 2.5 em (29-31 px at 12 px, measured in Chromium) and 1.3 em more for each
    further line of its tallest entry."""
    total, row, used = 0.0, 0.0, width
    for entry in entries:
        lines = entry.split("<br>")
        need = max(_entry_width(line, font_size) for line in lines)
        if used + need > width:
            total, row, used = total + row, 0.0, 0
        row = max(row, 2.5 + 1.3 * (len(lines) - 1))
        used += need
    return math.ceil((total + row) * font_size)


def _add_contours(fig: PlainFigure, f: Field, words: Mapping[str, str]) -> None:
    """The field's contour lines, one static trace (the colours are the background image)."""
    cx, cy = contour_lines(f)
    fig.add_trace(
        go.Scatter(
            x=packed(cx),
            y=packed(cy),
            mode="lines",
            line={"color": "rgba(40,60,80,0.28)", "width": 1},
            hoverinfo="skip",
            showlegend=False,
            name=words["contours"],
        )
    )


def _add_constraints(
    fig: PlainFigure, constraint: Mapping | Sequence[Mapping] | None, words: Mapping[str, str]
) -> None:
    """The balls the steps are projected on, dashed; named by their radius when several."""
    constraints = [constraint] if isinstance(constraint, Mapping) else list(constraint or ())
    for ball in constraints:
        shape = _constraint_shape(ball)
        fig.add_trace(
            go.Scatter(
                x=shape[0],
                y=shape[1],
                mode="lines",
                name=words.get("constraint_named", ENGLISH["constraint_named"]).format(
                    constraint=words["constraint"], ball=_ball_name(ball, "≤")
                )
                if len(constraints) > 1
                else words["constraint"],
                line={"color": "#222", "width": 2, "dash": "dash" if ball["norm"] == "l1" else "dashdot"},
                hoverinfo="skip",
            )
        )


def _add_guides(fig: PlainFigure, guides: Sequence[Mapping]) -> None:
    """Faint dotted reference balls (the unit diamond and circle of the L1/L2 picture)."""
    for guide in guides:
        gx, gy = _constraint_shape(guide)
        fig.add_trace(
            go.Scatter(
                x=gx,
                y=gy,
                mode="lines",
                name=_ball_name(guide, "="),
                line={"color": "rgba(30,30,30,0.55)", "width": 1.5, "dash": "dot"},
                hoverinfo="skip",
            )
        )


def _add_full_paths(fig: PlainFigure, racers: Sequence[Racer]) -> None:
    """Every trajectory's whole path, faint, one static trace per racer."""
    for racer in racers:
        fig.add_trace(
            go.Scatter(
                x=packed(_lines(racer.run.path, 0)),
                y=packed(_lines(racer.run.path, 1)),
                mode="lines",
                line={"color": racer.color, "width": 1.5},
                opacity=0.45,
                hoverinfo="skip",
                legendgroup=racer.label,
                showlegend=False,
            )
        )


def _add_critical_points(fig: PlainFigure, surface, words: Mapping[str, str]) -> None:
    """The surface's known minima (stars) and saddle points (crosses), where it has any."""
    if len(surface.minima):
        fig.add_trace(
            go.Scatter(
                x=surface.minima[:, 0],
                y=surface.minima[:, 1],
                mode="markers",
                name=words["minimum"],
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": "#ffd400",
                    "line": {"color": "#333", "width": 1},
                },
            )
        )
    if len(surface.saddles):
        fig.add_trace(
            go.Scatter(
                x=surface.saddles[:, 0],
                y=surface.saddles[:, 1],
                mode="markers",
                name=words["saddle"],
                marker={"symbol": "x-thin", "size": 14, "line": {"color": "#b00020", "width": 3}},
            )
        )


def _add_click_grid(fig: PlainFigure, bounds, words: Mapping[str, str]) -> None:
    """An invisible grid of points over the map: a click on it becomes a start."""
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, CLICK_GRID), np.linspace(y0, y1, CLICK_GRID))
    fig.add_trace(
        go.Scatter(
            x=packed(gx.ravel()),
            y=packed(gy.ravel()),
            mode="markers",
            # One marker drawn (hover and clicks still find every grid point): the trace is
            # redrawn with every frame (below), and 1,681 drawn markers doubled the frame time.
            marker={"size": 14, "opacity": 0, "maxdisplayed": 1},
            showlegend=False,
            name="click",
            hovertemplate="(%{x:.2f}, %{y:.2f})<extra>" + words["click"] + "</extra>",
        )
    )


def _inside_glyphs(
    racers: Sequence[Racer], bounds, inside_words: Mapping[str, str] | None
) -> list[Glyphs | None]:
    """Each racer's inside-view glyphs (None for a run that recorded no state), at one scale
    for all of them; each kind of glyph once in the legend."""
    recorded = [r.run for r in racers if r.run.update is not None]
    scale = scales(recorded, bounds)
    legend: set[str] = set()
    return [
        Glyphs(r.run, r.color, scale, bounds, inside_words or INSIDE_ENGLISH, legend)
        if r.run.update is not None
        else None
        for r in racers
    ]


def _inside_scales(
    glyphs: Sequence[Glyphs | None],
    shown: Sequence[np.ndarray],
    count: int,
    bounds,
    inside_words: Mapping[str, str] | None,
) -> tuple[list[Scales | None], list[str]]:
    """The inside view's scales of each frame (one for all racers) and the words that state
    them after the step counter (empty without an inside view)."""
    scale_of_frame: list[Scales | None] = [None] * count
    said = [""] * count
    if not any(g is not None for g in glyphs):
        return scale_of_frame, said
    words = inside_words or INSIDE_ENGLISH
    key = "scale_box" if any(g is not None and g.run.effective_lr is not None for g in glyphs) else "scale"
    for k in range(count):
        pieces = [g.vectors(rows[k]) for g, rows in zip(glyphs, shown, strict=True) if g is not None]
        scale_of_frame[k] = frame_scales(pieces, bounds)
        if scale_of_frame[k] is not None:
            said[k] = fill(words[key], arrow=scale_of_frame[k].arrow, box=scale_of_frame[k].box)
    return scale_of_frame, said


def _add_racer(
    fig: PlainFigure, racer: Racer, rows: np.ndarray, glyph: Glyphs | None, first_scale: Scales | None
) -> None:
    """A racer's animated traces as at the first frame: its trail, its marker (its legend
    entry), the point of its state it draws (if any) and its inside glyphs (if any)."""
    fig.add_trace(
        go.Scatter(
            x=packed(_lines(racer.run.path[rows[:1]], 0)),
            y=packed(_lines(racer.run.path[rows[:1]], 1)),
            mode="lines",
            line={"color": racer.color, "width": 3},
            hoverinfo="skip",
            legendgroup=racer.label,
            showlegend=False,
        )
    )
    start = racer.run.path[0]
    look = style_of(racer.color)
    fig.add_trace(
        go.Scatter(
            x=packed(start[:, 0]),
            y=packed(start[:, 1]),
            mode="markers",
            name=racer.label,
            legendgroup=racer.label,
            marker={
                "color": racer.color,
                "symbol": look.symbol,
                "size": 13,
                "line": {"color": "white", "width": 2},
            },
            hovertemplate=racer.label + " (%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )
    if racer.drawn is not None:
        name = f"{racer.label}: {racer.drawn_label}"
        fig.add_trace(
            go.Scatter(
                x=packed(start[:, 0]),
                y=packed(start[:, 1]),
                mode="markers",
                name=name,
                legendgroup=racer.label,
                marker={"color": racer.color, "size": 12, "symbol": look.open_symbol, "line": {"width": 3}},
                hovertemplate=name + " (%{x:.3f}, %{y:.3f})<extra></extra>",
            )
        )
    if glyph is not None:
        for trace, (gx, gy) in zip(glyph.traces(), glyph.frame(rows[0], first_scale), strict=True):
            fig.add_trace(trace.update(x=packed(gx), y=packed(gy)))


def _add_counter(fig: PlainFigure, bounds, text: str, font_size: int) -> None:
    """The step counter: a text trace just above the map's top-left corner, animated with the
    markers. As the slider's label it cost two text measurements per frame when the chart
    first drew (about a second for 200 frames). No text shadow: that cost as much again."""
    (x0, x1), (_, y1) = bounds
    fig.add_trace(
        go.Scatter(
            x=[x0 + 0.03 * (x1 - x0)],  # clear of the y axis labels
            y=[y1],
            mode="text",
            text=[text],
            textposition="top right",
            textfont={"size": font_size + 4, "color": "#1a1a1a"},
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
            name="counter",
        )
    )


def _race_frames(
    racers: Sequence[Racer],
    shown: Sequence[np.ndarray],
    glyphs: Sequence[Glyphs | None],
    scale_of_frame: Sequence[Scales | None],
    counters: Sequence[str],
    steps: Sequence[int],
    static: list[int],
    animated: list[int],
) -> list[dict]:
    """The animation's frames as plain dicts: per frame each racer's trail and marker, its
    drawn state point and glyphs, then the counter's words.

    Every static trace is named in each frame too, with no data: Plotly.animate recomputes the
    calcdata of all traces but redraws only those named, and a static trace left without its
    drawn node breaks click selection after any animation (plotly.js' styleOnSelect reads
    cd[0].node3): clicks on the map then set no start after Play, Pause or the slider.
    Measured: 200 frames play in the same time either way."""
    # {"type": "scatter"}: how Plotly's validation wrote an empty trace (the frames go unvalidated)
    untouched = [{"type": "scatter"}] * len(static)
    moving = [
        _moving(racer.run.path[rows], _trail_frames(racer.run))
        for racer, rows in zip(racers, shown, strict=True)
    ]
    frame_list = []
    for k in range(len(counters)):
        data = []
        for racer, rows, glyph, pieces in zip(racers, shown, glyphs, moving, strict=True):
            record = rows[k]  # its record at the frame's step (its last once it has ended)
            at = racer.run.path[record]
            data += pieces[k]
            if racer.drawn is not None:
                # Before the first step the average does not exist: it sits on the start.
                point = np.where(np.isnan(racer.drawn[record]), at, racer.drawn[record])
                data.append({"type": "scatter", "x": packed(point[:, 0]), "y": packed(point[:, 1])})
            if glyph is not None:
                drawn = glyph.frame(record, scale_of_frame[k])
                data += [{"type": "scatter", "x": packed(x), "y": packed(y)} for x, y in drawn]
        data.append({"type": "scatter", "text": [counters[k]]})
        frame_list.append({"data": untouched + data, "traces": static + animated, "name": str(steps[k])})
    return frame_list


# A horizontal legend at the figure's bottom, in container pixels (a phone's map, a projector's).
BOTTOM_LEGEND = {
    "orientation": "h",
    "yref": "container",
    "y": 0.0,
    "yanchor": "bottom",
    "x": 0.0,
    "xanchor": "left",
}


def _race_layout(
    fig: PlainFigure, bounds, f: Field, height: int, font_size: int, legend_below: bool, legend_band: int = 0
) -> None:
    """The square map's axes, the field as its background image, the legend and the margins.

    The legend on the right, beside the square map (on top it ran under the mode bar), or
    under the Play/Pause row and the slider, where it takes no width from the map. With a
    ``legend_band`` the legend is anchored to the figure's bottom in a band of that height
    (scrolling if its rows need more) and the margins never grow: a legend beside the map had
    taken 40 % of its width on the saddle lesson (labels such as "alpha = 0.5, just off the
    ridge, Newton"), and a legend under it pushed the bottom margin up into the map."""
    (x0, x1), (y0, y1) = bounds
    legend = {"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02, "xanchor": "left"}
    margin = {
        "l": 10,
        "r": 10,
        "t": 40 + font_size // 2,
        "b": 10,
    }
    if legend_below:
        # At the figure's bottom in container pixels: plotly.js then keeps the legend's height
        # out of the plot area, under whatever Play/Pause and the slider take (two rows on a
        # phone). Placed as a fraction of the plot area under them, it rose into the slider
        # when its rows pushed the margin and shrank the plot area (the saddle lesson's eight
        # entries on a phone: the thumb on the first row). From the figure's left edge: the
        # width ``legend_width`` counts on (under the map it lost the axis labels' 60 px).
        legend = {**BOTTOM_LEGEND, "xref": "container"}
    if legend_band:
        # Under the map: its tick labels and title, then Play/Pause and the slider (their row
        # ends 52 + 2 (font - 12) + ~40 px under the plot area), then the legend's band.
        controls = 100 + 4 * (font_size - 12)
        legend = {**BOTTOM_LEGEND, "maxheight": legend_band}
        margin = {"l": 3 * font_size + 10, "r": 10, "t": 40 + font_size // 2, "b": controls + legend_band}
        margin["autoexpand"] = False
    fig.plain_layout(
        height=height,
        font={"size": font_size},
        margin=margin,
        legend=legend,
        xaxis={
            "range": [x0, x1],
            "showgrid": False,
            "zeroline": False,
            "constrain": "domain",
            "title": {"text": "x"},
        },
        yaxis={
            "range": [y0, y1],
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            # A map narrower than its plot area (a phone) sits on its controls, not midway.
            "constraintoward": "bottom" if legend_below and not legend_band else "middle",
            "title": {"text": "y"},
        },
        images=[
            {
                "source": png_data_uri(f),
                "xref": "x",
                "yref": "y",
                "x": x0,
                "y": y1,
                "sizex": x1 - x0,
                "sizey": y1 - y0,
                "sizing": "stretch",
                "layer": "below",
            }
        ],
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
    )


def _trail_frames(run: Run) -> int:
    """How many frames a marker's trail spans: shorter when many trajectories move at once,
    none past 8, so the figure stays small (the full paths are drawn underneath anyway)."""
    return 0 if run.n > 8 else max(2, min(10, 60 // run.n))


def animation_controls(
    fig: PlainFigure, names: list[str], words: Mapping[str, str], font_size: int = 12, own_row: bool = False
) -> None:
    """Play/Pause and the step slider under the map; the slider on a row of its own when the
    legend is below (beside the buttons it was a dot on a phone). Plain layout parts: plotly's
    validation of 200 slider steps was a quarter of building a race figure.

    On a row of their own (a phone's layout) the buttons are at least 44 px tall, a touch
    target (WCAG 2.5.5): the sign above the word, in at least 16 px (plotly.js makes a button
    max(1.3 x font size x lines, 30) + 3 px tall: 45 px; one line of 12 px was 33 px)."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    top = 45 + 2 * (font_size - 12)
    size = max(font_size, 16) if own_row else font_size
    gap = "<br>" if own_row else " "
    tall = math.ceil(max(1.3 * size * (2 if own_row else 1), 30) + 3)
    fig.plain_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": top, "r": 10},
                "font": {"size": size},
                "buttons": [
                    {
                        "label": "▶" + gap + words["play"],
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 40, "redraw": False},
                                "fromcurrent": True,
                                "transition": {"duration": 0},
                                "mode": "immediate",
                            },
                        ],
                    },
                    {"label": "❚❚" + gap + words["pause"], "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.0,
                "len": 1.0,
                "y": 0.0,
                "yanchor": "top",
                # Its rail level with the buttons and starting right after them (~145 px in
                # either language), whatever the figure's width.
                "pad": {"t": top + tall + 7, "l": 0}  # under the buttons (97 px at 12 px)
                if own_row
                else {"t": 52 + 2 * (font_size - 12), "l": 160 + 10 * (font_size - 12)},
                # Unlabelled steps: plotly measures every distinct label (two layouts of the page
                # each), which took about a second for 200 frames; the counter trace shows the step.
                "currentvalue": {"visible": False},
                "ticklen": 0,
                "minorticklen": 0,
                "steps": [{"label": "", "method": "animate", "args": [[name], still]} for name in names],
            }
        ],
    )


def surface_figure(
    surface,
    racers: Sequence[Racer],
    *,
    background: Field | None = None,
    words: Mapping[str, str] = ENGLISH,
    height: int = 560,
) -> go.Figure:
    """A static 3-D view: the surface (height log-compressed as in the map) and the paths, each
    racer's dashed its own way and marked where it ends."""
    f = background or compute_field(surface.value, surface.bounds)
    take = slice(None, None, max(1, len(f.xs) // 80))
    colorscale = [[i / (len(RAMP) - 1), f"rgb({r:.0f},{g:.0f},{b:.0f})"] for i, (r, g, b) in enumerate(RAMP)]
    fig = go.Figure(
        go.Surface(
            x=f.xs[take],
            y=f.ys[take],
            z=f.height[take, take],
            colorscale=colorscale,
            showscale=False,
            opacity=0.92,
            hoverinfo="skip",
            cmin=0,
            cmax=1,
        )
    )
    for racer in racers:
        keep = np.unique(np.linspace(0, len(racer.run.step) - 1, min(400, len(racer.run.step))).astype(int))
        path = racer.run.path[keep]
        z = f.height_of(racer.run.loss[keep]) + 0.01
        R, N, _ = path.shape
        zs = np.full((N, R + 1), np.nan)
        zs[:, :R] = z.T
        # A marker where each trajectory ends (size 0 elsewhere): in the legend with the dash.
        ends = np.zeros((N, R + 1), dtype=np.float32)
        ends[:, R - 1] = 7
        look = style_of(racer.color)
        fig.add_trace(
            go.Scatter3d(
                x=packed(_lines(path, 0)),
                y=packed(_lines(path, 1)),
                z=packed(zs.ravel()),
                mode="lines+markers",
                line={"color": racer.color, "width": 6, "dash": look.dash},
                marker={"color": racer.color, "symbol": look.symbol3d, "size": packed(ends.ravel())},
                name=racer.label,
            )
        )
    (x0, x1), (y0, y1) = surface.bounds
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        scene={
            "xaxis": {"range": [x0, x1], "title": "x"},
            "yaxis": {"range": [y0, y1], "title": "y"},
            "zaxis": {"title": words["height"], "showticklabels": False},
            "camera": {"eye": {"x": 1.4, "y": -1.4, "z": 1.0}},
        },
        legend={"orientation": "h", "itemsizing": "constant"},
    )
    return fig
