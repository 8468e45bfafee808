r"""What the app shows of each optimizer, registered once: one view record per optimizer.

The engine's ``Optimizer`` (optimizers/base.py) holds the update rule, its defaults and their
validation; everything the pages show of it is here, so no page, panel or figure branches on an
optimizer's name: its hyperparameters with their controls, the learning rate to suggest, the
point of its state drawn beside the iterate, the arrow standing in for its gradient in the
inside view, its stability limit on a quadratic, the beats of its step told in words, and what
the step inspector says of its effective learning rate. Its name in each language is in the
text catalogs (``[optimizers]`` of ui/en.toml and ui/zh.toml).

At the viz layer, not in the engine: the engine knows nothing of pages, and viz/inside.py can
read it. tests/test_registry.py checks every record is complete and every text it names exists
in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from optimizers import OPTIMIZERS, Run
from optimizers import controls as c

# The stability limits on a quadratic with largest curvature L (viz/network.py draws them):
# gradient descent lr < 2/L, heavy ball lr < 2(1+mu)/L, Nesterov lr < 2(1+mu)/((1+2mu)L).
STABILITY = ("plain", "heavy", "nesterov")

# The textbook symbol of each recorded state field (by torch's names); a field not here is
# shown by its name.
STATE_SYMBOLS = {
    "velocity": r"b_t",
    "buffer": r"b_t",
    "exp_avg": r"m_t",
    "grad_avg": r"m_t",
    "exp_avg_sq": r"v_t",
    "max_exp_avg_sq": r"\max_{i \le t} v_i",
    "square_avg": r"E[g^2]_t",
    "acc_delta": r"E[\Delta^2]_t",
    "sum_sq": r"G_t",
    "exp_inf": r"u_t",
    "prev": r"g_{t}\ (\text{kept})",
    "step_size": r"\Delta_t",
    "ax": r"\bar\theta_t",
    "mu_product": r"\textstyle\prod_{i \le t} \mu_i",
    "variance": r"v_t",
}


class RateOn(NamedTuple):
    """What an effective learning rate multiplies (the update is -eta_eff times it, coordinate
    by coordinate; tests/test_inside.py checks each): its LaTeX ``symbol``, its ``value(run,
    record, trajectory)``, ``holds(run)``, whether the run's settings keep it one factor, and
    ``row``, the inspector's row for it when the run does not record it (None: it does)."""

    symbol: str
    value: Callable[[Run, int, int], np.ndarray]
    holds: Callable[[Run], bool] = lambda run: True
    row: str | None = None


def _gradient(run: Run, record: int, trajectory: int) -> np.ndarray:
    return run.grad[record, trajectory]


def _field(name: str) -> Callable[[Run, int, int], np.ndarray]:
    return lambda run, record, trajectory: run.state[name][record, trajectory]


def _m_hat(run: Run, record: int, trajectory: int) -> np.ndarray:
    beta1 = float(np.ravel(run.hyperparameters["beta1"])[0])
    return run.state["exp_avg"][record, trajectory] / (1 - beta1 ** int(run.step[record]))


def _sign_of_kept_gradient(run: Run, record: int, trajectory: int) -> np.ndarray:
    return np.sign(run.state["prev"][record, trajectory])


def _without_momentum(run: Run) -> bool:
    return not np.any(np.ravel(run.hyperparameters.get("momentum", 0.0)))


ON_GRADIENT = RateOn("g_t", _gradient)
ON_M_HAT = RateOn(r"\hat m_t", _m_hat, row="m_hat")
ON_M = RateOn("m_t", _field("exp_avg"))
ADAM_RATE = r"\frac{\eta}{\sqrt{\hat v_t} + \epsilon}"


