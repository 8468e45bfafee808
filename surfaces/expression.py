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


# Every reason a text is refused, by key, in English; the app shows these words from its
# catalogs ("parser.<key>" in ui/*.toml), in the page's language, with the same values.
REASONS = {
    "not_text": "the expression must be text",
    "too_long": "expression is too long: {length} characters (max {limit})",
    "empty": "the expression is empty: type a function of x and y, e.g. x^2 + y^2",
    "not_ascii": (
        "character {char!r} at position {position} is not allowed: use plain ASCII letters, "
        "digits and + - * / ^ ( )"
    ),
    "character": "character {char!r} at position {position} is not allowed",
    "unmatched": "')' at position {position} has no matching '('",
    "unclosed": "unbalanced brackets: {count} '(' never closed",
    "missing_after": "expected a number or a name after '{operator}'",
    "missing_before": "expected a number or a name before '{operator}'",
    "syntax": "invalid syntax near position {position}",
    "unreadable": "the expression could not be read",
    "too_many_terms": "expression is too long ({limit} terms at most)",
    "too_deep": "expression is nested too deeply ({limit} levels at most)",
    "unknown_name": "unknown name {name!r}: use x and y",
    "function_name": "unknown name {name!r}: did you mean {name}(...)?",
    "operator": "operator {name} is not allowed: use + - * / ^",
    "construct": "{what} is not allowed: only arithmetic on x and y",
    "constant": "{what} is not allowed: only numbers, x and y",
    "big_number": "number {value} is too large (at most {limit})",
    "big_exponent": "exponent {value} is too large (max {limit})",
    "magnitude": "a number in the expression is too large (over 1e{limit})",
    "division_by_zero": "division by zero",
    "unknown_function": "unknown function {name!r}: allowed are {allowed}",
    "keywords": "{name}() takes no keyword arguments",
    "one_argument": "{name}() takes exactly one argument, got {count}",
    "arguments": "{name}() takes 2 to {most} arguments, got {count}",
    "not_real": "the expression is not a finite real function of x and y",
    "bounds": "bounds must be ((xmin, xmax), (ymin, ymax))",
    "bad_bounds": "{axis} bounds must be finite with min < max, got ({low}, {high})",
}


class ExpressionError(ValueError):
    """The text is not an accepted f(x, y); the message says where and why. ``key`` names the
    reason (a key of REASONS) and ``values`` fill its words, for messages in other languages."""

    def __init__(self, key: str, **values: object):
        super().__init__(REASONS[key].format(**values))
        self.key, self.values = key, values


def _describe(node: ast.AST) -> str:
    """What a refused piece of syntax looks like, in symbols that need no translation."""
    kinds = {
        ast.Attribute: "a.b",
        ast.Subscript: "a[i]",
        ast.Lambda: "lambda",
        ast.ListComp: "[... for ...]",
        ast.GeneratorExp: "(... for ...)",
        ast.SetComp: "{... for ...}",
        ast.DictComp: "{...: ... for ...}",
        ast.Compare: "== < >",
        ast.BoolOp: "and/or",
        ast.IfExp: "... if ... else ...",
        ast.List: "[...]",
        ast.Tuple: "a, b",
        ast.Dict: "{...: ...}",
        ast.Set: "{...}",
        ast.Starred: "*a",
        ast.NamedExpr: ":=",
        ast.JoinedStr: "f'...'",
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
            raise ExpressionError("too_many_terms", limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise ExpressionError("too_deep", limit=MAX_DEPTH)
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        if isinstance(node, ast.Name):
            if node.id not in NAMES:
                raise ExpressionError(
                    "function_name" if node.id in FUNCTIONS else "unknown_name", name=node.id
                )
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
            raise ExpressionError("operator", name=type(node.op).__name__)
        raise ExpressionError("construct", what=_describe(node))

    @staticmethod
    def _constant(value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = "'...'" if isinstance(value, (str, bytes)) else type(value).__name__
            raise ExpressionError("constant", what=what)
        if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
            raise ExpressionError("big_number", value=repr(value), limit=f"{MAX_CONSTANT:g}")
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    @staticmethod
    def _binary(op: ast.operator, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if isinstance(op, ast.Pow):
            if right.is_number:
                exponent = float(right)
                if abs(exponent) > MAX_EXPONENT:
                    shown = sp.nsimplify(right) if abs(exponent) < 1e15 else right
                    raise ExpressionError("big_exponent", value=str(shown), limit=MAX_EXPONENT)
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
                raise ExpressionError("division_by_zero")
            result = left / right
        return result

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            allowed = ", ".join(FUNCTIONS)
            raise ExpressionError("unknown_function", name=name, allowed=allowed)
        if node.keywords:
            raise ExpressionError("keywords", name=node.func.id)
        function, arity = FUNCTIONS[node.func.id]
        count = len(node.args)
        if arity == 1 and count != 1:
            raise ExpressionError("one_argument", name=node.func.id, count=count)
        if arity == 2 and not 2 <= count <= MAX_ARGUMENTS:
            raise ExpressionError("arguments", name=node.func.id, most=MAX_ARGUMENTS, count=count)
        args = [self.build(a, depth + 1) for a in node.args]
        return function(*args)


def _log10(number: sp.Expr) -> float:
    value = abs(complex(sp.N(number, 15)))
    return math.log10(value) if value > 0 else 0.0


def _check_magnitude(log10: float) -> None:
    if log10 > MAX_MAGNITUDE:
        raise ExpressionError("magnitude", limit=MAX_MAGNITUDE)


_TRAILING_OPERATOR = re.compile(r"(\*\*|[-+*/^])\s*$")
_LEADING_OPERATOR = re.compile(r"^\s*(\*\*|[*/^])")


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ExpressionError("not_text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("too_long", length=len(text), limit=MAX_LENGTH)
    if not text.strip():
        raise ExpressionError("empty")
    for i, ch in enumerate(text):
        if not (ch.isascii() and (ch.isprintable() or ch in " \t")):
            raise ExpressionError("not_ascii", char=ch, position=i + 1)
    for ch in "'\"\\;#`$@&|{}[]!?~=<>%":
        pos = text.find(ch)
        if pos >= 0:
            raise ExpressionError("character", char=ch, position=pos + 1)
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise ExpressionError("unmatched", position=i + 1)
    if depth > 0:
        raise ExpressionError("unclosed", count=depth)
    match = _TRAILING_OPERATOR.search(text)
    if match:
        raise ExpressionError("missing_after", operator=match.group(1))
    match = _LEADING_OPERATOR.search(text)
    if match:
        raise ExpressionError("missing_before", operator=match.group(1))
    return text.replace("^", "**")


def parse_expression(text: object) -> sp.Expr:
    """Parse ``text`` into a SymPy expression in x and y, or raise ExpressionError."""
    source = _check_text(text)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError("syntax", position=error.offset or 1) from None
    except (MemoryError, RecursionError, ValueError):
        raise ExpressionError("unreadable") from None
    try:
        expr = _Builder().build(tree.body)
    except RecursionError:
        raise ExpressionError("too_deep", limit=MAX_DEPTH) from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        raise ExpressionError("not_real")
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
        raise ExpressionError("bounds") from None
    for lo, hi, axis in ((x0, x1, "x"), (y0, y1, "y")):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and hi - lo <= 1e4):
            raise ExpressionError("bad_bounds", axis=axis, low=lo, high=hi)
    return (x0, x1), (y0, y1)
