"""Lessons: one classroom scene per idea of the lecture notes, each opening in the Playground."""

import streamlit as st

from surfaces.random_hessians import EXACT, SAMPLES, positive_definite_fraction
from surfaces.recurrence import jacobian_curves
from ui import network_scene as ns
from ui import presentation
from ui import settings as cfg
from ui.access import chart
from ui.embed import embed_end
from ui.lesson_catalog import BY_KEY, LESSONS, Lesson, stacked_formulas
from ui.lesson_racers import LessonRacers, lesson_racers, penalized
from ui.network_neurons import diagram as neurons_diagram
from ui.page_state import PageState, open_page
from ui.questions import question_of
from ui.race_figures import curve_words
from ui.race_gifs import lesson_gif
from ui.race_summary import curves_text
from ui.shell import (
    PUBLIC_URL_VARIABLE,
    SCROLL_HINT_CSS,
    lang,
    loopback,
    on_phone,
    public_url,
    qr_png,
    require_app_shell,
    say,
)
from ui.taylor_terms import taylor_terms
from ui.texts import DEFAULT_LANGUAGE, figure_words, lesson_words, optimizer_title, prefixed_words, text
from ui.widgets import gif_export
from viz import curves_figure, race_figure
from viz.colors import COLORS
from viz.curves import eigen_figure
from viz.network import (
    Trainee,
    layer_norms_figure,
    lines_figure,
    sharpness_figure,
    training_figure,
    weights_figure,
)
from viz.race import PHONE_HEIGHT
from viz.random_hessians import goe_figure
from viz.recurrence import jacobian_figure
from viz.research import RESEARCH_VIEWS
from viz.research import lesson_figure as research_figure
from viz.taylor import taylor_figure

# A projector's layout (ui/presentation.py), with this page's scene buttons and formulas.
PRESENTATION_CSS = presentation.css(
    "present",
    """.stButton button { min-height: 2rem; padding: 0.1rem 0.6rem; }
.stButton button p { font-size: 0.8rem; white-space: normal; }
.katex-display { font-size: 0.85rem; margin: 0.4em 0 0.6rem 0 !important; }
.st-key-present_scenes [data-testid="stHorizontalBlock"] { flex-wrap: wrap; gap: 0.4rem; }
.st-key-present_scenes [data-testid="stColumn"] { flex: 1 1 7.5rem !important; min-width: 7.5rem !important; }
.st-key-present_scenes .stButton button p { white-space: normal; overflow-wrap: normal; }
""",
)
CHART_FONT = {False: 12, True: presentation.CHART_FONT}  # by presentation mode
CHART_HEIGHT = {False: 640, True: presentation.CHART_HEIGHT}
LEGEND_BAND = presentation.LEGEND_BAND
STRETCH = presentation.STRETCH
MAIN_HEIGHT = 780  # a network lesson's boundaries, landscape and curves, off the projector


@st.cache_resource(max_entries=64, show_spinner=False)
def _racers(key: str, language: str) -> tuple[list, object, list, list[str]]:
    """The lesson's scenes as racers on their surface, the balls they project on, and each
    racer's English label (for a GIF where no font writes the page's language). Cached: the
    GIF export's labels asked for it on every run of a lesson page, which simulated every
    scene again (13% of the server's time under a class's load). Shared: do not change it."""
    scenes = lesson_racers(key, language)
    return scenes.racers, scenes.surface, scenes.constraints, scenes.english


def _lesson_gif(key: str, language: str, size):
    racers, surface, constraints, english = _racers(key, language)
    return lesson_gif(key, language, size, scenes=LessonRacers(racers, surface, constraints, english))


@st.cache_resource(max_entries=32, show_spinner=False)
def _eigen(key: str, language: str, present: bool = False):
    racers, surface, _, _ = _racers(key, language)
    height = CHART_HEIGHT[present] if present else 380
    return eigen_figure(surface, racers, figure_words(language), height=height, font_size=CHART_FONT[present])


GOE_DIMENSIONS = range(1, 21)


@st.cache_resource(max_entries=1, show_spinner=False)
def _goe_shares():
    """The share of random symmetric Hessians (GOE) that are positive definite, d = 1..20
    (400,000 seeded samples each: 3 s of CPU, once per server)."""
    return positive_definite_fraction(GOE_DIMENSIONS, SAMPLES, seed=0)


@st.cache_resource(max_entries=4, show_spinner=False)
def _goe(language: str):
    """Beside the saddle lesson: minima become rare among critical points as d grows."""
    fractions, errors = _goe_shares()
    return goe_figure(GOE_DIMENSIONS, fractions, errors, SAMPLES, EXACT, figure_words(language))


