"""An animated GIF of a race, for slides: drawn with Pillow straight onto the field image.

The background (the surface's colours, its contour lines, the known minima, the legend) is
drawn once, in a fixed palette; each frame is a copy of it with the trails, the markers and
the step counter drawn in palette colours, so no frame is quantized again (a few ms a
frame). Pillow stores only the region that changed from one frame to the next.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz.colors import style_of
from viz.field import Field, contour_lines, field_rgb

MAX_FRAMES = 200
SIZES = {"640x480": (640, 480), "1280x720": (1280, 720)}
TRAIL = 8  # frames of trail behind each marker
# Fonts that have Chinese glyphs, where systems usually keep them; then Latin-only ones.
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
    """One optimizer's run as the GIF draws it: ``path (R, N, 2)`` at the steps ``step (R,)``."""

    label: str
    color: str
    path: np.ndarray
    step: np.ndarray
    english: str = ""  # its name in English, used where no font can write ``label``


@dataclasses.dataclass(frozen=True)
class Gif:
    data: bytes
    frames: int
    size: tuple[int, int]
    english_names: bool  # True when no CJK font was found and the names were written in English
    box: tuple[int, int, int, int]  # the map's pixels: left, top, right, bottom


def _font_file(cjk: bool) -> str | None:
    for path in (CJK_FONTS if cjk else ()) + LATIN_FONTS:
        if Path(path).exists():
            return path
    return None


def _needs_cjk(texts: Sequence[str]) -> bool:
    return any(ord(ch) > 0x2E7F for text in texts for ch in text)


def writes(texts: Sequence[str]) -> bool:
    """Whether a font on this system writes ``texts`` (else race_gif falls back to English)."""
    return not _needs_cjk(texts) or _font_file(True) not in (None, *LATIN_FONTS)


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


def race_gif(
    field: Field,
    bounds,
    tracks: Sequence[Track],
    *,
    points: Sequence[tuple[np.ndarray, str]] = (),
    words: Mapping[str, str] | None = None,
    size: tuple[int, int] = SIZES["640x480"],
    frames: int = MAX_FRAMES,
    duration_ms: int = 50,
) -> Gif:
    """The race as a looping GIF of at most ``frames`` frames (at most 200): ``field`` over
    ``bounds`` as background with its contour lines, ``points`` (positions ``(M, 2)`` and a
    label, e.g. the known minima) marked, a legend of the tracks' labels, and the step."""
    words = {"step": "step {step}", **(words or {})}
    frames = max(1, min(int(frames), MAX_FRAMES))
    width, height = size
    scale = height / 480
    labels = [t.label for t in tracks] + [label for _, label in points] + [words["step"]]
    cjk = _needs_cjk(labels)
    font_file = _font_file(cjk)
    english = cjk and (font_file is None or font_file in LATIN_FONTS)
    if english:  # no font writes these names: English rather than empty boxes
        tracks = [dataclasses.replace(t, label=t.english or t.label) for t in tracks]
        words = {**words, "step": "step {step}"}
        font_file = _font_file(False)
    font = _font(font_file, max(11, round(14 * scale)))
    big = _font(font_file, max(13, round(18 * scale)))
    # The layout: the step counter on top, the legend in rows below the map.
    pad = round(8 * scale)
    legend_rows = _legend_rows(tracks, points, font, width - 2 * pad, scale)
    legend_height = len(legend_rows) * round(20 * scale) + pad
    box = (pad, round(30 * scale), width - pad, height - legend_height - pad)
    canvas = _Canvas(bounds, box)
    background = _background(field, canvas, size, tracks, points, legend_rows, font, scale)
    palette = background.quantize(colors=200, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colors = _palette_with(
        palette, [_rgb(t.color) for t in tracks] + [(0, 0, 0), (255, 255, 255), (30, 30, 30)]
    )
    base = background.quantize(palette=colors, dither=Image.Dither.NONE)
    index = {rgb: _palette_index(colors, rgb) for rgb in [_rgb(t.color) for t in tracks]}
    white, ink = _palette_index(colors, (255, 255, 255)), _palette_index(colors, (30, 30, 30))
    records = len(tracks[0].step) if tracks else 1
    shown = np.unique(np.linspace(0, records - 1, min(frames, records)).round().astype(int))
    pixels = [canvas.pixels(t.path) for t in tracks]
    radius = max(3, round(5 * scale))
    images = []
    for k, r in enumerate(shown):
        frame = base.copy()
        draw = ImageDraw.Draw(frame)
        for t, px in zip(tracks, pixels, strict=True):
            color = index[_rgb(t.color)]
            trail = shown[max(0, k - TRAIL) : k + 1]
            for n in range(px.shape[1]):
                line = [tuple(p) for p in px[trail, n] if np.isfinite(p).all()]
                if len(line) > 1:
                    draw.line(line, fill=color, width=max(2, round(2 * scale)))
                x, y = px[r, n]
                if math.isfinite(x) and math.isfinite(y):
                    _mark(draw, x, y, radius, style_of(t.color).symbol, color, white)
        step = int(tracks[0].step[r]) if tracks else 0
        draw.text((pad, round(6 * scale)), words["step"].format(step=step), fill=ink, font=big)
        images.append(frame)
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=duration_ms, loop=0)
    return Gif(out.getvalue(), len(images), size, english, box)


