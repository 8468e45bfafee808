"""A safe parser for f(x, y) typed by a user: checked with ``ast``, built into SymPy by hand.

User text is never evaluated: SymPy's ``sympify``/``parse_expr`` call ``eval``, a restricted
namespace is no sandbox, and ``lambdify`` executes symbol names as code. The text is parsed
by Python's ``ast`` (which only reads it), every node is checked against a whitelist, and
the SymPy expression is built from the checked tree. Sizes are capped so that nothing
accepted can hang differentiation or evaluation.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re

import numpy as np
import sympy as sp

from surfaces.surface import Surface, X, Y

MAX_LENGTH = 300
MAX_NODES = 150
MAX_DEPTH = 30
MAX_CONSTANT = 1e6
MAX_EXPONENT = 12
# A number built from constants (2**10 * 1000) may not exceed 10**MAX_MAGNITUDE.
MAX_MAGNITUDE = 100

NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
FUNCTIONS = {
    "abs": (sp.Abs, 1),
    "sqrt": (sp.sqrt, 1),
    "exp": (sp.exp, 1),
    "log": (sp.log, 1),
    "sin": (sp.sin, 1),
    "cos": (sp.cos, 1),
    "tan": (sp.tan, 1),
    "tanh": (sp.tanh, 1),
    "atan": (sp.atan, 1),
    "sinh": (sp.sinh, 1),
    "cosh": (sp.cosh, 1),
    "sign": (sp.sign, 1),
    "max": (sp.Max, 2),
    "min": (sp.Min, 2),
}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
MAX_ARGUMENTS = 4  # for max and min


class ExpressionError(ValueError):
    """The text is not an accepted f(x, y); the message says where and why."""


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "attributes (a.b)",
        ast.Subscript: "subscripts (a[i])",
        ast.Lambda: "lambda",
        ast.ListComp: "comprehensions",
        ast.GeneratorExp: "comprehensions",
        ast.SetComp: "comprehensions",
        ast.DictComp: "comprehensions",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "if/else",
        ast.List: "lists",
        ast.Tuple: "tuples or commas",
        ast.Dict: "dicts",
        ast.Set: "sets",
        ast.Starred: "starred arguments",
        ast.NamedExpr: ":=",
        ast.JoinedStr: "strings",
        ast.Await: "await",
    }
    for kind, words in kinds.items():
        if isinstance(node, kind):
            return words
    return type(node).__name__


class _Builder:
    """Checks each node of the tree and builds the SymPy expression bottom-up."""

    def __init__(self) -> None:
        self.nodes = 0

    def build(self, node: ast.AST, depth: int = 0) -> sp.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"expression is too long ({MAX_NODES} terms at most)")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested too deeply ({MAX_DEPTH} levels at most)")
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        if isinstance(node, ast.Name):
            if node.id not in NAMES:
                hint = f": did you mean {node.id}(...)?" if node.id in FUNCTIONS else ": use x and y"
                raise ExpressionError(f"unknown name {node.id!r}{hint}")
            return NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            return self._binary(node.op, left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.BinOp):
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed: use + - * / ^")
        raise ExpressionError(f"{_describe(node)} are not allowed: only arithmetic on x and y")

    @staticmethod
    def _constant(value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = "strings" if isinstance(value, (str, bytes)) else type(value).__name__
            raise ExpressionError(f"{what} are not allowed: only numbers, x and y")
        if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
            raise ExpressionError(f"number {value!r} is too large (at most {MAX_CONSTANT:g})")
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    @staticmethod
    def _binary(op: ast.operator, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if isinstance(op, ast.Pow):
            if right.is_number:
                exponent = float(right)
                if abs(exponent) > MAX_EXPONENT:
                    raise ExpressionError(
                        f"exponent {sp.nsimplify(right) if abs(exponent) < 1e15 else right} "
                        f"is too large (max {MAX_EXPONENT})"
                    )
                if left.is_number:
                    _check_magnitude(float(abs(exponent)) * _log10(left))
            return left**right
        if isinstance(op, ast.Add):
            result = left + right
        elif isinstance(op, ast.Sub):
            result = left - right
        elif isinstance(op, ast.Mult):
            if left.is_number and right.is_number:
                _check_magnitude(_log10(left) + _log10(right))
            result = left * right
        else:
            if right == 0:
                raise ExpressionError("division by zero")
            result = left / right
        return result

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            allowed = ", ".join(FUNCTIONS)
            raise ExpressionError(f"unknown function {name!r}: allowed are {allowed}")
        if node.keywords:
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments")
        function, arity = FUNCTIONS[node.func.id]
        count = len(node.args)
        if arity == 1 and count != 1:
            raise ExpressionError(f"{node.func.id}() takes exactly one argument, got {count}")
        if arity == 2 and not 2 <= count <= MAX_ARGUMENTS:
            raise ExpressionError(f"{node.func.id}() takes 2 to {MAX_ARGUMENTS} arguments, got {count}")
        args = [self.build(a, depth + 1) for a in node.args]
        return function(*args)


def _log10(number: sp.Expr) -> float:
    value = abs(complex(sp.N(number, 15)))
    return math.log10(value) if value > 0 else 0.0


def _check_magnitude(log10: float) -> None:
    if log10 > MAX_MAGNITUDE:
        raise ExpressionError(f"a number in the expression is too large (over 1e{MAX_MAGNITUDE})")


_TRAILING_OPERATOR = re.compile(r"(\*\*|[-+*/^])\s*$")
_LEADING_OPERATOR = re.compile(r"^\s*(\*\*|[*/^])")


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long: {len(text)} characters (max {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("the expression is empty: type a function of x and y, e.g. x^2 + y^2")
    for i, ch in enumerate(text):
        if not (ch.isascii() and (ch.isprintable() or ch in " \t")):
            raise ExpressionError(
                f"character {ch!r} at position {i + 1} is not allowed: use plain ASCII letters, "
                "digits and + - * / ^ ( )"
            )
    for ch in "'\"\\;#`$@&|{}[]!?~=<>%":
        pos = text.find(ch)
        if pos >= 0:
            raise ExpressionError(f"character {ch!r} at position {pos + 1} is not allowed")
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise ExpressionError(f"')' at position {i + 1} has no matching '('")
    if depth > 0:
        raise ExpressionError(f"unbalanced brackets: {depth} '(' never closed")
    match = _TRAILING_OPERATOR.search(text)
    if match:
        raise ExpressionError(f"expected a number or a name after '{match.group(1)}'")
    match = _LEADING_OPERATOR.search(text)
    if match:
        raise ExpressionError(f"expected a number or a name before '{match.group(1)}'")
    return text.replace("^", "**")


def parse_expression(text: object) -> sp.Expr:
    """Parse ``text`` into a SymPy expression in x and y, or raise ExpressionError."""
    source = _check_text(text)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at position {error.offset}" if error.offset else ""
        detail = error.msg if error.msg and error.msg != "invalid syntax" else "invalid syntax"
        raise ExpressionError(f"{detail}{where}") from None
    except (MemoryError, RecursionError, ValueError):
        raise ExpressionError("the expression could not be read") from None
    try:
        expr = _Builder().build(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression is nested too deeply ({MAX_DEPTH} levels at most)") from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        raise ExpressionError("the expression is not a finite real function of x and y")
    return expr


def _defined_everywhere(expr: sp.Expr) -> bool:
    """True when f can be evaluated at every real point (no log, division, roots or tan)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.log, sp.tan)):
            return False
        negative_or_fractional = isinstance(node, sp.Pow) and not (node.exp.is_Integer and node.exp >= 0)
        if negative_or_fractional and node.base.free_symbols:
            return False
    return True


