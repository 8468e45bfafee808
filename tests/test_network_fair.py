"""The Network page's fair race (ui/network_fair.py): the batched tuning against one rate at a
time, the race at the chosen rates against the page's own training, the words against the
runs' numbers, the figure, and the page with fair=1 in both languages and with hostile values."""

import json
import re

import numpy as np
import pytest

from optimizers import parallel, simulate
from optimizers.tuning import Tuning
from tests.conftest import assert_plain_is_validated, plotted
from ui import network_fair as nf
from ui import network_scene as ns
from ui.texts import optimizer_title, prefixed_words, text
from viz.colors import COLORS
from viz.network_fair import fair_race_figure
from viz.template import written


def scene(**changes) -> ns.NetSettings:
    """A small scene (quick to tune 20 rates of): 60 moons, 8 x 8 units, 60 steps of 16."""
    s = ns.network_defaults()
    s.n, s.nval, s.units, s.steps, s.batch = 60, 0, 8, 60, 16
    for key, value in changes.items():
        setattr(s, key, value)
    return s


def test_the_rates_tried_are_log_spaced_around_the_pages_rate_within_the_slider():
    rates = nf.fair_rates("gd")  # the page's 0.5 (0.501 on its grid): 0.0167 to 15, the slider stops at 10
    assert len(rates) == nf.COUNT == 20
    assert rates[0] == pytest.approx(0.501 / 30) and rates[-1] == 10.0
    assert np.allclose(np.diff(np.log(rates)), np.log(rates[1] / rates[0]))
    fit = nf.fair_rates("gd", regression=True)  # a regression's own rate: 0.1 (0.5 diverged)
    assert fit[0] == pytest.approx(ns.network_hyperparameters("gd", True)["lr"] / 30) and fit[-1] < 3.1
    adam = nf.fair_rates("adam")
    assert adam[0] == pytest.approx(0.01 / 30) and adam[-1] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("name", "changes"),
    [("gd", {}), ("adam", {"reg": "l2", "strength": 0.01}), ("momentum", {"clip": "norm"})],
)
def test_the_tuned_rate_is_the_best_of_the_grid_run_one_rate_at_a_time(name, changes):
    s = scene(**changes, optimizers={name: ns.network_hyperparameters(name)})
    net = ns.network_of(s)  # the page's own network, test and validation sets and all
    start = ns.start_of(s, net)
    racer = nf.race_optimizer(s, net, start, name, s.optimizers[name])
    options = nf.options_of(s, name)
    steps = options.pop("steps")
    others = {k: v for k, v in s.optimizers[name].items() if k != "lr"}
    alone = []
    for rate in racer.tuning.rates:
        run = simulate(net, name, start, steps, record_every=steps, lr=float(rate), **options, **others)
        alone.append(np.inf if run.diverged_at[0] >= 0 else float(run.objective[-1, 0]))
    alone = np.array(alone)
    assert np.isfinite(alone).sum() >= 10  # a real grid: most rates trained
    finite = np.isfinite(alone)
    assert np.array_equal(finite, np.isfinite(racer.tuning.scores))
    assert np.allclose(racer.tuning.scores[finite], alone[finite], rtol=1e-9, atol=1e-12)
    assert racer.tuning.best == racer.tuning.rates[int(np.argmin(alone))]
    # The race at that rate is that very run, recorded as the page records its runs.
    page = ns.train_one(
        s, net, start, name, {**s.optimizers[name], "lr": racer.tuning.best}, with_sharpness=False
    )
    assert np.array_equal(racer.run.step, page.run.step)
    assert np.allclose(racer.loss(), page.run.loss[:, 0], rtol=1e-9, atol=1e-12)
    assert racer.run.objective[-1, 0] == pytest.approx(racer.tuning.scores.min(), rel=1e-9)


def test_the_optimizers_share_the_workers_with_the_same_results(monkeypatch):
    # The tunings, then the races, go through parallel.map_calls: a share in the worker.
    s = scene(steps=120)
    assert parallel.wait_until_ready()
    before = parallel.used
    shared = nf.fair_race_of(s)
    assert parallel.used == before + 2  # the tunings, then the races
    monkeypatch.setattr(parallel, "WORKERS", 0)
    alone = nf.fair_race_of(s)
    assert shared.target == alone.target
    for a, b in zip(shared.racers, alone.racers, strict=True):
        np.testing.assert_array_equal(a.tuning.scores, b.tuning.scores)
        np.testing.assert_array_equal(a.run.path, b.run.path)


