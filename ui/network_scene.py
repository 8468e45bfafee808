"""The Network page's settings and what it computes from them. No Streamlit here.

A scene is one data set, one network and its start, and up to four optimizers trained from
that same start with the same minibatches. ``network_from_query`` reads (and checks, clamps, reports)
a URL; ``to_query`` writes one; ``train`` runs everything the page shows.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import itertools
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from networks import (
    DATASETS,
    INIT_SCHEMES,
    Network,
    dataset,
    directions,
    interpolate,
    plane,
    project,
    sharpness,
    user_data,
)
from networks.network import ACTIVATIONS
from networks.regression import DIMENSIONS, REGRESSIONS, regression
from optimizers import OPTIMIZERS, Run, get_optimizer, parallel, simulate
from ui import settings as cfg
from ui.numbers import tidied
from ui.texts import DEFAULT_LANGUAGE, LANGUAGES, optimizer_title, text
from viz.field import Field, compress, field_scale
from viz.gif import Gif, Mark, Track, race_gif
from viz.network import EQUAL_UNIT_PLANES
from viz.optimizer_views import VIEWS

NETWORK_MAX_OPTIMIZERS = 4  # trained at once
NETWORK_MAX_STEPS = 2000
RECORDS = 100  # records of a run (the curves); the animation shows up to FRAMES of them
FRAMES = 50
PLANE_SIDE = 51
PLANE_ASPECT = 2.0  # a plane drawn in equal units is at most twice as long as wide
# Above this many multiply-adds (about half a second here) the Network page draws the runs before
# it computes the landscape: the heaviest scene's plane is 51 x 51 networks on 1,000 points.
PLANE_FIRST_WORK = 5e9
# Above this many (about a tenth of a second here) a landscape is computed in an idle worker
# process while other tabs' runs are in flight (optimizers.parallel.call_elsewhere).
PLANE_ELSEWHERE_WORK = 1e9
# Above this many multiply-adds of training (about a second on two cores here) the Network page
# first draws the runs with PREVIEW_RECORDS records each (the same runs, a fifth of the records'
# cost), then with all of them: the heaviest scene's training is about 2.6e10.
PREVIEW_WORK = 1e10
PREVIEW_RECORDS = 20
SHARPNESS_POINTS = 11  # records at which the top Hessian eigenvalue is computed
# The edge-of-stability lesson: the sharpness at every record, a record every few steps. Its
# spikes last about ten steps: sampled every 20 steps the run's first read 1.42 x 2/lr, every
# 4 steps 1.93 x (the every-step maximum), with the loss jump it comes with.
DENSE_SHARPNESS_EVERY = 4
# Optimizers that train networks (the others are written for one 2-D point).
NETWORK_OPTIMIZERS = tuple(name for name, opt in OPTIMIZERS.items() if not opt.planar)
NETWORK_DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
# The batch sizes offered; 0 is the full batch.
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 0)
# Learning rates that train the default network visibly in a few hundred steps, by the
# optimizer's registered hint: plain gradient descent, with momentum, adaptive steps.
NETWORK_LR = {"plain": 0.5, "heavy": 0.1, "adaptive": 0.01}
# ... and on a regression: the mean squared error starts about 11-12.5 sharp on every target
# here (16 x 16 tanh units), so plain gradient descent is stable only below 2 / 12.5 = 0.16;
# at 0.5 it diverged in 9 steps. Momentum 0.9 at 0.1 (a step of 1 in the long run) jolted the
# 2-D sine to 1.7 times its starting loss; at 0.02 it fits as gradient descent at 0.1 does.
NETWORK_LR_FIT = {"plain": 0.1, "heavy": 0.02, "adaptive": 0.01}
PLANES = ("points", "pca", "random")
# The data: the built-in classification sets, the learner's own points ("own", carried in the
# link's "pts": networks.user_data), or a regression (a target function of rdim inputs).
OWN = "own"
DATA_CHOICES = (*DATASETS, OWN, *REGRESSIONS)
NETWORK_REGULARIZERS = ("none", "l1", "l2")

S = cfg.Setting
NET_SETTINGS: dict[str, cfg.Setting] = {
    spec.name: spec
    for spec in (
        S("data", "nw.data", "moons", "select", options=DATA_CHOICES),
        S("rdim", "nw.rdim", 1, "select", options=DIMENSIONS),  # a regression's inputs
        S("noise", "nw.noise", 0.2, "slider", 0.0, 1.0, 0.05),
        S("n", "nw.n", 200, "slider", 20, 1000, 10),
        S("dseed", "nw.dseed", 0, "number", 0, 10**6, 1),
        S("nval", "nw.nval", 200, "slider", 0, 1000, 10),
        S("patience", "nw.patience", 10, "slider", 1, 50, 1),
        S("layers", "nw.layers", 2, "slider", 1, 4, 1),
        S("units", "nw.units", 16, "slider", 2, 64, 1),
        S("act", "nw.act", "tanh", "select", options=tuple(ACTIVATIONS)),
        S("bn", "nw.bn", False, "toggle"),  # batch normalization after each hidden Linear
        S("init", "nw.init", "glorot", "select", options=INIT_SCHEMES),
        S("scale", "nw.scale", 1.0, "grid", options=cfg.POSITIVE_GRID),
        S("iseed", "nw.iseed", 0, "number", 0, 10**6, 1),
        S("batch", "nw.batch", 32, "grid", options=BATCHES),
        S("steps", "pg.steps", 500, "slider", 10, NETWORK_MAX_STEPS, 10),
        *(cfg.SETTINGS[name] for name in ("clip", "clip_at", "schedule", "tau", "final", "gamma", "every")),
        S("reg", "pg.reg", "none", "select", options=NETWORK_REGULARIZERS),
        cfg.SETTINGS["strength"]._replace(default=1e-3, label="nw.strength"),
        S("penbias", "nw.penbias", False, "toggle"),
        S("drop", "nw.drop", 0.0, "slider", 0.0, 0.8, 0.05),  # dropout's p on the hidden units
        S("seed", "nw.seed", 0, "number", 0, 10**6, 1),
        S("plane", "nw.plane", "points", "select", options=PLANES),
        S("ptest", "nw.plane.test", 0, "select", options=(0, 1)),
        S("fair", "nw.fair", False, "toggle"),  # the race at tuned learning rates (ui/network_fair.py)
        S("neurons", "nn.toggle", False, "toggle"),  # what each hidden unit computes (ui/network_neurons.py)
    )
}


def network_hyperparameters(name: str, regression: bool = False) -> dict[str, Any]:
    """The shown hyperparameters of ``name`` with a learning rate that trains a small network
    (a classifier, or with ``regression`` one fitting a target)."""
    opt = VIEWS[name]
    hp = opt.start_values()
    rates = NETWORK_LR_FIT if regression else NETWORK_LR
    if "lr" in hp and opt.lr_hint.basis in rates:
        hp["lr"] = cfg.nearest(cfg.LR_GRID, opt.lr_hint.factor * rates[opt.lr_hint.basis])
    return {key: cfg.checked(name, key, value) for key, value in hp.items()}


def _scene_fields() -> list:
    return [
        ("optimizers", dict, dataclasses.field(default_factory=dict)),
        *((spec.name, type(spec.default), spec.default) for spec in NET_SETTINGS.values()),
        ("pts", str, ""),  # own points: networks.user_data's text (a link's when few enough)
        ("lang", str, DEFAULT_LANGUAGE),
    ]


class _NetScene:
    def hidden(self) -> tuple[int, ...]:
        return (self.units,) * self.layers

    def own(self) -> bool:
        return self.data == OWN

    def regression(self) -> bool:
        return self.data in REGRESSIONS

    def n_train(self) -> int:
        """The training set's size: the setting, or the share of the own points it keeps."""
        if not self.own():
            return self.n
        return user_data.split_sizes(user_data.count(self.pts), self.nval > 0)[0]

    def batch_size(self) -> int | None:
        """The minibatch size simulate() gets: None for the full batch (0, or the whole set)."""
        return None if self.batch == 0 or self.batch >= self.n_train() else int(self.batch)

    def simulate_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"steps": self.steps, "seed": self.seed, "batch_size": self.batch_size()}
        options |= cfg.clip_and_schedule(self)
        if self.reg in ("l1", "l2"):
            options[self.reg] = self.strength
            options["penalize_biases"] = bool(self.penbias)
        return options

    def to_query(self) -> dict[str, str]:
        """Flat URL parameters, omitting what equals the default."""
        out: dict[str, str] = {"opt": ",".join(self.optimizers)}
        for name, hp in self.optimizers.items():
            for key, value in hp.items():
                if value != network_hyperparameters(name, self.regression())[key]:
                    out[f"{name}.{key}"] = cfg.format_value(value)
        for name, spec in NET_SETTINGS.items():
            value = getattr(self, name)
            if value != spec.default:
                out[name] = cfg.format_value(value)
        if self.own() and self.pts and user_data.count(self.pts) <= user_data.URL_MAX_POINTS:
            out["pts"] = self.pts
        if self.lang != DEFAULT_LANGUAGE:
            out["lang"] = self.lang
        return out


