"""The surface as a picture: a grid of values, its colouring, contour lines, a PNG.

Plotly's contour and heatmap traces vanish while an animation plays (plotly.js #4596), so
the filled field is rendered here into a PNG that the figure shows as a background image,
and the contour lines are computed with contourpy and drawn as plain scatter lines.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import io
from collections.abc import Callable

import contourpy
import numpy as np
from PIL import Image

from viz.color_science import ciede2000, lab

# Light at the bottom of the valleys, darker uphill: trajectories in strong colours stay
# readable on a projector. ColorBrewer's GnBu (Harrower and Brewer 2003): its L* falls from 98
# to 28 without a step back, so the map reads in grey too.
GNBU = np.array(
    [
        [247, 252, 240],
        [224, 243, 219],
        [204, 235, 197],
        [168, 221, 181],
        [123, 204, 196],
        [78, 179, 211],
        [43, 140, 190],
        [8, 104, 172],
        [8, 64, 129],
    ],
    dtype=np.float64,
)


def _along(anchors: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Points at positions ``t`` (0 to 1) of the polyline through ``anchors``, evenly spaced."""
    position = np.clip(t, 0, 1) * (len(anchors) - 1)
    i = np.minimum(position.astype(int), len(anchors) - 2)
    w = (position - i)[..., None]
    return anchors[i] * (1 - w) + anchors[i + 1] * w


def uniform_ramp(anchors: np.ndarray, samples: int = 64) -> np.ndarray:
    """The colours along the polyline through ``anchors`` (sRGB, 0 to 255), resampled so that
    consecutive samples are equally far apart by CIEDE2000 (arc length; the few steps across
    an anchor's corner are up to 8 % shorter): equal steps of height, equal steps of colour.
    GnBu's anchors spread evenly over the heights gave steps differing threefold (ΔE00 0.65 to
    2.07 per 1/64 of the height), the blues changing fastest."""
    t = np.linspace(0, 1, 4097)
    labs = lab(_along(anchors, t) / 255)
    arc = np.concatenate([[0.0], np.cumsum(ciede2000(labs[:-1], labs[1:]))])
    return _along(anchors, np.interp(np.linspace(0, arc[-1], samples), arc, t))


RAMP = uniform_ramp(GNBU)
UNDEFINED_RGB = (214, 214, 214)  # where f is undefined or infinite


@dataclasses.dataclass(frozen=True)
class Field:
    """Values of f on a regular grid, with the height used for colours and contours."""

    xs: np.ndarray  # (nx,)
    ys: np.ndarray  # (ny,)
    values: np.ndarray  # (ny, nx), NaN where f is not finite
    height: np.ndarray  # (ny, nx) in [0, 1]: log-compressed values, NaN where undefined
    scale: tuple[float, float, float]  # (low, s, top) of the compression

    def height_of(self, values: np.ndarray) -> np.ndarray:
        """The same compression applied to other values of f (for the 3-D paths)."""
        return compress(values, *self.scale)

    # Kept with the field: a page that keeps its field (ui.race_view) encodes it once.
    @functools.cached_property
    def png(self) -> str:
        buffer = io.BytesIO()
        Image.fromarray(field_rgb(self), "RGB").save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    @functools.cached_property
    def _contours(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        return {}  # contour lines by their count of levels (contour_lines)


def field_scale(finite: np.ndarray) -> tuple[float, float, float]:
    if finite.size == 0:
        return 0.0, 1.0, 1.0
    low = float(finite.min())
    spread = finite - low
    # log(1 + (f - min)/s) with s a low percentile of the spread: valleys get detail,
    # the walls of Rosenbrock or Goldstein-Price do not swallow the whole colour range.
    s = float(np.percentile(spread, 10)) or float(spread.max()) or 1.0
    top = float(np.log1p(spread.max() / s)) or 1.0
    return low, s, top


def compress(values: np.ndarray, low: float, s: float, top: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.log1p(np.maximum(np.asarray(values, dtype=np.float64) - low, 0.0) / s) / top


def compute_field(
    value: Callable[[np.ndarray], np.ndarray],
    bounds: tuple[tuple[float, float], tuple[float, float]],
    resolution: int = 160,
) -> Field:
    """Evaluate ``value`` (points ``(..., 2)`` to values) on a grid over ``bounds``."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        values = np.asarray(value(np.stack([X, Y], axis=-1)), dtype=np.float64)
    values = np.where(np.isfinite(values), values, np.nan)
    scale = field_scale(values[np.isfinite(values)])
    height = compress(values, *scale)
    return Field(xs, ys, values, np.where(np.isfinite(values), height, np.nan), scale)


def field_rgb(f: Field) -> np.ndarray:
    """The field coloured by height, ``(ny, nx, 3)`` uint8, row 0 at the top (largest y)."""
    h = f.height[::-1]
    rgb = _along(RAMP, np.nan_to_num(h, nan=0.0))
    rgb[np.isnan(h)] = UNDEFINED_RGB
    return rgb.round().astype(np.uint8)


def png_data_uri(f: Field) -> str:
    """The field coloured by height as a PNG data URI, row 0 at the top (largest y)."""
    return f.png


def contour_lines(f: Field, count: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Contour lines of the height at ``count`` evenly spaced levels, as x and y arrays with
    NaN between lines (one scatter trace draws them all)."""
    if count not in f._contours:
        f._contours[count] = _contour_lines(f, count)
    return f._contours[count]


def _contour_lines(f: Field, count: int) -> tuple[np.ndarray, np.ndarray]:
    z = np.ma.masked_invalid(f.height)
    generator = contourpy.contour_generator(f.xs, f.ys, z, line_type="SeparateCode")
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for level in np.linspace(0, 1, count + 2)[1:-1]:
        for line in generator.lines(level)[0]:
            xs += [line[:, 0], [np.nan]]
            ys += [line[:, 1], [np.nan]]
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)
