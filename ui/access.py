"""Access for every student (WCAG 2.1 AA): what the browser needs and Streamlit and Plotly do
not give, in one small component (Streamlit's components v2: its JavaScript runs in the page
itself) and one style sheet. It draws nothing of its own.

- **The page's language.** ``<html lang>`` follows the session's language, so a screen reader
  reads a Chinese page with a Chinese voice.
- **The animation by keyboard.** Plotly draws Play, Pause and the step slider in SVG, out of
  reach of the Tab key. Each becomes a focusable control with a role and a name: the buttons
  take Enter and Space, the slider the arrow keys (one step), Page Up / Page Down (a tenth)
  and Home / End, and tells its value ("step 120 of 500") to a screen reader.
- **Charts with words.** :func:`chart` draws a chart with an accessible name and, right after
  it in the reading order, a text summary a screen reader reaches (visually hidden): the
  figure is described by it.
- **Scrollable formulas** (a long KaTeX line on a phone or a projector) take focus, so a
  keyboard can scroll them.
- **Contrast and focus.** Captions and faded labels darker than Streamlit's (4.2:1 on white;
  AA asks 4.5:1); a visible focus ring on the SVG controls.
- **No false alarms.** Pausing an animation interrupts it, and plotly.js leaves the interrupted
  animation's promise rejected and unhandled (a page error "undefined" at each Pause): those
  rejections are handled; any other still reaches the console.
- **Motion.** Nothing plays by itself; with ``prefers-reduced-motion`` the page's own CSS
  animations and transitions are switched off (Play still plays).
"""

from __future__ import annotations

import html

import streamlit as st

from ui.phone import modebar_config
from ui.screen import narrow
from ui.texts import catalog, prefixed_words
from viz.ticks import log_ticked

_KEY = "access"
FOCUS = "#0b62a4"  # the theme's primary colour (.streamlit/config.toml)

CSS = f"""<style>
.st-key-{_KEY} {{ display: none; }}
/* Captions and faded widget labels: Streamlit fades them (#767d83, or 60 % opacity: 4.2:1
   and 2.8:1 on white); AA asks 4.5:1 for text. #59616a: 6.2:1 on white, 5.7:1 on the sidebar. */
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p {{ color: #59616a; }}
/* A chart's text summary: read by screen readers, not drawn (and taking no room). */
.stElementContainer:has(> .stMarkdown .lab-chart-text) {{
  position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip-path: inset(50%) !important; white-space: nowrap;
}}
/* Focus on the SVG controls this component makes focusable. */
.js-plotly-plot g[data-lab-control]:focus {{ outline: none; }}
.js-plotly-plot g[data-lab-control]:focus-visible rect.updatemenu-item-rect,
.js-plotly-plot g[data-lab-control]:focus-visible rect.slider-rail-rect,
.js-plotly-plot g[data-lab-control]:focus-visible rect.slider-grip-rect {{
  stroke: {FOCUS} !important; stroke-width: 3px !important;
}}
.katex-display[tabindex]:focus-visible {{ outline: 3px solid {FOCUS}; outline-offset: 2px; }}
@media (prefers-reduced-motion: reduce) {{
  *, *::before, *::after {{
    animation-duration: 0.01ms !important; animation-iteration-count: 1 !important;
    transition-duration: 0.01ms !important; scroll-behavior: auto !important;
  }}
}}
</style>"""

