"""The Network page on a projector (``present=1`` in its link; the Lessons page's switch and
words): no sidebar, no header; what the page says about the runs beside one chart as tall as
the screen allows (the training figure, or the view the link asks for: what each neuron
computes, the fair race), one screen with no scrolling. The settings are the link's: the
teacher turns the switch off to change them."""

from __future__ import annotations

import streamlit as st

# As the Lessons page's projector (pages/lessons.py), under this page's keys: the chart's box
# is the screen's height less the top row, the chart fills it (height "stretch"); the text's
# box scrolls on its own when it holds more than fits (own points' editor, long verdicts).
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header { display: none !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 18px; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.5rem 0 1.5rem !important; max-width: none; }
[data-testid="stMarkdownContainer"] p { font-size: 1rem; line-height: 1.38; margin-bottom: 0.4rem; }
[data-testid="stHeading"] h2 { font-size: 1.5rem; padding: 0 0 0.2rem 0; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
.st-key-nw_present_chart { flex: 0 0 auto !important; height: calc(100vh - 4.9rem) !important; }
.st-key-nw_present_text { max-height: calc(100vh - 4.9rem); overflow-y: auto; overflow-x: hidden; }
.st-key-nw_present_top [data-testid="stCheckbox"] label p { white-space: nowrap; }
</style>
"""
CHART_FONT = 16  # the projector's chart words (pages/lessons.py CHART_FONT[True])
CHART_HEIGHT = 540  # a projector's figure: only until the browser sizes it
LEGEND_BAND = 110  # px under the chart for its legend (pages/lessons.py LEGEND_BAND)
STRETCH = {"height": "stretch"}


def switch(present: bool, say, container) -> bool:
    """The switch (the Lessons page's words); True when it was turned the other way."""
    return container.toggle(say("le.present"), value=present, key="nw_present_toggle") != present


def layout(title: str, present: bool, say):
    """The top row (the title and the switch) and, on a projector, the text's and the chart's
    boxes side by side; returns (switched, text box, chart box)."""
    if not present:
        st.title(title)
        return switch(False, say, st), st.container(), st.container()
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    top = st.container(key="nw_present_top").columns([4, 1.6])
    top[0].header(title)
    switched = switch(True, say, top[1])
    left, right = st.columns(2)
    return switched, left.container(key="nw_present_text"), right.container(key="nw_present_chart")
