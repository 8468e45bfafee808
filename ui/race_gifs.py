"""A race map drawn into a GIF for slides: the Playground's race and a lesson's scenes, with
what their charts draw (known minima, saddle points, the constraint balls, the unit balls of
the L1/L2 picture) named in the page's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ui import settings as cfg
from ui.lesson_racers import lesson_racers, penalized
from ui.race_figures import objective
from ui.texts import DEFAULT_LANGUAGE, figure_words, optimizer_title, prefixed_words
from viz import Racer, compute_field
from viz.gif import MINIMUM_COLOR, SADDLE_COLOR, Gif, Mark, Outline, Track, race_gif
from viz.race import ENGLISH, _ball_name, _constraint_shape

# The L1/L2 picture of the notes: the unit diamond and circle on the bowl made for it, drawn
# on the Playground's map when no constraint is on (ui/race_figures.py draws the same).
UNIT_BALLS = ({"norm": "l1", "radius": 1.0}, {"norm": "l2", "radius": 1.0})


def surface_marks(surface, words: Mapping[str, str], english: Mapping[str, str]) -> list[Mark]:
    """The surface's known minima (stars) and saddle points (thin crosses), as the chart."""
    marks = []
    if len(surface.minima):
        marks.append(Mark(surface.minima, words["minimum"], "star", MINIMUM_COLOR, english["minimum"]))
    if len(surface.saddles):
        marks.append(Mark(surface.saddles, words["saddle"], "x-thin", SADDLE_COLOR, english["saddle"]))
    return marks


def ball_outlines(
    constraints: Sequence[Mapping],
    guides: Sequence[Mapping],
    words: Mapping[str, str],
    english: Mapping[str, str],
) -> list[Outline]:
    """The balls the steps are projected on (dashed; named by their radius when several) and
    the reference balls (dotted, faint), as the chart draws and names them."""

    def name(ball, said) -> str:
        if len(constraints) == 1:
            return said["constraint"]
        return said["constraint_named"].format(constraint=said["constraint"], ball=_ball_name(ball, "≤"))

    outlines = []
    for ball in constraints:
        x, y = _constraint_shape(ball)
        dash = "dash" if ball["norm"] == "l1" else "dashdot"
        outlines.append(Outline(_points(x, y), name(ball, words), dash, english=name(ball, english)))
    for ball in guides:
        x, y = _constraint_shape(ball)
        label = _ball_name(ball, "=")
        outlines.append(Outline(_points(x, y), label, "dot", "#5a5a5a", 1.5, english=label))
    return outlines


def _points(x, y) -> np.ndarray:
    return np.stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)], -1)


def _track(r: Racer, english: str, language: str) -> Track:
    """A racer as the GIF draws it, with the point of its state the chart draws (if any),
    named as the chart names it ("ASGD: averaged point")."""
    if r.drawn is None:
        return Track(r.label, r.color, r.run.path, r.run.step, english=english)
    # The state point's word in English: the same catalog key (fig.state.<field>) in English.
    states = prefixed_words("fig.state.", language)
    field = next(k for k, word in states.items() if word == r.drawn_label)
    return Track(
        r.label,
        r.color,
        r.run.path,
        r.run.step,
        english=english,
        drawn=r.drawn,
        drawn_label=f"{r.label}: {r.drawn_label}",
        drawn_english=f"{english}: {prefixed_words('fig.state.', DEFAULT_LANGUAGE)[field]}",
    )


def _english_words(penalized_: bool) -> dict[str, str]:
    return {**ENGLISH, **figure_words(DEFAULT_LANGUAGE, penalized=penalized_)}


def lesson_gif(key: str, language: str, size, frames: int = 200, scenes=None) -> Gif:
    """A lesson's scenes raced on its map (``scenes``: its LessonRacers, if already run)."""
    scenes = scenes or lesson_racers(key, language)
    tracks = [_track(r, e, language) for r, e in zip(scenes.racers, scenes.english, strict=True)]
    words = figure_words(language, penalized=penalized(key))
    english = _english_words(penalized(key))
    surface = scenes.surface
    return race_gif(
        compute_field(surface.value, surface.bounds),
        surface.bounds,
        tracks,
        marks=surface_marks(surface, words, english),
        outlines=ball_outlines(scenes.constraints, (), words, english),
        words=words,
        size=size,
        frames=frames,
    )


def playground_gif(
    surface, s: cfg.Settings, racers: Sequence[Racer], language: str, size, frames: int = 200
) -> Gif:
    """The Playground's race as its map shows it: the penalised objective's colours, the
    constraint (or the unit balls on the bowl made for them), minima and saddles."""
    tracks = [
        _track(r, optimizer_title(name, DEFAULT_LANGUAGE), language)
        for r, name in zip(racers, s.optimizers, strict=True)
    ]
    words = figure_words(language, penalized=s.reg != "none")
    english = _english_words(s.reg != "none")
    constraint = s.simulate_options().get("constraint")
    guides = UNIT_BALLS if surface.name == "constrained_bowl" and constraint is None else ()
    return race_gif(
        compute_field(objective(surface, s), surface.bounds),
        surface.bounds,
        tracks,
        marks=surface_marks(surface, words, english),
        outlines=ball_outlines([constraint] if constraint else [], guides, words, english),
        words=words,
        size=size,
        frames=frames,
    )
