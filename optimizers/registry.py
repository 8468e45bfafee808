"""The optimizer catalog: every optimizer by name, in the order the app lists them."""

from __future__ import annotations

from optimizers.adam import ADAFACTOR, ADAM, ADAMAX, ADAMW, AMSGRAD, NADAM, RADAM
from optimizers.adaptive import ADADELTA, ADAGRAD, RMSPROP
from optimizers.base import Optimizer
from optimizers.second_order import BFGS, CG, LBFGS, NEWTON
from optimizers.sgd import GD, MOMENTUM, NESTEROV

OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        GD,
        MOMENTUM,
        NESTEROV,
        ADAGRAD,
        RMSPROP,
        ADADELTA,
        ADAM,
        ADAMW,
        AMSGRAD,
        NADAM,
        ADAMAX,
        RADAM,
        ADAFACTOR,
        NEWTON,
        BFGS,
        LBFGS,
        CG,
    )
}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name`` (see OPTIMIZERS); ValueError names the choices."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
