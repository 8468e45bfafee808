"""The race's exports: the chart as HTML, the trajectories as CSV, the animation as a GIF."""

from __future__ import annotations

import streamlit as st

from ui import settings as cfg
from ui.race_figures import objective
from ui.shell import lang, say
from ui.texts import DEFAULT_LANGUAGE, figure_words, optimizer_title
from ui.widgets import gif_export
from viz import Racer, compute_field
from viz.export import figure_html, trajectories_csv
from viz.gif import Track, race_gif


def exports(race, surface, s: cfg.Settings, racers: list[Racer]) -> None:
    """The export panel of the race figure ``race``."""
    with st.expander(say("pg.export")):
        a, b, c = st.columns(3)
        a.download_button(
            say("pg.export.html"),
            lambda: figure_html(race),
            file_name="loss-surface-race.html",
            mime="text/html",
            key="export_html",
        )
        b.download_button(
            say("pg.export.csv"),
            lambda: trajectories_csv(racers),
            file_name="trajectories.csv",
            mime="text/csv",
            key="export_csv",
        )
        gif_export(
            lambda size: race_gif_of(surface, s, racers, list(s.optimizers), lang(), size),
            [r.label for r in racers],
            say,
            "loss-surface-race",
            c,
        )


def race_gif_of(
    surface, s: cfg.Settings, racers: list[Racer], names: list[str], language: str, size
) -> bytes:
    """The race as the chart shows it, drawn into a GIF for slides."""
    tracks = [
        Track(r.label, r.color, r.run.path, r.run.step, english=optimizer_title(name, DEFAULT_LANGUAGE))
        for r, name in zip(racers, names, strict=True)
    ]
    words = figure_words(language)
    points = [(surface.minima, words["minimum"])] if len(surface.minima) else []
    background = compute_field(objective(surface, s), surface.bounds)
    return race_gif(background, surface.bounds, tracks, points=points, words=words, size=size).data
