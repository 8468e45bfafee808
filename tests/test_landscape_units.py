"""The Network page's landscape and its GIF agree on units (issue 26): a plane whose two
directions have one length (PCA's orthonormal ones, the filter-normalized random ones) is
drawn in equal units on the chart and in the GIF; the plane through two ends, whose directions
are the ends' own offsets, is locked in neither."""

import numpy as np
import pytest

from networks import directions
from ui import network_scene as ns
from ui.texts import prefixed_words
from viz.colors import COLORS
from viz.gif import SIZES
from viz.network import EQUAL_UNIT_PLANES, Trainee, training_figure


def _trained(plane: str) -> ns.Result:
    s, notes = ns.network_from_query({"steps": "60", "plane": plane})
    assert not notes
    return ns.train(s, with_sharpness=False)


@pytest.fixture(scope="module")
def default_scene() -> ns.Result:
    s, _ = ns.network_from_query({})
    return ns.train(s, with_sharpness=False, with_plane=False)


def test_the_planes_in_equal_units_have_directions_of_one_length(default_scene):
    assert set(EQUAL_UNIT_PLANES) == {"pca", "random"}
    net, start, trained = default_scene.net, default_scene.start, default_scene.trained
    random = directions(net, start, "random", seed=0)
    n1, n2 = np.linalg.norm(random.d1), np.linalg.norm(random.d2)
    assert n1 > 1 and abs(n1 - n2) <= 1e-12 * n1  # each weight row the start's row norm
    assert abs(random.d1 @ random.d2) / (n1 * n2) < 0.1  # and nearly orthogonal (-0.019 here)
    path = np.concatenate([t.run.path[:, 0] for t in trained])
    pca = directions(net, start, "pca", path=path)
    gram = np.array([[pca.d1 @ pca.d1, pca.d1 @ pca.d2], [pca.d2 @ pca.d1, pca.d2 @ pca.d2]])
    np.testing.assert_allclose(gram, np.eye(2), atol=1e-12)
    # Through two ends: the ends' offsets, 5.98 and 8.19 long at 80 degrees on the page's scene.
    ends = directions(net, start, "points", points=(trained[0].run.final[0], trained[1].run.final[0]))
    m1, m2 = np.linalg.norm(ends.d1), np.linalg.norm(ends.d2)
    assert abs(m1 / m2 - 1) > 0.2 and ends.d1 @ ends.d2 / (m1 * m2) > 0.1


@pytest.mark.parametrize("plane", ["points", "pca", "random"])
def test_the_chart_and_its_gif_agree_on_the_planes_units(plane):
    result = _trained(plane)
    land = result.landscape
    assert land.kind == plane
    trainees = [Trainee(t.name, COLORS[i], result.net, t.run) for i, t in enumerate(result.trained)]
    words = prefixed_words("nf.", "en")
    layout = training_figure(trainees, land, start=result.start, words=words, frames=5).to_dict()["layout"]
    # The landscape panel: the x axis over the plane's alphas, and the y axis over its betas.
    x_name = next(
        k
        for k, v in layout.items()
        if k.startswith("xaxis") and v.get("range") == [land.alphas[0], land.alphas[-1]]
    )
    y_name = next(
        k
        for k, v in layout.items()
        if k.startswith("yaxis") and v.get("range") == [land.betas[0], land.betas[-1]]
    )
    made = ns.landscape_gif(result, trainees, words, SIZES["640x480"])
    left, top, right, bottom = made.box
    aspect = (land.alphas[-1] - land.alphas[0]) / (land.betas[-1] - land.betas[0])
    if plane in EQUAL_UNIT_PLANES:
        assert layout[y_name]["scaleanchor"] == x_name.replace("axis", "")
        assert layout[y_name]["scaleratio"] == 1
        assert layout[x_name]["constrain"] == layout[y_name]["constrain"] == "domain"
        # the GIF's map in the same units: one pixel of rounding at most
        assert abs((right - left) - aspect * (bottom - top)) <= max(1.0, aspect)
    else:
        assert "scaleanchor" not in layout[x_name] and "scaleanchor" not in layout[y_name]
        # the GIF's map fills its space as the chart's panel does (not the plane's 1:1 here)
        assert abs(aspect - 1) < 0.1 and (right - left) / (bottom - top) > 1.25
        assert right - left >= 600 or bottom - top >= 380


def test_a_plane_in_equal_units_is_at_most_twice_as_long_as_wide():
    # Gradient descent and momentum diverge at 10 (left out of the plane); Adam's path alone
    # would size a PCA plane 2.5 times as long as wide: its short side is widened, both ways.
    s, _ = ns.network_from_query({"gd.lr": "10", "momentum.lr": "10"})
    land = ns.train(s, with_sharpness=False).landscape
    assert land.kind == "pca" and land.excluded == (0, 1)
    width = np.array([np.ptp(land.alphas), np.ptp(land.betas)])
    long, short = np.argmax(width), np.argmin(width)
    assert width[long] == pytest.approx(ns.PLANE_ASPECT * width[short])
    adam = np.r_[land.coords[2], [[0.0, 0.0], [1.0, 1.0]]]
    low, high = adam.min(0), adam.max(0)
    # the long side as the path sized it (its extent and a quarter on each side) ...
    grid = (land.alphas, land.betas)[long]
    np.testing.assert_allclose(
        [grid[0], grid[-1]], [low[long], high[long]] + np.r_[-0.25, 0.25] * np.ptp(adam[:, long])
    )
    # ... the short one centred on the path's, wider than the path sized it
    grid = (land.alphas, land.betas)[short]
    assert grid[0] + grid[-1] == pytest.approx(low[short] + high[short])
    assert width[short] > 1.5 * np.ptp(adam[:, short])
