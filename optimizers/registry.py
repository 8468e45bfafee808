"""The optimizer catalog: every optimizer by name, in the order the app lists them, gathered
from the family modules (each lists its optimizers in ``FAMILY``). What the app shows of each
is registered once, in viz/optimizer_views.py.

Adding an optimizer: its update rule in a family module (and in that module's FAMILY), its
view in viz/optimizer_views.py, and its name in each text catalog (ui/en.toml, ui/zh.toml);
tests/test_registry.py checks that nothing is missing.
"""

from __future__ import annotations

from optimizers import adam, adaptive, sam, second_order, sgd
from optimizers.base import Optimizer

FAMILIES = (sgd, adaptive, adam, second_order, sam)

OPTIMIZERS: dict[str, Optimizer] = {o.name: o for family in FAMILIES for o in family.FAMILY}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name`` (see OPTIMIZERS); ValueError names the choices."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
