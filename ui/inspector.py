"""The step inspector: one step of one optimizer as numbers, beside its update rule (the LaTeX
of its docstring, so rule and code cannot drift apart). No Streamlit here."""

from __future__ import annotations

import inspect
import re

import numpy as np

from optimizers import OPTIMIZERS, Run
from ui.numbers import latex
from viz.optimizer_views import STATE_SYMBOLS, RateOn, view
from viz.template import written

# The symbols of what every step records; each state field's is in viz/optimizer_views.py.
SYMBOLS = {
    "grad": r"g_t",
    "effective_lr": r"\eta_{\text{eff}}",
    "update": r"\theta_t - \theta_{t-1}",
}


def rate_on(run: Run) -> RateOn | None:
    """What ``run``'s effective rate multiplies (symbol and value), or None when the inspector
    does not say (a rule where it is not one factor: RMSprop with momentum, ...)."""
    on = view(run.optimizer).rate_on
    return on if on is not None and on.holds(run) else None


def update_rule(name: str) -> str:
    """The update rule of optimizer ``name`` as its docstring states it (LaTeX)."""
    doc = inspect.getdoc(OPTIMIZERS[name].update) or ""
    blocks, current = [], None
    for line in doc.splitlines():
        if line.strip().startswith(".. math::"):
            current = [line.split(".. math::", 1)[1].strip()]
            blocks.append(current)
        elif current is not None and line.startswith(" ") and line.strip():
            current.append(line.strip())
        else:
            current = None
    if blocks:
        return r" \\ ".join(" ".join(block) for block in blocks)
    return r" \\ ".join(re.findall(r":math:`([^`]*)`", doc))


def _vector(values: np.ndarray) -> str:
    values = np.atleast_1d(values)
    if np.isnan(values).all():
        return r"\text{–}"
    scale = float(np.max(np.abs(values), initial=0.0, where=np.isfinite(values)))  # a billionth of it is 0
    said = ", ".join(latex(written(v, scale=scale)) for v in values)
    return f"({said})" if len(values) > 1 else said


def quantities(run: Run, record: int, trajectory: int = 0) -> list[tuple[str, str, np.ndarray]]:
    """(key, symbol, value) of the step that led to ``record``: the point it started from,
    the gradient used, each state field after it, the effective rate, the update."""
    if run.update is None:
        raise ValueError("the run did not record its state: simulate(..., record_state=True)")
    before = run.path[record, trajectory] - run.update[record, trajectory]
    out = [("theta", r"\theta_{t-1}", before), ("grad", SYMBOLS["grad"], run.grad[record, trajectory])]
    shown = view(run.optimizer)
    for field, values in run.state.items():
        if field in shown.hidden:
            continue
        out.append((field, STATE_SYMBOLS.get(field, rf"\text{{{field}}}"), values[record, trajectory]))
    if run.effective_lr is not None:
        symbol, on = SYMBOLS["effective_lr"], rate_on(run)
        if shown.rate_definition is not None:
            symbol += " = " + shown.rate_definition
        if on is not None:
            if on.row is not None:  # not recorded: its value is listed first
                out.append((on.row, on.symbol, on.value(run, record, trajectory)))
            symbol += rf"\ (\text{{on }} {on.symbol})"
        out.append(("effective_lr", symbol, run.effective_lr[record, trajectory]))
    out.append(("update", SYMBOLS["update"], run.update[record, trajectory]))
    if run.curvature is not None:
        out.append(("curvature", r"B_t", run.curvature[record, trajectory]))
    return out


def substituted(run: Run, record: int, trajectory: int = 0) -> str:
    """The step's numbers as one LaTeX line: t, then each quantity's symbol = value."""
    parts = [f"t = {int(run.step[record])}"]
    for _, symbol, value in quantities(run, record, trajectory):
        if np.ndim(value) == 2:  # a 2 x 2 curvature
            scale = float(np.max(np.abs(value), initial=0.0, where=np.isfinite(value)))
            rows = r" \\ ".join(" & ".join(latex(written(v, scale=scale)) for v in row) for row in value)
            parts.append(rf"{symbol} = \begin{{pmatrix}} {rows} \end{{pmatrix}}")
        else:
            parts.append(f"{symbol} = {_vector(value)}")
    return r",\quad ".join(parts)
