"""Predict, then see: each lesson asks a question before its animation plays. The right answer
is computed from the lesson's own runs, never typed by hand, so it stays true when a scene
changes; ``margin`` says how clearly it wins (tests/test_lessons.py asks for a clear one).
No Streamlit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from optimizers import Run
from optimizers.theory import stability_limit

# The right answer must lead: the runner-up's number over the winner's (or the reverse) at
# least this far apart.
MARGIN = 1.1


@dataclasses.dataclass(frozen=True)
class Entry:
    """One runner of a lesson: its label and run, and what a question about it may need."""

    label: str
    run: Run
    surface: Any = None  # a playground lesson's surface
    net: Any = None  # a network lesson's network
    sharpness: np.ndarray | None = None
    lr: float | None = None
    patience: int | None = None  # a network lesson's early-stopping patience (evaluations)


@dataclasses.dataclass(frozen=True)
class Question:
    """``ask`` is the text key of the question (formatted with ``values``); ``options`` are the
    runners' labels, or text keys of fixed answers when ``fixed``; ``facts`` are (text key,
    values) lines that say why the answer is right."""

    ask: str
    values: dict[str, Any]
    options: list[str]
    fixed: bool
    right: int
    margin: float
    facts: list[tuple[str, dict[str, Any]]]


def _lead(values: Sequence[float], lowest: bool = True) -> tuple[int, float]:
    """The index of the best value and by what factor it beats the runner-up."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v if lowest else -v, kind="stable")
    best, second = v[order[0]], v[order[1]] if len(v) > 1 else np.inf
    if lowest:
        margin = np.inf if second == np.inf or best <= 0 < second else second / best if best > 0 else np.inf
    else:
        margin = best / second if second > 0 else np.inf
    return int(order[0]), float(margin)


def _final(entry: Entry) -> float:
    return float(np.nanmean(entry.run.objective[-1]))


