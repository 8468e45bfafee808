"""The race as a GIF for slides: it decodes with its frames, looks like the chart it comes from
(the map in equal units, minima as stars, saddles as crosses, constraint balls, paths clipped
to the map, trails in the racers' colours), follows one clock for racers of different lengths,
writes the page's language (or English, and says so, where no font can), and every lesson
that offers a GIF makes one."""

import io
import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from optimizers import simulate
from surfaces import get_surface
from ui.lesson_catalog import LESSONS
from ui.lesson_racers import lesson_racers, penalized
from ui.race_gifs import UNIT_BALLS, ball_outlines, lesson_gif, playground_gif, surface_marks
from ui.texts import figure_words, text
from viz import gif as gif_module
from viz.colors import COLORS
from viz.field import RAMP, compute_field, field_rgb
from viz.gif import MINIMUM_COLOR, SADDLE_COLOR, SIZES, Mark, Track, clipped, race_gif
from viz.race import ENGLISH

GIF_LESSONS = [lesson.key for lesson in LESSONS if lesson.page == "playground"]


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


def rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])


def near(image: np.ndarray, x: float, y: float, color: str, reach: int = 1, tolerance: int = 12) -> bool:
    """Whether a pixel within ``reach`` of (x, y) has ``color``."""
    x, y = round(float(x)), round(float(y))
    patch = image[y - reach : y + reach + 1, x - reach : x + reach + 1]
    return bool((np.abs(patch - rgb(color)).max(-1) <= tolerance).any())


@pytest.fixture
def written(monkeypatch) -> list[str]:
    """Every string the GIF writes (each call of Pillow's text drawing records it)."""
    said: list[str] = []
    original = ImageDraw.ImageDraw.text

    def text_call(self, xy, content, *args, **kwargs):
        said.append(content)
        return original(self, xy, content, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text_call)
    return said


def test_the_gif_decodes_with_its_frames_at_the_default_size(scene):
    surface, f, tracks = scene
    made = race_gif(f, surface.bounds, tracks, marks=[Mark(surface.minima, "known minimum", "star")])
    image = Image.open(io.BytesIO(made.data))
    assert image.format == "GIF" and image.size == (640, 480) == made.size
    assert image.n_frames == made.frames == 200
    assert image.info.get("loop") == 0  # loops forever


def distance_to_scale(pixel: np.ndarray) -> float:
    """How far a colour is from the chart's colour scale (the polyline through its anchors)."""
    best = np.inf
    for a, b in itertools.pairwise(RAMP):
        t = np.clip(np.dot(pixel - a, b - a) / np.dot(b - a, b - a), 0, 1)
        best = min(best, float(np.linalg.norm(pixel - (a + t * (b - a)))))
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
    px, py = made.pixels(surface.minima[0]).round().astype(int)
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


# Lesson 9 (L1 vs L2) raised IndexError: its scenes run 3,000 and 1,000 steps.
def test_racers_of_different_lengths_share_one_clock_and_each_stops_at_its_end(scene):
    surface, f, _ = scene
    # Each to another of Himmelblau's minima, so that no marker hides another at the end.
    long = simulate(surface, "gd", [-1.0, 3.0], 3000, lr=2e-4)
    short = simulate(surface, "adam", [-3.0, -1.0], 1000, lr=0.05)
    sparse = simulate(surface, "momentum", [3.0, -1.0], 2000, lr=0.002, record_every=7)
    tracks = [
        Track("short", COLORS[2], short.path, short.step),  # the shortest first: the clock is not its
        Track("long", COLORS[0], long.path, long.step),
        Track("sparse", COLORS[1], sparse.path, sparse.step),
    ]
    made = race_gif(f, surface.bounds, tracks, frames=30)
    assert made.frames == 30 and made.steps[0] == 0 and made.steps[-1] == 3000
    assert list(made.steps) == sorted(set(made.steps))
    last = frames_of(made.data)[-1]
    # At step 3000 each racer is where its own run ended (the short one stopped at step 1000).
    for t, color in zip(tracks, (COLORS[2], COLORS[0], COLORS[1]), strict=True):
        x, y = made.pixels(t.path[-1, 0])
        assert near(last, x, y, color, reach=2), t.label
    # Early on (step ~200) the long racer is at its record for that step, not at its end.
    middle = frames_of(made.data)[2]
    step = made.steps[2]
    x, y = made.pixels(long.path[step, 0])
    assert near(middle, x, y, COLORS[0], reach=2)
    assert np.linalg.norm(made.pixels(long.path[step, 0]) - made.pixels(long.path[-1, 0])) > 5


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("key", GIF_LESSONS)
def test_every_lesson_with_a_gif_makes_one_in_its_language(key, language, written):
    scenes = lesson_racers(key, language)
    made = lesson_gif(key, language, SIZES["640x480"], frames=4, scenes=scenes)
    image = Image.open(io.BytesIO(made.data))
    assert image.n_frames == made.frames == 4 and image.size == (640, 480)
    assert made.steps[-1] == max(int(r.run.step[-1]) for r in scenes.racers)
    assert not made.english_names  # this machine has a CJK font (test_a_cjk_font_is_found)
    words = figure_words(language, penalized=penalized(key))
    assert text("fig.step", language, step=made.steps[-1]) in written
    for r in scenes.racers:
        assert r.label in written
    if len(scenes.surface.saddles):
        assert words["saddle"] in written
    if language == "zh":
        english = {ENGLISH["saddle"], ENGLISH["minimum"], ENGLISH["constraint"], "step"}
        assert not [w for w in written if any(e in w for e in english)]


