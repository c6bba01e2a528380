"""Training in worker processes: the networks learn outside the server process, at a lower CPU priority.

Why: a Streamlit server is one Python process. Training inside it (the Train page's run, Compare, Forecast,
the backtest, the vanishing-gradient sweep) holds the GIL for most of every step, so every other session's
page, and a newcomer's first load (whose ~80 static files the same process serves), waited behind it. With
8 sessions training, a fresh page load took 4-5 s against 1.5 s on an idle server (``benchmarks/classroom.py``).
Here a run goes to a worker process (started with ``spawn``: nothing of the server is copied) that takes the
lowest CPU priority (``lowest_priority``) and one BLAS thread, so the server and any browser on the same
machine come first and training takes the CPU that is left. Streamlit's full garbage collection after every
script run is switched off too (``.streamlit/config.toml``): with a class of live panels it was most of the
server's time.

At most ``SIZE`` runs at once, one per core but one; the others wait in arrival order (``TrainingSlots``) and
can be stopped while they wait. Workers start on demand (``warm()`` starts one when the app starts, and a spare is
started whenever the last idle one is taken) and are reused; a worker that breaks is replaced.

No pickle on the pipe: a message is a JSON tree plus raw numeric arrays (``encode``/``decode``), and only the
dataclasses in ``_CLASSES`` are rebuilt; a fitted forecaster comes back as the pickle-free ``.npz`` bytes the
Forecast page offers for download (``Forecaster.save``/``load``: every array and setting checked).

``LSTM_LAB_WORKERS=0`` in the environment runs the very same tasks in the calling thread instead (debugging,
or a platform that cannot start processes); the results are identical bit for bit (tested).

This module imports NumPy and ``lstm_core`` only: it is what a worker process loads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import multiprocessing
import os
import struct
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_core.backtest import OriginResult
from lstm_core.backtest import backtest_origin as _backtest_origin
from lstm_core.baselines import Forecast
from lstm_core.errors import CoreError
from lstm_core.forecast import FitHistory, ForecastConfig, Forecaster
from lstm_core.memory import Comparison, KindResult, MemoryConfig, StepGradients, compare_kinds
from lstm_core.train import EpochInfo, History

# Training runs at once in this server: one per core but one, so a core always stays free for the server and
# any browser on the same machine. Measured on 2 cores: two busy lowest-priority processes still took a fresh
# page load from 1.4 s to 1.7-2.5 s; one left it at 1.2-1.6 s (benchmarks/classroom.py, tests/e2e).
SIZE = max(1, (os.cpu_count() or 1) - 1)
NICE = 19  # where SCHED_IDLE is missing: the lowest nice priority instead
START_TIMEOUT_S = 120.0  # a new worker must say "ready" within this (a loaded machine starts Python slowly)
STOP_DRAIN_S = 10.0  # after a stop, a worker must finish its task within this, else it is replaced
ENV = "LSTM_LAB_WORKERS"  # "0": run tasks in the calling thread


def in_process() -> bool:
    """True when tasks run in the calling thread (``LSTM_LAB_WORKERS=0``), False for worker processes."""
    return os.environ.get(ENV, "").strip() == "0"


def single_blas_thread() -> None:
    """Use one BLAS thread in this process (once), when ``threadpoolctl`` is installed.

    The core multiplies small matrices (batch × 4H): extra OpenBLAS threads mostly spin-wait. Measured on the
    default model: 8 epochs took 1.24 s of CPU with the default threads and 0.33 s with one, and on a busy
    2-core machine the wall time fell from 3.6 s to 1.2 s. Without threadpoolctl nothing changes (set
    ``OPENBLAS_NUM_THREADS=1`` before starting the app for the same effect).
    """
    global _BLAS_LIMITED
    if _BLAS_LIMITED:
        return
    _BLAS_LIMITED = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")


_BLAS_LIMITED = False


class WorkerError(CoreError):
    """A worker process broke (crashed, was killed, or failed unexpectedly).

    A ``CoreError`` so every page that shows a core error in the user's language shows this one too.
    """

    def __init__(self, detail: str) -> None:
        super().__init__("errors.engine.worker_failed", detail=detail)


# --- the message codec: JSON + raw arrays, no pickle --------------------------------------------------------
_CLASSES = {c.__name__: c for c in (EpochInfo, History, FitHistory, Forecast, OriginResult, MemoryConfig,
                                     StepGradients, KindResult, Comparison)}
_DTYPES = frozenset(np.dtype(d).str for d in ("float32", "float64", "int64", "int32", "uint8", "bool"))
_MAGIC = b"LLW1"


def encode(obj: Any) -> bytes:
    """One message: ``MAGIC | header length | JSON header | array bytes``.

    The tree holds None, bool, int, float (NaN and ±inf too), str, list, tuple, dict (any keys of these
    kinds), numeric ndarrays and the dataclasses of ``_CLASSES``; anything else is a ``TypeError``.
    """
    arrays: list[np.ndarray] = []

    def enc(o: Any) -> Any:
        if o is None or isinstance(o, bool | str):
            return o
        if isinstance(o, np.bool_):
            return bool(o)
        if isinstance(o, int | np.integer):
            return int(o)
        if isinstance(o, float | np.floating):
            return float(o)
        if isinstance(o, np.ndarray):
            a = np.ascontiguousarray(o)
            if a.dtype.str not in _DTYPES:
                raise TypeError(f"array dtype {a.dtype} cannot be sent")
            arrays.append(a)
            return {"a": len(arrays) - 1}
        if isinstance(o, list):
            return [enc(v) for v in o]
        if isinstance(o, tuple):
            return {"t": [enc(v) for v in o]}
        if isinstance(o, dict):
            return {"d": [[enc(k), enc(v)] for k, v in o.items()]}
        name = type(o).__name__
        if dataclasses.is_dataclass(o) and _CLASSES.get(name) is type(o):
            return {"c": name, "f": {f.name: enc(getattr(o, f.name)) for f in dataclasses.fields(o)}}
        raise TypeError(f"{name} cannot be sent to or from a worker")

    tree = enc(obj)
    specs, offset = [], 0
    for a in arrays:
        specs.append([a.dtype.str, list(a.shape), offset, a.nbytes])
        offset += a.nbytes
    header = json.dumps({"tree": tree, "arrays": specs}).encode()
    return b"".join([_MAGIC, struct.pack("<Q", len(header)), header, *(a.tobytes() for a in arrays)])


def decode(data: bytes) -> Any:
    """The object ``encode`` wrote; malformed input is a ``ValueError`` (never code execution)."""
    try:
        return _decode(data)
    except ValueError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, struct.error, RecursionError) as exc:
        raise ValueError(f"malformed worker message ({type(exc).__name__})") from None


def _decode(data: bytes) -> Any:
    view = memoryview(data)
    if bytes(view[:4]) != _MAGIC or len(view) < 12:
        raise ValueError("not a worker message")
    (size,) = struct.unpack("<Q", view[4:12])
    head = json.loads(bytes(view[12:12 + size]))
    body = view[12 + size:]
    arrays = []
    for dtype, shape, offset, nbytes in head["arrays"]:
        if dtype not in _DTYPES:
            raise ValueError(f"dtype {dtype!r}")
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        if count * dt.itemsize != nbytes or offset < 0 or offset + nbytes > len(body):
            raise ValueError("array size")
        arrays.append(np.frombuffer(body[offset:offset + nbytes], dtype=dt).reshape(shape).copy())

    def dec(o: Any) -> Any:
        if isinstance(o, list):
            return [dec(v) for v in o]
        if not isinstance(o, dict):
            return o
        if "a" in o:
            return arrays[o["a"]]
        if "t" in o:
            return tuple(dec(v) for v in o["t"])
        if "d" in o:
            return {dec(k): dec(v) for k, v in o["d"]}
        cls = _CLASSES.get(o.get("c"))
        if cls is None:
            raise ValueError(f"class {o.get('c')!r}")
        return cls(**{k: dec(v) for k, v in o["f"].items()})

    return dec(head["tree"])


def _send(conn, kind: str, body: Any = None) -> None:
    conn.send_bytes(encode({"kind": kind, "body": body}))


def _recv(conn) -> tuple[str, Any]:
    msg = decode(conn.recv_bytes())
    return msg["kind"], msg["body"]


# --- the tasks (run in a worker, or in the calling thread) ---------------------------------------------------
class _Channel:
    """What a task sees of its caller: ``emit(kind, body)`` sends progress, ``stopped()`` says stop now."""

    def emit(self, kind: str, body: Any) -> None:
        raise NotImplementedError

    def stopped(self) -> bool:
        raise NotImplementedError


def _plain_info(info: EpochInfo) -> EpochInfo:
    return dataclasses.replace(info, model=None, forecaster=None)


def model_bytes(fc: Forecaster) -> np.ndarray:
    """A fitted forecaster as the bytes of its ``.npz`` file (uint8), to cross the pipe."""
    buf = io.BytesIO()
    fc.save(buf)
    return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def gate_arrays(trace, num_layers: int, directions, names) -> dict[tuple[int, str, str], np.ndarray]:
    """Every gate of a one-window trace: ``{(layer, direction, name): (T, H) float32}``."""
    return {
        (layer, d, name): np.array(trace.gate(name, layer=layer, direction=d)[0], dtype=np.float32)
        for layer in range(num_layers) for d in directions for name in names
    }


class _Recorder:
    """Gate snapshots on a probe window every ``stride`` epochs; the stride doubles when there are too many.

    The caller keeps every snapshot it receives whose ``(epoch - 1) % stride == 0`` for the latest stride:
    dropping every second snapshot when the stride doubles keeps them evenly spread from epoch 1 on.
    """

    def __init__(self, probe: dict) -> None:
        self.values = np.asarray(probe["values"], dtype=np.float64)
        self.layers = int(probe["num_layers"])
        self.directions = tuple(probe["directions"])
        self.names = tuple(probe["names"])
        self.most = int(probe["max"])
        self.budget = int(probe["budget"])
        self.stride, self.count = 1, 0

    def snapshot(self, info: EpochInfo) -> dict | None:
        if (info.epoch - 1) % self.stride:
            return None
        fc, net = info.forecaster, info.model.net
        Xs, _, _ = fc.scaler.transform(self.values[None, :])  # (1, T), scaled exactly like training
        _, trace = net.forward(Xs[:, :, None].astype(fc.config.dtype))
        gates = gate_arrays(trace, self.layers, self.directions, self.names)
        size = sum(a.nbytes for a in gates.values())
        cap = max(4, min(self.most, self.budget // max(size, 1)))  # big networks keep fewer snapshots
        self.count += 1
        if self.count > cap:
            self.stride *= 2
            self.count = (self.count + 1) // 2
        return {"epoch": info.epoch, "train_loss": float(info.train_loss),
                "val_loss": None if info.val_loss is None else float(info.val_loss),
                "gates": gates, "stride": self.stride}


def _task_fit(p: dict, ch: _Channel) -> dict:
    """``Forecaster.fit`` with per-epoch progress, optional gate snapshots and evaluation; returns the model."""
    fc = Forecaster(ForecastConfig.from_dict(p["config"]))
    rec = _Recorder(p["probe"]) if p.get("probe") else None

    def on_epoch(info: EpochInfo) -> bool:
        ch.emit("epoch", _plain_info(info))
        snap = rec.snapshot(info) if rec is not None else None
        if snap is not None:
            ch.emit("snapshot", snap)
        return not ch.stopped()

    hist = fc.fit(p["values"], callback=on_epoch, batch_callback=lambda info: not ch.stopped())
    evaluation = fc.evaluate() if p.get("evaluate") and hist.best_epoch > 0 else None
    return {"model": model_bytes(fc), "evaluation": evaluation}


def _task_backtest_origin(p: dict, ch: _Channel) -> dict:
    def relay(info: EpochInfo) -> bool:
        ch.emit("epoch", _plain_info(info))
        return not ch.stopped()

    result = _backtest_origin(p["x"], ForecastConfig.from_dict(p["config"]), int(p["origin"]), tuple(p["levels"]),
                              int(p["season_length"]), relay)
    return {"result": result}


def _task_compare_memory(p: dict, ch: _Channel) -> dict:
    def progress(kind: str, info: EpochInfo) -> bool:
        ch.emit("progress", {"kind": kind, "info": _plain_info(info)})
        return not ch.stopped()

    comp = compare_kinds(p["X"], p["Y"], p["X_test"], p["Y_test"], p["config"], int(p["lag"]), progress=progress)
    return {"comparison": comp}


def _task_status(p: dict, ch: _Channel) -> dict:
    """Who runs the tasks: for tests and diagnostics."""
    main = sys.modules.get("__main__")
    return {"pid": os.getpid(), "priority": _PRIORITY, "streamlit_imported": "streamlit" in sys.modules,
            "main": getattr(main, "__name__", ""), "main_file": getattr(main, "__file__", None)}


_PRIORITY = "none"  # what lowest_priority() applied in this process

TASKS: dict[str, Callable[[dict, _Channel], dict]] = {
    "status": _task_status,
    "fit": _task_fit,
    "backtest_origin": _task_backtest_origin,
    "compare_memory": _task_compare_memory,
}


# --- the worker process ----------------------------------------------------------------------------------------
class _PipeChannel(_Channel):
    def __init__(self, conn) -> None:
        self.conn = conn
        self._stop = False

    def emit(self, kind: str, body: Any) -> None:
        _send(self.conn, kind, body)

    def stopped(self) -> bool:
        while not self._stop and self.conn.poll():  # only "stop" arrives while a task runs
            kind, _ = _recv(self.conn)
            self._stop = kind == "stop"
        return self._stop


def _error_body(exc: BaseException) -> dict:
    if isinstance(exc, CoreError):
        return {"key": exc.key, "params": {str(k): v if isinstance(v, int | float | str) else str(v)
                                           for k, v in exc.params.items()}}
    return {"key": None, "detail": type(exc).__name__, "message": str(exc)[:500]}


def lowest_priority() -> str:
    """Run this process only when the CPU has nothing else to do: Linux ``SCHED_IDLE``, else ``nice`` 19.

    Returns what was applied ("idle", "nice" or "none"). ``SCHED_IDLE`` yields to every normal task at once,
    which a nice value does not quite do (measured: a fresh page load beside two nice-19 busy processes
    took 1.7-2.5 s, beside two SCHED_IDLE ones 1.5-1.9 s, alone 1.3-1.4 s).
    """
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


def serve(conn) -> None:
    """A worker's main loop: lowest priority, one BLAS thread, say ready, then run tasks until the pipe closes."""
    global _PRIORITY
    _PRIORITY = lowest_priority()
    single_blas_thread()
    _send(conn, "ready", {"pid": os.getpid(), "priority": _PRIORITY})
    while True:
        try:
            kind, body = _recv(conn)
        except (EOFError, OSError):  # the server went away
            return
        if kind == "quit":
            return
        task = TASKS.get(kind)
        if task is None:  # a late "stop" for a task that already ended, or nothing we know
            continue
        ch = _PipeChannel(conn)
        try:
            result = task(body, ch)
        except Exception as exc:  # noqa: BLE001 - reported to the caller, who shows it translated
            _send(conn, "error", _error_body(exc))
        else:
            _send(conn, "done", result)


