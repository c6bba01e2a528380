"""Running a task: wait for a training slot, then run it in a pooled worker, or in this thread when
``LSTM_LAB_WORKERS=0``; progress is relayed to the caller's callbacks, a stop reaches the task."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import budgets
from lstm_core.errors import CoreError
from ui import session_watch
from ui.workers import slots
from ui.workers.codec import recv, send
from ui.workers.cpu import single_blas_thread
from ui.workers.pool import POOL
from ui.workers.process import Worker, WorkerError
from ui.workers.tasks import TASKS, Channel

ENV = "LSTM_LAB_WORKERS"  # "0": run tasks in the calling thread
STOP_DRAIN_S = 10.0  # after a stop, a worker must finish its task within this, else it is replaced


def in_process() -> bool:
    """True when tasks run in the calling thread (``LSTM_LAB_WORKERS=0``), False for worker processes."""
    return os.environ.get(ENV, "").strip() == "0"


def warm() -> None:
    """Start one worker now, so the first training run does not wait for Python to start (cheap to call on
    every page run: nothing happens once one is idle or starting)."""
    if not in_process():
        POOL.start_spare()


class _InlineChannel(Channel):
    def __init__(self, on_message: Callable[[str, Any], Any], stop: threading.Event) -> None:
        self.on_message = on_message
        self.stop = stop
        self._stop = False

    def emit(self, kind: str, body: Any) -> None:
        if self.on_message(kind, body) is False:
            self._stop = True

    def stopped(self) -> bool:
        return self._stop or self.stop.is_set()


def run(task: str, body: dict, *, on_message: Callable[[str, Any], Any] | None = None,
        stop: threading.Event | None = None, on_wait: Callable[[int], Any] | None = None,
        on_start: Callable[[], Any] | None = None, ticket: str | None = None) -> dict | None:
    """Run ``task`` in a worker once a slot is free, relaying its progress; its result, or None if stopped first.

    ``on_message(kind, body)`` gets every progress message in this thread; returning False asks the task to
    stop (it ends normally, with what it had). ``stop`` set: the same, also while waiting for a slot (then the
    task never starts and None is returned). ``on_wait(position)`` runs while the run waits for a slot,
    ``on_start()`` once it has one. An exception from a callback (a Streamlit rerun, say) stops the task and
    propagates. A failed task raises its ``CoreError``, a broken worker ``WorkerError``.
    """
    on_message = on_message or (lambda kind, b: None)
    stop = stop or threading.Event()
    watched = _Watched(stop)
    session_watch.WATCH.watch(watched, session_watch.current_session_id())  # called from a page: a closed tab stops it
    try:
        with slot(stop=stop, on_wait=on_wait, ticket=ticket) as got:
            if not got:
                return None
            if on_start is not None:
                on_start()
            if in_process():
                single_blas_thread()
                return TASKS[task](body, _InlineChannel(on_message, stop))
            return _run_in_worker(task, body, on_message, stop)
    finally:
        watched.done = True


class _Watched:
    """A run as ``session_watch`` sees it: done once ``run`` returns; a stop request sets its event."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop, self.done = stop, False

    def request_stop(self) -> None:
        self.stop.set()


_HELD = threading.local()  # .depth: slots this thread holds through slot() (nested runs reuse the outer one)
OWNER = threading.local()  # .id: the session a background thread runs for (a page's own thread is known to Streamlit)


@contextlib.contextmanager
def slot(*, stop: threading.Event | None = None, on_wait: Callable[[int], Any] | None = None,
         ticket: str | None = None):
    """Hold a training slot for a block (yields True), or yield False if ``stop`` was set while waiting.

    Runs inside the block, in this thread, use the held slot instead of queueing again, so a caller can wait
    its turn, look whether someone else has meanwhile computed what it needs, and only then train.
    """
    if getattr(_HELD, "depth", 0):
        _HELD.depth += 1
        try:
            yield True
        finally:
            _HELD.depth -= 1
        return
    ticket = ticket or uuid.uuid4().hex
    held = slots.current()
    owner = session_watch.current_session_id() or getattr(OWNER, "id", None)
    if not held.acquire(ticket, stop or threading.Event(), on_wait=on_wait, owner=owner):
        yield False
        return
    _HELD.depth = 1
    try:
        yield True
    finally:
        _HELD.depth = 0
        held.release(ticket)


def _raise(body: dict) -> None:
    if body.get("key"):
        raise CoreError(body["key"], **body.get("params", {}))
    raise WorkerError(str(body.get("detail", "error")))


def _drain(w: Worker, timeout: float) -> bool:
    """After a stop: read until the task's last message; True when the worker is fit to be reused."""
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            if w.conn.poll(min(0.1, max(0.0, end - time.monotonic()))):
                kind, _ = recv(w.conn)
                if kind in ("done", "error"):
                    return True
            elif not w.alive:
                return False
    except (EOFError, OSError, ValueError):
        return False
    return False


def _run_in_worker(task: str, body: dict, on_message, stop: threading.Event) -> dict:
    w = POOL.take()
    POOL.start_spare()  # the next run should not wait for a worker to start
    healthy = False
    try:
        send(w.conn, task, body)
        stop_sent = False
        deadline = time.monotonic() + budgets.RUN_SECONDS
        while True:
            if stop.is_set() and not stop_sent:
                send(w.conn, "stop")
                stop_sent = True
            if time.monotonic() > deadline:  # over the run's time budget: stopped at once, the worker ended
                raise CoreError("errors.engine.over_time", minutes=budgets.RUN_SECONDS // 60)
            try:
                if not w.conn.poll(0.05):
                    if not w.alive:
                        raise WorkerError(f"exit code {w.process.exitcode}")
                    continue
                kind, msg = recv(w.conn)
            except (EOFError, OSError, ValueError) as exc:
                raise WorkerError(type(exc).__name__) from None
            if kind == "done":
                healthy = True
                return msg
            if kind == "error":
                healthy = True
                _raise(msg)
            if on_message(kind, msg) is False and not stop_sent:
                send(w.conn, "stop")
                stop_sent = True
    except CoreError:  # the task's own error (the worker is fine), a broken worker or one over its time
        raise  # budget (healthy stays False: it is ended and a fresh one replaces it)
    except BaseException:  # a callback raised (e.g. Streamlit stopping the script): stop the task, then re-raise
        try:
            send(w.conn, "stop")
            healthy = _drain(w, STOP_DRAIN_S)
        except (OSError, ValueError):
            healthy = False
        raise
    finally:
        POOL.give_back(w, healthy)
