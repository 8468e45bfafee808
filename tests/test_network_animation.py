"""The Network page's animation draws what the networks compute: each frame's decision regions
are the network's own at that frame's step, the data points' picture has every point at its
place in its class's colour and shape, and the frames redraw only what moves."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from networks import Network, dataset
from optimizers import simulate
from ui.texts import prefixed_words
from viz.colors import COLORS
from viz.network import (
    BOUNDARY_GRID,
    CLASS_COLORS,
    POINT_LOOK,
    POINTS_OVERSAMPLE,
    Trainee,
    _xy_bounds,
    training_figure,
)
from viz.race import unpacked

WORDS = prefixed_words("nf.", "en")


@pytest.fixture(scope="module")
def scene():
    """Two networks on the moons, trained far enough that their boundaries move."""
    net = Network(dataset("moons", n_train=120, n_test=200, noise=0.2, seed=0), hidden=(8, 8))
    start = net.init(n=1, seed=0)[0]
    trainees = [
        Trainee("gd", COLORS[0], net, simulate(net, "gd", start, steps=300, lr=0.5)),
        Trainee("adam", COLORS[1], net, simulate(net, "adam", start, steps=300, lr=0.02)),
    ]
    fig = training_figure(trainees, None, words=WORDS, frames=12)
    return net, trainees, fig, json.loads(fig.to_json())


def _values(spec) -> np.ndarray:
    """A trace's array as plotly receives it (typed-array spec or list)."""
    return unpacked(spec)