def number(x: float) -> str:
    """A number as a person writes it: three significant digits, 0 for what is zero at the
    chart's scale (below 10⁻¹²: an end point at (−3.87e-280, 0.001) is at (0, 0.001)), and a
    power of ten as 10⁻⁶, not 1e-06."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if abs(x) < 1e-12:
        return "0"
    text = f"{x:.3g}"
    if "e" not in text:
        return text.replace("-", "−")
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    mantissa = mantissa.replace("-", "−")
    return power if mantissa == "1" else "−" + power if mantissa == "−1" else f"{mantissa} × {power}"


def _rounded(x: float, up: bool) -> float:
    """``x`` (> 0) to three significant digits, rounded up or down: a bound that stays true
    ("at most 0.0173" of 0.017228, "at least 1.18" of 1.18875)."""
    if x <= 0:
        return 0.0
    scale = 10.0 ** (2 - int(np.floor(np.log10(x))))
    return float((np.ceil if up else np.floor)(x * scale * (1 - 1e-12 if up else 1 + 1e-12)) / scale)


def _last_step(entries: Sequence[Entry]) -> int:
    return int(max(e.run.step[-1] for e in entries))


def below_for_good(run: Run, level: float) -> float:
    """The first step from which every trajectory's loss stays at or below ``level`` to the
    end (the step of the record after the last one above it), inf if some never does."""
    above = np.flatnonzero((run.loss > level).any(axis=1))
    if not above.size:
        return float(run.step[0])
    return np.inf if above[-1] == len(run.step) - 1 else float(run.step[above[-1] + 1])


def first(entries: Sequence[Entry], level: float | None = None) -> Question:
    """Which runner gets there first. With ``level``: its loss at or below ``level`` for good
    (the criterion of the lessons' notices: "below 10⁻⁶ for good at step 158"); without:
    the engine's convergence test (gradient below its tolerance), "converges in one step"."""
    steps_total = _last_step(entries)
    if level is None:
        steps = [
            float(e.run.converged_at.max()) if (e.run.converged_at >= 0).all() else np.inf for e in entries
        ]
        found, never, ask, values = "q.fact.converged", "q.fact.never", "q.first", {}
    else:
        steps = [below_for_good(e.run, level) for e in entries]
        found, never, ask, values = (
            "q.fact.below",
            "q.fact.not_below",
            "q.first_below",
            {"level": number(level)},
        )
    right, margin = _lead(steps)
    facts = [
        (found, {"name": e.label, "step": int(s), **values})
        if np.isfinite(s)
        else (never, {"name": e.label, "steps": steps_total, **values})
        for e, s in zip(entries, steps, strict=True)
    ]
    return Question(ask, values, [e.label for e in entries], False, right, margin, facts)


def flat_first(entries: Sequence[Entry], share: float) -> Question:
    """Along the flat direction of a quadratic (the Hessian's eigenvector of least curvature,
    the eigen chart's left panel, relative to the start): which runner first stays within
    ``share`` of its starting distance from the minimum for good."""
    steps = []
    for e in entries:
        surface = e.surface
        vectors = np.linalg.eigh(surface.hessian(np.zeros(2)))[1]
        flat = (e.run.path[:, 0] - surface.minima[0]) @ vectors[:, 0]
        away = np.flatnonzero(np.abs(flat / flat[0]) > share)
        steps.append(
            float(e.run.step[0])
            if not away.size
            else np.inf
            if away[-1] == len(flat) - 1
            else float(e.run.step[away[-1] + 1])
        )
    right, margin = _lead(steps)
    values = {"share": share}
    total = _last_step(entries)
    facts = [
        ("q.fact.flat", {"name": e.label, "step": int(s), **values})
        if np.isfinite(s)
        else ("q.fact.flat_never", {"name": e.label, "steps": total, **values})
        for e, s in zip(entries, steps, strict=True)
    ]
    return Question("q.flat_first", values, [e.label for e in entries], False, right, margin, facts)


# The L1 lesson's question: a coordinate "at zero" stays within this of it (the notice's 0.02;
# the options' words say it).
AXIS_TOLERANCE = 0.02


def axis_end(entries: Sequence[Entry], index: int = 0, last: int = 300) -> Question:
    """Where a runner's solution ends: on an axis (one coordinate within AXIS_TOLERANCE of zero
    over its last ``last`` steps), off the axes, or at the origin."""
    e = entries[index]
    tail = np.abs(e.run.path[-last:, 0])
    high, low = tail.max(axis=0), tail.min(axis=0)
    near = high < AXIS_TOLERANCE
    right = 2 if near.all() else 0 if near.any() else 1
    # how clearly: the nearest coordinate's distance from the tolerance, either side
    margins = [
        AXIS_TOLERANCE / h if n else lo / AXIS_TOLERANCE for h, lo, n in zip(high, low, near, strict=True)
    ]
    facts = [
        (
            "q.fact.axis",
            {
                "name": e.label,
                "n": last,
                "x": number(e.run.final[0][0]),
                "y": number(e.run.final[0][1]),
                "xlo": number(_rounded(low[0], up=False)),
                "xhi": number(_rounded(high[0], up=True)),
                "ylo": number(_rounded(low[1], up=False)),
                "yhi": number(_rounded(high[1], up=True)),
            },
        )
    ]
    options = ["q.axis.on", "q.axis.off", "q.axis.origin"]
    return Question("q.axis", {"name": e.label}, options, True, right, float(min(margins)), facts)


# The initialization lesson's question: how many of its starts end in the global minimum, in
# these ranges (the options' words say them; they are for 25 starts).
GLOBAL_RANGES = ((0, 5), (6, 12), (13, 19), (20, 25))


def global_count(entries: Sequence[Entry], index: int = 0) -> Question:
    """How many of a runner's starts end in the surface's global minimum (within 10⁻³ of it)."""
    e = entries[index]
    surface = e.surface
    ends = e.run.final
    count = int((np.linalg.norm(ends - surface.minima[0], axis=-1) < 1e-3).sum())
    n = len(ends)
    if n != GLOBAL_RANGES[-1][1]:
        raise ValueError(f"the ranges are for {GLOBAL_RANGES[-1][1]} starts, not {n}")
    right = next(i for i, (lo, hi) in enumerate(GLOBAL_RANGES) if lo <= count <= hi)
    lo, hi = GLOBAL_RANGES[right]
    margin = 1 + min(count - lo + 0.5, hi - count + 0.5)  # starts from the range's edges
    facts = [("q.fact.global", {"count": count, "n": n, "rest": n - count, "loss": number(surface.f_min)})]
    options = [f"q.range.{i}" for i in range(len(GLOBAL_RANGES))]
    return Question("q.global", {"n": n}, options, True, right, margin, facts)


def lowest(entries: Sequence[Entry], highest: bool = False) -> Question:
    finals = [_final(e) for e in entries]
    right, margin = _lead(finals, lowest=not highest)
    facts = [
        ("q.fact.final", {"name": e.label, "loss": number(f)}) for e, f in zip(entries, finals, strict=True)
    ]
    return Question(
        "q.highest" if highest else "q.lowest", {}, [e.label for e in entries], False, right, margin, facts
    )


def tightest(entries: Sequence[Entry]) -> Question:
    """Whose cloud of end points (one per start) gathers closest to the surface's minimum: the
    root-mean-square distance, what the map shows of a noisy run's end."""
    spreads = [
        float(np.sqrt(np.mean(np.sum((e.run.final - e.surface.minima[0]) ** 2, axis=-1)))) for e in entries
    ]
    right, margin = _lead(spreads)
    facts = [
        ("q.fact.spread", {"name": e.label, "n": e.run.n, "rms": f"{r:.2g}"})  # as the notice: 0.075
        for e, r in zip(entries, spreads, strict=True)
    ]
    return Question("q.tightest", {}, [e.label for e in entries], False, right, margin, facts)


def diverges(entries: Sequence[Entry]) -> Question:
    diverged = [float((e.run.diverged_at >= 0).mean()) for e in entries]
    right = int(np.argmax(diverged))
    unique = diverged[right] > 0 and sum(d > 0 for d in diverged) == 1
    facts = [
        ("q.fact.diverged", {"name": e.label, "step": int(e.run.diverged_at.max())})
        if (e.run.diverged_at >= 0).any()
        else ("q.fact.final", {"name": e.label, "loss": number(_final(e))})
        for e in entries
    ]
    return Question(
        "q.diverges", {}, [e.label for e in entries], False, right, np.inf if unique else 1.0, facts
    )


def biggest_step(entries: Sequence[Entry]) -> Question:
    jumps = [float(np.linalg.norm(np.diff(e.run.path, axis=0), axis=-1).max()) for e in entries]
    right, margin = _lead(jumps, lowest=False)
    facts = [
        ("q.fact.jump", {"name": e.label, "size": number(j)}) for e, j in zip(entries, jumps, strict=True)
    ]
    return Question("q.jump", {}, [e.label for e in entries], False, right, margin, facts)


def converges(entries: Sequence[Entry], index: int = 0) -> Question:
    e = entries[index]
    done = bool((e.run.converged_at >= 0).all())
    fact = (
        ("q.fact.converged", {"name": e.label, "step": int(e.run.converged_at.max())})
        if done
        else ("q.fact.never", {"name": e.label, "steps": int(e.run.step[-1])})
    )
    options = ["q.converges.yes", "q.converges.no"]
    return Question("q.converges", {"name": e.label}, options, True, 0 if done else 1, np.inf, [fact])


def newton_end(entries: Sequence[Entry], index: int = 0) -> Question:
    """Where a method ends: at a saddle point, at a minimum, or it diverges."""
    e = entries[index]
    end = e.run.final[-1]
    surface = e.surface
    distance = {
        "saddle": min((np.linalg.norm(end - p) for p in surface.saddles), default=np.inf),
        "minimum": min((np.linalg.norm(end - p) for p in surface.minima), default=np.inf),
    }
    if (e.run.diverged_at >= 0).any():
        right, margin = 2, np.inf
    else:
        right = 0 if distance["saddle"] < distance["minimum"] else 1
        near, far = sorted(distance.values())
        margin = np.inf if near == 0 else far / near
    options = ["q.end.saddle", "q.end.minimum", "q.end.diverges"]
    values = {"name": e.label, "x": number(end[0]), "y": number(end[1]), "loss": number(_final(e))}
    facts = [("q.fact.end", values)]
    return Question("q.newton_end", {"name": e.label}, options, True, right, margin, facts)


def early_stop_when(entries: Sequence[Entry], index: int = 0) -> Question:
    """When early stopping keeps the parameters (least validation loss before its patience runs
    out): in the first third of training, the middle, or the end. The test numbers in the fact
    are read at that point, after the choice."""
    from ui.network_scene import early_stopping

    e = entries[index]
    early = early_stopping(e.run, e.patience)
    share = early.step / max(1, int(e.run.step[-1]))
    right = 0 if share < 1 / 3 else 1 if share < 2 / 3 else 2
    edges = np.array([1 / 3, 2 / 3])
    margin = float(np.min(np.abs(edges - share))) * 10 + 1  # distance from a boundary
    facts = [
        (
            "q.fact.early_stop",
            {
                "name": e.label,
                "step": early.step,
                "stopped": early.stopped,
                "val": early.val_loss,
                "test": early.test_loss,
                "acc": early.test_acc,
            },
        )
    ]
    return Question(
        "q.early_stop", {}, ["q.when.start", "q.when.middle", "q.when.end"], True, right, margin, facts
    )


def sharpness_goes(entries: Sequence[Entry], index: int = 0) -> Question:
    """Where the sharpness goes against 2 / lr: stays low, rises to about the line, far above."""
    e = entries[index]
    limit = stability_limit("plain", {"lr": e.lr})
    late = e.sharpness[len(e.sharpness) // 2 :] / limit
    level = float(np.median(late))
    low, high = float(np.min(late)), float(np.max(late))
    right = 0 if level < 0.6 else 1 if level < 1.4 else 2
    margin = min(abs(level - 0.6), abs(level - 1.4)) * 10 + 1
    shares = {"share": level, "low": low, "high": high}
    facts = [("q.fact.sharpness", {"name": e.label, "limit": limit, **shares})]
    return Question(
        "q.sharpness",
        {"name": e.label},
        ["q.sharp.low", "q.sharp.line", "q.sharp.above"],
        True,
        right,
        margin,
        facts,
    )


def gradient_trend(entries: Sequence[Entry], index: int = 0) -> Question:
    """While the training loss falls, what the squared gradient norm does: falls with it, stays
    about level, rises (its median over the last three quarters of the records against the
    first quarter's: below 0.7, up to 1.4, above)."""
    from ui.taylor_terms import quarter_medians, taylor_terms

    e = entries[index]
    terms = taylor_terms(e.net, e.run)
    first = float(np.median(terms.grad_sq[: len(terms.grad_sq) // 4]))
    ratio = float(np.median(terms.grad_sq[len(terms.grad_sq) // 4 :])) / first
    right = 0 if ratio < 0.7 else 1 if ratio < 1.4 else 2
    margin = {0: 0.7 / ratio, 1: min(ratio / 0.7, 1.4 / ratio), 2: ratio / 1.4}[right]
    losses, norms = quarter_medians(terms.loss), quarter_medians(terms.grad_sq)
    values = {
        "name": e.label,
        "losses": ", ".join(number(v) for v in losses),
        "norms": ", ".join(number(v) for v in norms),
    }
    options = ["q.grad.falls", "q.grad.level", "q.grad.rises"]
    return Question("q.grad", {"name": e.label}, options, True, right, margin, [("q.fact.grad", values)])


def sparsest(entries: Sequence[Entry]) -> Question:
    zeros = []
    for e in entries:
        weights = np.concatenate([W.ravel() for W, _ in e.net.layers(e.run.final[0])])
        zeros.append(float(np.mean(weights == 0.0)))
    right, margin = _lead([z + 1e-9 for z in zeros], lowest=False)
    facts = [("q.fact.zeros", {"name": e.label, "share": z}) for e, z in zip(entries, zeros, strict=True)]
    return Question("q.sparsest", {}, [e.label for e in entries], False, right, margin, facts)


def barrier(entries: Sequence[Entry], lines) -> Question:
    """Whether the straight line between the first two ends rises above both: its highest loss
    between them (0 <= alpha <= 1) against its losses at alpha = 0 and 1, the two ends
    themselves (the chart draws the line beyond them too; its values there are not the ends')."""
    alphas, line = np.asarray(lines.alphas), np.asarray(lines.between)
    first, second = (float(line[np.argmin(np.abs(alphas - a))]) for a in (0.0, 1.0))
    inside = (alphas >= -1e-12) & (alphas <= 1 + 1e-12)
    top = int(np.argmax(np.where(inside, line, -np.inf)))
    ends, peak = max(first, second), float(line[top])
    right = 0 if peak > 2 * ends else 1
    margin = peak / (2 * ends) if right == 0 else (2 * ends) / peak
    facts = [("q.fact.barrier", {"peak": peak, "at": float(alphas[top]), "first": first, "second": second})]
    return Question("q.barrier", {}, ["q.yes", "q.no"], True, right, margin, facts)


def lowest_test(entries: Sequence[Entry]) -> Question:
    """Whose test loss is lowest at the end: what a regularizer is for (a network lesson)."""
    finals = [float(e.run.metrics["test_loss"][-1, 0]) for e in entries]
    right, margin = _lead(finals)
    facts = [
        ("q.fact.test_loss", {"name": e.label, "loss": number(f)})
        for e, f in zip(entries, finals, strict=True)
    ]
    return Question("q.lowest_test", {}, [e.label for e in entries], False, right, margin, facts)


def line_rise(entries: Sequence[Entry]) -> Question:
    """Lesson 30 (Goodfellow et al.): along whose straight line from its start to its end the
    loss never rises (the smallest rise above the lowest loss met before, 0 for a monotone line)."""
    from networks.research import line_from_start

    lines = [line_from_start(e.net, e.run.path[0, 0], e.run.final[0]) for e in entries]
    right, margin = _lead([p.rise for p in lines])
    facts = [
        (
            "q.fact.line_rise",
            {
                "name": e.label,
                "start": number(p.loss[0]),
                "end": number(p.loss[-1]),
                "rise": number(p.rise),
                "at": p.rise_at,
            },
        )
        for e, p in zip(entries, lines, strict=True)
    ]
    return Question("q.line_rise", {}, [e.label for e in entries], False, right, margin, facts)


def rescaled_curvature(entries: Sequence[Entry], index: int = 0) -> Question:
    """Lesson 31 (Li et al.): the same function rescaled by the first of RESCALING_FACTORS; what
    the curvature of the slice along the same Gaussian direction does (its ratio to the
    original's: below 0.7 lower, up to 1.4 about the same, above higher)."""
    from networks.research import lesson_rescaling

    e = entries[index]
    r = lesson_rescaling(e.net, e.run.final[0])
    original = int(np.flatnonzero(r.factors == 1.0)[0])
    ratio = float(r.plain_curvature[0] / r.plain_curvature[original])
    right = 0 if ratio < 0.7 else 1 if ratio < 1.4 else 2
    margin = {0: 0.7 / ratio, 1: min(ratio / 0.7, 1.4 / ratio), 2: ratio / 1.4}[right]
    values = {
        "c": float(r.factors[0]),
        "plain": number(r.plain_curvature[0]),
        "plain1": number(r.plain_curvature[original]),
        "filtered": number(r.filtered_curvature[0]),
        "filtered1": number(r.filtered_curvature[original]),
        "loss": number(r.loss[0]),
        "loss1": number(r.loss[original]),
    }
    options = ["q.curvature.lower", "q.curvature.same", "q.curvature.higher"]
    return Question(
        "q.rescale", {"c": float(r.factors[0])}, options, True, right, margin, [("q.fact.rescale", values)]
    )


DOUBLE_DESCENT_RANGES = ("q.dd.few", "q.dd.at_n", "q.dd.many")


def double_descent_peak(entries: Sequence[Entry], index: int = 0) -> Question:
    """Lesson 32 (Belkin et al.): where the test error of minimum-norm least squares on p random
    features of the scene's points is highest: with few features (p <= n/2), near p = n (within
    10 %) or with the most (p >= 2n); the margin: the highest error in the right range over the
    highest in the others."""
    from networks.research import lesson_double_descent

    dd = lesson_double_descent(entries[index].net)
    p, n = dd.features, dd.n
    ranges = [p <= n / 2, np.abs(p - n) <= 0.1 * n, p >= 2 * n]
    highest = [float(dd.test[r].max()) for r in ranges]
    right, margin = _lead(highest, lowest=False)
    top = int(np.argmax(dd.test))
    values = {"n": n, "p": int(p[top]), "peak": number(dd.test[top]), "few": number(highest[0])}
    values |= {"many": number(highest[2]), "end": number(dd.test[-1]), "last": int(p[-1])}
    return Question(
        "q.dd", {"n": n}, list(DOUBLE_DESCENT_RANGES), True, right, margin, [("q.fact.dd", values)]
    )


CATAPULT_OUTCOMES = ("falls", "catapult", "diverges")


def catapult_path(entries: Sequence[Entry], index: int = 1) -> Question:
    """Lesson 33 (Lewkowycz et al.): what the loss of the run at the ``index``-th learning rate
    does: falls from the start, rises (above twice its start) and then converges below its
    start, or diverges; the margin: how far the peak is from twice the start, and the end below it."""
    from networks.research import catapult_outcome, lesson_catapult

    run = lesson_catapult(entries[0].net)[index]
    outcome = catapult_outcome(run)
    right = CATAPULT_OUTCOMES.index(outcome) if outcome in CATAPULT_OUTCOMES else 0
    peak = float(np.nanmax(run.loss))
    margin = {
        "falls": 2 * run.loss[0] / peak,
        "catapult": min(peak / (2 * run.loss[0]), run.loss[0] / run.loss[-1]),
        "diverges": np.inf,
    }.get(outcome, 1.0)
    finite = np.isfinite(run.loss)
    values = {"start": number(run.loss[0]), "peak": number(peak), "at": int(np.nanargmax(run.loss))}
    values |= {"end": number(run.loss[finite][-1]), "last": int(np.flatnonzero(finite)[-1])}
    values |= {
        "k": round(run.lr * run.lam0, 6),
        "lam0": number(run.lam0),
        "lam": number(run.curvature[finite][-1]),
    }
    options = [f"q.cat.{o}" for o in CATAPULT_OUTCOMES]
    return Question(
        "q.cat", {"k": values["k"]}, options, True, right, float(margin), [("q.fact.cat", values)]
    )


def flattest(entries: Sequence[Entry]) -> Question:
    """Lesson 34 (Foret et al.): whose end is flattest, by the sharpness (the Hessian's top
    eigenvalue) at its last record."""
    ends = [float(e.sharpness[-1]) for e in entries]
    right, margin = _lead(ends)
    facts = [
        ("q.fact.sam", {"name": e.label, "sharpness": number(x)}) for e, x in zip(entries, ends, strict=True)
    ]
    return Question("q.sam", {}, [e.label for e in entries], False, right, margin, facts)


BEZIER_OPTIONS = ("q.bez.none", "q.bez.lower", "q.bez.same")


def bezier_barrier(entries: Sequence[Entry], results) -> Question:
    """Lesson 35 (Garipov et al.): how high the loss goes along the trained curve between the
    two ends: no higher than 1.1 times the higher end (no barrier), a barrier lower than half
    the straight line's, or about as high as the line's."""
    from networks.research import lesson_bezier

    path = lesson_bezier(results)
    ends, top, line = max(path.line[0], path.line[-1]), float(path.curve.max()), float(path.line.max())
    ratio = top / ends
    right = 0 if ratio <= 1.1 else 1 if top < 0.5 * line else 2
    margin = {0: 1.1 / ratio, 1: min(ratio / 1.1, 0.5 * line / top), 2: top / (0.5 * line)}[right]
    values = {"line": number(line), "curve": number(top), "ends": number(ends)}
    return Question("q.bez", {}, list(BEZIER_OPTIONS), True, right, float(margin), [("q.fact.bez", values)])


KINDS = {
    "first": first,
    "flat_first": flat_first,
    "axis_end": axis_end,
    "global_count": global_count,
    "tightest": tightest,
    "lowest": lowest,
    "highest": lambda entries: lowest(entries, highest=True),
    "diverges": diverges,
    "jump": biggest_step,
    "converges": converges,
    "newton_end": newton_end,
    "early_stop": early_stop_when,
    "sharpness": sharpness_goes,
    "gradient_trend": gradient_trend,
    "sparsest": sparsest,
    "lowest_test": lowest_test,
    "line_rise": line_rise,
    "rescaled_curvature": rescaled_curvature,
    "double_descent_peak": double_descent_peak,
    "catapult_path": catapult_path,
    "flattest": flattest,
}


def entries_of(lesson, language: str) -> tuple[list[Entry], list]:
    """The lesson's runners labelled as its chart labels them, and (network lessons) the
    trained scenes."""
    from ui import network_scene as ns
    from ui import settings as cfg
    from ui.texts import lesson_words, optimizer_title, text

    labels = lesson_words(lesson.key, language)["scenes"]
    entries: list[Entry] = []
    results = []
    if lesson.page == "network":
        one_optimizer = len({n for scene in lesson.scenes for n in scene.query["opt"].split(",")}) == 1
        for scene, scene_label in zip(lesson.scenes, labels, strict=True):
            result = ns.train_lesson_scene(scene.query, lesson.view)
            results.append(result)
            for t in result.trained:
                title = optimizer_title(t.name, language)
                single = len(lesson.scenes) == 1
                label = title if single else scene_label if one_optimizer else f"{scene_label}: {title}"
                entries.append(
                    Entry(
                        label,
                        t.run,
                        net=result.net,
                        sharpness=t.sharpness,
                        lr=t.lr,
                        patience=result.settings.patience,
                    )
                )
        return entries, results
    # The question names its runners by their parameters ("lr = 0.224", not "too large": the
    # scenes' labels may give the answer away) where the lesson lists them (``runners``, one
    # per run in order); otherwise a scene with one optimizer by the scene's label, a scene's
    # optimizers by their names.
    runners = list(lesson_words(lesson.key, language).get("runners", []))
    one_optimizer = all(len(scene.query["opt"].split(",")) == 1 for scene in lesson.scenes)
    for scene, scene_label in zip(lesson.scenes, labels, strict=True):
        s = cfg.playground_from_query(scene.query)[0]
        surface = cfg.surface_of(s)
        for name, run in cfg.run_all(s, surface):
            title = optimizer_title(name, language)
            if len(lesson.scenes) == 1:
                label = title
            elif one_optimizer:
                label = scene_label
            else:
                label = text("q.runner", language, scene=scene_label, optimizer=title)
            if runners:
                label = runners[len(entries)]
            entries.append(Entry(label, run, surface=surface, lr=s.optimizers[name].get("lr")))
    if runners and len(runners) != len(entries):
        raise ValueError(f"{lesson.key}: {len(runners)} runner labels for {len(entries)} runs")
    return entries, results


def question_of(lesson, language: str) -> Question | None:
    """The lesson's question with its answer computed from its runs (None if it has none)."""
    if not lesson.question:
        return None
    kind, *args = lesson.question
    entries, results = entries_of(lesson, language)
    if kind == "barrier":
        from ui import network_scene as ns

        return barrier(entries, ns.lines_between(results))
    if kind == "bezier_barrier":
        return bezier_barrier(entries, results)
    return _at_most(KINDS[kind](entries, *args))


# At most this many answers: every run of a lesson's chart (the Adam family's five, the five
# methods of lesson 12) is an option and is in the answer's facts.
MAX_OPTIONS = 5


def _at_most(q: Question) -> Question:
    """Two to MAX_OPTIONS answers: with more runners, the right one and the first others (fewer
    rivals only widen the margin). No lesson has more runners than that (a test checks)."""
    if q.fixed or len(q.options) <= MAX_OPTIONS:
        return q
    keep = list(range(MAX_OPTIONS)) if q.right < MAX_OPTIONS else [*range(MAX_OPTIONS - 1), q.right]
    facts = [q.facts[i] for i in keep] if len(q.facts) == len(q.options) else q.facts
    return dataclasses.replace(
        q, options=[q.options[i] for i in keep], right=keep.index(q.right), facts=facts
    )
