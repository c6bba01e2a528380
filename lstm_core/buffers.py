"""Scratch arrays reused across calls, so that a training loop does not fault fresh memory in on every step.

A forward+backward of a recurrent layer needs several megabytes of temporaries. Arrays of that size sit above
glibc's mmap and trim thresholds, so every call would give the memory back to the kernel and fault it in again
(thousands of minor page faults per call, a third of the time at (64, 48, 64)). ``scratch`` hands out the same
array again to the next call in the same thread that asks for the same name, shape and dtype.

Rules: a scratch array lives only during one call of the function that asked for it; nothing returned to a
caller (outputs, traces, gradients) may be a scratch array or a view of one. Each thread has its own pool, so
concurrent calls never share a buffer; at most ``MAX_BYTES`` per thread are kept (least recently used first out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

MAX_BYTES = 48 * 2**20  # per thread: every app size fits; (128, 96, 128) keeps most of its buffers

_local = threading.local()


def _pool() -> OrderedDict:
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = OrderedDict()
        _local.nbytes = 0
    return pool


def scratch(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An uninitialised array of ``shape``/``dtype`` that later calls asking for ``name`` may overwrite."""
    key = (name, tuple(shape), np.dtype(dtype).str)
    pool = _pool()
    arr = pool.get(key)
    if arr is not None:
        pool.move_to_end(key)
        return arr
    arr = np.empty(shape, dtype=dtype)
    if arr.nbytes > MAX_BYTES:
        return arr
    pool[key] = arr
    _local.nbytes += arr.nbytes
    while _local.nbytes > MAX_BYTES:
        _, old = pool.popitem(last=False)
        _local.nbytes -= old.nbytes
    return arr


def clear() -> None:
    """Drop this thread's buffers."""
    _pool().clear()
    _local.nbytes = 0
