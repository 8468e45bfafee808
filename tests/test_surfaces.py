"""Surfaces: derivatives against finite differences, known minima and saddles, shapes."""

import numpy as np
import pytest
import scipy.optimize

from surfaces import SURFACES, Surface, get_surface

NAMES = list(SURFACES)
REQUIRED = {
    "saddle",
    "monkey_saddle",
    "narrow_valley",
    "cliff",
    "plateau",
    "constrained_bowl",
    "rosenbrock",
    "beale",
    "booth",
    "himmelblau",
    "rastrigin",
    "ackley",
    "goldstein_price",
    "six_hump_camel",
    "three_hump_camel",
    "matyas",
    "mccormick",
    "styblinski_tang",
    "levi13",
    "recurrent",
}


def random_points(surface, n=40, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.bounds
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def central_difference(f, P, h):
    out = []
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = h
        out.append((f(P + e) - f(P - e)) / (2 * h))
    return np.stack(out, axis=-1)


def test_catalog_has_every_required_surface():
    assert set(SURFACES) >= REQUIRED


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name):
    surface = SURFACES[name]
    P = random_points(surface)
    numeric = central_difference(surface.value, P, 1e-6)
    exact = surface.grad(P)
    scale = 1 + np.abs(exact)
    assert np.all(np.abs(numeric - exact) / scale < 1e-4), name


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_finite_differences_of_the_gradient(name):
    surface = SURFACES[name]
    P = random_points(surface, seed=1)
    H = surface.hessian(P)
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = 1e-6
        column = (surface.grad(P + e) - surface.grad(P - e)) / 2e-6
        assert np.all(np.abs(column - H[:, :, axis]) / (1 + np.abs(H[:, :, axis])) < 1e-4), name
    assert np.array_equal(H[:, 0, 1], H[:, 1, 0])


@pytest.mark.parametrize("name", NAMES)
def test_known_minima_are_stationary_with_the_stated_value(name):
    surface = SURFACES[name]
    if surface.f_min is None:
        assert surface.minima.shape == (0, 2)
        return
    # The recurrent net's least value is reached on a whole curve: no isolated minima listed.
    assert surface.minima.shape[1] == 2 and (len(surface.minima) >= 1 or name == "recurrent")
    if len(surface.minima):
        g = surface.grad(surface.minima)
        assert np.all(np.linalg.norm(g, axis=-1) < 1e-9 * (1 + np.abs(surface.hessian(surface.minima)).max()))
        assert np.allclose(surface.value(surface.minima), surface.f_min, rtol=1e-12, atol=1e-12)
    if name != "ackley" and len(surface.minima):  # the tip of Ackley's cone has no Hessian
        eig = np.linalg.eigvalsh(surface.hessian(surface.minima))
        assert np.all(eig > 0)
    # No point of a fine grid over the bounds is lower than the stated global minimum.
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401))
    grid = surface.value(np.stack([xs, ys], axis=-1))
    assert grid.min() >= surface.f_min - 1e-9


@pytest.mark.parametrize("name", NAMES)
def test_known_saddles_are_stationary_and_indefinite(name):
    surface = SURFACES[name]
    for point in surface.saddles:
        assert np.linalg.norm(surface.grad(point)) < 1e-8
        eig = np.linalg.eigvalsh(surface.hessian(point))
        if name == "monkey_saddle":
            assert np.allclose(eig, 0)  # degenerate
        else:
            assert eig[0] < 0 < eig[1]


@pytest.mark.parametrize("name", NAMES)
def test_every_surface_carries_its_metadata(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.bounds
    assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1
    assert s.reference and s.title
    assert s.name == name


@pytest.mark.parametrize("shape", [(), (3,), (4, 5)])
@pytest.mark.parametrize("name", ["narrow_valley", "booth", "rosenbrock", "constrained_bowl"])
def test_shapes_broadcast_even_for_constant_derivatives(name, shape):
    surface = SURFACES[name]
    P = np.ones(shape + (2,))
    assert surface.value(P).shape == shape
    assert surface.grad(P).shape == shape + (2,)
    assert surface.hessian(P).shape == shape + (2, 2)


def test_rosenbrock_matches_scipy_reference():
    s = get_surface("rosenbrock")
    P = random_points(s, 25, seed=4)
    assert s.value(np.array([-1.2, 1.0])) == pytest.approx(24.2)
    assert np.allclose(s.value(P), [scipy.optimize.rosen(p) for p in P], rtol=1e-14)
    assert np.allclose(s.grad(P), [scipy.optimize.rosen_der(p) for p in P], rtol=1e-13)
    assert np.allclose(s.hessian(P), [scipy.optimize.rosen_hess(p) for p in P], rtol=1e-13)


def test_integer_input_is_cast_to_float():
    s = get_surface("rosenbrock")
    assert s.value(np.array([[100000, 0]])) == pytest.approx(1e22, rel=1e-9)


def test_ackley_has_a_finite_subgradient_at_its_cone_tip():
    s = get_surface("ackley")
    assert np.array_equal(s.grad(np.zeros(2)), [0.0, 0.0])
    assert not np.isnan(s.hessian(np.zeros(2))).any()


def test_narrow_valley_parameters():
    valley = get_surface("narrow_valley", kappa=100.0, angle=30.0)
    eig = np.linalg.eigvalsh(valley.hessian(np.zeros(2)))
    assert np.allclose(eig, [1.0, 100.0])
    assert valley.params == {"kappa": 100.0, "angle": 30.0}
    assert SURFACES["narrow_valley"].with_params(kappa=7).params["kappa"] == 7.0
    # The start is off both axes of the (rotated) valley.
    theta = np.radians(30.0)
    u = np.cos(theta) * valley.start[0] + np.sin(theta) * valley.start[1]
    v = -np.sin(theta) * valley.start[0] + np.cos(theta) * valley.start[1]
    assert abs(u) > 1 and abs(v) > 0.2
    with pytest.raises(ValueError, match="no parameter 'beta'"):
        valley.with_params(beta=1.0)


def test_saddle_is_strict_and_bounded_below_with_minima_on_both_sides():
    s = get_surface("saddle")
    eig = np.linalg.eigvalsh(s.hessian(np.zeros(2)))
    assert eig[0] < 0 < eig[1]
    assert s.minima[:, 1].min() < 0 < s.minima[:, 1].max()


def test_unknown_surface_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown surface 'nope'.*rosenbrock"):
        get_surface("nope")


def test_compiled_functions_are_cached_per_expression():
    a = get_surface("narrow_valley", kappa=42.0)
    b = get_surface("narrow_valley", kappa=42.0)
    assert a is not b and a.compiled is b.compiled
    assert isinstance(a, Surface)