NetSettings = dataclasses.make_dataclass("NetSettings", _scene_fields(), bases=(_NetScene,))
NetSettings.__module__ = __name__


def network_defaults() -> NetSettings:
    return NetSettings(
        optimizers={name: network_hyperparameters(name) for name in NETWORK_DEFAULT_OPTIMIZERS}
    )


def network_from_query(query: Mapping[str, Any]) -> tuple[NetSettings, cfg.LinkNotes]:
    """Settings from URL parameters, and what the link's notice says (cfg.LinkNotes)."""
    r = cfg.QueryReader(query)
    s = network_defaults()
    chosen = r.choices(
        "opt", NETWORK_OPTIMIZERS, NETWORK_DEFAULT_OPTIMIZERS, NETWORK_MAX_OPTIMIZERS, known=tuple(OPTIMIZERS)
    )
    fit = r.query.get("data") in REGRESSIONS  # the learning rates' defaults depend on it
    s.optimizers = {name: network_hyperparameters(name, fit) for name in chosen}
    cfg.read_hyperparameters(r, s.optimizers)
    for name, spec in NET_SETTINGS.items():
        if spec.name == "batch":  # one of the sizes offered, or 0: the full batch
            s.batch = int(r.discrete("batch", BATCHES[:-1], spec.default, exact=(0,)))
        elif spec.name == "ptest":
            s.ptest = int(r.choice("ptest", ("0", "1"), "0"))
        elif spec.name == "rdim":
            s.rdim = int(r.choice("rdim", tuple(map(str, DIMENSIONS)), str(spec.default)))
        else:
            setattr(s, name, r.setting(spec))
    s.lang = r.choice("lang", tuple(LANGUAGES), s.lang)
    if s.own():  # the points of the link (read past QueryReader's length cap: up to 1,601 characters)
        pts = r.query.get("pts")
        if pts is not None:
            try:
                user_data.decode(str(pts))
                s.pts = str(pts)
            except ValueError:
                r.replaced.append("pts")
    return s, r.notes()


