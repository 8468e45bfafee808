"""The Network page's view of what each neuron computes (issue 29, item 3): a switch (``neurons=1``
in the link; a view only: the page does not train the scene again for it), and the diagram of
viz/neurons.py for one of the scene's optimizers, at FRAMES of its records."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.access import chart
from ui.shell import lang, say
from ui.texts import optimizer_title, prefixed_words
from viz.neurons import LAYERS, data_box, neurons_figure

FRAMES = 12  # records of the run the diagram shows (its first and last among them)


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def _figure(_result, settings_json: str, which: int, language: str):
    """The diagram of the ``which``-th optimizer's run (``settings_json`` keys the cache)."""
    return diagram(_result, which, language)


def diagram(result, which: int, language: str, *, height: int = 620):
    """The diagram of a trained scene's ``which``-th optimizer's run at FRAMES of its records
    (the Network page's view, and lesson 36's panel)."""
    run = result.trained[which].run
    picks = np.unique(np.linspace(0, len(run.step) - 1, FRAMES).round().astype(int))
    low, high = data_box(result.net)
    return neurons_figure(
        result.net,
        run.path[picks, 0],
        run.step[picks],
        low,
        high,
        prefixed_words("nn.", language),
        height=height,
    )


def neurons_view(state, settings, result, settings_json: str) -> None:
    """The switch (the page's setting "neurons"), and when it is on the diagram with what it
    shows in words."""
    state.widget("neurons", st)
    if not settings.neurons or not result.trained:
        return
    names = [optimizer_title(t.name, lang()) for t in result.trained]
    which = 0
    if len(names) > 1:
        which = st.radio(say("nn.which"), range(len(names)), format_func=names.__getitem__, horizontal=True)
    units = result.net.hidden[:LAYERS]
    fig = _figure(result, settings_json, which, lang())
    chart(
        fig,
        key="neurons_chart",
        name=say("nn.title", name=names[which]),
        summary=say("nn.note", layers=len(units)),
        config={"displaylogo": False, "scrollZoom": False},
    )
    st.caption(say("nn.note", layers=len(units)))


def neurons_chart(result, settings_json: str, container, **kwargs) -> bool:
    """A projector's view: the first optimizer's diagram alone in ``container`` (``kwargs`` go
    to the chart: its height); False when there is none to draw."""
    if not result.trained:
        return False
    name = optimizer_title(result.trained[0].name, lang())
    chart(
        _figure(result, settings_json, 0, lang()),
        key="neurons_chart",
        name=say("nn.title", name=name),
        summary=say("nn.note", layers=len(result.net.hidden[:LAYERS])),
        container=container,
        config={"displaylogo": False, "scrollZoom": False},
        **kwargs,
    )
    return True
