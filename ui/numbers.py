"""Numbers on screen and in links as a person writes them (issue 26, item 10): the one way the
app shows a number. A few significant digits, 0 for what lies below what the view can show (a
minimum at y = 1.7e-165 on a map 4 wide is at y = 0), a word for what is not a number; and in
a link, the value a person meant (1.8, not 1.8000000000000007).

The writing itself is ``viz.template.written`` (the figures use it too: viz cannot import ui);
this module adds the catalog's words and the links' rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ui.texts import DEFAULT_LANGUAGE, text
from viz.template import RESOLUTION, written

__all__ = ["LINK_DIGITS", "RESOLUTION", "point", "shown", "tidied", "tidy"]

# Twelve significant digits keep what was typed, stepped to or chosen on a grid, and drop the
# binary arithmetic's last bits: 1.7 + 0.1 + 0.1 is 1.9000000000000001, and 1.9 in a link.
LINK_DIGITS = 12


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


def tidy(value: float, digits: int = LINK_DIGITS) -> float:
    """The value a person meant: ``value`` rounded to ``digits`` significant digits (its text
    in a link is then short, and reads back to it exactly)."""
    value = float(value)
    return float(f"{value:.{digits}g}") + 0.0 if math.isfinite(value) else value  # + 0.0: no -0


def tidied(value):
    """``value`` tidied when it is a float (not a bool, an int or a word): for a settings dict."""
    return tidy(value) if isinstance(value, float) else value