def network_widget_values(s: NetSettings) -> dict[str, Any]:
    """The Network page's widget values (by name: "opt", "adam.lr", then its plain settings)
    that show settings ``s``."""
    values: dict[str, Any] = {"opt": list(s.optimizers)}
    for name, hp in s.optimizers.items():
        values |= {f"{name}.{key}": value for key, value in hp.items()}
    return values | {name: getattr(s, name) for name in NET_SETTINGS} | {"pts": s.pts}


def network_widgets_from_query(query: Mapping[str, Any]) -> tuple[dict[str, Any], cfg.LinkNotes]:
    """The widget values of a link, and what its notice says."""
    s, notes = network_from_query(query)
    return network_widget_values(s), notes


def network_from_widgets(values: Mapping[str, Any], language: str) -> NetSettings:
    """The settings the Network page's widget ``values`` hold (a hyperparameter whose widget
    was never drawn: its default), without float noise (ui.numbers.tidy: the link says them)."""
    s = NetSettings(lang=language)
    for name in values["opt"]:
        defaults = network_hyperparameters(name, values["data"] in REGRESSIONS)
        s.optimizers[name] = {key: tidied(values.get(f"{name}.{key}", defaults[key])) for key in defaults}
    for name in NET_SETTINGS:
        setattr(s, name, tidied(values[name]))
    s.pts = values.get("pts", "") if s.own() else ""
    return s


# ---------------------------------------------------------------- computing


@dataclasses.dataclass(frozen=True)
class Trained:
    """One optimizer's training: its run and what the views derive from it."""

    name: str
    run: Run
    layer_norms: np.ndarray  # (R, layers) full-batch gradient norm of each layer at each record
    sharpness_steps: np.ndarray  # (K,) steps at which the sharpness was computed
    sharpness: np.ndarray  # (K,)
    lr: float | None
    hp: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the optimizer's settings