def test_a_cjk_font_is_found_on_this_machine():
    """The Chinese GIFs above are written in Chinese here: a CJK font (fonts-wqy-zenhei, as the
    Makefile installs) must be found, by its usual path or by asking fontconfig."""
    assert gif_module.cjk_font() is not None


def test_without_a_cjk_font_every_word_is_english_and_the_gif_says_so(written, monkeypatch):
    monkeypatch.setattr(gif_module, "CJK_FONTS", ())
    monkeypatch.setattr(gif_module, "_fontconfig_cjk", lambda: None)
    assert gif_module.cjk_font() is None
    made = lesson_gif("saddle", "zh", SIZES["640x480"], frames=3)
    assert made.english_names and Image.open(io.BytesIO(made.data)).n_frames == 3
    assert not [w for w in written if any(ord(ch) > 0x2E7F for ch in w)]
    assert {"step 0", ENGLISH["minimum"], ENGLISH["saddle"]} <= set(written)
    assert any("Newton" in w for w in written)


def test_a_square_map_stays_square_and_every_map_keeps_the_charts_proportions():
    for name in ("himmelblau", "recurrent", "cliff", "rosenbrock"):
        surface = get_surface(name)
        (x0, x1), (y0, y1) = surface.bounds
        run = simulate(surface, "gd", surface.start, 20, lr=1e-3)
        f = compute_field(surface.value, surface.bounds, resolution=40)
        for size in SIZES.values():
            made = race_gif(
                f, surface.bounds, [Track("gd", COLORS[0], run.path, run.step)], size=size, frames=2
            )
            left, top, right, bottom = made.box
            assert abs((right - left) - (bottom - top) * (x1 - x0) / (y1 - y0)) <= 1, (name, made.box)
            assert (right - left) * (bottom - top) > 0.35 * size[0] * size[1], (name, made.box)
            assert left >= 0 and right <= size[0] and top >= 0 and bottom <= size[1]


def test_minima_are_stars_and_saddles_crosses_where_the_chart_puts_them():
    surface = get_surface("tilted_double_well")
    assert len(surface.minima) and len(surface.saddles)
    words = figure_words("en")
    # A racer far from every mark, so that none is hidden under it.
    corner = np.array([[surface.bounds[0][0] + 0.1, surface.bounds[1][0] + 0.1]] * 3)[:, None, :]
    made = race_gif(
        compute_field(surface.value, surface.bounds),
        surface.bounds,
        [Track("gd", COLORS[0], corner, np.arange(3))],
        marks=surface_marks(surface, words, words),
        frames=3,
    )
    first = frames_of(made.data)[0]
    for minimum in surface.minima:
        x, y = made.pixels(minimum)
        assert near(first, x, y, MINIMUM_COLOR, reach=0, tolerance=0)  # the star's middle
        assert near(first, x, y - 6, MINIMUM_COLOR, reach=1, tolerance=0)  # its top point
        assert not near(first, x + 8, y + 2, MINIMUM_COLOR, reach=1, tolerance=0)  # between points
    for saddle in surface.saddles:
        x, y = made.pixels(saddle)
        assert near(first, x, y, SADDLE_COLOR, reach=0, tolerance=0)  # the cross's middle
        for dx, dy in ((4, 4), (-4, 4), (4, -4), (-4, -4)):  # its four arms
            assert near(first, x + dx, y + dy, SADDLE_COLOR, reach=1, tolerance=0)
        for dx, dy in ((5, 0), (0, 5)):  # not a plus
            assert not near(first, x + dx, y + dy, SADDLE_COLOR, reach=0, tolerance=0)


