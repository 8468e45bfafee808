"""The Playground's settings: one plain object, built from widgets or from the URL.

A URL is user input (anyone can send a crafted link), so ``playground_from_query`` validates and
clamps every value, falls back to defaults, and reports what it replaced. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from optimizers import OPTIMIZERS, Run, controls, get_optimizer, simulate
from optimizers.schedules import KINDS
from surfaces import SURFACES
from ui.numbers import tidied, tidy
from ui.texts import DEFAULT_LANGUAGE, LANGUAGES
from viz.optimizer_views import view

# Server-side caps: a public app must bound the work of one request.
PLAYGROUND_MAX_STEPS = 3000
MIN_STEPS = 10
PLAYGROUND_MAX_OPTIMIZERS = 6  # racing at once
MAX_STARTS = 25
MAX_QUERY_VALUE = 300  # characters

PLAYGROUND_DEFAULT_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
START_MODES = ("single", "ring", "grid")
CLIP_MODES = ("none", "norm", "value")
SCHEDULES = KINDS
PLAYGROUND_REGULARIZERS = ("none", "l1", "l2", "l1_ball", "l2_ball")
LR_GRID, POSITIVE_GRID = controls.LR_GRID, controls.POSITIVE_GRID


class Setting(NamedTuple):
    """One plain setting: its default, the values it may take, and its widget.

    ``widget`` is ``"select"`` (one of ``options``), ``"slider"`` (``low``..``high`` by
    ``step``), ``"grid"`` (a slider over the values ``options``), ``"number"`` (a number
    box, ``low``..``high``) or ``"toggle"`` (a switch; 1 or 0 in the URL). The same spec
    reads and clamps the URL and draws the widget.
    """

    name: str
    label: str  # its text key; a select's options are labelled "<label>.<option>"
    default: Any
    widget: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()

    @property
    def integer(self) -> bool:
        return isinstance(self.default, int) and not isinstance(self.default, bool)

    @property
    def bounds(self) -> tuple[Any, Any]:
        """The smallest and largest value a number may take."""
        if self.widget == "grid":
            return min(self.options), max(self.options)
        return self.low, self.high


# The settings that are one plain value each (one widget, one URL parameter of that name).
SETTINGS: dict[str, Setting] = {
    spec.name: spec
    for spec in (
        Setting("starts", "pg.starts", "single", "select", options=START_MODES),
        Setting("count", "pg.starts.count", 8, "slider", 2, MAX_STARTS, 1),
        # The spread of a ring or grid of starts, a fraction of the plot's width.
        Setting("spread", "pg.starts.radius", 0.1, "slider", 0.01, 0.5, 0.01),
        Setting("steps", "pg.steps", 500, "slider", MIN_STEPS, PLAYGROUND_MAX_STEPS, 10),
        Setting("clip", "pg.clip", "none", "select", options=CLIP_MODES),
        Setting("clip_at", "pg.clip.at", 1.0, "grid", options=POSITIVE_GRID),
        Setting("schedule", "pg.schedule", "constant", "select", options=SCHEDULES),
        Setting("tau", "pg.schedule.tau", 200, "slider", 1, PLAYGROUND_MAX_STEPS, 1),
        Setting("final", "pg.schedule.final", 0.01, "slider", 0.0, 1.0, 0.01),
        Setting("gamma", "pg.schedule.gamma", 0.99, "slider", 0.5, 1.0, 0.005),
        Setting("every", "pg.schedule.every", 100, "slider", 1, PLAYGROUND_MAX_STEPS, 1),
        Setting("noise", "pg.noise", 0.0, "slider", 0.0, 10.0, 0.05),
        Setting("seed", "pg.seed", 0, "number", 0, 2**31 - 1, 1),
        Setting("reg", "pg.reg", "none", "select", options=PLAYGROUND_REGULARIZERS),
        Setting("strength", "pg.reg.strength", 1.0, "grid", options=POSITIVE_GRID),
        Setting("inside", "pg.inside", False, "toggle"),
    )
}
PLAIN_FIELDS = tuple(SETTINGS)
# A surface's parameters: (low, high) of their sliders and URL values.
PARAM_RANGES = {"kappa": (1.0, 1000.0), "angle": (-90.0, 90.0), "T": (5.0, 100.0)}
# Parameters that count something (the recurrent net's steps T): whole numbers only.
WHOLE_PARAMS = frozenset({"T"})


def nearest(grid: tuple[float, ...], value: float) -> float:
    """The grid value closest to ``value`` (on a log scale when the grid is positive)."""
    array = np.asarray(grid)
    if array.min() > 0 and value > 0:
        return grid[int(np.argmin(np.abs(np.log(array) - math.log(value))))]
    return grid[int(np.argmin(np.abs(array - value)))]


def control(optimizer: str, key: str) -> controls.Control:
    """How the app shows hyperparameter ``key`` of ``optimizer``."""
    return view(optimizer).shown[key]


def checked(optimizer: str, key: str, value: Any) -> Any:
    """``value`` of hyperparameter ``key`` if its control can take it: a number within the
    range of the slider's values (kept exactly: the slider then offers it too), or one of the
    choices. ValueError otherwise."""
    shown = control(optimizer, key)
    if shown.kind != "slider":
        if value not in shown.options:
            raise ValueError(f"{key} must be one of {shown.options}")
        return value
    number = float(value)
    low, high = min(shown.options), max(shown.options)
    if not math.isfinite(number) or not low - 1e-9 <= number <= high * 1.01 + 1e-9:
        raise ValueError(f"{key} must be between {low} and {high}, got {value!r}")
    number = min(max(number, low), high)
    return int(number) if isinstance(shown.options[0], int) and number == int(number) else number


def with_value(options: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
    """A slider's ``options`` with ``value`` among them (in order), so that a value from a link
    or a sweep is shown and run exactly, not moved to the nearest option."""
    return options if value in options else tuple(sorted((*options, value)))


def clip_and_schedule(s: Any) -> dict[str, Any]:
    """simulate()'s clipping and learning-rate schedule options from settings ``s`` (the
    Playground's or the Network page's: the same fields)."""
    options: dict[str, Any] = {}
    if s.clip == "norm":
        options["clip_norm"] = s.clip_at
    elif s.clip == "value":
        options["clip_value"] = s.clip_at
    if s.schedule in ("linear", "cosine"):
        options["schedule"] = {"kind": s.schedule, "tau": s.tau, "final": s.final}
    elif s.schedule == "exponential":
        options["schedule"] = {"kind": "exponential", "gamma": s.gamma}
    elif s.schedule == "step":
        options["schedule"] = {"kind": "step", "every": s.every, "gamma": s.gamma}
    elif s.schedule == "inverse":
        options["schedule"] = {"kind": "inverse", "tau": s.tau}
    return options


class _Scene:
    """The settings that are not plain values, and what is derived from all of them."""

    # ---- derived, for simulate() ----

    def simulate_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"steps": self.steps, "noise": self.noise, "seed": self.seed}
        options |= clip_and_schedule(self)
        if self.reg in ("l1", "l2"):
            options[self.reg] = self.strength
        elif self.reg in ("l1_ball", "l2_ball"):
            options["constraint"] = {"norm": self.reg[:2], "radius": self.strength}
        return options

    # ---- the URL ----

    def to_query(self) -> dict[str, str]:
        """Flat string parameters, omitting what equals the default."""
        out: dict[str, str] = {"s": self.surface, "opt": ",".join(self.optimizers)}
        for key, value in self.params.items():
            out[f"p.{key}"] = format_value(value)
        for name, hp in self.optimizers.items():
            for key, value in hp.items():
                out[f"{name}.{key}"] = format_value(value)
        if self.start is not None:
            out["x0"], out["y0"] = format_value(self.start[0]), format_value(self.start[1])
        for name, spec in SETTINGS.items():
            value = getattr(self, name)
            if value != spec.default:
                out[name] = format_value(value)
        if self.lang != DEFAULT_LANGUAGE:
            out["lang"] = self.lang
        return out


# Everything that defines a Playground scene: the fields below, then one per SETTINGS entry.
Settings = dataclasses.make_dataclass(
    "Settings",
    [
        ("surface", str, "rosenbrock"),
        ("params", dict, dataclasses.field(default_factory=dict)),
        ("optimizers", dict, dataclasses.field(default_factory=dict)),  # name -> shown hyperparameters
        ("start", tuple | None, None),  # None: the surface's default start
        *((spec.name, type(spec.default), spec.default) for spec in SETTINGS.values()),
        ("lang", str, DEFAULT_LANGUAGE),
    ],
    bases=(_Scene,),
)
Settings.__module__ = __name__


def format_value(value: Any) -> str:
    """A value as a URL parameter: booleans 1 or 0, floats the shortest text that reads back."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(tidy(value))  # shortest text that reads back; no float noise (ui/numbers.py)
    return str(value)


