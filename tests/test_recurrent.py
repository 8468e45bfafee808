"""The recurrent surface (a numeric surface): value, gradient and Hessian against torch's
autograd (tests/data/torch_recurrent.npz, recorded by tests/record_torch_recurrent.py) and
against finite differences; shapes; parameters; what the pages ask of it."""

import pathlib
import pickle

import numpy as np
import pytest

from optimizers import simulate
from surfaces import SURFACES, get_surface
from surfaces import recurrence as rec
from surfaces.numeric import NumericSurface

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "torch_recurrent.npz")
STEPS = [int(T) for T in REFERENCE["steps"]]


def close(ours, torch_values, rtol=1e-7):
    """Equal to torch's relative to the size of the values (the cliff spans many decades)."""
    scale = np.abs(torch_values) + 1e-12 * np.abs(torch_values).max() + 1e-300
    return np.all(np.abs(ours - torch_values) <= rtol * scale)


@pytest.mark.parametrize("T", STEPS)
def test_value_gradient_and_hessian_equal_torch_autograd(T):
    surface = get_surface("recurrent", T=T)
    P = REFERENCE["points"]
    assert close(surface.value(P), REFERENCE[f"value_{T}"])
    assert close(surface.grad(P), REFERENCE[f"grad_{T}"])
    assert close(surface.hessian(P), REFERENCE[f"hessian_{T}"])


def test_the_reference_includes_the_cliff():
    # Points beside the cliff: gradients above 10^8 at T = 50, Hessian entries above 10^15.
    assert np.abs(REFERENCE["grad_50"]).max() > 1e8
    assert np.abs(REFERENCE["hessian_50"]).max() > 1e15


@pytest.mark.parametrize("T", [5, 50])
def test_gradient_and_hessian_match_finite_differences(T):
    surface = get_surface("recurrent", T=T)
    rng = np.random.default_rng(T)
    P = np.column_stack([rng.uniform(-8, 8, 60), rng.uniform(-4, 4, 60)])
    h = 1e-6
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = h
        slope = (surface.value(P + e) - surface.value(P - e)) / (2 * h)
        g = surface.grad(P)[:, axis]
        assert np.all(np.abs(slope - g) <= 1e-5 * (1 + np.abs(g))), axis
        column = (surface.grad(P + e) - surface.grad(P - e)) / (2 * h)
        H = surface.hessian(P)[:, :, axis]
        assert np.all(np.abs(column - H) <= 1e-5 * (1 + np.abs(H))), axis


def test_backpropagation_through_time_equals_the_forward_recursion():
    # grad f = 2 (x_T - 0.7) grad x_T two independent ways: backwards through time, and with
    # the derivatives of x_t carried forward as the Hessian's recursion carries them.
    rng = np.random.default_rng(3)
    w, b = rng.uniform(-8, 8, 200), rng.uniform(-4, 4, 200)
    gw, gb = rec.grad(w, b, 50)
    x_T = rec.states(w, b, 50)[-1]
    # Forward-mode derivatives of x_T, step by step.
    x, dw, db = np.full_like(w, rec.X0), np.zeros_like(w), np.zeros_like(w)
    for _ in range(50):
        s = rec.sigmoid(x)
        dw, db = s + w * s * (1 - s) * dw, 1 + w * s * (1 - s) * db
        x = w * s + b
    assert np.allclose(gw, 2 * (x_T - 0.7) * dw, rtol=1e-10, atol=1e-12)
    assert np.allclose(gb, 2 * (x_T - 0.7) * db, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(), (3,), (4, 5)])
def test_shapes_of_any_batch_of_points(shape):
    surface = get_surface("recurrent")
    P = np.ones(shape + (2,))
    assert surface.value(P).shape == shape
    assert surface.grad(P).shape == shape + (2,)
    assert surface.hessian(P).shape == shape + (2, 2)
    H = surface.hessian(np.random.default_rng(0).uniform(-3, 3, (7, 2)))
    assert np.array_equal(H[:, 0, 1], H[:, 1, 0])


