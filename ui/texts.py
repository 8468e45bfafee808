"""Every word the app shows, one catalog per language: ``ui/<code>.toml``.

A catalog holds the interface strings (``[ui]``), the names of the optimizers and surfaces,
and the lessons' prose; every catalog has the same keys (tests/test_texts.py). The languages
are the catalogs found here, English first; nothing else in the code names a language.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"


@functools.cache
def _catalogs() -> dict[str, dict[str, Any]]:
    found = {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in HERE.glob("*.toml")}
    return dict(sorted(found.items(), key=lambda item: item[0] != DEFAULT_LANGUAGE))


def catalog(lang: str) -> dict[str, Any]:
    """The whole catalog of ``lang`` (the default language's when unknown)."""
    catalogs = _catalogs()
    return catalogs.get(lang, catalogs[DEFAULT_LANGUAGE])


LANGUAGES: dict[str, str] = {code: words["language"]["name"] for code, words in _catalogs().items()}


def language_for_locale(locale: str | None) -> str:
    """The catalog that fits a browser's language (``"zh-CN"``...), else the default."""
    wanted = str(locale or "").lower()
    return next((code for code in LANGUAGES if wanted.startswith(code)), DEFAULT_LANGUAGE)


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``values`` (a number as
    ``viz.template.fill`` writes it)."""
    template = catalog(lang)["ui"].get(key) or catalog(DEFAULT_LANGUAGE)["ui"][key]
    if not values:
        return template
    from viz.template import fill  # not at import: the catalogs load without plotly

    return fill(template, **values)


def optimizer_title(name: str, lang: str) -> str:
    return catalog(lang)["optimizers"][name]


def surface_title(surface, lang: str) -> str:
    """A built-in surface's name in ``lang``; a typed surface's title is its formula."""
    words = catalog(lang)["surfaces"].get(surface.name)
    return words["title"] if words else surface.title


def surface_note(surface, lang: str) -> str:
    words = catalog(lang)["surfaces"].get(surface.name)
    return words["note"] if words else ""


def lesson_words(key: str, lang: str) -> dict[str, Any]:
    """A lesson's ``title``, ``text``, ``notice`` and ``scenes`` (the scenes' labels) in ``lang``."""
    return catalog(lang)["lessons"][key]


def prefixed_words(prefix: str, lang: str) -> dict[str, str]:
    """The interface strings whose keys start with ``prefix``, keyed without it: the words a
    figure builder takes (``"fig."`` for the race, ``"map."`` for sweeps and basins)."""
    return {k.removeprefix(prefix): v for k, v in catalog(lang)["ui"].items() if k.startswith(prefix)}


def figure_words(lang: str, penalized: bool = False) -> dict[str, str]:
    """The labels the race figures take, in ``lang``; with a penalty or constraint on, the
    surface's known minimum is named for what it is: the minimum of f alone."""
    words = prefixed_words("fig.", lang)
    return {**words, "minimum": words["minimum_of_f"]} if penalized else words
