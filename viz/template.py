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

import math
import re
import string

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "lab_white"
TRACE_TYPES = ("scatter", "contour", "heatmap", "histogram", "surface", "scatter3d")
EXPONENT_FORMAT = "e"
AXIS = {"exponentformat": EXPONENT_FORMAT, "minorloglabels": "complete"}  # a 2-D axis
SCENE_AXIS = {"exponentformat": EXPONENT_FORMAT}  # 3-D axes have no minor log labels
COLORBAR = {"exponentformat": EXPONENT_FORMAT}
# A horizontal log axis writes its minor ticks whole ("5e-4 6e-4 7e-4"): with Plotly's default
# count (its width / 80 px, up to 10) a sweep's 3 decades got every digit and its labels ran
# together; at most 6 it labels 1, 2 and 5 of each decade (measured in Chromium).
LOG_X_TICKS = 6
LOG_X_TICKS_NARROW = 3  # under two decades on a phone: see log_x_ticks
RESOLUTION = 1e-9  # relative to a view's scale (its width): below it a coordinate is 0
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


def log_x_ticks(decades: float, narrow: bool = False) -> dict:
    """A horizontal log axis's ticks over ``decades`` (the span of its range). On a phone's
    chart (the sweep's x axis is ~200 px beside its colour bar) 1, 2 and 5 of each decade ran
    together ("5e-4" over "1e-3", "5e-3" over "0.01"): there, over two decades or more, every
    k-th decade is labelled, k = floor(decades / 2), which makes 2 to 4 labels (plotly's own
    choice from a number of ticks jumped from 1, 2 and 5 to every second decade, one label,
    between 2.6 and 3 decades)."""
    if not narrow:
        return {"nticks": LOG_X_TICKS}
    if decades >= 2:
        return {"dtick": math.floor(decades / 2), "tick0": 0}
    return {"nticks": LOG_X_TICKS_NARROW}


def log_y_ticks(decades: float) -> dict:
    """A vertical log axis's ticks over ``decades`` (the span of its range): 1, 2 and 5 of each
    decade from one to three decades, else every k-th decade (at most about six labels). Plotly's
    own choice wrote every digit (0.1, 0.09, ... 0.02, "complete" minor labels) on the Network
    page's 200 px loss curves at 1.75 decades, each label over the next. Under a decade Plotly
    chooses among six ticks (1, 2 and 5 alone left a curve between 0.6 and 0.75 with no number)."""
    if decades < 1:
        return {"nticks": 6}
    if decades <= 3:
        return {"dtick": "D2"}
    return {"dtick": max(1, math.ceil(decades / 6)), "tick0": 0}


def written(value: float, digits: int = 4, scale: float | None = None) -> str:
    """``value`` as the axes write it and a person would: ``digits`` significant digits, no
    float noise (0.30000000000000004 is "0.3"), an exponent without padding ("5e-9",
    "1e+20"), a whole number below a million whole (12346), "0" for -0 and for what lies
    below a billionth of ``scale`` (the width of the map a coordinate is read on: a minimum at
    y = 1.7e-165 is at y = 0). A value that is not finite is written "nan", "inf" or "-inf"
    (ui/numbers.py puts the catalog's word there)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if scale is not None and abs(value) < RESOLUTION * abs(scale):
        return "0"
    exponent = math.floor(math.log10(abs(value))) if value else 0
    # below a million a whole number is written whole (12346, not 1.235e+4)
    text = f"{value:.0f}" if digits <= exponent < 6 else f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{exponent[0]}{exponent[1:].lstrip('0') or '0'}"
    return "0" if text in ("-0", "0") else text


class _Numbers(string.Formatter):
    """``str.format``, but a float under a "g" spec (``{loss:.3g}``) is :func:`written`."""

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, float) and format_spec.endswith("g") and format_spec[:-1] in _G_SPECS:
            return written(value, int(format_spec[1:-1] or 6) or 1)
        return super().format_field(value, format_spec)


_G_SPECS = ("", *(f".{n}" for n in range(18)))
_NUMBERS = _Numbers()


def fill(template: str, **values: object) -> str:
    """A catalog's words with their values, each number written as :func:`written` writes it
    ("1e-5", not "1e-05"; "0", not "-0"): the figures' legends and titles and (through
    ``ui.texts.text``) every sentence the app says."""
    return _NUMBERS.format(template, **values)


CJK_WIDTH = 2.2  # a CJK character's width in average Latin characters (Noto Sans CJK, 16 px)
OPENING = "（「『【《〈“‘"  # never last on a line
CLOSING = "，。、；：！？）」』】》〉”’…"  # never first on a line


def wrapped(text: str, width: int, cjk: float = CJK_WIDTH) -> str:
    """``text`` in lines of at most about ``width`` Latin characters (a CJK character counts
    ``cjk``), broken at spaces or between CJK characters, joined by ``<br>`` (a subplot title in a
    panel too narrow for it ran over its neighbours' titles). As Chinese is set, no line starts
    with a closing mark (，。）...) nor ends with an opening one (（「...)."""
    tokens = re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+", text)
    lines, line, used = [], "", 0.0
    for token in tokens:
        size = sum(cjk if "\u2e80" <= ch <= "\uffef" else 1 for ch in token.rstrip())
        if line.strip() and used + size > width and token[0] not in CLOSING:
            kept, carried = line.rstrip(), ""
            if kept[-1] in OPENING:  # the opening mark goes down with what it opens
                kept, carried = kept[:-1], kept[-1]
            if kept.strip():
                lines.append(kept.rstrip())
            line, used = carried, cjk * len(carried)
        if line or token.strip():
            line += token
            used += size + (len(token) - len(token.rstrip()))
    lines.append(line.rstrip())
    return "<br>".join(lines)
