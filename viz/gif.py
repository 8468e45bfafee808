"""An animated GIF of a race, for slides: drawn with Pillow straight onto the field image.

It draws what the race map draws (viz/race.py): the map in equal units on both axes (a
square surface stays square), its contour lines, the balls the steps are projected on, each
trajectory's whole path faint over the map, the known minima as stars and the saddle points
as crosses, the racers' markers with a trail in their own colours, the step and a legend.
Everything on the map is clipped to it, as the chart clips it.

The background is drawn once, in a fixed palette; each frame is a copy of it with the
trails, the markers and the step counter drawn in exact palette colours, so no frame is
quantized again (a few ms a frame). Pillow stores only the region that changed from one
frame to the next.

The frames follow one clock, the step: racers of different lengths each stop at their own
last step while the others go on (the counter is every racer's step, never one racer's).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz.colors import style_of
from viz.field import Field, contour_lines, field_rgb

MAX_FRAMES = 200
SIZES = {"640x480": (640, 480), "1280x720": (1280, 720)}
ENGLISH_STEP = "step {step}"
# As the race map draws them (viz/race.py): a known minimum, a saddle point, a start.
MINIMUM_COLOR, MINIMUM_EDGE, SADDLE_COLOR = "#ffd400", "#333333", "#b00020"
PATH_OPACITY = 0.45  # the faint whole path under the moving markers, as on the chart
INK = (30, 30, 30)
# Fonts that have Chinese glyphs, where systems usually keep them (then fontconfig is asked);
# then Latin-only ones.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "C:/Windows/Fonts/arial.ttf",
)


@dataclasses.dataclass(frozen=True)
class Track:
    """One optimizer's run as the GIF draws it: ``path (R, N, 2)`` at the steps ``step (R,)``;
    optionally a point of its state drawn beside it as the chart draws it, its marker's
    outline (``drawn (R, N, 2)``, e.g. ASGD's average; NaN before it exists), named
    ``drawn_label`` in the legend."""

    label: str
    color: str
    path: np.ndarray
    step: np.ndarray
    english: str = ""  # its name in English, used where no font can write ``label``
    drawn: np.ndarray | None = None
    drawn_label: str = ""
    drawn_english: str = ""


@dataclasses.dataclass(frozen=True)
class Mark:
    """Fixed points of the map with their legend entry: ``symbol`` is ``"star"`` (a known
    minimum: yellow, dark edge), ``"x-thin"`` (a saddle point: a thin cross) or ``"x"`` (a
    thick cross, e.g. the start of the Network page's plane)."""

    positions: np.ndarray  # (M, 2)
    label: str
    symbol: str = "x"
    color: str = "#000000"
    english: str = ""


@dataclasses.dataclass(frozen=True)
class Outline:
    """A closed line on the map (a constraint's ball) with its legend entry; ``dash`` is
    ``"dash"``, ``"dashdot"`` or ``"dot"`` as in Plotly."""

    points: np.ndarray  # (K, 2)
    label: str
    dash: str = "dash"
    color: str = "#222222"
    width: float = 2.0
    english: str = ""


@dataclasses.dataclass(frozen=True)
class Gif:
    data: bytes
    frames: int
    size: tuple[int, int]
    english_names: bool  # True when no CJK font was found and every word was written in English
    box: tuple[int, int, int, int]  # the map's pixels: left, top, right, bottom
    legend: tuple[int, int, int, int]  # where the legend is drawn: left, top, right, bottom
    bounds: tuple[tuple[float, float], tuple[float, float]]
    steps: tuple[int, ...]  # the step each frame shows

    def pixels(self, xy: np.ndarray) -> np.ndarray:
        """Where points ``(..., 2)`` of the map are drawn, in the GIF's pixels."""
        return _Canvas(self.bounds, self.box).pixels(np.asarray(xy, dtype=float))


@functools.cache
def _fontconfig_cjk() -> str | None:
    """A font that fontconfig says writes Chinese (``fc-list :lang=zh``), if it is installed."""
    if shutil.which("fc-list") is None:
        return None
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    return next((f for f in files if f.lower().endswith((".ttc", ".ttf", ".otf"))), None)


def cjk_font() -> str | None:
    """The file of a font that writes Chinese on this system, or None."""
    found = next((path for path in CJK_FONTS if Path(path).exists()), None)
    return found or _fontconfig_cjk()


def _latin_font() -> str | None:
    return next((path for path in LATIN_FONTS if Path(path).exists()), None)


def _needs_cjk(texts: Sequence[str]) -> bool:
    return any(ord(ch) > 0x2E7F for text in texts for ch in text)


def _font(path: str | None, size: int) -> ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class _Canvas:
    """The map's pixel frame: data coordinates to pixels inside the plot box."""

    def __init__(self, bounds, box: tuple[int, int, int, int]):
        (self.x0, self.x1), (self.y0, self.y1) = bounds
        self.box = box

    def pixels(self, xy: np.ndarray) -> np.ndarray:
        left, top, right, bottom = self.box
        px = left + (xy[..., 0] - self.x0) / (self.x1 - self.x0) * (right - left)
        py = bottom - (xy[..., 1] - self.y0) / (self.y1 - self.y0) * (bottom - top)
        return np.stack([px, py], -1)

    def local(self, xy: np.ndarray) -> np.ndarray:
        """Pixels relative to the map's top-left corner (drawing on the map's own image)."""
        left, top = self.box[:2]
        return self.pixels(xy) - np.array([left, top])

    @property
    def extent(self) -> tuple[int, int]:
        left, top, right, bottom = self.box
        return right - left, bottom - top


def clipped(line: np.ndarray, width: float, height: float, margin: float = 4.0) -> list[np.ndarray]:
    """The parts of the polyline ``line (K, 2)`` (pixels; non-finite points break it) inside
    the rectangle ``[-margin, width + margin] x [-margin, height + margin]``, each a polyline
    (Liang and Barsky's clipping of each segment). Far-off points (a path that left the map)
    never reach the drawing."""
    line = np.asarray(line, dtype=float)
    if len(line) < 2:
        return []
    a, b = line[:-1], line[1:]
    ok = np.isfinite(a).all(-1) & np.isfinite(b).all(-1)
    a, b = np.where(ok[:, None], a, 0.0), np.where(ok[:, None], b, 0.0)
    d = b - a
    low, high = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in (
            (-d[:, 0], a[:, 0] + margin),
            (d[:, 0], width + margin - a[:, 0]),
            (-d[:, 1], a[:, 1] + margin),
            (d[:, 1], height + margin - a[:, 1]),
        ):
            r = q / p
            parallel = p == 0
            ok &= ~(parallel & (q < 0))
            low = np.where(~parallel & (p < 0), np.maximum(low, r), low)
            high = np.where(~parallel & (p > 0), np.minimum(high, r), high)
    ok &= low <= high
    starts, ends = a + low[:, None] * d, a + high[:, None] * d
    parts: list[np.ndarray] = []
    current: list[np.ndarray] = []
    for i in np.flatnonzero(ok):
        joined = current and low[i] == 0 and i - 1 >= 0 and ok[i - 1] and high[i - 1] == 1
        if not joined:
            if len(current) > 1:
                parts.append(np.array(current))
            current = [starts[i]]
        current.append(ends[i])
    if len(current) > 1:
        parts.append(np.array(current))
    return parts


def _dashed(line: np.ndarray, pattern: Sequence[float]) -> list[np.ndarray]:
    """The drawn pieces of ``line (K, 2)`` under a dash ``pattern`` (on, off, on, off...)."""
    lengths = np.linalg.norm(np.diff(line, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    period = float(sum(pattern))
    if along[-1] == 0 or period <= 0:
        return [line]
    edges = np.concatenate([[0.0], np.cumsum(pattern)])
    pieces = []
    for start in np.arange(0.0, along[-1], period):
        for k in range(0, len(pattern), 2):
            s0, s1 = start + edges[k], min(start + edges[k + 1], along[-1])
            if s0 >= along[-1]:
                break
            inside = (along > s0) & (along < s1)
            at = np.concatenate([[s0], along[inside], [s1]])
            pieces.append(np.stack([np.interp(at, along, line[:, 0]), np.interp(at, along, line[:, 1])], -1))
    return pieces


DASHES = {"solid": (1.0, 0.0), "dash": (9.0, 6.0), "dashdot": (9.0, 5.0, 2.0, 5.0), "dot": (2.0, 4.0)}


def _polyline(
    draw: ImageDraw.ImageDraw, line, extent, fill, width: int, dash: str = "solid", scale=1.0
) -> None:
    """``line (K, 2)`` (local map pixels) clipped to the map, drawn solid or dashed."""
    inside = np.isfinite(line).all() and (line >= -4).all() and (line <= np.array(extent) + 4).all()
    for part in [line] if inside else clipped(line, *extent):
        pieces = [part] if dash == "solid" else _dashed(part, [scale * v for v in DASHES[dash]])
        for piece in pieces:
            if len(piece) > 1:
                draw.line([tuple(p) for p in piece], fill=fill, width=width, joint="curve")


def frame_steps(tracks: Sequence[Track], frames: int) -> np.ndarray:
    """The step each frame shows: at most ``frames`` of all the steps the tracks recorded,
    evenly spread, the first and the last included."""
    steps = np.unique(np.concatenate([np.asarray(t.step, dtype=int) for t in tracks])) if tracks else [0]
    steps = np.asarray(steps)
    pick = np.unique(np.linspace(0, len(steps) - 1, min(frames, len(steps))).round().astype(int))
    return steps[pick]


def _records_at(track: Track, steps: np.ndarray) -> np.ndarray:
    """The record of ``track`` each frame shows: its last one at or before the frame's step
    (a racer that has finished stays where it ended)."""
    return np.clip(np.searchsorted(np.asarray(track.step), steps, side="right") - 1, 0, len(track.step) - 1)


def _trail_frames(n: int) -> int:
    """How many frames a marker's trail spans, as on the chart (viz.race): shorter when many
    trajectories move at once, none past 8."""
    return 0 if n > 8 else max(2, min(10, 60 // n))


@dataclasses.dataclass(frozen=True)
class _Layout:
    box: tuple[int, int, int, int]
    legend: tuple[int, int, int, int]  # left, top, right, bottom
    rows: list[list[tuple]]  # legend rows of (kind, item, label)


def _layout(size, bounds, entries, font, scale: float, equal_units: bool = True) -> _Layout:
    """The map as large as the picture allows in equal units on both axes (the chart's
    ``scaleanchor``), or filling its space when ``equal_units`` is False (a chart panel that
    is not locked: the Network page's plane through two ends), the legend beside it or below
    it, whichever leaves the larger map."""
    width, height = size
    pad, top = round(8 * scale), round(30 * scale)
    (x0, x1), (y0, y1) = bounds
    aspect = (x1 - x0) / (y1 - y0)
    row_height, icon, gap = round(20 * scale), round(26 * scale), round(16 * scale)

    def fit(w: float, h: float) -> tuple[int, int]:
        w, h = max(w, 1), max(h, 1)
        if not equal_units:
            return round(w), round(h)
        return (round(w), round(w / aspect)) if w / h < aspect else (round(h * aspect), round(h))

    def label_width(entry) -> int:
        return icon + round(font.getlength(entry[2])) + gap

    # Beside: one entry a row, right of the map.
    beside_width = max((label_width(e) for e in entries), default=0)
    beside = fit(width - 2 * pad - beside_width - pad, height - top - pad)
    if len(entries) * row_height > height - top - pad or beside_width > width / 2:
        beside = (0, 0)
    # Below: rows that fit the width.
    rows: list[list[tuple]] = [[]]
    used = 0
    for entry in entries:
        if rows[-1] and used + label_width(entry) > width - 2 * pad:
            rows.append([])
            used = 0
        rows[-1].append(entry)
        used += label_width(entry)
    rows = rows if rows[0] else []
    below = fit(width - 2 * pad, height - top - pad - len(rows) * row_height - pad)
    if beside[0] * beside[1] > below[0] * below[1]:
        w, h = beside
        left = pad + (width - 2 * pad - beside_width - pad - w) // 2
        box = (left, top, left + w, top + h)
        legend = (box[2] + pad, top, width, top + len(entries) * row_height)
        return _Layout(box, legend, [[e] for e in entries])
    w, h = below
    left = (width - w) // 2
    box = (left, top, left + w, top + h)
    return _Layout(box, (pad, box[3] + pad, width, box[3] + pad + len(rows) * row_height), rows)


def race_gif(
    field: Field,
    bounds,
    tracks: Sequence[Track],
    *,
    marks: Sequence[Mark] = (),
    outlines: Sequence[Outline] = (),
    words: Mapping[str, str] | None = None,
    size: tuple[int, int] = SIZES["640x480"],
    frames: int = MAX_FRAMES,
    duration_ms: int = 50,
    equal_units: bool = True,
) -> Gif:
    """The race as a looping GIF of at most ``frames`` frames (at most 200): ``field`` over
    ``bounds`` as background with its contour lines, ``outlines`` (constraint balls) and
    ``marks`` (minima, saddles) drawn as the chart draws them, a legend of the tracks, marks
    and outlines, and the step (``words["step"]``, e.g. "step {step}"). The map is in equal
    units on both axes, as the chart's, unless ``equal_units`` is False (then it fills its
    space, as a chart panel not locked to equal units does)."""
    step_words = (words or {}).get("step", ENGLISH_STEP)
    frames = max(1, min(int(frames), MAX_FRAMES))
    scale = size[1] / 480
    labels = (
        [t.label for t in tracks]
        + [t.drawn_label for t in tracks]
        + [m.label for m in marks]
        + [o.label for o in outlines]
        + [step_words]
    )
    font_file = cjk_font() if _needs_cjk(labels) else _latin_font()
    english = _needs_cjk(labels) and font_file is None
    if english:  # no font writes these words: English rather than empty boxes
        tracks = [
            dataclasses.replace(t, label=t.english or t.label, drawn_label=t.drawn_english or t.drawn_label)
            for t in tracks
        ]
        marks = [dataclasses.replace(m, label=m.english or m.label) for m in marks]
        outlines = [dataclasses.replace(o, label=o.english or o.label) for o in outlines]
        step_words = ENGLISH_STEP
        font_file = _latin_font()
    font = _font(font_file, max(11, round(14 * scale)))
    big = _font(font_file, max(13, round(18 * scale)))
    entries = (
        [("track", t, t.label) for t in tracks]
        + [("drawn", t, t.drawn_label) for t in tracks if t.drawn is not None]
        + [("mark", m, m.label) for m in marks if len(m.positions)]
        + [("outline", o, o.label) for o in outlines]
    )
    layout = _layout(size, bounds, entries, font, scale, equal_units)
    canvas = _Canvas(bounds, layout.box)
    background = _background(field, canvas, size, tracks, marks, outlines, layout, font, scale)
    extra = list(
        dict.fromkeys(
            [_rgb(t.color) for t in tracks]
            + [(255, 255, 255), INK]
            + [_rgb(m.color) for m in marks]
            + [_rgb(MINIMUM_EDGE)]
            + [_rgb(o.color) for o in outlines]
        )
    )
    if len(extra) > 56:
        raise ValueError(f"a GIF draws at most 56 distinct colours of racers and marks, not {len(extra)}")
    base, index = _paletted(background, extra)
    steps = frame_steps(tracks, frames)
    records = [_records_at(t, steps) for t in tracks]
    local = [canvas.local(t.path) for t in tracks]
    radius = max(3, round(5 * scale))
    line_width = max(2, round(3 * scale))
    left, top = layout.box[:2]
    extent = canvas.extent
    images = []
    for k, step in enumerate(steps):
        frame = base.copy()
        region = frame.crop(layout.box)
        draw = ImageDraw.Draw(region)
        for t, px, rows in zip(tracks, local, records, strict=True):
            color = index[_rgb(t.color)]
            behind = _trail_frames(px.shape[1])
            trail = np.unique(rows[max(0, k - behind) : k + 1]) if behind else rows[k : k + 1]
            for n in range(px.shape[1]):
                if len(trail) > 1:
                    _polyline(draw, px[trail, n], extent, color, line_width)
                x, y = px[rows[k], n]
                if -2 * radius < x < extent[0] + 2 * radius and -2 * radius < y < extent[1] + 2 * radius:
                    _mark(draw, x, y, radius, style_of(t.color).symbol, color, index[(255, 255, 255)])
            if t.drawn is not None:  # before it exists (NaN) it sits on the iterate, as on the chart
                at = np.where(np.isnan(t.drawn[rows[k]]), t.path[rows[k]], t.drawn[rows[k]])
                for x, y in canvas.local(at):
                    if -2 * radius < x < extent[0] + 2 * radius and -2 * radius < y < extent[1] + 2 * radius:
                        _mark(
                            draw,
                            x,
                            y,
                            radius + 1,
                            style_of(t.color).symbol,
                            None,
                            color,
                            max(2, round(2 * scale)),
                        )
        frame.paste(region, (left, top))
        ImageDraw.Draw(frame).text(
            (layout.box[0], round(6 * scale)), step_words.format(step=int(step)), fill=index[INK], font=big
        )
        images.append(frame)
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=duration_ms, loop=0)
    return Gif(
        out.getvalue(),
        len(images),
        size,
        english,
        layout.box,
        layout.legend,
        ((float(bounds[0][0]), float(bounds[0][1])), (float(bounds[1][0]), float(bounds[1][1]))),
        tuple(int(s) for s in steps),
    )


def _mark(
    draw: ImageDraw.ImageDraw, x: float, y: float, r: float, symbol: str, fill, outline, width: int = 1
) -> None:
    """A racer's marker as the charts draw it (viz.colors): its shape centred on (x, y); with
    ``fill`` None and a wide ``outline``, its open version (a point of the racer's state)."""
    if symbol == "circle":
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=width)
        return
    s = 1.2 * r  # a polygon's corners reach past a circle's edge: about the same ink
    k = 0.4  # a cross's half-width, of its half-length
    shapes = {
        "square": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
        "diamond": [(0, -1.15), (1.15, 0), (0, 1.15), (-1.15, 0)],
        "triangle-up": [(0, -1.1), (1.1, 0.8), (-1.1, 0.8)],
        "triangle-down": [(0, 1.1), (1.1, -0.8), (-1.1, -0.8)],
        "cross": [
            *[(-k, -1), (k, -1), (k, -k), (1, -k), (1, k), (k, k)],
            *[(k, 1), (-k, 1), (-k, k), (-1, k), (-1, -k), (-k, -k)],
        ],
    }
    draw.polygon([(x + s * a, y + s * b) for a, b in shapes[symbol]], fill=fill, outline=outline, width=width)


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, fill, outline) -> None:
    """A five-pointed star of outer radius ``r`` (Plotly's "star" marker)."""
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
    draw.polygon(
        [(x + q * math.cos(a), y + q * math.sin(a)) for q, a in zip(radii, angles, strict=True)],
        fill=fill,
        outline=outline,
        width=1,
    )


def _cross(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, fill, width: int) -> None:
    draw.line((x - r, y - r, x + r, y + r), fill=fill, width=width)
    draw.line((x - r, y + r, x + r, y - r), fill=fill, width=width)


def _draw_mark(draw: ImageDraw.ImageDraw, mark: Mark, x: float, y: float, scale: float) -> None:
    if mark.symbol == "star":
        _star(draw, x, y, 9 * scale, _rgb(mark.color), _rgb(MINIMUM_EDGE))
    else:
        thin = mark.symbol == "x-thin"
        _cross(draw, x, y, (6 if thin else 5) * scale, _rgb(mark.color), max(2, round(3 * scale)))


def _background(field, canvas, size, tracks, marks, outlines, layout, font, scale) -> Image.Image:
    """Everything that does not move: the map (the field, its contour lines, the outlines, the
    faint whole paths, the marks; clipped to the map), its frame and the legend."""
    image = Image.new("RGB", size, (255, 255, 255))
    left, top, right, bottom = canvas.box
    extent = canvas.extent
    picture = Image.fromarray(field_rgb(field), "RGB").resize(extent, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(picture)
    cx, cy = contour_lines(field)
    if len(cx):
        _polyline(draw, canvas.local(np.stack([cx, cy], -1)), extent, (80, 95, 110), 1)
    for o in outlines:
        _polyline(
            draw, canvas.local(o.points), extent, _rgb(o.color), max(1, round(o.width * scale)), o.dash, scale
        )
    # Each full path, faint over the map (the chart's opacity), in its own colour.
    paths = Image.new("RGBA", extent, (0, 0, 0, 0))
    for t in tracks:
        layer = Image.new("RGBA", extent, (0, 0, 0, 0))
        pen = ImageDraw.Draw(layer)
        px = canvas.local(t.path)
        for n in range(px.shape[1]):
            _polyline(pen, px[:, n], extent, (*_rgb(t.color), 255), max(1, round(1.5 * scale)))
        paths.alpha_composite(layer)  # one racer's lines over another's, each opaque in its layer
    faint = paths.getchannel("A").point(lambda a: round(a * PATH_OPACITY))
    picture.paste(paths.convert("RGB"), (0, 0), faint)
    for m in marks:
        for x, y in canvas.local(np.asarray(m.positions, dtype=float).reshape(-1, 2)):
            if -20 * scale < x < extent[0] + 20 * scale and -20 * scale < y < extent[1] + 20 * scale:
                _draw_mark(draw, m, x, y, scale)
    image.paste(picture, (left, top))
    draw = ImageDraw.Draw(image)
    draw.rectangle((left - 1, top - 1, right, bottom), outline=(60, 60, 60), width=1)
    _legend(draw, layout, font, scale)
    return image


def _legend(draw: ImageDraw.ImageDraw, layout: _Layout, font, scale: float) -> None:
    row_height, icon, gap = round(20 * scale), round(26 * scale), round(16 * scale)
    x0, y = layout.legend[:2]
    for row in layout.rows:
        x = x0
        middle = y + row_height // 2
        for kind, item, label in row:
            center = x + round(10 * scale)
            if kind == "track":
                draw.line(
                    (x, middle, x + round(20 * scale), middle),
                    fill=_rgb(item.color),
                    width=max(3, round(3 * scale)),
                )
                _mark(
                    draw,
                    center,
                    middle,
                    max(3, round(5 * scale)),
                    style_of(item.color).symbol,
                    _rgb(item.color),
                    None,
                )
            elif kind == "drawn":
                look = style_of(item.color).symbol
                _mark(draw, center, middle, max(3, round(5 * scale)), look, None, _rgb(item.color), 2)
            elif kind == "mark":
                _draw_mark(draw, item, center, middle, 0.8 * scale)
            else:
                line = np.array([[x, middle], [x + round(22 * scale), middle]], dtype=float)
                width = max(1, round(item.width * scale))
                pieces = (
                    [line] if item.dash == "solid" else _dashed(line, [scale * v for v in DASHES[item.dash]])
                )
                for piece in pieces:
                    draw.line([tuple(p) for p in piece], fill=_rgb(item.color), width=width)
            x += icon
            draw.text((x, middle), label, fill=INK, font=font, anchor="lm")
            x += round(font.getlength(label)) + gap
        y += row_height


def _paletted(background: Image.Image, extra: Sequence[tuple[int, int, int]]) -> tuple[Image.Image, dict]:
    """``background`` in a palette of its own colours and the ``extra`` ones, exactly; and the
    extra colours' indices."""
    own = 256 - len(extra)
    palette = background.quantize(colors=own, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    values = palette.getpalette()[: 3 * own]
    values += [0] * (3 * own - len(values))
    for rgb in extra:
        values += list(rgb)
    colors = Image.new("P", (1, 1))
    colors.putpalette(values)
    base = background.quantize(palette=colors, dither=Image.Dither.NONE)
    return base, {rgb: own + i for i, rgb in enumerate(extra)}