_JS = """
const STILL = { frame: { duration: 0, redraw: false }, mode: "immediate", transition: { duration: 0 } };

function say(words, key, values) {
  return (words[key] || key).replace(/\\{(\\w+)\\}/g, (_, name) => String(values[name]));
}

function announce(text) {
  let live = document.getElementById("lab-live");
  if (!live) {
    live = document.createElement("div");
    live.id = "lab-live";
    live.setAttribute("aria-live", "polite");
    live.setAttribute("role", "status");
    live.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);";
    document.body.appendChild(live);
  }
  live.textContent = text;
}

// The frames the slider steps through (their names are the steps), and the shown one.
function frames(gd) {
  const slider = gd.layout && gd.layout.sliders && gd.layout.sliders[0];
  return slider ? slider.steps.map((s) => String(s.args[0][0])) : [];
}

function shown(gd) {
  if (gd.__labFrame === undefined) {
    const slider = gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0];
    gd.__labFrame = slider && slider.active ? slider.active : 0;
  }
  return gd.__labFrame;
}

function sliderText(gd, words) {
  const names = frames(gd);
  const i = shown(gd);
  return say(words, "slider_value", { step: names[i], last: names[names.length - 1] });
}

function describeSlider(gd, node, words) {
  const names = frames(gd);
  const i = shown(gd);
  node.setAttribute("aria-valuemin", 0);
  node.setAttribute("aria-valuemax", names.length - 1);
  node.setAttribute("aria-valuenow", i);
  node.setAttribute("aria-valuetext", sliderText(gd, words));
}

// Plotly.animate rejects its promise, with no reason, when another animation interrupts it:
// Pause while playing, a slider step or a key press. plotly.js's own Play/Pause buttons and
// slider leave that promise unhandled, and each Pause was a page error "undefined". A rejection
// without a reason shortly after a chart's animation was interrupted is that one: it is handled
// here. Any other still reaches the console.
const INTERRUPTED_MS = 2000;

function expectRejection() {
  window.__labInterruptedAt = performance.now();
}

function interrupted(event) {
  const at = window.__labInterruptedAt;
  if (event.reason === undefined && at !== undefined && performance.now() - at < INTERRUPTED_MS) {
    event.preventDefault();
  }
}

function go(gd, i, words) {
  const names = frames(gd);
  i = Math.max(0, Math.min(names.length - 1, i));
  gd.__labFrame = i;
  window.Plotly.animate(gd, [names[i]], STILL).catch(() => {}); // interrupted by the next key
  const node = gd.querySelector("g.slider-container");
  if (node) describeSlider(gd, node, words);
  announce(sliderText(gd, words));
}

function control(node, role, label) {
  node.setAttribute("data-lab-control", role);
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", role);
  node.setAttribute("aria-label", label);
}

// Plotly draws the slider before the buttons, so the Tab key would reach it first; the order a
// person sees is Play, Pause, then the slider. Each hop is moved so, and the default move of
// the Tab key then leaves the chart from the right end.
function order(gd, buttons, slider) {
  const first = buttons[0];
  const last = buttons[buttons.length - 1];
  const outside = (node) => node && !gd.contains(node);
  const before = (node) => node.compareDocumentPosition(gd) & Node.DOCUMENT_POSITION_FOLLOWING;
  if (!slider.__labOrdered) {
    slider.__labOrdered = true;
    slider.addEventListener("focus", (event) => {
      const from = event.relatedTarget;
      if (outside(from) && before(from)) gd.querySelector("g.updatemenu-button").focus();
    });
    slider.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const buttonsNow = gd.querySelectorAll("g.updatemenu-button");
      if (event.shiftKey) event.preventDefault();
      buttonsNow[buttonsNow.length - 1].focus(); // forward: the default Tab leaves from there
    });
  }
  if (!first.__labFirst) {
    first.__labFirst = true;
    first.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && event.shiftKey) gd.querySelector("g.slider-container").focus();
    });
  }
  if (!last.__labLast) {
    last.__labLast = true;
    last.addEventListener("focus", (event) => {
      const from = event.relatedTarget;
      if (outside(from) && !before(from)) gd.querySelector("g.slider-container").focus();
    });
    last.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        gd.querySelector("g.slider-container").focus();
      }
    });
  }
}

function enhance(words) {
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (!gd.__labListening && gd.on) {
      gd.__labListening = true;
      gd.on("plotly_animatingframe", (event) => {
        const i = frames(gd).indexOf(String(event.name));
        if (i >= 0) gd.__labFrame = i;
      });
      gd.on("plotly_sliderchange", (event) => {
        if (event && event.slider) gd.__labFrame = event.slider.active;
      });
      gd.on("plotly_animationinterrupted", expectRejection);
      gd.on("plotly_animated", () => {
        const node = gd.querySelector("g.slider-container");
        if (node) describeSlider(gd, node, words);
        if (gd.__labAnnounce) announce(sliderText(gd, words));
        gd.__labAnnounce = false;
      });
    }
    for (const button of gd.querySelectorAll("g.updatemenu-button")) {
      if (button.getAttribute("data-lab-control")) continue;
      control(button, "button", button.textContent.replace(/^[^\\p{L}]+/u, "").trim());
      button.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        gd.__labAnnounce = true;
        button.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
      });
    }
    const slider = gd.querySelector("g.slider-container");
    const buttons = gd.querySelectorAll("g.updatemenu-button");
    if (slider && buttons.length) order(gd, [...buttons], slider);
    if (slider && !slider.getAttribute("data-lab-control")) {
      control(slider, "slider", words.slider);
      slider.setAttribute("aria-orientation", "horizontal");
      describeSlider(gd, slider, words);
      slider.addEventListener("keydown", (event) => {
        const n = frames(gd).length;
        const page = Math.max(1, Math.round(n / 10));
        const moves = {
          ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: page, PageDown: -page,
        };
        let target = null;
        if (event.key in moves) target = shown(gd) + moves[event.key];
        else if (event.key === "Home") target = 0;
        else if (event.key === "End") target = n - 1;
        if (target === null) return;
        event.preventDefault();
        go(gd, target, words);
      });
    }
    // The chart's name and its summary: the text after it (ui/access.py chart()).
    const holder = gd.closest(".stElementContainer");
    const next = holder && holder.nextElementSibling;
    const summary = next && next.querySelector(".lab-chart-text");
    if (summary && gd.getAttribute("aria-describedby") !== summary.id) {
      summary.id = summary.id || "lab-text-" + Math.random().toString(36).slice(2);
      gd.setAttribute("role", "figure");
      gd.setAttribute("aria-label", summary.dataset.name);
      gd.setAttribute("aria-describedby", summary.id);
    }
  }
  // A formula wider than its column scrolls: it must take focus for a keyboard to scroll it.
  // Measured at most twice a second: a playing chart changes the page every frame, and reading
  // a formula's width lays the page out.
  const now = performance.now();
  if (now - (window.__labFormulasAt || 0) < 500) {
    clearTimeout(window.__labFormulasLater);
    window.__labFormulasLater = setTimeout(() => enhance(words), 500);
    return;
  }
  window.__labFormulasAt = now;
  for (const formula of document.querySelectorAll(".katex-display")) {
    if (formula.scrollWidth > formula.clientWidth + 1) {
      if (!formula.hasAttribute("tabindex")) {
        formula.setAttribute("tabindex", "0");
        formula.setAttribute("role", "region");
        formula.setAttribute("aria-label", words.formula);
      }
    } else if (formula.getAttribute("role") === "region") {
      formula.removeAttribute("tabindex");
      formula.removeAttribute("role");
      formula.removeAttribute("aria-label");
    }
  }
}

export default function ({ data }) {
  document.documentElement.lang = data.lang;
  window.__labWords = data.words;
  if (!window.__labObserver) {
    window.addEventListener("unhandledrejection", interrupted);
    let queued = false;
    const run = () => { queued = false; enhance(window.__labWords); };
    window.__labObserver = new MutationObserver(() => {
      if (!queued) { queued = true; requestAnimationFrame(run); }
    });
    window.__labObserver.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", () => { if (!queued) { queued = true; requestAnimationFrame(run); } });
  }
  enhance(data.words);
}
"""

