"""The pool of worker processes: started on demand (a spare ahead of need), reused, replaced when broken."""

from __future__ import annotations

import threading
import time

from ui.workers import slots
from ui.workers.process import Worker, WorkerError


class WorkerPool:
    """Idle worker processes, started on demand and reused; at most ``SLOTS.size`` are busy at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._starting = 0
        self._busy = 0

    def start_spare(self) -> None:
        """Start one worker in the background when none is idle or starting and a slot could still use one."""
        with self._lock:
            if self._idle or self._starting or self._busy >= slots.current().size:
                return
            self._starting += 1

        def start() -> None:
            try:
                w = Worker()
            except WorkerError:
                w = None
            with self._lock:
                self._starting -= 1
                if w is not None:
                    self._idle.append(w)

        threading.Thread(target=start, name="lstm-lab-worker-start", daemon=True).start()

    def take(self) -> Worker:
        """An idle live worker, or a new one (waiting a little for one that is starting)."""
        deadline = time.monotonic() + 1.0
        while True:
            with self._lock:
                while self._idle:
                    w = self._idle.pop()
                    if w.alive:
                        self._busy += 1
                        return w
                    w.kill()
                starting = self._starting
            if not starting or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        w = Worker()
        with self._lock:
            self._busy += 1
        return w

    def give_back(self, w: Worker, healthy: bool) -> None:
        """Keep a worker that finished its task cleanly for the next run (up to one per slot); end any other."""
        with self._lock:
            self._busy -= 1
            keep = healthy and w.alive and len(self._idle) < slots.current().size
            if keep:
                self._idle.append(w)
        if not keep:
            w.kill()


POOL = WorkerPool()
