"""Pure figure builders: Surface and Runs in, plotly Figures out (no Streamlit here)."""

from viz.curves import curves_figure, summary
from viz.field import Field, compute_field
from viz.race import Racer, frame_indices, race_figure, surface_figure

__all__ = [
    "Field",
    "Racer",
    "compute_field",
    "curves_figure",
    "frame_indices",
    "race_figure",
    "summary",
    "surface_figure",
]
