"""The Lessons page: a scene per idea of the lecture notes, each opening in the Playground."""

from __future__ import annotations

import streamlit as st

from pages.common import settings as cfg
from pages.common.i18n import figure_words, optimizer_title
from pages.common.lesson_catalog import BY_KEY, LESSONS, Lesson
from pages.common.playground import COLORS, lang, open_in_playground, t
from viz import Racer, race_figure

PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header { display: none !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 24px; }
[data-testid="stMarkdownContainer"] p { font-size: 1.35rem; line-height: 1.5; }
</style>
"""


@st.cache_resource(max_entries=32, show_spinner=False)
def _figure(key: str, language: str):
    """The lesson's scenes raced together on one map."""
    lesson = BY_KEY[key]
    racers, surface, constraint = [], None, None
    for scene in lesson.scenes:
        s = cfg.from_query(scene.query)[0]
        surface = surface or cfg.surface_of(s)
        constraint = constraint or s.simulate_options().get("constraint")
        for name, run in cfg.run_all(s, surface):
            title = optimizer_title(name, language)
            label = f"{scene.label[language]}: {title}" if len(lesson.scenes) > 1 else title
            racers.append(Racer(label, COLORS[len(racers) % len(COLORS)], run))
    return race_figure(surface, racers, constraint=constraint, words=figure_words(language), clickable=False)


def _open(query: dict[str, str]) -> None:
    st.session_state["lesson_open"] = query


def _move(offset: int) -> None:
    keys = [lesson.key for lesson in LESSONS]
    current = keys.index(st.session_state["lesson"])
    st.session_state["lesson"] = keys[(current + offset) % len(keys)]


def lessons_page() -> None:
    if st.session_state.get("lesson_open"):
        open_in_playground(st.session_state.pop("lesson_open"))
    language = lang()
    if "lesson" not in st.session_state:
        wanted = st.query_params.get("lesson")
        st.session_state["lesson"] = wanted if wanted in BY_KEY else LESSONS[0].key
    present = st.query_params.get("present") == "1"
    if present:
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
    top = st.columns([6, 1, 1, 2])
    top[0].selectbox(
        t("le.choose"),
        [lesson.key for lesson in LESSONS],
        key="lesson",
        format_func=lambda k: BY_KEY[k].title[language],
        label_visibility="collapsed",
    )
    top[1].button("◀", key="lesson_prev", on_click=_move, args=(-1,), help=t("le.previous"))
    top[2].button("▶", key="lesson_next", on_click=_move, args=(1,), help=t("le.next"))
    if top[3].toggle(t("le.present"), value=present, key="present_toggle") != present:
        st.query_params["present"] = "0" if present else "1"
        st.rerun()
    lesson: Lesson = BY_KEY[st.session_state["lesson"]]
    st.query_params["lesson"] = lesson.key
    st.header(lesson.title[language])
    st.markdown(lesson.text[language])
    st.latex(lesson.rule)
    st.info(f"**{t('le.notice')}** {lesson.notice[language]}")
    st.plotly_chart(
        _figure(lesson.key, language),
        key=f"lesson_chart_{lesson.key}",
        theme=None,
        config={"displaylogo": False},
    )
    columns = st.columns(len(lesson.scenes))
    for i, (column, scene) in enumerate(zip(columns, lesson.scenes, strict=True)):
        column.button(
            t("le.open", scene=scene.label[language]),
            key=f"open_{lesson.key}_{i}",
            on_click=_open,
            args=(scene.query,),
            width="stretch",
        )
