"""The tasks a worker runs (fit, backtest origin, memory comparison, status), by name in ``TASKS``.

The same functions run in the calling thread when ``LSTM_LAB_WORKERS=0``. This is all a worker process needs:
NumPy and ``lstm_core``, nothing of Streamlit.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_core.backtest import backtest_origin
from lstm_core.forecast import ForecastConfig, Forecaster
from lstm_core.memory import compare_kinds
from lstm_core.train import EpochInfo
from ui.workers import cpu


class Channel:
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


class Recorder:
    """What the gates do on a probe window while the network learns.

    After an epoch, at most every ``live_every_s`` seconds (and after the first): the ``live`` gates (layer 0,
    forward direction) for the Train page's compact view, which the server decodes and redraws. Every
    ``stride`` epochs: a snapshot of every gate for the replay; the stride doubles when there are too many. The
    caller keeps every snapshot it receives whose ``(epoch - 1) % stride == 0`` for the latest stride: dropping
    every second snapshot when the stride doubles keeps them evenly spread from epoch 1 on. Epoch 0 (the
    untrained initialisation, seen through ``Forecaster.fit(on_start=...)``) is always due and always kept.
    """

    def __init__(self, probe: dict) -> None:
        self.values = np.asarray(probe["values"], dtype=np.float64)
        self.layers = int(probe["num_layers"])
        self.directions = tuple(probe["directions"])
        self.names = tuple(probe["names"])
        self.live_names = tuple(probe.get("live", ()))
        self.live_every_s = float(probe.get("live_every_s", 0.0))
        self.live_sent = -math.inf
        self.most = int(probe["max"])
        self.budget = int(probe["budget"])
        self.stride, self.count = 1, 0

    def observe(self, info: EpochInfo) -> list[tuple[str, dict]]:
        """The messages of one finished epoch: ``("live", ...)`` and, when one is due, ``("snapshot", ...)``."""
        due = info.epoch == 0 or (info.epoch - 1) % self.stride == 0
        now = time.monotonic()
        live_due = bool(self.live_names) and now - self.live_sent >= self.live_every_s
        if info.epoch == 0:
            live_due = False  # the live view shows trained epochs only
        if not due and not live_due:
            return []
        fc, net = info.forecaster, info.model.net
        Xs, _, _ = fc.scaler.transform(self.values[None, :])  # (1, T), scaled exactly like training
        _, trace = net.forward(Xs[:, :, None].astype(fc.config.dtype))
        out = []
        if live_due:
            self.live_sent = now
            live = trace.gate_arrays(names=self.live_names, layers=[0], directions=["forward"], dtype=np.float32)
            out.append(("live", {"epoch": info.epoch, "gates": {name: a for (_, _, name), a in live.items()}}))
        if due:
            out.append(("snapshot", self._snapshot(info, trace)))
        return out

    def _snapshot(self, info: EpochInfo, trace) -> dict:
        gates = trace.gate_arrays(names=self.names, layers=range(self.layers), directions=self.directions,
                                  dtype=np.float32)  # {(layer, direction, name): (T, H)}
        size = sum(a.nbytes for a in gates.values())
        cap = max(4, min(self.most, self.budget // max(size, 1))) - 1  # big networks keep fewer; one is epoch 0
        self.count += info.epoch > 0
        if self.count > cap:
            self.stride *= 2
            self.count = (self.count + 1) // 2
        return {"epoch": info.epoch, "train_loss": float(info.train_loss) if math.isfinite(info.train_loss) else None,
                "val_loss": None if info.val_loss is None else float(info.val_loss),
                "gates": gates, "stride": self.stride}


def _task_fit(p: dict, ch: Channel) -> dict:
    """``Forecaster.fit`` with per-epoch progress, optional gate snapshots and evaluation; returns the model."""
    fc = Forecaster(ForecastConfig.from_dict(p["config"]))
    rec = Recorder(p["probe"]) if p.get("probe") else None

    def on_epoch(info: EpochInfo) -> bool:
        ch.emit("epoch", _plain_info(info))
        for kind, body in rec.observe(info) if rec is not None else ():
            ch.emit(kind, body)
        return not ch.stopped()

    def on_start(info: EpochInfo) -> None:
        for kind, body in rec.observe(info):
            ch.emit(kind, body)

    hist = fc.fit(p["values"], callback=on_epoch, batch_callback=lambda info: not ch.stopped(),
                  on_start=on_start if rec is not None else None)
    evaluation = fc.evaluate() if p.get("evaluate") and hist.best_epoch > 0 else None
    return {"model": model_bytes(fc), "evaluation": evaluation}


def _task_backtest_origin(p: dict, ch: Channel) -> dict:
    def relay(info: EpochInfo) -> bool:
        ch.emit("epoch", _plain_info(info))
        return not ch.stopped()

    result = backtest_origin(p["x"], ForecastConfig.from_dict(p["config"]), int(p["origin"]), tuple(p["levels"]),
                             int(p["season_length"]), relay)
    return {"result": result}


def _task_compare_memory(p: dict, ch: Channel) -> dict:
    def progress(kind: str, info: EpochInfo) -> bool:
        ch.emit("progress", {"kind": kind, "info": _plain_info(info)})
        return not ch.stopped()

    comp = compare_kinds(p["X"], p["Y"], p["X_test"], p["Y_test"], p["config"], int(p["lag"]), progress=progress)
    return {"comparison": comp}


def _task_status(p: dict, ch: Channel) -> dict:
    """Who runs the tasks: for tests and diagnostics."""
    main = sys.modules.get("__main__")
    return {"pid": os.getpid(), "priority": cpu.priority(), "streamlit_imported": "streamlit" in sys.modules,
            "main": getattr(main, "__name__", ""), "main_file": getattr(main, "__file__", None)}


TASKS: dict[str, Callable[[dict, Channel], dict]] = {
    "status": _task_status,
    "fit": _task_fit,
    "backtest_origin": _task_backtest_origin,
    "compare_memory": _task_compare_memory,
}
