"""Widgets drawn from the specs: a plain setting (ui.settings.SETTINGS) or an optimizer's
hyperparameter (its registered control). The session-state key of each widget is its URL key
with a prefix, so a page reads its settings back from session state."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui import settings as cfg
from ui.numbers import shown
from viz.gif import SIZES, Gif


def _number_format(value: Any) -> str:
    return shown(value)


def setting_widget(spec: cfg.Setting, key: str, say: Callable[[str], str], container=st) -> Any:
    """The widget of one plain setting, holding its value in ``st.session_state[key]``;
    ``say`` gives the words of a text key in the page's language."""
    label = say(spec.label)
    if spec.widget == "select":
        # A selectbox, not a radio: a radio showed no selection after the language changed.
        return container.selectbox(
            label, spec.options, key=key, format_func=lambda option: say(f"{spec.label}.{option}")
        )
    if spec.widget == "grid":
        options = cfg.with_value(spec.options, st.session_state.setdefault(key, spec.default))
        return container.select_slider(label, options, key=key, format_func=_number_format)
    if spec.widget == "toggle":
        return container.toggle(label, key=key)
    if spec.widget == "number":
        return container.number_input(label, spec.low, spec.high, key=key, step=spec.step)
    return container.slider(label, spec.low, spec.high, key=key, step=spec.step)


def hyperparameter_widget(optimizer: str, name: str, key: str, label: str, container=st) -> Any:
    """The widget of hyperparameter ``name`` of ``optimizer`` (its registered control)."""
    shown = cfg.control(optimizer, name)
    if shown.kind == "checkbox":
        return container.checkbox(label, key=key)
    if shown.kind == "select":
        return container.selectbox(label, shown.options, key=key)
    options = cfg.with_value(shown.options, st.session_state[key])
    return container.select_slider(label, options, key=key, format_func=_number_format)


def notices(notes: cfg.LinkNotes, say: Callable[..., str]) -> None:
    """Say what became of each value of the link that could not be taken as it was: replaced
    by its default, left out, moved to its range's nearest end or to the nearest allowed value."""

    def listed(keys) -> str:
        return ", ".join(sorted(set(keys)))

    if notes.replaced:
        st.warning(say("pg.notice", what=listed(notes.replaced)))
    if notes.unavailable:
        kind = "pg.unavailable_defaults" if notes.instead else "pg.unavailable"
        st.warning(say(kind, what=", ".join(notes.unavailable)))
    if notes.left_out:
        st.warning(say("pg.left_out", what=listed(notes.left_out)))
    if notes.clamped:
        st.info(say("pg.clamped", what=listed(notes.clamped)))
    if notes.snapped:
        st.info(say("pg.snapped", what=listed(notes.snapped)))


def gif_export(make: Callable[[tuple[int, int]], Gif], say, key: str, container=st) -> None:
    """A size choice and a button that draws the animation as a GIF (``make(size)``), then a
    button that saves it; says so when this server had no font for the page's words (the GIF
    then writes them in English), and says why when the GIF could not be made.

    Drawn in the page's run when asked, not by a download's deferred callable: that runs
    outside the page, where a failure shows nothing (the file just never came)."""
    size = container.selectbox(say("gif.size"), list(SIZES), key=f"{key}_size")
    if not container.button(say("gif.export"), key=f"{key}_make"):
        return
    place = container.empty()
    try:
        with place, st.spinner(say("gif.making")):
            made = make(SIZES[size])
    except Exception as error:  # whatever it was, the page says so and the rest still works
        logging.getLogger(__name__).exception("The GIF %s (%s) could not be made", key, size)
        place.error(say("gif.failed", error=f"{type(error).__name__}: {error}"[:200]))
        return
    place.download_button(
        say("gif.save", size=size, frames=made.frames, megabytes=len(made.data) / 1e6),
        made.data,
        file_name=f"{key}.gif",
        mime="image/gif",
        key=f"{key}_button",
        on_click="ignore",
    )
    if made.english_names:
        container.caption(say("gif.english"))


def training_options(
    draw: Callable[[str], Any], value: Callable[[str], Any], extra: Sequence[str] = ()
) -> None:
    """Clipping, the learning-rate schedule (each with the fields it needs), ``extra`` plain
    settings, and the regularization: ``draw(name)`` draws a setting's widget, ``value(name)``
    reads its current value. The Playground and the Network page both use it."""
    draw("clip")
    if value("clip") != "none":
        draw("clip_at")
    draw("schedule")
    schedule = value("schedule")
    if schedule in ("linear", "cosine", "inverse"):
        draw("tau")
    if schedule in ("linear", "cosine"):
        draw("final")
    if schedule in ("exponential", "step"):
        draw("gamma")
    if schedule == "step":
        draw("every")
    for name in extra:
        draw(name)
    draw("reg")
    if value("reg") != "none":
        draw("strength")