def playground_hyperparameters(name: str, surface) -> dict[str, Any]:
    """The shown hyperparameters of ``name`` with values that show something on ``surface``
    (a Surface, or the name of a built-in)."""
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    hp = view(name).start_values()
    if "lr" in hp:
        hp["lr"] = nearest(LR_GRID, suggested_lr(name, surface))
    return {key: checked(name, key, value) for key, value in hp.items()}


# Learning rates that show each surface's point: (plain gradient descent, Adam-like methods).
# Gradient descent's comes from the curvature where no entry is given.
SUGGESTED_LR: dict[str, tuple[float | None, float]] = {
    "saddle": (0.05, 0.02),
    "monkey_saddle": (0.02, 0.01),
    "narrow_valley": (None, 0.05),
    "cliff": (0.01, 0.05),  # the jump off the wall is the lesson
    "recurrent": (0.02, 0.05),  # lesson 22's rate: steps that reach the wall and get thrown
    "plateau": (1.0, 0.1),
    "constrained_bowl": (0.1, 0.05),
    "rosenbrock": (1e-3, 0.05),
    "goldstein_price": (1e-5, 0.01),
    "mccormick": (0.05, 0.05),
}


def suggested_lr(name: str, surface) -> float:
    """A learning rate that makes ``name`` move visibly but stably on ``surface``: its
    registered hint (``controls.LrHint``) applied to the surface."""
    opt = get_optimizer(name)
    hint = view(name).lr_hint
    if hint.basis == "default":
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
    return hint.factor * {"plain": plain, "heavy": heavy, "adaptive": adaptive}[hint.basis]


