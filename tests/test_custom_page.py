"""AppTest of the Custom page: good and bad expressions, the URL, the race on it."""

from streamlit.testing.v1 import AppTest

from tests.conftest import open_script, race_spec


def custom(query=None):
    """The Custom page opened directly, as a shared link /custom?f=...&b=... does."""
    return open_script("pages/custom.py", query)


def test_the_page_is_in_the_navigation():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    at.switch_page("pages/custom.py").run()
    assert not at.exception
    assert at.text_input(key="w.f").value


def test_default_expression_races_and_shows_derivatives():
    at = custom()
    assert not at.exception
    assert at.text_input(key="w.f").value == "(1-x)^2 + 100*(y-x^2)^2"
    assert any(r"\nabla f" in latex.value for latex in at.latex)
    assert any("Estimated global minimum: f = 0 at (1, 1)" in c.value for c in at.caption)
    assert race_spec(at)["frames"]
    assert at.query_params["f"] == "(1-x)^2 + 100*(y-x^2)^2"


def test_typing_a_good_expression():
    at = custom()
    at.text_input(key="w.f").set_value("abs(x) + 2*abs(y)").run()
    assert not at.exception
    assert (at.success and not at.error[:1]) or all("Not accepted" not in e.value for e in at.error)
    assert at.query_params["f"] == "abs(x) + 2*abs(y)"
    assert race_spec(at)["frames"]


def test_a_bad_expression_gets_a_message_and_no_traceback():
    at = custom()
    for text, words in (
        ("__import__('os').system('true')", "not allowed"),
        ("x +", "expected a number or a name after '+'"),
        ("z^2", "unknown name 'z'"),
        ("x^99999", "exponent 99999 is too large"),
        ("", "empty"),
    ):
        at.text_input(key="w.f").set_value(text).run()
        assert not at.exception, text
        assert any(words in e.value for e in at.error), (text, [e.value for e in at.error])


def test_expression_and_bounds_come_from_the_url_and_are_validated_again():
    at = custom({"f": "x^2 + 3*y^2", "b": "-2,2,-1,1", "opt": "gd"})
    assert not at.exception
    assert at.slider(key="w.bx").value == (-2.0, 2.0)
    spec = race_spec(at)
    assert spec["layout"]["xaxis"]["range"] == [-2, 2]
    hostile = custom({"f": "().__class__.__bases__", "b": "nan,1,2"})
    assert not hostile.exception
    assert any("Not accepted" in e.value for e in hostile.error)


def test_the_clicks_on_examples_fill_the_input():
    at = custom()
    at.button(key="example2").click().run()
    assert at.text_input(key="w.f").value == "abs(x) + 2*abs(y)"
    assert not at.exception


def test_log_surface_explains_undefined_regions():
    at = custom({"f": "log(x) + y^2", "opt": "gd", "gd.lr": "0.5"})
    assert not at.exception
    assert any("undefined" in c.value for c in at.caption)


def test_the_range_is_chosen_automatically_unless_the_url_gives_one():
    at = custom({"f": "(x-6)^2 + (y+7)^2", "opt": "gd"})
    assert not at.exception
    assert at.toggle(key="w.auto").value is True
    assert race_spec(at)["layout"]["xaxis"]["range"] == [-10, 10]
    assert "b" not in at.query_params
    manual = custom({"f": "(x-6)^2 + (y+7)^2", "b": "0,8,-9,-5", "opt": "gd"})
    assert manual.toggle(key="w.auto").value is False
    assert race_spec(manual)["layout"]["xaxis"]["range"] == [0, 8]


def test_bounds_outside_the_sliders_are_clamped_and_reported_never_raise():
    # The URL reader once accepted +-100 while the sliders stopped at +-30 (an exception).
    for raw, expected in (("-100,100,-100,100", (-30.0, 30.0)), ("-31,31,-3,3", (-30.0, 30.0))):
        at = custom({"f": "x^2", "b": raw})
        assert not at.exception, raw
        assert at.slider(key="w.bx").value == expected
        assert any("b" in info.value for info in at.info), raw  # reported as reduced
    at = custom({"f": "x^2", "b": "-1.3,2.2,-3,3"})  # off the sliders' 0.5 steps
    assert not at.exception and at.slider(key="w.bx").value == (-1.5, 2.0)
    for bad in ("5,1,0,1", "1,2,3", "a,b,c,d", "40,50,0,1"):
        at = custom({"f": "x^2", "b": bad})
        assert not at.exception, bad
        assert at.toggle(key="w.auto").value is True  # replaced by the automatic range
        assert any("b" in warning.value for warning in at.warning), bad


def test_surfaces_without_a_minimum_claim_none_and_say_so_without_contradiction():
    # exp(-x^2) once drew ~70 "known minimum" stars on its flat tails and chose a wide range
    # whose start was flat: every optimizer "converged at step 0".
    at = custom({"f": "exp(-x^2)"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "No minimum" in captions and "chosen to show the minimum" not in captions
    spec = race_spec(at)
    assert not any(t.get("name") == "known minimum" for t in spec["data"])
    assert not any("converged at step 0" in s.value for s in at.success)
    # A start in the undefined region froze everything at step 0 and left the loss chart empty.
    at = custom({"f": "x**y**x**y**x**y"})
    assert not at.exception
    assert not any("stopped at step 0" in e.value for e in at.error)


def test_a_flat_start_is_reported_as_flat_not_as_converged():
    at = custom({"f": "x^2 + y^2 + 0*exp(x)", "b": "-3,3,-3,3", "x0": "0", "y0": "0", "opt": "gd"})
    assert not at.exception
    assert any("did not move" in i.value for i in at.info)
    assert not any("converged at step 0" in s.value for s in at.success)