_WORKER_NAME = "lstm-lab-worker"


def _clean_main_preparation() -> None:
    """Our workers must not re-run the parent's ``__main__`` (``spawn`` does that by default).

    Inside ``streamlit run``, ``__main__`` is the page script being run (app.py), so a plain ``spawn`` child
    would run the whole app before serving; from a notebook or a script it would re-run that. The worker
    needs nothing of it (it runs ``serve`` from this module), so for processes named ``_WORKER_NAME`` the
    preparation data loses its ``init_main_from_*`` entries. Other processes are left as they were.
    """
    from multiprocessing import spawn

    original = spawn.get_preparation_data
    if getattr(original, "_lstm_lab", False):
        return

    def get_preparation_data(name: str) -> dict:
        data = original(name)
        if str(name).startswith(_WORKER_NAME):
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
        self.process = ctx.Process(target=serve, args=(child,), name=_WORKER_NAME, daemon=True)
        self.process.start()
        child.close()
        try:
            ready = self.conn.poll(START_TIMEOUT_S) and _recv(self.conn)[0] == "ready"
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


# --- slots and the pool ----------------------------------------------------------------------------------------
class TrainingSlots:
    """At most ``size`` training runs at once; the others wait in arrival order (first come, first served).

    Shared by every session of the server process (it holds only run ids, never data or models).
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, int(size))
        self._cond = threading.Condition()
        self._queue: list[str] = []  # ids of the waiting runs, oldest first
        self._running: set[str] = set()

    def acquire(self, ticket: str, stop: threading.Event, poll_s: float = 0.1,
                on_wait: Callable[[int], Any] | None = None) -> bool:
        """Wait for a free slot; True once ``ticket`` holds one, False if ``stop`` was set while it waited.

        ``on_wait(position)`` is called from this thread about every ``poll_s`` while it waits, outside the lock
        (it may draw, or raise: the run then leaves the queue).
        """
        with self._cond:
            self._queue.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._queue[0] == ticket and len(self._running) < self.size:
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
                    if not (self._queue[0] == ticket and len(self._running) < self.size):
                        self._cond.wait(poll_s)
        finally:
            with self._cond:
                self._queue.remove(ticket)
                self._cond.notify_all()

    def release(self, ticket: str) -> None:
        with self._cond:
            self._running.discard(ticket)
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
            if self._idle or self._starting or self._busy >= SLOTS.size:
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

    def warm(self) -> None:
        """Have one worker ready before anyone trains (cheap to call on every page run)."""
        if not in_process():
            self.start_spare()

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
        with self._lock:
            self._busy -= 1
            keep = healthy and w.alive and len(self._idle) < SLOTS.size
            if keep:
                self._idle.append(w)
        if not keep:
            w.kill()

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            w.kill()

    @property
    def idle(self) -> int:
        with self._lock:
            return len(self._idle)


POOL = WorkerPool()


def warm() -> None:
    """Start one worker now, so the first training run does not wait for Python to start (see module doc)."""
    POOL.warm()


# --- running a task ------------------------------------------------------------------------------------------
class _InlineChannel(_Channel):
    def __init__(self, on_message: Callable[[str, Any], Any], stop: threading.Event) -> None:
        self.on_message = on_message
        self.stop = stop
        self._stop = False

    def emit(self, kind: str, body: Any) -> None:
        if self.on_message(kind, body) is False:
            self._stop = True

    def stopped(self) -> bool:
        return self._stop or self.stop.is_set()


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
                kind, _ = _recv(w.conn)
                if kind in ("done", "error"):
                    return True
            elif not w.alive:
                return False
    except (EOFError, OSError, ValueError):
        return False
    return False


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
    with slot(stop=stop, on_wait=on_wait, ticket=ticket) as got:
        if not got:
            return None
        if on_start is not None:
            on_start()
        if in_process():
            single_blas_thread()
            return TASKS[task](body, _InlineChannel(on_message, stop))
        return _run_in_worker(task, body, on_message, stop)


_HELD = threading.local()  # .depth: slots this thread holds through slot() (nested runs reuse the outer one)


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
    if not SLOTS.acquire(ticket, stop or threading.Event(), on_wait=on_wait):
        yield False
        return
    _HELD.depth = 1
    try:
        yield True
    finally:
        _HELD.depth = 0
        SLOTS.release(ticket)


def _run_in_worker(task: str, body: dict, on_message, stop: threading.Event) -> dict:
    w = POOL.take()
    POOL.start_spare()  # the next run should not wait for a worker to start
    healthy = False
    try:
        _send(w.conn, task, body)
        stop_sent = False
        while True:
            if stop.is_set() and not stop_sent:
                _send(w.conn, "stop")
                stop_sent = True
            try:
                if not w.conn.poll(0.05):
                    if not w.alive:
                        raise WorkerError(f"exit code {w.process.exitcode}")
                    continue
                kind, msg = _recv(w.conn)
            except (EOFError, OSError, ValueError) as exc:
                raise WorkerError(type(exc).__name__) from None
            if kind == "done":
                healthy = True
                return msg
            if kind == "error":
                healthy = True
                _raise(msg)
            if on_message(kind, msg) is False and not stop_sent:
                _send(w.conn, "stop")
                stop_sent = True
    except CoreError:  # the task's own error (the worker is fine) or a broken worker (healthy stays False)
        raise
    except BaseException:  # a callback raised (e.g. Streamlit stopping the script): stop the task, then re-raise
        try:
            _send(w.conn, "stop")
            healthy = _drain(w, STOP_DRAIN_S)
        except (OSError, ValueError):
            healthy = False
        raise
    finally:
        POOL.give_back(w, healthy)


# --- what the app calls ------------------------------------------------------------------------------------------
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


@dataclasses.dataclass
class FitResult:
    """A fitted forecaster, its history, and (when asked) its evaluation."""

    forecaster: Forecaster
    history: FitHistory
    evaluation: dict | None = None


def fit(values, config: ForecastConfig, *, on_epoch: Callable[[EpochInfo], Any] | None = None,
        on_snapshot: Callable[[dict], Any] | None = None, probe: dict | None = None, evaluate: bool = False,
        stop: threading.Event | None = None, on_wait: Callable[[int], Any] | None = None,
        on_start: Callable[[], Any] | None = None, ticket: str | None = None) -> FitResult | None:
    """``Forecaster(config).fit(values)`` in a worker: the same model, bit for bit, as fitting here.

    ``on_epoch(info)`` per epoch (``info.model``/``info.forecaster`` are None: they live in the worker;
    returning False stops the run with the best weights so far). ``probe``: ``{"values", "num_layers",
    "directions", "names", "max", "budget"}`` records the gates on that window (``on_snapshot`` receives
    ``{"epoch", "train_loss", "val_loss", "gates", "stride"}``; see ``_Recorder``). ``evaluate``: also
    return ``Forecaster.evaluate()``. None when ``stop`` was set before the run got a slot.
    """

    def on_message(kind: str, msg: Any) -> Any:
        if kind == "epoch" and on_epoch is not None:
            return on_epoch(msg)
        if kind == "snapshot" and on_snapshot is not None:
            return on_snapshot(msg)
        return None

    body = {"values": np.asarray(values, dtype=np.float64), "config": config.to_dict(), "probe": probe,
            "evaluate": evaluate}
    out = run("fit", body, on_message=on_message, stop=stop, on_wait=on_wait, on_start=on_start, ticket=ticket)
    if out is None:
        return None
    fc = Forecaster.load(out["model"].tobytes())
    return FitResult(fc, fc.history, out.get("evaluation"))


def backtest_origin(x: np.ndarray, cfg_o: ForecastConfig, origin: int, levels: tuple[int, ...], season_length: int,
                    callback: Callable[[EpochInfo], Any] | None = None,
                    on_wait: Callable[[int], Any] | None = None) -> OriginResult:
    """``lstm_core.backtest.backtest_origin`` in a worker (same arguments, same result)."""
    body = {"x": np.asarray(x, dtype=np.float64), "config": cfg_o.to_dict(), "origin": int(origin),
            "levels": [int(v) for v in levels], "season_length": int(season_length)}
    out = run("backtest_origin", body, on_message=lambda kind, info: callback(info) if callback else None,
              on_wait=on_wait)
    return out["result"]


def compare_memory(X: np.ndarray, Y: np.ndarray, X_test: np.ndarray, Y_test: np.ndarray, config: MemoryConfig,
                   lag: int, progress: Callable[[str, EpochInfo], Any] | None = None,
                   on_wait: Callable[[int], Any] | None = None) -> Comparison:
    """``lstm_core.memory.compare_kinds`` in a worker (same arguments, same result)."""
    body = {"X": np.asarray(X), "Y": np.asarray(Y), "X_test": np.asarray(X_test), "Y_test": np.asarray(Y_test),
            "config": config, "lag": int(lag)}

    def on_message(kind: str, msg: dict) -> Any:
        return progress(msg["kind"], msg["info"]) if progress is not None else None

    out = run("compare_memory", body, on_message=on_message, on_wait=on_wait)
    return out["comparison"]
