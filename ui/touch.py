"""One tap on a touch screen selects what a mouse click would: the start on the map, a sweep cell.

Plotly selects the point it hovers when clicked (``clickmode="event+select"``), and computes
that hover on ``mousemove``. A touch screen sends no ``mousemove`` before a tap, so the first
tap only showed the point and the second selected it (plotly.js #6721). This small component
(Streamlit's components v2: its JavaScript runs in the page itself) listens for a one-finger
``touchstart`` on a chart's plot area and gives Plotly the ``mousemove`` a mouse would have
sent there; Plotly's own tap handling then selects the point under the finger, as on a
desktop. It draws nothing, and acts on touches only.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function () {
  if (window.__labTouchHover) return;
  window.__labTouchHover = true;
  document.addEventListener("touchstart", (event) => {
    if (event.touches.length !== 1 || !event.target.closest) return;
    const plotArea = event.target.closest(".js-plotly-plot .nsewdrag");
    if (!plotArea) return;
    const touch = event.touches[0];
    plotArea.dispatchEvent(new MouseEvent("mousemove", {
      clientX: touch.clientX, clientY: touch.clientY, bubbles: true, cancelable: true, view: window,
    }));
  }, { capture: true, passive: true });
}
"""

_component = st.components.v2.component("lab_touch_hover", js=_JS)


def tap_selects() -> None:
    """Mount the listener (once per page: it installs itself on the document once)."""
    _component(key="touch_hover")
