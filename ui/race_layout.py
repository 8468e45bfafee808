"""The race's layout, the same on the Playground and the Custom page (which passes its typed
surface): the sidebar's controls, the map beside the curves and the summary, the inspector and
narration, the 3-D view and the exports. Each panel is a module of its own (ui/race_*.py)."""

from __future__ import annotations

import dataclasses
import json

import streamlit as st

from ui.access import chart
from ui.embed import HIDDEN, embed_end
from ui.race_controls import controls
from ui.race_exports import exports
from ui.race_figures import figures, grad_curves, runs, view3d
from ui.race_inspector import inspector
from ui.race_narration import narration
from ui.race_state import current, on_map_click, race_state
from ui.race_summary import curves_text, ending_of, map_text, stability_note, summary_table
from ui.race_tuning import tuning_chart, tuning_controls
from ui.shell import lang, on_phone, say


def race(surface, extra_query: dict[str, str] | None = None) -> None:
    """The race on ``surface``, every setting into the URL. A typed surface (the Custom page)
    passes ``extra_query``: its expression and bounds, which replace the surface's name."""
    controls(surface)
    tuning_controls(surface)
    custom = extra_query is not None
    surface_key = "custom:" + surface.title + repr(surface.bounds) if custom else surface.name
    s = current(surface)
    query = s.to_query()
    if custom:
        query = {k: v for k, v in query.items() if k != "s" and not k.startswith("p.")} | extra_query
    race_state("custom" if custom else "playground").write_url(query, language=False)
    settings_json = json.dumps(dataclasses.asdict(s))  # key order kept: it is the colour order

    stability_note(surface, s)
    if not s.optimizers:
        st.info(say("pg.none"))
        return
    racers, race_chart, loss = figures(
        settings_json, lang(), surface, runs(settings_json, surface, surface_key), surface_key, on_phone()
    )

    ends = [ending_of(surface, s, r.run) for r in racers]  # the map's words and the table's
    left, right = st.columns([3, 2])
    with left:
        map_name, map_words = map_text(surface, racers, ends)
        chart(
            race_chart,
            key="race_chart",
            name=map_name,
            summary=map_words,
            on_select=on_map_click,
            selection_mode="points",
            config={"displaylogo": False, "scrollZoom": False},
        )
        st.caption(say("pg.share"))
    with right, st.container(key=HIDDEN):  # an embedded page shows the map alone (ui/embed.py)
        st.markdown(f"**{say('pg.loss')}**")
        name, words = curves_text(racers)
        chart(loss, key="loss_chart", name=name, summary=words)
        if st.toggle(say("pg.gradnorm"), key="show_grad_norm"):
            grad = grad_curves(settings_json, lang(), surface, racers, surface_key)
            name, words = curves_text(racers, "grad_norm")
            chart(grad, key="grad_chart", name=name, summary=words)
        tuning_chart(s, settings_json)
        summary_table(surface, s, racers, ends)
    embed_end("custom" if custom else "playground")  # an embedded page ends with the map
    if s.inside:
        inspector(racers, list(s.optimizers), s.steps)
        narration(surface, racers, s)
    # WebGL is slow to start on machines without a GPU: the 3-D view is drawn on request.
    if st.toggle(say("pg.view3d"), key="show_3d"):
        view = view3d(settings_json, lang(), surface, racers, surface_key)
        name = say("alt.view3d", surface=surface.title)
        chart(view, key="view3d", name=name, summary=map_words)
    exports(race_chart, surface, s, racers)