@dataclasses.dataclass(frozen=True)
class Landscape:
    """A plane through parameter space and every path projected on it."""

    kind: str
    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray  # (len(betas), len(alphas))
    coords: list[np.ndarray]  # per optimizer (R, 2)
    off: list[np.ndarray]  # per optimizer (R,): distance of each record from the plane
    explained: tuple[float, float] | None
    test: bool
    requested: str = ""  # the plane asked for ("points" falls back to "pca" with fewer than two ends)
    excluded: tuple[int, ...] = ()  # optimizers left out of the plane's choice and extent (failed runs)
    reach: tuple[float, ...] = ()  # per optimizer: distance of its end from the start


@dataclasses.dataclass(frozen=True)
class Lines:
    """Losses along straight lines: from the start to each final point, and between the first
    two final points."""

    alphas: np.ndarray
    from_start: list[np.ndarray]
    between: np.ndarray | None


@dataclasses.dataclass(frozen=True)
class Result:
    settings: Any
    net: Network
    start: np.ndarray  # (D,)
    trained: list[Trained]
    landscape: Landscape | None
    lines: Lines


def network_of(s) -> Network:
    """The scene's network on its data (own points: ValueError when there are too few)."""
    loss = "cross_entropy"
    if s.own():
        data = user_data.split(user_data.decode(s.pts, limit=user_data.MAX_ROWS), s.dseed, s.nval > 0)
    elif s.regression():
        data = regression(s.data, s.rdim, n_train=s.n, n_test=1000, noise=s.noise, seed=s.dseed, n_val=s.nval)
        loss = "mse"
    else:
        data = dataset(s.data, n_train=s.n, n_test=1000, noise=s.noise, seed=s.dseed, n_val=s.nval)
    return Network(
        data, hidden=s.hidden(), activation=s.act, batch_norm=bool(s.bn), dropout=float(s.drop), loss=loss
    )


def start_of(s, net: Network) -> np.ndarray:
    return net.init(n=1, seed=s.iseed, scheme=s.init, scale=s.scale)[0]


