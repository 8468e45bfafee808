"""AppTest: the app runs, every surface renders, widgets drive it, URLs round-trip."""

import json

import pytest

from surfaces import SURFACES
from tests.conftest import open_script, race_spec

TIMEOUT = 60


def app(query=None, lang=None):
    return open_script("app.py", query, TIMEOUT, locale=lang)


def test_default_page_renders_the_race():
    at = app()
    assert not at.exception
    spec = race_spec(at)
    assert len(spec["frames"]) == 200
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png")
    legend = [t.get("name") for t in spec["data"] if t.get("showlegend", True) and t.get("name")]
    assert legend[-4:] == ["Gradient descent", "Momentum", "RMSProp", "Adam"]
    assert at.query_params["s"] == "rosenbrock"
    assert at.query_params["opt"] == "gd,momentum,rmsprop,adam"


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_surface_renders(name):
    at = app({"s": name})
    assert not at.exception, name
    assert at.selectbox(key="w.surface").value == name
    assert race_spec(at)["frames"]


def test_changing_surface_optimizers_lr_and_steps():
    at = app()
    at.selectbox(key="w.surface").select("himmelblau").run()
    assert not at.exception
    assert at.query_params["s"] == "himmelblau"
    at.multiselect(key="w.opt").set_value(["adam", "newton"]).run()
    assert not at.exception and at.query_params["opt"] == "adam,newton"
    at.select_slider(key="w.adam.lr").set_value(0.1).run()
    assert at.query_params["adam.lr"] == "0.1"
    at.slider(key="w.steps").set_value(120).run()
    assert not at.exception
    spec = race_spec(at)
    assert spec["frames"][-1]["name"] == "120"
    assert at.query_params["steps"] == "120"


def test_a_copied_url_reopens_the_same_scene():
    first = app(
        {
            "s": "narrow_valley",
            "p.kappa": "100",
            "opt": "gd,nesterov",
            "gd.lr": "0.0178",
            "nesterov.momentum": "0.95",
            "steps": "250",
            "x0": "1.5",
            "y0": "-2",
            "clip": "norm",
            "clip_at": "0.5",
            "schedule": "linear",
            "tau": "100",
            "noise": "0.2",
            "seed": "7",
        }
    )
    assert not first.exception
    url = dict(first.query_params)
    second = app(url)
    assert dict(second.query_params) == url
    assert second.slider(key="w.p.kappa").value == 100.0
    assert second.select_slider(key="w.gd.lr").value == 0.0178
    assert second.number_input(key="w.x0").value == 1.5
    assert second.selectbox(key="w.clip").value == "norm"
    assert race_spec(first)["frames"] == race_spec(second)["frames"]


@pytest.mark.parametrize(
    "query",
    [
        {"s": "__import__('os')"},
        {"opt": "adam,<script>alert(1)</script>"},
        {"adam.lr": "-1", "opt": "adam"},
        {"steps": "99999999999999999999"},
        {"x0": "nan", "y0": "inf"},
        {"p.kappa": "1e308", "s": "narrow_valley"},
        {"clip": "norm", "clip_at": "0"},
        {"seed": "-3", "noise": "1e9"},
        {"opt": ""},
        {"lang": "xx", "starts": "ring", "count": "100000"},
    ],
)
def test_hostile_urls_fall_back_with_a_notice(query):
    at = app(query)
    assert not at.exception
    notices = [w.value for w in at.warning] + [i.value for i in at.info]
    said = ("replaced by defaults", "allowed range", "were left out", "Pick at least one optimizer")
    assert any(words in n for n in notices for words in said), notices


def test_chinese_labels():
    at = app({"lang": "zh"})
    assert not at.exception
    assert at.multiselect(key="w.opt").label == "优化器"
    assert any("收敛" in i.value or "发散" in i.value for i in [*at.info, *at.success, *at.error])
    assert "播放" in json.dumps(race_spec(at)["layout"]["updatemenus"], ensure_ascii=False)


def test_browser_locale_picks_chinese():
    at = app(lang="zh-CN")
    assert at.session_state["lang"] == "zh"


def test_divergence_is_stated_in_words():
    at = app({"s": "narrow_valley", "opt": "gd", "gd.lr": "0.1"})
    assert not at.exception
    assert any("diverged at step" in e.value and "lower the learning rate" in e.value for e in at.error)


def test_quadratic_shows_the_stability_limit():
    at = app({"s": "narrow_valley", "opt": "gd"})
    assert any("2/L = 0.04" in c.value for c in at.caption)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_rprop_and_asgd_race_on_the_playground_with_asgds_average_drawn(language):
    at = app({"s": "himmelblau", "opt": "rprop,asgd", "lang": language})
    assert not at.exception and not at.warning
    assert at.select_slider(key="w.asgd.t0").value == 10.0  # the average visible within the run
    assert at.select_slider(key="w.rprop.eta_plus").value == 1.2
    spec = race_spec(at)
    names = [t.get("name") or "" for t in spec["data"]]
    drawn = [n for n in names if n.startswith("ASGD:")]
    assert drawn == ["ASGD: " + ("averaged point" if language == "en" else "平均点")]
    # The diamond moves with the frames, apart from the iterate once the averaging starts.
    index = names.index(drawn[0])
    last = spec["frames"][-1]["data"][index]
    assert set(last) >= {"x", "y"}


def test_the_3d_view_and_the_gradient_norms_are_drawn_on_request():
    at = app()
    assert len(at.get("plotly_chart")) == 2  # the race and its loss curves: nothing else waits
    at.toggle(key="show_3d").set_value(True).run()
    at.toggle(key="show_grad_norm").set_value(True).run()
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(specs) == 4 and any(t.get("type") == "surface" for spec in specs for t in spec["data"])
