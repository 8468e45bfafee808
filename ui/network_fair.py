"""The Network page's fair race: every optimizer at its best learning rate, found on the scene's
very network, start, minibatches and steps, then raced at that rate; and what the race says.

Tuning: each optimizer tries ``COUNT`` log-spaced rates around the rate the page suggests for it
(from a thirtieth to thirty times it, within its slider's range), all of them in ONE simulate()
call from the same start (optimizers.tuning.tune, the Playground's fair race), scored by the
final training loss (with the L1/L2 penalty when the scene has one: what the training
minimizes); a rate whose run diverged scores worst. The race: each optimizer again at its best
rate, recorded as the page records its runs. The target is the highest final training loss of
the tuned runs, so every one of them reaches it, and the words say who reached it first.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import operator

import numpy as np
import streamlit as st

from networks import Network
from optimizers import Run, get_optimizer, parallel, simulate
from optimizers.tuning import RECORDS as TUNING_RECORDS
from optimizers.tuning import Tuning, tune
from ui import network_scene as ns
from ui import settings as cfg
from ui.access import chart
from ui.shell import lang, on_phone, say, spinner
from ui.texts import DEFAULT_LANGUAGE, optimizer_title, prefixed_words, text
from viz.colors import COLORS
from viz.curves import tuning_figure
from viz.network_fair import fair_race_figure

COUNT = 20  # rates tried per optimizer (neighbours 1.43x apart; 30 cost the page 0.15 s CPU more)
SPAN = 30.0  # from the suggested rate / SPAN to the suggested rate x SPAN
# What the tuning and the race depend on: every setting but these (the page's view of them).
VIEW_ONLY = ("lang", "fair", "plane", "ptest", "patience", "neurons")
# The most work a fair race may take, in multiply-adds (about 2-4 s here): the heaviest scene a
# link can ask for (1,000 points, 4 x 64 units, batch 1, 2,000 steps, 4 optimizers) is 17 times
# that, about 35 s of CPU, so it says what it would cost instead.
FAIR_MAX_WORK = 3e10


def fair_work(s, net: Network) -> float:
    """About a fair race's multiply-adds: COUNT rates per optimizer, each of its steps on a
    minibatch and each of the tuning's records on the whole training set, a network's worth each."""
    n = len(net.data.y)
    batch = s.batch_size() or n
    records = min(s.steps, TUNING_RECORDS)
    return float(COUNT * len(s.optimizers) * net.dim * (s.steps * batch + records * n))


@dataclasses.dataclass(frozen=True)
class Racer:
    """One optimizer of the fair race: its tuning, and its run at the chosen rate (None when
    every rate diverged)."""

    name: str
    tuning: Tuning
    run: Run | None

    def loss(self) -> np.ndarray:
        """The training loss at each record of the run at the chosen rate."""
        return self.run.loss[:, 0]

    def final(self) -> float:
        return float(self.run.loss[-1, 0])


@dataclasses.dataclass(frozen=True)
class FairRace:
    racers: list[Racer]
    target: float | None  # the highest final training loss of the tuned runs (None: none trained)

    def tuned(self) -> list[Racer]:
        return [r for r in self.racers if r.run is not None]

    def reached(self, racer: Racer) -> int | None:
        """The first recorded step at which ``racer``'s training loss is at most the target."""
        if racer.run is None or self.target is None:
            return None
        hits = np.flatnonzero(racer.loss() <= self.target)
        return int(racer.run.step[hits[0]]) if len(hits) else None

    def first(self) -> tuple[list[Racer], int | None]:
        """The racers that reached the target first (several when at the same record), and the step."""
        steps = {r.name: self.reached(r) for r in self.tuned()}
        known = [s for s in steps.values() if s is not None]
        if not known:
            return [], None
        step = min(known)
        return [r for r in self.tuned() if steps[r.name] == step], step

    def lowest(self) -> Racer | None:
        """The racer whose final training loss is lowest (the first of equal ones)."""
        tuned = self.tuned()
        return min(tuned, key=Racer.final) if tuned else None


def fair_rates(name: str, regression: bool = False) -> np.ndarray:
    """The ``COUNT`` learning rates ``name`` tries: log-spaced from the page's suggested rate
    / SPAN to x SPAN, within the range its slider offers."""
    center = ns.network_hyperparameters(name, regression)["lr"]
    shown = cfg.control(name, "lr").options
    return np.geomspace(max(center / SPAN, min(shown)), min(center * SPAN, max(shown)), COUNT)


def options_of(s, name: str) -> dict:
    """The scene's simulate() options for ``name``, as the page trains it (ui.network_scene.train_one)."""
    options = s.simulate_options()
    options["proximal"] = get_optimizer(name).proximal and "l1" in options
    return options


