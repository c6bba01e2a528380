"""Runs end with their session: a run whose browser session is gone (tab closed, websocket dropped) is stopped.

Streamlit keeps a session's script threads and our training threads alive after its websocket closes, so a
run started from a tab that was then closed would hold a training slot (and a core) until its last epoch.
One daemon thread checks the watched runs every ``POLL_S`` seconds and asks a run to stop once its session has
been inactive for ``GRACE_S`` (a browser that reconnects within that time, after a network blip, keeps it).
Stop takes effect at the run's next batch, so a run ends within about ``GRACE_S + POLL_S`` plus one batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

POLL_S = 1.0
GRACE_S = 2.0


class Stoppable(Protocol):
    done: bool

    def request_stop(self) -> None: ...


def current_session_id() -> str | None:
    """The id of the browser session running this script, or None outside one (tests, benchmarks)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def session_is_active(session_id: str) -> bool:
    """True while the session has a live connection (and outside a Streamlit server, where nothing closes)."""
    from streamlit import runtime

    if not runtime.exists():
        return True
    return runtime.get_instance().is_active_session(session_id)


class SessionWatch:
    """Stops each watched run once its session has been inactive for ``grace`` seconds."""

    def __init__(self, is_active: Callable[[str], bool] = session_is_active, poll: float = POLL_S,
                 grace: float = GRACE_S) -> None:
        self.is_active, self.poll, self.grace = is_active, poll, grace
        self._runs: dict[int, tuple[Stoppable, str]] = {}
        self._inactive_since: dict[int, float] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.stopped = 0  # runs stopped because their session went away (diagnostics, tests)

    def watch(self, run: Stoppable, session_id: str | None) -> None:
        """Watch ``run`` on behalf of ``session_id`` (nothing to watch without a session)."""
        if session_id is None:
            return
        with self._lock:
            self._runs[id(run)] = (run, session_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="lstm-lab-session-watch", daemon=True)
                self._thread.start()

    def check(self, now: float | None = None) -> None:
        """One pass over the watched runs (the thread's loop body; tests call it directly)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            items = list(self._runs.items())
        for key, (run, session_id) in items:
            if run.done:
                self._forget(key)
            elif self.is_active(session_id):
                self._inactive_since.pop(key, None)
            elif now - self._inactive_since.setdefault(key, now) >= self.grace:
                run.request_stop()
                self.stopped += 1
                self._forget(key)

    def _forget(self, key: int) -> None:
        with self._lock:
            self._runs.pop(key, None)
            self._inactive_since.pop(key, None)

    def _loop(self) -> None:
        while True:
            time.sleep(self.poll)
            self.check()
            with self._lock:
                if not self._runs:
                    self._thread = None
                    return


WATCH = SessionWatch()  # one per server process
