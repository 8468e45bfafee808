"""The predict-first questions of the surface lessons (ui/questions.py): they ask what the
lesson's notice is about, by its criterion, and their answer's numbers are the notice's; every
charted run is an option; options name the runs by their parameters, not by words that give
the answer away; numbers are written as a person writes them."""

import re

import numpy as np
import pytest

from ui.lesson_catalog import BY_KEY, LESSONS
from ui.questions import MAX_OPTIONS, entries_of, number, question_of
from ui.texts import LANGUAGES, lesson_words, text

SURFACE_LESSONS = [lesson for lesson in LESSONS if lesson.page == "playground"]


def test_numbers_are_written_as_a_person_writes_them():
    assert number(-3.87e-280) == "0" and number(0.001) == "0.001" and number(-0.25) == "−0.25"
    assert number(1e-6) == "10⁻⁶" and number(-5.04e-7) == "−5.04 × 10⁻⁷" and number(0.05) == "0.05"
    assert number(1.18884972) == "1.19" and number(215.6) == "216" and number(-78.332) == "−78.3"


@pytest.mark.parametrize("lesson", SURFACE_LESSONS, ids=[lesson.key for lesson in SURFACE_LESSONS])
def test_a_question_offers_every_charted_run_named_by_its_runner_label(lesson):
    for language in LANGUAGES:
        q = question_of(lesson, language)
        entries, _ = entries_of(lesson, language)
        assert len(entries) <= MAX_OPTIONS or q.fixed, lesson.key
        if not q.fixed:  # every run of the chart is an option, and is in the answer's facts
            assert q.options == [e.label for e in entries]
            assert [values["name"] for _, values in q.facts] == q.options
        runners = lesson_words(lesson.key, language).get("runners")
        if runners:
            assert [e.label for e in entries] == runners
        # no label is a scene label with an optimizer glued on by a colon ("too small: Gradient
        # descent: final loss"), and the feedback has no doubled colons
        words = " ".join(text(k, language, **v) for k, v in q.facts)
        assert not re.search(r"[:：][^.。]*[:：]", words.replace("α = ", "")), (lesson.key, words)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_option_labels_do_not_give_the_answer_away(language):
    # Lesson 1 ("which diverges?") names its runs by their rate, lesson 21 ("which falls
    # fastest?") by mu: not "too large", not "critically damped".
    for key, labels in (
        ("step_size", ["lr = 0.01", "lr = 0.1", "lr = 0.224"]),
        ("momentum_eigen", ["μ = 0.5", "μ = 0.81", "μ = 0.97"]),
    ):
        assert question_of(BY_KEY[key], language).options == labels


def _notice(key: str, language: str) -> str:
    return lesson_words(key, language)["notice"]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_answer_says_the_notices_numbers(language):
    step = "step {}" if language == "en" else "第 {} 步"
    # Lessons 2, 3, 8: the loss below a level for good, each runner's step as in the notice.
    for key, level, steps in (
        ("momentum", "10⁻⁶", {1: 158, 0: 745}),
        ("nesterov", "10⁻⁶", {1: 126, 0: 158}),
        ("plateau", "0.05", {1: 210, 2: 46}),
    ):
        q = question_of(BY_KEY[key], language)
        notice = _notice(key, language)
        assert q.ask == "q.first_below" and q.values["level"] == level and level in notice, key
        for i, s in steps.items():
            assert q.facts[i] == ("q.fact.below", {"name": q.options[i], "step": s, "level": level}), key
            assert step.format(s) in notice, (key, s)
    plateau = question_of(BY_KEY["plateau"], language)
    assert plateau.facts[0][0] == "q.fact.not_below" and plateau.right == 2  # gradient descent never
    # Lesson 12: "Newton converges in one step, conjugate gradient in two, BFGS and L-BFGS in
    # three, gradient descent has not converged after 200".
    q = question_of(BY_KEY["second_order"], language)
    assert [k for k, _ in q.facts] == ["q.fact.never", *["q.fact.converged"] * 4]
    assert [v.get("step") for _, v in q.facts] == [None, 1, 3, 3, 2] and q.facts[0][1]["steps"] == 200
    # Lesson 21: the flat coordinate within 0.1 % of its start, from step 88 on.
    q = question_of(BY_KEY["momentum_eigen"], language)
    assert q.facts[1] == ("q.fact.flat", {"name": "μ = 0.81", "step": 88, "share": 1e-3}) and q.right == 1
    assert step.format(88) in _notice("momentum_eigen", language) and "0.1%" in _notice(
        "momentum_eigen", language
    )
    assert q.facts[0][0] == "q.fact.flat_never"
    # Lesson 10: 9 of the 25 starts in the global minimum, loss −78.3.
    q = question_of(BY_KEY["initialization"], language)
    assert q.facts[0][1] == {"count": 9, "n": 25, "rest": 16, "loss": "−78.3"} and q.right == 1
    assert "9" in _notice("initialization", language) and "−78.3" in _notice("initialization", language)
    # Lesson 11: the end points' spread, 0.075 against 0.17.
    q = question_of(BY_KEY["minibatch"], language)
    assert [v["rms"] for _, v in q.facts] == ["0.17", "0.075"] and q.right == 1
    assert "0.075" in _notice("minibatch", language) and "0.17" in _notice("minibatch", language)
    # Lesson 9: the L1 penalty's solution on the x axis, y within 0.02 of zero as the notice says.
    q = question_of(BY_KEY["l1_l2"], language)
    assert q.right == 0 and "0.02" in text(q.options[0], language) and "0.02" in _notice("l1_l2", language)
    fact = q.facts[0][1]
    assert float(fact["yhi"]) < 0.02 < float(fact["xlo"])
    # its bounds are true of the run ("|x| at least 1.18, |y| at most 0.0173": rounded outwards)
    tail = np.abs(entries_of(BY_KEY["l1_l2"], language)[0][0].run.path[-300:, 0])
    assert tail[:, 0].min() >= float(fact["xlo"]) and tail[:, 1].max() <= float(fact["yhi"])


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_saddle_question_reads_as_a_sentence(language):
    q = question_of(BY_KEY["saddle"], language)
    ask = text(q.ask, language, **q.values)
    expected = {
        "en": "Started just off the ridge, where will Newton's method damped with α = 0.5 end?",
        "zh": "从脊线旁边出发，阻尼 α = 0.5 的牛顿法最后会停在哪里？",
    }
    assert ask == expected[language] and q.right == 0  # at the saddle point
    fact = q.facts[0][1]
    assert fact["x"] == "0" and fact["y"] in ("0.001", "−0.001") and "e-" not in fact["loss"]


def test_the_scene_labels_of_lesson_6_differ_at_their_start():
    # The open buttons cut long labels: the three Newton scenes must differ in their first words.
    for language in LANGUAGES:
        labels = lesson_words("saddle", language)["scenes"]
        assert len({label[:7] for label in labels[2:]}) == 3, labels


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_chinese_and_english_question_words_follow_the_style(language):
    from ui.texts import catalog

    words = {k: v for k, v in catalog(language)["ui"].items() if k.startswith("q.")}
    if language == "zh":
        for key, value in words.items():
            assert " / " not in value or "学习率" in value, key  # "有 / 会" once
            assert not re.search(r"[\u4e00-\u9fff] \{name\}|\{name\} [\u4e00-\u9fff]", value), key
            assert not re.search(r"[\u4e00-\u9fff]: ", value), key  # half-width colons
            assert "极小点" not in value and "最小值" not in value.replace("全局最小值", ""), key
    assert np.all([value for value in words.values()])
