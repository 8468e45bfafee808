"""One page's state: its settings table and the prefix of its widgets' keys, read from the
link once per visit (every value checked, clamped, the bad ones reported), drawn as widgets,
read back as the current values and written to the URL. Every page has one; this module and
ui/shell.py (the session's language) are the only ones that touch ``st.query_params``.

A page opened with a scene (a lesson's button, a click on the Sweep's map) goes through
``open_page``: the page it names reads its new link again, no other page's values are touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import streamlit as st

from ui import settings as cfg
from ui.shell import PAGES, lang, language_query, say
from ui.widgets import notices, setting_widget

Read = Callable[[Mapping[str, Any]], tuple[dict[str, Any], cfg.LinkNotes]]
OPENED = "page_state.opened"  # the page that open_page switched to: it reads its link again


def plain_values(table: Mapping[str, cfg.Setting], query: Mapping[str, Any]):
    """The plain settings of ``table`` from a link: (values by name, what its notice says)."""
    r = cfg.QueryReader(query)
    return {name: r.setting(spec) for name, spec in table.items()}, r.notes()


class PageState:
    """A page's settings in session state, under ``prefix``.

    ``table`` holds the plain settings (one widget and one URL parameter each); ``read`` turns
    a link's parameters into widget values (by name, without the prefix) with what it could not
    take as it was (cfg.LinkNotes): by default the table's settings alone. A page with more than plain
    settings (optimizers and their hyperparameters, a surface's parameters) gives its own.

    A visit is new when the widget ``first`` has no value: Streamlit forgets a page's widgets
    when the visitor leaves it, so coming back reads the link again. (The Playground instead
    passes a token to ``load``: it reads the link when the token changes.)
    """

    def __init__(
        self,
        page: str,
        prefix: str,
        table: Mapping[str, cfg.Setting],
        read: Read | None = None,
        first: str | None = None,
    ):
        assert page in {path for path, _, _ in PAGES}, page
        self.page, self.prefix, self.table, self.first = page, prefix, table, first
        self._own = prefix or page + "."  # the prefix of the state's own entries (notices...)
        self._read = read or (lambda query: plain_values(table, query))

    # ---- the link -> the widgets ----

    def from_query(self, query: Mapping[str, Any]) -> tuple[dict[str, Any], cfg.LinkNotes]:
        """Widget values from URL parameters: (values by name, what the notice says)."""
        return self._read(query)

    def load(self, token: str | None = None) -> bool:
        """On a new visit (or when ``token``, what the page shows, changed; or when a page
        opened this one with a scene) put the link's values into the widgets, and keep what
        it could not take as it was for ``notices``. Call before any of the page's widgets is drawn.
        True when it loaded."""
        state, marker = st.session_state, self._own + "loaded"
        new = self.key(self.first) not in state if token is None else state.get(marker) != token
        opened = state.get(OPENED) == self.page
        if not new and not opened:
            self.hold()
            return False
        if opened:
            del state[OPENED]
        values, link_notes = self.from_query(st.query_params.to_dict())
        self.put(values)
        state[self._own + "notices"] = link_notes
        if token is not None:
            state[marker] = token
        return True

    def hold(self) -> None:
        """Send every setting's value with its widget again on this run. A widget drawn again in
        the browser (a phone's sidebar, after the layout switched from the server's desktop
        guess to the phone's) takes the value its last element carries, and an element carries
        one only on a run that set it: without this a press anywhere then emptied the Network
        page's optimizers and set its seed to 0 (tests/test_phone.py). The settings are the
        names the page's link holds, read from the link as this run found it."""
        state = st.session_state
        values, _ = self.from_query(st.query_params.to_dict())
        for name in values:
            key = self.prefix + name
            if key in state:
                state[key] = state[key]

    def put(self, values: Mapping[str, Any]) -> None:
        """Set widget values (by name, without the prefix)."""
        for name, value in values.items():
            st.session_state[self.prefix + name] = value

    def notices(self) -> None:
        """Say what became of the link's values that could not be taken as they were (once)."""
        notices(st.session_state.pop(self._own + "notices", cfg.LinkNotes()), say)

    # ---- the widgets ----

    def key(self, name: str) -> str:
        return self.prefix + name

    def __getitem__(self, name: str) -> Any:
        return st.session_state[self.prefix + name]

    def get(self, name: str, default: Any = None) -> Any:
        return st.session_state.get(self.prefix + name, default)

    def widget(self, name: str, container=st) -> Any:
        """The widget of plain setting ``name``, drawn from its table row."""
        return setting_widget(self.table[name], self.prefix + name, say, container)

    def current(self) -> dict[str, Any]:
        """The plain settings the widgets hold now, by name."""
        return {name: st.session_state[self.prefix + name] for name in self.table}

    def values(self) -> Mapping[str, Any]:
        """Every value the page's widgets hold, by name (read when asked)."""
        return _Prefixed(self.prefix)

    def keep(self) -> None:
        """Remember the plain settings' values, for ``restore_hidden`` on the next run."""
        st.session_state[self._own + "kept"] = self.current()

    def restore_hidden(self) -> None:
        """Streamlit drops the value of a widget that a run did not draw (the scale after
        choosing the zero start, say): put back the last value each setting had, so nothing is
        lost and the page never reads a missing key."""
        kept = st.session_state.get(self._own + "kept", {})
        for name, spec in self.table.items():
            if self.prefix + name not in st.session_state:
                st.session_state[self.prefix + name] = kept.get(name, spec.default)

    # ---- the widgets -> the link ----

    def to_query(self, values: Mapping[str, Any], omit_defaults: bool = True) -> dict[str, str]:
        """The plain settings of ``values`` as URL parameters, in the table's order (omitting
        what equals the default, unless ``omit_defaults`` is False)."""
        return {
            name: cfg.format_value(values[name])
            for name, spec in self.table.items()
            if not omit_defaults or values[name] != spec.default
        }

    def write_url(self, query: Mapping[str, str], language: bool = True) -> None:
        """Show ``query`` (and the session's language, unless it is already there or
        ``language`` is False) in the address bar: a copied link reopens the page as it is."""
        st.query_params.from_dict({**query, **(language_query() if language else {})})

    def set_url(self, key: str, value: str) -> None:
        st.query_params[key] = value

    def drop_url(self, key: str) -> None:
        st.query_params.pop(key, None)

    def url(self, key: str, default: str | None = None) -> str | None:
        """One raw URL parameter (a page's own switch: not a setting it keeps)."""
        return st.query_params.get(key, default)


class _Prefixed(Mapping):
    """Session state's entries under a prefix, by name without it."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getitem__(self, name: str) -> Any:
        return st.session_state[self.prefix + name]

    def __iter__(self) -> Iterator[str]:
        n = len(self.prefix)
        return (key[n:] for key in list(st.session_state.keys()) if key.startswith(self.prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def open_page(page: str, query: Mapping[str, str]) -> None:
    """Switch to ``page`` (its address, e.g. "playground") showing the scene ``query`` (URL
    parameters): that page reads its link again; no other page's values change."""
    script = next(script for path, script, _ in PAGES if path == page)
    st.session_state[OPENED] = page
    st.switch_page(script, query_params={**query, "lang": lang()})