_component = st.components.v2.component("lab_access", js=_JS)


def access(language: str) -> None:
    """Mount the component and the style sheet (once per run, from app.py)."""
    st.html(CSS)
    html_lang = catalog(language)["language"]["html"]  # a BCP 47 tag
    _component(key=_KEY, data={"lang": html_lang, "words": prefixed_words("a11y.", language)})


def chart(fig, *, key: str, name: str, summary: str = "", container=st, **kwargs):
    """``st.plotly_chart`` (without Streamlit's theme) with an accessible name and a text
    summary right after it, which a screen reader reaches and the figure is described by.
    Returns what ``st.plotly_chart`` returns (the selection, for a chart that takes clicks)."""
    kwargs.setdefault("theme", None)
    fig = log_ticked(fig)  # every vertical log axis with ticks from the decades it shows
    # On a phone only the mode bar buttons a finger needs (ui/phone.py moves it above the chart).
    kwargs["config"] = modebar_config(kwargs.get("config", {"displaylogo": False}), narrow())
    event = container.plotly_chart(fig, key=key, **kwargs)
    text = html.escape(f"{name}. {summary}".strip() if summary else name)
    container.markdown(
        f'<p class="lab-chart-text" data-name="{html.escape(name)}">{text}</p>', unsafe_allow_html=True
    )
    return event
