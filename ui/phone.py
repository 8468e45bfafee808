"""Phones and touch screens (390 px wide and up): what Streamlit and Plotly leave too small,
covered or cut there, in one style sheet and one small component (Streamlit's components v2: its
JavaScript runs in the page itself). It draws nothing of its own.

- **The chart toolbar above the chart.** Plotly's mode bar sits inside the chart's top right
  corner, over the legend of the loss curves and the titles of the Sweep and Basins maps. Below
  Streamlit's breakpoint the chart gets a strip of its own at the top and the mode bar moves
  into it, its buttons 44 px square (WCAG 2.5.5); :func:`modebar_config` leaves on a phone
  only the buttons a finger needs (zoom in and out, reset; the full-screen button), so they fit
  the strip.
- **Tables scroll sideways.** A table wider than its column (the race's summary, 460 px in a
  356 px column) scrolls inside its box, its first column stays in view, and a line under it
  says so, shown only while the table is wider than its box (:func:`wide_table`).
- **44 px targets.** Streamlit's buttons (43 px tall; a lesson's arrows 36 px wide), page links
  (30 px), the language switch (34 px), the sidebar's open and close buttons (30 px), expanders
  and the lines of checkboxes and toggles (22 px) grow to 44 px on a narrow screen, and a
  slider's thumb takes a tap 44 px around it. (Select boxes and number fields stay 41 px.)
- **The sidebar closes after a page is chosen** when it lies over the page (a phone): Streamlit
  closes it for its own page menu only, and the app's menu is made of page links.
"""

from __future__ import annotations

import html

import streamlit as st

from ui.screen import NARROW_BELOW

_KEY = "phone"
TARGET = 44  # px: the smallest touch target (WCAG 2.5.5)
STRIP = TARGET + 4  # px: the mode bar's strip above a chart on a narrow screen
# The mode bar buttons a phone keeps: zoom in and out and reset (a 3-D view: reset the camera).
# Plotly has no pinch zoom (plotly.js #1858), so these are a phone's only zoom; the others
# (download, box zoom, pan, autoscale, select, hover modes, rotation modes) go.
PHONE_REMOVES = (
    "toImage",
    "zoom2d",
    "pan2d",
    "select2d",
    "lasso2d",
    "autoScale2d",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "toggleSpikelines",
    "zoom3d",
    "pan3d",
    "orbitRotation",
    "tableRotation",
    "resetCameraLastSave3d",
    "hoverClosest3d",
)

_NARROW = f"(max-width: {NARROW_BELOW - 0.02}px)"
CSS = f"""<style>
.st-key-{_KEY} {{ display: none; }}
/* A table wider than its column scrolls in its box, its first column kept in view. */
.st-key-lab_table [data-testid="stMarkdownContainer"]:has(> table) {{
  overflow-x: auto; -webkit-overflow-scrolling: touch;
}}
.st-key-lab_table table th:first-child, .st-key-lab_table table td:first-child {{
  position: sticky; left: 0; z-index: 1; background: #ffffff;
}}
/* Chinese words stay whole (a narrow column broke every header and "仍在移动" into one character
   a line): the table scrolls instead. */
html:lang(zh) .st-key-lab_table table {{ word-break: keep-all; }}
.st-key-lab_table:not([data-lab-wide]) .stElementContainer:has(.lab-swipe) {{ display: none; }}
@media {_NARROW} {{
  /* The mode bar in a strip of its own above the chart, its buttons 44 px square. The strip is
     a margin: the chart's box keeps its height (Streamlit sizes the figure from that box; a
     padding grew it, and the figure with it). */
  .stElementContainer:has(> div > .stPlotlyChart .modebar-btn) {{
    margin-top: {STRIP}px; overflow: visible !important;
  }}
  .stPlotlyChart .js-plotly-plot {{ overflow: visible !important; }}
  .stPlotlyChart .js-plotly-plot .modebar-container {{ top: -{STRIP}px !important; }}
  .stPlotlyChart .js-plotly-plot .modebar {{ top: 0 !important; right: 0 !important; }}
  .stPlotlyChart .js-plotly-plot .modebar-btn {{
    width: {TARGET}px; height: {TARGET}px; padding: 0 !important;
    display: inline-flex !important; align-items: center; justify-content: center;
  }}
  .stPlotlyChart .js-plotly-plot .modebar-btn svg {{ width: 22px; height: 22px; }}
  /* 44 px touch targets for the main controls. */
  .stButton button, .stDownloadButton button, .stFormSubmitButton button, .stLinkButton a,
  [data-testid="stButtonGroup"] button {{
    min-height: {TARGET}px; min-width: {TARGET}px;
  }}
  [data-testid="stPageLink"] a, [data-testid="stExpander"] summary {{ min-height: {TARGET}px; }}
  /* A checkbox or a toggle is tapped on its whole line; a slider's thumb on 44 px around it. */
  [data-testid="stCheckbox"] label {{ min-height: {TARGET}px; align-items: center; }}
  [data-testid="stSlider"] [role="slider"]::before {{
    content: ""; position: absolute; left: 50%; top: 50%;
    width: {TARGET}px; height: {TARGET}px; transform: translate(-50%, -50%);
  }}
  [data-testid="stSidebarCollapseButton"] button, [data-testid="stExpandSidebarButton"] {{
    min-width: {TARGET}px; min-height: {TARGET}px;
  }}
}}
</style>"""

