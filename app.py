"""Loss Surface Lab: page config, language switch, navigation over the pages."""

import streamlit as st

from pages.common.i18n import LANGUAGES, text

st.set_page_config(page_title="Loss Surface Lab", page_icon="📉", layout="wide")

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang")
    if wanted not in LANGUAGES:
        wanted = "zh" if str(st.context.locale or "").lower().startswith("zh") else "en"
    st.session_state["lang"] = wanted


def _switch_language() -> None:
    chosen = st.session_state.get("lang_switch")
    if chosen in LANGUAGES:
        st.session_state["lang"] = chosen
        # A selectbox keeps showing its option in the old language unless its value is set
        # again from here (the browser holds the shown wording as the value).
        for key, value in list(st.session_state.items()):
            shown_as_words = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )  # selectbox, multiselect
            if shown_as_words and key not in ("lang", "lang_switch"):
                st.session_state[key] = value


# The switch only reports changes; the language itself lives in session_state["lang"].
st.sidebar.segmented_control(
    "🌐",
    list(LANGUAGES),
    key="lang_switch",
    default=st.session_state["lang"],
    format_func=LANGUAGES.get,
    on_change=_switch_language,
    label_visibility="collapsed",
)
lang = st.session_state["lang"]
st.sidebar.title(text("app.title", lang))

pages = [
    st.Page(
        "pages/playground.py",
        title=text("nav.playground", lang),
        icon="🏁",
        default=True,
        url_path="playground",
    ),
    st.Page("pages/lessons.py", title=text("nav.lessons", lang), icon="🎓", url_path="lessons"),
    st.Page("pages/custom.py", title=text("nav.custom", lang), icon="✏️", url_path="custom"),
    st.Page("pages/sweep.py", title=text("nav.sweep", lang), icon="🗺️", url_path="sweep"),
    st.Page("pages/basins.py", title=text("nav.basins", lang), icon="🧭", url_path="basins"),
]
st.navigation(pages).run()