def defaults_for(surface) -> Settings:
    """Default settings on ``surface`` (a Surface, or the name of a built-in)."""
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    return Settings(
        surface=surface.name,
        params=dict(surface.params),
        optimizers={
            name: playground_hyperparameters(name, surface) for name in PLAYGROUND_DEFAULT_OPTIMIZERS
        },
    )


@dataclasses.dataclass(frozen=True)
class LinkNotes:
    """What reading a link did with the values it could not take as they were, for the page's
    notice: the link's keys whose value was ``replaced`` (not valid: the default instead),
    ``clamped`` (outside the allowed range: moved to its nearest end), ``snapped`` (between two
    allowed values: moved to the nearest one), ``left_out`` (a list with names that are not
    valid: those names dropped, the rest kept); and the optimizers named in ``opt`` that the
    page does not offer (``unavailable``, left out; ``instead``: none of the named ones was
    offered, so the page's defaults are shown)."""

    replaced: tuple[str, ...] = ()
    clamped: tuple[str, ...] = ()
    snapped: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    unavailable: tuple[str, ...] = ()
    instead: bool = False

    def __bool__(self) -> bool:
        return bool(self.replaced or self.clamped or self.snapped or self.left_out or self.unavailable)

    @property
    def keys(self) -> set[str]:
        """Every key of the link a notice names (``opt`` for unavailable optimizers)."""
        named = {*self.replaced, *self.clamped, *self.snapped, *self.left_out}
        return named | ({"opt"} if self.unavailable else set())


