"""ui.recent.Recent: the keys a bounded cache (least recently used out first, each entry kept a
time after it was added) holds, told before calling it."""

from __future__ import annotations

from ui.recent import Recent


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_key_goes_first_and_a_look_is_a_use():
    recent = Recent(maxsize=3, ttl=100, clock=Clock())
    for key in "abc":
        recent.add(key)
    assert "a" in recent  # a use: "b" is now the least recently used
    recent.add("d")
    assert "b" not in recent and {"a", "c", "d"} == {k for k in "abcd" if k in recent}
    assert len(recent) == 3


def test_a_key_expires_its_time_after_it_was_added_whatever_its_uses():
    clock = Clock()
    recent = Recent(maxsize=16, ttl=3600, clock=clock)
    recent.add("scene")
    clock.now = 3599.0
    assert "scene" in recent  # used, but not added again
    clock.now = 3600.0
    assert "scene" not in recent and len(recent) == 0
    recent.add("scene")  # computed again
    clock.now = 7000.0
    assert "scene" in recent


def test_the_network_page_keeps_its_record_within_its_caches_bounds():
    """The page's record of what its caches hold has the caches' own bounds (one place)."""
    import ast
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "pages" / "network.py").read_text()
    bounded = [
        d
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef)
        for d in node.decorator_list
        if isinstance(d, ast.Call) and any(k.arg == "max_entries" for k in d.keywords)
    ]
    assert len(bounded) >= 5
    for d in bounded:
        given = {k.arg: ast.unparse(k.value) for k in d.keywords}
        assert given["max_entries"] == "CACHED" and given["ttl"] == "CACHE_SECONDS", given
    assert "Recent(CACHED, CACHE_SECONDS)" in source
