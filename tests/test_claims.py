"""The lecture notes' claims, as numbers on the engine: each is what a lesson will show."""

import numpy as np
import pytest

from optimizers import simulate
from surfaces import get_surface


def steps_to_reach(run, level):
    below = np.flatnonzero(run.loss[:, 0] <= level)
    return int(run.step[below[0]]) if below.size else None


@pytest.mark.parametrize("kappa", [10.0, 50.0, 100.0])
def test_gd_on_a_quadratic_is_stable_just_below_2_over_L_and_diverges_just_above(kappa):
    valley = get_surface("narrow_valley", kappa=kappa, angle=25.0)
    limit = 2 / kappa  # L = kappa: the largest Hessian eigenvalue
    below = simulate(valley, "gd", valley.start, 3000, lr=0.98 * limit)
    above = simulate(valley, "gd", valley.start, 3000, lr=1.02 * limit)
    assert below.diverged_at[0] == -1 and below.loss[-1, 0] < 1e-8
    assert above.diverged_at[0] > 0 or above.loss[-1, 0] > above.loss[0, 0]
    assert np.isfinite(above.path).all() and np.isfinite(above.loss).all()


def test_momentum_beats_gd_threefold_in_an_ill_conditioned_valley():
    valley = get_surface("narrow_valley", kappa=100.0)
    lr = 1 / 100.0
    gd = simulate(valley, "gd", valley.start, 5000, lr=lr)
    heavy = simulate(valley, "momentum", valley.start, 5000, lr=lr, momentum=0.9)
    t_gd, t_heavy = steps_to_reach(gd, 1e-6), steps_to_reach(heavy, 1e-6)
    assert t_gd is not None and t_heavy is not None
    assert 3 * t_heavy <= t_gd


def test_newton_is_attracted_by_the_saddle_while_gd_leaves_it():
    saddle = get_surface("saddle")
    near = [0.3, 0.2]
    newton = simulate(saddle, "newton", near, 50)
    gd = simulate(saddle, "gd", near, 2000, lr=0.05)
    assert np.allclose(newton.final[0], saddle.saddles[0], atol=1e-10)
    assert newton.converged_at[0] >= 0
    nearest_min = np.min(np.linalg.norm(saddle.minima - gd.final[0], axis=1))
    assert nearest_min < 1e-3
    assert np.linalg.norm(gd.final[0] - saddle.saddles[0]) > 0.9


def test_gd_started_on_the_saddle_stays_and_noise_lets_it_escape():
    saddle = get_surface("saddle")
    exact = simulate(saddle, "gd", saddle.saddles[0], 500, lr=0.05)
    assert np.array_equal(exact.final[0], saddle.saddles[0])
    assert exact.converged_at[0] == 0
    noisy = simulate(saddle, "gd", np.zeros((20, 2)), 500, lr=0.05, noise=0.1, seed=1)
    assert np.all(np.abs(noisy.final[:, 1]) > 0.5)  # every one slid towards y = +-1
    assert np.all(noisy.loss[-1] < -0.2)


def test_cliff_throws_plain_gd_and_clipping_tames_it():
    cliff = get_surface("cliff")
    plain = simulate(cliff, "gd", cliff.start, 50, lr=0.01)
    jump = np.linalg.norm(plain.path[1, 0] - plain.path[0, 0])
    assert jump >= 0.5
    assert plain.diverged_at[0] == -1  # the jump lands inside the box: it shows in path
    clipped = simulate(cliff, "gd", cliff.start, 200, lr=0.01, clip_norm=1.0)
    steps = np.linalg.norm(np.diff(clipped.path[:, 0], axis=0), axis=1)
    assert steps.max() <= 0.01 + 1e-12
    assert clipped.loss[-1, 0] < 0.05 * clipped.loss[0, 0]
    assert np.all(np.diff(clipped.loss[:60, 0]) < 0)  # walks down the wall