_JS = """
// Whether the open sidebar lies over the page (a phone) rather than beside it.
function sidebarOverPage() {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!bar || !main) return false;
  const open = bar.getBoundingClientRect();
  return open.right > 1 && main.getBoundingClientRect().left < open.right - 1;
}

function closeSidebar() {
  if (!sidebarOverPage()) return;
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) button.click();
}

// A table box marked while its table is wider than it: the line that says it scrolls shows.
function markWide() {
  for (const box of document.querySelectorAll(".st-key-lab_table")) {
    const scroller = box.querySelector('[data-testid="stMarkdownContainer"]:has(> table)');
    const hint = box.querySelector(".lab-swipe");
    if (!scroller) continue; // not drawn yet: the next change of the page comes back
    // A table that changes width without a change of the page's nodes (the language's style
    // sheet applies, the window turns) is measured again too.
    if (!scroller.__labWatched) {
      scroller.__labWatched = true;
      window.__labPhoneResized.observe(scroller);
      window.__labPhoneResized.observe(scroller.querySelector("table"));
    }
    const wide = scroller.scrollWidth > scroller.clientWidth + 1;
    box.setAttribute("data-lab-measured", ""); // for the tests: measured at least once
    if (wide !== box.hasAttribute("data-lab-wide")) box.toggleAttribute("data-lab-wide", wide);
    // A box that scrolls takes focus, so a keyboard can scroll it too (at once, even before its
    // hint is drawn: axe-core caught a wide table without it); its name is the hint's words.
    if (wide && hint && !scroller.hasAttribute("aria-label")) {
      scroller.setAttribute("aria-label", hint.textContent);
    }
    if (wide === scroller.hasAttribute("tabindex")) continue;
    if (wide) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      if (hint) scroller.setAttribute("aria-label", hint.textContent);
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) scroller.removeAttribute(name);
    }
  }
}

export default function () {
  if (!window.__labPhone) {
    window.__labPhone = true;
    // A page chosen in the sidebar: close it once the tap is handled, if it covers the page.
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest('[data-testid="stSidebar"] a[href]');
      if (link) setTimeout(closeSidebar, 0);
    }, { capture: true });
    // Measured at most twice a second: a playing chart changes the page every frame.
    let timer = null;
    const later = () => { if (timer === null) timer = setTimeout(() => { timer = null; markWide(); }, 500); };
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
    window.__labPhoneResized = new ResizeObserver(later);
    window.addEventListener("resize", later);
  }
  markWide();
}
"""

_component = st.components.v2.component("lab_phone", js=_JS)


def phone() -> None:
    """Mount the style sheet and the component (once per run, from app.py)."""
    st.html(CSS)
    _component(key=_KEY, data={})


def modebar_config(config: dict, narrow: bool) -> dict:
    """A chart's Plotly config with, on a narrow screen, only the mode bar buttons a finger needs
    (the rest removed: ``PHONE_REMOVES``)."""
    if not narrow:
        return config
    removed = list(dict.fromkeys([*config.get("modeBarButtonsToRemove", ()), *PHONE_REMOVES]))
    return {**config, "modeBarButtonsToRemove": removed}


def wide_table(markdown: str, hint: str) -> None:
    """A Markdown table that scrolls sideways in its box when wider than its column, its first
    column in view, with ``hint`` under it while it is wider (the component marks it)."""
    with st.container(key="lab_table"):
        st.markdown(markdown)
        st.caption(f'<span class="lab-swipe">{html.escape(hint)}</span>', unsafe_allow_html=True)
