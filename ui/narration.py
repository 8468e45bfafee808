"""Step by step: one step of one optimizer told as the sub-operations of its update rule
("compute the gradient", "update m", "update v", "correct the bias", "divide", "step"),
each with its numbers taken from the recorded run, so the words never disagree with them.
Which beats an optimizer's step has is registered with it (``OptimizerView.beats``); how each
beat is told is here, in BEATS. No Streamlit here; the words are in the catalogs under
``nr.<beat>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from optimizers import Run
from ui.numbers import shown, vector
from viz.optimizer_views import view


@dataclasses.dataclass(frozen=True)
class Beat:
    """One sub-operation: its text key and values, and the vector it produces (drawn from the
    step's starting point; ``kind`` says how: an arrow in gradient units, or the step itself)."""

    key: str
    values: dict[str, Any]
    vector: np.ndarray
    kind: str  # "gradient" (scaled like a gradient), "step" (in map units), "rate" (a box)


@dataclasses.dataclass(frozen=True)
class Step:
    """The recorded numbers of the step that led to ``record`` on one trajectory."""

    run: Run
    record: int
    trajectory: int
    hp: dict[str, Any]

    @property
    def t(self) -> int:
        return int(self.run.step[self.record])

    @property
    def update(self) -> np.ndarray:
        return self.run.update[self.record, self.trajectory]

    @property
    def rate(self) -> np.ndarray | None:
        rate = self.run.effective_lr
        return None if rate is None else rate[self.record, self.trajectory]

    def lr(self) -> float | None:
        return float(np.ravel(self.hp.get("lr", 0.0))[0]) if "lr" in self.hp else None

    def state(self, field: str, before: bool = False) -> np.ndarray:
        """State field ``field`` after the step (before it with ``before``; zero before step 1)."""
        value = self.run.state[field][self.record - before, self.trajectory]
        return np.zeros_like(value) if np.isnan(value).all() else value


def _n(x: float) -> str:
    return shown(x, digits=3)


def _v(x: np.ndarray) -> str:
    return vector(np.atleast_1d(x))  # a component a billionth of the other is 0


def _velocity(s: Step) -> Beat:
    mu = float(s.hp["momentum"])
    b0, b1 = s.state("velocity", before=True), s.state("velocity")
    g = s.run.grad[s.record, s.trajectory]
    return Beat("nr.velocity", {"mu": _n(mu), "b0": _v(b0), "g": _v(g), "b": _v(b1)}, b1, "gradient")


def _step_with_momentum(key: str) -> Callable[[Step], Beat]:
    def told(s: Step) -> Beat:
        values = {"lr": _n(s.lr()), "mu": _n(float(s.hp["momentum"])), "d": _v(s.update)}
        return Beat(key, values, s.update, "step")

    return told


def _adam_m(s: Step) -> Beat:
    b1 = float(s.hp["beta1"])
    m0, m = s.state("exp_avg", before=True), s.state("exp_avg")
    return Beat("nr.adam_m", {"b1": _n(b1), "m0": _v(m0), "m": _v(m)}, m, "gradient")


def _adam_v(s: Step) -> Beat:
    b2 = float(s.hp["beta2"])
    v0, v = s.state("exp_avg_sq", before=True), s.state("exp_avg_sq")
    return Beat("nr.adam_v", {"b2": _n(b2), "v0": _v(v0), "v": _v(v)}, np.sqrt(v), "gradient")


def _amsgrad_max(s: Step) -> Beat:
    most = s.state("max_exp_avg_sq")  # AMSGrad's one difference: the largest second moment so far
    return Beat("nr.amsgrad_max", {"vmax": _v(most)}, np.sqrt(most), "gradient")


def _adam_bias(s: Step) -> Beat:
    b1, b2 = float(s.hp["beta1"]), float(s.hp["beta2"])
    m_hat = s.state("exp_avg") / (1 - b1**s.t)
    v_hat = s.state("max_exp_avg_sq") / (1 - b2**s.t)
    return Beat("nr.adam_bias", {"t": s.t, "m_hat": _v(m_hat), "v_hat": _v(v_hat)}, m_hat, "gradient")


def _running_squares(key: str, field: str) -> Callable[[Step], Beat]:
    def told(s: Step) -> Beat:
        s0, s1 = s.state(field, before=True), s.state(field)
        values = {"s0": _v(s0), "s": _v(s1), "rho": _n(float(s.hp.get("rho", 0)))}
        return Beat(key, values, np.sqrt(s1), "gradient")

    return told


def _rate(key: str) -> Callable[[Step], Beat | None]:
    def told(s: Step) -> Beat | None:
        return None if s.rate is None else Beat(key, {"rate": _v(s.rate)}, s.rate, "rate")

    return told


def _step_rate(s: Step) -> Beat:
    return Beat("nr.step_rate", {"d": _v(s.update)}, s.update, "step")


def _step(s: Step) -> Beat:
    lr = s.lr()
    return Beat("nr.step", {"lr": "" if lr is None else _n(lr), "d": _v(s.update)}, s.update, "step")


# How each beat is told (OptimizerView.beats names them); None: nothing to tell on this run.
BEATS: dict[str, Callable[[Step], Beat | None]] = {
    "velocity": _velocity,
    "step_velocity": _step_with_momentum("nr.step_velocity"),
    "step_nesterov": _step_with_momentum("nr.step_nesterov"),
    "adam_m": _adam_m,
    "adam_v": _adam_v,
    "amsgrad_max": _amsgrad_max,
    "adam_bias": _adam_bias,
    "adam_divide": _rate("nr.adam_divide"),
    "adagrad_sum": _running_squares("nr.adagrad_sum", "sum_sq"),
    "rmsprop_avg": _running_squares("nr.rmsprop_avg", "square_avg"),
    "divide": _rate("nr.divide"),
    "rate": _rate("nr.rate"),
    "step_rate": _step_rate,
    "step": _step,
}


def beats(name: str, run: Run, record: int, hp: dict[str, Any], trajectory: int = 0) -> list[Beat]:
    """The sub-operations of the step that led to ``record`` (consecutive records needed: the
    state before the step is the previous record's)."""
    if run.update is None or record < 1 or run.step[record] != run.step[record - 1] + 1:
        raise ValueError("narration needs record_state=True and the step before recorded")
    step = Step(run, record, trajectory, hp)
    g = run.grad[record, trajectory]
    out = [Beat("nr.gradient", {"t": step.t, "g": _v(g)}, g, "gradient")]
    for beat in view(name).beats:
        told = BEATS[beat](step)
        if told is not None:
            out.append(told)
    return out
