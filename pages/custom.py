"""Custom surface: type f(x, y), see it in LaTeX with its gradient and Hessian, race on it."""

import numpy as np
import streamlit as st
import sympy as sp

from optimizers.minima import automatic_bounds, with_estimated_minima
from surfaces import ExpressionError, surface_from_expression
from surfaces.expression import MAX_LENGTH
from ui import settings as cfg
from ui.numbers import point, shown
from ui.page_state import PageState
from ui.race_layout import race
from ui.race_state import load_settings
from ui.shell import require_app_shell, say

EXAMPLES = (
    "(1-x)^2 + 100*(y-x^2)^2",
    "x^2 - y^2 + y^4/4",
    "abs(x) + 2*abs(y)",
    "sin(3*x)*cos(3*y) + 0.1*(x^2+y^2)",
    "log(1 + x^2 + 10*y^2)",
    "max(abs(x), abs(y)) + 0.1*x",
    "x^4 - 2*x^2 + y^2",
    "exp(-(x^2+y^2)) * -3 + 0.2*(x+y)^2",
)
DEFAULT_BOUNDS = (-3.0, 3.0, -3.0, 3.0)
F, B = "f", "b"  # URL parameters: the expression and the bounds "xmin,xmax,ymin,ymax"
LIMIT = 30.0  # the range sliders' ends: what a link's bounds may reach


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def compiled(text: str, bounds: tuple[float, float, float, float] | None):
    """The custom surface (over ``bounds``, or bounds chosen automatically when None) with its
    estimated minima; shared by all sessions (it is pure)."""
    if bounds is None:
        return with_estimated_minima(automatic_bounds(surface_from_expression(text)))
    return with_estimated_minima(surface_from_expression(text, (bounds[:2], bounds[2:])))


def _bounds_from(r: cfg.QueryReader) -> tuple[float, float, float, float] | None:
    """The link's range (``b`` = "xmin,xmax,ymin,ymax"), each end moved into the sliders'
    +-LIMIT (``r`` notes it clamped) and then onto their 0.5 steps (snapped); None (replaced)
    when it is not four finite numbers, each range's minimum below its maximum."""
    raw = r.raw(B)
    if raw is None:
        return None
    try:
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(np.isfinite(values)):
        r.replaced.append(B)
        return None
    inside = tuple(min(max(v, -LIMIT), LIMIT) for v in values)  # before rounding: v * 2 may overflow
    fitted = tuple(round(v * 2) / 2 for v in inside)
    if not (fitted[0] < fitted[1] and fitted[2] < fitted[3]):
        r.replaced.append(B)
        return None
    if inside != values:
        r.clamped.append(B)
    if fitted != inside:
        r.snapped.append(B)
    return fitted


def _from_query(query) -> tuple[dict, cfg.LinkNotes]:
    """The expression and range of a link, and what the notice says."""
    r = cfg.QueryReader(query)
    text = str(r.query.get(F, EXAMPLES[0]))[: MAX_LENGTH + 1]  # a longer one: the parser says so
    bounds = _bounds_from(r)
    x0, x1, y0, y1 = bounds or DEFAULT_BOUNDS
    return {"f": text, "auto": bounds is None, "bx": (x0, x1), "by": (y0, y1)}, r.notes()


# The typed surface's settings; the race on it has the Playground's (ui.race_state).
STATE = PageState("custom", "w.", {}, read=_from_query, first="f")


def _use_example(text: str) -> None:
    st.session_state[STATE.key("f")] = text


require_app_shell()
STATE.load()  # a new visit: the link's expression and range
st.title(say("cu.title"))
STATE.notices()
st.text_input(say("cu.input"), key="w.f", max_chars=MAX_LENGTH, help=say("cu.help"))
st.caption(say("cu.examples"))
columns = st.columns(4)
for i, example in enumerate(EXAMPLES):
    label = example.replace("*", r"\*")  # button labels are Markdown
    columns[i % 4].button(label, key=f"example{i}", on_click=_use_example, args=(example,), width="stretch")
automatic = st.toggle(say("cu.auto"), key="w.auto")
a, b = st.columns(2)
a.slider(say("cu.xrange"), -LIMIT, LIMIT, key="w.bx", step=0.5, disabled=automatic)
b.slider(say("cu.yrange"), -LIMIT, LIMIT, key="w.by", step=0.5, disabled=automatic)
text = st.session_state["w.f"]
bounds = None if automatic else (*st.session_state["w.bx"], *st.session_state["w.by"])
if bounds is not None and (bounds[0] >= bounds[1] or bounds[2] >= bounds[3]):
    st.error(say("cu.bad_bounds"))
    st.stop()
try:
    surface = compiled(text, bounds)
except ExpressionError as error:
    st.error(say("cu.invalid", reason=say(f"parser.{error.key}", **error.values)))
    STATE.write_url({F: text[:MAX_LENGTH]}, language=False)
    st.stop()
st.success(say("cu.valid"))
fx, fy = surface.compiled.grad_exprs
fxx, fxy, fyy = surface.compiled.hessian_exprs
st.latex(r"f(x, y) = " + sp.latex(surface.concrete))
st.latex(r"\nabla f = \begin{pmatrix}" + sp.latex(fx) + r"\\" + sp.latex(fy) + r"\end{pmatrix}")
st.latex(
    r"H = \begin{pmatrix}"
    + sp.latex(fxx)
    + "&"
    + sp.latex(fxy)
    + r"\\"
    + sp.latex(fxy)
    + "&"
    + sp.latex(fyy)
    + r"\end{pmatrix}"
)
if surface.f_min is None:
    st.caption(say("cu.no_minimum"))
else:
    width = max(high - low for low, high in surface.bounds)
    points = ", ".join(point(p, width) for p in surface.minima)
    st.caption(say("cu.minima", points=points, value=shown(surface.f_min, digits=6)))
if not surface.defined_everywhere:
    st.caption(say("cu.undefined"))
if automatic:
    words = "cu.auto_range" if surface.f_min is not None else "cu.auto_none"
    x, y = (f"[{shown(low)}, {shown(high)}]" for low, high in surface.bounds)
    st.caption(say(words, x=x, y=y))
extra = {F: text} if automatic else {F: text, B: ",".join(f"{v:g}" for v in bounds)}
load_settings(surface)
race(surface, extra_query=extra)
