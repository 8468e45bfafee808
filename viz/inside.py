"""What each optimizer holds inside, drawn on the race: at every frame, from the marker, the
negative gradient there and the step it is about to take, its velocity or first moment, a box
whose sides are its per-coordinate effective learning rates, and for Newton and the
quasi-Newton methods the ellipse of the curvature it steps with (its axes red where the
curvature is negative: why Newton is drawn to a saddle).

One scale per frame for every arrow (gradient units to map units) and one for every box, the
same for every optimizer in that frame (so lengths compare between them) and stated beside the
frame's step counter: the longest arrow of the frame is ARROW of the map's larger side, the
largest box BOX, and no arrow's tip or box's side leaves the map (a scale from the whole run,
once, sent the arrows of the first steps off the map, x1.62e4 on the saddle). The step taken
is drawn as it is, cut at the map's edge.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.optimizer_views import view
from viz.template import TEMPLATE

NEGATIVE = "#d62728"
ARROW = 0.15  # the longest arrow of a frame, as a fraction of the map's larger side
BOX = 0.05  # the largest box half-side of a frame, likewise
ENGLISH = {
    "gradient": "−gradient (× the arrows' scale, above the map)",
    "step": "step taken (cut at the map's edge)",
    "moment": "velocity / first moment (× the arrows' scale)",
    "box": "effective learning rate per coordinate (box half-sides × the boxes' scale)",
    "ellipse": "curvature used: ellipse and axes (red: negative)",
    "scale": " · arrows × {arrow:.3g}",
    "scale_box": " · arrows × {arrow:.3g}, boxes × {box:.3g}",
}


@dataclasses.dataclass(frozen=True)
class Scales:
    arrow: float  # map units per gradient unit
    box: float  # map units per unit of learning rate


def _median_positive(arrays: Sequence[np.ndarray]) -> float | None:
    values = np.concatenate([np.abs(a).ravel() for a in arrays]) if arrays else np.empty(0)
    values = values[np.isfinite(values) & (values > 0)]
    return float(np.median(values)) if values.size else None


def scales(runs, bounds) -> Scales:
    """Arrows of the median gradient a tenth of the map wide; boxes of the median effective
    rate a twentieth."""
    (x0, x1), (y0, y1) = bounds
    width = max(x1 - x0, y1 - y0)
    gradient = _median_positive([np.linalg.norm(r.grad, axis=-1) for r in runs if r.grad is not None])
    rate = _median_positive([r.effective_lr for r in runs if r.effective_lr is not None])
    return Scales(0.1 * width / gradient if gradient else 1.0, 0.05 * width / rate if rate else 1.0)


def _inside(at: np.ndarray, bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    return (at[:, 0] >= x0) & (at[:, 0] <= x1) & (at[:, 1] >= y0) & (at[:, 1] <= y1)


def _room(at: np.ndarray, vector: np.ndarray, bounds) -> np.ndarray:
    """How many times ``vector`` fits from ``at`` before the map's edge (inf for a zero one)."""
    (x0, x1), (y0, y1) = bounds
    low, high = np.array([x0, y0]), np.array([x1, y1])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(vector > 0, (high - at) / vector, np.where(vector < 0, (low - at) / vector, np.inf))
    return np.nan_to_num(t.min(-1), nan=np.inf)


def frame_scales(pieces, bounds) -> Scales | None:
    """The scales of one frame from what its glyphs draw (``Glyphs.vectors`` of each racer at
    the frame's record): the longest arrow ARROW of the map's side, the largest box half-side
    BOX, each smaller if needed so that no tip or side leaves the map. None when nothing is drawn."""
    (x0, x1), (y0, y1) = bounds
    span = max(x1 - x0, y1 - y0)
    arrows = [(at, v) for piece in pieces for kind, (at, v) in piece.items() if kind != "box"]
    boxes = [piece["box"] for piece in pieces if "box" in piece]
    if not arrows:
        return None
    norms = np.concatenate([np.linalg.norm(v, axis=-1) for _, v in arrows])
    norms = norms[np.isfinite(norms)]
    if not norms.size:
        return None
    arrow = ARROW * span / norms.max() if norms.max() > 0 else 1.0
    for at, v in arrows:
        room = _room(at, v, bounds)
        room = room[np.isfinite(room)]
        if room.size:
            arrow = min(arrow, float(room.min()) * (1 - 1e-6))
    box = 1.0
    halves = [h[np.isfinite(h)] for _, h in boxes]
    largest = max((float(h.max()) for h in halves if h.size), default=0.0)
    if largest > 0:
        box = BOX * span / largest
        low, high = np.array([x0, y0]), np.array([x1, y1])
        for at, half in boxes:
            with np.errstate(divide="ignore", invalid="ignore"):
                fits = np.minimum(at - low, high - at) / half
            fits = fits[np.isfinite(fits) & (half > 0)]
            if fits.size:
                box = min(box, float(fits.min()) * (1 - 1e-6))
    return Scales(arrow, box)


