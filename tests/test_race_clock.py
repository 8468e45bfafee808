"""The race chart runs on one clock, the step (issue 26): at frame k every racer is at the
frame's step, or at its own last step once it has ended (and stays there); the counter and
the slider say that step; the GIF and the loss curves count the same steps."""

import itertools

import numpy as np
import pytest

from optimizers import simulate
from surfaces import get_surface
from tests.conftest import plotted
from ui.lesson_catalog import LESSONS
from ui.lesson_racers import lesson_racers, penalized
from ui.race_gifs import _track
from ui.texts import figure_words
from viz import Racer, curves_figure, race_figure
from viz.colors import COLORS
from viz.gif import frame_steps as gif_frame_steps
from viz.race import ENGLISH, frame_steps, records_at


def _marker_traces(fig, racers) -> list[int]:
    """Each racer's moving marker: the trace named as the racer, drawn as markers."""
    data = fig.to_dict()["data"]
    found = []
    for racer in racers:
        hits = [i for i, t in enumerate(data) if t.get("name") == racer.label and t.get("mode") == "markers"]
        assert len(hits) == 1, racer.label
        found.append(hits[0])
    return found


def _by_trace(frame) -> dict:
    """A frame's data by the index of the trace it updates."""
    return dict(zip(frame["traces"], frame["data"], strict=True))


def _at(run, step: int) -> np.ndarray:
    """Where ``run`` is at ``step``: its last record at or before it (its end once it ended),
    found without the module's own helper."""
    before = [i for i, s in enumerate(run.step) if s <= step]
    return run.path[before[-1]]


def check_one_clock(fig, racers, step_words: str) -> list[int]:
    """Every frame: its name, the counter and the slider's step say the same step, and each
    racer's marker (and the end of its trail) is where its run is at that step. Returns the
    frames' steps."""
    spec = fig.to_dict()
    frames = spec["frames"]
    steps = [int(f["name"]) for f in frames]
    assert steps[0] == 0 and steps[-1] == max(int(r.run.step[-1]) for r in racers)
    assert all(a < b for a, b in itertools.pairwise(steps))  # one clock, forward
    slider = spec["layout"]["sliders"][0]["steps"]
    assert [s["args"][0] for s in slider] == [[f["name"]] for f in frames]
    markers = _marker_traces(fig, racers)
    for frame, step in zip(frames, steps, strict=True):
        by_trace = _by_trace(frame)
        counter = by_trace[len(spec["data"]) - 1]
        assert counter["text"][0].startswith(step_words.format(step=step))
        for racer, index in zip(racers, markers, strict=True):
            want = _at(racer.run, step).astype(np.float32)
            x, y = plotted(by_trace[index]["x"]), plotted(by_trace[index]["y"])
            np.testing.assert_array_equal(np.stack([x, y], -1), want, err_msg=f"{racer.label} at {step}")
            trail = by_trace[index - 1]  # the trail is drawn just before the marker
            tx, ty = plotted(trail["x"]), plotted(trail["y"])
            ends = np.flatnonzero(np.isnan(tx)) - 1  # one NaN after each trajectory's trail
            np.testing.assert_array_equal(np.stack([tx[ends], ty[ends]], -1), want)
    return steps


