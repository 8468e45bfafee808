"""How the app shows a hyperparameter: its control, the values it offers, the range a sweep
covers, and the learning rate to suggest on a surface. Registered with each optimizer
(registry.py), so a page needs nothing else to show a new optimizer."""

from __future__ import annotations

from typing import Any, NamedTuple


def _log_grid(low_exp: int, high_exp: int, per_decade: int = 20) -> tuple[float, ...]:
    values = {
        float(f"{10 ** (k / per_decade):.3g}") for k in range(low_exp * per_decade, high_exp * per_decade + 1)
    }
    return tuple(sorted(values))


LR_GRID = _log_grid(-5, 1)  # learning rates, 20 per decade (12 % apart), 3 significant digits
POSITIVE_GRID = _log_grid(-3, 2, 10)  # thresholds, strengths, damping
UNIT_GRID = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
DECAY_GRID = (-1.0, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0)


class Control(NamedTuple):
    """A hyperparameter's control: a ``slider`` over ``options`` (numbers), a ``checkbox``, or a
    ``select`` among ``options``; ``sweep`` is the range the Sweep page covers (log-spaced when
    ``log``), None when it is not swept (the learning rate's range follows its suggestion)."""

    kind: str
    options: tuple[Any, ...]
    sweep: tuple[float, float] | None = None
    log: bool = False


LR = Control("slider", LR_GRID, log=True)
UNIT = Control("slider", UNIT_GRID, sweep=(0.0, 0.99))
SLOW_UNIT = Control("slider", UNIT_GRID, sweep=(0.5, 0.999))  # averages over many steps
FLAG = Control("checkbox", (True, False))
POSITIVE_SLIDER = Control("slider", (0.0, *POSITIVE_GRID), sweep=(1e-3, 10.0), log=True)
WEIGHT_DECAY = POSITIVE_SLIDER._replace(sweep=(1e-4, 1.0))
DECAY = Control("slider", DECAY_GRID, sweep=(-1.0, -0.1))
COUNT_SLIDER = Control("slider", (1, 2, 3, 5, 10, 20, 50))
GROWTH = Control("slider", (1.05, 1.1, 1.2, 1.3, 1.5, 2.0, 3.0), sweep=(1.05, 3.0))  # factors above 1
POWER = Control("slider", (0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0), sweep=(0.5, 1.0))  # exponents
STEPS = Control("slider", (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 1e6), log=True)


class LrHint(NamedTuple):
    """The learning rate the app suggests on a surface: ``factor`` times the rate that suits
    its ``basis`` there: ``"plain"`` (gradient descent: about 1/L), ``"heavy"`` (with momentum:
    a third of that), ``"adaptive"`` (methods with steps of about lr), or ``"default"`` (the
    optimizer's own default: line searches, Newton, Adadelta)."""

    basis: str
    factor: float = 1.0


DEFAULT_LR = LrHint("default")
PLAIN_LR = LrHint("plain")
HEAVY_LR = LrHint("heavy")
ADAPTIVE_LR = LrHint("adaptive")