def recorded_network(net: Network) -> Network:
    """``net`` for the race's records: the same training set (training reads nothing else), a
    test set of one training point and no validation set. simulate() records every metric at
    every record, and the test and validation sets of 30 networks, 100 times over, were most of
    the work; the race reads only the training loss. ``net`` itself when the cut would change
    its classes (own points whose last class is in the test set only)."""
    d = net.data
    data = d._replace(X_test=d.X[:1], y_test=d.y[:1], X_val=d.X_val[:0], y_val=d.y_val[:0])
    light = Network(
        data, net.hidden, net.activation, batch_norm=net.batch_norm, dropout=net.dropout, loss=net.loss
    )
    return light if light.dim == net.dim else net


def race_optimizer(s, net: Network, start: np.ndarray, name: str, hp: dict) -> Racer:
    """``name`` alone as :func:`fair_race_of` races it (the tests' reference)."""
    return fair_race_of(s, net, start, {name: hp}).racers[0]


def fair_race_of(s, net: Network | None = None, start: np.ndarray | None = None, optimizers=None) -> FairRace:
    """Every optimizer of scene ``s`` (or ``optimizers``: name -> hyperparameters) tuned on
    every rate of ``fair_rates`` from the scene's start, one simulate() call each
    (optimizers.tuning.tune: scored by the final training loss with the scene's penalty, inf
    for a run that diverged), with the page's options and its other hyperparameters as set;
    then run again at its best rate, recorded as the page records its runs.

    The optimizers' calls are independent: like the page's training they share the idle worker
    processes (operator.call on a partial of tune or simulate: the workers import the engine,
    never this module and its Streamlit); the results are the same either way."""
    net = ns.network_of(s) if net is None else net
    start = ns.start_of(s, net) if start is None else start
    light = recorded_network(net)
    jobs = []
    for name, hp in (s.optimizers if optimizers is None else optimizers).items():
        options = options_of(s, name)
        del options["steps"]
        jobs.append((name, {**options, **{key: value for key, value in hp.items() if key != "lr"}}))
    worth = s.steps >= 100
    tunings = parallel.map_calls(
        operator.call,
        [
            (
                functools.partial(
                    tune,
                    light,
                    name,
                    start,
                    s.steps,
                    fair_rates(name, s.regression()),
                    score="final",
                    **options,
                ),
            )
            for name, options in jobs
        ],
        worth,
    )
    every = max(1, s.steps // ns.RECORDS)
    raced = [
        (name, options, t.best)
        for (name, options), t in zip(jobs, tunings, strict=True)
        if t.best is not None
    ]
    runs = parallel.map_calls(
        operator.call,
        [
            (
                functools.partial(
                    simulate, light, name, start, s.steps, record_every=every, lr=best, **options
                ),
            )
            for name, options, best in raced
        ],
        worth,
    )
    by_name = dict(zip([name for name, _, _ in raced], runs, strict=True))
    racers = [Racer(name, t, by_name.get(name)) for (name, _), t in zip(jobs, tunings, strict=True)]
    finals = [r.final() for r in racers if r.run is not None]
    return FairRace(racers, max(finals) if finals else None)


# ---------------------------------------------------------------- words


def fair_words(race: FairRace, s, language: str) -> list[str]:
    """What the fair race says, every number read from its runs: :func:`race_words`, then
    :func:`rate_words`."""
    return race_words(race, s, language) + rate_words(race, language)


def _say(language: str):
    return lambda key, **values: text(f"nw.fair.{key}", language, **values)


def race_words(race: FairRace, s, language: str) -> list[str]:
    """How the rates were tuned, who reached the target first and when (then the others), and
    who ended lowest."""
    say_ = _say(language)

    def title(name: str) -> str:
        return optimizer_title(name, language)

    how = [say_("how", count=COUNT, steps=s.steps)]
    how += [say_("penalty")] if s.reg != "none" else []
    how += [say_("noisy")] if s.batch_size() is not None else []
    out = [" ".join(how)]
    winners, step = race.first()
    lowest = race.lowest()
    if len(race.tuned()) >= 2 and step is not None and lowest is not None:
        names = say_("sep").join(title(r.name) for r in winners)
        key = "first" if len(winners) == 1 else "first_tie"
        if step == 0:  # a tuned run ended no lower than the start: every run was there at once
            start = float(winners[0].loss()[0])
            out.append(say_("first_start", target=race.target, start=start))
        else:
            out.append(say_(key, names=names, target=race.target, step=step))
        others = sorted(  # in the order they got there
            (r for r in race.tuned() if r.name not in {w.name for w in winners}), key=race.reached
        )
        if others:
            out.append(
                say_("then")
                + say_("sep").join(say_("then_one", name=title(r.name), step=race.reached(r)) for r in others)
                + say_("end")
            )
        out.append(say_("lowest", name=title(lowest.name), loss=lowest.final()))
    elif len(race.tuned()) == 1:
        only = race.tuned()[0]
        out.append(say_("alone", name=title(only.name), loss=only.final()))
    return out


def rate_words(race: FairRace, language: str) -> list[str]:
    """Each optimizer's chosen rate in the range it tried, and when that rate lies at an end of
    the range, that the range may be too narrow (or that every rate diverged)."""
    say_, out = _say(language), []
    for racer in race.racers:
        t = racer.tuning
        span = {
            "name": optimizer_title(racer.name, language),
            "low": float(t.rates[0]),
            "high": float(t.rates[-1]),
            "count": len(t.rates),
        }
        if t.best is None:
            out.append(say_("all_diverged", **span))
            continue
        line = say_("chosen", lr=float(t.best), loss=racer.final(), **span)
        if t.best == t.rates[-1]:
            line += " " + say_("edge_high")
        elif t.best == t.rates[0]:
            line += " " + say_("edge_low")
        out.append(line)
    return out


# ---------------------------------------------------------------- the page's panel


def _key(settings) -> str:
    """The scene as the tuning sees it: without what only changes the page's view."""
    defaults = {name: ns.NET_SETTINGS[name].default for name in VIEW_ONLY if name in ns.NET_SETTINGS}
    return json.dumps(dataclasses.asdict(dataclasses.replace(settings, lang=DEFAULT_LANGUAGE, **defaults)))


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def _fair_race(key: str) -> FairRace:
    """Shared by every session that asks for the same scene."""
    return fair_race_of(ns.NetSettings(**json.loads(key)))


def fair_race(state, settings) -> None:
    """The Network page's fair race: its switch (``fair`` in the URL) in an expander, and when
    it is on the tuning's chart, the race's curves and the words."""
    with st.expander(say("nw.fair.title"), expanded=bool(settings.fair)):
        state.widget("fair")
        st.caption(say("nw.fair.help", count=COUNT))
        if not settings.fair:
            return
        work = fair_work(settings, ns.network_of(settings))
        if work > FAIR_MAX_WORK:  # a link may ask for minutes of work: say so, do none of it
            st.info(say("nw.fair.heavy", times=work / FAIR_MAX_WORK))
            return
        with spinner(say("nw.fair.computing", count=COUNT)):
            race = _fair_race(_key(settings))
        language = lang()
        words = prefixed_words("nw.fair.", language)
        labels = [optimizer_title(r.name, language) for r in race.racers]
        colors = [COLORS[i % len(COLORS)] for i in range(len(race.racers))]  # the page's colours
        said, rates = race_words(race, settings, language), rate_words(race, language)
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{say('nw.fair.race')}**")
            chart(
                _race_figure(race, labels, colors, words, height=300 if on_phone() else 340),
                key="fair_race_chart",
                name=say("nw.fair.race"),
                summary=" ".join(said[1:]),
            )
        with right:
            st.markdown(f"**{say('nw.fair.chart')}**")
            chart(
                tuning_figure([r.tuning for r in race.racers], labels, colors, words),
                key="fair_tuning_chart",
                name=say("nw.fair.chart"),
                summary=" ".join(rates),
            )
        st.markdown("\n".join(f"- {sentence}" for sentence in said + rates))


def _race_figure(race, labels, colors, words, **kwargs):
    """The race's losses against steps, each run's arrival at the target marked (``kwargs``:
    the figure's height)."""
    return fair_race_figure(
        [None if r.run is None else (r.run.step, r.loss()) for r in race.racers],
        labels,
        colors,
        race.target,
        [race.reached(r) for r in race.racers],
        words,
        **kwargs,
    )


def fair_chart(settings, chart_box, text_box, **kwargs) -> bool:
    """A projector's view: the race at tuned rates in ``chart_box`` (``kwargs`` go to the chart:
    its height), what it says in ``text_box``; False when the link asks for too much work."""
    if fair_work(settings, ns.network_of(settings)) > FAIR_MAX_WORK:
        return False
    with spinner(say("nw.fair.computing", count=COUNT)):
        race = _fair_race(_key(settings))
    language = lang()
    labels = [optimizer_title(r.name, language) for r in race.racers]
    colors = [COLORS[i % len(COLORS)] for i in range(len(race.racers))]
    said = race_words(race, settings, language)
    chart(
        _race_figure(race, labels, colors, prefixed_words("nw.fair.", language)),
        key="fair_race_chart",
        name=say("nw.fair.race"),
        summary=" ".join(said[1:]),
        container=chart_box,
        **kwargs,
    )
    text_box.markdown(f"**{say('nw.fair.race')}**")
    text_box.markdown("\n".join(f"- {sentence}" for sentence in said))
    return True
