"""``?embed=1``: only the scene, for an iframe in a course page or an LMS (issue 29, item 4).

    <iframe src="https://lab.example.org/lessons?lesson=saddle&embed=1"
            width="100%" height="720" style="border: 0"></iframe>

Streamlit keeps ``embed`` (a key of its own) in the address bar when a page rewrites its link,
and out of the query parameters a page reads: only the browser knows it. So the browser does it all: this
component marks an embedded page (``html.lab-embed``) and the style sheet below then hides the
header, the toolbar, the sidebar (its controls still run, so the scene is the link's) and all
that a page draws after the end of its scene (:func:`embed_end`: the chart with its Play, and a
lesson's words), and shows the link that opens the whole app on the same scene in a new tab.
No run more, nothing for the server to remember, and an embedded tab stays embedded.
"""

from __future__ import annotations

import streamlit as st

from ui.shell import full_app_url, say

_KEY = "lab_embed"
_JS = """
export default function () {
  const embed = new URLSearchParams(window.location.search).get("embed") === "1";
  document.documentElement.classList.toggle("lab-embed", embed);
}
"""
END = "lab_embed_end"  # the container of the link, after a page's scene
HIDDEN = "lab_embed_hidden"  # a part of the scene's row that an embedded page leaves out
EMBED_CSS = f"""<style>
.st-key-{_KEY}, .st-key-{END} {{ display: none; }}
html.lab-embed header[data-testid="stHeader"], html.lab-embed [data-testid="stSidebar"],
html.lab-embed [data-testid="stSidebarCollapsedControl"], html.lab-embed [data-testid="stToolbar"],
html.lab-embed [data-testid="stDecoration"], html.lab-embed .st-key-present_top,
html.lab-embed .st-key-lesson_top, html.lab-embed .st-key-{END} ~ *, html.lab-embed :has(> .st-key-{END}) ~ *,
html.lab-embed [data-testid="stColumn"]:has(.st-key-{HIDDEN}) {{ display: none !important; }}
html.lab-embed .st-key-{END} {{ display: block; }}
html.lab-embed [data-testid="stMainBlockContainer"] {{ padding-top: 0.75rem !important; }}
</style>"""

_component = st.components.v2.component(_KEY, js=_JS)


def embed_watch() -> None:
    """The style sheet and the component that marks an embedded page (every run, before it)."""
    st.html(EMBED_CSS)
    _component(key=_KEY)


def embed_end(page: str) -> None:
    """The end of ``page``'s scene: the link to the whole app on this scene, shown and followed
    by nothing else only in an embedded page."""
    with st.container(key=END):
        st.markdown(f"[{say('embed.open')} ↗]({full_app_url(page)})")