def _inside(px: np.ndarray, py: np.ndarray, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    """Even-odd rule (SVG's fill of rings with holes): whether each point (qx, qy) is inside
    the NaN-separated rings (px, py)."""
    inside = np.zeros(qx.shape, dtype=bool)
    cuts = np.flatnonzero(np.isnan(px))
    for a, b in zip(np.r_[0, cuts + 1], np.r_[cuts, len(px)], strict=True):
        xs, ys = px[a:b], py[a:b]
        if len(xs) < 3:
            continue
        x0, y0, x1, y1 = xs, ys, np.roll(xs, -1), np.roll(ys, -1)
        for i in range(len(xs)):
            crosses = (y0[i] > qy) != (y1[i] > qy)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = x0[i] + (qy - y0[i]) * (x1[i] - x0[i]) / (y1[i] - y0[i])
            inside ^= crosses & (qx < at)
    return inside


def test_each_frames_regions_are_the_networks_own_at_that_step(scene):
    """Class 1's region in every frame against the network's predictions from that step's
    weights on a grid four times finer than the contour's: equal at every point farther than
    one contour cell from the true boundary; and the step the frame says is that record's."""
    net, trainees, _, spec = scene
    (x0, x1), (y0, y1) = _xy_bounds(net)
    fine = 4 * BOUNDARY_GRID
    centres = (np.arange(fine) + 0.5) / fine  # inside the panel: its edges are the regions' too
    gx, gy = np.meshgrid(x0 + (x1 - x0) * centres, y0 + (y1 - y0) * centres)
    boundaries = [i for i, t in enumerate(spec["data"]) if t.get("fill") == "toself"]
    assert len(boundaries) == len(trainees)  # one region per network (two classes)
    moved = 0
    for frame in spec["frames"]:
        step = int(frame["name"])
        for trainee, index in zip(trainees, boundaries, strict=True):
            record = int(np.flatnonzero(trainee.run.step == step)[0])
            theta = trainee.run.path[record, 0]
            truth = net.predict_proba(theta[None], np.column_stack([gx.ravel(), gy.ravel()]))[0].argmax(-1)
            truth = truth.reshape(fine, fine)
            # Clear of the boundary: the same class over a window one contour cell wide each way.
            w = 4
            windows = np.lib.stride_tricks.sliding_window_view(
                np.pad(truth, w, mode="edge"), (2 * w + 1,) * 2
            )
            clear = windows.min(axis=(-1, -2)) == windows.max(axis=(-1, -2))
            drawn = frame["data"][frame["traces"].index(index)]
            inside = _inside(_values(drawn["x"]), _values(drawn["y"]), gx, gy)
            assert clear.sum() > 0.5 * truth.size
            np.testing.assert_array_equal(inside[clear], truth[clear] == 1)
            first = spec["frames"][0]["data"][spec["frames"][0]["traces"].index(index)]
            moved += not np.array_equal(_values(drawn["x"]), _values(first["x"]))
        counter = frame["data"][-1]
        assert counter["text"] == [WORDS["step"].format(step=step)]
    assert moved > len(spec["frames"])  # the boundaries move: the test compares something


def test_frames_put_each_marker_on_its_networks_loss_at_that_step(scene):
    """The moving markers on the curves: at each frame, each network's training loss at the
    frame's step."""
    _, trainees, _, spec = scene
    for frame in spec["frames"]:
        step = int(frame["name"])
        drawn = {spec["data"][i]["name"]: d for i, d in zip(frame["traces"], frame["data"], strict=True)}
        for t in trainees:
            record = int(np.flatnonzero(t.run.step == step)[0])
            marker = drawn[t.label]
            assert marker["x"] == [step]
            assert marker["y"][0] == pytest.approx(float(t.run.loss[record, 0]), rel=1e-12)


def test_frames_redraw_what_moves_and_the_right_axis_only(scene):
    """The frames name the moving traces and, with no data, the traces on the accuracy's axis
    (which vanish unnamed); never the data points' legend entries, the losses or the panels."""
    _, _, fig, spec = scene
    for frame in spec["frames"]:
        for index, data in zip(frame["traces"], frame["data"], strict=True):
            trace = spec["data"][index]
            if data == {"type": "scatter"}:
                assert fig.layout["yaxis" + trace["yaxis"][1:]].overlaying
            else:
                assert trace.get("fill") == "toself" or trace["name"] in ("gd", "adam", "counter")
    named = set(spec["frames"][0]["traces"])
    static = [t for i, t in enumerate(spec["data"]) if i not in named]
    assert {t["name"] for t in static} >= {WORDS["train"], WORDS["test"]}


def _picture(spec) -> tuple[np.ndarray, dict]:
    """The first boundary panel's data picture as RGB pixels, and its layout image."""
    image = spec["layout"]["images"][0]
    png = base64.b64decode(image["source"].split(",", 1)[1])
    return _on_white(Image.open(io.BytesIO(png)).convert("RGBA")), image


def _on_white(picture: Image.Image) -> np.ndarray:
    """A picture's RGB pixels as the browser shows them on the chart's white paper."""
    rgba = np.asarray(picture, dtype=float)
    alpha = rgba[..., 3:] / 255
    return rgba[..., :3] * alpha + 255 * (1 - alpha)


def _isolated(points: np.ndarray, others: np.ndarray, radius: float) -> np.ndarray:
    """Which ``points`` have no point of ``others`` (itself aside) within ``radius``."""
    d = np.linalg.norm(points[:, None, :] - others[None, :, :], axis=-1)
    return (np.sort(d, axis=1)[:, 1] if points is others else d.min(axis=1)) > radius


def test_the_picture_puts_each_training_point_at_its_place_in_its_class_colour(scene):
    """At the pixel of every training point with no other point near it: its class's colour
    (a point's 6 px marker); between them, the panel's tint. The picture spans the panel's
    axes exactly, so a pixel is a place."""
    net, _, _, spec = scene
    pixels, image = _picture(spec)
    (x0, x1), (y0, y1) = _xy_bounds(net)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == pytest.approx(
        (x0, y1, x1 - x0, y1 - y0)
    )
    assert image["xref"] == "x" and image["yref"] == "y" and image["sizing"] == "stretch"
    height, width, _ = pixels.shape
    data = net.data
    to_pixels = np.array([width / (x1 - x0), height / (y1 - y0)])
    train = (data.X - [x0, y1]) * to_pixels * [1, -1]
    test = (data.X_test - [x0, y1]) * to_pixels * [1, -1]
    diameter = POINT_LOOK["train"][0] * POINTS_OVERSAMPLE
    alone = _isolated(train, train, 2 * diameter) & _isolated(train, test, 2 * diameter)
    assert alone.sum() >= 5
    for (px, py), c in zip(train[alone], data.y[alone], strict=True):
        colour = np.array([int(CLASS_COLORS[c][i : i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(pixels[int(py), int(px)] - colour).max() <= 12, (px, py, c)
    # Where no point is near: the panel's tint, never a class colour.
    empty = np.ones((height, width), dtype=bool)
    yy, xx = np.mgrid[0:height, 0:width]
    for px, py in np.concatenate([train, test]):
        near = (np.abs(xx - px) < 3 * diameter) & (np.abs(yy - py) < 3 * diameter)
        empty &= ~near
    assert empty.sum() > 100
    assert np.ptp(pixels[empty], axis=0).max() <= 2  # one flat tint


def test_the_classes_keep_a_shape_each_in_the_picture():
    """Three classes: an isolated training point of each, in its own colour, covers its own
    area inside its white outline (a triangle well under a circle's, a square over it: 15, 54
    and 68 pixels measured; 0.55 and 1.27 times the circle's without the outline)."""
    from viz.network import points_picture

    data = dataset("blobs", n_train=60, n_test=4, noise=0.1, seed=0)
    net = Network(data, hidden=(4,), activation="tanh")
    bounds = _xy_bounds(net)
    picture = _on_white(points_picture(net, bounds, (900, 900)))
    (x0, x1), (y0, y1) = bounds
    size = picture.shape[0]
    to_pixels = np.array([size / (x1 - x0), -size / (y1 - y0)])
    place, tests = (data.X - [x0, y1]) * to_pixels, (data.X_test - [x0, y1]) * to_pixels
    r = POINT_LOOK["train"][0] * POINTS_OVERSAMPLE / 2
    areas = {}
    for c in range(3):
        colour = np.array([int(CLASS_COLORS[c][i : i + 2], 16) for i in (1, 3, 5)])
        mask = np.abs(picture - colour).max(-1) <= 40
        mine = place[data.y == c]
        alone = _isolated(mine, mine, 6 * r) & _isolated(
            mine, np.concatenate([place[data.y != c], tests]), 6 * r
        )
        counts = [
            mask[int(py - 3 * r) : int(py + 3 * r), int(px - 3 * r) : int(px + 3 * r)].sum()
            for px, py in mine[alone]
        ]
        assert counts, c
        areas[c] = np.median(counts)
    assert areas[1] < 0.75 * areas[0] and areas[2] > 1.12 * areas[0], areas


# Every drawn line of the chart (its SVG path), the pictures under it, and whether it plays.
DRAWN = """() => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')].find((g) => g.layout && g.layout.xaxis2);
    return {
        lines: [...gd.querySelectorAll('.scatterlayer .trace path.js-line')]
            .filter((p) => (p.getAttribute('d') || '').length > 2).length,
        fills: [...gd.querySelectorAll('.scatterlayer .trace path.js-fill')].map((p) => p.getAttribute('d')),
        pictures: gd.querySelectorAll('.imagelayer image').length,
        frames: window.__frames || 0,
    };
}"""


@pytest.mark.browser
def test_the_network_page_plays_with_its_pictures_and_every_line_in_place(server, page):
    """Mid-animation in Chromium: the data pictures (four panels) and the landscape's are drawn,
    every line drawn before Play still is (the accuracy curves on the right axis vanished when
    left out of the frames), and the regions have moved."""
    from tests.test_browser import open_app

    open_app(page, server + "/network?opt=gd,momentum,rmsprop,adam&steps=200")
    before = page.evaluate(DRAWN)
    assert before["pictures"] == 5  # four panels' data and the landscape
    page.evaluate(
        """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
            .find((g) => g.layout && g.layout.xaxis2);
            window.__frames = 0; gd.on('plotly_animatingframe', () => { window.__frames += 1; }); }"""
    )
    page.locator(".updatemenu-button", has_text="Play").first.click()
    page.wait_for_function("() => window.__frames >= 20", timeout=60000)
    during = page.evaluate(DRAWN)
    assert during["frames"] < 50  # still playing
    assert during["pictures"] == 5
    assert during["lines"] == before["lines"] > 20
    assert during["fills"] != before["fills"]
    assert not page.errors
