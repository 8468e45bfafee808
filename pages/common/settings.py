"""The Playground's settings: one plain object, built from widgets or from the URL.

A URL is user input (anyone can send a crafted link), so ``from_query`` validates and
clamps every value, falls back to defaults, and reports what it replaced. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from optimizers import OPTIMIZERS, Run, get_optimizer, simulate
from surfaces import SURFACES

# Server-side caps: a public app must bound the work of one request.
MAX_STEPS = 3000
MIN_STEPS = 10
MAX_OPTIMIZERS = 6
MAX_STARTS = 25
MAX_QUERY_VALUE = 300  # characters

DEFAULT_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
# The settings that are one plain value each (one widget, one URL parameter of that name).
PLAIN_FIELDS = (
    "starts",
    "count",
    "spread",
    "steps",
    "clip",
    "clip_at",
    "schedule",
    "tau",
    "final",
    "gamma",
    "every",
    "noise",
    "seed",
    "reg",
    "strength",
)
START_MODES = ("single", "ring", "grid")
CLIP_MODES = ("none", "norm", "value")
SCHEDULES = ("constant", "step", "exponential", "cosine", "linear")
REGULARIZERS = ("none", "l1", "l2", "l1_ball", "l2_ball")


def _log_grid(low_exp: int, high_exp: int, per_decade: int = 20) -> tuple[float, ...]:
    values = {
        float(f"{10 ** (k / per_decade):.3g}") for k in range(low_exp * per_decade, high_exp * per_decade + 1)
    }
    return tuple(sorted(values))


LR_GRID = _log_grid(-5, 1)  # learning rates, 20 per decade (12 % apart), 3 significant digits
POSITIVE_GRID = _log_grid(-3, 2, 10)  # thresholds, strengths, damping
UNIT_GRID = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)

# The hyperparameters each optimizer shows in the app, with their kind of control.
SHOWN: dict[str, tuple[str, ...]] = {
    "gd": ("lr",),
    "momentum": ("lr", "momentum"),
    "nesterov": ("lr", "momentum"),
    "adagrad": ("lr",),
    "rmsprop": ("lr", "rho", "momentum", "centered"),
    "adadelta": ("lr", "rho"),
    "adam": ("lr", "beta1", "beta2"),
    "adamw": ("lr", "beta1", "beta2", "weight_decay"),
    "amsgrad": ("lr", "beta1", "beta2"),
    "nadam": ("lr", "beta1", "beta2"),
    "adamax": ("lr", "beta1", "beta2"),
    "radam": ("lr", "beta1", "beta2"),
    "adafactor": ("lr", "beta2_decay"),
    "newton": ("lr", "damping"),
    "bfgs": ("lr", "line_search"),
    "lbfgs": ("lr", "history", "line_search"),
    "cg": ("variant", "line_search"),
}
KIND = {
    "lr": "lr",
    "momentum": "unit",
    "beta1": "unit",
    "beta2": "unit",
    "rho": "unit",
    "centered": "flag",
    "line_search": "flag",
    "weight_decay": "positive",
    "damping": "positive0",
    "beta2_decay": "decay",
    "history": "count",
    "variant": "choice",
}
DECAY_GRID = (-1.0, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0)


def nearest(grid: tuple[float, ...], value: float) -> float:
    """The grid value closest to ``value`` (on a log scale when the grid is positive)."""
    array = np.asarray(grid)
    if array.min() > 0 and value > 0:
        return grid[int(np.argmin(np.abs(np.log(array) - math.log(value))))]
    return grid[int(np.argmin(np.abs(array - value)))]


def options_for(kind: str) -> tuple[Any, ...]:
    return {
        "lr": LR_GRID,
        "unit": UNIT_GRID,
        "positive": (0.0, *POSITIVE_GRID),
        "positive0": (0.0, *POSITIVE_GRID),
        "decay": DECAY_GRID,
        "count": (1, 2, 3, 5, 10, 20, 50),
        "flag": (True, False),
        "choice": ("PR+", "FR"),
    }[kind]


def snap(name: str, value: Any) -> Any:
    """``value`` moved onto the control's grid (numbers) or checked against its choices."""
    kind = KIND[name]
    choices = options_for(kind)
    if kind in ("flag", "choice"):
        if value not in choices:
            raise ValueError(f"{name} must be one of {choices}")
        return value
    number = float(value)
    low, high = min(choices), max(choices)
    if not math.isfinite(number) or not low - 1e-9 <= number <= high * 1.01 + 1e-9:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")
    return nearest(choices, number)


