"""The built-in surfaces: teaching surfaces for the ideas of the lecture notes, then classics.

Each entry is one SymPy expression plus what is known about it. Formulas, domains and
minima of the classics follow Surjanovic & Bingham, *Virtual Library of Simulation
Experiments: Test Functions and Datasets* (https://www.sfu.ca/~ssurjano/optimization.html).
Minima and saddles that have no closed form were polished with Newton's method in
extended precision; ``tests/test_surfaces.py`` checks that the gradient vanishes there.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from surfaces import recurrence
from surfaces.numeric import NumericFunctions, NumericSurface
from surfaces.surface import Surface, X, Y

x, y = X, Y
pi = sp.pi
VLSE = "Surjanovic & Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano)"


def _points(*pts: tuple[float, float]) -> np.ndarray:
    return np.array(pts, dtype=np.float64).reshape(-1, 2)


def _saddle() -> Surface:
    return Surface(
        name="saddle",
        title="Saddle point",
        expr=x**2 + y**4 / 4 - y**2 / 2,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_points((0.0, -1.0), (0.0, 1.0)),
        f_min=-0.25,
        saddles=_points((0.0, 0.0)),
        start=np.array([-1.8, 0.02]),
        reference="x^2 + y^4/4 - y^2/2: Hessian diag(2, -1) at the origin, minima (0, ±1)",
    )


def _monkey_saddle() -> Surface:
    return Surface(
        name="monkey_saddle",
        title="Monkey saddle",
        expr=x**3 - 3 * x * y**2,
        bounds=((-1.5, 1.5), (-1.5, 1.5)),
        minima=_points(),
        f_min=None,
        saddles=_points((0.0, 0.0)),
        start=np.array([0.9, 0.05]),
        reference="x^3 - 3xy^2: a degenerate saddle (zero Hessian) at the origin, unbounded below",
    )


def _rotate(point: tuple[float, float], degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([c * point[0] - s * point[1], s * point[0] + c * point[1]])


def _narrow_valley(kappa: float = 50.0, angle: float = 0.0) -> Surface:
    k, a = sp.symbols("kappa angle", real=True)
    theta = a * pi / 180
    u = sp.cos(theta) * x + sp.sin(theta) * y  # along the valley floor
    v = -sp.sin(theta) * x + sp.cos(theta) * y  # across the valley
    return Surface(
        name="narrow_valley",
        title="Narrow valley (ill-conditioned quadratic)",
        expr=(u**2 + k * v**2) / 2,
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        # Off both axes of the valley, whatever the rotation.
        start=_rotate((-2.5, 0.5), angle),
        params={"kappa": float(kappa), "angle": float(angle)},
        reference="(u^2 + kappa v^2)/2 with (u, v) the axes rotated by angle degrees: "
        "Hessian eigenvalues 1 and kappa, so the condition number is kappa and "
        "gradient descent is stable for lr < 2/kappa",
        factory=_narrow_valley,
    )


# The wall of the cliff: height CLIFF_HEIGHT over a width of about 2/CLIFF_SHARPNESS.
CLIFF_HEIGHT, CLIFF_SHARPNESS = 20, 10


def _cliff() -> Surface:
    wall = sp.Rational(CLIFF_HEIGHT, 2) * (1 + sp.tanh(CLIFF_SHARPNESS * (x - 1)))
    return Surface(
        name="cliff",
        title="Cliff (exploding gradient)",
        expr=(x - 2) ** 2 / 10 + y**2 / 2 + wall,
        bounds=((-2.0, 3.0), (-2.0, 2.0)),
        minima=_points((0.6355603601299376, 0.0)),
        f_min=0.19982327068378875,
        saddles=_points(),
        start=np.array([1.0, 1.0]),
        reference="(x-2)^2/10 + y^2/2 + 10(1 + tanh(10(x-1))): a gentle bowl cut by a wall "
        "20 high; the gradient on the wall reaches 100",
    )


def _plateau() -> Surface:
    return Surface(
        name="plateau",
        title="Plateau (flat region)",
        expr=1 - sp.exp(-(x**2 + y**2) / 2),
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-3.6, -2.7]),
        reference="1 - exp(-(x^2 + y^2)/2): an inverted Gaussian well; far from the centre "
        "the gradient is below 1e-3",
    )


def _constrained_bowl() -> Surface:
    return Surface(
        name="constrained_bowl",
        title="Tilted bowl for L1 / L2",
        expr=(x - sp.Rational(8, 5)) ** 2
        + sp.Rational(3, 10) * (x - sp.Rational(8, 5)) * (y - sp.Rational(3, 5))
        + (y - sp.Rational(3, 5)) ** 2 / 2,
        bounds=((-1.0, 2.5), (-1.25, 1.75)),
        minima=_points((1.6, 0.6)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-0.6, 1.4]),
        reference="(w - c)^T A (w - c)/2 with c = (1.6, 0.6), A = [[2, 0.3], [0.3, 1]]. "
        "With l1 = 1 the minimiser is (1.19, 0); with l2 = 1 it is (A + I)^-1 A c",
    )


# The local minimum a plain descent settles in, beside the deeper one across a hill: the
# double well (x^2 - 1)^2 tilted by 3x/10.
DOUBLE_WELL_TILT = sp.Rational(3, 10)


def _tilted_double_well() -> Surface:
    return Surface(
        name="tilted_double_well",
        title="Tilted double well (a costly local minimum)",
        expr=(x**2 - 1) ** 2 + DOUBLE_WELL_TILT * x + y**2,
        bounds=((-2.0, 2.0), (-1.5, 1.5)),
        minima=_points((-1.0355787140888537, 0.0)),
        f_min=-0.30542848374391596,
        saddles=_points((0.07542915856974822, 0.0)),
        start=np.array([1.8, 1.0]),
        reference="(x^2 - 1)^2 + 3x/10 + y^2: the global minimum at x = -1.036 (loss -0.305), "
        "a local one at x = 0.960 (loss 0.294) and between them a saddle, the top of the hill "
        "(loss 1.011), on the roots of 4x^3 - 4x + 3/10",
    )


def _rosenbrock() -> Surface:
    return Surface(
        name="rosenbrock",
        title="Rosenbrock",
        expr=(1 - x) ** 2 + 100 * (y - x**2) ** 2,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        minima=_points((1.0, 1.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-1.2, 1.0]),
        reference=f"Rosenbrock (1960); {VLSE}",
    )


def _beale() -> Surface:
    return Surface(
        name="beale",
        title="Beale",
        expr=(sp.Rational(3, 2) - x + x * y) ** 2
        + (sp.Rational(9, 4) - x + x * y**2) ** 2
        + (sp.Rational(21, 8) - x + x * y**3) ** 2,
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=_points((3.0, 0.5)),
        f_min=0.0,
        saddles=_points((0.0, 1.0)),
        start=np.array([1.0, 1.5]),
        reference=VLSE,
    )


def _booth() -> Surface:
    return Surface(
        name="booth",
        title="Booth",
        expr=(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=_points((1.0, 3.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-8.0, -6.0]),
        reference=VLSE,
    )


def _himmelblau() -> Surface:
    return Surface(
        name="himmelblau",
        title="Himmelblau",
        expr=(x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_points(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.2831859912861696),
            (3.5844283403304917, -1.8481265269644036),
        ),
        f_min=0.0,
        saddles=_points(
            (0.08667750455539636, 2.884254701174776),
            (-3.0730257507643897, -0.08135304428796751),
            (3.385154183607021, 0.07385187983774928),
            (-0.12796134673068008, -1.9537149802445763),
        ),
        start=np.array([-0.5, 0.5]),
        reference="Himmelblau (1972); four global minima, four saddles, one local maximum",
    )


def _rastrigin() -> Surface:
    return Surface(
        name="rastrigin",
        title="Rastrigin",
        expr=20 + x**2 - 10 * sp.cos(2 * pi * x) + y**2 - 10 * sp.cos(2 * pi * y),
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([3.2, 2.3]),
        reference=VLSE,
    )


def _ackley() -> Surface:
    r = sp.sqrt((x**2 + y**2) / 2)
    return Surface(
        name="ackley",
        title="Ackley",
        expr=-20 * sp.exp(-r / 5) - sp.exp((sp.cos(2 * pi * x) + sp.cos(2 * pi * y)) / 2) + sp.E + 20,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([3.3, -2.6]),
        reference=f"Ackley (1987) with a = 20, b = 0.2, c = 2 pi; {VLSE}",
    )


def _goldstein_price() -> Surface:
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return Surface(
        name="goldstein_price",
        title="Goldstein-Price",
        expr=a * b,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_points((0.0, -1.0)),
        f_min=3.0,
        saddles=_points(),
        start=np.array([-0.6, 0.8]),
        reference=VLSE,
    )


def _six_hump_camel() -> Surface:
    return Surface(
        name="six_hump_camel",
        title="Six-hump camel",
        expr=(4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
        bounds=((-2.0, 2.0), (-1.2, 1.2)),
        minima=_points(
            (0.08984201310031806, -0.7126564030207396),
            (-0.08984201310031806, 0.7126564030207396),
        ),
        f_min=-1.0316284534898774,
        saddles=_points((0.0, 0.0)),
        start=np.array([-1.5, -0.9]),
        reference=VLSE,
    )


def _three_hump_camel() -> Surface:
    return Surface(
        name="three_hump_camel",
        title="Three-hump camel",
        expr=2 * x**2 - sp.Rational(21, 20) * x**4 + x**6 / 6 + x * y + y**2,
        bounds=((-2.5, 2.5), (-2.5, 2.5)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-2.2, 2.0]),
        reference=VLSE,
    )


def _matyas() -> Surface:
    return Surface(
        name="matyas",
        title="Matyas",
        expr=sp.Rational(26, 100) * (x**2 + y**2) - sp.Rational(48, 100) * x * y,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=_points((0.0, 0.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-8.0, 6.0]),
        reference=VLSE,
    )


def _mccormick() -> Surface:
    return Surface(
        name="mccormick",
        title="McCormick",
        expr=sp.sin(x + y) + (x - y) ** 2 - sp.Rational(3, 2) * x + sp.Rational(5, 2) * y + 1,
        bounds=((-1.5, 4.0), (-3.0, 4.0)),
        minima=_points((-0.5471975511965977, -1.5471975511965979)),
        f_min=-1.9132229549810364,
        saddles=_points(),
        start=np.array([3.0, 3.5]),
        reference=VLSE,
    )


def _styblinski_tang() -> Surface:
    return Surface(
        name="styblinski_tang",
        title="Styblinski-Tang",
        expr=(x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_points((-2.903534027771177, -2.903534027771177)),
        f_min=-78.33233140754282,
        saddles=_points(
            (-2.903534027771177, 0.1567312567803401),
            (0.1567312567803401, -2.903534027771177),
            (2.746802770990837, 0.1567312567803401),
            (0.1567312567803401, 2.746802770990837),
        ),
        start=np.array([0.5, 0.3]),
        reference=VLSE,
    )


def _levi13() -> Surface:
    return Surface(
        name="levi13",
        title="Levi N.13",
        expr=sp.sin(3 * pi * x) ** 2
        + (x - 1) ** 2 * (1 + sp.sin(3 * pi * y) ** 2)
        + (y - 1) ** 2 * (1 + sp.sin(2 * pi * y) ** 2),
        bounds=((-4.0, 6.0), (-4.0, 6.0)),
        minima=_points((1.0, 1.0)),
        f_min=0.0,
        saddles=_points(),
        start=np.array([-2.0, 4.0]),
        reference=VLSE,
    )


# T, the number of steps the recurrent net is unrolled over: its range.
RECURRENT_STEPS = (5, 100)


def _recurrent(T: float = 50.0) -> Surface:
    steps = round(float(T))
    low, high = RECURRENT_STEPS
    if not low <= steps <= high:
        raise ValueError(f"surface 'recurrent': T must be between {low} and {high}, got {T}")
    return NumericSurface(
        name="recurrent",
        title="Recurrent net (long-term dependencies)",
        expr=sp.Function("recurrent")(x, y),
        bounds=((-8.0, 8.0), (-4.0, 4.0)),
        # f = 0 on a whole curve (wherever x_T = 0.7), not at isolated points.
        minima=_points(),
        f_min=0.0,
        saddles=_points(),
        # Plain descent from here (lr 0.02) reaches the wall at step 12 and is thrown (lesson 22).
        start=np.array([-5.75, 3.75]),
        params={"T": float(steps)},
        reference="Pascanu, Mikolov & Bengio, On the difficulty of training recurrent neural "
        "networks (ICML 2013): one unit, x_0 = 0.5, x_t = w sigmoid(x_{t-1}) + b, f = (x_T - 0.7)^2, "
        "with x = w and y = b; the cliff lies where x_0 = 0.5 is the unstable fixed point "
        "(b = 0.5 - w sigmoid(0.5), w > 1/sigmoid'(0.5))",
        factory=_recurrent,
        functions=NumericFunctions(value=recurrence.value, grad=recurrence.grad, hessian=recurrence.hessian),
        formula=r"f(w, b) = (x_T - 0.7)^2, \quad x_t = w\,\sigma(x_{t-1}) + b, \quad x_0 = 0.5, "
        r"\quad (w, b) = (x, y),\ T = " + str(steps),
    )


_BUILDERS = (
    _saddle,
    _monkey_saddle,
    _narrow_valley,
    _cliff,
    _plateau,
    _constrained_bowl,
    _tilted_double_well,
    _rosenbrock,
    _beale,
    _booth,
    _himmelblau,
    _rastrigin,
    _ackley,
    _goldstein_price,
    _six_hump_camel,
    _three_hump_camel,
    _matyas,
    _mccormick,
    _styblinski_tang,
    _levi13,
    _recurrent,
)

SURFACES: dict[str, Surface] = {s.name: s for s in (build() for build in _BUILDERS)}


def get_surface(name: str, **params: float) -> Surface:
    """The built-in surface ``name``, with parameters overridden by ``params``."""
    try:
        surface = SURFACES[name]
    except (KeyError, TypeError):
        known = ", ".join(SURFACES)
        raise ValueError(f"unknown surface {name!r}; choose one of: {known}") from None
    return surface.with_params(**params) if params else surface
