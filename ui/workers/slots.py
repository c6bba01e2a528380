"""Training slots: at most ``SIZE`` runs train at once in this server, the others wait in arrival order."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

# Training runs at once in this server: one per core but one, so a core always stays free for the server and
# any browser on the same machine. Measured on 2 cores: two busy lowest-priority processes still took a fresh
# page load from 1.4 s to 1.7-2.5 s; one left it at 1.2-1.6 s (benchmarks/classroom.py, tests/e2e).
SIZE = max(1, (os.cpu_count() or 1) - 1)


class TrainingSlots:
    """At most ``size`` training runs at once; the others wait in arrival order (first come, first served),
    except that one session never holds more than ``share`` slots while another session waits.

    Shared by every session of the server process (it holds only run ids and session ids, never data or models).
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, int(size))
        self.share = max(1, self.size // 2)  # slots one session may hold while others wait
        self._cond = threading.Condition()
        self._queue: list[str] = []  # ids of the waiting runs, oldest first
        self._running: set[str] = set()
        self._owner: dict[str, str | None] = {}  # ticket -> the session it runs for (None: nobody's)

    def _capped(self, ticket: str) -> bool:
        """True when ``ticket``'s session already holds its share and another session's run waits."""
        owner = self._owner.get(ticket)
        if owner is None:
            return False
        held = sum(1 for r in self._running if self._owner.get(r) == owner)
        return held >= self.share and any(self._owner.get(q) != owner for q in self._queue)

    def _next(self) -> str | None:
        """The waiting run that gets the next free slot: the oldest one whose session is under its share."""
        if len(self._running) >= self.size or not self._queue:
            return None
        return next((t for t in self._queue if not self._capped(t)), self._queue[0])

    def acquire(self, ticket: str, stop: threading.Event, poll_s: float = 0.1,
                on_wait: Callable[[int], Any] | None = None, owner: str | None = None) -> bool:
        """Wait for a free slot; True once ``ticket`` holds one, False if ``stop`` was set while it waited.

        ``owner``: the session the run is for (see the class docstring). ``on_wait(position)`` is called from
        this thread about every ``poll_s`` while it waits, outside the lock (it may draw, or raise: the run then
        leaves the queue).
        """
        with self._cond:
            self._queue.append(ticket)
            self._owner[ticket] = owner
        try:
            while True:
                with self._cond:
                    if self._next() == ticket:
                        self._running.add(ticket)
                        return True
                    if stop.is_set():
                        return False
                    position = self._queue.index(ticket) + 1
                    if on_wait is None:
                        self._cond.wait(poll_s)
                        continue
                on_wait(position)
                with self._cond:
                    if self._next() != ticket:
                        self._cond.wait(poll_s)
        finally:
            with self._cond:
                self._queue.remove(ticket)
                if ticket not in self._running:
                    self._owner.pop(ticket, None)
                self._cond.notify_all()

    def release(self, ticket: str) -> None:
        with self._cond:
            self._running.discard(ticket)
            self._owner.pop(ticket, None)
            self._cond.notify_all()

    def position(self, ticket: str) -> int:
        """1-based place of a waiting run in the queue; 0 when it is not waiting."""
        with self._cond:
            return self._queue.index(ticket) + 1 if ticket in self._queue else 0

    @property
    def running(self) -> int:
        with self._cond:
            return len(self._running)


SLOTS = TrainingSlots(SIZE)


def current() -> TrainingSlots:
    """The server's slots as ``ui.workers.SLOTS`` holds them now (looked up at each call).

    Replacing ``workers.SLOTS`` (the tests give a run a one-slot queue held by "another session") then moves
    the runs, the pool's sizing and the pages' queue positions to the new slots together.
    """
    return sys.modules[__package__].SLOTS
