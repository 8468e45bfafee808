"""The optimizer catalog: every optimizer by name, in the order the app lists them, each
registered with what the app shows of it (its controls) and the learning rate it suggests.

Adding an optimizer: its update rule in a family module, one line here, and its name in each
text catalog (ui/en.toml, ui/zh.toml); tests/test_registry.py checks that nothing is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizers import controls as c
from optimizers.adam import ADAFACTOR, ADAM, ADAMAX, ADAMW, AMSGRAD, NADAM, RADAM
from optimizers.adaptive import ADADELTA, ADAGRAD, RMSPROP, RPROP
from optimizers.base import Optimizer
from optimizers.second_order import BFGS, CG, LBFGS, NEWTON
from optimizers.sgd import ASGD, GD, MOMENTUM, NESTEROV

ADAM_SHOWN = {"lr": c.LR, "beta1": c.UNIT, "beta2": c.SLOW_UNIT}


def register(
    optimizer: Optimizer,
    shown: Mapping[str, c.Control],
    lr_hint: c.LrHint,
    suggested: Mapping[str, Any] | None = None,
    drawn: str | None = None,
) -> Optimizer:
    """``optimizer`` with what the app shows of it: its hyperparameters (in order, with their
    controls), the learning rate it suggests, other values it suggests instead of the
    defaults (``suggested``), and a point of its state drawn beside the iterate (``drawn``)."""
    unknown = (set(shown) | set(suggested or {})) - set(optimizer.defaults)
    if unknown:
        raise ValueError(f"{optimizer.name} shows unknown hyperparameters {sorted(unknown)}")
    return optimizer._replace(
        shown=dict(shown), lr_hint=lr_hint, suggested=dict(suggested or {}), drawn=drawn
    )


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        register(GD, {"lr": c.LR}, c.PLAIN_LR),
        register(MOMENTUM, {"lr": c.LR, "momentum": c.UNIT}, c.HEAVY_LR),
        register(NESTEROV, {"lr": c.LR, "momentum": c.UNIT}, c.HEAVY_LR),
        # torch's t0 = 1e6 starts the average after a million steps: 10 makes it visible here.
        register(
            ASGD,
            {"lr": c.LR, "lambd": c.POSITIVE, "alpha": c.POWER, "t0": c.STEPS},
            c.PLAIN_LR,
            suggested={"t0": 10.0},
            drawn="ax",
        ),
        register(ADAGRAD, {"lr": c.LR}, c.LrHint("adaptive", 5.0)),  # its steps only shrink
        # RMSProp starts with steps 1/sqrt(1 - rho) = 10x its rate.
        register(
            RMSPROP,
            {"lr": c.LR, "rho": c.SLOW_UNIT, "momentum": c.UNIT, "centered": c.FLAG},
            c.LrHint("adaptive", 1 / 3),
        ),
        register(ADADELTA, {"lr": c.LR, "rho": c.SLOW_UNIT}, c.DEFAULT_LR),
        # Sign-based: each coordinate's step starts at lr and grows or shrinks on its own.
        register(RPROP, {"lr": c.LR, "eta_minus": c.UNIT, "eta_plus": c.GROWTH}, c.ADAPTIVE_LR),
        register(ADAM, ADAM_SHOWN, c.ADAPTIVE_LR),
        register(ADAMW, {**ADAM_SHOWN, "weight_decay": c.WEIGHT_DECAY}, c.ADAPTIVE_LR),
        register(AMSGRAD, ADAM_SHOWN, c.ADAPTIVE_LR),
        register(NADAM, ADAM_SHOWN, c.ADAPTIVE_LR),
        register(ADAMAX, ADAM_SHOWN, c.ADAPTIVE_LR),
        register(RADAM, ADAM_SHOWN, c.ADAPTIVE_LR),
        register(ADAFACTOR, {"lr": c.LR, "beta2_decay": c.DECAY}, c.DEFAULT_LR),
        register(NEWTON, {"lr": c.LR, "damping": c.POSITIVE}, c.DEFAULT_LR),
        register(BFGS, {"lr": c.LR, "line_search": c.FLAG}, c.DEFAULT_LR),
        register(LBFGS, {"lr": c.LR, "history": c.COUNT, "line_search": c.FLAG}, c.DEFAULT_LR),
        register(CG, {"variant": c.Control("select", ("PR+", "FR")), "line_search": c.FLAG}, c.DEFAULT_LR),
    )
}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name`` (see OPTIMIZERS); ValueError names the choices."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
