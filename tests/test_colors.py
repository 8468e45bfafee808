"""Colour vision: the racers' palette stays distinct for colour-blind readers, every racer has
its own marker and dash in every chart, and the surface's colour scale is perceptually uniform
and reads in grey. The colour science (viz.color_science) is checked on published values first."""

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageDraw

from optimizers import simulate
from surfaces import get_surface
from tests.conftest import plotted
from ui import settings as cfg
from viz import Racer, curves_figure, race_figure
from viz.color_science import ciede2000, contrast, hex_rgb, lab, lab_of_linear, linear
from viz.colors import COLORS, PALETTE, color, style, style_of
from viz.field import GNBU, RAMP

# Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of
# Color Vision Deficiency", IEEE TVCG 15(6): their matrices at severity 1.0 (dichromacy), from
# the table on the authors' page, applied to linear RGB.
MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
VISIONS = {"normal": np.eye(3), **MACHADO}
# The least CIEDE2000 difference two racers' colours may have, in every vision. ΔE00 = 1 is
# about a just-noticeable difference between two large patches side by side; a racer is a
# line or a marker, small and apart from the others, so ten times that. The Okabe-Ito colours
# kept here reach 12.2; the Tableau colours they replace fall to 1.3 under protanopia.
MIN_DELTA_E = 10.0
TABLEAU = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
RACERS_AT_ONCE = cfg.PLAYGROUND_MAX_OPTIMIZERS

# Sharma, Wu and Dalal (2005), "The CIEDE2000 Color-Difference Formula: Implementation Notes,
# Supplementary Test Data, and Mathematical Observations", Table 1: sixteen of its 34 pairs
# (hue differences either side of 180°, a neutral colour, the blue region's rotation term).
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_gives_sharma_wu_and_dalals_differences():
    first, second, expected = (np.array(column, dtype=float) for column in zip(*SHARMA, strict=True))
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)  # symmetric


def test_srgb_to_cielab_and_contrast_give_the_published_values():
    assert lab(np.ones(3)) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)  # D65 white
    assert lab(hex_rgb("#FF0000")) == pytest.approx([53.24, 80.09, 67.20], abs=0.01)  # sRGB red
    assert lab(hex_rgb("#0000FF")) == pytest.approx([32.30, 79.19, -107.86], abs=0.01)  # sRGB blue
    assert contrast(np.zeros(3), np.ones(3)) == pytest.approx(21.0)
    # #767676, the lightest grey with WCAG's 4.5:1 on white, is 4.54:1
    assert round(float(contrast(hex_rgb("#767676"), np.ones(3))), 2) == 4.54


def test_machados_matrices_keep_white_and_grey_and_merge_red_with_green():
    for matrix in MACHADO.values():
        assert matrix.sum(axis=1) == pytest.approx(np.ones(3), abs=2e-6)  # greys stay greys
    # Red and green, far apart for a trichromat, become one colour's lighter and darker shade
    # for a protanope and a deuteranope (their a*, the red-green axis, nearly equal).
    red, green = simulated([hex_rgb("#D00000"), hex_rgb("#008000")], np.eye(3))
    assert abs(red[1] - green[1]) > 100
    for name in ("protanopia", "deuteranopia"):
        red, green = simulated([hex_rgb("#D00000"), hex_rgb("#008000")], MACHADO[name])
        assert abs(red[1] - green[1]) < 12, name


def simulated(colors, matrix: np.ndarray) -> np.ndarray:
    """CIELAB of sRGB ``colors`` as a viewer with ``matrix``'s vision sees them."""
    light = linear(np.asarray(colors, dtype=float))
    return lab_of_linear(np.clip(light @ matrix.T, 0.0, 1.0))


def closest_pair(colors, matrix: np.ndarray) -> tuple[float, tuple[str, str]]:
    labs = simulated([hex_rgb(c) for c in colors], matrix)
    return min(
        (float(ciede2000(labs[i], labs[j])), (colors[i], colors[j]))
        for i, j in itertools.combinations(range(len(colors)), 2)
    )


def test_every_scene_fits_the_palette():
    from ui import network_scene as ns
    from ui.lesson_catalog import LESSONS

    def racers(lesson) -> int:
        read = cfg.playground_from_query if lesson.page == "playground" else ns.network_from_query
        return sum(len(read(scene.query)[0].optimizers) for scene in lesson.scenes)

    assert max(map(racers, LESSONS)) <= RACERS_AT_ONCE <= len(PALETTE)


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_racers_colours_differ_in_every_vision(vision):
    colors = [color(i) for i in range(RACERS_AT_ONCE)]
    distance, pair = closest_pair(colors, VISIONS[vision])
    print(f"{vision}: least ΔE00 {distance:.2f}, between {pair[0]} and {pair[1]}")
    assert distance >= MIN_DELTA_E, (vision, pair)


