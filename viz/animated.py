"""A Plotly figure whose animation frames stay plain JSON dicts.

Plotly validates every property it is given: for a race of 200 frames of about ten traces each
that was 70% of building the figure (0.2-0.3 s a scene, on every cache miss of every student)
although the frames hold nothing but typed arrays (``packed``) and names that plotly.js reads as
they are. An :class:`AnimatedFigure` keeps the frames as given and hands them to
``to_dict()`` (what ``st.plotly_chart``, ``plotly.io.to_json`` and ``write_html`` read) without
validating or copying them. ``fig.frames`` still gives validated ``go.Frame`` objects, built on
first access, for code that inspects them.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


class AnimatedFigure(go.Figure):
    """A ``go.Figure`` with unvalidated frames: ``set_frames(list_of_dicts)``. Data and layout
    are validated as usual. The frame dicts are shared, not copied: do not change them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_frames: list[dict] = []

    def set_frames(self, frames: list[dict]) -> None:
        self._plain_frames = list(frames)
        self._frame_objs = ()

    @property
    def frames(self) -> tuple[go.Frame, ...]:
        if self._plain_frames and not self._frame_objs:
            self._frame_objs = tuple(go.Frame(frame) for frame in self._plain_frames)
        return self._frame_objs

    @frames.setter
    def frames(self, new_frames) -> None:
        self._plain_frames = []
        self._frame_objs = self._frames_validator.validate_coerce(new_frames)

    def to_dict(self) -> dict:
        if not self._plain_frames:
            return super().to_dict()
        built, self._frame_objs = self._frame_objs, ()  # not copied, not walked again
        try:
            spec = super().to_dict()
        finally:
            self._frame_objs = built
        spec["frames"] = list(self._plain_frames)
        return spec
