"""The Network page under AppTest: defaults, every control once, links in and out, hostile
URL values, and the exports."""

import io
import json

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from networks import Network
from tests.conftest import open_script, plotted
from ui import network_scene as ns
from ui.texts import text


def page(query=None):
    return open_script("pages/network.py", query, timeout=120)


def training_spec(at) -> dict:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(spec for spec in specs if spec.get("frames"))


def test_defaults_train_three_optimizers_and_draw_every_view():
    at = page()
    assert not at.exception
    spec = training_spec(at)
    assert len(at.get("plotly_chart")) == 4  # training, lines, sharpness, layers
    assert len(spec["frames"]) == ns.FRAMES
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png")  # the landscape
    boundaries = [t for t in spec["data"] if t.get("fill") == "toself"]
    assert len(boundaries) == 3  # one region per optimizer (two classes)
    assert len(at.success) == 3
    assert all("test accuracy" in message.value for message in at.success)
    assert at.query_params["opt"] == "gd,momentum,adam"


def test_every_control_changes_the_scene_and_the_url():
    at = page()
    changes = [
        (at.selectbox(key="n.data"), "blobs", "data"),
        (at.slider(key="n.layers"), 1, "layers"),
        (at.slider(key="n.units"), 8, "units"),
        (at.selectbox(key="n.act"), "relu", "act"),
        (at.selectbox(key="n.init"), "he", "init"),
        (at.select_slider(key="n.batch"), 0, "batch"),
        (at.slider(key="n.steps"), 100, "steps"),
        (at.selectbox(key="n.plane"), "pca", "plane"),
    ]
    for widget, value, key in changes:
        widget.set_value(value).run()
        assert not at.exception, key
    assert at.query_params["data"] == "blobs" and at.query_params["act"] == "relu"
    assert at.query_params["steps"] == "100" and at.query_params["plane"] == "pca"
    assert at.query_params["batch"] == "0"
    spec = training_spec(at)
    boundaries = [t for t in spec["data"] if t.get("fill") == "toself"]
    assert len(boundaries) == 3 * 2  # three classes: two regions over the first one's tint
    assert "PC1" in json.dumps(spec["layout"])  # the PCA plane's axes say their variance
    at.multiselect(key="n.opt").set_value(["adamw", "rprop"]).run()
    at.select_slider(key="n.adamw.lr").set_value(0.02).run()
    assert not at.exception and at.query_params["opt"] == "adamw,rprop"
    assert at.query_params["adamw.lr"] == "0.02"
    at.selectbox(key="n.reg").set_value("l1").run()
    at.selectbox(key="n.clip").set_value("norm").run()
    at.selectbox(key="n.schedule").set_value("cosine").run()
    at.toggle(key="n.ptest_toggle").set_value(True).run()
    assert not at.exception
    assert at.query_params["reg"] == "l1" and at.query_params["ptest"] == "1"
    assert "test loss on the plane" in json.dumps(training_spec(at)["layout"])


def test_a_copied_url_reopens_the_same_scene():
    query = {
        "opt": "nesterov,adam",
        "data": "circles",
        "layers": "3",
        "units": "12",
        "batch": "16",
        "steps": "150",
    }
    first = page(query)
    again = page(dict(first.query_params))
    assert ns.network_from_query(dict(again.query_params))[0] == ns.network_from_query(query)[0]
    assert training_spec(first)["frames"][-1]["name"] == training_spec(again)["frames"][-1]["name"] == "150"


def test_hostile_values_are_reported_and_replaced():
    at = page(
        {
            "n": "3",
            "noise": "-1",
            "batch": "99999",
            "layers": "9",
            "units": "nan",
            "opt": "newton,adam",
            "act": "swish",
        }
    )
    assert not at.exception
    words = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)
    for key in ("n", "noise", "batch", "layers", "units", "newton", "act"):
        assert key in words, key
    s = ns.network_from_query(dict(at.query_params))[0]
    assert (
        s.n == 20 and s.noise == 0.0 and s.layers == 4 and s.act == "tanh" and list(s.optimizers) == ["adam"]
    )