def test_the_saddle_lessons_gif_marks_its_saddle_and_minima():
    scenes = lesson_racers("saddle", "en")
    made = lesson_gif("saddle", "en", SIZES["640x480"], frames=3, scenes=scenes)
    first = frames_of(made.data)[0]
    surface = scenes.surface
    starts = np.concatenate([r.run.path[0] for r in scenes.racers])
    for point, color in [(p, SADDLE_COLOR) for p in surface.saddles] + [
        (p, MINIMUM_COLOR) for p in surface.minima
    ]:
        # Where no racer stands at the start, the mark shows through.
        if np.min(np.linalg.norm(made.pixels(starts) - made.pixels(point), axis=-1)) > 12:
            assert near(first, *made.pixels(point), color, reach=1, tolerance=0), point


def diamond_points(radius: float, count: int = 80) -> np.ndarray:
    corners = radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    t = np.linspace(0, 1, count // 4, endpoint=False)[:, None]
    return np.concatenate([a + t * (b - a) for a, b in itertools.pairwise(corners)])


def test_the_l1_lesson_draws_its_diamond_and_circle():
    scenes = lesson_racers("l1_l2", "en")
    balls = {ball["norm"]: ball["radius"] for ball in scenes.constraints}
    assert set(balls) == {"l1", "l2"}
    made = lesson_gif("l1_l2", "en", SIZES["640x480"], frames=3, scenes=scenes)
    first = frames_of(made.data)[0]
    left, top, right, bottom = made.box
    dark = "#222222"

    def share_drawn(points: np.ndarray) -> float:
        pixels = made.pixels(points)
        inside = [(x, y) for x, y in pixels if left + 2 < x < right - 2 and top + 2 < y < bottom - 2]
        assert len(inside) > 20
        return np.mean([near(first, x, y, dark, reach=1, tolerance=20) for x, y in inside])

    assert share_drawn(diamond_points(balls["l1"])) > 0.5  # dashed: most of it
    angle = np.linspace(0, 2 * np.pi, 80, endpoint=False)
    assert share_drawn(balls["l2"] * np.stack([np.cos(angle), np.sin(angle)], -1)) > 0.45
    # Inside the diamond, away from its edges and the circle: nothing of the kind.
    assert share_drawn(diamond_points(0.6 * balls["l1"])) < 0.1


def test_the_playgrounds_gif_is_its_race_with_the_unit_balls_on_the_bowl(written):
    from ui import settings as cfg
    from ui.race_figures import racer

    s = cfg.defaults_for("constrained_bowl")
    s.steps = 60
    surface = cfg.surface_of(s)
    racers = [racer(n, run, COLORS[i], "zh") for i, (n, run) in enumerate(cfg.run_all(s, surface))]
    made = playground_gif(surface, s, racers, "zh", SIZES["640x480"], frames=5)
    assert made.frames == 5 and made.steps[-1] == 60
    words = figure_words("zh")
    assert {words["minimum"], "|w|₁ = 1", "|w|₂ = 1", text("fig.step", "zh", step=0)} <= set(written)
    # A constraint on: the ball it projects on, named as the chart names it, and no unit balls.
    outlines = ball_outlines([{"norm": "l1", "radius": 2.0}], (), words, words)
    assert [o.label for o in outlines] == [words["constraint"]]
    both = ball_outlines(list(UNIT_BALLS), (), words, words)
    assert [o.label for o in both] == ["约束：|w|₁ ≤ 1", "约束：|w|₂ ≤ 1"]


def test_clipping_keeps_every_piece_in_the_rectangle_and_inner_points_untouched():
    rng = np.random.default_rng(0)
    for _ in range(200):
        line = rng.normal(50, 120, size=(rng.integers(2, 12), 2))
        line[rng.random(len(line)) < 0.1] = np.nan
        for piece in clipped(line, 100, 80, margin=0):
            assert (
                (piece >= -1e-9).all()
                and (piece[:, 0] <= 100 + 1e-9).all()
                and (piece[:, 1] <= 80 + 1e-9).all()
            )
    inside = np.array([[10.0, 10], [50, 20], [90, 70]])
    (piece,) = clipped(inside, 100, 80, margin=0)
    assert np.array_equal(piece, inside)
    (piece,) = clipped(np.array([[50.0, 40], [1e12, 40]]), 100, 80, margin=0)
    assert np.allclose(piece, [[50, 40], [100, 40]])


def test_paths_that_leave_the_map_never_draw_outside_it():
    surface = get_surface("himmelblau")
    (x0, x1), (y0, y1) = surface.bounds
    # Out over every edge and far away, a marker just outside the top edge, then back.
    path = np.array(
        [[0, 0], [x1 + 3, 0], [0, 0], [x0 - 50, y1 + 1e4], [0, 0], [0, y1 + 0.05], [0, y0 - 2], [0, 0]],
        dtype=float,
    )[:, None, :]
    made = race_gif(
        compute_field(surface.value, surface.bounds, resolution=40),
        surface.bounds,
        [Track("far", COLORS[0], path, np.arange(len(path)))],
        frames=len(path),
    )
    left, top, right, bottom = made.box
    outside = np.ones((made.size[1], made.size[0]), dtype=bool)
    outside[top - 1 : bottom + 1, left - 1 : right + 1] = False
    lx0, ly0, lx1, ly1 = made.legend
    outside[ly0:ly1, lx0:lx1] = False
    for k, image in enumerate(frames_of(made.data)):
        colourful = np.ptp(image, axis=-1) > 8  # the page, the frame and the words are grey
        assert not (colourful & outside).any(), k


def test_trails_and_paths_keep_the_racers_colour():
    surface = get_surface("himmelblau")
    f = compute_field(surface.value, surface.bounds)
    steps = 60
    line = np.linspace([-4.0, -4.0], [4.0, 3.0], steps + 1)[:, None, :]
    made = race_gif(f, surface.bounds, [Track("gd", COLORS[0], line, np.arange(steps + 1))], frames=steps + 1)
    frames = frames_of(made.data)
    # The same picture without the path (the same legend, so the same layout).
    nowhere = Track("gd", COLORS[0], np.full_like(line, np.nan), np.arange(steps + 1))
    background = frames_of(race_gif(f, surface.bounds, [nowhere], frames=1).data)[0]
    k = 30
    image = frames[k]
    # The trail just behind the marker: the racer's colour itself.
    for point in (line[k - 2, 0] + line[k - 3, 0]) / 2, (line[k - 4, 0] + line[k - 5, 0]) / 2:
        x, y = made.pixels(point).round().astype(int)
        assert np.abs(image[y, x] - rgb(COLORS[0])).max() <= 10, image[y, x]
    # The whole path ahead, faint: the chart's 45 % of the racer's colour over the map, never
    # a near-white line.
    for j in (45, 50, 55):
        x, y = made.pixels((line[j, 0] + line[j + 1, 0]) / 2).round().astype(int)
        expected = 0.45 * rgb(COLORS[0]) + 0.55 * background[y, x]
        assert np.abs(image[y, x] - expected).max() <= 24, (image[y, x], expected)
        assert np.abs(image[y, x] - 255).max() > 60


def test_the_network_pages_gif_animates_the_paths_on_the_landscape(written):
    from ui import network_scene as ns
    from ui.texts import prefixed_words
    from viz.network import Trainee

    s = ns.network_defaults()
    s.steps = 60
    result = ns.train(s)
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    made = ns.landscape_gif(result, trainees, prefixed_words("nf.", "zh"), SIZES["640x480"])
    image = Image.open(io.BytesIO(made.data))
    assert image.n_frames == len(result.trained[0].run.step) and image.size == (640, 480)
    assert text("nf.start", "zh") in written and text("nf.step", "zh", step=0) in written


def _gif_panel(fail: bool) -> None:
    """A page with only the GIF export, in Chinese; its GIF fails as lesson 9's did, or not."""
    import numpy as np

    from surfaces import get_surface
    from ui.texts import text
    from ui.widgets import gif_export
    from viz.field import compute_field
    from viz.gif import Track, race_gif

    def make(size):
        if fail:
            np.zeros(1001)[1010]
        surface = get_surface("himmelblau")
        path = np.zeros((3, 1, 2))
        field = compute_field(surface.value, surface.bounds, resolution=20)
        return race_gif(field, surface.bounds, [Track("梯度下降", "#D55E00", path, np.arange(3))], size=size)

    gif_export(make, lambda key, **values: text(key, "zh", **values), "panel")


@pytest.mark.parametrize("fail", [True, False])
def test_the_gif_button_saves_the_gif_or_says_why_it_could_not(fail):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_gif_panel, args=(fail,), default_timeout=60).run()
    assert not at.get("download_button") and not at.error
    at.button(key="panel_make").click().run()
    assert not at.exception
    if fail:
        (error,) = at.error
        expected = text(
            "gif.failed", "zh", error="IndexError: index 1010 is out of bounds for axis 0 with size 1001"
        )
        assert error.value == expected
        assert not at.get("download_button")
    else:
        assert not at.error
        (button,) = at.get("download_button")
        assert button.proto.label.startswith("保存 GIF（640x480，3 帧，")


