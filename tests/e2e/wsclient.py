"""A lightweight Streamlit client: one app session over the websocket, without a browser.

It speaks the same protocol as the Streamlit frontend (``/_stcore/stream``; ``BackMsg``/``ForwardMsg`` protobufs
from ``streamlit.proto``): it asks for script runs with a page and the widgets' values, keeps the elements each
run draws, and honours ``run_every`` fragments the way a browser does (a timer that asks for the fragment's
rerun), so a room of these clients loads the server like a room of students without rendering anything on the
test machine. A classroom's browsers run on the students' own computers; this lets a 2-core test machine measure
the server under that load and keep its CPU for the one real browser being timed.

Only what LSTM Lab's classroom test needs: pages by URL path, selectboxes, number inputs and buttons by label,
and the text of every element (main area and sidebar) of the latest run.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

MAIN, SIDEBAR = 0, 1  # Streamlit's root containers: the first index of a delta path
TEXT_FIELDS = {"markdown": "body", "heading": "body", "alert": "body", "progress": "text", "button": "label",
               "exception": "message"}
WIDGET_KINDS = ("selectbox", "radio", "number_input", "button", "checkbox")


class SessionError(RuntimeError):
    """The server reported a problem with this session (an exception element, page not found, closed socket)."""


@dataclass
class Widget:
    """A widget seen in the latest run: its kind, id, label, options (for choices) and current value."""

    kind: str
    id: str
    label: str
    options: list[str] = field(default_factory=list)
    value: object = None


class StreamlitSession:
    """One session of a running ``streamlit run`` server, driven over its websocket.

    Use as an async context manager. ``goto(path)`` runs a page; ``choose``/``set_number``/``click`` change a
    widget by label and wait for the rerun; ``texts()`` gives every element's text from the latest runs.
    """

    def __init__(self, base_url: str, query: str = "") -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.query = query
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.elements: dict[tuple[int, ...], object] = {}
        self._run_paths: set[tuple[int, ...]] = set()
        self.widgets: dict[str, Widget] = {}  # label -> widget, latest run
        self.exceptions: list[str] = []
        self.reruns_sent = 0
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}
        self._finished = asyncio.Event()
        self._changed = asyncio.Event()
        self._closed: BaseException | None = None

    async def __aenter__(self) -> StreamlitSession:
        self._ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=64 * 2**20,
                                 open_timeout=60, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        for task in self._timers.values():
            task.cancel()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None:
            await self._ws.close()

    # --- what the browser sends --------------------------------------------------------------------------------
    async def _send_rerun(self, *, page_name: str = "", widgets: list | None = None, fragment_id: str = "",
                          auto: bool = False) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        for w in self._widget_states(widgets or []):
            cs.widget_states.widgets.append(w)
        self.reruns_sent += 1
        await self._ws.send(msg.SerializeToString())

    def _widget_states(self, extra: list) -> list:
        """The values of every widget of the latest run (a browser sends them all), then this change."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        changed = {w.id for w in extra}
        states = []
        for w in self.widgets.values():
            if w.id in changed or w.kind == "button" or w.value is None:
                continue
            s = WidgetState(id=w.id)
            if w.kind in ("selectbox", "radio"):
                s.string_value = str(w.value)
            elif w.kind == "number_input":
                s.double_value = float(w.value)
            elif w.kind in ("checkbox",):
                s.bool_value = bool(w.value)
            else:
                continue
            states.append(s)
        return states + list(extra)

    async def run(self, *, page_name: str = "", widgets: list | None = None, timeout: float = 120.0) -> None:
        """Ask for a whole-app rerun and wait until the script has finished it."""
        self._finished.clear()
        await self._send_rerun(page_name=page_name, widgets=widgets)
        await self._wait(self._finished, timeout, "script run")

    async def goto(self, path: str, timeout: float = 120.0) -> None:
        """Open the page at URL path ``path`` ("" for the home page), as a click in the sidebar does."""
        if path in self.pages:
            self.page_hash = self.pages[path]
            self.widgets.clear()
            await self.run(timeout=timeout)
        else:  # first request: like a browser opening the URL
            await self.run(page_name=path, timeout=timeout)
        if self.exceptions:
            raise SessionError(f"exception on {path!r}: {self.exceptions}")

    def widget(self, kind: str, label: str) -> Widget:
        for w in self.widgets.values():
            if w.kind == kind and w.label == label:
                return w
        raise SessionError(f"no {kind} labelled {label!r}; have {[(w.kind, w.label) for w in self.widgets.values()]}")

    async def choose(self, label: str, option: str, timeout: float = 120.0, kind: str = "selectbox") -> None:
        """Pick ``option`` (as shown) in the selectbox, or with ``kind="radio"`` the radio, labelled ``label``."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        w = self.widget(kind, label)
        if option not in w.options:
            raise SessionError(f"{option!r} is not an option of {label!r}: {w.options}")
        w.value = option
        await self.run(widgets=[WidgetState(id=w.id, string_value=option)], timeout=timeout)

    async def set_number(self, label: str, value: float, timeout: float = 120.0) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        w = self.widget("number_input", label)
        w.value = value
        await self.run(widgets=[WidgetState(id=w.id, double_value=float(value))], timeout=timeout)

    async def click(self, label: str, timeout: float = 120.0) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        w = self.widget("button", label)
        await self.run(widgets=[WidgetState(id=w.id, trigger_value=True)], timeout=timeout)

    async def wait_for_text(self, predicate, timeout: float) -> None:
        """Wait (while fragments keep rerunning) until ``predicate(texts)`` holds for the latest elements."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate(self.texts()):
            if self._closed is not None:
                raise SessionError(f"socket closed: {self._closed!r}")
            self._changed.clear()
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError(f"text not seen in {timeout:.0f} s; have {self.texts()[-8:]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    def texts(self, root: int | None = None) -> list[str]:
        """Every element's text in the latest runs (in delta-path order), optionally one root container only."""
        out = []
        for path in sorted(self.elements):
            if root is not None and path[0] != root:
                continue
            el = self.elements[path]
            kind = el.WhichOneof("type")
            if kind in TEXT_FIELDS:
                out.append(getattr(getattr(el, kind), TEXT_FIELDS[kind]))
        return out

    # --- what the server sends ---------------------------------------------------------------------------------
    async def _wait(self, event: asyncio.Event, timeout: float, what: str) -> None:
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"{what} did not finish in {timeout:.0f} s") from None
        if self._closed is not None:
            raise SessionError(f"socket closed: {self._closed!r}")

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except BaseException as exc:  # noqa: BLE001 - reported to whoever waits
            self._closed = exc
            self._finished.set()
            self._changed.set()
            if isinstance(exc, asyncio.CancelledError):
                raise

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            ns = msg.new_session
            self._note_pages(ns.app_pages)
            if ns.page_script_hash:
                self.page_hash = ns.page_script_hash
            if not msg.metadata.run.fragment_ids:  # a whole run starts (a fragment's run says which fragment)
                self._stop_timers(None)  # a browser drops its fragment timers then
                self._run_paths = set()
        elif kind == "navigation":
            self._note_pages(msg.navigation.app_pages)
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta":
            self._delta(msg)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._stop_timers(fid)
        elif kind == "page_not_found":
            self.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:  # drop what this whole run did not redraw
                for path in [p for p in self.elements if p not in self._run_paths]:
                    del self.elements[path]
                seen = {getattr(self.elements[p], self.elements[p].WhichOneof("type")).id
                        for p in self.elements if self.elements[p].WhichOneof("type") in WIDGET_KINDS}
                self.widgets = {i: w for i, w in self.widgets.items() if i in seen}
            if msg.script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                self._finished.set()
            self._changed.set()

    def _note_pages(self, pages) -> None:
        for p in pages:
            self.pages[p.url_pathname] = p.page_script_hash

    def _delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which != "new_element":
            return
        el = delta.new_element
        self.elements[path] = el
        self._run_paths.add(path)
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind in WIDGET_KINDS:
            self._widget(kind, getattr(el, kind))

    def _widget(self, kind: str, w) -> None:
        """Keep a widget's value as the browser does: the script's value if it set one, else what we had, else
        the widget's default."""
        old = self.widgets.get(w.id)
        options = list(w.options) if kind in ("selectbox", "radio") else []
        if kind == "button":
            value = None
        elif w.set_value:
            value = w.raw_value if options else w.value
        elif old is not None:
            value = old.value
        elif options:
            value = options[w.default] if w.HasField("default") and 0 <= w.default < len(options) else None
        else:
            value = w.default
        self.widgets[w.id] = Widget(kind, w.id, w.label, options, value)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        self._stop_timers(fragment_id)

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                if self._closed is not None:
                    return
                await self._send_rerun(fragment_id=fragment_id, auto=True)

        self._timers[fragment_id] = asyncio.create_task(tick())

    def _stop_timers(self, fragment_id: str | None) -> None:
        for fid in [f for f in self._timers if fragment_id is None or f == fragment_id]:
            self._timers.pop(fid).cancel()