def expected_first(race: nf.FairRace) -> tuple[list[str], int]:
    """Who reached the highest final training loss first, read from the recorded losses here."""
    target = max(float(r.run.loss[-1, 0]) for r in race.racers if r.run is not None)
    steps = {
        r.name: int(r.run.step[np.argmax(r.run.loss[:, 0] <= target)])
        for r in race.racers
        if r.run is not None
    }
    first = min(steps.values())
    return [n for n, v in steps.items() if v == first], first


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_words_say_what_the_runs_did(seed, language):
    s = scene(iseed=seed, dseed=seed, seed=seed, steps=80)
    race = nf.fair_race_of(s)
    words = nf.fair_words(race, s, language)
    target = max(float(r.run.loss[-1, 0]) for r in race.racers)
    assert race.target == target
    assert words[0].endswith(text("nw.fair.noisy", language))  # minibatches of 16 of 60 points
    winners, step = expected_first(race)
    for name, racer in ((r.name, r) for r in race.racers):  # the winners' losses got there, no one earlier
        hits = racer.run.loss[:, 0] <= target
        assert hits[racer.run.step == step][0] == (name in winners)
        assert not hits[racer.run.step < step].any()
    names = text("nw.fair.sep", language).join(optimizer_title(n, language) for n in winners)
    key = "nw.fair.first" if len(winners) == 1 else "nw.fair.first_tie"
    assert words[1] == text(key, language, names=names, target=target, step=step)
    assert re.search(rf"(?<![\d.]){step}(?![\d.]\d)", words[1]) and written(target, 3) in words[1]
    steps = {r.name: int(r.run.step[np.argmax(r.run.loss[:, 0] <= target)]) for r in race.racers}
    later = sorted((v, n) for n, v in steps.items() if n not in winners)  # then the others, in order
    if later:
        assert words[2] == text("nw.fair.then", language) + text("nw.fair.sep", language).join(
            text("nw.fair.then_one", language, name=optimizer_title(n, language), step=v) for v, n in later
        ) + text("nw.fair.end", language)
    lowest = min(race.racers, key=lambda r: float(r.run.loss[-1, 0]))
    assert (
        text(
            "nw.fair.lowest",
            language,
            name=optimizer_title(lowest.name, language),
            loss=float(lowest.run.loss[-1, 0]),
        )
        in words
    )
    lines = nf.rate_words(race, language)
    assert words[-len(race.racers) :] == lines
    for racer, line in zip(race.racers, lines, strict=True):
        t = racer.tuning
        best = t.rates[int(np.argmin(t.scores))]
        assert line.startswith(optimizer_title(racer.name, language))
        assert written(float(best), 3) in line and written(float(t.rates[0]), 3) in line
        assert written(float(t.rates[-1]), 3) in line and f"{len(t.rates)}" in line
        assert written(racer.final(), 3) in line
        at_top, at_bottom = best == t.rates[-1], best == t.rates[0]
        assert (text("nw.fair.edge_high", language) in line) == at_top
        assert (text("nw.fair.edge_low", language) in line) == at_bottom


def test_a_rate_at_the_end_of_the_range_is_said_to_be_there():
    # Ten full-batch steps: gradient descent and momentum want the largest rates there are.
    s = scene(
        steps=10, batch=0, optimizers={n: ns.network_hyperparameters(n) for n in ("gd", "momentum", "adam")}
    )
    race = nf.fair_race_of(s)
    lines = nf.rate_words(race, "en")
    assert text("nw.fair.noisy", "en") not in nf.fair_words(race, s, "en")[0]  # the full batch: no noise
    at_end = [r.tuning.best == r.tuning.rates[-1] for r in race.racers]
    assert any(at_end), [(r.name, r.tuning.best, r.tuning.rates[-1]) for r in race.racers]
    for top, line in zip(at_end, lines, strict=True):
        assert ("largest rate tried" in line and "too narrow" in line) == top


