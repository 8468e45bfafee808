"""What the Network page says about each optimizer's run, decided from the run itself.

``verdict`` is pure (no Streamlit, no words): a colour, the key of the sentence and every
number the sentence quotes, each read from the run. The page formats it with ``say``; tests
check the colour and the numbers on real runs.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from networks import Network
from optimizers import Run

# A run whose training loss rose this many times above its start on the way counts as unstable
# (a jolt of minibatch noise in the first steps stays well under it).
UNSTABLE_RISE = 1.5
# Test accuracy that fell this far from its best by the end is not a success to report in green.
ACCURACY_DROP = 0.10
# Best test accuracy within this of the chance level: no better than guessing.
CHANCE_MARGIN = 0.05


@dataclasses.dataclass(frozen=True)
class Verdict:
    kind: str  # "success" | "warning" | "error": the colour the page shows it in
    key: str  # the sentence, nw.sum.<key>
    values: dict[str, Any]  # every number (and name) the sentence quotes


def verdict(net: Network, run: Run, *, symmetric: bool, steps: int) -> Verdict:
    """The colour and the sentence for one run (``run`` holds one trajectory).

    In order: diverged (error); units still identical (warning, see ``symmetric_units``);
    ended with a training loss above its start (error); never clearly better than chance
    (warning); rose to ``UNSTABLE_RISE`` times its starting loss on the way, or ended more than
    ``ACCURACY_DROP`` below its best test accuracy (warning); otherwise a success. Every sentence
    but the first two gives the end as well as the best."""
    accuracy = run.metrics["test_acc"][:, 0]
    loss = run.loss[:, 0]
    if run.diverged_at[0] >= 0:
        return Verdict("error", "diverged", {"step": int(run.diverged_at[0])})
    final_acc = float(accuracy[-1])
    if symmetric:
        return Verdict("warning", "symmetric", {"acc": final_acc})
    finite = np.isfinite(accuracy)
    best_acc = float(np.max(accuracy[finite])) if finite.any() else final_acc
    reached = np.flatnonzero(accuracy >= best_acc)  # the first record with the best accuracy
    step = int(run.step[reached[0]]) if len(reached) else 0
    start, end = float(loss[0]), float(loss[-1])
    peak = float(np.nanmax(loss))
    numbers = {
        "start": start,
        "end": end,
        "peak": peak,
        "acc": final_acc,
        "best_acc": best_acc,
        "step": step,
    }
    if end > start:
        return Verdict("error", "worse", numbers)
    chance = 1.0 / net.classes
    if best_acc <= chance + CHANCE_MARGIN:
        return Verdict("warning", "chance", {"acc": final_acc, "chance": chance, "steps": int(steps)})
    if peak > UNSTABLE_RISE * start:
        return Verdict("warning", "unstable", numbers)
    kind = "warning" if best_acc - final_acc > ACCURACY_DROP else "success"
    return Verdict(kind, "reached", numbers)


def fit_verdict(run: Run, *, symmetric: bool) -> Verdict:
    """A regression's colour and sentence (it has no accuracy: its mean squared errors). In
    order: diverged (error); units still identical (warning); ended with a training loss above
    its start (error); rose to ``UNSTABLE_RISE`` times its start on the way (warning); otherwise
    a success, with the test error at the end and at its least."""
    loss, test = run.loss[:, 0], run.metrics["test_loss"][:, 0]
    if run.diverged_at[0] >= 0:
        return Verdict("error", "diverged", {"step": int(run.diverged_at[0])})
    start, end, peak = float(loss[0]), float(loss[-1]), float(np.nanmax(loss))
    finite = np.isfinite(test)
    best = int(np.argmin(np.where(finite, test, np.inf))) if finite.any() else len(test) - 1
    numbers = {
        "start": start,
        "end": end,
        "peak": peak,
        "test": float(test[-1]),
        "best_test": float(test[best]),
        "step": int(run.step[best]),
    }
    if symmetric:
        return Verdict("warning", "fit_symmetric", {"test": float(test[-1])})
    if end > start:
        return Verdict("error", "fit_worse", numbers)
    if peak > UNSTABLE_RISE * start:
        return Verdict("warning", "fit_unstable", numbers)
    return Verdict("success", "fit", numbers)
