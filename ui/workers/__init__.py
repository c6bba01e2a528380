"""Training in worker processes: the networks learn outside the server process, at a lower CPU priority.

Why: a Streamlit server is one Python process. Training inside it (the Train page's run, Compare, Forecast,
the backtest, the vanishing-gradient sweep) holds the GIL for most of every step, so every other session's
page, and a newcomer's first load (whose ~80 static files the same process serves), waited behind it. With
8 sessions training, a fresh page load took 4-5 s against 1.5 s on an idle server (``benchmarks/classroom.py``).
Here a run goes to a worker process (``process``: started with ``spawn``, nothing of the server is copied)
that takes the lowest CPU priority and one BLAS thread (``cpu``), so the server and any browser on the same
machine come first and training takes the CPU that is left. Streamlit's full garbage collection after every
script run is switched off too (``.streamlit/config.toml``): with a class of live panels it was most of the
server's time.

At most ``SIZE`` runs at once, one per core but one; the others wait in arrival order (``slots``) and can be
stopped while they wait. Workers start on demand (``warm()`` starts one when the app starts, and a spare is
started whenever the last idle one is taken) and are reused; a worker that breaks is replaced (``pool``).
No pickle on the pipe (``codec``). ``LSTM_LAB_WORKERS=0`` in the environment runs the very same tasks
(``tasks``) in the calling thread instead (debugging, or a platform that cannot start processes); the results
are identical bit for bit (tested).

The package imports NumPy and ``lstm_core`` only: it is what a worker process loads.
"""

from ui.workers.calls import FitResult, backtest_origin, compare_memory, fit
from ui.workers.codec import decode, encode
from ui.workers.cpu import single_blas_thread
from ui.workers.process import WorkerError
from ui.workers.runner import ENV, in_process, run, slot, warm
from ui.workers.slots import SIZE, SLOTS, TrainingSlots
from ui.workers.store import ResultStore

__all__ = [
    "ENV", "SIZE", "SLOTS", "FitResult", "ResultStore", "TrainingSlots", "WorkerError", "backtest_origin",
    "compare_memory", "decode", "encode", "fit", "in_process", "run", "single_blas_thread", "slot", "warm",
]
