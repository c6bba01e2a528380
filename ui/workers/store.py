"""Training results shared by every session of the server process, so a seeded fit is trained once."""

from __future__ import annotations

import threading
from collections import OrderedDict

from ui.workers.runner import slot


class ResultStore:
    """Training results shared by every session of this server process (bounded LRU, thread-safe).

    Keys hold the data fingerprint and the full config, and every fit is seeded, so a stored result is exactly
    what refitting would give; results are never mutated after they are stored (sessions only read them).
    """

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, result) -> None:
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get_or_make(self, key: tuple, make, on_wait=None):
        """The stored result, or ``make()`` run once this session holds a training slot. Looked up again once
        the slot is held: a class opening one shared link queues behind the first fit, then reuses it."""
        found = self.get(key)
        if found is not None:
            return found
        with slot(on_wait=on_wait):
            found = self.get(key)
            if found is None:
                found = make()
                self.put(key, found)
        return found
