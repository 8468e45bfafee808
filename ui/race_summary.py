"""The race's words: the stability limit 2/L on a quadratic, the summary table and a sentence
for each run (where it ended, and why)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from optimizers import Run, theory
from optimizers.endings import endings
from ui import settings as cfg
from ui import verdict
from ui.numbers import point, shown
from ui.phone import wide_table
from ui.shell import lang, say
from viz import Racer, summary
from viz.optimizer_views import VIEWS


def ending_of(surface, s: cfg.Settings, run: Run) -> np.ndarray:
    """Where each trajectory of ``run`` ended, judged on the objective the race minimised."""
    options = s.simulate_options()
    return endings(
        surface,
        run,
        l1=options.get("l1", 0.0),
        l2=options.get("l2", 0.0),
        constraint=options.get("constraint"),
    )


def stability_limit(surface, s: cfg.Settings) -> float | None:
    """2/L when the surface is a quadratic (constant Hessian), else None."""
    if not surface.constant_hessian:
        return None
    L = float(np.linalg.eigvalsh(surface.hessian(np.zeros(2))).max())
    if s.reg == "l2":
        L += s.strength
    return theory.stability_limit("plain", {}, L) if L > 0 else None


def stability_note(surface, s: cfg.Settings) -> None:
    """On a quadratic, the largest stable learning rate of the methods it bounds."""
    limit = stability_limit(surface, s)
    if limit is not None and any(VIEWS[name].stability for name in s.optimizers):
        st.caption(say("pg.stable", limit=limit))


def summary_table(surface, s: cfg.Settings, racers: list[Racer], ends: list[np.ndarray]) -> None:
    """A row per optimizer (final loss, distance, where it ended, converged at), then a sentence
    per run coloured by how it ended."""
    st.markdown(f"**{say('pg.summary')}**")
    rows = [summary(surface, r) for r in racers]
    width = max(high - low for low, high in surface.bounds)  # a distance a billionth of it is 0
    # A Markdown table: st.table would import pandas (a third of a second on a fresh server).
    header = [
        say("col.optimizer"),
        say("col.final"),
        say("col.distance"),
        say("col.ended"),
        say("col.converged"),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r, end in zip(rows, ends, strict=True):
        distance = "–" if r["distance"] is None else shown(r["distance"], width, 3, lang())
        converged = "–" if r["converged_at"] < 0 else str(r["converged_at"])
        cells = [
            r["label"].replace("|", "/"),
            shown(r["final_loss"], lang=lang()),
            distance,
            verdict.cell(end, lang()),
            converged,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    wide_table("\n".join(lines), say("pg.table_scrolls"))  # scrolls sideways on a phone
    for row, racer_, end in zip(rows, racers, ends, strict=True):
        message = verdict.sentence(row["label"], racer_.run, end, row, s.steps, surface, lang())
        getattr(st, verdict.kind(end, racer_.run))(message)


def _point(p, scale: float) -> str:
    return point(p, scale, digits=3)


def map_text(surface, racers: list[Racer], ends: list[np.ndarray]) -> tuple[str, str]:
    """The race map's accessible name and its text summary: where each run started and ended,
    its final loss and how it ended (the summary table's numbers, in words)."""
    names = ", ".join(r.label for r in racers)
    name = say("alt.map", surface=surface.title, names=names)
    parts = []
    width = max(high - low for low, high in surface.bounds)
    for racer_, end in zip(racers, ends, strict=True):
        run = racer_.run
        parts.append(
            say(
                "alt.path" if run.n == 1 else "alt.paths",
                label=racer_.label,
                start=_point(run.path[0, 0], width),
                end=_point(run.final[0], width),
                n=run.n,
                loss=shown(np.median(run.loss[-1]), lang=lang()),
                ended=verdict.cell(end, lang()),
                steps=int(run.step[-1]),
            )
        )
    return name, " ".join(parts)


def curves_text(racers: list[Racer], metric: str = "loss") -> tuple[str, str]:
    """A chart of curves against the step: its name and, per racer, the first and last value."""
    name = say(f"alt.{metric}", names=", ".join(r.label for r in racers))
    values = {"loss": lambda run: run.loss, "grad_norm": lambda run: run.grad_norm}[metric]
    parts = []
    for racer_ in racers:
        v = np.median(values(racer_.run), axis=1)
        parts.append(
            say(
                "alt.curve",
                label=racer_.label,
                first=shown(v[0], lang=lang()),
                last=shown(v[-1], lang=lang()),
                step=int(racer_.run.step[-1]),
            )
        )
    return name, " ".join(parts)
