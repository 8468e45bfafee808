"""Links shared before the settings were rebuilt from one spec table still open the same
scene: the settings recorded from the old code (commit fc4dbf7; tests/data/old_urls.json), and the
Playground's URL after loading them."""

import dataclasses
import json
from pathlib import Path

import pytest

from tests.conftest import open_script
from ui import settings as cfg
from ui.texts import text

OLD = json.loads((Path(__file__).parent / "data" / "old_urls.json").read_text())


def query_of(url: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in url.split("&"))


def test_a_dozen_old_links_are_kept():
    assert len(OLD) >= 12


@pytest.mark.parametrize("old", OLD, ids=[o["url"][:40] for o in OLD])
def test_old_links_give_the_same_settings(old):
    settings, notes = cfg.playground_from_query(query_of(old["url"]))
    assert not notes, notes
    now = json.loads(json.dumps(dataclasses.asdict(settings)))
    assert {key: now[key] for key in old["settings"]} == old["settings"]
    # Settings added since (the inside view...) take their defaults: the link means what it meant.
    assert all(now[key] == cfg.SETTINGS[key].default for key in set(now) - set(old["settings"]))
    assert settings.to_query() == old["query"]


@pytest.mark.parametrize("old", OLD[::4], ids=[o["url"][:40] for o in OLD[::4]])
def test_old_links_open_the_playground_on_the_same_scene(old):
    at = open_script("app.py", query_of(old["url"]))
    # No notice about the link (a run's own sentence may be a warning: Newton on a saddle).
    notices = [text(key, "en", what="").rstrip(": ") for key in ("pg.notice", "pg.clamped")]
    assert not at.exception and not [w for w in [*at.warning, *at.info] if w.value.startswith(tuple(notices))]
    assert dict(at.query_params) == old["query"]