class OptimizerView(NamedTuple):
    """What the app shows of optimizer ``name``. Every field is given at registration (none
    has a default: a record that forgets one does not build).

    - ``shown``: the hyperparameters the app offers, in order, with their controls;
    - ``lr_hint``: the learning rate it suggests on a surface;
    - ``suggested``: values it suggests instead of the engine's defaults;
    - ``drawn``: a state field that is a point, drawn beside the iterate (text ``fig.state.<drawn>``);
    - ``moment``: the state field drawn as an arrow in the inside view (velocity, first moment);
    - ``lookahead``: the inside view draws where the gradient is in effect taken (Nesterov);
    - ``stability``: its stability limit on a quadratic, one of STABILITY, or None;
    - ``beats``: the sub-operations of its step after the gradient, told by ui/narration.py
      (text ``nr.<beat>``);
    - ``rate_on``: what the step inspector says its effective learning rate multiplies;
    - ``rate_definition``: the inspector's definition of that rate where it is not lr itself;
    - ``hidden``: state fields the inspector leaves out (kept for torch's parity, not used).
    """

    name: str
    shown: Mapping[str, c.Control]
    lr_hint: c.LrHint
    suggested: Mapping[str, Any]
    drawn: str | None
    moment: str | None
    lookahead: bool
    stability: str | None
    beats: tuple[str, ...]
    rate_on: RateOn | None
    rate_definition: str | None
    hidden: tuple[str, ...]

    def start_values(self) -> dict[str, Any]:
        """The shown hyperparameters, each at its suggested value or else the default."""
        defaults = OPTIMIZERS[self.name].defaults
        return {key: self.suggested.get(key, defaults[key]) for key in self.shown}

    def text_keys(self) -> list[tuple[str, str]]:
        """(catalog table, key) of every text it is shown with."""
        keys = [("optimizers", self.name), ("ui", "nr.gradient")]
        keys += [("ui", f"nr.{beat}") for beat in self.beats]
        if self.drawn:
            keys.append(("ui", f"fig.state.{self.drawn}"))
        return keys


def register(name: str, shown: Mapping[str, c.Control], lr_hint: c.LrHint, **given: Any) -> OptimizerView:
    """The view of optimizer ``name``; the fields not ``given`` say "nothing to show": no
    suggestion, nothing drawn inside, no stability line, a step told as one beat, no factor for
    the inspector. ValueError for an unknown optimizer or a hyperparameter it does not have."""
    if name not in OPTIMIZERS:
        raise ValueError(f"no optimizer {name!r} to register a view of")
    unknown = (set(shown) | set(given.get("suggested", {}))) - set(OPTIMIZERS[name].defaults)
    if unknown:
        raise ValueError(f"{name} shows unknown hyperparameters {sorted(unknown)}")
    fields: dict[str, Any] = {
        "suggested": {},
        "drawn": None,
        "moment": None,
        "lookahead": False,
        "stability": None,
        "beats": ("step",),
        "rate_on": None,
        "rate_definition": None,
        "hidden": (),
    }
    return OptimizerView(name, dict(shown), lr_hint, **(fields | given))


ADAM_SHOWN = {"lr": c.LR, "beta1": c.UNIT, "beta2": c.SLOW_UNIT}
HEAVY_BALL = {"moment": "velocity", "beats": ("velocity", "step_velocity")}
ADAM_BEATS = ("adam_m", "adam_v", "adam_bias", "adam_divide", "step_rate")
DIVIDES = ("divide", "step")  # rules that divide by a running scale
OWN_RATE = ("rate", "step")  # rules whose rate changes by a rule of its own

