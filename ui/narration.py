"""Step by step: one step of one optimizer told as the sub-operations of its update rule
("compute the gradient", "update m", "update v", "correct the bias", "divide", "step"),
each with its numbers taken from the recorded run, so the words never disagree with them.
No Streamlit here; the words are in the catalogs under ``nr.<beat>``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from optimizers import Run

# Beyond Adam, AdaGrad and RMSprop (told in beats()): the rules that divide by a running scale,
# and those whose rate changes by a rule of its own (Rprop's step sizes, ASGD's decay).
# Gradient descent neither divides nor adapts: its steps are the gradient and the step.
DIVIDES = ("adadelta", "adamax", "radam", "adafactor")
OWN_RATE = ("rprop", "asgd")


@dataclasses.dataclass(frozen=True)
class Beat:
    """One sub-operation: its text key and values, and the vector it produces (drawn from the
    step's starting point; ``kind`` says how: an arrow in gradient units, or the step itself)."""

    key: str
    values: dict[str, Any]
    vector: np.ndarray
    kind: str  # "gradient" (scaled like a gradient), "step" (in map units), "rate" (a box)


def _v(x: np.ndarray) -> str:
    return "(" + ", ".join(f"{float(v):.4g}" for v in np.atleast_1d(x)) + ")"


def beats(name: str, run: Run, record: int, hp: dict[str, Any], trajectory: int = 0) -> list[Beat]:
    """The sub-operations of the step that led to ``record`` (consecutive records needed: the
    state before the step is the previous record's)."""
    if run.update is None or record < 1 or run.step[record] != run.step[record - 1] + 1:
        raise ValueError("narration needs record_state=True and the step before recorded")
    t = int(run.step[record])
    g = run.grad[record, trajectory]
    update = run.update[record, trajectory]
    out = [Beat("nr.gradient", {"t": t, "g": _v(g)}, g, "gradient")]

    def state(field: str, at: int) -> np.ndarray:
        value = run.state[field][at, trajectory]
        return np.zeros_like(value) if np.isnan(value).all() else value  # zero before step 1

    lr = float(np.ravel(hp.get("lr", 0.0))[0]) if "lr" in hp else None
    if name in ("momentum", "nesterov"):
        mu = float(hp["momentum"])
        b0, b1 = state("velocity", record - 1), state("velocity", record)
        out.append(
            Beat("nr.velocity", {"mu": f"{mu:.3g}", "b0": _v(b0), "g": _v(g), "b": _v(b1)}, b1, "gradient")
        )
        key = "nr.step_nesterov" if name == "nesterov" else "nr.step_velocity"
        out.append(Beat(key, {"lr": f"{lr:.3g}", "mu": f"{mu:.3g}", "d": _v(update)}, update, "step"))
    elif name == "adam" or name == "amsgrad":
        b1, b2 = float(hp["beta1"]), float(hp["beta2"])
        m0, m = state("exp_avg", record - 1), state("exp_avg", record)
        v0, v = state("exp_avg_sq", record - 1), state("exp_avg_sq", record)
        out.append(Beat("nr.adam_m", {"b1": f"{b1:.3g}", "m0": _v(m0), "m": _v(m)}, m, "gradient"))
        out.append(Beat("nr.adam_v", {"b2": f"{b2:.3g}", "v0": _v(v0), "v": _v(v)}, np.sqrt(v), "gradient"))
        if name == "amsgrad":  # its one difference: the largest second moment so far
            most = state("max_exp_avg_sq", record)
            out.append(Beat("nr.amsgrad_max", {"vmax": _v(most)}, np.sqrt(most), "gradient"))
        m_hat, v_hat = m / (1 - b1**t), state("max_exp_avg_sq", record) / (1 - b2**t)
        out.append(Beat("nr.adam_bias", {"t": t, "m_hat": _v(m_hat), "v_hat": _v(v_hat)}, m_hat, "gradient"))
        rate = run.effective_lr[record, trajectory]
        out.append(Beat("nr.adam_divide", {"rate": _v(rate)}, rate, "rate"))
        out.append(Beat("nr.step_rate", {"d": _v(update)}, update, "step"))
    elif name in ("adagrad", "rmsprop"):
        field = "sum_sq" if name == "adagrad" else "square_avg"
        s0, s1 = state(field, record - 1), state(field, record)
        key = "nr.adagrad_sum" if name == "adagrad" else "nr.rmsprop_avg"
        out.append(
            Beat(
                key,
                {"s0": _v(s0), "s": _v(s1), "rho": f"{float(hp.get('rho', 0)):.3g}"},
                np.sqrt(s1),
                "gradient",
            )
        )
        rate = run.effective_lr[record, trajectory]
        out.append(Beat("nr.divide", {"rate": _v(rate)}, rate, "rate"))
        out.append(Beat("nr.step_rate", {"d": _v(update)}, update, "step"))
    else:
        if run.effective_lr is not None and name in DIVIDES:
            rate = run.effective_lr[record, trajectory]
            out.append(Beat("nr.divide", {"rate": _v(rate)}, rate, "rate"))
        elif run.effective_lr is not None and name in OWN_RATE:
            rate = run.effective_lr[record, trajectory]
            out.append(Beat("nr.rate", {"rate": _v(rate)}, rate, "rate"))
        out.append(
            Beat("nr.step", {"lr": "" if lr is None else f"{lr:.3g}", "d": _v(update)}, update, "step")
        )
    return out
