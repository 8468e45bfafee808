"""Heavy ball on a quadratic: the analytic rate from the 2 x 2 iteration matrix, its regimes
and its optimum, against the engine's runs, and the Sweep page's theory view."""

import json

import numpy as np
import pytest

from optimizers import simulate
from optimizers.theory import heavy_ball_optimum, heavy_ball_rate, heavy_ball_roots
from surfaces import get_surface
from tests.conftest import open_script


@pytest.fixture(scope="module")
def valley():
    surface = get_surface("narrow_valley", kappa=100.0)
    return surface, np.linalg.eigvalsh(surface.hessian(np.zeros(2)))


def test_the_roots_are_those_of_the_iteration_matrix():
    for lr, momentum, curvature in ((0.1, 0.5, 3.0), (0.02, 0.9, 50.0), (0.5, 0.0, 1.0)):
        matrix = np.array([[1 - lr * curvature + momentum, -momentum], [1.0, 0.0]])
        expected = np.sort_complex(np.linalg.eigvals(matrix))
        np.testing.assert_allclose(
            np.sort_complex(np.array(heavy_ball_roots(lr, momentum, curvature))), expected
        )


def measured_rate(surface, lr, momentum, steps=100):
    run = simulate(surface, "momentum", surface.start, steps, lr=lr, momentum=momentum)
    least = float(surface.value(surface.minima).min())
    gap = run.loss[:, 0] - least
    return (gap[-1] / gap[0]) ** (1 / (2 * steps))


def test_at_the_optimum_the_measured_rate_is_the_analytic_one_within_ten_percent(valley):
    surface, curvatures = valley
    lr, momentum, rate = heavy_ball_optimum(curvatures.max(), curvatures.min())
    assert rate == pytest.approx((np.sqrt(100) - 1) / (np.sqrt(100) + 1))  # (sqrt(kappa)-1)/(sqrt(kappa)+1)
    analytic, regime = heavy_ball_rate(lr, momentum, curvatures)
    assert analytic == pytest.approx(rate) and regime == 0  # critically damped: a double real root
    # After 100 steps the loss gap fell as the analytic rate says, per step within 10 %
    # (critical damping adds a factor t: (100)^(1/100) = 1.047).
    assert measured_rate(surface, lr, momentum) == pytest.approx(rate, rel=0.10)


def test_the_optimum_beats_its_neighbours_and_the_regimes_are_named(valley):
    surface, curvatures = valley
    lr, _, rate = heavy_ball_optimum(curvatures.max(), curvatures.min())
    lrs, momenta = np.geomspace(lr / 3, lr * 3, 31), np.linspace(0.0, 0.99, 34)
    rates, regimes = heavy_ball_rate(lrs[None, :], momenta[:, None], curvatures)
    assert rates.min() >= rate - 1e-9
    assert set(np.unique(regimes)) == {0, 1, 2}
    assert (regimes == 2).sum() and (rates[regimes == 2] >= 1).all()
    # Divergence in theory is divergence in the runs, and a monotone cell converges.
    i, j = np.argwhere(regimes == 2)[0]
    run = simulate(surface, "momentum", surface.start, 400, lr=lrs[j], momentum=momenta[i])
    assert run.diverged_at[0] > 0 or run.loss[-1, 0] > run.loss[0, 0]
    i, j = np.argwhere(regimes == 0)[0]
    assert measured_rate(surface, lrs[j], momenta[i], 300) < 1


def test_the_sweep_page_shows_the_theory_beside_the_measured_sweep():
    query = {"s": "narrow_valley", "opt": "momentum", "x": "lr", "y": "momentum", "side": "20", "theory": "1"}
    at = open_script("pages/sweep.py", query, timeout=120)
    assert not at.exception and at.query_params["theory"] == "1"
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(charts) == 2
    names = [t.get("name", "") for t in charts[1]["data"]]
    assert any(name.startswith("optimal") for name in names)
    assert {"monotone", "oscillating", "divergent"} <= set(names)
    other = open_script("pages/sweep.py", {**query, "s": "rosenbrock"}, timeout=120)
    assert len(other.get("plotly_chart")) == 1  # no theory off a quadratic
