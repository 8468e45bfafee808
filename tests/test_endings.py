"""Where a run ended, judged at its end point (gradient, Hessian, known points), and what the
Playground says about it: green only for a minimum (Newton stopped on a saddle was once a
green "Newton converged at step 1")."""

import dataclasses

import numpy as np
import pytest

from optimizers import simulate
from optimizers.endings import NEAR, endings
from surfaces import get_surface
from tests.conftest import open_script
from ui import verdict
from ui.texts import LANGUAGES


def span(surface):
    (x0, x1), (y0, y1) = surface.bounds
    return max(x1 - x0, y1 - y0)


def test_newton_stops_on_the_saddle_and_its_hessian_says_so():
    saddle = get_surface("saddle")
    run = simulate(saddle, "newton", [-1.5, 0.001], 50)
    assert run.converged_at[0] >= 0  # "converged": the gradient is below the tolerance
    np.testing.assert_allclose(run.final[0], [0.0, 0.0], atol=1e-8)
    eigenvalues = np.linalg.eigvalsh(saddle.hessian(run.final[0]))
    assert eigenvalues.min() < -0.5 and eigenvalues.max() > 0.5  # -1 and 2: far from zero
    assert list(endings(saddle, run)) == ["saddle"]
    # Without the catalog's saddle listed, the Hessian alone tells it.
    unknown = dataclasses.replace(saddle, saddles=np.empty((0, 2)), minima=np.empty((0, 2)))
    assert list(endings(unknown, run)) == ["saddle"]


def test_few_steps_of_gradient_descent_on_rosenbrock_are_still_moving():
    rosenbrock = get_surface("rosenbrock")
    run = simulate(rosenbrock, "gd", rosenbrock.start, 20, lr=1e-3)
    assert run.grad_norm[-1, 0] > 1.0  # 1.78: a million times the tolerance
    distance = np.linalg.norm(run.final[0] - rosenbrock.minima, axis=-1).min()
    assert distance > 100 * NEAR * span(rosenbrock)  # 2.0 from (1, 1), the "near" is 0.005
    assert list(endings(rosenbrock, run)) == ["moving"]


def test_too_large_a_rate_diverges():
    rosenbrock = get_surface("rosenbrock")
    run = simulate(rosenbrock, "gd", rosenbrock.start, 20, lr=1.0)
    assert run.diverged_at[0] >= 0
    assert list(endings(rosenbrock, run)) == ["diverged"]


def test_adam_on_himmelblau_reaches_a_minimum():
    himmelblau = get_surface("himmelblau")
    run = simulate(himmelblau, "adam", himmelblau.start, 200, lr=0.05)
    distance = np.linalg.norm(run.final[0] - himmelblau.minima, axis=-1).min()
    assert distance < NEAR * span(himmelblau) / 20  # 1.3e-4 against 0.01
    assert run.converged_at[0] < 0  # hovering: its gradient (0.01) is above the tolerance
    assert list(endings(himmelblau, run)) == ["minimum"]
    # Hessian-only (no known minima): converged runs there are told by their curvature.
    longer = simulate(himmelblau, "bfgs", himmelblau.start, 100)
    unknown = dataclasses.replace(himmelblau, minima=np.empty((0, 2)), saddles=np.empty((0, 2)))
    assert longer.converged_at[0] >= 0 and list(endings(unknown, longer)) == ["minimum"]


def test_a_maximum_a_local_minimum_and_a_flat_stop():
    himmelblau = get_surface("himmelblau")  # a local maximum near (-0.27, -0.92)
    assert list(endings(himmelblau, simulate(himmelblau, "newton", [-0.2, -0.9], 50))) == ["maximum"]
    rastrigin = get_surface("rastrigin")
    run = simulate(rastrigin, "gd", [[2.1, 1.0], [0.1, 0.1]], 500, lr=1e-3)
    assert run.loss[-1, 0] > rastrigin.f_min + 1.0  # about 5: a local minimum, not the global 0
    assert list(endings(rastrigin, run)) == ["local_minimum", "minimum"]
    monkey = get_surface("monkey_saddle")  # Hessian 0 at the origin: only the catalog knows
    run = simulate(monkey, "newton", [0.5, 0.3], 100)
    assert list(endings(monkey, run)) == ["saddle"]
    unknown = dataclasses.replace(monkey, saddles=np.empty((0, 2)))
    assert list(endings(unknown, run)) == ["flat"]


def test_penalties_and_constraints_judge_the_objective():
    bowl = get_surface("constrained_bowl")
    ball = {"norm": "l1", "radius": 1.0}
    run = simulate(bowl, "gd", bowl.start, 500, lr=0.05, constraint=ball)
    assert np.abs(run.final[0]).sum() == pytest.approx(1.0)
    assert list(endings(bowl, run, constraint=ball)) == ["boundary"]
    sparse = simulate(bowl, "gd", bowl.start, 2000, lr=0.05, l1=1.0, proximal=True)
    assert sparse.final[0, 1] == 0 and sparse.converged_at[0] >= 0  # pinned at the kink
    assert list(endings(bowl, sparse, l1=1.0)) == ["minimum"]
    shrunk = simulate(bowl, "gd", bowl.start, 2000, lr=0.05, l2=1.0)
    assert list(endings(bowl, shrunk, l2=1.0)) == ["minimum"]  # the penalised minimum, not the bowl's


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_words_and_colours_of_each_ending(language):
    saddle = get_surface("saddle")
    run = simulate(saddle, "newton", [-1.5, 0.001], 50)
    ends = endings(saddle, run)
    row = {"diverged_at": -1, "final_loss": float(run.loss[-1, 0])}
    assert verdict.kind(ends, run) == "warning"
    said = verdict.sentence("Newton", run, ends, row, 50, saddle, language)
    assert ("saddle" in said) if language == "en" else ("鞍点" in said)
    assert "minimum" not in said.replace("not a minimum", "") if language == "en" else True
    himmelblau = get_surface("himmelblau")
    adam = simulate(himmelblau, "adam", himmelblau.start, 200, lr=0.05)
    assert verdict.kind(endings(himmelblau, adam), adam) == "success"
    mixed = simulate(saddle, "gd", [[-1.5, 0.5], [0.0, 0.0], [-1.5, 0.0]], 300, lr=0.1)
    ends = endings(saddle, mixed)
    assert sorted(ends) == ["minimum", "saddle", "saddle"]
    assert verdict.kind(ends, mixed) == "warning"
    said = verdict.sentence("GD", mixed, ends, {"diverged_at": -1}, 300, saddle, language)
    assert "1" in said and "2" in said
    assert verdict.cell(ends, language).count("/") == 1


def test_the_playground_calls_newton_on_a_saddle_a_saddle_not_green():
    query = {"s": "saddle", "opt": "newton,adam", "x0": "-1.5", "y0": "0.001"}
    at = open_script("pages/playground.py", query)
    assert not at.exception
    assert not any("Newton" in s.value for s in at.success)
    (warning,) = [w.value for w in at.warning if w.value.startswith("Newton")]
    assert "saddle point" in warning and "not a minimum" in warning
    table = next(m.value for m in at.markdown if "where it ended" in m.value)
    newton_row = next(line for line in table.splitlines() if line.startswith("| Newton"))
    assert "saddle point" in newton_row
