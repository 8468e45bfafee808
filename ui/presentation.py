"""A projector's layout, one for the Lessons page and the Network page (``present=1`` in their
links; 1024 x 768 to 1920 x 1080 and up): no sidebar, no header, no blank top; text the back of
a room reads beside one chart whose words are scaled alike (CHART_FONT), both on one screen.

The chart's height is the screen's less the top row, set by CSS (the server does not know the
screen: a fixed height left 45 % of a 1080 px screen empty and cut a 768 px one). The chart's
box (``.st-key-<key>_chart``) is as tall as the screen allows and the chart fills it (height
"stretch"); the text's box (``.st-key-<key>_text``) scrolls on its own when it holds more than
fits; the top row (``.st-key-<key>_top``) keeps its switches' words on one line."""

from __future__ import annotations

CHART_FONT = 16  # px, a projector's chart words (12 off the projector)
CHART_HEIGHT = 540  # a projector's figure: only until the browser sizes it
LEGEND_BAND = 110  # px under a projector's chart for its legend (four rows; more scroll)
STRETCH = {"height": "stretch"}  # a projector's chart fills its box
# The text's and the chart's widths: half and half for a map (square, as tall as the screen
# allows: wider, it only left room unused); three fifths for a network's chart, whose panels
# stand side by side over its curves (viz.network.PRESENT_BOX is its box at 1024 x 768).
COLUMNS = (1, 1)
NETWORK_COLUMNS = (2, 3)


def css(key: str, extra: str = "") -> str:
    """The style sheet of a page in presentation mode whose boxes are keyed ``<key>_chart``,
    ``<key>_text`` and ``<key>_top``, with the page's ``extra`` rules."""
    return f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header {{ display: none !important; }}
html, body, [data-testid="stAppViewContainer"] {{ font-size: 18px; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.6rem 1.5rem 0 1.5rem !important; max-width: none; }}
[data-testid="stMarkdownContainer"] p {{ font-size: 1rem; line-height: 1.38; margin-bottom: 0.4rem; }}
[data-testid="stHeading"] h2 {{ font-size: 1.5rem; padding: 0 0 0.2rem 0; }}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{ gap: 0.6rem; }}
.st-key-{key}_chart {{ flex: 0 0 auto !important; height: calc(100vh - 4.9rem) !important; }}
.st-key-{key}_text {{ max-height: calc(100vh - 4.9rem); overflow-y: auto; overflow-x: hidden; }}
.st-key-{key}_top [data-testid="stCheckbox"] label p {{ white-space: nowrap; }}
{extra}</style>
"""
