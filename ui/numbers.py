"""Numbers as a person writes them: a few significant digits, and 0 for what lies below what
the view can show (a minimum at y = 1.7e-165 on a map 4 wide is at y = 0)."""

from __future__ import annotations

import math

RESOLUTION = 1e-9  # relative to the view's scale: below it a coordinate is 0


def shown(value: float, scale: float = 1.0, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits; "0" when it is below ``RESOLUTION`` of
    ``scale`` (the width of the map, the size of the quantity)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if abs(value) < RESOLUTION * abs(scale):
        return "0"
    return f"{value:.{digits}g}"


def point(p, scale: float = 1.0, digits: int = 4) -> str:
    """A point of the plane, "(x, y)", each coordinate as :func:`shown` writes it."""
    return f"({shown(p[0], scale, digits)}, {shown(p[1], scale, digits)})"
