"""Per-epoch progress callbacks that redraw at most a few times a second (each redraw is a message to the
browser), and always at the last epoch."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

MIN_INTERVAL = 0.15  # seconds between redraws (~6 a second)


def throttled(draw: Callable[[Any], None], interval: float = MIN_INTERVAL) -> Callable[[Any], None]:
    """``draw(info)`` for an ``EpochInfo``-like ``info`` (``epoch``, ``epochs``), skipped when the previous
    redraw was less than ``interval`` seconds ago, unless this is the last epoch."""
    last = [-math.inf]  # the first epoch is always drawn (perf_counter may be small after a boot)

    def on_epoch(info) -> None:
        now = time.perf_counter()
        if now - last[0] < interval and info.epoch < info.epochs:
            return
        last[0] = now
        draw(info)

    return on_epoch
