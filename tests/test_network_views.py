"""The Network page's summary and views say what is true of the run they show (issue 23):
the summary's colour and numbers, the layer gradient norms on log axes, the sharpness
chart's stability limits, and the landscape plane's title, distances and colour key."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.conftest import open_script
from ui import network_scene as ns
from ui.network_summary import verdict
from ui.texts import text

DIVERGING = {"gd.lr": "10", "momentum.lr": "10"}  # gd and momentum blow up, adam (0.01) trains


def scene(query) -> ns.Result:
    s, replaced, clamped = ns.from_query(query)
    assert not replaced and not clamped
    return ns.train(s)


@pytest.fixture(scope="module")
def hot():
    return scene(DIVERGING)


@pytest.fixture(scope="module")
def calm():
    return scene({})


def verdicts(result):
    return [
        verdict(
            result.net,
            t.run,
            symmetric=ns.symmetric_units(result.net, t.run.final[0]),
            steps=result.settings.steps,
        )
        for t in result.trained
    ]


# ---------------------------------------------------------------- summary (B11)


def test_a_learning_rate_that_made_the_loss_worse_is_not_reported_as_success(hot):
    for t, v in zip(hot.trained[:2], verdicts(hot)[:2], strict=True):
        loss = t.run.loss[:, 0]
        # The run really got worse: its end is over ten times its start, its peak far higher.
        assert loss[-1] > 4 * loss[0] and loss.max() > 50 * loss[0]
        assert t.run.diverged_at[0] < 0  # not caught by the divergence check
        assert v.kind == "error" and v.key == "worse"
        assert v.values["start"] == loss[0] and v.values["end"] == loss[-1] and v.values["peak"] == loss.max()
        assert v.values["acc"] == t.run.metrics["test_acc"][-1, 0]
        assert v.values["best_acc"] == t.run.metrics["test_acc"][:, 0].max()
    assert verdicts(hot)[0].values["acc"] == 0.5  # gd ends at guessing, though it touched 77 %
    assert verdicts(hot)[0].values["best_acc"] == pytest.approx(0.771)
    # Adam at its own rate still trains, in green.
    assert verdicts(hot)[2].kind == "success"


def test_the_sentence_quotes_the_runs_own_numbers(hot, calm):
    for result in (hot, calm):
        for t, v in zip(result.trained, verdicts(result), strict=True):
            run = t.run
            for language in ("en", "zh"):
                sentence = text(f"nw.sum.{v.key}", language, name=t.name, **v.values)
                assert f"{run.loss[0, 0]:.3g}" in sentence and f"{run.loss[-1, 0]:.3g}" in sentence
                assert f"{run.metrics['test_acc'][-1, 0]:.0%}" in sentence
                best = run.metrics["test_acc"][:, 0].max()
                assert f"{best:.0%}" in sentence
                # The step quoted for the best accuracy is the first record that has it.
                first = int(run.step[np.flatnonzero(run.metrics["test_acc"][:, 0] == best)[0]])
                assert v.values["step"] == first and str(first) in sentence


def test_a_good_run_is_green_and_reports_its_end_and_its_best(calm):
    for t, v in zip(calm.trained, verdicts(calm), strict=True):
        run = t.run
        assert v.kind == "success" and v.key == "reached", t.name
        assert run.loss[-1, 0] < 0.1 * run.loss[0, 0]  # trained: a real margin, not a tie
        assert v.values["best"] == run.step[np.argmin(run.metrics["test_loss"][:, 0])]


def test_a_loss_spike_that_recovers_is_a_warning_not_a_success():
    result = scene({"gd.lr": "5", "batch": "0", "opt": "gd"})
    loss = result.trained[0].run.loss[:, 0]
    assert loss.max() > 5 * loss[0] and loss[-1] < 0.01 * loss[0]
    v = verdicts(result)[0]
    assert v.kind == "warning" and v.key == "unstable" and v.values["peak"] == loss.max()


def test_no_better_than_guessing_quotes_the_runs_accuracy_and_its_chance_level():
    result = scene({"opt": "gd", "gd.lr": "0.0001", "steps": "50", "data": "xor"})
    accuracy = result.trained[0].run.metrics["test_acc"][:, 0]
    assert accuracy.max() < 0.53  # 2 classes: guessing gets 50 %
    v = verdicts(result)[0]
    assert v.kind == "warning" and v.key == "chance"
    assert v.values == {"acc": accuracy[-1], "chance": 0.5, "steps": 50}
    zeros = scene({"opt": "gd", "init": "zeros", "steps": "50"})
    assert verdicts(zeros)[0].kind == "warning" and verdicts(zeros)[0].key == "symmetric"


def test_the_page_colours_the_worse_runs_red():
    at = open_script("pages/network.py", DIVERGING, timeout=120)
    assert not at.exception
    assert len(at.error) == 2 and len(at.success) == 1
    assert all("ended worse than it started" in e.value for e in at.error)
    assert not any("Gradient descent" in s.value for s in at.success)
    gd = next(e.value for e in at.error if e.value.startswith("Gradient descent"))
    assert re.search(r"from 0\.872 to 13\.3\b", gd) and "ended at 50%" in gd
