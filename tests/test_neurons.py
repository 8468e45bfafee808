"""What each neuron computes (issue 29, item 3): the units' outputs against a forward pass
written out by hand, the diagram's maps and weights against those numbers, the page's switch."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from networks import Network, dataset
from tests.conftest import open_script
from ui.texts import prefixed_words
from viz.neurons import BOX, LEVELS, MAX_UNITS, SIDE, colour_range, data_box, grid_points, neurons_figure
from viz.template import written


def _net(**kwargs) -> Network:
    return Network(dataset("moons", n_train=60, n_test=40, seed=3), hidden=(5, 10), **kwargs)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_unit_outputs_are_the_forward_pass_written_out(activation):
    net = _net(activation=activation)
    theta = net.init(n=2, seed=4)
    X = np.random.default_rng(0).normal(size=(7, 2))
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    outs = net.unit_outputs(theta, X)
    for n in range(2):
        (W1, b1), (W2, b2), _ = net.layers(theta[n])
        a1 = act[activation](X @ W1.T + b1)
        a2 = act[activation](a1 @ W2.T + b2)
        np.testing.assert_allclose(outs[0][n], a1.T, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(outs[1][n], a2.T, rtol=1e-12, atol=1e-14)


def test_with_batch_norm_the_last_layer_on_the_units_outputs_gives_the_networks_probabilities():
    net = _net(activation="tanh", batch_norm=True)
    theta = net.init(n=1, seed=5)[0]
    theta = theta + 0.1 * np.random.default_rng(1).normal(size=theta.shape)  # gamma, beta off 1, 0
    X = np.random.default_rng(2).normal(size=(9, 2))
    a2 = net.unit_outputs(theta, X)[1][0]  # (units, points)
    W3, b3 = net.layers(theta)[-1]
    logits = W3 @ a2 + b3[:, None]
    p = np.exp(logits - logits.max(0))
    p /= p.sum(0)
    np.testing.assert_allclose(p.T, net.predict_proba(theta, X)[0], rtol=1e-10)


def _decoded(source: str) -> np.ndarray:
    image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
    return np.asarray(image.convert("RGB"))


def test_each_map_is_its_units_output_on_the_grid_and_each_hover_its_weight():
    net = _net(activation="tanh")
    thetas = net.init(n=3, seed=6)
    words = prefixed_words("nn.", "en")
    low, high = data_box(net)
    fig = neurons_figure(net, thetas, [0, 10, 20], low, high, words)
    assert len(fig.frames) == 3
    points = grid_points(low, high)
    outs = net.unit_outputs(thetas, points)
    shown = [min(MAX_UNITS, o.shape[1]) for o in outs]
    assert shown == [5, 8]
    from viz.neurons import colours

    for f, frame in enumerate(fig.frames):
        images = frame.layout.images
        assert len(images) == sum(shown)
        k = 0
        for layer, o in enumerate(outs):
            low_c, high_c = colour_range("tanh", o)
            levels = np.linspace(low_c, high_c, LEVELS)
            palette = colours(levels, low_c, high_c)
            for u in range(shown[layer]):
                rgb = _decoded(images[k].source)
                assert rgb.shape == (SIDE, SIDE, 3)
                # every pixel is the level nearest to the unit's output at that grid point
                nearest = np.abs(o[f, u][:, None] - levels).argmin(-1)
                np.testing.assert_array_equal(rgb.reshape(-1, 3), palette[nearest])
                assert images[k].sizex == BOX
                k += 1
        # the hover points name every weight of the first two layers, written as the axes write
        hover = frame.data[-1].text
        (W1, _), (W2, _), _ = net.layers(thetas[f])
        expected = [written(W1[j, i]) for j in range(5) for i in range(2)]
        expected += [written(W2[j, i]) for j in range(8) for i in range(5)]
        assert [t.rsplit("= ", 1)[1] for t in hover] == expected
    # negative weights dotted, positive solid: told apart without colour
    dashes = {t.line.dash for t in fig.frames[0].data[:-1] if t.x}
    assert dashes == {"dot", "solid"}
    assert fig.layout.annotations[-1].text == "units 1-8 of 10"


def test_the_diagram_is_small_enough_to_send():
    net = Network(dataset("moons", n_train=60, n_test=40, seed=3), hidden=(64, 64, 64))
    fig = neurons_figure(
        net, net.init(n=12, seed=1), list(range(12)), *data_box(net), prefixed_words("nn.", "en")
    )
    assert len(fig.to_json()) < 600_000


@pytest.mark.pages
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_network_page_shows_the_diagram_when_its_link_asks(language):
    query = {"steps": "40", "n": "60", "opt": "gd,adam", "units": "6", "neurons": "1", "lang": language}
    at = open_script("pages/network.py", query)
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    diagrams = [s for s in specs if s.get("frames") and s["frames"][0].get("layout", {}).get("images")]
    assert len(diagrams) == 1
    assert at.query_params["neurons"] == ["1"] or at.query_params["neurons"] == "1"
    words = prefixed_words("nn.", language)
    texts = " ".join(m.value for m in at.markdown)
    assert words["title"].split("{")[0].strip() in texts or words["title"].split("}")[-1].strip() in texts
    without = open_script("pages/network.py", {k: v for k, v in query.items() if k != "neurons"})
    assert not without.exception
    assert not [
        s
        for s in (json.loads(c.proto.spec) for c in without.get("plotly_chart"))
        if s.get("frames") and s["frames"][0].get("layout", {}).get("images")
    ]
