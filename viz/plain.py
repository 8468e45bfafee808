"""A Plotly figure whose bulky parts stay plain JSON dicts.

Plotly validates (and deep-copies) every property it is given. For a race of 200 frames of about
ten traces each that was 70% of building the figure; the layout's step slider (200 steps) and the
template (deep-copied twice per figure: plotly's default on creation, then ours) were most of the
rest; and all of it on every cache miss of every student. A :class:`PlainFigure` keeps:

- frames given to ``set_frames(list_of_dicts)`` as they are;
- layout parts given to ``plain_layout(**parts)`` as they are (each replaces the part of the same
  name in the validated layout);
- the template: ``viz.template.TEMPLATE``, put into ``to_dict()`` as one shared plain dict.

``to_dict()`` (what ``st.plotly_chart``, ``plotly.io.to_json`` and ``write_html`` read) hands
them over without validating or copying them: the dicts are shared, do not change them. The JSON
is the one a validated ``go.Figure`` of the same spec gives (tests/test_viz.py). Code that reads
``fig.frames`` or ``fig.layout`` gets validated objects, built on first access (``fig.layout``
takes the plain parts in, so ``update_layout`` after ``plain_layout`` still works).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from viz.template import TEMPLATE


@cache
def _template_spec() -> dict:
    return pio.templates[TEMPLATE].to_plotly_json()


class PlainFigure(go.Figure):
    """A ``go.Figure`` with unvalidated frames and layout parts, and the app's template."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._plain_frames: list[dict] = []
        self._plain_layout: dict[str, Any] = {}
        layout = kwargs.get("layout") or {}
        if isinstance(layout, go.Layout):
            layout = layout.to_plotly_json()
        # (A whole spec given as the first argument, as copy.deepcopy does, brings its own.)
        self._own_template = not args and "template" not in layout
        super().__init__(*args, **kwargs)

    def _initialize_layout_template(self) -> None:
        if not self._own_template:  # ours goes in to_dict (plotly's default is not copied in)
            super()._initialize_layout_template()

    # ------------------------------------------------------------------ frames
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

    # ------------------------------------------------------------------ layout
    def plain_layout(self, **parts: Any) -> None:
        self._plain_layout.update(parts)

    @property
    def layout(self) -> go.Layout:
        if self._plain_layout or self._own_template:
            parts, self._plain_layout = self._plain_layout, {}
            if self._own_template:
                self._own_template = False
                parts = {"template": TEMPLATE, **parts}
            self._layout_obj.update(parts, overwrite=True)
        return self["layout"]

    @layout.setter
    def layout(self, new_layout) -> None:
        self._plain_layout, self._own_template = {}, False
        go.Figure.layout.fset(self, new_layout)

    def layout_dict(self) -> dict:
        """The layout as plain parts, for reading: without merging (and validating) the parts
        set by ``plain_layout``, which ``layout`` would do."""
        return {**self._layout, **self._plain_layout}

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict:
        if self._plain_frames:
            built, self._frame_objs = self._frame_objs, ()  # not copied, not walked again
            try:
                spec = super().to_dict()
            finally:
                self._frame_objs = built
            spec["frames"] = list(self._plain_frames)
        else:
            spec = super().to_dict()
        layout = spec.setdefault("layout", {})
        if self._own_template:
            layout["template"] = _template_spec()
        layout.update(self._plain_layout)
        return spec
