"""A learner's own classification points: read from CSV text, carried in a link, split.

Points lie in the square ``[-BOX, BOX]^2`` with labels 0, 1 or 2 (two or three classes).

- CSV: one point a line, ``x, y, label`` (commas, semicolons, tabs or spaces between them); an
  optional header line, blank lines and ``#`` comments are skipped. At most ``MAX_ROWS`` points:
  a bad line is reported by its number and reason (``Problem``), the good ones are kept.
- Link: up to ``URL_MAX_POINTS`` points as ``"1"`` (the format's version) and URL-safe base64
  (no padding) of one big-endian 32-bit word per point: x and y on a grid of ``LEVELS`` levels
  across the box (15 bits each, a step of 2 BOX / (LEVELS - 1) = 2.4e-4) and the label (2
  bits). 5.33 characters a point: 300 points take 1,601. ``quantize`` puts points on that grid,
  so a point added on the page survives the link unchanged: ``decode(encode(X, y))`` is
  ``(quantize(X), y)`` and ``encode(*decode(text)) == text``.
- Split: the points shuffled by ``default_rng(seed)``; a quarter (at least one) is the test
  set, another quarter the validation set when asked for, the rest the training set.
"""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import io
import math
import re

import numpy as np

from networks.data import Dataset

BOX = 4.0
CLASSES = 3  # labels 0, 1, 2
MAX_ROWS = 2_000
URL_MAX_POINTS = 300
MAX_TEXT = 200_000  # characters of CSV read at most (2,000 long lines of numbers fit)
BITS = 15
LEVELS = 2**BITS
STEP = 2 * BOX / (LEVELS - 1)
VERSION = "1"
TEST_SHARE = 0.25  # of the points, at least one
VAL_SHARE = 0.25  # of the points, when a validation set is asked for
MIN_POINTS = 8  # so that the training set keeps at least four
_SEPARATOR = re.compile(r"\s*[,;\t]\s*|\s+")


@dataclasses.dataclass(frozen=True)
class Problem:
    """A line of CSV that was left out: its number (from 1) and why (a text key's last part:
    ``fields``, ``number``, ``box``, ``label``, ``rows``), with what it read."""

    line: int
    reason: str
    text: str = ""


@dataclasses.dataclass(frozen=True)
class Points:
    """Points ``X (n, 2)`` float64, labels ``y (n,)`` int64, and the lines left out."""

    X: np.ndarray
    y: np.ndarray
    problems: tuple[Problem, ...] = ()


def empty() -> Points:
    return Points(np.zeros((0, 2)), np.zeros(0, dtype=np.int64))


def quantize(X: np.ndarray) -> np.ndarray:
    """The points of ``X`` (inside the box) on the link's grid: what a link gives back."""
    return _levels(X) * STEP - BOX


def _levels(X: np.ndarray) -> np.ndarray:
    return np.clip(np.rint((np.asarray(X, dtype=np.float64) + BOX) / STEP), 0, LEVELS - 1).astype(np.int64)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_csv(text: str) -> Points:
    """The points of CSV ``text`` and the lines left out (see the module's docstring). Never
    raises on what the text holds; text beyond ``MAX_TEXT`` characters is one problem."""
    X, y, problems = [], [], []
    if len(text) > MAX_TEXT:
        cut = text.rfind("\n", 0, MAX_TEXT)
        text = text[: cut if cut > 0 else MAX_TEXT]
        problems.append(Problem(text.count("\n") + 2, "rows"))
    header_allowed = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        fields = [f for f in _SEPARATOR.split(line) if f != ""]
        values = [_number(f) for f in fields]
        if header_allowed and len(fields) == 3 and values[0] is None and values[1] is None:
            header_allowed = False  # a header: x, y, label
            continue
        header_allowed = False
        if len(y) == MAX_ROWS:
            problems.append(Problem(number, "rows"))
            break
        short = line[:40]
        if len(fields) != 3:
            problems.append(Problem(number, "fields", short))
        elif values[0] is None or values[1] is None:
            problems.append(Problem(number, "number", short))
        elif abs(values[0]) > BOX or abs(values[1]) > BOX:
            problems.append(Problem(number, "box", short))
        elif values[2] is None or not values[2].is_integer() or not 0 <= values[2] < CLASSES:
            problems.append(Problem(number, "label", short))
        else:
            X.append((values[0], values[1]))
            y.append(int(values[2]))
    if problems and problems[0].reason == "rows" and len(problems) > 1:  # the cut first in line order
        problems = problems[1:] + problems[:1]
    X_array = np.array(X, dtype=np.float64).reshape(-1, 2)
    return Points(X_array, np.array(y, dtype=np.int64), tuple(problems))