VIEWS: dict[str, OptimizerView] = {
    v.name: v
    for v in (
        register("gd", {"lr": c.LR}, c.PLAIN_LR, stability="plain", rate_on=ON_GRADIENT),
        register(
            "momentum",
            {"lr": c.LR, "momentum": c.UNIT},
            c.HEAVY_LR,
            **HEAVY_BALL,
            stability="heavy",
            rate_on=RateOn("b_t", _field("velocity")),
        ),
        register(
            "nesterov",
            {"lr": c.LR, "momentum": c.UNIT},
            c.HEAVY_LR,
            moment="velocity",
            lookahead=True,
            stability="nesterov",
            beats=("velocity", "step_nesterov"),
        ),
        # torch's t0 = 1e6 starts the average after a million steps: 10 makes it visible here.
        register(
            "asgd",
            {"lr": c.LR, "lambd": c.POSITIVE_SLIDER, "alpha": c.POWER, "t0": c.STEPS},
            c.PLAIN_LR,
            suggested={"t0": 10.0},
            drawn="ax",
            beats=OWN_RATE,
        ),
        # Its steps only shrink.
        register(
            "adagrad",
            {"lr": c.LR},
            c.LrHint("adaptive", 5.0),
            beats=("adagrad_sum", "divide", "step_rate"),
            rate_on=ON_GRADIENT,
        ),
        # RMSProp starts with steps 1/sqrt(1 - rho) = 10x its rate; with momentum its rate
        # multiplies no one quantity.
        register(
            "rmsprop",
            {"lr": c.LR, "rho": c.SLOW_UNIT, "momentum": c.UNIT, "centered": c.FLAG},
            c.LrHint("adaptive", 1 / 3),
            beats=("rmsprop_avg", "divide", "step_rate"),
            rate_on=ON_GRADIENT._replace(holds=_without_momentum),
        ),
        register(
            "adadelta", {"lr": c.LR, "rho": c.SLOW_UNIT}, c.DEFAULT_LR, beats=DIVIDES, rate_on=ON_GRADIENT
        ),
        # Sign-based: each coordinate's step starts at lr and grows or shrinks on its own.
        register(
            "rprop",
            {"lr": c.LR, "eta_minus": c.UNIT, "eta_plus": c.GROWTH},
            c.ADAPTIVE_LR,
            beats=OWN_RATE,
            rate_on=RateOn(r"\operatorname{sign}(g_t)", _sign_of_kept_gradient),
        ),
        register(
            "adam",
            ADAM_SHOWN,
            c.ADAPTIVE_LR,
            moment="exp_avg",
            beats=ADAM_BEATS,
            rate_on=ON_M_HAT,
            rate_definition=ADAM_RATE,
            hidden=("max_exp_avg_sq",),
        ),
        register(
            "adamw",
            {**ADAM_SHOWN, "weight_decay": c.WEIGHT_DECAY},
            c.ADAPTIVE_LR,
            moment="exp_avg",
            hidden=("max_exp_avg_sq",),
        ),
        register(
            "amsgrad",
            ADAM_SHOWN,
            c.ADAPTIVE_LR,
            moment="exp_avg",
            beats=("adam_m", "adam_v", "amsgrad_max", "adam_bias", "adam_divide", "step_rate"),
            rate_on=ON_M_HAT,
            rate_definition=ADAM_RATE + r",\ \hat v_t = \frac{\max_{i \le t} v_i}{1 - \beta_2^t}",
        ),
        register("nadam", ADAM_SHOWN, c.ADAPTIVE_LR, moment="exp_avg"),
        register("adamax", ADAM_SHOWN, c.ADAPTIVE_LR, moment="exp_avg", beats=DIVIDES, rate_on=ON_M),
        register(
            "radam",
            ADAM_SHOWN,
            c.ADAPTIVE_LR,
            moment="exp_avg",
            beats=DIVIDES,
            rate_on=ON_M,
            hidden=("max_exp_avg_sq",),
        ),
        register(
            "adafactor",
            {"lr": c.LR, "beta2_decay": c.DECAY},
            c.DEFAULT_LR,
            beats=DIVIDES,
            rate_on=ON_GRADIENT,
        ),
        register("newton", {"lr": c.LR, "damping": c.POSITIVE_SLIDER}, c.DEFAULT_LR),
        register("bfgs", {"lr": c.LR, "line_search": c.FLAG}, c.DEFAULT_LR),
        register("lbfgs", {"lr": c.LR, "history": c.COUNT_SLIDER, "line_search": c.FLAG}, c.DEFAULT_LR),
        register("cg", {"variant": c.Control("select", ("PR+", "FR")), "line_search": c.FLAG}, c.DEFAULT_LR),
        # Sharpness-aware minimization: gradient descent with the gradient taken radius away uphill.
        register("sam", {"lr": c.LR, "radius": c.POSITIVE_SLIDER}, c.PLAIN_LR),
    )
}


def view(name: str) -> OptimizerView:
    """The view of optimizer ``name``; ValueError names the choices."""
    try:
        return VIEWS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(VIEWS)}") from None
