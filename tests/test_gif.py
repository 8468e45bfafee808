"""The race as a GIF for slides: it decodes, has its frames, shows the surface's colours and
moving markers, writes Chinese names (or English ones where no font can)."""

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from optimizers import simulate
from surfaces import get_surface
from viz import gif as gif_module
from viz.colors import COLORS
from viz.field import RAMP, compute_field, field_rgb
from viz.gif import SIZES, Track, race_gif


@pytest.fixture(scope="module")
def scene():
    surface = get_surface("himmelblau")
    names = ["gd", "momentum", "adam"]
    runs = [simulate(surface, name, surface.start, 300, lr=0.01 if name != "adam" else 0.1) for name in names]
    tracks = [
        Track(name, COLORS[i], run.path, run.step)
        for i, (name, run) in enumerate(zip(names, runs, strict=True))
    ]
    return surface, compute_field(surface.value, surface.bounds), tracks


def frames_of(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    out = []
    for k in range(image.n_frames):
        image.seek(k)
        out.append(np.asarray(image.convert("RGB"), dtype=int))
    return out


def test_the_gif_decodes_with_its_frames_at_the_default_size(scene):
    surface, f, tracks = scene
    made = race_gif(f, surface.bounds, tracks, points=[(surface.minima, "known minimum")])
    image = Image.open(io.BytesIO(made.data))
    assert image.format == "GIF" and image.size == (640, 480) == made.size
    assert image.n_frames == made.frames == 200
    assert image.info.get("loop") == 0  # loops forever


def distance_to_scale(rgb: np.ndarray) -> float:
    """How far a colour is from the chart's colour scale (the polyline through its anchors)."""
    best = np.inf
    for a, b in itertools.pairwise(RAMP):
        t = np.clip(np.dot(rgb - a, b - a) / np.dot(b - a, b - a), 0, 1)
        best = min(best, float(np.linalg.norm(rgb - (a + t * (b - a)))))
    return best


def test_first_frame_shows_the_surfaces_colours_at_the_maps_corners(scene):
    surface, f, tracks = scene
    made = race_gif(f, surface.bounds, tracks)
    first = frames_of(made.data)[0]
    left, top, right, bottom = made.box
    # The field in the chart's colour scale, stretched over the map as the GIF draws it.
    expected = np.asarray(
        Image.fromarray(field_rgb(f)).resize((right - left, bottom - top), Image.Resampling.BILINEAR),
        dtype=int,
    )
    for dx, dy in (
        (3, 3),
        (right - left - 4, 3),
        (3, bottom - top - 4),
        (right - left - 4, bottom - top - 4),
    ):
        pixel = first[top + dy, left + dx]
        assert distance_to_scale(pixel) <= 8, (dx, dy, pixel)  # a colour of the scale
        assert np.abs(pixel - expected[dy, dx]).max() <= 32, (dx, dy)  # about the right height
    # Not one flat colour: the valley at a minimum is far lighter than the corner.
    (x0, x1), (y0, y1) = surface.bounds
    mx, my = surface.minima[0]
    px = round(left + (mx - x0) / (x1 - x0) * (right - left))
    py = round(bottom - (my - y0) / (y1 - y0) * (bottom - top))
    assert first[py, px].sum() > first[top + 3, left + 3].sum() + 150


def test_markers_move_between_frames(scene):
    surface, f, tracks = scene
    frames = frames_of(race_gif(f, surface.bounds, tracks, frames=20).data)
    assert len(frames) == 20
    changed = [np.abs(a - b).sum() > 0 for a, b in itertools.pairwise(frames)]
    assert sum(changed) >= 15
    # Adam's green diamond (drawn last, on top) is somewhere else halfway through.
    green = np.array([0x00, 0x9E, 0x73])

    def where(image):
        return np.argwhere(np.abs(image - green).sum(-1) < 10).mean(0)

    assert np.abs(where(frames[0]) - where(frames[10])).max() > 2


def test_large_size_and_at_most_two_hundred_frames(scene):
    surface, f, _ = scene
    run = simulate(surface, "gd", surface.start, 3000, lr=0.01)
    made = race_gif(
        f, surface.bounds, [Track("gd", COLORS[0], run.path, run.step)], size=SIZES["1280x720"], frames=500
    )
    image = Image.open(io.BytesIO(made.data))
    assert image.size == (1280, 720) and image.n_frames == 200


def test_chinese_names_with_a_font_and_english_without(scene, monkeypatch):
    surface, f, tracks = scene
    chinese = [
        Track(name, t.color, t.path, t.step, english=t.label)
        for name, t in zip(["梯度下降", "动量法", "Adam"], tracks, strict=True)
    ]
    words = {"step": "第 {step} 步"}
    if gif_module.writes(["梯度下降"]):
        assert not race_gif(f, surface.bounds, chinese, words=words, frames=5).english_names
    monkeypatch.setattr(gif_module, "CJK_FONTS", ())
    assert not gif_module.writes(["梯度下降"]) and gif_module.writes(["Gradient descent"])
    made = race_gif(f, surface.bounds, chinese, words=words, frames=5)
    assert made.english_names and Image.open(io.BytesIO(made.data)).n_frames == 5


def test_the_network_pages_gif_animates_the_paths_on_the_landscape():
    from ui import network_scene as ns
    from ui.texts import prefixed_words
    from viz.network import Trainee

    s = ns.network_defaults()
    s.steps = 60
    result = ns.train(s)
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    data = ns.landscape_gif(result, trainees, prefixed_words("nf.", "zh"), SIZES["640x480"])
    image = Image.open(io.BytesIO(data))
    assert image.n_frames == len(result.trained[0].run.step) and image.size == (640, 480)


def test_the_playgrounds_gif_is_its_race():
    from ui import settings as cfg
    from ui.race_exports import race_gif_of
    from ui.race_figures import racer

    s = cfg.defaults_for("himmelblau")
    s.steps = 100
    surface = cfg.surface_of(s)
    racers = [racer(n, run, COLORS[i], "en") for i, (n, run) in enumerate(cfg.run_all(s, surface))]
    image = Image.open(
        io.BytesIO(race_gif_of(surface, s, racers, list(s.optimizers), "en", SIZES["640x480"]))
    )
    assert image.n_frames == 101