def test_the_old_tableau_colours_fail_the_same_check():
    distance, pair = closest_pair(TABLEAU, MACHADO["protanopia"])
    print(f"Tableau under protanopia: least ΔE00 {distance:.2f}, between {pair[0]} and {pair[1]}")
    assert distance < MIN_DELTA_E and set(pair) == {"#ff7f0e", "#2ca02c"}  # orange and green


def test_every_racers_colour_has_graphics_contrast_on_the_white_charts():
    ratios = {c: float(contrast(hex_rgb(c), np.ones(3))) for c in COLORS}
    assert min(ratios.values()) >= 3.0, ratios  # WCAG 2.1, 1.4.11 Non-text Contrast


def test_every_racer_has_its_own_marker_dash_and_hatching_and_plotly_draws_them():
    looks = [style(i) for i in range(RACERS_AT_ONCE)]
    for field in ("color", "symbol", "symbol3d", "dash", "pattern"):
        assert len({getattr(look, field) for look in looks}) == RACERS_AT_ONCE, field
    for look in looks:  # plotly's validators reject a name they do not draw
        go.Scatter(marker={"symbol": look.symbol}, line={"dash": look.dash})
        go.Scatter(marker={"symbol": look.open_symbol})
        go.Scatter3d(marker={"symbol": look.symbol3d}, line={"dash": look.dash})
        go.Histogram(marker={"pattern": {"shape": look.pattern}})
    assert style(RACERS_AT_ONCE) == style(0)  # more racers repeat the looks


def test_a_racers_colour_finds_its_look_and_any_other_colour_draws_plainly():
    for i in range(len(PALETTE)):
        assert style_of(color(i)) == style(i) == style_of(color(i).lower())
    other = style_of("#123456")
    assert other.color == "#123456" and other.symbol == "circle" and other.dash == "solid"


def test_the_gif_draws_every_racers_marker_shape_differently():
    from viz.gif import _mark

    drawn = []
    for look in PALETTE:
        image = Image.new("L", (40, 40), 0)
        _mark(ImageDraw.Draw(image), 20, 20, 8, look.symbol, 255, None)
        drawn.append(np.asarray(image) > 0)
    for a, b in itertools.combinations(range(len(drawn)), 2):
        assert (drawn[a] != drawn[b]).sum() > 20, (PALETTE[a].symbol, PALETTE[b].symbol)


LABELS = ("gd, lr 0.01", "gd, lr 0.001", "adam")


def two_of_a_kind() -> tuple:
    """Gradient descent at two step sizes and Adam: three racers, two of one optimizer."""
    surface = get_surface("himmelblau")
    starts = [[0.0, 0.0], [1.0, -1.0]]
    runs = [
        simulate(surface, "gd", starts, 60, lr=0.01),
        simulate(surface, "gd", starts, 60, lr=0.001),
        simulate(surface, "adam", starts, 60, lr=0.1),
    ]
    return surface, [
        Racer(label, color(i), run) for i, (label, run) in enumerate(zip(LABELS, runs, strict=True))
    ]


def test_the_race_map_gives_each_racer_its_own_marker_in_the_frames_and_the_legend():
    surface, racers = two_of_a_kind()
    fig = race_figure(surface, racers, frames=10).to_plotly_json()
    markers = [t for t in fig["data"] if t.get("name") in LABELS]
    assert [t["marker"]["symbol"] for t in markers] == ["circle", "square", "diamond"]
    assert all(t["mode"] == "markers" and t.get("showlegend", True) for t in markers)  # the legend shows them
    # the frames move the markers and leave their symbols alone
    index = [fig["data"].index(t) for t in markers]
    for frame in fig["frames"]:
        for i in index:
            moved = frame["data"][frame["traces"].index(i)]
            assert "marker" not in moved and len(plotted(moved["x"])) == 2


def test_the_loss_chart_gives_each_racer_its_own_dash_and_markers_in_the_legend():
    surface, racers = two_of_a_kind()
    fig = curves_figure(surface, racers)
    shown = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in shown] == list(LABELS)
    assert [t.line.dash for t in shown] == ["solid", "dash", "dot"]
    assert [t.marker.symbol for t in shown] == ["circle", "square", "diamond"]
    assert all(t.mode == "lines+markers" and 0 < t.marker.maxdisplayed <= 10 for t in fig.data)
    # every trajectory of a racer drawn alike
    for label in LABELS:
        assert len({(t.line.dash, t.marker.symbol) for t in fig.data if t.name == label}) == 1