def test_the_playgrounds_gif_button_makes_the_gif_of_lesson_nines_scene():
    """The Playground opened on the L1-ball scene of lesson 9: the GIF is made in the page's
    run and its save button offers it. (In Chinese AppTest cannot click here: it formats the
    surface's select box without the page's format_func; the browser check covers that.)"""
    from tests.conftest import open_script

    query = {"s": "constrained_bowl", "opt": "gd", "gd.lr": "0.1", "reg": "l1_ball", "steps": "1000"}
    at = open_script("app.py", query, timeout=120)
    assert not at.exception
    at.button(key="loss-surface-race_make").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Save the GIF (640x480, 200 frames, ") for label in labels), labels


def test_a_point_of_the_racers_state_is_drawn_open_beside_it_as_on_the_chart(written):
    surface = get_surface("himmelblau")
    f = compute_field(surface.value, surface.bounds)
    path = np.linspace([-3.0, -3.0], [3.0, 3.0], 11)[:, None, :]
    average = np.full_like(path, np.nan)
    average[1:] = np.array([-3.0, 3.0])  # no average at the start; then far from the iterate
    made = race_gif(
        f,
        surface.bounds,
        [Track("ASGD", COLORS[0], path, np.arange(11), drawn=average, drawn_label="ASGD: averaged point")],
        frames=11,
    )
    assert "ASGD: averaged point" in written
    first, later = frames_of(made.data)[0], frames_of(made.data)[5]
    x, y = made.pixels(np.array([-3.0, 3.0]))
    assert not near(first, x, y, COLORS[0], reach=6)  # not there before it exists
    ring = [(x + 5 * np.cos(a), y + 5 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
    assert np.mean([near(later, px, py, COLORS[0], reach=1, tolerance=0) for px, py in ring]) > 0.7
    assert not near(later, x, y, COLORS[0], reach=1, tolerance=40)  # open: the map shows inside
    # In the noise-averaging lesson, ASGD's average is named as its chart names it.
    written.clear()
    scenes = lesson_racers("noise_averaging", "zh")
    lesson_gif("noise_averaging", "zh", SIZES["640x480"], frames=2, scenes=scenes)
    (asgd,) = [r for r in scenes.racers if r.drawn is not None]
    assert f"{asgd.label}: {text('fig.state.ax', 'zh')}" in written


def test_the_gif_button_says_so_when_the_gif_had_to_write_english(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(gif_module, "CJK_FONTS", ())
    monkeypatch.setattr(gif_module, "_fontconfig_cjk", lambda: None)
    at = AppTest.from_function(_gif_panel, args=(False,), default_timeout=60).run()
    assert not at.caption
    at.button(key="panel_make").click().run()
    assert not at.exception and at.get("download_button")
    assert [c.value for c in at.caption] == [text("gif.english", "zh")]