def test_no_optimizer_says_so():
    at = page({"opt": ""})
    assert not at.exception


def test_zero_initialization_is_explained():
    at = page({"init": "zeros", "opt": "gd"})
    assert any("identical" in w.value for w in at.warning)


def test_diverging_training_is_reported():
    at = page({"opt": "gd", "gd.lr": "10.0", "act": "relu", "init": "normal", "scale": "10.0", "batch": "0"})
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)


def test_early_stopping_chooses_on_validation_and_the_star_and_summary_say_so():
    from ui.lesson_catalog import BY_KEY

    query = BY_KEY["net_early_stopping"].scenes[0].query
    s = ns.network_from_query(query)[0]
    run = ns.train(s).trained[0].run
    early = ns.early_stopping(run, s.patience)
    at = page(query)
    assert not at.exception
    spec = training_spec(at)
    stars = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert len(stars) == 1 and stars[0]["x"] == [early.step] == [50]
    # The star sits on the validation curve (drawn: the choice is read off it), the cross where
    # the patience ran out: 10 evaluations later, at step 150.
    val = run.metrics["val_loss"][:, 0]
    assert (
        stars[0]["y"] == [pytest.approx(val[early.record])]
        and val[early.record] == val[: early.record + 11].min()
    )
    validation = [t for t in spec["data"] if t.get("line", {}).get("dash") == "dashdot"]
    assert len(validation) == 1 and np.allclose(plotted(validation[0]["y"]), val, rtol=1e-6)
    crosses = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "line-ns-open"]
    assert len(crosses) == 1 and crosses[0]["x"] == [early.stopped] == [150]
    assert crosses[0]["y"] == [pytest.approx(val[early.record + 10])]
    # Test accuracy on the curves' second (right) axis, at every record.
    accuracy = [t for t in spec["data"] if t.get("line", {}).get("dash") == "dot" and t.get("yaxis")]
    right = spec["layout"][accuracy[0]["yaxis"].replace("y", "yaxis")]
    assert len(accuracy) == 1 and right["side"] == "right" and right["range"] == [0, 1.02]
    sentence = " ".join(m.value for m in [*at.success, *at.warning])
    assert "stops at step 150 and keeps the parameters of step 50" in sentence
    assert f"test loss {early.test_loss:.3g}, test accuracy {early.test_acc:.0%}" in sentence
    # Without a validation set nothing chooses: no star, no early-stopping sentence.
    at = page({**query, "nval": "0"})
    spec = training_spec(at)
    assert not [t for t in spec["data"] if t.get("marker", {}).get("symbol") in ("star", "line-ns-open")]
    assert not [t for t in spec["data"] if t.get("line", {}).get("dash") == "dashdot"]
    assert "Early stopping" not in " ".join(m.value for m in [*at.success, *at.warning])


def test_early_stopping_waits_patience_evaluations_without_improvement():
    from types import SimpleNamespace

    metrics = {
        "val_loss": np.array([[5.0], [3.0], [3.5], [2.9], [3.0], [3.0], [3.1], [1.0]]),
        "test_loss": np.arange(8.0)[:, None],
        "test_acc": np.linspace(0.5, 0.9, 8)[:, None],
    }
    run = SimpleNamespace(step=np.arange(8) * 10, metrics=metrics)
    early = ns.early_stopping(run, patience=3)  # 2.9 at record 3; 3 records without better
    assert (early.record, early.step, early.stopped, early.test_loss) == (3, 30, 60, 3.0)
    assert ns.early_stopping(run, patience=4).record == 7  # waits long enough to see 1.0
    del metrics["val_loss"]
    assert ns.early_stopping(run, patience=3) is None


