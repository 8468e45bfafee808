"""The lesson selector shows the lesson the page shows (issue 26, item 8: on a phone it was seen
at "1. Step size" beside lesson 36 opened from a link).

A run that the narrow screen's report (ui/screen.py) cut short right after the link's lesson was
put in session state, before the selector was drawn, left the browser without the selector's
value: the next run drew it at its default, the first lesson, while the page went on with the
link's. The page now sends the selector's value with it on every run; a plain rerun shows it."""

from __future__ import annotations

from tests.conftest import open_script
from ui.texts import lesson_words


def test_the_lesson_selector_carries_the_pages_lesson_on_every_run():
    at = open_script("pages/lessons.py", {"lesson": "saddle"}, timeout=300)
    for run in range(3):  # the link's visit, then reruns (as a component's report asks for)
        assert not at.exception
        selector = at.selectbox(key="lesson")
        assert selector.value == "saddle", run
        assert selector.proto.set_value, run  # the browser is told, whatever it held
        assert at.header[0].value == lesson_words("saddle", "en")["title"], run
        at.run()