def _mark(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, symbol: str, fill, outline) -> None:
    """A racer's marker as the charts draw it (viz.colors): its shape centred on (x, y)."""
    if symbol == "circle":
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline)
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
    draw.polygon([(x + s * a, y + s * b) for a, b in shapes[symbol]], fill=fill, outline=outline)


def _legend_rows(tracks, points, font, width: int, scale: float) -> list[list[tuple[str, str, str]]]:
    """The legend's entries (kind, colour, label) wrapped into rows that fit ``width``."""
    entries = [("line", t.color, t.label) for t in tracks] + [
        ("point", "#000000", label) for _, label in points
    ]
    rows: list[list[tuple[str, str, str]]] = [[]]
    used = 0
    for entry in entries:
        needed = round(26 * scale) + font.getlength(entry[2]) + round(16 * scale)
        if rows[-1] and used + needed > width:
            rows.append([])
            used = 0
        rows[-1].append(entry)
        used += needed
    return rows if rows[0] else []


def _background(field, canvas, size, tracks, points, legend_rows, font, scale) -> Image.Image:
    image = Image.new("RGB", size, (255, 255, 255))
    left, top, right, bottom = canvas.box
    picture = Image.fromarray(field_rgb(field), "RGB").resize(
        (right - left, bottom - top), Image.Resampling.BILINEAR
    )
    image.paste(picture, (left, top))
    draw = ImageDraw.Draw(image)
    cx, cy = contour_lines(field)
    lines = canvas.pixels(np.stack([cx, cy], -1)) if len(cx) else np.empty((0, 2))
    segment: list[tuple[float, float]] = []
    for x, y in lines:
        if math.isfinite(x) and math.isfinite(y):
            segment.append((x, y))
        elif segment:
            if len(segment) > 1:
                draw.line(segment, fill=(80, 95, 110), width=1)
            segment = []
    if len(segment) > 1:
        draw.line(segment, fill=(80, 95, 110), width=1)
    # Each full path, faint, as the chart draws it under the moving markers.
    for t in tracks:
        faint = tuple(round(0.45 * c + 0.55 * 255) for c in _rgb(t.color))
        for n in range(t.path.shape[1]):
            line = [tuple(p) for p in canvas.pixels(t.path[:, n]) if np.isfinite(p).all()]
            if len(line) > 1:
                draw.line(line, fill=faint, width=max(1, round(1.5 * scale)))
    size_x = max(4, round(6 * scale))
    for positions, _ in points:
        for x, y in canvas.pixels(np.asarray(positions, dtype=float).reshape(-1, 2)):
            draw.line((x - size_x, y - size_x, x + size_x, y + size_x), fill=(0, 0, 0), width=2)
            draw.line((x - size_x, y + size_x, x + size_x, y - size_x), fill=(0, 0, 0), width=2)
    draw.rectangle(canvas.box, outline=(60, 60, 60), width=1)
    row_height = round(20 * scale)
    y = bottom + round(8 * scale)
    for row in legend_rows:
        x = left
        for kind, color, label in row:
            middle = y + row_height // 2
            if kind == "line":
                draw.line(
                    (x, middle, x + round(20 * scale), middle),
                    fill=_rgb(color),
                    width=max(3, round(3 * scale)),
                )
                radius = max(3, round(5 * scale))
                _mark(draw, x + round(10 * scale), middle, radius, style_of(color).symbol, _rgb(color), None)
            else:
                s = max(3, round(5 * scale))
                center = x + round(10 * scale)
                draw.line((center - s, middle - s, center + s, middle + s), fill=(0, 0, 0), width=2)
                draw.line((center - s, middle + s, center + s, middle - s), fill=(0, 0, 0), width=2)
            x += round(26 * scale)
            draw.text((x, middle), label, fill=(30, 30, 30), font=font, anchor="lm")
            x += round(font.getlength(label)) + round(16 * scale)
        y += row_height
    return image


def _palette_with(palette: Image.Image, extra: Sequence[tuple[int, int, int]]) -> Image.Image:
    """``palette`` (a "P" image) with the ``extra`` colours added at its end, exactly."""
    values = palette.getpalette()[: 3 * 200]
    values += [0] * (3 * 200 - len(values))
    for rgb in extra:
        values += list(rgb)
    values += [0] * (768 - len(values))
    out = Image.new("P", (1, 1))
    out.putpalette(values)
    return out


def _palette_index(palette: Image.Image, rgb: tuple[int, int, int]) -> int:
    values = palette.getpalette()
    for i in range(200, len(values) // 3):  # the exact colours added after the field's 200
        if tuple(values[3 * i : 3 * i + 3]) == rgb:
            return i
    raise ValueError(f"{rgb} is not in the palette")
