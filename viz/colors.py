"""Colours shared by the pages' figures: one per racer (optimizer or scene), in order."""

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def color(i: int) -> str:
    """The colour of the ``i``-th racer (they repeat after six)."""
    return COLORS[i % len(COLORS)]
