"""A lesson's scenes as racers on one surface: what its map, its curves and its GIF draw."""

from __future__ import annotations

import dataclasses

from ui import settings as cfg
from ui.lesson_catalog import BY_KEY
from ui.race_figures import racer
from ui.texts import DEFAULT_LANGUAGE, lesson_words, optimizer_title, text
from viz import Racer
from viz.colors import COLORS


@dataclasses.dataclass(frozen=True)
class LessonRacers:
    racers: list[Racer]
    surface: object
    constraints: list[dict]  # every ball a scene projects its steps on
    english: list[str]  # each racer's label in English (for a GIF where no font writes the language)


def lesson_racers(key: str, language: str) -> LessonRacers:
    """The lesson's scenes run, each optimizer of each scene a racer labelled as the lesson's
    map labels it (by scene and optimizer when the lesson has several scenes)."""
    lesson = BY_KEY[key]
    labels = lesson_words(key, language)["scenes"]
    english_labels = lesson_words(key, DEFAULT_LANGUAGE)["scenes"]
    racers, english, surface, constraints = [], [], None, []
    for scene, scene_label, english_label in zip(lesson.scenes, labels, english_labels, strict=True):
        s = cfg.playground_from_query(scene.query)[0]
        surface = surface or cfg.surface_of(s)
        constraint = s.simulate_options().get("constraint")
        if constraint and constraint not in constraints:
            constraints.append(constraint)
        for name, run in cfg.run_all(s, surface):
            racers.append(
                racer(
                    name,
                    run,
                    COLORS[len(racers) % len(COLORS)],
                    language,
                    _label(lesson, scene_label, optimizer_title(name, language), language),
                )
            )
            english.append(
                _label(lesson, english_label, optimizer_title(name, DEFAULT_LANGUAGE), DEFAULT_LANGUAGE)
            )
    return LessonRacers(racers, surface, constraints, english)


def _label(lesson, scene_label: str, title: str, language: str) -> str:
    return text("q.runner", language, scene=scene_label, optimizer=title) if len(lesson.scenes) > 1 else title


def penalized(key: str) -> bool:
    """Whether a scene of the lesson adds a penalty or a constraint (its star is then f's own
    minimum, not the penalized solution)."""
    return any(scene.query.get("reg", "none") != "none" for scene in BY_KEY[key].scenes)
