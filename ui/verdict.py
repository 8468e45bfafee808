"""What the Playground says about where each optimizer ended, and in which colour: green only
for a minimum. The ending of each trajectory comes from optimizers.endings; this module turns
them into one sentence per optimizer. No Streamlit here."""

from __future__ import annotations

from collections import Counter

import numpy as np

from optimizers.endings import ENDINGS
from ui.numbers import shown
from ui.texts import text

GOOD = ("minimum", "local_minimum")


def kind(ends, run) -> str:
    """The colour of the sentence: "success" only when every trajectory ended at a minimum
    (and moved: starting there is no achievement), "error" when any diverged, "warning" when
    any stopped on a saddle or a maximum, else "info"."""
    moved = bool((np.asarray(run.converged_at) != 0).all())
    ends = set(ends)
    if ends and ends <= set(GOOD) and moved:
        return "success"
    if "diverged" in ends:
        return "error"
    if ends & {"saddle", "maximum"}:
        return "warning"
    return "info"


def cell(ends, language: str) -> str:
    """The summary table's "ended" cell: the ending, or the count of each when they differ."""
    counts = Counter(ends)
    if len(counts) == 1:
        return text(f"end.{next(iter(counts))}", language)
    order = [e for e in ENDINGS if e in counts]
    return " / ".join(f"{counts[e]} {text(f'end.{e}', language)}" for e in order)


def sentence(name: str, run, ends, row: dict, steps: int, surface, language: str) -> str:
    """One sentence on where ``name``'s run on ``surface`` ended (``ends``: one ending per
    trajectory, ``row``: its summary row)."""
    ends = list(ends)
    n = len(ends)
    say = lambda key, **v: text(key, language, **v)  # noqa: E731
    if n > 1 and (len(set(ends)) > 1 or ends[0] == "diverged"):
        counts = Counter(ends)
        parts = []
        for ending in (e for e in ENDINGS if e in counts):
            values = {"count": counts[ending]}
            if ending == "diverged":
                values["step"] = row["diverged_at"]
            parts.append(say(f"stc.{ending}", **values))
        return say("st.mixed", name=name, n=n, parts=say("st.join").join(parts))
    if n > 1:
        return say("st.all", name=name, n=n, ending=say(f"end.{ends[0]}"))
    ending = ends[0]
    step = int(run.converged_at[0])
    if ending == "diverged":
        if not surface.defined_everywhere:
            return say("st.undefined", name=name, step=row["diverged_at"])
        return say("st.diverged", name=name, step=row["diverged_at"])
    if ending == "moving":
        return say("st.moving", name=name, steps=steps)
    if step < 0:  # a known point close by, the gradient still above the tolerance
        if ending == "minimum":
            distance = float(np.min(np.linalg.norm(run.final[0] - np.asarray(surface.minima), axis=-1)))
            return say("st.minimum_near", name=name, distance=shown(distance, digits=2))
        return say("st.saddle_near", name=name, steps=steps)
    if step == 0:  # never moved
        return say("st.flat" if ending == "flat" else "st.still", name=name, ending=say(f"end.{ending}"))
    values = {"name": name, "step": step}
    if ending == "local_minimum":
        values |= {"loss": shown(row["final_loss"]), "best": shown(surface.f_min)}
    return say("st.flat_end" if ending == "flat" else f"st.{ending}", **values)
