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


# What each optimizer's effective learning rate multiplies (the update is -eta_eff times it,
# coordinate by coordinate; tests/test_inside.py checks each): its symbol and its value.
def _m_hat(run: Run, record: int, trajectory: int) -> np.ndarray:
    beta1 = float(np.ravel(run.hyperparameters["beta1"])[0])
    return run.state["exp_avg"][record, trajectory] / (1 - beta1 ** int(run.step[record]))


RATE_ON = {
    "gd": ("g_t", lambda run, r, i: run.grad[r, i]),
    "momentum": ("b_t", lambda run, r, i: run.state["velocity"][r, i]),
    "adagrad": ("g_t", lambda run, r, i: run.grad[r, i]),
    "adadelta": ("g_t", lambda run, r, i: run.grad[r, i]),
    "adafactor": ("g_t", lambda run, r, i: run.grad[r, i]),
    "adam": (r"\hat m_t", _m_hat),
    "amsgrad": (r"\hat m_t", _m_hat),
    "adamax": ("m_t", lambda run, r, i: run.state["exp_avg"][r, i]),
    "radam": ("m_t", lambda run, r, i: run.state["exp_avg"][r, i]),
    "rprop": (r"\operatorname{sign}(g_t)", lambda run, r, i: np.sign(run.state["prev"][r, i])),
}
# The definition of eta_eff where the inspector states it (Adam's is not lr itself).
RATE_DEFINITION = {
    "adam": r"\frac{\eta}{\sqrt{\hat v_t} + \epsilon}",
    "amsgrad": (
        r"\frac{\eta}{\sqrt{\hat v_t} + \epsilon},\ \hat v_t = \frac{\max_{i \le t} v_i}{1 - \beta_2^t}"
    ),
}


def rate_on(run: Run) -> tuple[str, object] | None:
    """(symbol, value function) of what ``run``'s effective rate multiplies, or None when the
    inspector does not say (a rule where it is not one factor: RMSprop with momentum, ...)."""
    if run.optimizer == "rmsprop" and not np.any(np.ravel(run.hyperparameters.get("momentum", 0.0))):
        return ("g_t", lambda run, r, i: run.grad[r, i])
    return RATE_ON.get(run.optimizer)


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
        if field == "max_exp_avg_sq" and run.optimizer != "amsgrad":  # plain Adam keeps v_t only
            continue
        out.append((field, SYMBOLS.get(field, rf"\text{{{field}}}"), values[record, trajectory]))
    if run.effective_lr is not None:
        symbol, on = SYMBOLS["effective_lr"], rate_on(run)
        if run.optimizer in RATE_DEFINITION:
            symbol += " = " + RATE_DEFINITION[run.optimizer]
        if on is not None:
            if on[0] == r"\hat m_t":
                out.append(("m_hat", on[0], on[1](run, record, trajectory)))
            symbol += rf"\ (\text{{on }} {on[0]})"
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
            rows = r" \\ ".join(" & ".join(f"{v:.4g}" for v in row) for row in value)
            parts.append(rf"{symbol} = \begin{{pmatrix}} {rows} \end{{pmatrix}}")
        else:
            parts.append(f"{symbol} = {_vector(value)}")
    return r",\quad ".join(parts)