@dataclasses.dataclass
class Settings:
    """Everything that defines a Playground scene."""

    surface: str = "rosenbrock"
    params: dict[str, float] = dataclasses.field(default_factory=dict)
    optimizers: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    start: tuple[float, float] | None = None  # None: the surface's default start
    starts: str = "single"
    count: int = 8
    spread: float = 0.1  # fraction of the plot's width
    steps: int = 500
    clip: str = "none"
    clip_at: float = 1.0
    schedule: str = "constant"
    tau: int = 200
    final: float = 0.01
    gamma: float = 0.99
    every: int = 100
    noise: float = 0.0
    seed: int = 0
    reg: str = "none"
    strength: float = 1.0
    lang: str = "en"

    # ---- derived, for simulate() ----

    def simulate_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"steps": self.steps, "noise": self.noise, "seed": self.seed}
        if self.clip == "norm":
            options["clip_norm"] = self.clip_at
        elif self.clip == "value":
            options["clip_value"] = self.clip_at
        if self.schedule == "linear":
            options["schedule"] = {"kind": "linear", "tau": self.tau, "final": self.final}
        elif self.schedule == "cosine":
            options["schedule"] = {"kind": "cosine", "tau": self.tau, "final": self.final}
        elif self.schedule == "exponential":
            options["schedule"] = {"kind": "exponential", "gamma": self.gamma}
        elif self.schedule == "step":
            options["schedule"] = {"kind": "step", "every": self.every, "gamma": self.gamma}
        if self.reg in ("l1", "l2"):
            options[self.reg] = self.strength
        elif self.reg in ("l1_ball", "l2_ball"):
            options["constraint"] = {"norm": self.reg[:2], "radius": self.strength}
        return options

    # ---- the URL ----

    def to_query(self) -> dict[str, str]:
        """Flat string parameters, omitting what equals the default."""
        base = Settings()
        out: dict[str, str] = {"s": self.surface, "opt": ",".join(self.optimizers)}
        for key, value in self.params.items():
            out[f"p.{key}"] = _fmt(value)
        for name, hp in self.optimizers.items():
            for key, value in hp.items():
                out[f"{name}.{key}"] = _fmt(value)
        if self.start is not None:
            out["x0"], out["y0"] = _fmt(self.start[0]), _fmt(self.start[1])
        for field in (*PLAIN_FIELDS, "lang"):
            value = getattr(self, field)
            if value != getattr(base, field):
                out[field] = _fmt(value)
        return out


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    return str(value)


def default_hyperparameters(name: str, surface) -> dict[str, Any]:
    """The shown hyperparameters of ``name`` with values that show something on ``surface``
    (a Surface, or the name of a built-in)."""
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    opt = get_optimizer(name)
    hp = {key: opt.defaults[key] for key in SHOWN[name]}
    if "lr" in hp:
        hp["lr"] = nearest(LR_GRID, suggested_lr(name, surface))
    return {
        key: snap(key, value) if KIND[key] not in ("flag", "choice") else value for key, value in hp.items()
    }


# Learning rates that show each surface's point: (plain gradient descent, Adam-like methods).
# Gradient descent's comes from the curvature where no entry is given.
SUGGESTED_LR: dict[str, tuple[float | None, float]] = {
    "saddle": (0.05, 0.02),
    "monkey_saddle": (0.02, 0.01),
    "narrow_valley": (None, 0.05),
    "cliff": (0.01, 0.05),  # the jump off the wall is the lesson
    "plateau": (1.0, 0.1),
    "constrained_bowl": (0.1, 0.05),
    "rosenbrock": (1e-3, 0.05),
    "goldstein_price": (1e-5, 0.01),
    "mccormick": (0.05, 0.05),
}


def suggested_lr(name: str, surface) -> float:
    """A learning rate that makes ``name`` move visibly but stably on ``surface``."""
    opt = get_optimizer(name)
    if opt.second_order or "line_search" in opt.defaults or name in ("adadelta", "adafactor"):
        return float(opt.defaults["lr"])
    plain, adaptive = SUGGESTED_LR.get(surface.name, (None, 0.01 * float(surface.half_width.max())))
    heavy = plain
    if plain is None:  # 1/L from the curvature at the start and the minima; momentum a third
        with np.errstate(all="ignore"):
            hessian = surface.hessian(np.vstack([surface.start, surface.minima]))
        finite = hessian[np.isfinite(hessian).all(axis=(1, 2))]
        curvature = float(np.abs(np.linalg.eigvalsh(finite)).max()) if len(finite) else 1.0
        plain = 1.0 / curvature if curvature > 1e-3 else 1.0
        heavy = plain / 3
    if name == "gd":
        return plain
    if name in ("momentum", "nesterov"):
        return heavy
    if name == "adagrad":
        return 5 * adaptive  # its steps only shrink
    if name == "rmsprop":
        return adaptive / 3  # starts with steps 1/sqrt(1 - rho) = 10x its rate
    return adaptive


def defaults_for(surface) -> Settings:
    """Default settings on ``surface`` (a Surface, or the name of a built-in)."""
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    return Settings(
        surface=surface.name,
        params=dict(surface.params),
        optimizers={name: default_hyperparameters(name, surface) for name in DEFAULT_OPTIMIZERS},
    )


