"""What the app shows of each optimizer, registered once: one view record per optimizer.

The engine's ``Optimizer`` (optimizers/base.py) holds the update rule, its defaults and their
validation; everything the pages show of it is here: the hyperparameters with their controls,
the learning rate to suggest, the point of its state drawn beside the iterate. At the viz
layer (not in the engine) so the engine knows nothing of pages, and viz/inside.py can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from optimizers import OPTIMIZERS
from optimizers import controls as c


class OptimizerView(NamedTuple):
    """What the app shows of optimizer ``name``: its hyperparameters in order with their
    controls (``shown``), the learning rate it suggests (``lr_hint``), other values it suggests
    instead of the defaults (``suggested``), and the state field that is a point to draw
    beside the iterate (``drawn``)."""

    name: str
    shown: Mapping[str, c.Control]
    lr_hint: c.LrHint
    suggested: Mapping[str, Any] = {}
    drawn: str | None = None

    def start_values(self) -> dict[str, Any]:
        """The shown hyperparameters, each at its suggested value or else the default."""
        defaults = OPTIMIZERS[self.name].defaults
        return {key: self.suggested.get(key, defaults[key]) for key in self.shown}


ADAM_SHOWN = {"lr": c.LR, "beta1": c.UNIT, "beta2": c.SLOW_UNIT}

VIEWS: dict[str, OptimizerView] = {
    v.name: v
    for v in (
        OptimizerView("gd", {"lr": c.LR}, c.PLAIN_LR),
        OptimizerView("momentum", {"lr": c.LR, "momentum": c.UNIT}, c.HEAVY_LR),
        OptimizerView("nesterov", {"lr": c.LR, "momentum": c.UNIT}, c.HEAVY_LR),
        # torch's t0 = 1e6 starts the average after a million steps: 10 makes it visible here.
        OptimizerView(
            "asgd",
            {"lr": c.LR, "lambd": c.POSITIVE, "alpha": c.POWER, "t0": c.STEPS},
            c.PLAIN_LR,
            suggested={"t0": 10.0},
            drawn="ax",
        ),
        OptimizerView("adagrad", {"lr": c.LR}, c.LrHint("adaptive", 5.0)),  # its steps only shrink
        # RMSProp starts with steps 1/sqrt(1 - rho) = 10x its rate.
        OptimizerView(
            "rmsprop",
            {"lr": c.LR, "rho": c.SLOW_UNIT, "momentum": c.UNIT, "centered": c.FLAG},
            c.LrHint("adaptive", 1 / 3),
        ),
        OptimizerView("adadelta", {"lr": c.LR, "rho": c.SLOW_UNIT}, c.DEFAULT_LR),
        # Sign-based: each coordinate's step starts at lr and grows or shrinks on its own.
        OptimizerView("rprop", {"lr": c.LR, "eta_minus": c.UNIT, "eta_plus": c.GROWTH}, c.ADAPTIVE_LR),
        OptimizerView("adam", ADAM_SHOWN, c.ADAPTIVE_LR),
        OptimizerView("adamw", {**ADAM_SHOWN, "weight_decay": c.WEIGHT_DECAY}, c.ADAPTIVE_LR),
        OptimizerView("amsgrad", ADAM_SHOWN, c.ADAPTIVE_LR),
        OptimizerView("nadam", ADAM_SHOWN, c.ADAPTIVE_LR),
        OptimizerView("adamax", ADAM_SHOWN, c.ADAPTIVE_LR),
        OptimizerView("radam", ADAM_SHOWN, c.ADAPTIVE_LR),
        OptimizerView("adafactor", {"lr": c.LR, "beta2_decay": c.DECAY}, c.DEFAULT_LR),
        OptimizerView("newton", {"lr": c.LR, "damping": c.POSITIVE}, c.DEFAULT_LR),
        OptimizerView("bfgs", {"lr": c.LR, "line_search": c.FLAG}, c.DEFAULT_LR),
        OptimizerView("lbfgs", {"lr": c.LR, "history": c.COUNT, "line_search": c.FLAG}, c.DEFAULT_LR),
        OptimizerView(
            "cg", {"variant": c.Control("select", ("PR+", "FR")), "line_search": c.FLAG}, c.DEFAULT_LR
        ),
    )
}


def view(name: str) -> OptimizerView:
    """The view of optimizer ``name``; ValueError names the choices."""
    try:
        return VIEWS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(VIEWS)}") from None
