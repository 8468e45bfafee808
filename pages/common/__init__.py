"""Code shared by the pages (widgets, settings, texts); not pages themselves."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# app.py's st.navigation defines the pages, but Streamlit treats a folder named pages/ as a
# legacy multipage app until some session has run app.py: on a fresh server, a first visit
# straight to /custom ran pages/custom.py alone, with the legacy menu. Switch that off here
# (every page imports this package) and rerun through app.py when that happened.
PagesManager.uses_pages_directory = False


def require_app_shell() -> None:
    """Rerun once through app.py (language, navigation) if this page was started on its own."""
    if "lang" not in st.session_state and not st.session_state.get("shell_rerun"):
        st.session_state["shell_rerun"] = True
        st.rerun()
