"""The text catalogs: every language has every key, and everything the app names has words."""

import ast
from pathlib import Path

from optimizers import OPTIMIZERS
from surfaces import SURFACES
from ui.lesson_catalog import LESSONS
from ui.texts import LANGUAGES, catalog, language_for_locale, optimizer_title, text

ROOT = Path(__file__).resolve().parent.parent


def keys(tree, prefix=""):
    """Every key path of a nested catalog."""
    out = set()
    for key, value in tree.items():
        out |= keys(value, f"{prefix}{key}/") if isinstance(value, dict) else {prefix + key}
    return out


def test_every_language_has_the_same_keys_and_no_empty_text():
    assert next(iter(LANGUAGES)) == "en" and len(LANGUAGES) >= 2
    english = keys(catalog("en"))
    for language in LANGUAGES:
        assert keys(catalog(language)) == english, language

        def empty(tree):
            return any(empty(v) if isinstance(v, dict) else not v for v in tree.values())

        assert not empty(catalog(language)), language


def test_every_surface_optimizer_and_lesson_has_words_in_every_language():
    for language in LANGUAGES:
        words = catalog(language)
        assert set(words["surfaces"]) == set(SURFACES)
        assert set(words["optimizers"]) == set(OPTIMIZERS)
        assert set(words["lessons"]) == {lesson.key for lesson in LESSONS}
    assert optimizer_title("gd", "zh") == "梯度下降" and optimizer_title("gd", "en") == "Gradient descent"
    assert optimizer_title("adam", "zh") == "Adam"  # a name, the same in both


def test_languages_follow_the_browser_and_fall_back_to_english():
    assert language_for_locale("zh-CN") == "zh" and language_for_locale("en-GB") == "en"
    assert language_for_locale("fr-FR") == "en" and language_for_locale(None) == "en"
    assert text("pg.steps", "xx") == text("pg.steps", "en")


def test_no_language_code_is_written_in_the_code():
    # Languages are the catalogs: code never names one but the default, English.
    for path in [*ROOT.glob("*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("viz/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in set(LANGUAGES) - {"en"}, f"{path.name} names a language"


def test_a_spinner_counts_the_seconds_only_on_an_english_page(monkeypatch):
    # Streamlit writes the seconds passed as "(4.4 seconds)" on a Chinese page too.
    from ui import shell

    shown = []
    monkeypatch.setattr(shell.st, "spinner", lambda words, **options: shown.append(options["show_time"]))
    for language in LANGUAGES:
        monkeypatch.setattr(shell, "lang", lambda language=language: language)
        shell.spinner("...")
    assert shown == [language == "en" for language in LANGUAGES] and True in shown and False in shown


def test_every_parser_reason_has_words_in_every_language_and_english_matches_the_engine():
    from surfaces.expression import REASONS

    for language in LANGUAGES:
        for key in REASONS:
            assert text(f"parser.{key}", language), (key, language)
    assert all(text(f"parser.{key}", "en") == words for key, words in REASONS.items())


def test_the_chinese_custom_page_gives_its_reasons_in_chinese():
    # It once said "无法接受：unknown function 'foo': allowed are ...".
    from tests.conftest import open_script

    at = open_script("pages/custom.py", {"f": "foo(x) + z", "lang": "zh"})
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "未知的函数 'foo'" in error.value and "unknown" not in error.value


def test_the_chinese_words_are_the_lecture_notes_terms():
    """One term per idea, the notes' own (偏置修正, 锐度, 梯度截断, 震荡, 随机猜测水平), and the
    notes' subscripts kept as symbols in formulas (p_data, n_in)."""
    chinese = (ROOT / "ui" / "zh.toml").read_text(encoding="utf-8")
    for avoided, term in (
        ("偏差修正", "偏置修正"),
        ("尖锐度", "锐度"),
        ("裁剪", "截断"),
        ("剪裁", "截断"),
        ("振荡", "震荡"),
        ("瞎猜", "随机猜测"),
        (r"p_{\text{数据}}", r"p_{\text{data}}"),
        (r"n_{\text{输入}}", r"n_{\text{in}}"),
    ):
        assert avoided not in chinese, f"use {term}, not {avoided}"
    assert "偏置修正" in chinese and "锐度" in chinese and "截断" in chinese
    assert r"p_{\text{data}}" in chinese and r"n_{\text{in}}" in chinese


def test_every_lesson_is_titled_with_its_place_in_the_catalog_in_every_language():
    from ui.lesson_catalog import LESSONS
    from ui.texts import lesson_words

    for number, lesson in enumerate(LESSONS, start=1):
        for language in LANGUAGES:
            title = lesson_words(lesson.key, language)["title"]
            assert title.startswith(f"{number}. "), (lesson.key, language, title)
