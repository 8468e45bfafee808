"""A Streamlit client without a browser: it speaks the app's websocket protocol as the browser
does, for the load test (bench/classroom.py) and the replica tests (tests/test_deploy.py).

The protocol (Streamlit 1.67): a websocket on ``/_stcore/stream`` with the subprotocol
``streamlit``; the client speaks first with a ``BackMsg.rerun_script`` (query string, page name,
locale); the server answers with ``ForwardMsg``s: ``new_session``, ``navigation`` (the page
hash), ``delta`` (elements: widgets carry ids ``$$ID-<hash>-<key>``, charts their Plotly JSON),
``page_info_changed`` (the new query string, which the browser puts in its address bar) and
``script_finished``. A run superseded by a newer request ends ``FINISHED_EARLY_FOR_RERUN`` and
the client reads on to the end of the newer one.

Synchronous (websocket-client): under Locust, gevent's monkey-patching makes it cooperative.
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
# The element types whose widget value this client can set, and the WidgetState field the
# browser fills for each (streamlit/elements/widgets/*.py: register_widget's value_type).
VALUE_FIELDS = {
    "slider": "double_array_value",
    "checkbox": "bool_value",
    "selectbox": "string_value",
    "radio": "string_value",
    "number_input": "double_value",
    "text_input": "string_value",
    "multiselect": "string_array_value",
    "select_slider": "string_array_value",
    "button_group": "string_array_value",
}


class ProtocolError(RuntimeError):
    """The server closed the connection or answered what a browser would show as an error."""


@dataclass
class Result:
    """What one script run (page open or widget change) gave, as the browser would see it."""

    first_chart: float | None = None  # seconds from the request to the first chart message
    finished: float | None = None  # seconds from the request to script_finished
    charts: list[str] = field(default_factory=list)  # the Plotly JSON of each chart, in order
    errors: list[str] = field(default_factory=list)  # exceptions and error boxes shown
    texts: list[str] = field(default_factory=list)  # markdown shown (for assertions)
    bytes: int = 0  # received, all messages of the run


class Session:
    """One browser tab on ``base_url`` (``http://host:port``): ``open(path, query)`` loads a
    page, ``change(key, value)`` moves a widget, each returning a :class:`Result`.

    Like a browser, it first loads the page over HTTP (so a proxy's cookies, set on the HTML,
    ride on the websocket), keeps the query string the app writes, and sends every widget value
    it set with each rerun. ``upstreams`` lists the replicas a proxy named (``X-Upstream``)."""

    def __init__(self, base_url: str, locale: str = "en", timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.locale = locale
        self.timeout = timeout
        self.cookies = CookieJar()
        self._http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.ws: websocket.WebSocket | None = None
        self.path = ""
        self.query = ""
        self.page_hash = ""
        self.widgets: dict[str, str] = {}  # user key -> widget id
        self.kinds: dict[str, str] = {}  # widget id -> element type
        self.states: dict[str, WidgetState] = {}  # widget id -> the value this client set
        self.options: dict[str, list[str]] = {}  # user key -> a select box's options as shown
        self.upstreams: list[str] = []  # X-Upstream of every HTTP/websocket answer, in order
        self.reconnects = 0

    # -- connection ---------------------------------------------------------------------------
    def get(self, path: str) -> bytes:
        """An HTTP GET as the browser would do it (cookies kept), noting the upstream."""
        with self._http.open(self.base_url + path, timeout=self.timeout) as answer:
            self._note_upstream(answer.headers.get("X-Upstream"))
            return answer.read()

    def _note_upstream(self, value: str | None) -> None:
        if value:
            self.upstreams.append(value)

    def connect(self) -> None:
        url = "ws" + self.base_url[4:] + "/_stcore/stream"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        ws = websocket.WebSocket(enable_multithread=False)
        try:
            ws.connect(
                url,
                subprotocols=["streamlit"],
                cookie=cookie or None,
                origin=self.base_url,
                timeout=self.timeout,
            )
        except BaseException:  # a refused or dropped handshake leaves no open socket behind
            with contextlib.suppress(OSError, websocket.WebSocketException):
                ws.close()
            raise
        headers = ws.getheaders() or {}
        self._note_upstream(headers.get("x-upstream"))
        self.ws = ws

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(OSError, websocket.WebSocketException):
                self.ws.close()
            self.ws = None

    # -- what a user does ---------------------------------------------------------------------
    def open(self, path: str = "", query: str = "") -> Result:
        """Load ``/<path>?<query>`` as a fresh tab: the HTML, then the websocket, then a run."""
        return self._read_run(self.begin(path, query))

    def begin(self, path: str = "", query: str = "") -> float:
        """:meth:`open` without waiting for the run: the page is loaded and its run asked for
        (then :meth:`stop` it, as the Stop button of Streamlit's header does); the time asked."""
        self.close()
        self.path, self.query = path.strip("/"), query.lstrip("?")
        self.page_hash, self.states = "", {}
        self.widgets, self.kinds, self.options = {}, {}, {}
        self.get("/" + self.path + ("?" + self.query if self.query else ""))
        self.connect()
        asked = time.perf_counter()
        self.ws.send_binary(self._rerun_message())
        return asked

    def stop(self) -> Result:
        """Press Stop during a run (begun with :meth:`begin`) and read what it drew to its end."""
        msg = BackMsg()
        msg.stop_script = True
        self.ws.send_binary(msg.SerializeToString())
        return self._read_run(time.perf_counter())

    def change(self, key: str, value: object) -> Result:
        """Set the widget with user key ``key`` to ``value`` and wait for the rerun."""
        if key not in self.widgets:
            raise KeyError(f"no widget with key {key!r} on this page: {sorted(self.widgets)}")
        wid = self.widgets[key]
        kind = self.kinds[wid]
        state = WidgetState(id=wid)
        name = VALUE_FIELDS[kind]
        if name.endswith("_array_value"):
            values = value if isinstance(value, list | tuple) else [value]
            getattr(state, name).data.extend(values)
        else:
            setattr(state, name, value)
        self.states[wid] = state
        return self._run()

    def press(self, key: str) -> Result:
        """Press the button with user key ``key`` (a trigger: sent with this rerun only) and
        wait for the rerun."""
        if key not in self.widgets or self.kinds[self.widgets[key]] != "button":
            raise KeyError(f"no button with key {key!r} on this page")
        return self._run(WidgetState(id=self.widgets[key], trigger_value=True))

    def choose(self, key: str, index: int) -> Result:
        """Pick the option at ``index`` of the select box with user key ``key``."""
        return self.change(key, self.options[key][index])

    def dropped(self, wait: float = 2.0) -> bool:
        """Whether the server closed this tab's websocket (waiting up to ``wait`` seconds for
        it to say so), as the browser notices a replica that went away."""
        if self.ws is None:
            return True
        deadline = time.perf_counter() + wait
        try:
            while (left := deadline - time.perf_counter()) > 0:
                self.ws.settimeout(left)
                opcode, _ = self.ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    return True
                # else: a message after the run's end (status, profile): read on
        except websocket.WebSocketTimeoutException:
            pass
        except (OSError, websocket.WebSocketException):
            return True
        if self.ws is not None and self.ws.connected:
            self.ws.settimeout(self.timeout)
        return False

    def reconnect(self) -> Result:
        """What the browser does when its websocket drops: connect again (through the proxy, to
        whichever replica it picks) and rerun the page with its URL and widget values."""
        self.close()
        self.reconnects += 1
        self.connect()
        return self._run()

    # -- the protocol -------------------------------------------------------------------------
    def _rerun_message(self, *triggers: WidgetState) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = self.path
        state.context_info.locale = self.locale
        state.context_info.timezone = "UTC"
        state.context_info.url = f"{self.base_url}/{self.path}"
        state.widget_states.widgets.extend(self.states.values())
        state.widget_states.widgets.extend(triggers)
        return msg.SerializeToString()

    def _run(self, *triggers: WidgetState) -> Result:
        if self.ws is None:
            raise ProtocolError("not connected")
        start = time.perf_counter()
        self.ws.send_binary(self._rerun_message(*triggers))
        return self._read_run(start)

    def _read_run(self, start: float) -> Result:
        """Read the messages of the run asked for at ``start`` until it has finished."""
        if self.ws is None:
            raise ProtocolError("not connected")
        result = Result()
        deadline = start + self.timeout
        while True:
            if time.perf_counter() > deadline:
                raise ProtocolError(f"no finished run within {self.timeout:.0f} s")
            try:
                opcode, data = self.ws.recv_data()
            except (OSError, websocket.WebSocketException) as exc:
                raise ProtocolError(f"connection lost: {exc}") from exc
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise ProtocolError("the server closed the connection")
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            result.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                self._read_delta(msg, result, start)
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                result.errors.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    # the runs superseded: the browser forgets what they drew and reads on
                    result.charts.clear()
                    result.first_chart = None
                    continue
                result.finished = time.perf_counter() - start
                if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    result.errors.append("the page failed to compile")
                return result

    def _read_delta(self, msg: ForwardMsg, result: Result, start: float) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            if result.first_chart is None:
                result.first_chart = time.perf_counter() - start
            result.charts.append(element.plotly_chart.spec)
        elif kind == "exception":
            result.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            result.errors.append(element.alert.body)
        elif kind == "markdown":
            result.texts.append(element.markdown.body)
        elif kind in VALUE_FIELDS or kind == "button":
            wid = getattr(element, kind).id
            parts = wid.split("-", 2)  # "$$ID", the hash, the user key (which may hold "-")
            key = parts[2] if len(parts) == 3 and parts[0] == "$$ID" else ""
            if key and key != "None":
                self.widgets[key] = wid
                self.kinds[wid] = kind
                if kind in ("selectbox", "radio"):
                    self.options[key] = list(getattr(element, kind).options)


def query_of(url: str) -> str:
    """The query string of a URL (for links such as lessons' ``?lesson=...``)."""
    return urllib.parse.urlsplit(url).query
