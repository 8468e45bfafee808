"""The race's exports: the chart as HTML, the trajectories as CSV, the animation as a GIF."""

from __future__ import annotations

import streamlit as st

from ui import settings as cfg
from ui.race_gifs import playground_gif
from ui.shell import lang, say
from ui.widgets import gif_export
from viz import Racer
from viz.export import figure_html, trajectories_csv


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
        language = lang()  # read here: lang() needs the page's session
        gif_export(
            lambda size: playground_gif(surface, s, racers, language, size),
            say,
            "loss-surface-race",
            c,
        )