def train_one(
    s,
    net: Network,
    start: np.ndarray,
    name: str,
    hp: Mapping[str, Any],
    sharpness_every: int = 0,
    with_sharpness: bool = True,
    records: int | None = None,
) -> Trained:
    """One optimizer's run; ``sharpness_every`` > 0: a record at least every that many steps
    and the sharpness at every record (else at SHARPNESS_POINTS records). Without
    ``with_sharpness`` the sharpness is left NaN, for :func:`sharpen` to fill in later (it is
    most of a large scene's cost: the Network page draws the rest first). ``records``: about
    how many records the run keeps (each costs the losses on every set and the full gradient:
    a heavy scene's first drawing keeps PREVIEW_RECORDS; None: RECORDS)."""
    options = s.simulate_options()
    # L1 with plain gradient descent: the exact proximal step, which sets weights to zero.
    proximal = get_optimizer(name).proximal and "l1" in options
    every = max(1, s.steps // (RECORDS if records is None else records))
    every = min(every, sharpness_every) if sharpness_every > 0 else every
    run = simulate(net, name, start, record_every=every, proximal=proximal, **options, **hp)
    path = run.path[:, 0]
    g = net.grad(path)
    norms = np.stack([np.linalg.norm(g[:, w:end], axis=1) for w, _, end in net.offsets], -1)
    points = len(run.step) if sharpness_every > 0 else SHARPNESS_POINTS
    picks = np.unique(np.linspace(0, len(run.step) - 1, points).round().astype(int))
    alive = run.diverged_at[0] < 0
    top = (
        sharpness(net, path[picks], check=parallel.checkpoint)
        if alive and with_sharpness
        else np.full(len(picks), np.nan)
    )
    return Trained(name, run, norms, run.step[picks], top, hp.get("lr"), dict(hp))


def _sharpness_of(net: Network, t: Trained) -> Trained:
    picks = np.searchsorted(t.run.step, t.sharpness_steps)
    alive = t.run.diverged_at[0] < 0
    top = (
        sharpness(net, t.run.path[picks, 0], check=parallel.checkpoint)
        if alive
        else np.full(len(picks), np.nan)
    )
    return dataclasses.replace(t, sharpness=top)


def sharpen(result: Result) -> Result:
    """``result`` (trained ``with_sharpness=False``) with the sharpness of every run computed:
    exactly what training with it would have given."""
    calls = [(result.net, t) for t in result.trained]
    trained = parallel.map_calls(_sharpness_of, calls, worth=result.settings.steps >= 100)
    return dataclasses.replace(result, trained=trained)


def failed(run: Run) -> bool:
    """A run the landscape leaves out of its plane: diverged, or ended with a training loss
    above its start (it would stretch the plane until the others' paths vanish)."""
    return bool(run.diverged_at[0] >= 0 or run.loss[-1, 0] > run.loss[0, 0])


def _plane(s, net: Network, start: np.ndarray, trained: list[Trained]) -> Landscape | None:
    """The plane the page draws: chosen from, and sized to, the paths of the runs that did not
    fail (all of them when every one failed); the failed ones are projected on it too."""
    excluded = tuple(j for j, t in enumerate(trained) if failed(t.run))
    if len(excluded) == len(trained):
        excluded = ()
    kept = [t for j, t in enumerate(trained) if j not in excluded]
    finals = [t.run.final[0] for t in kept]
    paths = [t.run.path[:, 0] for t in trained]
    kind = s.plane
    if kind == "points" and len(finals) < 2:
        kind = "pca"  # one path: the plane of its own principal directions
    try:
        if kind == "points":
            d = directions(net, start, "points", points=(finals[0], finals[1]))
        elif kind == "pca":
            d = directions(net, start, "pca", path=np.concatenate([t.run.path[:, 0] for t in kept]))
        else:
            d = directions(net, start, "random", seed=s.seed)
        projected = [project(p, start, d.d1, d.d2) for p in paths]
    except ValueError:  # nothing moved, or a degenerate plane: no landscape to draw
        return None
    coords = np.concatenate([c for j, (c, _) in enumerate(projected) if j not in excluded])
    low, high = np.minimum(coords.min(0), 0.0), np.maximum(coords.max(0), 1.0)
    margin = 0.25 * (high - low)
    low, high = low - margin, high + margin
    if kind in EQUAL_UNIT_PLANES:
        # Drawn in equal units (viz.network): the short side widened both ways to at least
        # 1 / PLANE_ASPECT of the long one, more of the same plane, so the map is not a strip
        # (a PCA plane of the paths was 4.7 times as long as wide in the step-size lesson).
        span = high - low
        grow = np.maximum(span.max() / PLANE_ASPECT - span, 0.0) / 2
        low, high = low - grow, high + grow
    alphas = np.linspace(low[0], high[0], PLANE_SIDE)
    betas = np.linspace(low[1], high[1], PLANE_SIDE)
    # A heavy landscape (thousands of networks on every point) goes to an idle worker while
    # other tabs' runs are in flight: this process's core then serves them first (ui/fair.py).
    points = len(net.data.y_test) if s.ptest else len(net.data.y)
    worth = PLANE_SIDE**2 * points * net.dim >= PLANE_ELSEWHERE_WORK
    loss = parallel.call_elsewhere(plane, net, start, d.d1, d.d2, alphas, betas, bool(s.ptest), worth=worth)
    return Landscape(
        kind,
        alphas,
        betas,
        loss,
        [c for c, _ in projected],
        [o for _, o in projected],
        d.explained,
        bool(s.ptest),
        s.plane,
        excluded,
        tuple(float(np.linalg.norm(p[-1] - start)) for p in paths),
    )


def train(
    s,
    sharpness_every: int = 0,
    with_sharpness: bool = True,
    with_plane: bool = True,
    records: int | None = None,
) -> Result:
    """Every optimizer of ``s`` from the same start, and the landscape and lines they share
    (``sharpness_every``, ``with_sharpness``, ``records``: see train_one). Without
    ``with_plane`` the landscape is left None, for :func:`add_plane` to fill in later (a heavy
    scene's plane is thousands of networks on every test point: the Network page draws the
    runs first)."""
    net = network_of(s)
    start = start_of(s, net)
    # The optimizers train independently: on both cores when the workers are idle and warm.
    options = (sharpness_every, with_sharpness, records)
    calls = [(s, net, start, name, hp, *options) for name, hp in s.optimizers.items()]
    trained = parallel.map_calls(train_one, calls, worth=s.steps >= 100)
    alphas = np.linspace(-0.25, 1.25, 61)
    from_start = [interpolate(net, start, t.run.final[0], alphas) for t in trained]
    between = (
        interpolate(net, trained[0].run.final[0], trained[1].run.final[0], alphas)
        if len(trained) > 1
        else None
    )
    return Result(
        s,
        net,
        start,
        trained,
        _plane(s, net, start, trained) if trained and with_plane else None,
        Lines(alphas, from_start, between),
    )


def add_plane(result: Result) -> Result:
    """``result`` (trained ``with_plane=False``) with its landscape: exactly what training with
    it would have given."""
    landscape = _plane(result.settings, result.net, result.start, result.trained) if result.trained else None
    return dataclasses.replace(result, landscape=landscape)


def training_work(s) -> float:
    """About a scene's training in multiply-adds: every optimizer's steps (forward and backward
    on a minibatch) and its RECORDS records (the losses on the training, test and validation
    sets and the full gradient on the training set)."""
    net = network_of(s)
    data = net.data
    n = len(data.y)
    batch = s.batch_size() or n
    per_record = 4 * n + len(data.y_test) + len(data.y_val)
    return float(len(s.optimizers) * net.dim * (3 * s.steps * batch + min(s.steps, RECORDS) * per_record))


def plane_work(result: Result) -> float:
    """About the landscape's cost in multiply-adds: every network of its grid on every point it
    is evaluated on (the test set with ``ptest``, else the training set)."""
    data = result.net.data
    points = len(data.y_test) if result.settings.ptest else len(data.y)
    return float(PLANE_SIDE**2 * points * result.net.dim)


def train_lesson_scene(query: Mapping[str, Any], view: str | None) -> Result:
    """A network lesson's scene as its page, its question and its test train it: the sharpness
    at a record every few steps in the lesson about sharpness (the edge of stability).

    Trained once per process: the lesson's charts (in each language), its question's answer and
    a warm-up (deploy/warm.py) share it; each trained it again before (a Chinese visit after an
    English one took 6.9 s). Shared: do not change it."""
    return _trained_scene(tuple(sorted((str(k), str(v)) for k, v in query.items())), view)


@functools.lru_cache(maxsize=48)
def _trained_scene(items: tuple[tuple[str, str], ...], view: str | None) -> Result:
    return train(network_from_query(dict(items))[0], DENSE_SHARPNESS_EVERY if view == "sharpness" else 0)


def examples_per_step(results: list[Result]) -> list[int] | None:
    """Each trained run's examples per step when a lesson's scenes train with different batch
    sizes (they are compared at the same number of examples seen), else None (at the same step)."""
    sizes = [r.settings.batch_size() or r.settings.n for r in results for _ in r.trained]
    return sizes if len(set(sizes)) > 1 else None


def lines_between(results: list[Result]) -> Lines:
    """The lines of several scenes of one network shape: each scene's start to its ends, and
    between the first two scenes' first ends (two seeds, two optimizers)."""
    alphas = np.linspace(-0.25, 1.25, 61)
    net = results[0].net
    from_start = [interpolate(r.net, r.start, t.run.final[0], alphas) for r in results for t in r.trained]
    ends = [t.run.final[0] for r in results for t in r.trained]
    between = interpolate(net, ends[0], ends[1], alphas) if len(ends) > 1 else None
    return Lines(alphas, from_start, between)


def symmetric_units(net: Network, theta: np.ndarray) -> bool:
    """Whether every hidden layer's units are still copies of each other (a zero or
    symmetric start that no optimizer can break)."""
    layers = net.layers(theta)
    for (W, b), (W_next, _) in itertools.pairwise(layers):
        if not (np.allclose(W, W[:1], atol=1e-12) and np.allclose(b, b[0], atol=1e-12)):
            return False
        if not np.allclose(W_next, W_next[:, :1], atol=1e-12):
            return False
    return True


@dataclasses.dataclass(frozen=True)
class EarlyStop:
    """Where early stopping on the validation loss stops, and what the test set says there.

    The choice sees the validation loss only; the test loss and accuracy are read after it, at
    the record whose parameters it keeps (the test set stays unseen until then)."""

    record: int  # the record whose parameters are kept: least validation loss before the stop
    step: int  # its step
    stopped: int  # the step at which the patience ran out (the run's last step if it never did)
    patience: int  # evaluations (records) without improvement before stopping
    val_loss: float
    test_loss: float
    test_acc: float  # NaN for a regression


def early_stopping(run: Run, patience: int, n: int = 0) -> EarlyStop | None:
    """Early stopping (note 004: stop once the validation error has not improved for
    ``patience`` evaluations in a row, here the run's records; keep the parameters of the best
    one) on trajectory ``n`` of ``run``; None without a validation set."""
    if "val_loss" not in run.metrics:
        return None
    val = run.metrics["val_loss"][:, n]
    best, waited, stop = 0, 0, len(val) - 1
    for r in range(1, len(val)):
        if val[r] < val[best]:  # NaN never improves
            best, waited = r, 0
            continue
        waited += 1
        if waited >= patience:
            stop = r
            break
    return EarlyStop(
        best,
        int(run.step[best]),
        int(run.step[stop]),
        int(patience),
        float(val[best]),
        float(run.metrics["test_loss"][best, n]),
        float(run.metrics["test_acc"][best, n]) if "test_acc" in run.metrics else float("nan"),  # regression
    )


def early_stopping_marks(run: Run, patience: int) -> tuple[int | None, int | None]:
    """The records a chart marks for early stopping on ``run``: the one whose parameters it
    keeps and the one at which its patience ran out (None where there is none: no validation
    set, or the patience never ran out before the run's end)."""
    early = early_stopping(run, patience)
    if early is None:
        return None, None
    stopped = int(np.searchsorted(run.step, early.stopped))
    return early.record, stopped if stopped < len(run.step) - 1 else None


def first_step_reaching(run: Run, accuracy: float) -> int | None:
    """The first recorded step at which the test accuracy reached ``accuracy``."""
    reached = np.flatnonzero(run.metrics["test_acc"][:, 0] >= accuracy)
    return int(run.step[reached[0]]) if len(reached) else None


def curves_csv(result: Result) -> str:
    """Every optimizer's learning curves at each record, one row per (optimizer, step)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # A regression has no accuracies: its losses only. Validation's columns last.
    names = result.net.metric_names
    before, after = [n for n in names if not n.startswith("val")], [n for n in names if n.startswith("val")]
    writer.writerow(["optimizer", "step", "train_loss", *before, "grad_norm", *after])
    for t in result.trained:
        run = t.run
        columns = (
            run.loss[:, 0],
            *(run.metrics[name][:, 0] for name in before),
            run.grad_norm[:, 0],
            *(run.metrics[name][:, 0] for name in after),
        )
        for r, step in enumerate(run.step):
            writer.writerow([t.name, int(step), *(repr(float(c[r])) for c in columns)])
    return out.getvalue()


def parameters_npz(result: Result) -> bytes:
    """Each optimizer's parameters at each record (torch's flat order), with the data."""
    net, arrays = result.net, {}
    for t in result.trained:
        arrays[f"{t.name}_params"] = t.run.path[:, 0]
        arrays[f"{t.name}_step"] = t.run.step
    data = net.data
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        start=result.start,
        sizes=np.array(net.sizes),
        activation=np.array(net.activation),
        batch_norm=np.array(net.batch_norm),  # then W, b, gamma, beta per hidden layer
        dropout=np.array(net.dropout),
        X=data.X,
        y=data.y,
        X_test=data.X_test,
        y_test=data.y_test,
        X_val=data.X_val,
        y_val=data.y_val,
        settings=np.array(json.dumps(dataclasses.asdict(result.settings))),
        **arrays,
    )
    return buffer.getvalue()


def landscape_gif(result: Result, trainees, words, size) -> Gif:
    """The paths on the landscape's plane, animated, as a GIF for slides: ``trainees`` give
    each optimizer's label and colour (viz.network.Trainee), ``words`` the figure's words."""
    land = result.landscape
    values = np.where(np.isfinite(land.loss), land.loss, np.nan)
    scale = field_scale(values[np.isfinite(values)])
    background = Field(land.alphas, land.betas, values, compress(values, *scale), scale)
    bounds = ((float(land.alphas[0]), float(land.alphas[-1])), (float(land.betas[0]), float(land.betas[-1])))
    tracks = [
        Track(
            t.label,
            t.color,
            coords[:, None, :],
            trained.run.step,
            english=optimizer_title(trained.name, DEFAULT_LANGUAGE),
        )
        for t, trained, coords in zip(trainees, result.trained, land.coords, strict=True)
    ]
    start = Mark(np.zeros((1, 2)), words["start"], english=text("nf.start", DEFAULT_LANGUAGE))
    # In equal units where the page's panel is (viz.network.EQUAL_UNIT_PLANES), else filling its space.
    equal = land.kind in EQUAL_UNIT_PLANES
    return race_gif(background, bounds, tracks, marks=[start], words=words, size=size, equal_units=equal)
