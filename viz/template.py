"""The figures' template: plotly_white, trimmed to the trace types this app draws, with every
axis writing its numbers as numbers.

Plotly deep-copies and validates a template each time a figure is given one by name; with the
defaults of all 24 trace types plotly_white took 23 ms a figure (several per script run, on
every cache miss of every student), and its 7 KB were sent in every chart. The same layout
and the same defaults for the traces drawn here cost 8 ms and draw the same pictures.
Explicit, as Streamlit's own template is a placeholder outside it.

Numbers on axes (issue 26, item 11). Plotly's default exponent format "B" writes SI prefixes:
a loss of 1e-4 is "100µ", 1e-15 is "1f", a million "1M", and a log axis labels 200 and 500
between 100 and 1000 as bare "2" and "5". Here every axis, 3-D axis and colour bar writes
"1e-4", "0.01", "200", "2e+6" (exponent format "e": plain digits up to 100, an exponent beyond,
as a person types them), and a log axis writes its minor ticks whole ("2e-4", not "2").
Measured in Chromium with plotly.js 3: a log axis from 1e-5 to 3e-3 reads
1e-5 2e-5 5e-5 1e-4 ...; one from 0.2 to 0.9 reads 0.2 0.3 ... 0.9 1; a linear one up to 2e6
reads 0 0.5e+6 1e+6 ... (the "power" format wrote 2x10 for 20). A figure does not set its own
(tests/test_axes.py).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "lab_white"
TRACE_TYPES = ("scatter", "contour", "heatmap", "histogram", "surface", "scatter3d")
EXPONENT_FORMAT = "e"
AXIS = {"exponentformat": EXPONENT_FORMAT, "minorloglabels": "complete"}  # a 2-D axis
SCENE_AXIS = {"exponentformat": EXPONENT_FORMAT}  # 3-D axes have no minor log labels
COLORBAR = {"exponentformat": EXPONENT_FORMAT}
# Where each trace type the app draws keeps a colour bar.
COLORBAR_PATHS = {
    "contour": ("colorbar",),
    "heatmap": ("colorbar",),
    "histogram": ("marker.colorbar",),
    "surface": ("colorbar",),
    "scatter": ("marker.colorbar",),
    "scatter3d": ("marker.colorbar", "line.colorbar"),
}


def _with_colorbars(kind: str, trace: go.BaseTraceType) -> go.BaseTraceType:
    trace = go.Figure(trace).data[0]  # a copy
    for path in COLORBAR_PATHS[kind]:
        trace.update({path: COLORBAR})
    return trace


def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"]
    layout = go.Layout(white.layout)
    layout.update(
        xaxis=AXIS,
        yaxis=AXIS,
        scene={"xaxis": SCENE_AXIS, "yaxis": SCENE_AXIS, "zaxis": SCENE_AXIS},
        coloraxis={"colorbar": COLORBAR},
    )
    data = {kind: [_with_colorbars(kind, t) for t in getattr(white.data, kind)] for kind in TRACE_TYPES}
    return go.layout.Template(layout=layout, data=data)


if TEMPLATE not in pio.templates:
    pio.templates[TEMPLATE] = _template()