def to_csv(X: np.ndarray, y: np.ndarray) -> str:
    """The points as CSV with a header, ``repr`` of each coordinate (read back exactly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x", "y", "label"])
    for (a, b), label in zip(np.asarray(X, dtype=np.float64), np.asarray(y), strict=True):
        writer.writerow([repr(float(a)), repr(float(b)), int(label)])
    return out.getvalue()


def fits_link(X: np.ndarray) -> bool:
    """Whether the points can travel in a link (few enough; each inside the box)."""
    return len(X) <= URL_MAX_POINTS and bool((np.abs(np.asarray(X)) <= BOX).all())


def encode(X: np.ndarray, y: np.ndarray, limit: int = URL_MAX_POINTS) -> str:
    """The link's text for the points (see the module's docstring); ValueError beyond
    ``limit`` points (a link's: URL_MAX_POINTS; the page keeps up to MAX_ROWS in this form),
    outside the box or for labels other than 0, 1, 2."""
    X, y = np.asarray(X, dtype=np.float64).reshape(-1, 2), np.asarray(y)
    if len(X) > limit or not (np.abs(X) <= BOX).all():
        raise ValueError(f"at most {limit} points inside [-{BOX:g}, {BOX:g}]")
    if len(y) != len(X) or (len(y) and (y.min() < 0 or y.max() >= CLASSES)):
        raise ValueError("one label 0, 1 or 2 per point")
    levels = _levels(X)
    words = (levels[:, 0] << (BITS + 2)) | (levels[:, 1] << 2) | y.astype(np.int64)
    raw = words.astype(">u4").tobytes()
    return VERSION + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def count(text: str) -> int:
    """How many points the text of ``encode`` holds (read from its length)."""
    return (len(text) - len(VERSION)) * 3 // 16 if text else 0


def decode(text: str, limit: int = URL_MAX_POINTS) -> Points:
    """The points of a link's text (at most ``limit``); ValueError (a message to show) for
    anything else."""
    if not isinstance(text, str) or not text.startswith(VERSION):
        raise ValueError("not a list of points written by this page")
    body = text[len(VERSION) :]
    if len(body) > math.ceil(limit * 16 / 3) or not re.fullmatch(r"[A-Za-z0-9_-]*", body):
        raise ValueError(f"not a list of at most {limit} points")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not a list of points written by this page") from None
    if len(raw) % 4:
        raise ValueError("not a list of points written by this page")
    words = np.frombuffer(raw, dtype=">u4").astype(np.int64)
    labels = words & 3
    if (labels >= CLASSES).any():
        raise ValueError("a label other than 0, 1, 2")
    levels = np.stack([words >> (BITS + 2), (words >> 2) & (LEVELS - 1)], -1)
    points = Points(levels * STEP - BOX, labels)
    if (
        encode(points.X, points.y, limit) != text
    ):  # a second spelling of the same points (base64's spare bits)
        raise ValueError("not a list of points written by this page")
    return points


def split_sizes(n: int, validation: bool = False) -> tuple[int, int, int]:
    """How many of ``n`` points ``split`` puts in the training, test and validation sets."""
    n_test = max(1, round(TEST_SHARE * n))
    n_val = round(VAL_SHARE * n) if validation else 0
    return n - n_test - n_val, n_test, n_val


def split(points: Points, seed: int = 0, validation: bool = False) -> Dataset:
    """The points as training, test (and validation) sets: shuffled by ``default_rng(seed)``,
    TEST_SHARE of them (at least one) for the test, VAL_SHARE for validation when asked; the
    training set keeps the rest (ValueError with fewer than MIN_POINTS points)."""
    n = len(points.y)
    if n < MIN_POINTS:
        raise ValueError(f"at least {MIN_POINTS} points are needed, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    _, n_test, n_val = split_sizes(n, validation)
    test, val, train = np.split(order, [n_test, n_test + n_val])
    X, y = points.X, points.y
    return Dataset(X[train], y[train], X[test], y[test], X[val], y[val])
