"""Loss surfaces: the Surface type, the built-in catalog and the safe expression parser."""

from surfaces.catalog import SURFACES, get_surface
from surfaces.expression import ExpressionError, surface_from_expression
from surfaces.surface import Surface

__all__ = ["SURFACES", "ExpressionError", "Surface", "get_surface", "surface_from_expression"]
