"""The step inspector: one step of one optimizer as numbers, beside its update rule (the LaTeX
of its docstring, so rule and code cannot drift apart). No Streamlit here."""

from __future__ import annotations

import inspect
import re

import numpy as np

from optimizers import OPTIMIZERS, Run

# The textbook symbol of each recorded quantity (the state fields by their torch names).
SYMBOLS = {
    "grad": r"g_t",
    "velocity": r"b_t",
    "buffer": r"b_t",
    "exp_avg": r"m_t",
    "grad_avg": r"m_t",
    "exp_avg_sq": r"v_t",
    "max_exp_avg_sq": r"\max_{i \le t} v_i",
    "square_avg": r"E[g^2]_t",
    "acc_delta": r"E[\Delta^2]_t",
    "sum_sq": r"G_t",
    "exp_inf": r"u_t",
    "prev": r"g_{t}\ (\text{kept})",
    "step_size": r"\Delta_t",
    "ax": r"\bar\theta_t",
    "mu_product": r"\textstyle\prod_{i \le t} \mu_i",
    "variance": r"v_t",
    "effective_lr": r"\eta_{\text{eff}}",
    "update": r"\theta_t - \theta_{t-1}",
}


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
    shown = ", ".join(f"{v:.4g}" for v in values)
    return f"({shown})" if len(values) > 1 else shown


def quantities(run: Run, record: int, trajectory: int = 0) -> list[tuple[str, str, np.ndarray]]:
    """(key, symbol, value) of the step that led to ``record``: the point it started from,
    the gradient used, each state field after it, the effective rate, the update."""
    if run.update is None:
        raise ValueError("the run did not record its state: simulate(..., record_state=True)")
    before = run.path[record, trajectory] - run.update[record, trajectory]
    out = [("theta", r"\theta_{t-1}", before), ("grad", SYMBOLS["grad"], run.grad[record, trajectory])]
    for field, values in run.state.items():
        out.append((field, SYMBOLS.get(field, rf"\text{{{field}}}"), values[record, trajectory]))
    if run.effective_lr is not None:
        out.append(("effective_lr", SYMBOLS["effective_lr"], run.effective_lr[record, trajectory]))
    out.append(("update", SYMBOLS["update"], run.update[record, trajectory]))
    if run.curvature is not None:
        out.append(("curvature", r"B_t", run.curvature[record, trajectory]))
    return out


def substituted(run: Run, record: int, trajectory: int = 0) -> str:
    """The step's numbers as one LaTeX line: t, then each quantity's symbol = value."""
    parts = [f"t = {int(run.step[record])}"]
    for _, symbol, value in quantities(run, record, trajectory):
        if np.ndim(value) == 2:  # a 2 x 2 curvature
            rows = r" \\ ".join(" & ".join(f"{v:.4g}" for v in row) for row in value)
            parts.append(rf"{symbol} = \begin{{pmatrix}} {rows} \end{{pmatrix}}")
        else:
            parts.append(f"{symbol} = {_vector(value)}")
    return r",\quad ".join(parts)