class QueryReader:
    """Reads one query string, remembering every value it could not take as it was (see
    :class:`LinkNotes`; ``notes()`` gives them). A repeated key counts by its last value."""

    def __init__(self, query: Mapping[str, Any]):
        self.query = {str(k): (v[-1] if isinstance(v, list) and v else v) for k, v in query.items()}
        self.replaced: list[str] = []
        self.clamped: list[str] = []
        self.snapped: list[str] = []
        self.left_out: list[str] = []
        self.unavailable: list[str] = []
        self.instead = False

    def notes(self) -> LinkNotes:
        def once(keys: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(keys))

        return LinkNotes(
            once(self.replaced),
            once(self.clamped),
            once(self.snapped),
            once(self.left_out),
            once(self.unavailable),
            self.instead,
        )

    def raw(self, key: str) -> str | None:
        value = self.query.get(key)
        if value is None:
            return None
        value = str(value)
        if len(value) > MAX_QUERY_VALUE:
            self.replaced.append(key)
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str, known: tuple[str, ...] = ()) -> str:
        """One of ``choices``; a name among ``known`` that is not one of them (an optimizer
        this page does not offer) is said to be unavailable, the default shown instead."""
        value = self.raw(key)
        if value is None:
            return default
        if value not in choices:
            if value in known:
                self.unavailable.append(value)
                self.instead = True
            else:
                self.replaced.append(key)
            return default
        return value

    def finite(self, key: str) -> float | None:
        """The link's number under ``key`` (without float noise: ui.numbers.tidy): None when
        absent, or when not a finite number (then ``replaced``)."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            self.replaced.append(key)
            return None
        if not math.isfinite(number):
            self.replaced.append(key)
            return None
        return tidy(number)

    def number(self, key: str, default: float, low: float, high: float) -> float:
        number = self.finite(key)
        if number is None:
            return default
        if number < low or number > high:
            self.clamped.append(key)
            number = min(max(number, low), high)
        return number

    def discrete(
        self, key: str, options: tuple[float, ...], default: float, exact: tuple[float, ...] = ()
    ) -> float:
        """One of the numbers ``options``: a value beyond them moves to the nearest end
        (``clamped``), one between two of them to the nearest (``snapped``; on a log scale when
        all are positive); a value of ``exact`` is taken only as it is (0: the full batch)."""
        number = self.finite(key)
        if number is None:
            return default
        if number in exact:
            return exact[exact.index(number)]
        low, high = min(options), max(options)
        if number < low or number > high:
            self.clamped.append(key)
            return low if number < low else high
        chosen = nearest(options, number)
        if chosen != number:
            self.snapped.append(key)
        return chosen

    def whole(self, key: str, value: float, low: float, step: float) -> int:
        """``value`` (read under ``key``, within its range) on the steps ``low + k * step`` of
        its slider: one between two steps moves to the nearest (``snapped``)."""
        on_step = low + step * round((value - low) / step)
        if on_step != value and key in self.query and key not in self.clamped:
            self.snapped.append(key)
        return int(on_step)

    def choices(
        self,
        key: str,
        choices: tuple[str, ...],
        default: tuple[str, ...],
        most: int,
        known: tuple[str, ...] = (),
    ) -> list[str]:
        """A comma-separated list of distinct choices, at most ``most``. Names that are not
        choices are left out (``left_out``; those among ``known``, optimizers this page does not
        offer, are named as ``unavailable``); when none is left, the ``default`` ones."""
        value = self.raw(key)
        if value is None:
            return list(default)
        given = [v for v in dict.fromkeys(value.split(",")) if v]  # a repeated name is no error
        chosen = [v for v in given if v in choices]
        unavailable = [v for v in given if v not in choices and v in known]
        unknown = len(given) - len(chosen) - len(unavailable)
        self.unavailable += unavailable
        if given and not chosen:  # nothing of the link can be shown: the defaults instead
            if unknown:
                self.replaced.append(key)
            self.instead = self.instead or bool(unavailable)
            return list(default)
        if unknown:
            self.left_out.append(key)
        if len(chosen) > most:
            self.clamped.append(key)
        return chosen[:most]

    def setting(self, spec: Setting) -> Any:
        """The value of a plain setting, clamped to its range and put on its widget's steps."""
        if spec.widget == "toggle":
            return self.choice(spec.name, ("0", "1"), "1" if spec.default else "0") == "1"
        if spec.widget == "select":
            return self.choice(spec.name, spec.options, spec.default)
        value = self.number(spec.name, spec.default, *spec.bounds)
        if spec.integer:  # whole numbers on the widget's steps (steps: by 10)
            return self.whole(spec.name, value, spec.bounds[0], spec.step or 1)
        return value


def read_hyperparameters(r: QueryReader, optimizers: dict[str, dict[str, Any]]) -> None:
    """Each optimizer's ``<name>.<key>`` URL values into ``optimizers`` (in place), as its
    controls take them: a number beyond a slider's values moves to its nearest end, a fraction
    where the values are whole numbers to the nearest one; a value that is not valid keeps the
    default. ``r`` notes each."""
    for name, hp in optimizers.items():
        for key in hp:
            link = f"{name}.{key}"
            shown = control(name, key)
            if shown.kind == "slider":
                low, high = min(shown.options), max(shown.options)
                number = r.number(link, hp[key], low, high)
                if isinstance(shown.options[0], int):  # a count (L-BFGS's history)
                    number = r.whole(link, number, low, 1)
                hp[key] = checked(name, key, number)
                continue
            value = r.raw(link)
            if value is None:
                continue
            try:
                parsed: Any = value
                if shown.kind == "checkbox":
                    parsed = {"1": True, "0": False, "true": True, "false": False}[value.lower()]
                hp[key] = checked(name, key, parsed)
            except (KeyError, ValueError):
                r.replaced.append(link)


