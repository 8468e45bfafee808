"""Loss Surface Lab: page config, language switch, navigation over the pages."""

import streamlit as st

from pages.common.i18n import LANGUAGES, text

st.set_page_config(page_title="Loss Surface Lab", page_icon="📉", layout="wide")

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang")
    if wanted not in LANGUAGES:
        wanted = "zh" if str(st.context.locale or "").lower().startswith("zh") else "en"
    st.session_state["lang"] = wanted

lang = st.sidebar.segmented_control(
    "🌐", list(LANGUAGES), key="lang", format_func=LANGUAGES.get, required=True, label_visibility="collapsed"
)
st.sidebar.title(text("app.title", lang))

pages = [
    st.Page(
        "pages/playground.py",
        title=text("nav.playground", lang),
        icon="🏁",
        default=True,
        url_path="playground",
    ),
]
st.navigation(pages).run()