def _moment(run) -> np.ndarray | None:
    """The recorded state that stands in for the gradient (a velocity, a first moment)."""
    field = view(run.optimizer).moment
    return None if field is None else run.state.get(field)


def _segments(start: np.ndarray, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of one segment per row (start to start + vector), NaN between them."""
    n = len(start)
    xy = np.full((n, 3, 2), np.nan)
    xy[:, 0], xy[:, 1] = start, start + vector
    return xy[..., 0].ravel(), xy[..., 1].ravel()


def _boxes(center: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)
    xy = np.full((len(center), 6, 2), np.nan)
    xy[:, :5] = center[:, None] + corners[None] * half[:, None]
    return xy[..., 0].ravel(), xy[..., 1].ravel()


def _ellipses(center: np.ndarray, curvature: np.ndarray, radius: float):
    """The level set x^T |B| x = radius^2 around each centre, and its eigen-axes split by the
    sign of their curvature: (ellipse x, y), (positive axes x, y), (negative axes x, y)."""
    values, vectors = np.linalg.eigh((curvature + np.swapaxes(curvature, -1, -2)) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        semi = radius / np.sqrt(np.abs(values))  # (n, 2)
    semi = np.where(np.isfinite(semi), np.minimum(semi, 50 * radius), np.nan)
    angle = np.linspace(0, 2 * np.pi, 21)
    ring = np.full((len(center), 22, 2), np.nan)
    ring[:, :21] = center[:, None] + (
        np.cos(angle)[None, :, None] * (semi[:, None, 0:1] * vectors[:, None, :, 0])
        + np.sin(angle)[None, :, None] * (semi[:, None, 1:2] * vectors[:, None, :, 1])
    )
    axes = {True: [], False: []}
    for k in range(2):
        axis = semi[:, k : k + 1] * vectors[:, :, k]
        for positive in (True, False):
            keep = (values[:, k] > 0) == positive
            a = np.where(keep[:, None], center - axis, np.nan)
            b = np.where(keep[:, None], center + axis, np.nan)
            xy = np.full((len(center), 3, 2), np.nan)
            xy[:, 0], xy[:, 1] = a, b
            axes[positive].append(xy)
    pos, neg = np.concatenate(axes[True], 1), np.concatenate(axes[False], 1)
    return (
        (ring[..., 0].ravel(), ring[..., 1].ravel()),
        (pos[..., 0].ravel(), pos[..., 1].ravel()),
        (
            neg[..., 0].ravel(),
            neg[..., 1].ravel(),
        ),
    )


class Glyphs:
    """The inside glyphs of one racer: its traces (added after its marker) and their data at
    each frame."""

    def __init__(self, run, color: str, scale: Scales, bounds, words: Mapping[str, str], legend: set[str]):
        """``legend``: the kinds already in the legend (shared by the racers: each kind once);
        ``scale``: the one used by ``frame`` when it is given none."""
        self.run, self.color, self.scale, self.words, self.legend = run, color, scale, words, legend
        self.bounds = bounds
        (x0, x1), (y0, y1) = bounds
        self.radius = 0.06 * max(x1 - x0, y1 - y0)
        self.moment = _moment(run)
        self.lookahead = view(run.optimizer).lookahead

    def kinds(self) -> list[str]:
        kinds = ["gradient", "step"]
        if self.moment is not None:
            kinds.append("moment")
        if self.lookahead:
            kinds.append("lookahead")
        if self.run.effective_lr is not None:
            kinds.append("box")
        if self.run.curvature is not None:
            kinds += ["ellipse", "axes", "axes-"]
        return kinds

    def traces(self) -> list[go.Scatter]:
        out = []
        for kind in self.kinds():
            group = kind.rstrip("+-")
            shown = group not in self.legend and kind not in ("axes", "axes-")
            self.legend.add(group)
            line = {"color": self.color, "width": 2}
            name = {
                "gradient": self.words["gradient"],
                "step": self.words["step"],
                "moment": self.words["moment"],
                "box": self.words["box"],
                "lookahead": self.words.get("lookahead", "look-ahead point"),
            }.get(kind, self.words["ellipse"])
            if kind == "gradient":
                line = {"color": "#333333", "width": 2}
            elif kind == "step":
                line = {"color": self.color, "width": 4}
            elif kind == "moment":
                line = {"color": self.color, "width": 2, "dash": "dot"}
            elif kind == "box":
                line = {"color": self.color, "width": 1.5}
            elif kind == "axes-":
                line = {"color": NEGATIVE, "width": 2.5}
            point = kind == "lookahead"
            out.append(
                go.Scatter(
                    x=[np.nan],
                    y=[np.nan],
                    mode="markers" if point else "lines",
                    marker={"symbol": "circle-open", "size": 11, "color": self.color, "line": {"width": 2}}
                    if point
                    else None,
                    line=line,
                    name=name,
                    legendgroup="inside-" + group,
                    showlegend=shown,
                    hoverinfo="skip",
                )
            )
        return out

    def _next(self, record: int) -> int | None:
        nxt = record + 1
        run = self.run
        if nxt >= len(run.step) or run.step[nxt] != run.step[record] + 1:  # no next step recorded
            return None
        return nxt

    def vectors(self, record: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What the scales act on at ``record``, from the points on the map: the gradient's and
        the moment's (in gradient units) and the boxes' half-sides (effective rates)."""
        nxt = self._next(record)
        if nxt is None:
            return {}
        run = self.run
        at = run.path[record]
        on = _inside(at, self.bounds)[:, None]  # a point off the map draws nothing
        out = {"gradient": (at, np.where(on, -run.grad[nxt], np.nan))}
        if self.moment is not None:
            out["moment"] = (at, np.where(on, -self.moment[nxt], np.nan))
        if run.effective_lr is not None:
            out["box"] = (at, np.where(on, np.abs(run.effective_lr[nxt]), np.nan))
        return out

    def frame(self, record: int, scale: Scales | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """The glyphs' (x, y) at the record ``record``: the quantities of the next step, drawn
        from the point where it starts, with ``scale`` (the frame's; this racer's own if None)."""
        run = self.run
        scale = scale or self.scale
        nxt = self._next(record)
        if nxt is None:
            return [(np.array([np.nan]), np.array([np.nan])) for _ in self.kinds()]
        at = run.path[record]
        vectors = self.vectors(record)
        step = run.update[nxt]
        cut = np.minimum(_room(at, step, self.bounds), 1.0)[:, None]  # the step up to the edge
        pairs = [_segments(at, scale.arrow * vectors["gradient"][1]), _segments(at, cut * step)]
        if self.moment is not None:
            pairs.append(_segments(at, scale.arrow * vectors["moment"][1]))
        if self.lookahead:  # where Nesterov's gradient is in effect taken: theta - lr mu b
            hp = run.hyperparameters
            ahead = at - np.ravel(hp["lr"])[0] * np.ravel(hp["momentum"])[0] * self.moment[nxt]
            pairs.append((ahead[:, 0], ahead[:, 1]))
        if run.effective_lr is not None:
            pairs.append(_boxes(at, scale.box * vectors["box"][1]))
        if run.curvature is not None:
            pairs += list(_ellipses(at, run.curvature[nxt], self.radius))
        return pairs


def beat_figure(start: np.ndarray, beat, scale: Scales, color: str) -> go.Figure:
    """One sub-operation of a step, drawn around the point it starts from: its vector as an
    arrow (gradient units scaled like the race's arrows, a step as it is) or its effective
    rates as a box."""
    if beat.kind == "rate":
        x, y = _boxes(start[None], scale.box * beat.vector[None])
        marker = None
    else:
        vector = -scale.arrow * beat.vector if beat.kind == "gradient" else beat.vector
        x, y = _segments(start[None], vector[None])
        marker = {"size": [0, 12, 0], "symbol": "arrow", "angleref": "previous"}
    fig = go.Figure(
        [
            go.Scatter(x=x, y=y, mode="lines+markers", line={"color": color, "width": 4}, marker=marker),
            go.Scatter(
                x=[start[0]],
                y=[start[1]],
                mode="markers",
                marker={"size": 12, "color": color, "line": {"width": 2}},
            ),
        ]
    )
    offsets = np.abs(np.stack([x - start[0], y - start[1]]))
    reach = 1.4 * max(float(np.nanmax(offsets)) if np.isfinite(offsets).any() else 0.0, 1e-6)
    fig.update_layout(
        template=TEMPLATE,
        height=280,
        showlegend=False,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        xaxis={"range": [start[0] - reach, start[0] + reach]},
        yaxis={"range": [start[1] - reach, start[1] + reach], "scaleanchor": "x"},
    )
    return fig