def test_validation_size_patience_and_the_bias_penalty_are_in_the_url():
    s, notes = ns.network_from_query({"nval": "5000", "patience": "0", "penbias": "1", "reg": "l1"})
    assert (s.nval, s.patience, s.penbias) == (1000, 1, True) and {"nval", "patience"} <= set(notes.clamped)
    assert s.simulate_options()["penalize_biases"] is True
    assert ns.network_from_query({"reg": "l2"})[0].simulate_options()["penalize_biases"] is False
    assert ns.network_from_query(s.to_query())[0] == s
    at = page({"reg": "l2", "penbias": "1", "nval": "100", "patience": "5", "steps": "50"})
    assert not at.exception
    assert at.toggle(key="n.penbias").value is True and at.slider(key="n.nval").value == 100
    assert at.query_params["penbias"] == "1" and at.query_params["patience"] == "5"


def test_exports_hold_the_curves_and_the_parameters():
    s = ns.network_defaults()
    s.steps = 100
    result = ns.train(s)
    table = pd.read_csv(io.StringIO(ns.curves_csv(result)))
    assert set(table["optimizer"]) == {"gd", "momentum", "adam"}
    assert list(table.columns) == [
        "optimizer",
        "step",
        "train_loss",
        "test_loss",
        "train_acc",
        "test_acc",
        "grad_norm",
        "val_loss",  # the page's default validation set (nval = 200)
        "val_acc",
    ]
    adam = table[table["optimizer"] == "adam"]
    np.testing.assert_array_equal(adam["val_loss"], result.trained[2].run.metrics["val_loss"][:, 0])
    arrays = np.load(io.BytesIO(ns.parameters_npz(result)))
    assert arrays["X_val"].shape == (200, 2) and arrays["y_val"].shape == (200,)
    params = arrays["adam_params"]
    net = Network(ns.network_of(s).data, hidden=s.hidden())
    assert params.shape == (len(arrays["adam_step"]), net.dim)
    np.testing.assert_allclose(net.value(params[-1]), result.trained[2].run.loss[-1])


def test_the_lessons_link_opens_its_scene_on_the_network_page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=120).run()
    at.switch_page("pages/lessons.py").run()
    at.selectbox(key="lesson").select("net_depth").run()
    at.button(key="open_net_depth_1").click().run()
    assert not at.exception
    assert at.selectbox(key="n.act").value == "relu"
    assert at.selectbox(key="n.init").value == "normal"


NET_KEYS = [*ns.NET_SETTINGS, "opt", "adam.lr", "gd.lr", "momentum.momentum", "lang", "pts", ""]
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**9), max_value=10**9).map(str),
    st.text(max_size=20),
    st.sampled_from(["moons", "blobs", "relu", "zeros", "0", "1", "adam,gd", "newton", "x" * 5000]),
    st.sampled_from(["own", "sine", "step", "2", "1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1AAA"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.dictionaries(st.sampled_from(NET_KEYS), VALUES, max_size=6))
def test_network_page_survives_any_url(query):
    query = {**query, "steps": query.get("steps", "50")}  # bounded work per example
    at = page(query)
    assert not at.exception, (query, [e.value for e in at.exception])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_speaks_both_languages(language):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../pages/network.py", default_timeout=120)
    at.session_state["lang"] = language
    at.query_params["steps"] = "50"
    at.run()
    assert not at.exception
    assert at.title[0].value == text("nw.title", language)


def test_a_hidden_setting_keeps_its_value_and_breaks_nothing():
    # The scale's widget is not drawn for a zero start; Streamlit then dropped its value and
    # the next change raised a KeyError.
    at = page({"steps": "50", "scale": "0.5"})
    at.selectbox(key="n.init").set_value("zeros").run()
    at.slider(key="n.steps").set_value(60).run()
    assert not at.exception
    at.selectbox(key="n.init").set_value("normal").run()
    assert not at.exception and at.query_params["scale"] == "0.5"
