"""The lessons: one classroom scene per idea of the lecture notes (their words: ui/*.toml).

Each scene is a set of URL parameters of the Playground (or, for the lessons that need a real
network, of the Network page), so "Open in the Playground" reproduces it exactly;
tests/test_lessons.py and tests/test_network_lessons.py check every "what to notice" sentence
against the engine's numbers for that very scene. No Streamlit here.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Scene:
    query: dict[str, str]  # Playground URL parameters; its label is in the text catalogs


@dataclasses.dataclass(frozen=True)
class Lesson:
    """A lesson's scenes; its title, text, update rule (LaTeX), "what to notice" (checked by
    a test) and scene labels are in the text catalogs under ``lessons.<key>``.

    ``page`` is where the scenes open: ``"playground"`` (surfaces) or ``"network"``; a network
    lesson also names the ``view`` that shows its point beside the training: ``"layers"``
    (gradient norm of each layer), ``"sharpness"``, ``"weights"`` or ``"lines"``; a playground
    lesson may add a figure: ``"eigen"`` (the runs in the Hessian's eigenbasis), ``"goe"``
    (the share of random symmetric Hessians that are positive definite, against d) or
    ``"recurrence"`` (|dx_T/dx_0| of a recurrent unit against T: vanishing or exploding); a
    network lesson's ``"taylor"`` draws the two terms of a gradient step's Taylor expansion."""

    key: str
    scenes: tuple[Scene, ...]
    page: str = "playground"
    view: str | None = None
    # Whether its charts mark where early stopping keeps and stops (the early-stopping lesson).
    marks_early_stopping: bool = False
    # The question asked before the animation (ui/questions.py): its kind, then arguments.
    question: tuple = ()


VALLEY10 = {"s": "narrow_valley", "p.kappa": "10", "p.angle": "20"}
VALLEY100 = {"s": "narrow_valley", "p.kappa": "100"}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="step_size",
        question=("diverges",),
        scenes=(
            Scene({**VALLEY10, "opt": "gd", "gd.lr": "0.01", "steps": "200"}),
            Scene({**VALLEY10, "opt": "gd", "gd.lr": "0.1", "steps": "200"}),
            Scene({**VALLEY10, "opt": "gd", "gd.lr": "0.224", "steps": "200"}),
        ),
    ),
    Lesson(
        key="momentum",
        # the notice's criterion: the loss below 10⁻⁶ for good
        question=("first", 1e-6),
        scenes=(
            Scene(
                {
                    **VALLEY100,
                    "opt": "gd,momentum",
                    "gd.lr": "0.01",
                    "momentum.lr": "0.01",
                    "momentum.momentum": "0.9",
                    "steps": "1500",
                },
            ),
        ),
    ),
    Lesson(
        key="nesterov",
        question=("first", 1e-6),
        scenes=(
            Scene(
                {
                    **VALLEY100,
                    "opt": "momentum,nesterov",
                    "momentum.lr": "0.01",
                    "nesterov.lr": "0.01",
                    "momentum.momentum": "0.9",
                    "nesterov.momentum": "0.9",
                    "steps": "300",
                },
            ),
        ),
    ),
    Lesson(
        key="adaptive",
        question=("lowest",),
        scenes=(
            Scene(
                {
                    "s": "narrow_valley",
                    "p.kappa": "50",
                    "opt": "adagrad,rmsprop,adadelta",
                    "adagrad.lr": "0.5",
                    "rmsprop.lr": "0.0178",
                    "noise": "0.5",
                    "steps": "1000",
                    "starts": "ring",
                    "count": "8",
                    "spread": "0.02",
                },
            ),
        ),
    ),
    Lesson(
        key="adam",
        question=("lowest",),
        scenes=(
            Scene(
                {
                    "s": "rosenbrock",
                    "opt": "adam,amsgrad,nadam,adamax,adafactor",
                    "adam.lr": "0.0501",
                    "amsgrad.lr": "0.0501",
                    "nadam.lr": "0.0501",
                    "adamax.lr": "0.0501",
                    "steps": "500",
                },
            ),
        ),
    ),
    Lesson(
        key="saddle",
        # Where Newton damped with alpha = 0.5 ends (entries: ridge gd, momentum; noisy gd;
        # Newton alpha = 0, 0.5, 1.5).
        question=("newton_end", 4),
        scenes=(
            Scene(
                {
                    "s": "saddle",
                    "opt": "gd,momentum",
                    "gd.lr": "0.05",
                    "momentum.lr": "0.05",
                    "x0": "-1.5",
                    "y0": "0.0",
                    "steps": "400",
                },
            ),
            Scene(
                {
                    "s": "saddle",
                    "opt": "gd",
                    "gd.lr": "0.05",
                    "x0": "-1.5",
                    "y0": "0.0",
                    "steps": "400",
                    "noise": "0.05",
                },
            ),
            # Newton just off the ridge, damped by alpha = 0, 0.5, 1.5 (lambda_min = -1 here;
            # lesson 12 refers to these scenes).
            *(
                Scene(
                    {
                        "s": "saddle",
                        "opt": "newton",
                        "newton.damping": alpha,
                        "x0": "-1.5",
                        "y0": "0.001",
                        "steps": "400",
                    },
                )
                for alpha in ("0.0", "0.5", "1.5")
            ),
        ),
        # beside it: how rare minima are among random critical points in d dimensions
        view="goe",
    ),
    Lesson(
        key="cliff",
        question=("jump",),
        scenes=(
            Scene(
                {"s": "cliff", "opt": "gd", "gd.lr": "0.025", "steps": "100"},
            ),
            Scene(
                {
                    "s": "cliff",
                    "opt": "gd",
                    "gd.lr": "0.025",
                    "steps": "100",
                    "clip": "norm",
                    "clip_at": "1.0",
                },
            ),
        ),
    ),
    Lesson(
        key="plateau",
        question=("first", 0.05),
        scenes=(
            Scene(
                {
                    "s": "plateau",
                    "opt": "gd,momentum,adam",
                    "gd.lr": "1.0",
                    "momentum.lr": "1.0",
                    "adam.lr": "0.1",
                    "steps": "300",
                },
            ),
        ),
    ),
    Lesson(
        key="l1_l2",
        # where the L1 penalty's solution ends: on an axis, off the axes, at the origin
        question=("axis_end", 0),
        scenes=(
            Scene(
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.01",
                    "steps": "3000",
                    "reg": "l1",
                    "strength": "1.0",
                },
            ),
            Scene(
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l2",
                    "strength": "1.0",
                },
            ),
            Scene(
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l1_ball",
                    "strength": "1.0",
                },
            ),
            Scene(
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l2_ball",
                    "strength": "1.0",
                },
            ),
        ),
    ),
    Lesson(
        key="initialization",
        # how many of the 25 starts end in the global minimum (in ranges)
        question=("global_count", 0),
        scenes=(
            Scene(
                {
                    # Four minima of unequal loss (Himmelblau's four are all global).
                    "s": "styblinski_tang",
                    "opt": "gd",
                    "gd.lr": "0.01",
                    "starts": "grid",
                    "count": "25",
                    "spread": "0.3",
                    "x0": "0.0",
                    "y0": "0.0",
                    "steps": "500",
                },
            ),
        ),
    ),
    Lesson(
        key="minibatch",
        # whose cloud of end points is tighter (what the map shows)
        question=("tightest",),
        scenes=(
            Scene(
                {
                    "s": "narrow_valley",
                    "p.kappa": "10",
                    "opt": "gd",
                    "gd.lr": "0.0501",
                    "noise": "1.0",
                    "steps": "600",
                    "starts": "ring",
                    "count": "25",
                    "spread": "0.02",
                },
            ),
            Scene(
                {
                    "s": "narrow_valley",
                    "p.kappa": "10",
                    "opt": "gd",
                    "gd.lr": "0.0501",
                    "noise": "1.0",
                    "steps": "600",
                    "starts": "ring",
                    "count": "25",
                    "spread": "0.02",
                    "schedule": "linear",
                    "tau": "400",
                    "final": "0.01",
                },
            ),
        ),
    ),
    Lesson(
        key="second_order",
        # the engine's convergence test, the notice's "converges in one step"
        question=("first",),
        scenes=(
            Scene(
                {
                    "s": "narrow_valley",
                    "p.kappa": "100",
                    "p.angle": "30",
                    "opt": "gd,newton,bfgs,lbfgs,cg",
                    "gd.lr": "0.01",
                    "steps": "200",
                },
            ),
        ),
    ),
)

# The lessons that need a real network (lecture notes 8.1-8.4): Network page scenes.
FULL = {"batch": "0"}
DEEP_TANH = {"opt": "adam", "layers": "4", "units": "16", "steps": "500", **FULL}
DEEP = {"opt": "gd", "layers": "4", "units": "16", "steps": "200", **FULL}
SPARSE = {"opt": "gd", "gd.lr": "0.5", "steps": "1000"}
NETWORK_LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="net_early_stopping",
        question=("early_stop", 0),
        scenes=(
            Scene(
                {
                    "opt": "adam",
                    "n": "30",
                    "noise": "0.35",
                    "dseed": "1",
                    "nval": "200",
                    "patience": "10",
                    "units": "64",
                    "steps": "1000",
                    **FULL,
                }
            ),
        ),
        page="network",
        marks_early_stopping=True,
    ),
    Lesson(
        key="net_minibatch",
        question=("highest",),
        scenes=(
            Scene({"opt": "gd", "steps": "10", **FULL}),
            Scene({"opt": "gd", "steps": "60", "batch": "32"}),
            Scene({"opt": "gd", "gd.lr": "0.1", "steps": "2000", "batch": "1"}),
        ),
        page="network",
    ),
    Lesson(
        key="net_initialization",
        question=("lowest",),
        scenes=(
            Scene({**DEEP_TANH, "init": "zeros"}),
            Scene({**DEEP_TANH, "init": "normal", "scale": "0.01"}),
            Scene({**DEEP_TANH, "init": "normal", "scale": "10.0"}),
            Scene({**DEEP_TANH, "init": "glorot"}),
        ),
        page="network",
        view="layers",
    ),
    Lesson(
        key="net_depth",
        question=("lowest",),
        scenes=(
            Scene({**DEEP, "act": "sigmoid"}),
            Scene({**DEEP, "act": "relu", "init": "normal", "gd.lr": "0.001"}),
        ),
        page="network",
        view="layers",
    ),
    Lesson(
        key="net_step_size",
        question=("sharpness", 0),
        scenes=(Scene({"opt": "gd", "gd.lr": "0.5", "steps": "2000", **FULL}),),
        page="network",
        view="sharpness",
    ),
    Lesson(
        key="net_toy_lessons",
        question=("lowest",),
        scenes=(
            # Equal effective steps: gradient descent at 1.0, momentum at 0.1 / (1 - 0.9) = 1.0.
            Scene({"opt": "gd,momentum,adam", "gd.lr": "1.0", "momentum.lr": "0.1", "steps": "300", **FULL}),
        ),
        page="network",
    ),
    Lesson(
        key="net_l1_l2",
        question=("sparsest",),
        scenes=(
            Scene({**SPARSE, "reg": "l1", "strength": "0.001"}),
            Scene({**SPARSE, "reg": "l2", "strength": "0.001"}),
            Scene(SPARSE),
        ),
        page="network",
        view="weights",
    ),
    Lesson(
        key="net_minima",
        question=("barrier",),
        scenes=(
            Scene({"opt": "adam", "steps": "1000"}),
            Scene({"opt": "adam", "steps": "1000", "iseed": "1"}),
        ),
        page="network",
        view="lines",
    ),
)
# Momentum seen in the Hessian's eigenbasis (Goh, "Why Momentum Really Works"): each
# coordinate is a damped oscillator; same rate, three dampings of the flat direction.
EIGEN_LESSON = Lesson(
    key="momentum_eigen",
    # the notice's criterion: the flat coordinate within a thousandth of its start for good
    question=("flat_first", 1e-3),
    scenes=tuple(
        Scene(
            {**VALLEY100, "opt": "momentum", "momentum.lr": "0.01", "momentum.momentum": beta, "steps": "300"}
        )
        for beta in ("0.5", "0.81", "0.97")
    ),
    view="eigen",
)
LESSONS = LESSONS + NETWORK_LESSONS + (EIGEN_LESSON,)

# Long-term dependencies (notes 8.2.5, 8.2.4): the recurrent net's cliff, where the same weight
# multiplied T times makes the gradient explode; the same start with and without clipping (at
# norm 20, above every gradient met before the wall: the two runs agree until they reach it).
RECURRENT = {
    "s": "recurrent",
    "p.T": "50",
    "opt": "gd",
    "gd.lr": "0.02",
    "steps": "200",  # from the surface's own start, (-5.75, 3.75)
}
RECURRENT_LESSON = Lesson(
    key="recurrent",
    question=("jump",),
    scenes=(Scene(RECURRENT), Scene({**RECURRENT, "clip": "norm", "clip_at": "20"})),
    view="recurrence",
)
LESSONS = (*LESSONS, RECURRENT_LESSON)

# A costly local minimum (notes 8.2.2): gradient descent stops in the near, shallow well;
# momentum's speed carries it over the hill into the deeper one, but only from high on the wall.
DOUBLE_WELL = {
    "s": "tilted_double_well",
    "opt": "gd,momentum",
    "gd.lr": "0.02",
    "momentum.lr": "0.02",
    "momentum.momentum": "0.9",
    "steps": "400",
}
COSTLY_MINIMUM_LESSON = Lesson(
    key="costly_minimum",
    question=("lowest",),
    # the surface's own start, (1.8, 1), then one lower on the wall
    scenes=(Scene(DOUBLE_WELL), Scene({**DOUBLE_WELL, "x0": "1.2", "y0": "1.0"})),
)
LESSONS = (*LESSONS, COSTLY_MINIMUM_LESSON)

# Schedules under noise (notes 8.3.1): a constant rate hovers at its noise floor, the linear
# decay at a lower one, the 1/t schedule (Robbins-Monro) keeps converging.
NOISY_VALLEY = {
    "s": "narrow_valley",
    "p.kappa": "10",
    "opt": "gd",
    "gd.lr": "0.0501",
    "noise": "1.0",
    "steps": "2000",
    "starts": "ring",
    "count": "25",
    "spread": "0.02",
}
SCHEDULES_LESSON = Lesson(
    key="schedules",
    # whose 25 end points gather closest to the minimum (the map)
    question=("tightest",),
    scenes=(
        Scene(NOISY_VALLEY),
        Scene({**NOISY_VALLEY, "schedule": "linear", "tau": "400", "final": "0.1"}),
        Scene({**NOISY_VALLEY, "schedule": "inverse", "tau": "50"}),
    ),
)
LESSONS = (*LESSONS, SCHEDULES_LESSON)

# Look-ahead and averaging under noise (notes 8.3.3, 8.7): Nesterov's lead on a clean gradient
# becomes a constant factor on the noise floor; Polyak averaging (ASGD from step 200) lands
# well inside the cloud its iterate hovers in.
VALLEY_HB = {"s": "narrow_valley", "p.kappa": "10", "opt": "momentum,nesterov", "momentum.lr": "0.01"}
NOISY_RING = {"noise": "1.0", "steps": "1000", "starts": "ring", "count": "25", "spread": "0.02"}
AVERAGING_LESSON = Lesson(
    key="noise_averaging",
    # lesson 3's criterion: the loss below 1e-6 for good (no noisy run gets there)
    question=("first", 1e-6),
    scenes=(
        Scene({**VALLEY_HB, "nesterov.lr": "0.01", "steps": "300"}),
        Scene({**VALLEY_HB, "nesterov.lr": "0.01", **NOISY_RING}),
        Scene(
            {
                "s": "narrow_valley",
                "p.kappa": "10",
                "opt": "asgd",
                "asgd.lr": "0.0501",
                "asgd.lambd": "0",
                "asgd.t0": "200",
                **NOISY_RING,
            }
        ),
    ),
)
LESSONS = (*LESSONS, AVERAGING_LESSON)

# Batch normalization (notes 000, 003, 004): lesson 16's four-layer sigmoid network trained by
# gradient descent at ten times the page's rate, with and without it, from Glorot's start and
# from four times that scale.
BN_DEEP = {
    "opt": "gd",
    "gd.lr": "5.0",
    "layers": "4",
    "units": "16",
    "act": "sigmoid",
    "steps": "500",
    "batch": "0",
}
BATCH_NORM_LESSON = Lesson(
    key="batch_norm",
    question=("highest",),
    scenes=(
        Scene(BN_DEEP),
        Scene({**BN_DEEP, "bn": "1"}),
        Scene({**BN_DEEP, "scale": "4.0"}),
        Scene({**BN_DEEP, "bn": "1", "scale": "4.0"}),
    ),
    page="network",
    view="layers",
)
LESSONS = (*LESSONS, BATCH_NORM_LESSON)

# Rprop, the notes' delta-bar-delta idea (8.5): signs only, one step size per coordinate; and
# why the notes keep it to full batches (with noise the signs flip at random).
RPROP_VALLEY = {
    "s": "narrow_valley",
    "p.kappa": "100",
    "opt": "gd,rprop",
    "gd.lr": "0.01",
    "rprop.lr": "0.01",
    "steps": "300",
}
RPROP_LESSON = Lesson(
    key="rprop",
    question=("first", 1e-6),
    scenes=(
        Scene(RPROP_VALLEY),
        Scene({**RPROP_VALLEY, "noise": "1.0", "starts": "ring", "count": "25", "spread": "0.02"}),
    ),
)
LESSONS = (*LESSONS, RPROP_LESSON)

# The notes' figure 8.1 (8.2.1): minibatch gradient descent on the page's network, its squared
# gradient norm rising while its loss falls, with the curvature term from exact Hessian-vector
# products beside it.
GRADIENT_GROWTH_LESSON = Lesson(
    key="net_gradient_growth",
    question=("gradient_trend", 0),
    scenes=(Scene({"opt": "gd", "gd.lr": "0.1", "steps": "2000", "batch": "8"}),),
    page="network",
    view="taylor",
)
LESSONS = (*LESSONS, GRADIENT_GROWTH_LESSON)

# Dropout (note 004) beside L2 and early stopping: lesson 13's 30 noisy points and 64-unit
# network, trained by Adam with the full batch for 1,000 steps, marked where early stopping keeps.
OVERFIT = {
    "opt": "adam",
    "n": "30",
    "noise": "0.35",
    "dseed": "1",
    "nval": "200",
    "patience": "10",
    "units": "64",
    "steps": "1000",
    "batch": "0",
}
DROPOUT_LESSON = Lesson(
    key="dropout",
    question=("lowest_test",),
    scenes=(
        Scene(OVERFIT),
        Scene({**OVERFIT, "drop": "0.5"}),
        Scene({**OVERFIT, "reg": "l2", "strength": "0.01"}),
    ),
    page="network",
    marks_early_stopping=True,
)
LESSONS = (*LESSONS, DROPOUT_LESSON)

# Research results on the page's network, computed live (networks/research.py, viz/research.py).
# Goodfellow, Vinyals and Saxe (2015), figure 1: the straight line from the start to the end, for
# full-batch gradient descent, Adam on minibatches of 32 and gradient descent on minibatches of 8.
RESEARCH_LINE_LESSON = Lesson(
    key="research_line",
    question=("line_rise",),
    scenes=(
        Scene({"opt": "gd", "gd.lr": "0.5", "steps": "2000", "batch": "0"}),
        Scene({"opt": "adam", "steps": "1000"}),
        Scene({"opt": "gd", "gd.lr": "0.5", "steps": "2000", "batch": "8"}),
    ),
    page="network",
    view="research_line",
)
# Li et al. (2018), section 4: a trained ReLU network rescaled (first hidden layer by c, the next
# layer's weights by 1/c), sliced along one Gaussian direction and along filter-normalized ones.
RESEARCH_RESCALING_LESSON = Lesson(
    key="research_rescaling",
    question=("rescaled_curvature",),
    scenes=(Scene({"opt": "adam", "steps": "1000", "act": "relu"}),),
    page="network",
    view="research_rescaling",
)
# Belkin et al. (2019), figure 2: minimum-norm least squares on p random ReLU features of the
# scene's 40 training points (its test points too); the scene trains a 64-unit ReLU network on them.
RESEARCH_DOUBLE_DESCENT_LESSON = Lesson(
    key="research_double_descent",
    question=("double_descent_peak",),
    scenes=(
        Scene(
            {
                "opt": "adam",
                "n": "40",
                "layers": "1",
                "units": "64",
                "act": "relu",
                "steps": "1000",
                "batch": "0",
            }
        ),
    ),
    page="network",
    view="research_double_descent",
)
# Lewkowycz et al. (2020), figure 1: the catapult of a wide two-layer ReLU network with the squared
# loss on the scene's 40 points; the scene is the Network page's gradient descent on them.
RESEARCH_CATAPULT_LESSON = Lesson(
    key="research_catapult",
    question=("catapult_path", 1),
    scenes=(
        Scene(
            {
                "opt": "gd",
                "gd.lr": "0.5",
                "n": "40",
                "layers": "1",
                "units": "64",
                "act": "relu",
                "steps": "300",
                "batch": "0",
            }
        ),
    ),
    page="network",
    view="research_catapult",
)
# Foret et al. (2021), algorithm 1: sharpness-aware minimization (optimizers/sam.py) beside plain
# gradient descent at the same rate, full batch, on the page's network.
RESEARCH_SAM_LESSON = Lesson(
    key="research_sam",
    question=("flattest",),
    scenes=(
        Scene(
            {
                "opt": "gd,sam",
                "gd.lr": "0.5",
                "sam.lr": "0.5",
                "sam.radius": "0.05",
                "steps": "1000",
                "batch": "0",
            }
        ),
    ),
    page="network",
    view="research_sam",
)
# Garipov et al. (2018), figure 1, and Draxler et al. (2018): lesson 20's two minima joined by a
# trained quadratic Bezier curve of low loss where the straight line between them has a barrier.
RESEARCH_BEZIER_LESSON = Lesson(
    key="research_bezier",
    question=("bezier_barrier",),
    scenes=(
        Scene({"opt": "adam", "steps": "1000"}),
        Scene({"opt": "adam", "steps": "1000", "iseed": "1"}),
    ),
    page="network",
    view="research_bezier",
)
LESSONS = (
    *LESSONS,
    RESEARCH_LINE_LESSON,
    RESEARCH_RESCALING_LESSON,
    RESEARCH_DOUBLE_DESCENT_LESSON,
    RESEARCH_CATAPULT_LESSON,
    RESEARCH_SAM_LESSON,
    RESEARCH_BEZIER_LESSON,
)

BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def _short(text: str, most: int = 8) -> bool:
    """Whether a word between formulas is short enough to end the line before it (a Chinese
    character counts as two Latin letters: it is about twice as wide)."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text.removeprefix(r"\text{").removesuffix("}")) <= most


def stacked_formulas(rule: str) -> str:
    """A lesson's rule with its formulas one under another, for a narrow column (a projector's
    text column, a phone): written on one line the long ones ran off the column's edge."""
    for gap in (r"\qquad", r"\quad"):
        parts = [part.strip().removesuffix(",").strip() for part in rule.split(gap)]
        if len(parts) > 1:
            lines = [parts[0]]
            for part in parts[1:]:  # a word between formulas ("versus") ends the line before it;
                # a longer phrase ("is stable near a minimum only if") is a line of its own:
                # after the formula it ran off a projector's column ("...stable near a minimu")
                if (
                    part.startswith(r"\text{")
                    and part.endswith("}")
                    and part.count("}") == 1
                    and _short(part)
                ):
                    lines[-1] += r"\quad " + part
                else:
                    lines.append(part)
            return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"
    return rule


# What depth adds (issue 29, item 3): the same four tanh units in one hidden layer or in each of
# two, trained by Adam on the same spirals, same steps; the panel draws what each unit of the
# deeper network computes (a layer-2 unit: tanh of a weighted sum of layer 1's maps).
DEPTH = {
    "data": "spirals",
    "noise": "0.1",
    "units": "4",
    "opt": "adam",
    "steps": "1000",
    "batch": "0",
}
DEPTH_LESSON = Lesson(
    key="net_what_depth_adds",
    question=("lowest_test",),
    scenes=(Scene({**DEPTH, "layers": "1"}), Scene({**DEPTH, "layers": "2"})),
    page="network",
    view="neurons",
)
LESSONS = (*LESSONS, DEPTH_LESSON)
BY_KEY = {lesson.key: lesson for lesson in LESSONS}
