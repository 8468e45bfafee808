"""A learner's own points: CSV with per-line problems, the link's codec, the split."""

import numpy as np
import pytest

from networks import Network
from networks import user_data as ud


def test_csv_keeps_the_good_lines_and_reports_each_bad_one_by_its_number():
    text = (
        "x,y,label\n1,2,0\n\n# a comment\n1;2;1\n5,0,1\na,b,c\n1,2\n1 2 3\n1,2,1.5\nnan,1,0\n-0.5\t3.5\t2\n"
    )
    points = ud.parse_csv(text)
    np.testing.assert_array_equal(points.X, [[1, 2], [1, 2], [-0.5, 3.5]])
    np.testing.assert_array_equal(points.y, [0, 1, 2])
    assert [(p.line, p.reason) for p in points.problems] == [
        (6, "box"),
        (7, "number"),
        (8, "fields"),
        (9, "label"),
        (10, "label"),
        (11, "number"),
    ]
    assert points.problems[0].text == "5,0,1"


def test_csv_reads_at_most_2000_points_and_says_where_it_stopped():
    text = "\n".join(f"{i % 7 * 0.1},{i % 5 * 0.1},{i % 2}" for i in range(2500))
    points = ud.parse_csv(text)
    assert len(points.y) == ud.MAX_ROWS == 2000
    assert [(p.line, p.reason) for p in points.problems] == [(2001, "rows")]


def test_csv_never_raises_on_junk():
    rng = np.random.default_rng(0)
    alphabet = list("0123456789.,;-+eE \t\n#xyabn\ufeff\u00a0") + ["inf", "1e999", "\r\n", '"']
    for _ in range(300):
        text = "".join(rng.choice(alphabet, rng.integers(0, 200)))
        points = ud.parse_csv(text)
        assert points.X.shape == (len(points.y), 2)
        assert np.isfinite(points.X).all() and (np.abs(points.X) <= ud.BOX).all()
        assert set(points.y.tolist()) <= {0, 1, 2}
    huge = ud.parse_csv("1,1,0\n" * 100_000)  # 600,000 characters: cut, said, the rest kept
    assert len(huge.y) == ud.MAX_ROWS and huge.problems[-1].reason == "rows"


def test_csv_written_is_read_back_exactly():
    X = np.random.default_rng(1).uniform(-4, 4, (50, 2))
    y = np.arange(50) % 3
    back = ud.parse_csv(ud.to_csv(X, y))
    np.testing.assert_array_equal(back.X, X)
    np.testing.assert_array_equal(back.y, y)
    assert back.problems == ()


def test_the_link_is_compact_and_round_trips_on_the_stated_grid():
    rng = np.random.default_rng(2)
    X = rng.uniform(-ud.BOX, ud.BOX, (ud.URL_MAX_POINTS, 2))
    X[:2] = [[-ud.BOX, ud.BOX], [ud.BOX, -ud.BOX]]  # the corners too
    y = rng.integers(0, 3, len(X))
    text = ud.encode(X, y)
    assert len(text) == 1 + int(np.ceil(4 * len(X) * 4 / 3)) == 1601  # 5.33 characters a point
    back = ud.decode(text)
    np.testing.assert_array_equal(back.y, y)
    np.testing.assert_array_equal(back.X, ud.quantize(X))
    assert np.abs(back.X - X).max() <= ud.STEP / 2 + 1e-12
    assert pytest.approx(2.44e-4, rel=1e-3) == ud.STEP
    assert ud.encode(back.X, back.y) == text
    np.testing.assert_array_equal(ud.quantize(back.X), back.X)  # points on the grid stay put
    assert ud.decode(ud.encode(np.zeros((0, 2)), np.zeros(0, dtype=int))).X.shape == (0, 2)


@pytest.mark.parametrize(
    "text",
    ["", "2AAAA", "1AAA", "1AAAA=", "1!!!!", "1" + "A" * 1700, "1____3", "1AAAAAw", "1/+++", 12],
)
def test_a_hostile_link_raises_value_error_only(text):
    with pytest.raises(ValueError):
        ud.decode(text)


def test_a_label_3_in_a_link_is_refused():
    import base64

    word = np.array([3], dtype=">u4").tobytes()
    with pytest.raises(ValueError, match="label"):
        ud.decode("1" + base64.urlsafe_b64encode(word).decode().rstrip("="))


def test_too_many_points_or_points_outside_the_box_stay_out_of_links():
    assert not ud.fits_link(np.zeros((ud.URL_MAX_POINTS + 1, 2)))
    assert not ud.fits_link(np.array([[4.5, 0.0]]))
    with pytest.raises(ValueError):
        ud.encode(np.zeros((ud.URL_MAX_POINTS + 1, 2)), np.zeros(ud.URL_MAX_POINTS + 1, dtype=int))


@pytest.mark.parametrize("validation", (False, True))
def test_the_split_shares_the_points_without_overlap(validation):
    X = np.stack([np.arange(40.0) / 10, np.zeros(40)], -1)
    points = ud.Points(X, np.arange(40) % 2)
    data = ud.split(points, seed=3, validation=validation)
    assert len(data.X_test) == 10 and len(data.X_val) == (10 if validation else 0)
    assert len(data.X) == 40 - 10 - len(data.X_val)
    together = np.concatenate([data.X, data.X_test, data.X_val])[:, 0]
    np.testing.assert_array_equal(np.sort(together), X[:, 0])
    assert not np.array_equal(data.X_test[:, 0], X[:10, 0])  # shuffled by the seed
    net = Network(data, hidden=(4,))
    assert net.classes == 2
    with pytest.raises(ValueError, match="at least 8"):
        ud.split(ud.Points(X[:7], np.zeros(7, dtype=int)))
