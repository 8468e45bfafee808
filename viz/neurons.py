"""What each neuron computes (issue 29, item 3): the network drawn as TensorFlow Playground draws
it, each hidden unit of the first two layers a small map of its output over the input plane,
the connections between them coloured by the sign of their weight and as thick as its size
(hover one to read it), animated with the training.

Every map is the unit's output (after its activation) computed by ``Network.unit_outputs`` at
every point of a ``side`` x ``side`` grid over the data's box, at the step of its frame; one
colour scale per layer over all frames (a tanh unit's -1 to 1 in blue to orange), so a colour
means the same value from frame to frame.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from viz.template import TEMPLATE, written

MAX_UNITS = 8  # units of a layer drawn (the first ones); more would not be readable
SIDE = 25  # points of a map's side
LAYERS = 2  # hidden layers drawn: the first two (what depth adds is layer 2 from layer 1)
BOX = 0.84  # a map's side, in the diagram's units (the distance between two units is 1)
# Okabe-Ito blue for negative, white for zero, Okabe-Ito orange for positive (told apart
# without colour vision too: the connections' negative weights are also dashed).
NEGATIVE, ZERO, POSITIVE = np.array([0, 114, 178]), np.array([255, 255, 255]), np.array([230, 159, 0])
WIDTHS = (0.8, 2.0, 4.0)  # px, a connection's |weight| in the thirds of the largest
SPREAD = 4.5  # between two layers, in the diagram's units (a unit's map is BOX wide)


MIN_SPAN = 0.5  # a box's side at least (own points all on one line had a side of 0: a traceback)


def data_box(net) -> tuple[np.ndarray, np.ndarray]:
    """The maps' extent: the data (training and test) without its outer 0.5 % on each side,
    at least ``MIN_SPAN`` wide around its middle, padded by 12 % (the decision panels' box), in
    every input dimension."""
    X = np.concatenate([net.data.X, net.data.X_test])
    low, high = np.percentile(X, 0.5, axis=0), np.percentile(X, 99.5, axis=0)
    middle, half = (low + high) / 2, np.maximum(high - low, MIN_SPAN) / 2
    low, high = middle - half, middle + half
    pad = 0.12 * (high - low)
    return low - pad, high + pad


def grid_points(lo: Sequence[float], hi: Sequence[float], side: int = SIDE) -> np.ndarray:
    """``(side * side, 2)`` points over the box, row by row from the top (largest y) down,
    the order of an image's pixels; a 1-D input: ``(side, 1)``."""
    xs = np.linspace(lo[0], hi[0], side)
    if len(lo) == 1:
        return xs[:, None]
    ys = np.linspace(hi[1], lo[1], side)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def colour_range(activation: str, outputs: np.ndarray) -> tuple[float, float]:
    """The layer's colour scale: the activation's own range where it has one (tanh -1..1,
    sigmoid 0..1), else 0 to the largest output of every frame (ReLU)."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    top = float(np.nanmax(np.abs(outputs))) if outputs.size else 1.0
    return (0.0 if float(np.nanmin(outputs)) >= 0 else -top), max(top, 1e-12)


def colours(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """RGB (uint8) of ``values``: blue at the negative end, white at 0, orange at the positive
    end (a range from 0: white to orange)."""
    v = np.clip(np.nan_to_num(values), low, high)
    t_pos = np.where(v > 0, v / high if high > 0 else 0.0, 0.0)[..., None]
    t_neg = np.where(v < 0, v / low if low < 0 else 0.0, 0.0)[..., None]
    rgb = ZERO + t_pos * (POSITIVE - ZERO) + t_neg * (NEGATIVE - ZERO)
    return np.rint(rgb).astype(np.uint8)


# colours of a map, evenly spaced over its layer's range (the middle one 0 when the range is symmetric)
LEVELS = 33


def png_uri(values: np.ndarray, low: float, high: float) -> str:
    """``values`` as a PNG of LEVELS colours over ``low``..``high`` (a palette image: a map is
    a few hundred bytes, so twelve frames of sixteen maps stay small)."""
    levels = np.linspace(low, high, LEVELS)
    index = np.abs(np.clip(np.nan_to_num(values), low, high)[..., None] - levels).argmin(-1).astype(np.uint8)
    image = Image.fromarray(index, mode="P")
    image.putpalette(colours(levels, low, high).ravel().tolist())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _position(layer: int, unit: int, count: int) -> tuple[float, float]:
    """Centre of a unit in the diagram: layer 0 the inputs, units top to bottom, centred."""
    return SPREAD * layer, (count - 1) / 2 - unit


def neurons_figure(
    net,
    thetas: np.ndarray,
    steps: Sequence[int],
    lo: Sequence[float],
    hi: Sequence[float],
    words: Mapping[str, str],
    *,
    height: int = 620,
) -> go.Figure:
    """The diagram at each of ``thetas`` ``(F, D)`` (the parameters at ``steps``), one frame a
    step, the last shown first. ``words``: "input", "layer", "unit", "weight", "step", "play",
    "pause", "units_of" (with {shown} and {units})."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
    points = grid_points(lo, hi)
    one_d = points.shape[1] == 1
    outputs = net.unit_outputs(thetas, points)[:LAYERS]  # per layer (F, units, points)
    shown = [min(MAX_UNITS, o.shape[1]) for o in outputs]
    counts = [points.shape[1], *shown]
    scales = [colour_range(net.activation, o[:, :s]) for o, s in zip(outputs, shown, strict=True)]

    def images(frame: int) -> list[dict]:
        out = []
        for k, (o, s) in enumerate(zip(outputs, shown, strict=True)):
            for u in range(s):
                values = o[frame, u].reshape((1, -1) if one_d else (SIDE, SIDE))
                x, y = _position(k + 1, u, counts[k + 1])
                out.append(
                    {
                        "source": png_uri(values, *scales[k]),
                        "xref": "x",
                        "yref": "y",
                        "x": x - BOX / 2,
                        "y": y + BOX / 2,
                        "sizex": BOX,
                        "sizey": BOX,
                        "sizing": "stretch",
                        "layer": "below",
                    }
                )
        return out

    def connections(frame: int) -> list[go.Scatter]:
        """Per (sign, width) one line trace, and the hover points at the connections' middles."""
        layers = net.layers(thetas[frame])[:LAYERS]
        lines: dict[tuple[bool, int], tuple[list, list]] = {
            (neg, w): ([], []) for neg in (False, True) for w in range(len(WIDTHS))
        }
        mx, my, text = [], [], []
        largest = max(float(np.abs(W[: counts[k + 1], : counts[k]]).max()) for k, (W, _) in enumerate(layers))
        for k, (W, _) in enumerate(layers):
            for j in range(counts[k + 1]):
                for i in range(counts[k]):
                    w = float(W[j, i])
                    (x0, y0), (x1, y1) = _position(k, i, counts[k]), _position(k + 1, j, counts[k + 1])
                    x0 += BOX / 2 if k else 0.25
                    x1 -= BOX / 2
                    width = min(len(WIDTHS) - 1, int(3 * abs(w) / largest)) if largest > 0 else 0
                    xs, ys = lines[(w < 0, width)]
                    xs += [x0, x1, None]
                    ys += [y0, y1, None]
                    mx.append((x0 + x1) / 2)
                    my.append((y0 + y1) / 2)
                    source = (
                        words["input"].format(i=i + 1)
                        if k == 0
                        else words["unit"].format(layer=k, unit=i + 1)
                    )
                    target = words["unit"].format(layer=k + 1, unit=j + 1)
                    text.append(f"{source} → {target}<br>{words['weight']} = {written(w)}")
        traces = [
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={
                    "color": "#0072b2" if neg else "#e69f00",
                    "width": WIDTHS[w],
                    "dash": "dot" if neg else "solid",
                },
                hoverinfo="skip",
                showlegend=False,
            )
            for (neg, w), (xs, ys) in lines.items()
        ]
        traces.append(
            go.Scatter(
                x=mx,
                y=my,
                mode="markers",
                marker={"size": 9, "color": "rgba(0,0,0,0)"},
                text=text,
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
            )
        )
        return traces

    last = len(thetas) - 1
    fig = go.Figure(data=connections(last))
    # the inputs: labelled circles
    fig.add_trace(
        go.Scatter(
            x=[0.0] * counts[0],
            y=[_position(0, i, counts[0])[1] for i in range(counts[0])],
            mode="markers+text",
            marker={"size": 26, "color": "#f3f6f9", "line": {"color": "#59616a", "width": 1}},
            text=[f"x{i + 1}" for i in range(counts[0])],
            textposition="middle center",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    step_words = [words["step"].format(step=int(s)) for s in steps]
    fig.frames = [
        go.Frame(
            name=str(f),
            data=connections(f),
            traces=list(range(len(WIDTHS) * 2 + 1)),
            layout={"images": images(f)},
        )
        for f in range(len(thetas))
    ]
    tall = max(counts) + 0.2
    headings = [words["inputs"], *(words["layer"].format(layer=k + 1) for k in range(len(outputs)))]
    annotations = [
        {
            "x": SPREAD * k,
            "y": tall / 2 + 0.05,
            "text": h,
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 13},
        }
        for k, h in enumerate(headings)
    ]
    for k, o in enumerate(outputs):
        if o.shape[1] > shown[k]:
            annotations.append(
                {
                    "x": SPREAD * (k + 1),
                    "y": -tall / 2 - 0.05,
                    "text": words["units_of"].format(shown=shown[k], units=o.shape[1]),
                    "showarrow": False,
                    "yanchor": "top",
                    "font": {"size": 11},
                }
            )
    still = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 90},
        xaxis={"visible": False, "range": [-0.6, SPREAD * len(outputs) + 0.6], "fixedrange": True},
        yaxis={
            "visible": False,
            "range": [-tall / 2 - 0.4, tall / 2 + 0.4],
            "fixedrange": True,
            "scaleanchor": "x",
        },
        images=images(last),
        annotations=annotations,
        hovermode="closest",
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 10, "r": 10},
                "buttons": [
                    {
                        "label": "▶ " + words["play"],
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 120, "redraw": True},
                                "fromcurrent": True,
                                "transition": {"duration": 0},
                            },
                        ],
                    },
                    {"label": "❚❚ " + words["pause"], "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": last,
                "x": 0.0,
                "len": 1.0,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 50},
                "currentvalue": {"visible": True, "prefix": ""},
                "steps": [
                    {"label": step_words[f], "method": "animate", "args": [[str(f)], still]}
                    for f in range(len(thetas))
                ],
            }
        ],
    )
    return fig