def ramp_steps(colors: np.ndarray) -> np.ndarray:
    labs = lab(colors / 255)
    return ciede2000(labs[:-1], labs[1:])


def test_the_surface_scale_steps_evenly_in_colour_and_reads_in_grey():
    steps = ramp_steps(RAMP)
    spread = np.abs(steps / steps.mean() - 1).max()
    print(f"ramp: {len(RAMP)} colours, ΔE00 steps {steps.min():.3f} to {steps.max():.3f}, {spread:.1%} off")
    assert spread < 0.1  # within 10 % of the mean step (GnBu's own anchors: 52 % off)
    lightness = lab(RAMP / 255)[:, 0]
    assert (np.diff(lightness) < 0).all()  # strictly darker uphill: the heights read in grey
    assert lightness[0] > 95 and lightness[-1] < 30  # over most of the grey scale
    # GnBu's own look: the same two ends, every colour on its polyline
    assert np.allclose(RAMP[[0, -1]], GNBU[[0, -1]])
    for rgb in RAMP:
        nearest = min(
            np.linalg.norm(rgb - (a + np.clip(np.dot(rgb - a, b - a) / np.dot(b - a, b - a), 0, 1) * (b - a)))
            for a, b in itertools.pairwise(GNBU)
        )
        assert nearest < 1e-9


def test_gnbus_evenly_spaced_anchors_fail_the_same_check():
    t = np.linspace(0, 1, len(RAMP)) * (len(GNBU) - 1)
    i = np.minimum(t.astype(int), len(GNBU) - 2)
    even = GNBU[i] + (GNBU[i + 1] - GNBU[i]) * (t - i)[:, None]
    steps = ramp_steps(even)
    assert np.abs(steps / steps.mean() - 1).max() > 0.4


@pytest.mark.parametrize("vision", list(VISIONS))
def test_the_basins_colours_differ_in_every_vision(vision):
    from viz.maps import MINIMUM_COLORS, SPECIAL_COLORS

    least, pair = closest_pair([*MINIMUM_COLORS, *SPECIAL_COLORS.values()], VISIONS[vision])
    print(f"basins, {vision}: least ΔE00 {least:.2f}, between {pair[0]} and {pair[1]}")
    assert least >= MIN_DELTA_E, (vision, pair)


def test_the_basin_map_numbers_each_minimum_on_the_map_and_in_its_legend():
    import json

    import numpy as np

    from surfaces import SURFACES
    from viz.maps import basin_figure

    surface = SURFACES["himmelblau"]
    xs = ys = np.linspace(-5, 5, 4)
    fig = json.loads(basin_figure(surface, xs, ys, np.zeros(16, dtype=int), np.zeros(16)).to_json())
    stars = next(t for t in fig["data"] if t.get("marker", {}).get("symbol") == "star")
    assert stars["text"] == ["1", "2", "3", "4"]
    legend = [t["name"] for t in fig["data"] if t.get("showlegend", True) and ":" in t.get("name", "")]
    assert [name.split(":")[0] for name in legend] == ["1", "2", "3", "4"]


def test_the_network_pages_classes_have_a_shape_each():
    """The data points of each class: their own colour and their own marker (three classes)."""
    import json

    from networks import Network, dataset
    from ui.texts import prefixed_words
    from viz.network import CLASS_COLORS, CLASS_SYMBOLS, Trainee, training_figure

    data = dataset("blobs", n_train=30, n_test=30, noise=0.1, seed=0)
    net = Network(data, hidden=(4,), activation="tanh")
    from optimizers import simulate

    run = simulate(net, "gd", net.init(n=1, seed=0)[0], steps=5, lr=0.1)
    figure = training_figure([Trainee("gd", "#D55E00", net, run)], None, words=prefixed_words("nf.", "en"))
    fig = json.loads(figure.to_json())
    # The points are a picture under the regions (viz/network.py says why); each class's own
    # area in it, by shape: tests/test_network_animation.py. Here: every class's colour is in it.
    import base64
    import io

    png = base64.b64decode(fig["layout"]["images"][0]["source"].split(",", 1)[1])
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), float)
    shown = rgba[..., :3] * rgba[..., 3:] / 255 + 255 * (1 - rgba[..., 3:] / 255)  # on white paper
    for c in range(3):
        colour = np.array([int(CLASS_COLORS[c][i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(shown - colour).max(-1) <= 12).sum() >= 10, c
    assert len(set(CLASS_SYMBOLS[:3])) == 3 and len(set(CLASS_COLORS[:3])) == 3
