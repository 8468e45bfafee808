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