def test_racers_of_different_lengths_share_the_step():
    s = get_surface("booth")
    runs = [
        ("gd", simulate(s, "gd", s.start, 300, lr=0.01)),
        ("adam", simulate(s, "adam", s.start, 1000, lr=0.05)),
        # two trajectories, recorded every 7 steps: shown at its last record at or before the step
        ("momentum", simulate(s, "momentum", [[1.0, 1.0], [-2.0, 4.0]], 60, lr=0.01, record_every=7)),
    ]
    racers = [Racer(name, COLORS[i], run) for i, (name, run) in enumerate(runs)]
    for frames in (200, 37):
        fig = race_figure(s, racers, frames=frames)
        steps = check_one_clock(fig, racers, ENGLISH["step"])
        assert len(steps) == frames
        # Past step 300 the first racer shows its end in every frame.
        late = [k for k, step in enumerate(steps) if step > 300]
        assert len(late) > frames // 2
        spec = fig.to_dict()
        gd_marker, adam_marker = _marker_traces(fig, racers)[:2]
        for k in late:
            by_trace = _by_trace(spec["frames"][k])
            assert plotted(by_trace[gd_marker]["x"])[0] == np.float32(runs[0][1].final[0, 0])
        # (the old chart's counter and slider followed the first racer: its middle frame said
        # step 150 while the 1,000-step racer was at step 500)
        middle = steps[len(steps) // 2]
        assert 400 < middle < 600
        by_trace = _by_trace(spec["frames"][len(steps) // 2])
        np.testing.assert_array_equal(
            plotted(by_trace[adam_marker]["x"]), np.float32(runs[1][1].path[middle, :, 0])
        )


def test_runs_of_one_length_keep_their_frames():
    s = get_surface("himmelblau")
    racers = [
        Racer(n, COLORS[i], simulate(s, n, s.start, 500, lr=1e-3)) for i, n in enumerate(("gd", "adam"))
    ]
    steps = frame_steps([r.run for r in racers], 200)
    np.testing.assert_array_equal(steps, np.unique(np.linspace(0, 500, 200).round().astype(int)))
    np.testing.assert_array_equal(records_at(racers[0].run, steps), steps)
    check_one_clock(race_figure(s, racers), racers, ENGLISH["step"])


def test_records_at_is_the_last_record_at_or_before():
    run = simulate(get_surface("booth"), "gd", [1.0, 1.0], 20, lr=0.01, record_every=6)
    assert list(run.step) == [0, 6, 12, 18, 20]
    at = records_at(run, np.array([0, 5, 6, 7, 19, 20, 21, 500]))
    assert list(run.step[at]) == [0, 0, 6, 6, 18, 20, 20, 20]


MIXED = [
    lesson.key
    for lesson in LESSONS
    if lesson.page == "playground" and len({scene.query.get("steps", "200") for scene in lesson.scenes}) > 1
]


def test_the_lessons_that_mix_lengths_are_found():
    assert {"l1_l2", "noise_averaging"} <= set(MIXED)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("key", MIXED)
def test_lessons_of_mixed_lengths_run_on_one_clock(key, language):
    scenes = lesson_racers(key, language)
    racers = scenes.racers
    assert len({int(r.run.step[-1]) for r in racers}) > 1  # the lesson does mix lengths
    words = figure_words(language, penalized=penalized(key))
    # as pages/lessons.py draws it
    fig = race_figure(scenes.surface, racers, constraint=scenes.constraints, words=words, clickable=False)
    steps = check_one_clock(fig, racers, words["step"])
    # The GIF of the same lesson shows the same steps, frame by frame.
    tracks = [_track(r, e, language) for r, e in zip(racers, scenes.english, strict=True)]
    assert list(gif_frame_steps(tracks, 200)) == steps
    # A racer's drawn state point (ASGD's average) is at the frame's step too.
    spec = fig.to_dict()
    for racer, marker in zip(racers, _marker_traces(fig, racers), strict=True):
        if racer.drawn is None:
            continue
        for frame, step in zip(spec["frames"], steps, strict=True):
            by_trace = _by_trace(frame)
            record = [i for i, s in enumerate(racer.run.step) if s <= step][-1]
            want = np.where(np.isnan(racer.drawn[record]), racer.run.path[record], racer.drawn[record])
            got = np.stack([plotted(by_trace[marker + 1]["x"]), plotted(by_trace[marker + 1]["y"])], -1)
            np.testing.assert_array_equal(got, want.astype(np.float32))
    # The loss curves beside the map: x is the step, and they end where the clock ends.
    curves = curves_figure(scenes.surface, racers, words={**ENGLISH, "loss": "", "gap": "", "grad_norm": ""})
    xs = [plotted(t["x"]) for t in curves.to_dict()["data"]]
    per_racer = iter(xs)
    for racer in racers:
        for _ in range(racer.run.n):
            np.testing.assert_array_equal(next(per_racer), racer.run.step)
    assert max(x.max() for x in xs) == steps[-1]
