"""How much of the machine a training process takes: the lowest CPU priority and one BLAS thread."""

from __future__ import annotations

import contextlib
import os

NICE = 19  # where SCHED_IDLE is missing: the lowest nice priority instead

_priority = "none"  # what lowest_priority() applied in this process
_blas_limited = False


def lowest_priority() -> str:
    """Run this process only when the CPU has nothing else to do: Linux ``SCHED_IDLE``, else ``nice`` 19.

    Returns what was applied ("idle", "nice" or "none"), also kept for ``priority()``. ``SCHED_IDLE`` yields to
    every normal task at once, which a nice value does not quite do (measured: a fresh page load beside two
    nice-19 busy processes took 1.7-2.5 s, beside two SCHED_IDLE ones 1.5-1.9 s, alone 1.3-1.4 s).
    """
    global _priority
    _priority = _apply_lowest_priority()
    return _priority


def _apply_lowest_priority() -> str:
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return "idle"
        except OSError:
            pass
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICE)
            return "nice"
    return "none"


def priority() -> str:
    """What ``lowest_priority()`` applied in this process ("none" when it was not called)."""
    return _priority


def single_blas_thread() -> None:
    """Use one BLAS thread in this process (once), when ``threadpoolctl`` is installed.

    The core multiplies small matrices (batch × 4H): extra OpenBLAS threads mostly spin-wait. Measured on the
    default model: 8 epochs took 1.24 s of CPU with the default threads and 0.33 s with one, and on a busy
    2-core machine the wall time fell from 3.6 s to 1.2 s. Without threadpoolctl nothing changes (set
    ``OPENBLAS_NUM_THREADS=1`` before starting the app for the same effect).
    """
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")