def test_vectorized_equals_one_point_at_a_time():
    surface = get_surface("recurrent")
    P = np.random.default_rng(1).uniform(-4, 4, (50, 2))
    one_by_one = np.array([surface.grad(p) for p in P])
    assert np.array_equal(surface.grad(P), one_by_one)


def test_get_surface_with_T_and_its_range():
    surface = get_surface("recurrent", T=50)
    assert isinstance(surface, NumericSurface) and surface.params == {"T": 50.0}
    assert surface is not get_surface("recurrent", T=20)
    assert get_surface("recurrent", T=20.4).params == {"T": 20.0}
    assert SURFACES["recurrent"].params == {"T": 50.0}
    assert surface.bounds == ((-8.0, 8.0), (-4.0, 4.0))
    for bad in (4, 101):
        with pytest.raises(ValueError, match="T must be between 5 and 100"):
            get_surface("recurrent", T=bad)
    # T changes the surface: x_T after 5 steps is not x_T after 50.
    assert get_surface("recurrent", T=5).value(np.array([6.0, -3.6])) != surface.value(np.array([6.0, -3.6]))


def test_what_a_formula_would_answer_has_an_answer():
    surface = get_surface("recurrent")
    assert surface.quadratic is False and surface.constant_hessian is False
    assert r"x_t = w\,\sigma(x_{t-1}) + b" in surface.latex and "T = 50" in surface.latex
    assert "T = 20" in get_surface("recurrent", T=20).latex
    with pytest.raises(TypeError, match="numeric"):
        surface.compiled  # noqa: B018
    # f = 0 along a curve (wherever x_T = 0.7): no isolated minima, the least value known.
    assert surface.minima.shape == (0, 2) and surface.f_min == 0.0
    assert surface.value(np.array([0.0, 0.7])) == 0.0  # w = 0, b = 0.7: x_t = 0.7 for all t
    start = surface.start
    assert pickle.loads(pickle.dumps(surface)).value(start) == surface.value(start)


def test_the_cliff_is_where_the_start_is_the_unstable_fixed_point():
    w = np.array([5.0, 6.0, 7.0])
    cliff = 0.5 - w * rec.sigmoid(0.5)
    surface = get_surface("recurrent")
    below = surface.value(np.column_stack([w, cliff - 1e-3]))
    above = surface.value(np.column_stack([w, cliff + 1e-3]))
    assert np.all(below > 5) and np.all(above < 5)
    assert np.all(np.linalg.norm(surface.grad(np.column_stack([w, cliff - 1e-3])), axis=-1) > 10)


def test_simulate_runs_thousands_of_points_with_newton_too():
    surface = get_surface("recurrent")
    (x0, x1), (y0, y1) = surface.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 50), np.linspace(y0, y1, 50))
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    run = simulate(surface, "gd", starts, steps=20, lr=0.01, clip_norm=1.0)
    assert run.path.shape == (21, 2500, 2) and np.isfinite(run.path).all()
    run = simulate(surface, "newton", starts[:100], steps=5, damping=1.0)
    assert np.isfinite(run.path).all()


def test_steady_orbits_multiply_by_the_same_gain():
    for gain in (0.8, 1.0, 1.2):
        w, b = rec.steady_orbit(gain)
        norms = rec.orbit_jacobians(w, b, 100)
        assert np.allclose(norms, gain ** np.arange(1, 101), rtol=1e-6)
    # The exploding orbit's (w, b) lies on the surface's cliff.
    w, b = rec.steady_orbit(1.2)
    assert np.isclose(b, 0.5 - w * rec.sigmoid(0.5))


# --- the pages ---------------------------------------------------------------------------


def test_the_playground_races_on_it_and_shows_the_recurrence():
    from tests.conftest import open_script, race_spec

    at = open_script("app.py", {"s": "recurrent", "p.T": "30"}, 120)
    assert not at.exception
    assert at.selectbox(key="w.surface").value == "recurrent"
    assert at.slider(key="w.p.T").value == 30.0
    assert any(r"x_t = w\,\sigma(x_{t-1}) + b" in e.value and "T = 30" in e.value for e in at.latex)
    assert race_spec(at)["frames"]


