"""The gates of a trained model on a window of the series, for the Gates page: computed once per model and
window and kept in a small per-session LRU, so cursor, unit, layer or direction changes never run the network."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from ui import state, teaching
from ui.plots.colors import GATES_BY_CELL, cell_range


@dataclass
class TraceView:
    """The gates of one model on one window: ``gates[(layer, direction, name)]`` (T, H) float32."""

    gates: dict
    values: np.ndarray  # (T,) raw series values the network read
    index: np.ndarray  # (T,) their dates or steps
    names: tuple
    num_layers: int
    directions: tuple
    hidden_size: int
    c_range: float = 1.0
    extra: dict = field(default_factory=dict)


TRACE_CACHE_SIZE = 4


def compute_trace(model: state.TrainedModel, values: np.ndarray, index: np.ndarray, c_range: float) -> TraceView:
    """Run the trained network (member 0) on ``values`` and keep every gate of every layer/direction (pure)."""
    fc = model.forecaster
    cfg = model.config
    trace = fc.trace(values)
    names = GATES_BY_CELL[cfg.cell]
    dirs = ("forward", "backward") if cfg.bidirectional else ("forward",)
    gates = trace.gate_arrays(names=names, directions=dirs, dtype=np.float32)
    return TraceView(gates, np.asarray(values, dtype=np.float64), np.asarray(index), names, cfg.num_layers, dirs,
                     cfg.hidden_size, c_range)


def model_cell_range(model: state.TrainedModel) -> float:
    """Fixed half-range of the cell-state colours for a model: from its cell states over the whole series."""
    cfg = model.config
    if cfg.cell != "lstm":
        return 1.0
    fc = model.forecaster
    trace = fc.trace(fc.values)
    dirs = ("forward", "backward") if cfg.bidirectional else ("forward",)
    peak = max(cell_range(trace.gate("cell", layer=layer, direction=d))
               for layer in range(cfg.num_layers) for d in dirs)
    return float(peak)


def cached_trace(model: state.TrainedModel, key: str, start: int, end: int, series_values: np.ndarray,
                 series_index: np.ndarray) -> TraceView:
    """The trace of ``model`` on positions [start, end) of the series, from this session's small LRU cache.

    A miss computes it (and counts it in ``state.GATES_TRACE_COUNT``); cursor, unit, layer or direction
    changes reuse the same entry, so they never run the network again.
    """
    cache: OrderedDict = st.session_state.setdefault(state.GATES_TRACES, OrderedDict())
    ck = (key, int(start), int(end))
    if ck in cache:
        cache.move_to_end(ck)
        return cache[ck]
    ranges = st.session_state.setdefault(state.GATES_C_RANGE, {})
    if key not in ranges:
        ranges.clear()
        ranges[key] = model_cell_range(model)
    view = compute_trace(model, series_values[start:end], series_index[start:end], ranges[key])
    cache[ck] = view
    while len(cache) > TRACE_CACHE_SIZE:
        cache.popitem(last=False)
    st.session_state[state.GATES_TRACE_COUNT] = int(st.session_state.get(state.GATES_TRACE_COUNT, 0)) + 1
    return view


def first_window_gates(model: state.TrainedModel, loaded: state.LoadedSeries) -> tuple[dict, np.ndarray]:
    """Layer 0's forward gates ``{name: (T, H)}`` on the Gates page's default stretch, and the values read
    there, from this session's trace cache (the Gates page and the lesson share the entry)."""
    values = loaded.series.to_numpy(dtype=np.float64)
    start, end = teaching.gates_window(values.size, model.config.window)
    view = cached_trace(model, model.fingerprint, start, end, values, np.asarray(loaded.series.index))
    return {name: view.gates[(0, "forward", name)] for name in view.names}, view.values