def test_plateau_gd_crawls_while_momentum_and_adam_get_out():
    plateau = get_surface("plateau")
    around = plateau.start + 0.25 * np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 6.28, 16)])
    assert np.all(np.linalg.norm(plateau.grad(np.vstack([plateau.start, around])), axis=1) < 1e-3)
    gd = simulate(plateau, "gd", plateau.start, 300, lr=1.0)
    heavy = simulate(plateau, "momentum", plateau.start, 300, lr=1.0, momentum=0.9)
    adam = simulate(plateau, "adam", plateau.start, 300, lr=0.1)
    assert gd.loss[-1, 0] > 0.99
    assert heavy.loss[-1, 0] < 0.05 and adam.loss[-1, 0] < 0.05


def test_l1_gives_a_sparse_minimiser_and_l2_only_shrinks():
    bowl = get_surface("constrained_bowl")
    assert np.all(np.abs(bowl.minima[0]) > 0.5)  # the unconstrained minimum is off both axes
    l1 = simulate(bowl, "gd", bowl.start, 3000, lr=0.1, l1=1.0, proximal=True)
    assert np.allclose(l1.final[0], [1.19, 0.0], atol=1e-9)
    assert l1.final[0, 1] == 0.0  # exactly zero: soft-thresholding
    sub = simulate(bowl, "gd", bowl.start, 3000, lr=0.01, l1=1.0)
    assert abs(sub.final[0, 1]) <= 0.011  # the subgradient method hovers within lr*l1 of 0
    l2 = simulate(bowl, "gd", bowl.start, 3000, lr=0.1, l2=1.0)
    A = np.array([[2.0, 0.3], [0.3, 1.0]])
    expected = np.linalg.solve(A + np.eye(2), A @ np.array([1.6, 0.6]))
    assert np.allclose(l2.final[0], expected, atol=1e-9)
    assert np.all(np.abs(l2.final[0]) > 0.3)


def test_projection_lands_on_the_l1_corner_and_off_the_axes_for_l2():
    bowl = get_surface("constrained_bowl")
    on_l1 = simulate(bowl, "gd", bowl.start, 2000, lr=0.1, constraint={"norm": "l1", "radius": 1.0})
    assert np.allclose(on_l1.final[0], [1.0, 0.0], atol=1e-9)
    on_l2 = simulate(bowl, "gd", bowl.start, 2000, lr=0.1, constraint={"norm": "l2", "radius": 1.0})
    assert np.isclose(np.linalg.norm(on_l2.final[0]), 1.0)
    assert np.all(np.abs(on_l2.final[0]) > 0.2)
    assert on_l1.converged_at[0] > 0 and on_l2.converged_at[0] > 0


def test_linear_decay_lowers_the_loss_floor_of_noisy_gd():
    valley = get_surface("narrow_valley", kappa=10.0)
    starts = np.repeat(valley.start[None], 200, axis=0)
    common = dict(steps=600, lr=0.05, noise=2.0, seed=3)
    constant = simulate(valley, "gd", starts, **common)
    decayed = simulate(valley, "gd", starts, schedule={"kind": "linear", "tau": 400, "final": 0.01}, **common)
    floor_constant = constant.loss[-100:].mean()
    floor_decayed = decayed.loss[-100:].mean()
    assert floor_decayed < 0.2 * floor_constant


def test_adagrad_effective_step_shrinks_while_rmsprop_does_not():
    # Noisy gradients of constant size: AdaGrad's sum grows like t, so its step decays like
    # 1/sqrt(t); RMSProp's moving average stays at the gradient's size, and so does its step.
    bowl = get_surface("narrow_valley", kappa=4.0)
    starts = np.repeat(bowl.start[None], 50, axis=0)
    common = dict(steps=20000, lr=0.01, noise=1.0, seed=5)

    def mean_step(run, first, last):
        return np.linalg.norm(np.diff(run.path[first:last], axis=0), axis=-1).mean()

    ada = simulate(bowl, "adagrad", starts, **common)
    rms = simulate(bowl, "rmsprop", starts, **common)
    assert mean_step(ada, 19900, 20000) < 0.15 * mean_step(ada, 300, 400)
    assert 0.8 < mean_step(rms, 19900, 20000) / mean_step(rms, 300, 400) < 1.25
