"""The Network page on a projector (``present=1`` in its link; the Lessons page's switch and
words): no sidebar, no header; what the page says about the runs beside one chart as tall as
the screen allows (the training figure, or the view the link asks for: what each neuron
computes, the fair race), one screen with no scrolling. The settings are the link's: the
teacher turns the switch off to change them."""

from __future__ import annotations

import streamlit as st

from ui import presentation
from ui.presentation import CHART_FONT, CHART_HEIGHT, LEGEND_BAND, STRETCH  # noqa: F401  (pages/network.py)

# As the Lessons page's projector (ui/presentation.py), under this page's keys.
PRESENT_CSS = presentation.css("nw_present")


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
    left, right = st.columns(presentation.NETWORK_COLUMNS)
    return switched, left.container(key="nw_present_text"), right.container(key="nw_present_chart")