def test_words_for_an_optimizer_whose_every_rate_diverged_and_for_one_left_alone():
    s = scene(optimizers={n: ns.network_hyperparameters(n) for n in ("gd", "adam")})
    race = nf.fair_race_of(s)
    gd, adam = race.racers
    failed = nf.Racer("gd", Tuning("gd", "final", gd.tuning.rates, np.full(nf.COUNT, np.inf), None), None)
    alone = nf.FairRace([failed, adam], adam.final())
    words = nf.fair_words(alone, s, "en")
    assert any(w.startswith("Only Adam trained") and written(adam.final(), 3) in w for w in words)
    assert f"Gradient descent: every learning rate from {written(float(gd.tuning.rates[0]), 3)}" in words[-2]
    assert alone.first() == ([adam], alone.reached(adam)) and alone.lowest() is adam
    nobody = nf.FairRace([failed], None)
    assert nobody.first() == ([], None) and nobody.lowest() is None
    assert len(nf.fair_words(nobody, s, "zh")) == 2  # how it was tuned, and that every rate diverged


def test_the_figure_draws_each_tuned_run_the_target_and_where_each_reached_it():
    s = scene()
    race = nf.fair_race_of(s)
    curves = [(r.run.step, r.loss()) for r in race.racers]
    reached = [race.reached(r) for r in race.racers]
    words = prefixed_words("nw.fair.", "en")
    fig = fair_race_figure(curves, ["a", "b", "c"], COLORS[:3], race.target, reached, words)
    spec = assert_plain_is_validated(fig)
    lines = [t for t in spec["data"] if t.get("mode") == "lines+markers"]
    assert [t["name"] for t in lines] == ["a", "b", "c"]
    for trace, racer in zip(lines, race.racers, strict=True):
        assert np.allclose(plotted(trace["y"]), racer.loss(), rtol=1e-6)
    target = next(t for t in spec["data"] if t.get("name", "").startswith("target"))
    assert target["y"] == [race.target, race.target]
    rings = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "circle-open"]
    assert [r["x"][0] for r in rings] == reached
    assert all(r["y"][0] <= race.target for r in rings)
    none = fair_race_figure([None, curves[1]], ["a", "b"], COLORS[:2], race.target, [None, reached[1]], words)
    assert [t["name"] for t in none.to_dict()["data"] if t.get("mode") == "lines+markers"] == ["b"]


# ---------------------------------------------------------------- the page