class _Reader:
    """Reads one query string, remembering every value it had to replace."""

    def __init__(self, query: Mapping[str, Any]):
        self.query = {str(k): (v[-1] if isinstance(v, list) and v else v) for k, v in query.items()}
        self.replaced: list[str] = []
        self.clamped: list[str] = []

    def raw(self, key: str) -> str | None:
        value = self.query.get(key)
        if value is None:
            return None
        value = str(value)
        if len(value) > MAX_QUERY_VALUE:
            self.replaced.append(key)
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.raw(key)
        if value is None:
            return default
        if value not in choices:
            self.replaced.append(key)
            return default
        return value

    def number(self, key: str, default: float, low: float, high: float, integer: bool = False) -> Any:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            self.replaced.append(key)
            return default
        if not math.isfinite(number):
            self.replaced.append(key)
            return default
        if number < low or number > high:
            self.clamped.append(key)
            number = min(max(number, low), high)
        return round(number) if integer else number


def from_query(query: Mapping[str, Any], surface=None) -> tuple[Settings, list[str], list[str]]:
    """Settings from URL parameters: (settings, keys replaced by defaults, keys clamped).
    With ``surface`` given (a custom one), the URL's surface name is not read."""
    r = _Reader(query)
    if surface is None:
        surface = SURFACES[r.choice("s", tuple(SURFACES), "rosenbrock")]
    s = defaults_for(surface)
    s.params = {
        key: r.number(f"p.{key}", value, *PARAM_RANGES.get(key, (-1e3, 1e3)))
        for key, value in surface.params.items()
    }
    names = r.raw("opt")
    if names is not None:
        chosen = [n for n in dict.fromkeys(names.split(",")) if n in OPTIMIZERS]
        if len(chosen) != len([n for n in names.split(",") if n]):
            r.replaced.append("opt")
        if len(chosen) > MAX_OPTIMIZERS:
            r.clamped.append("opt")
            chosen = chosen[:MAX_OPTIMIZERS]
        s.optimizers = {n: default_hyperparameters(n, surface) for n in chosen}
    for name, hp in s.optimizers.items():
        for key in hp:
            value = r.raw(f"{name}.{key}")
            if value is None:
                continue
            try:
                parsed: Any = value
                if KIND[key] == "flag":
                    parsed = {"1": True, "0": False, "true": True, "false": False}[value.lower()]
                hp[key] = snap(key, parsed)
            except (KeyError, ValueError):
                r.replaced.append(f"{name}.{key}")
    (x0, x1), (y0, y1) = surface.bounds
    if r.raw("x0") is not None or r.raw("y0") is not None:
        start = surface.start
        s.start = (r.number("x0", float(start[0]), x0, x1), r.number("y0", float(start[1]), y0, y1))
    s.starts = r.choice("starts", START_MODES, s.starts)
    s.count = r.number("count", s.count, 2, MAX_STARTS, integer=True)
    s.spread = r.number("spread", s.spread, 0.01, 0.5)
    # The steps slider moves by 10 from 10: the URL's value is put on that grid too.
    s.steps = 10 * round(r.number("steps", s.steps, MIN_STEPS, MAX_STEPS) / 10)
    s.clip = r.choice("clip", CLIP_MODES, s.clip)
    s.clip_at = r.number("clip_at", s.clip_at, 1e-3, 1e3)
    s.schedule = r.choice("schedule", SCHEDULES, s.schedule)
    s.tau = r.number("tau", s.tau, 1, MAX_STEPS, integer=True)
    s.final = r.number("final", s.final, 0.0, 1.0)
    s.gamma = r.number("gamma", s.gamma, 0.5, 1.0)
    s.every = r.number("every", s.every, 1, MAX_STEPS, integer=True)
    s.noise = r.number("noise", s.noise, 0.0, 10.0)
    s.seed = r.number("seed", s.seed, 0, 2**31 - 1, integer=True)
    s.reg = r.choice("reg", REGULARIZERS, s.reg)
    s.strength = r.number("strength", s.strength, 1e-3, 100.0)
    s.lang = r.choice("lang", ("en", "zh"), s.lang)
    return s, r.replaced, r.clamped


PARAM_RANGES = {"kappa": (1.0, 1000.0), "angle": (-90.0, 90.0)}


def starts_array(s: Settings, surface) -> np.ndarray:
    """The start points: one, or a ring or grid of ``count`` around it (for initialization)."""
    (x0, x1), (y0, y1) = surface.bounds
    center = np.array(s.start if s.start is not None else surface.start, dtype=np.float64)
    if s.starts == "single":
        return center[None]
    radius = s.spread * max(x1 - x0, y1 - y0)
    if s.starts == "ring":
        angle = 2 * np.pi * np.arange(s.count) / s.count
        points = center + radius * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        side = max(2, round(math.sqrt(s.count)))
        offsets = np.linspace(-radius, radius, side)
        gx, gy = np.meshgrid(offsets, offsets)
        points = center + np.column_stack([gx.ravel(), gy.ravel()])
    return np.clip(points, [x0, y0], [x1, y1])


def surface_of(s: Settings):
    """The built-in surface the settings name, with their parameter values."""
    surface = SURFACES[s.surface]
    return surface.with_params(**s.params) if s.params else surface


def run_all(s: Settings, surface) -> list[tuple[str, Run]]:
    """Every optimizer of the settings on ``surface``: what the Playground shows."""
    starts = starts_array(s, surface)
    options = s.simulate_options()
    return [(name, simulate(surface, name, starts, **options, **hp)) for name, hp in s.optimizers.items()]