def test_a_link_T_outside_its_range_is_clamped_and_said():
    from ui import settings as cfg

    s, notes = cfg.playground_from_query({"s": "recurrent", "p.T": "500"})
    assert s.params == {"T": 100.0} and "p.T" in str(notes)
    assert cfg.surface_of(s).params == {"T": 100.0}
    s, _ = cfg.playground_from_query({"s": "recurrent", "p.T": "2"})
    assert cfg.surface_of(s).params == {"T": 5.0}
    s, notes = cfg.playground_from_query({"s": "recurrent", "p.T": "nonsense"})
    assert s.params == {"T": 50.0} and "p.T" in str(notes)
    s, notes = cfg.playground_from_query({"s": "recurrent", "p.T": "20"})
    assert cfg.surface_of(s).params == {"T": 20.0} and not notes


@pytest.mark.parametrize("script", ["pages/basins.py", "pages/sweep.py", "pages/custom.py"])
def test_the_other_pages_open_with_it(script):
    from tests.conftest import open_script

    at = open_script(script, {"s": "recurrent", "p.T": "20", "side": "20", "steps": "50"}, 120)
    assert not at.exception, script
    if script != "pages/custom.py":  # the Custom page has its own surface: it ignores s
        assert at.selectbox(key=("ba" if "basins" in script else "sw") + ".surface").value == "recurrent"


def test_a_run_resting_on_the_curve_of_minima_ends_at_a_minimum():
    # The Hessian is singular along the curve where f = 0: stationary there, at f_min, the
    # ending is "minimum" (it was "flat", and the Playground said so).
    from optimizers.endings import endings

    surface = get_surface("recurrent")
    run = simulate(surface, "gd", np.array([[-5.75, 3.75]]), steps=200, lr=0.02, clip_norm=20.0)
    assert run.converged_at[0] >= 0 and run.loss[-1, 0] < 1e-20
    assert np.linalg.eigvalsh(surface.hessian(run.final[0])).min() < 1e-6
    assert list(endings(surface, run)) == ["minimum"]


def test_the_basins_page_says_why_nothing_is_coloured_by_a_minimum():
    from tests.conftest import open_script
    from ui.texts import text

    at = open_script("pages/basins.py", {"s": "recurrent", "side": "20", "steps": "50", "opt": "gd"}, 120)
    assert not at.exception
    assert text("ba.no_minima", "en") in [c.value for c in at.caption]
    at = open_script("pages/basins.py", {"s": "himmelblau", "side": "20", "steps": "50", "opt": "gd"}, 120)
    assert text("ba.no_minima", "en") not in [c.value for c in at.caption]


def test_the_playground_default_shows_the_wall():
    # The suggested rates and the surface's start: plain descent is thrown by the wall (the
    # curvature-based rate, 1.78 here with no minimum to measure at, diverged at step 3).
    from ui import settings as cfg

    s = cfg.defaults_for("recurrent")
    assert s.optimizers["gd"]["lr"] == 0.02
    runs = dict(cfg.run_all(s, cfg.surface_of(s)))
    steps = np.linalg.norm(np.diff(runs["gd"].path[:, 0], axis=0), axis=-1)
    assert steps.max() > 10 and all(run.diverged_at[0] == -1 for run in runs.values())


def test_a_link_T_between_whole_numbers_is_snapped_and_said():
    from tests.conftest import open_script
    from ui import settings as cfg

    s, notes = cfg.playground_from_query({"s": "recurrent", "p.T": "20.6"})
    assert s.params == {"T": 21.0} and "p.T" in notes.snapped
    at = open_script("pages/sweep.py", {"s": "recurrent", "p.T": "20.6"}, 120)
    assert not at.exception and at.slider(key="sw.p.T").value == 21.0