def fair_page(query, language=None):
    """The Network page opened with ``query`` (50 steps unless it says), in ``language``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../pages/network.py", default_timeout=180)
    if language:
        at.session_state["lang"] = language  # the session's language, as app.py sets it
    for key, value in {"steps": "50", **query}.items():
        at.query_params[key] = value
    return at.run()


def texts_of(at) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_with_fair_1_races_the_tuned_rates_and_says_so(language):
    at = fair_page({"fair": "1"}, language)
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(specs) == 6  # the page's four, the race and the tuning
    s = ns.network_from_query(dict(at.query_params))[0]
    assert s.fair and at.query_params["fair"] == "1"
    race = nf.fair_race_of(s)
    shown = texts_of(at)
    for sentence in nf.fair_words(race, s, language):
        assert sentence in shown, sentence
    tuning = next(sp for sp in specs if sp["layout"].get("xaxis", {}).get("type") == "log")
    stars = [t for t in tuning["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert sorted(t["x"][0] for t in stars) == sorted(r.tuning.best for r in race.racers)
    assert text("nw.fair.score.final", language) in json.dumps(tuning["layout"], ensure_ascii=False)


def test_the_fair_race_is_off_by_default_and_a_switch_turns_it_on_and_into_the_link():
    at = fair_page({})
    assert not at.exception and len(at.get("plotly_chart")) == 4 and "fair" not in at.query_params
    at.toggle(key="n.fair").set_value(True).run()
    assert not at.exception and at.query_params["fair"] == "1"
    assert len(at.get("plotly_chart")) == 6
    again = fair_page(dict(at.query_params))
    assert not again.exception and again.toggle(key="n.fair").value is True


@pytest.mark.parametrize("value", ["2", "nan", "-1e309", "1e309", "yes", "", "x" * 5000])
def test_a_hostile_fair_value_is_named_and_leaves_the_race_off(value):
    at = fair_page({"fair": value})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)
    assert "fair" in notices
    assert len(at.get("plotly_chart")) == 4 and "fair" not in at.query_params


def test_the_fair_race_survives_hostile_scenes():
    for query in (
        {"fair": "1", "opt": ""},  # no optimizer: the page says so and stops before
        {"fair": "1", "opt": "gd", "gd.lr": "10", "init": "normal", "scale": "10", "act": "relu"},
        {"fair": "1", "opt": "adam,rprop,adagrad,adadelta", "reg": "l1", "batch": "1", "drop": "0.5"},
        {"fair": "1", "opt": "gd", "steps": "10", "bn": "1", "clip": "value"},
        {"fair": "1", "data": "bump", "rdim": "2", "opt": "gd,adam"},  # a regression: its own rates
    ):
        at = fair_page(query)
        assert not at.exception, (query, [e.value for e in at.exception])


# ---------------------------------------------------------------- in a browser

FAIR_CHARTS = """() => [...document.querySelectorAll('[data-testid=stExpander]')]
    .filter((e) => e.querySelectorAll('.js-plotly-plot .main-svg').length >= 2)
    .map((e) => [...e.querySelectorAll('.js-plotly-plot')].map((gd) => gd.getBoundingClientRect().width))"""


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_phone_shows_the_fair_race_within_its_width_in_both_languages(browser, server, language):
    from tests.test_browser import PHONE, no_errors, open_app

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    open_app(page, f"{server}/network?fair=1&steps=100&lang={language}")
    widths = page.evaluate(FAIR_CHARTS)
    assert len(widths) == 1 and len(widths[0]) == 2 and all(0 < w <= 390 for w in widths[0]), widths
    s = ns.network_from_query({"fair": "1", "steps": "100", "lang": language})[0]
    said = nf.fair_words(nf.fair_race_of(s), s, language)
    for sentence in said[1:3]:  # who got there first, and the others (as the page's Markdown writes them)
        assert page.locator("li", has_text=sentence).count() == 1, sentence
    no_errors(page)
    context.close()


@pytest.mark.browser
def test_the_switch_turns_the_race_on_in_the_browser_and_puts_it_in_the_link(server, page):
    from tests.test_browser import no_errors, open_app, settle

    open_app(page, f"{server}/network?steps=100")
    assert page.evaluate(FAIR_CHARTS) == []
    expander = page.locator("[data-testid=stExpander]", has_text=text("nw.fair.title", "en"))
    expander.locator("summary").click()
    expander.get_by_text(text("nw.fair", "en")).click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('fair') === '1'", timeout=120000)
    page.wait_for_function(f"() => ({FAIR_CHARTS})().length === 1", timeout=120000)
    settle(page)
    assert expander.get_by_text(
        text("nw.fair.race", "en"), exact=True
    ).is_visible()  # still open after the rerun
    no_errors(page)


def test_a_fair_race_says_it_is_too_heavy_rather_than_computing_for_a_minute(monkeypatch):
    from tests.conftest import open_script

    heaviest = {"n": "1000", "steps": "2000", "batch": "1", "units": "64", "layers": "4"}
    s = ns.network_from_query({**heaviest, "opt": "gd,momentum,adam,rmsprop"})[0]
    net = ns.network_of(s)
    # 20 rates x 4 optimizers x D x (2,000 steps of 1 point + 500 records of 1,000 points)
    assert nf.fair_work(s, net) == 20 * 4 * net.dim * (2000 * 1 + 500 * 1000)
    assert nf.fair_work(s, net) > 10 * nf.FAIR_MAX_WORK
    default = ns.network_from_query({})[0]
    assert nf.fair_work(default, ns.network_of(default)) < 0.2 * nf.FAIR_MAX_WORK
    # the page then says so and computes no race (made heavy here by a lower limit)
    monkeypatch.setattr(nf, "FAIR_MAX_WORK", 1.0)
    at = open_script("pages/network.py", {"steps": "40", "n": "60", "opt": "gd", "units": "6", "fair": "1"})
    assert not at.exception
    heavy = text("nw.fair.heavy", "en").split("{")[0]
    assert any(i.value.startswith(heavy) for i in at.info)
    assert not any("fair" in (c.proto.id or "") for c in at.get("plotly_chart"))
