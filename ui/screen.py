"""What the browser knows and the server does not, in one small component (Streamlit's
components v2: its JavaScript runs in the page itself). It draws nothing.

- **One tap selects.** Plotly selects the point it hovers when clicked (``clickmode =
  "event+select"``) and computes that hover on ``mousemove``. A touch screen sends no
  ``mousemove`` before a tap, so the first tap only showed the point and the second selected
  it (plotly.js #6721). On a one-finger ``touchstart`` over a chart's plot area the component
  gives Plotly the ``mousemove`` a mouse would have sent there; Plotly's own tap handling then
  selects the point under the finger (the start on the map, a sweep cell), as on a desktop.
- **A narrow screen.** The server can only guess a phone from its User-Agent; a narrow desktop
  window, or a tablet, guessed wrong (the network page's panels overlapped at 390 px). The
  component tells the server when the window is narrower than Streamlit's own breakpoint
  (640 px, where columns stack) and the server believed otherwise, and when a window is
  narrowed below it: one more run then, none when the guess was right. (A window widened past
  it keeps the narrow layout until the next load: widening opens the sidebar, whose widgets
  were never drawn, and a run asked for at that moment reset them to their defaults.)
"""

from __future__ import annotations

import uuid

import streamlit as st

NARROW_BELOW = 640  # px: Streamlit stacks columns below this width
_KEY = "screen"
_JS = """
export default function ({ data, setStateValue }) {
  if (!window.__labTouchHover) {
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
  const report = () => {
    const narrow = window.innerWidth < data.below;
    // What the server lays out for: what this page told this session, else the server's guess
    // (a new session, after a reconnect, starts from the guess again).
    const known = window.__labSession === data.session ? window.__labNarrow : data.narrow;
    if (narrow !== known) {
      window.__labSession = data.session;
      window.__labNarrow = narrow;
      setStateValue("narrow", narrow);
    }
  };
  report();
  // A window narrowed below the breakpoint reports once the resize has settled. A widened one
  // keeps its narrow layout until the next load: widening opens the sidebar, whose widgets had
  // never been drawn, and a run asked for then brought them back at their defaults.
  let timer = null;
  const settled = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (window.innerWidth < data.below) report(); }, 500);
  };
  window.addEventListener("resize", settled);
  return () => { clearTimeout(timer); window.removeEventListener("resize", settled); };
}
"""

_component = st.components.v2.component("lab_screen", js=_JS)


def guessed_narrow() -> bool:
    """A phone, by its User-Agent: all the server knows before the browser has spoken."""
    agent = (st.context.headers or {}).get("User-Agent", "")
    return any(word in agent for word in ("Mobile", "Android", "iPhone"))


def narrow() -> bool:
    """Whether to lay out for a narrow screen: what the browser reported, else the guess."""
    reported = st.session_state.get(f"{_KEY}.narrow")
    return guessed_narrow() if reported is None else bool(reported)


def screen() -> None:
    """Mount the component (once per run, before the page lays anything out), in the main area:
    in the sidebar it mounted again when a widening window opened the sidebar, and its report
    then raced the sidebar's widgets (they came back at their minimums)."""
    # Its element takes no room (a style sheet alone takes none either).
    st.html(f"<style>.st-key-{_KEY} {{ display: none; }}</style>")
    session = st.session_state.setdefault(f"{_KEY}.session", uuid.uuid4().hex)
    data = {"narrow": narrow(), "below": NARROW_BELOW, "session": session}
    result = _component(key=_KEY, data=data, on_narrow_change=lambda: None)
    if result is not None and result.get("narrow") is not None:
        st.session_state[f"{_KEY}.narrow"] = bool(result["narrow"])