def surface_from_expression(
    text: str, bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
) -> Surface:
    """A Surface for the user's ``text``, e.g. ``"(1-x)^2 + 100*(y-x^2)^2"``, over ``bounds``
    (default ``DEFAULT_BOUNDS``). Raises ExpressionError on anything else. Only parses: the
    minima are not known (``optimizers.minima`` estimates them and chooses a range)."""
    expr = parse_expression(text)
    return _surface(text, expr, DEFAULT_BOUNDS if bounds is None else _check_bounds(bounds))


DEFAULT_BOUNDS = ((-3.0, 3.0), (-3.0, 3.0))


def default_start(bounds) -> np.ndarray:
    """Where a typed surface's trajectories start: 80 % of the way across each axis."""
    (x0, x1), (y0, y1) = bounds
    return np.array([x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0)])


def _surface(text: str, expr: sp.Expr, bounds) -> Surface:
    surface = Surface(
        name="custom",
        title=str(text).strip(),
        expr=expr,
        bounds=bounds,
        minima=np.empty((0, 2)),
        f_min=None,
        saddles=np.empty((0, 2)),
        start=default_start(bounds),
        reference="typed by the user",
        defined_everywhere=_defined_everywhere(expr),
    )
    return (
        surface if surface.defined_everywhere else dataclasses.replace(surface, start=defined_start(surface))
    )


def defined_start(surface: Surface, side: int = 41) -> np.ndarray:
    """The point nearest to the default start where the surface and its gradient are finite
    (on a grid over its bounds): a start in an undefined region would freeze every run at step
    0. The default start when it is defined, or when no grid point is."""
    (x0, x1), (y0, y1) = surface.bounds
    wanted = default_start(surface.bounds)
    gx, gy = np.meshgrid(np.linspace(x0, x1, side), np.linspace(y0, y1, side))
    points = np.vstack([wanted, np.column_stack([gx.ravel(), gy.ravel()])])
    with np.errstate(all="ignore"):
        ok = np.isfinite(surface.value(points)) & np.isfinite(surface.grad(points)).all(-1)
    if ok[0] or not ok.any():
        return wanted
    candidates = points[ok]
    return candidates[np.argmin(np.linalg.norm(candidates - wanted, axis=1))]


def _check_bounds(bounds) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in bounds)
    except (TypeError, ValueError):
        raise ExpressionError("bounds must be ((xmin, xmax), (ymin, ymax))") from None
    for lo, hi, axis in ((x0, x1, "x"), (y0, y1, "y")):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and hi - lo <= 1e4):
            raise ExpressionError(f"{axis} bounds must be finite with min < max, got ({lo}, {hi})")
    return (x0, x1), (y0, y1)
