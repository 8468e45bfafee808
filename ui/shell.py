"""The frame every page shares: the session's language, the pages and their addresses, and
moving between them. app.py draws it; each page file starts with ``require_app_shell()``."""

from __future__ import annotations

import io
import os
import urllib.parse
from pathlib import Path
from typing import Any

import streamlit as st

from ui.screen import narrow
from ui.texts import DEFAULT_LANGUAGE, LANGUAGES, language_for_locale, text

ROOT = Path(__file__).resolve().parent.parent
# (URL path, script, icon); the first is the default page. Titles: "nav.<path>" in the catalogs.
PAGES = (
    ("playground", "pages/playground.py", "🏁"),
    ("network", "pages/network.py", "🧠"),
    ("lessons", "pages/lessons.py", "🎓"),
    ("custom", "pages/custom.py", "✏️"),
    ("sweep", "pages/sweep.py", "🗺️"),
    ("basins", "pages/basins.py", "🧭"),
)


def lang() -> str:
    """The language of this session (a key of ``ui.texts.LANGUAGES``)."""
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def say(key: str, **values: Any) -> str:
    """The interface string ``key`` in this session's language."""
    return text(key, lang(), **values)


STREAMLIT_LANGUAGE = "en"  # the language of the words Streamlit writes itself


def spinner(words: str):
    """``st.spinner`` saying ``words``, with the seconds passed on an English page only:
    Streamlit writes them in English whatever the page's language ("(4.4 seconds)")."""
    return st.spinner(words, show_time=lang() == STREAMLIT_LANGUAGE)


def on_phone() -> bool:
    """Whether charts lay out for a narrow screen (a phone, a narrow window): ui.screen."""
    return narrow()


def language_query() -> dict[str, str]:
    """The URL parameter that keeps this session's language in a shared link (none for the
    default language)."""
    return {"lang": lang()} if lang() != DEFAULT_LANGUAGE else {}


def full_app_url(page: str) -> str:
    """This tab's scene in the whole app: its link (``st.query_params`` never holds ``embed``),
    as people outside reach it."""
    return public_url(page, st.query_params.to_dict())


def choose_language() -> None:
    """The session's language: the URL's ``lang``, else the browser's, set once per session."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else language_for_locale(st.context.locale)


def pages() -> list:
    """The pages, titled in this session's language, each at its own address."""
    return [
        st.Page(ROOT / script, title=say(f"nav.{path}"), icon=icon, url_path=path)
        for path, script, icon in PAGES
    ]


def navigation() -> list:
    """Every page for ``st.navigation``, and the default one at the root address.

    The default page of ``st.navigation`` always has the empty address, whatever its
    ``url_path``: a link to /playground would then open a "Page not found" dialog. So the
    Playground is a page of its own at /playground, and the root is a second, default entry
    for the same script; the menu (``menu()``) lists only the first kind. The root entry comes
    last: ``st.switch_page("pages/playground.py")`` takes the first page with that script.
    """
    path, script, icon = PAGES[0]
    root = st.Page(ROOT / script, title=say(f"nav.{path}"), icon=icon, default=True, url_path="home")
    return [*pages(), root]


def menu() -> None:
    """The pages as links at the top of the sidebar (``st.navigation``'s own menu is hidden:
    it would list the Playground twice)."""
    for page in pages():
        st.sidebar.page_link(page, query_params=language_query() or None)


def require_app_shell() -> None:
    """Make sure this page runs inside app.py's frame (language, navigation).

    Until some session has called ``st.navigation``, Streamlit treats a folder named pages/
    as a legacy multipage app: on a fresh server, a first visit straight to /custom runs
    pages/custom.py alone. Calling ``st.navigation`` switches that off for every session
    (documented: "As soon as any session of your app executes the st.navigation command,
    your app will ignore the pages/ directory"); the rerun then goes through app.py and
    lands on the page the URL names.
    """
    if "lang" not in st.session_state and not st.session_state.get("shell_rerun"):
        st.session_state["shell_rerun"] = True
        st.navigation(navigation(), position="hidden")
        st.rerun()


# A formula wider than its column scrolls (KaTeX's .katex-display); on a phone it looked cut
# off. A shadow on the side where more of it is hidden says that it scrolls: the white covers
# scroll with the text (attachment "local") and hide the shadows (attachment "scroll") at an end.
SCROLL_HINT_CSS = """<style>
.katex-display {
  background:
    linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 2.5rem 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, #0004, #0000) left / 0.9rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, #0004, #0000) right / 0.9rem 100% no-repeat scroll;
}
</style>"""
PUBLIC_URL_VARIABLE = "LOSS_SURFACE_PUBLIC_URL"
LOOPBACK_HOSTS = ("localhost", "0.0.0.0", "::1", "::")


def public_url(path: str, query: dict[str, str]) -> str:
    """The address of ``path`` (a page's, e.g. "lessons") with ``query`` as people outside
    reach it: ``LOSS_SURFACE_PUBLIC_URL`` when set (a proxy, a sub-path, a public name),
    else the scheme and host this browser used."""
    base = os.environ.get(PUBLIC_URL_VARIABLE, "").strip().rstrip("/")
    if not base:
        parts = urllib.parse.urlsplit(st.context.url or "")
        host = parts.netloc or (st.context.headers or {}).get("Host", "localhost:8501")
        base = f"{parts.scheme or 'http'}://{host}"
    return f"{base}/{path}?{urllib.parse.urlencode(query)}" if query else f"{base}/{path}"


def loopback(url: str) -> bool:
    """Whether ``url`` names this machine only (localhost, 127.x.x.x, ::1, 0.0.0.0): a phone that
    scans it opens its own localhost, not the teacher's app."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of ``url`` as a PNG, drawn here (segno, pure Python; no web service)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
