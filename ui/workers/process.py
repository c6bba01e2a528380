"""A worker process: ``serve`` runs the tasks it is sent, ``Worker`` starts one (``spawn``) and holds its pipe."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from typing import Any

import budgets
from lstm_core.errors import CoreError
from ui.workers.codec import recv, send
from ui.workers.cpu import lowest_priority, single_blas_thread
from ui.workers.tasks import TASKS, Channel

START_TIMEOUT_S = 120.0  # a new worker must say "ready" within this (a loaded machine starts Python slowly)
WORKER_NAME = "lstm-lab-worker"


class WorkerError(CoreError):
    """A worker process broke (crashed, was killed, or failed unexpectedly).

    A ``CoreError`` so every page that shows a core error in the user's language shows this one too.
    """

    def __init__(self, detail: str) -> None:
        super().__init__("errors.engine.worker_failed", detail=detail)


class _PipeChannel(Channel):
    def __init__(self, conn) -> None:
        self.conn = conn
        self._stop = False

    def emit(self, kind: str, body: Any) -> None:
        send(self.conn, kind, body)

    def stopped(self) -> bool:
        while not self._stop and self.conn.poll():  # only "stop" arrives while a task runs
            kind, _ = recv(self.conn)
            self._stop = kind == "stop"
        return self._stop


def _error_body(exc: BaseException) -> dict:
    if isinstance(exc, CoreError):
        return {"key": exc.key, "params": {str(k): v if isinstance(v, int | float | str) else str(v)
                                           for k, v in exc.params.items()}}
    return {"key": None, "detail": type(exc).__name__, "message": str(exc)[:500]}


def _vm_size() -> int:
    """This process's virtual memory now, in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cap_memory(extra: int = budgets.RUN_MEMORY_BYTES) -> int:
    """Let this process's address space grow by at most ``extra`` bytes from now on (``RLIMIT_AS``, Linux): a run
    that asks for more gets a ``MemoryError`` in the worker instead of pushing the server into swap. The cap
    is taken from the worker's size once it has imported everything, so the libraries' own reservations do
    not count. Returns the cap in bytes (0 where it cannot be set)."""
    base = _vm_size()
    if not base:
        return 0
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = base + int(extra)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        return cap
    except (ImportError, ValueError, OSError):
        return 0


def serve(conn) -> None:
    """A worker's main loop: lowest priority, one BLAS thread, a memory cap, say ready, then run tasks until the
    pipe closes."""
    priority = lowest_priority()
    single_blas_thread()
    cap_memory()
    send(conn, "ready", {"pid": os.getpid(), "priority": priority})
    while True:
        try:
            kind, body = recv(conn)
        except (EOFError, OSError):  # the server went away
            return
        task = TASKS.get(kind)
        if task is None:  # a late "stop" for a task that already ended, or nothing we know
            continue
        try:
            result = task(body, _PipeChannel(conn))
        except MemoryError:  # over the memory cap: the run's arrays are gone with the frames that held them
            send(conn, "error", _error_body(CoreError("errors.engine.over_memory",
                                                      mb=budgets.RUN_MEMORY_BYTES // 2**20)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, who shows it translated
            send(conn, "error", _error_body(exc))
        else:
            send(conn, "done", result)


def _clean_main_preparation() -> None:
    """Our workers must not re-run the parent's ``__main__`` (``spawn`` does that by default).

    Inside ``streamlit run``, ``__main__`` is the page script being run (app.py), so a plain ``spawn`` child
    would run the whole app before serving; from a notebook or a script it would re-run that. The worker
    needs nothing of it (it runs ``serve`` from this module), so for processes named ``WORKER_NAME`` the
    preparation data loses its ``init_main_from_*`` entries. Other processes are left as they were.

    Why a patch of ``multiprocessing.spawn`` (not public API): the standard library has no switch for this.
    ``spawn`` and ``forkserver`` both send ``init_main_from_*`` from ``sys.modules["__main__"]``, which Streamlit
    replaces during every script run (so swapping it ourselves would race with the sessions); a ``subprocess``
    child run as ``python -m`` would avoid it but would not be a ``multiprocessing`` child (``exitcode``,
    ``active_children``, which the tests use to kill a worker). Measured without the patch on 2 busy cores,
    ``__main__`` as ``streamlit run`` leaves it: a worker took 1.8 s to be ready instead of 0.25 s (medians of
    7 starts; 3.3 s instead of 0.46 s under a heavier load), with Streamlit imported and app.py re-run in it;
    and a script without a main guard could not train at all (its worker re-ran it, that copy's fit tried to
    start a worker while bootstrapping, and the script got ``WorkerError("start failed")``).
    """
    from multiprocessing import spawn

    original = spawn.get_preparation_data
    if getattr(original, "_lstm_lab", False):
        return

    def get_preparation_data(name: str) -> dict:
        data = original(name)
        if str(name).startswith(WORKER_NAME):
            data = {k: v for k, v in data.items() if k not in ("init_main_from_name", "init_main_from_path")}
        return data

    get_preparation_data._lstm_lab = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self) -> None:
        _clean_main_preparation()
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=serve, args=(child,), name=WORKER_NAME, daemon=True)
        self.process.start()
        child.close()
        try:
            ready = self.conn.poll(START_TIMEOUT_S) and recv(self.conn)[0] == "ready"
        except (EOFError, OSError, ValueError):
            ready = False
        if not ready:
            self.kill()
            raise WorkerError("start failed")

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
