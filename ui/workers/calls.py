"""What the app calls: the core's training functions, run through a worker with the same arguments and
the same results, bit for bit, as calling them here."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_core.backtest import OriginResult
from lstm_core.forecast import FitHistory, ForecastConfig, Forecaster
from lstm_core.memory import Comparison, MemoryConfig
from lstm_core.train import EpochInfo
from ui.workers.runner import run


@dataclasses.dataclass
class FitResult:
    """A fitted forecaster, its history, and (when asked) its evaluation."""

    forecaster: Forecaster
    history: FitHistory
    evaluation: dict | None = None


def fit(values, config: ForecastConfig, *, on_epoch: Callable[[EpochInfo], Any] | None = None,
        on_snapshot: Callable[[dict], Any] | None = None, on_live: Callable[[dict], Any] | None = None,
        probe: dict | None = None, evaluate: bool = False,
        stop: threading.Event | None = None, on_wait: Callable[[int], Any] | None = None,
        on_start: Callable[[], Any] | None = None, ticket: str | None = None) -> FitResult | None:
    """``Forecaster(config).fit(values)`` in a worker: the same model, bit for bit, as fitting here.

    ``on_epoch(info)`` per epoch (``info.model``/``info.forecaster`` are None: they live in the worker;
    returning False stops the run with the best weights so far). ``probe``: ``{"values", "num_layers",
    "directions", "names", "max", "budget"}`` records the gates on that window (``on_snapshot`` receives
    ``{"epoch", "train_loss", "val_loss", "gates", "stride"}``; see ``tasks.Recorder``); with ``probe["live"]``
    (gate names), ``on_live`` receives ``{"epoch", "gates": {name: (T, H)}}`` of layer 0 every epoch. ``evaluate``: also
    return ``Forecaster.evaluate()``. None when ``stop`` was set before the run got a slot.
    """

    def on_message(kind: str, msg: Any) -> Any:
        if kind == "epoch" and on_epoch is not None:
            return on_epoch(msg)
        if kind == "snapshot" and on_snapshot is not None:
            return on_snapshot(msg)
        if kind == "live" and on_live is not None:
            return on_live(msg)
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