@st.cache_resource(max_entries=4, show_spinner=False)
def _recurrence(language: str):
    """Beside the recurrent net's cliff: |dx_T/dx_0| against T, vanishing or exploding."""
    return jacobian_figure(jacobian_curves(), figure_words(language))


@st.cache_resource(max_entries=64, show_spinner=False)
def _figure(key: str, language: str, present: bool = False, narrow: bool = False):
    """The lesson's scenes raced together on one map."""
    racers, surface, constraints, _ = _racers(key, language)
    return race_figure(
        surface,
        racers,
        constraint=constraints,
        words=figure_words(language, penalized=penalized(key)),
        clickable=False,
        font_size=CHART_FONT[present],
        height=PHONE_HEIGHT if narrow and not present else CHART_HEIGHT[present],
        legend_below=narrow,
        legend_band=LEGEND_BAND if present else 0,
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def _curves(key: str, language: str):
    """The lesson's runs' losses against the step: the levels and steps its sentences name."""
    racers, surface, _, _ = _racers(key, language)
    return curves_figure(surface, racers, metric="loss", words=curve_words(figure_words(language)))


@st.cache_resource(max_entries=32, show_spinner=False)
def _network_figures(key: str, language: str, present: bool = False, narrow: bool = False):
    """A network lesson: its scenes trained, their boundaries and curves animated together,
    and the view that makes its point (layers, sharpness, weights or lines), if any."""
    lesson = BY_KEY[key]
    labels = lesson_words(key, language)["scenes"]
    words = prefixed_words("nf.", language)
    results = [ns.train_lesson_scene(scene.query, lesson.view) for scene in lesson.scenes]
    trainees, trained = [], []
    # Scenes that differ in something else than the optimizer are named by the scene alone.
    one_optimizer = len({name for scene in lesson.scenes for name in scene.query["opt"].split(",")}) == 1
    for result, scene_label in zip(results, labels, strict=True):
        for t in result.trained:
            title = optimizer_title(t.name, language)
            label = (
                title
                if len(results) == 1
                else scene_label
                if one_optimizer
                else text("q.runner", language, scene=scene_label, optimizer=title)
            )
            # Early stopping is lesson 13's subject: marked there only (elsewhere an unexplained star).
            marks = (
                ns.early_stopping_marks(t.run, result.settings.patience)
                if lesson.marks_early_stopping
                else ()
            )
            trainees.append(Trainee(label, COLORS[len(trainees) % len(COLORS)], result.net, t.run, *marks))
            trained.append(t)
    font, height = CHART_FONT[present], CHART_HEIGHT[present]
    # On a projector the boundaries and the curves: beside them in half a screen the landscape
    # was 150 px wide, its notes written over each other.
    landscape = results[0].landscape if len(results) == 1 and not present else None
    main = training_figure(
        trainees,
        landscape,
        words=words,
        height=height if present else 780,
        font_size=font,
        examples=ns.examples_per_step(results),
        legend_band=LEGEND_BAND if present else 0,
    )
    options = {"words": words, "font_size": font, "height": height if present else 380}
    view = {
        "layers": lambda: layer_norms_figure(trained, trainees, columns=2 if present else 0, **options),
        "sharpness": lambda: sharpness_figure(trained, trainees, **options),
        "weights": lambda: weights_figure(trainees, **options),
        "lines": lambda: lines_figure(ns.lines_between(results), trainees, **options),
        "taylor": lambda: taylor_figure(
            [taylor_terms(result.net, t.run) for result in results for t in result.trained],
            [t.label for t in trainees],
            [t.color for t in trainees],
            [t.lr for t in trained],
            words=words,
            font_size=font,
            height=options["height"],
        ),
        **{v: (lambda v=v: research_figure(v, results, trainees, **options)) for v in RESEARCH_VIEWS},
        # lesson 36: what each unit of the last scene's (the deeper) network computes (on a
        # phone lower: its width sets its scale, and at 620 px it had blank bands above and below)
        "neurons": lambda: neurons_diagram(
            results[-1], 0, language, height=height if present else 420 if narrow else 620
        ),
    }.get(lesson.view, lambda: None)()
    return main, view


@st.cache_resource(max_entries=64, show_spinner=False)
def _cached_question(key: str, language: str):
    return question_of(BY_KEY[key], language)


def _answer(key: str, choice: int) -> None:
    st.session_state[f"answer_{key}"] = choice


def _sentences(parts: list[str]) -> str:
    """Sentences one after another: a space after a Latin full stop, none after a full-width
    one (。！？: Chinese puts no space between sentences)."""
    text = ""
    for part in parts:
        text += part if not text or text[-1] in "。！？；：" else " " + part
    return text


def _question(lesson: Lesson, language: str, container) -> bool:
    """Ask the lesson's question; True once it is answered (then say whether it was right)."""
    q = _cached_question(lesson.key, language)
    if q is None:
        return True
    options = [say(o) if q.fixed else o for o in q.options]
    chosen = st.session_state.get(f"answer_{lesson.key}")
    container.markdown(f"**{say(q.ask, **q.values)}**")
    if chosen is None:
        container.caption(say("q.prompt"))
        for i, option in enumerate(options):
            container.button(
                option, key=f"q_{lesson.key}_{i}", on_click=_answer, args=(lesson.key, i), width="stretch"
            )
        return False
    verdict = say("q.right") if chosen == q.right else say("q.wrong", answer=options[q.right])
    sentences = _sentences([verdict, *(say(key, **values) for key, values in q.facts)])
    (container.success if chosen == q.right else container.warning)(sentences)
    container.button(say("q.again"), key=f"q_again_{lesson.key}", on_click=_answer, args=(lesson.key, None))
    return True


def _open(query: dict[str, str], page: str = "playground") -> None:
    st.session_state["lesson_open"] = (page, query)


def _move(offset: int) -> None:
    keys = [lesson.key for lesson in LESSONS]
    current = keys.index(st.session_state["lesson"])
    st.session_state["lesson"] = keys[(current + offset) % len(keys)]


def _from_query(query) -> tuple[dict, cfg.LinkNotes]:
    """The lesson a link names, and what the notice says."""
    r = cfg.QueryReader(query)
    values = {"lesson": r.choice("lesson", tuple(BY_KEY), LESSONS[0].key)}
    for switch in ("present", "ask"):  # the projector's switches: read only to report a bad value
        r.choice(switch, ("0", "1"), "0")
    return values, r.notes()


# The lesson is the page's one setting; the projector's switches (present, ask) live in the URL.
STATE = PageState("lessons", "", {}, read=_from_query, first="lesson")

require_app_shell()
if st.session_state.get("lesson_open"):
    open_page(*st.session_state.pop("lesson_open"))
language = lang()
STATE.load()  # a new visit: the link's lesson
# Sent to the browser with the selector on every run. A run cut short before the selector was
# drawn (the narrow screen's report, ui/screen.py) had put the link's lesson in session state
# only: the next run drew the selector at its first entry ("1. Step size") beside lesson 36.
st.session_state["lesson"] = st.session_state["lesson"]
STATE.notices()
present = STATE.url("present") == "1"
st.html(SCROLL_HINT_CSS)
if present:
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
# On a projector two more switches (QR link, predict first): each its room for the switch, its
# icon and its help mark (at 1280 px the icons were squeezed to nothing).
top = (
    st.container(key="present_top").columns([3, 0.6, 0.6, 2.4, 1.3, 1.3])
    if present
    else st.container(key="lesson_top").columns([6, 1, 1, 2])
)
top[0].selectbox(
    say("le.choose"),
    [lesson.key for lesson in LESSONS],
    key="lesson",
    format_func=lambda k: lesson_words(k, language)["title"],
    label_visibility="collapsed",
)
top[1].button("◀", key="lesson_prev", on_click=_move, args=(-1,), help=say("le.previous"))
top[2].button("▶", key="lesson_next", on_click=_move, args=(1,), help=say("le.next"))
if top[3].toggle(say("le.present"), value=present, key="present_toggle") != present:
    STATE.set_url("present", "0" if present else "1")
    st.rerun()
show_qr = present and top[4].toggle("📱", key="qr_toggle", help=say("le.qr"))
# Predict first: in the sidebar, or beside the other switches on a projector (no sidebar there).
ask_place = top[5] if present else st.sidebar
if "ask_first" not in st.session_state:  # a link's ask=1 turns the switch on; the switch rules after
    st.session_state["ask_first"] = STATE.url("ask") == "1"
ask = ask_place.toggle("❓" if present else say("q.toggle"), key="ask_first", help=say("q.toggle.help"))
if ask:
    STATE.set_url("ask", "1")
else:
    STATE.drop_url("ask")
lesson: Lesson = BY_KEY[st.session_state["lesson"]]
words = lesson_words(lesson.key, language)
STATE.set_url("lesson", lesson.key)
if language != DEFAULT_LANGUAGE:
    STATE.set_url("lang", language)
# In presentation mode the text beside the chart, so that both fit one projected screen.
if present:
    shares = presentation.NETWORK_COLUMNS if lesson.page == "network" else presentation.COLUMNS
    left, right = st.columns(shares)
    text_column, chart_column = left.container(key="present_text"), right.container(key="present_chart")
else:
    text_column, chart_column = st.container(), st.container()
# Predict first on a projector: the question and its answer under the title and the rule, beside
# the chart (above it, the answer pushed Play below a 720 px screen).
answered = _question(lesson, language, chart_column) if ask and not present else True
# Predict first: the lesson's text tells what happens, what to notice states the answer, and so
# do the scenes' names (the buttons, the GIF's labels): they wait for an answer, as the chart
# does. The title and the rule stay: the question is asked about them.
# On a projector the text and what to notice fold away (the teacher opens them): said with
# their numbers they no longer fit one 1280 x 720 screen beside the chart.
with text_column:
    st.header(words["title"])
    if answered and not present:
        st.markdown(words["text"])
    st.latex(stacked_formulas(words["rule"]) if present or on_phone() else words["rule"])
    if present:
        answered = _question(lesson, language, text_column) if ask else True
        if answered:
            st.expander(say("le.text")).markdown(words["text"])
if answered:
    notice = text_column.expander(say("le.notice_reveal")) if present else text_column
    notice.info(f"**{say('le.notice')}** {words['notice']}")
if show_qr:  # the scene's link for every phone in the room, scannable from the back (it tells no answer)
    link = public_url(
        "lessons",
        {"lesson": lesson.key}
        | ({"lang": language} if language != DEFAULT_LANGUAGE else {})
        | ({"ask": "1"} if ask else {}),  # the phones are asked first too
    )
    if loopback(link):  # the teacher's own machine: no phone in the room reaches it
        chart_column.warning(say("le.qr.localhost", variable=PUBLIC_URL_VARIABLE))
    chart_column.image(qr_png(link), width=360, caption=say("le.qr.caption"))
    chart_column.code(link, language=None)
elif not answered:
    pass  # the chart waits for an answer
elif lesson.page == "network":
    narrow = on_phone() and not present and lesson.view == "neurons"  # only its diagram differs
    main, view = _network_figures(lesson.key, language, present, narrow)
    # On a projector one chart fits beside the text: the one that makes the lesson's point.
    for i, figure in enumerate([view or main] if present else [main, view]):
        if figure is not None:
            chart(
                figure,
                key=f"lesson_chart_{lesson.key}_{i}",
                name=say("alt.lesson", title=words["title"]),
                summary=words["notice"],
                container=chart_column,
                **(STRETCH if present else {}),
            )
elif lesson.view == "eigen" and present:  # on a projector, the picture that makes the point
    chart(
        _eigen(lesson.key, language, True),
        key=f"lesson_chart_{lesson.key}",
        name=say("alt.eigen", title=words["title"]),
        summary=words["notice"],
        container=chart_column,
        **STRETCH,
    )
else:
    curves_name, curves_summary = curves_text(_racers(lesson.key, language)[0])
    chart(
        _figure(lesson.key, language, present, on_phone()),
        key=f"lesson_chart_{lesson.key}",
        name=say("alt.lesson", title=words["title"]),
        summary=words["notice"] + " " + curves_summary,
        container=chart_column,
        **(STRETCH if present else {}),
    )
    if lesson.view == "eigen":
        chart(
            _eigen(lesson.key, language),
            key=f"lesson_eigen_{lesson.key}",
            name=say("alt.eigen", title=words["title"]),
            summary=words["notice"],
            container=chart_column,
        )
    elif not present:  # the losses the sentences quote (off the projector: one chart fits there)
        chart(
            _curves(lesson.key, language),
            key=f"lesson_curves_{lesson.key}",
            name=curves_name,
            summary=curves_summary,
            container=chart_column,
        )
    # A panel under the map (off the projector): "recurrence", why the wall is there (one
    # factor, T times); "goe", saddles in many dimensions beside the 2-D one.
    panel = {"recurrence": _recurrence, "goe": _goe}.get(lesson.view)
    if panel is not None and not present:
        chart(
            panel(language),
            key=f"lesson_{lesson.view}_{lesson.key}",
            name=say(f"alt.{lesson.view}", title=words["title"]),
            summary=words["notice"],
            container=chart_column,
        )
embed_end("lessons")  # an iframe's lesson ends here, with the link to the whole app
open_key = "le.open_network" if lesson.page == "network" else "le.open"
# On a projector under the text, all on one row (a second row took the room of the rule's
# second line); their short names wrap within the buttons.
buttons = (text_column.container(key="present_scenes") if present else st).columns(len(lesson.scenes))
shown = zip(buttons, lesson.scenes, words["scenes"], strict=True) if answered else []
for i, (column, scene, scene_label) in enumerate(shown):
    column.button(
        f"↗ {scene_label}" if present else say(open_key, scene=scene_label),
        help=say(open_key, scene=scene_label) if present else None,
        key=f"open_{lesson.key}_{i}",
        on_click=_open,
        args=(scene.query, lesson.page),
        width="stretch",
    )
if lesson.page == "playground" and not present and answered:
    with st.expander(say("pg.export")):
        gif_export(
            lambda size: _lesson_gif(lesson.key, language, size),
            say,
            f"lesson-{lesson.key}",
        )