def read_param(r: QueryReader, key: str, default: float) -> float:
    """A surface parameter from a link (``p.<key>``): moved into its range (clamped), and onto
    a whole number where it counts steps (snapped)."""
    value = r.number(f"p.{key}", default, *PARAM_RANGES[key])
    if key in WHOLE_PARAMS and value != round(value):
        r.snapped.append(f"p.{key}")
        value = float(round(value))
    return value


def playground_from_query(query: Mapping[str, Any], surface=None) -> tuple[Settings, LinkNotes]:
    """Settings from URL parameters, and what the link's notice says (:class:`LinkNotes`).
    With ``surface`` given (a custom one), the URL's surface name is not read."""
    r = QueryReader(query)
    if surface is None:
        surface = SURFACES[r.choice("s", tuple(SURFACES), "rosenbrock")]
    s = defaults_for(surface)
    s.params = {key: read_param(r, key, value) for key, value in surface.params.items()}
    chosen = r.choices("opt", tuple(OPTIMIZERS), tuple(s.optimizers), PLAYGROUND_MAX_OPTIMIZERS)
    if chosen != list(s.optimizers):
        s.optimizers = {n: playground_hyperparameters(n, surface) for n in chosen}
    read_hyperparameters(r, s.optimizers)
    (x0, x1), (y0, y1) = surface.bounds
    if r.raw("x0") is not None or r.raw("y0") is not None:
        start = surface.start
        s.start = (r.number("x0", float(start[0]), x0, x1), r.number("y0", float(start[1]), y0, y1))
    for name, spec in SETTINGS.items():
        setattr(s, name, r.setting(spec))
    s.lang = r.choice("lang", tuple(LANGUAGES), s.lang)
    return s, r.notes()


def playground_widget_values(s: Settings, surface=None) -> dict[str, Any]:
    """The Playground's widget values (by widget name: "surface", "p.kappa", "opt", "adam.lr",
    "x0", "y0", then the plain settings) that show settings ``s`` on ``surface`` (a custom one;
    else the built-in they name, with their parameters: the start may depend on them)."""
    values: dict[str, Any] = {"surface": s.surface}
    values |= {f"p.{key}": value for key, value in s.params.items()}
    values["opt"] = list(s.optimizers)
    for name, hp in s.optimizers.items():
        values |= {f"{name}.{key}": value for key, value in hp.items()}
    surface = surface or surface_of(s)
    start = s.start if s.start is not None else surface.start
    values["x0"], values["y0"] = float(start[0]), float(start[1])
    return values | {name: getattr(s, name) for name in PLAIN_FIELDS}


def playground_widgets_from_query(query: Mapping[str, Any], surface=None) -> tuple[dict[str, Any], LinkNotes]:
    """The Playground's widget values of a link (on ``surface``, a custom one, when given), and
    what its notice says."""
    s, notes = playground_from_query(query, surface=surface)
    return playground_widget_values(s, surface), notes


def playground_from_widgets(values: Mapping[str, Any], surface, language: str) -> Settings:
    """The settings the Playground's widget ``values`` (as ``playground_widget_values`` names them) hold
    on ``surface``."""
    s = Settings(surface=surface.name, lang=language)
    # Widgets step in binary: 1.7 + 0.1 + 0.1 is 1.9000000000000001. The settings keep what was
    # typed or stepped to (ui.numbers.tidy), and the link then reads "1.9".
    s.params = {key: tidy(values[f"p.{key}"]) for key in surface.params}
    for name in values["opt"]:
        s.optimizers[name] = {key: tidied(values[f"{name}.{key}"]) for key in view(name).shown}
    start = (tidy(values["x0"]), tidy(values["y0"]))
    s.start = None if np.allclose(start, surface.start) else start
    for name in PLAIN_FIELDS:
        setattr(s, name, tidied(values[name]))
    return s


def scene_of_run(
    surface: str, params: dict[str, float], optimizer: str, hp: dict[str, Any], steps: int, start
) -> Settings:
    """The Playground scene of one run of a sweep: ``optimizer`` with hyperparameters ``hp``
    (``noise`` among them when it was swept) from ``start`` for ``steps`` steps, values kept
    exactly."""
    scene = defaults_for(SURFACES[surface].with_params(**params) if params else SURFACES[surface])
    scene.params = dict(params)
    hp = dict(hp)
    scene.noise = float(hp.pop("noise", scene.noise))
    scene.optimizers = {optimizer: hp}
    scene.steps, scene.start = int(steps), (float(start[0]), float(start[1]))
    return scene


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
    return [
        (
            name,
            simulate(surface, name, starts, **options, record_state=s.inside or bool(view(name).drawn), **hp),
        )
        for name, hp in s.optimizers.items()
    ]
