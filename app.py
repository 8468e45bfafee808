"""Loss Surface Lab: page config, language switch, navigation over the pages."""

import os

# One BLAS thread per process, set before NumPy loads OpenBLAS (nothing loads it before this
# script; the launchers in deploy/ set it too, for a first visit straight to a page's script).
# The engine's arrays are small and run in parallel processes (optimizers/parallel.py): with
# OpenBLAS's default of a thread per core, its threads spun against each other and the
# heaviest Network scene's training took 10-231 s here instead of 7 s.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st

from ui.access import access
from ui.embed import embed_watch
from ui.fair import fair_run
from ui.phone import phone
from ui.screen import screen
from ui.shell import choose_language, lang, menu, navigation, say
from ui.texts import LANGUAGES

st.set_page_config(page_title="Loss Surface Lab", page_icon="📉", layout="wide")
choose_language()
page = st.navigation(navigation(), position="hidden")
menu()
st.sidebar.divider()


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
    default=lang(),
    format_func=LANGUAGES.get,
    on_change=_switch_language,
    label_visibility="collapsed",
)
st.sidebar.title(say("app.title"))
embed_watch()  # embed=1: only the scene, for an iframe (ui/embed.py)
access(lang())  # html lang, keyboard for the charts' controls, contrast (ui/access.py)
screen()  # one tap selects on a touch screen; the width of a narrow screen (ui/screen.py)
phone()  # phones: the chart toolbar above the chart, 44 px targets, tables that scroll (ui/phone.py)
fair_run(page.run, say)  # a tab that has kept the process busy lets the others go first (ui/fair.py)
