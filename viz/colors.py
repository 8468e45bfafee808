"""Each racer's look, the same in every figure: a colour, a marker symbol and a line dash, by
the racer's index (optimizer or scene, in order), so that no chart tells racers apart by
colour alone. Two racers of one optimizer (gradient descent at two step sizes) differ too.

The colours are Okabe and Ito's (2008, "Color Universal Design") set for colour-blind readers,
ordered so that the first ones, which most scenes use, differ most (tests/test_colors.py
simulates protanopia, deuteranopia and tritanopia on them and checks every pair).
Left out, measured with viz.color_science (ΔE00: CIEDE2000; contrast: WCAG's, on white):
- yellow #F0E442: 1.3:1 on the white charts, invisible;
- sky blue #56B4E9: ΔE00 6 from the map's own blues, lost on the map; darkened to 3:1 it
  meets bluish green under tritanopia (ΔE00 7.0) and reddish purple under protanopia (7.9);
- orange #E69F00: 2.3:1 on white; darkened to 3:1 (#C78900) it meets vermillion under
  deuteranopia (ΔE00 5.1) and reddish purple under tritanopia (7.5).
Instead, the palette's grey (#999999, 2.8:1) darkened to #666666. Every colour here has at
least WCAG's 3:1 for graphics against the white charts: vermillion 3.9, black 21, bluish
green 3.4, reddish purple 3.1, blue 5.2, grey 5.7. On the map (light to dark blue) blue is
the weak one, so it comes fifth; every marker there has a white edge.

Plotly's 3-D markers come in eight shapes only (no triangles): ``symbol3d`` is each racer's
own among those. ``pattern`` fills a racer's bars (overlaid histograms).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Style:
    color: str
    symbol: str  # plotly marker symbol
    symbol3d: str  # plotly scatter3d marker symbol
    dash: str  # plotly line dash
    pattern: str  # plotly bar pattern shape

    @property
    def open_symbol(self) -> str:
        """The racer's symbol drawn as an outline (a second point of the racer's, e.g. an average)."""
        return f"{self.symbol}-open"


PALETTE = (
    Style("#D55E00", "circle", "circle", "solid", ""),  # vermillion
    Style("#000000", "square", "square", "dash", "/"),  # black
    Style("#009E73", "diamond", "diamond", "dot", "\\"),  # bluish green
    Style("#CC79A7", "triangle-up", "circle-open", "dashdot", "x"),  # reddish purple
    Style("#0072B2", "cross", "cross", "longdash", "-"),  # blue
    Style("#666666", "triangle-down", "square-open", "longdashdot", "|"),  # grey
)
COLORS = tuple(s.color for s in PALETTE)
# Any other colour (a test's, a caller's own) is drawn as the first racer's shapes.
_BY_COLOR = {s.color.lower(): s for s in PALETTE}


def style(i: int) -> Style:
    """The look of the ``i``-th racer (they repeat after six)."""
    return PALETTE[i % len(PALETTE)]


def color(i: int) -> str:
    """The colour of the ``i``-th racer."""
    return style(i).color


def style_of(color: str) -> Style:
    """The look of the racer drawn in ``color``: the colour is its key, so a figure given only
    racers' colours (as every builder is) draws each with its own marker and dash."""
    found = _BY_COLOR.get(color.lower())
    return found if found is not None else dataclasses.replace(PALETTE[0], color=color)
