"""Every page keeps its settings one way (ui/page_state.py): read from the link, held by the
widgets, written back; opening a page with a scene touches no other page's values."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import open_script

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))


def test_only_the_page_state_and_the_shell_touch_the_url():
    touching = {
        str(path.relative_to(ROOT))
        for path in [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *PAGES]
        if "st.query_params" in path.read_text()
    }
    assert touching <= {"ui/page_state.py", "ui/shell.py"}, touching


def test_every_page_has_one_page_state():
    for path in PAGES:
        source = path.read_text()
        uses = len(re.findall(r"\bPageState\(", source)) + ("load_settings()" in source)
        assert uses == 1, path.name


def test_no_page_clears_another_pages_values():
    for path in [*PAGES, *(ROOT / "ui").glob("*.py")]:
        source = path.read_text()
        assert not re.search(r"session_state\.pop\(\"(w|n|sw|ba)\.", source), path.name


def test_a_cap_or_default_has_one_name_per_page():
    caps = {}
    for path in [*PAGES, *(ROOT / "ui").glob("*.py")]:
        for name in re.findall(
            r"^([A-Z_]*(?:MAX|DEFAULT_OPTIMIZERS|REGULARIZERS)[A-Z_]*) =", path.read_text(), flags=re.M
        ):
            assert name not in caps, f"{name} in {caps.get(name)} and {path.name}"
            caps[name] = path.name
    assert {"PLAYGROUND_MAX_OPTIMIZERS", "NETWORK_MAX_OPTIMIZERS", "BASINS_MAX_OPTIMIZERS"} <= set(caps)


def test_a_page_opened_with_a_scene_reads_it_again():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"s": "saddle", "opt": "adam"})
    at.run()
    assert at.session_state["w.surface"] == "saddle"
    at.switch_page("pages/lessons.py")
    at.session_state["lesson"] = "cliff"
    at.run()
    at.button(key="open_cliff_0").click().run()
    assert not at.exception
    assert at.session_state["w.surface"] == "cliff" and "page_state.opened" not in at.session_state


def test_a_bad_link_is_reported_on_every_page():
    for script, query in [
        ("pages/playground.py", {"steps": "x"}),
        ("pages/network.py", {"layers": "x", "steps": "50"}),
        ("pages/sweep.py", {"metric": "x", "side": "10", "steps": "10"}),
        ("pages/basins.py", {"steps": "x", "side": "20"}),
        ("pages/lessons.py", {"lesson": "x"}),
        ("pages/custom.py", {"b": "x"}),
    ]:
        at = open_script(script, query)
        assert not at.exception, script
        assert any(next(iter(query)) in w.value for w in at.warning), script
