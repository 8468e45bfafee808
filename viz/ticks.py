"""The ticks of every vertical log axis as a chart is drawn (ui.access.chart draws each chart
through ``log_ticked``): 1, 2 and 5 of each decade, whole decades, or six ticks under a decade,
from the decades the axis shows (``viz.template.log_y_ticks``)."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from viz.plain import PlainFigure
from viz.race import unpacked
from viz.template import log_y_ticks


def log_ticked(fig: go.Figure) -> go.Figure:
    """``fig`` as drawn: itself, or (when a vertical log axis of it has no ticks of its own) a
    copy whose every such axis has ``log_y_ticks`` over the decades it shows, its range or else
    its traces' values (frames too). Plotly's own choice wrote every digit where a decade had
    room, and the top of each decade ran together ("1" over "0.9" over "0.8": the Network page's
    loss along straight lines on a phone). ui.access.chart draws every chart through it; the
    figure itself, maybe a cached one shared by every session, is not changed."""
    layout = fig.layout_dict() if isinstance(fig, PlainFigure) else fig.layout.to_plotly_json()
    axes = [key for key, axis in layout.items() if re.fullmatch(r"yaxis\d*", key) and _untouched_log(axis)]
    if not axes:
        return fig
    spec = fig.to_dict()
    for key in axes:
        spec["layout"][key] = {**spec["layout"].get(key, {}), **log_y_ticks(_decades(spec, key))}
    if not isinstance(fig, PlainFigure):
        return go.Figure(spec)
    copy = PlainFigure(data=spec["data"], layout=spec["layout"])
    if spec.get("frames"):
        copy.set_frames(spec["frames"])
    return copy


def _untouched_log(axis) -> bool:
    """A log axis whose ticks are left to Plotly."""
    return (
        isinstance(axis, dict)
        and axis.get("type") == "log"
        and not {"dtick", "nticks", "tickvals"} & set(axis)
        and axis.get("tickmode") != "array"
    )


def _decades(spec: dict, key: str) -> float:
    """The decades the vertical axis ``key`` ("yaxis", "yaxis2", ...) of a figure's ``spec``
    shows: its range, else the span of the positive finite y values drawn on it."""
    span = spec["layout"][key].get("range")
    if span is not None and len(span) == 2 and None not in span:
        return abs(float(span[1]) - float(span[0]))
    name = "y" + key[len("yaxis") :]
    data = spec.get("data", [])
    on_axis = {i for i, trace in enumerate(data) if trace.get("yaxis", "y") == name}
    ys = [data[i].get("y") for i in on_axis]
    for frame in spec.get("frames", []):
        drawn = frame.get("data", [])
        indices = frame.get("traces") or range(len(drawn))
        ys += [trace.get("y") for i, trace in zip(indices, drawn, strict=False) if i in on_axis]
    values = np.concatenate([_numbers(y) for y in ys]) if ys else np.empty(0)
    values = values[np.isfinite(values) & (values > 0)]
    return float(np.log10(values.max()) - np.log10(values.min())) if values.size else 1.0


def _numbers(y) -> np.ndarray:
    """A trace's y values as floats (none for no values, or words)."""
    if y is None:
        return np.empty(0)
    try:
        return unpacked(y).ravel()
    except (TypeError, ValueError):  # words
        return np.empty(0)
