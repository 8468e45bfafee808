"""The fair race: every optimizer tuned the same way, on the race's own steps and starts."""

import numpy as np
import pytest

from optimizers import simulate
from optimizers.tuning import rate_grid, tune
from surfaces import get_surface
from tests.conftest import open_script
from ui import settings as cfg


@pytest.fixture(scope="module")
def valley():
    return get_surface("narrow_valley", kappa=20.0)


def test_the_best_rate_is_the_one_whose_own_run_ends_lowest(valley):
    rates = rate_grid(0.05, 12)
    starts = np.array([valley.start, valley.start + 0.3])
    tuning = tune(valley, "gd", starts, 80, rates)
    alone = []
    for rate in rates:
        run = simulate(valley, "gd", starts, 80, lr=rate)
        alone.append(np.inf if (run.diverged_at >= 0).any() else run.objective[-1].mean())
    np.testing.assert_allclose(tuning.scores, alone, rtol=1e-12)
    assert tuning.best == rates[int(np.argmin(alone))]
    assert np.isinf(tuning.scores).any() and np.isfinite(tuning.scores).any()  # the grid reaches divergence


def test_steps_to_the_tolerance_and_the_log_gap(valley):
    rates = np.array([0.01, 0.05, 0.09])
    steps = tune(valley, "gd", valley.start, 300, rates, score="steps", tolerance=1e-3)
    gap = tune(valley, "gd", valley.start, 300, rates, score="gap")
    least = float(valley.value(valley.minima).min())
    for i, rate in enumerate(rates):
        run = simulate(valley, "gd", valley.start, 300, lr=rate)
        reached = np.flatnonzero(run.objective[:, 0] - least <= 1e-3)
        assert steps.scores[i] == (run.step[reached[0]] if len(reached) else 301)
        assert gap.scores[i] == pytest.approx(
            np.log10(np.maximum(run.objective[:, 0] - least, 0) + 1e-12).mean()
        )
    assert steps.best == gap.best == 0.09  # the largest stable rate is fastest here


def test_every_run_diverging_chooses_nothing(valley):
    assert tune(valley, "gd", valley.start, 50, [5.0, 10.0]).best is None


def test_tuning_is_deterministic_with_noise(valley):
    a, b = (tune(valley, "adam", valley.start, 100, rate_grid(0.05, 20), noise=0.5, seed=3) for _ in range(2))
    np.testing.assert_array_equal(a.scores, b.scores)
    assert a.best == b.best


def test_unknown_score_raises(valley):
    with pytest.raises(ValueError, match="score"):
        tune(valley, "gd", valley.start, 10, [0.1], score="fastest")


def test_the_playground_races_each_optimizer_with_its_best_rate_and_says_so_in_the_url():
    at = open_script(
        "pages/playground.py", {"s": "narrow_valley", "opt": "gd,momentum,adam", "steps": "200"}, timeout=120
    )
    at.button(key="tune_button").click().run()
    assert not at.exception
    query = dict(at.query_params)
    surface = get_surface("narrow_valley")
    for name in ("gd", "momentum", "adam"):
        s = cfg.playground_from_query(query)[0]
        hp = {k: v for k, v in s.optimizers[name].items() if k != "lr"}
        expected = tune(surface, name, surface.start, 200, _rates(name, surface), **hp)
        assert float(query[f"{name}.lr"]) == expected.best
    assert len(at.get("plotly_chart")) == 3  # the race, its loss curves, the tuning chart
    again = open_script("pages/playground.py", query, timeout=120)
    assert not again.warning
    assert cfg.playground_from_query(dict(again.query_params))[0] == cfg.playground_from_query(query)[0]


def _rates(name, surface):
    shown = cfg.control(name, "lr").options
    return np.unique(np.clip(rate_grid(cfg.suggested_lr(name, surface)), min(shown), max(shown)))


def _drawn(fig, label):
    """The rates the tuning chart draws for ``label``: scored points on the line, and the x's
    of diverged rates (their own axis above the scores)."""
    scored, diverged = set(), set()
    for trace in fig.data:
        if trace.name == label:
            scored |= {float(x) for x, y in zip(trace.x, trace.y, strict=True) if np.isfinite(y)}
        elif trace.legendgroup == label and trace.yaxis == "y2":
            assert trace.marker.symbol == "x-thin" and np.all(np.asarray(trace.y) == 0.5)
            diverged |= {float(x) for x in trace.x}
    return scored, diverged


def test_the_tuning_chart_draws_every_rate_tried_and_the_diverged_ones_as_such():
    # Gradient descent's line once ended near 0.005 on Rosenbrock, the rates up to 0.03 tried
    # and diverged left out without a trace.
    from viz.curves import tuning_figure

    surface = get_surface("rosenbrock")
    tunings = [tune(surface, name, surface.start, 500, _rates(name, surface)) for name in ("gd", "adam")]
    gd = tunings[0]
    assert np.isinf(gd.scores).sum() >= 5 and np.isfinite(gd.scores).sum() >= 5
    words = {"lr": "learning rate", "score.final": "final", "diverged": "diverged"}
    fig = tuning_figure(tunings, ["GD", "Adam"], ["#1f77b4", "#ff7f0e"], words)
    for tuning, label in zip(tunings, ["GD", "Adam"], strict=True):
        scored, diverged = _drawn(fig, label)
        assert scored | diverged == set(tuning.rates.tolist()) and not scored & diverged, label
        assert diverged == set(tuning.rates[np.isinf(tuning.scores)].tolist()), label
    assert fig.layout.yaxis2.domain[0] > fig.layout.yaxis.domain[1]  # a strip above the scores
    assert fig.layout.yaxis2.range == (0, 1)
    assert [a.text for a in fig.layout.annotations] == ["diverged"]
    assert sum(t.showlegend is not False and t.yaxis == "y2" for t in fig.data) == 1
