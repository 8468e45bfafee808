"""Numbers on screen and in links as a person writes them (issue 26, item 10): the one way the
app shows a number. A few significant digits, 0 for what lies below what the view can show (a
minimum at y = 1.7e-165 on a map 4 wide is at y = 0), a word for what is not a number; and in
a link, the value a person meant (1.8, not 1.8000000000000007) and every other value exactly.

The writing itself is ``viz.template.written`` (the figures use it too: viz cannot import ui);
this module adds the catalog's words and the links' rounding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ui.texts import DEFAULT_LANGUAGE, text
from viz.template import RESOLUTION, written

__all__ = [
    "LINK_DIGITS",
    "NOISE_ULPS",
    "RESOLUTION",
    "latex",
    "point",
    "rounded",
    "shown",
    "tidied",
    "tidy",
    "vector",
]

# Binary arithmetic leaves a few wrong last bits: 1.7 + 0.1 + 0.1 is 1.9000000000000001 (one unit
# in the last place, ulp, off 1.9), a slider's 0.1 * 3 is 0.30000000000000004. A value within
# NOISE_ULPS of its twelve-digit rounding is that rounding; any other value is kept exactly (a
# sweep's cell, 0.0022810163314627213, opens in the Playground as itself). A value with 17
# digits of its own lands that close to a twelve-digit one about once in 700 (0.15 % of 100,000
# uniform draws): it then moves by at most 8 ulps, 2e-15 of itself.
LINK_DIGITS = 12
NOISE_ULPS = 8


def shown(value: float, scale: float | None = None, digits: int = 4, lang: str = DEFAULT_LANGUAGE) -> str:
    """``value`` with ``digits`` significant digits; "0" when it is below ``RESOLUTION`` of
    ``scale`` (the width of the map, the size of the quantity), when one is given; the
    catalog's word for a value that is not finite."""
    value = float(value)
    if math.isnan(value):
        return text("num.nan", lang)
    if math.isinf(value):
        return text("num.inf" if value > 0 else "num.minus_inf", lang)
    return written(value, digits, scale)


def point(
    p: Sequence[float], scale: float | None = None, digits: int = 4, lang: str = DEFAULT_LANGUAGE
) -> str:
    """A point of the plane, "(x, y)", each coordinate as :func:`shown` writes it."""
    return f"({shown(p[0], scale, digits, lang)}, {shown(p[1], scale, digits, lang)})"


def vector(
    values: Sequence[float], scale: float | None = None, digits: int = 4, lang: str = DEFAULT_LANGUAGE
) -> str:
    """A vector, "(a, b, ...)", each component as :func:`shown` writes it, 0 below a billionth
    of ``scale``: by default the largest finite component (a gradient (-2.386e-13, -1.414)
    is (0, -1.414))."""
    values = [float(v) for v in values]
    if scale is None:
        scale = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return "(" + ", ".join(shown(v, scale, digits, lang) for v in values) + ")"


def latex(text: str) -> str:
    """A number as :func:`shown` or ``viz.template.written`` wrote it, for a LaTeX formula:
    its exponent as a power of ten (KaTeX set "3.997e-7" as the difference 3.997e - 7)."""
    if not re.fullmatch(r"-?[\d.]+e[-+]\d+", text):  # no exponent (or a word): as it is
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"-{power}" if mantissa == "-1" else rf"{mantissa} \times {power}"


def rounded(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (a grid a person would write)."""
    value = float(value)
    return float(f"{value:.{digits}g}") + 0.0 if math.isfinite(value) else value  # + 0.0: no -0


def tidy(value: float) -> float:
    """The value a person meant: ``value`` without binary arithmetic's noise (1.8 for
    1.8000000000000007), any other value as it is; its shortest text (``repr``) reads back to
    it, so a link written from it reads back to the same settings."""
    value = float(value)
    if not math.isfinite(value):
        return value
    meant = rounded(value, LINK_DIGITS)
    return meant if abs(meant - value) <= NOISE_ULPS * math.ulp(value) else value + 0.0


def tidied(value):
    """``value`` tidied when it is a float (not a bool, an int or a word): for a settings dict."""
    return tidy(value) if isinstance(value, float) else value
