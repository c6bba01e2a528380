"""The Explore page's runs: the three kinds of network on the same series and seed, their attributions, and the
trace of the span "Select and match" reads, each computed once and kept in this session.

The session's trained model is one kind; the other two are the same settings with another cell (same series,
split, window, horizon, seed and epochs), trained on request through the worker path (``ui.workers.fit``) and
kept process-wide too (``explore_store``: fits are seeded, so a class trains each one once). The pure parts:
``ui.explore_drivers`` (attributions), ``ui.explore_select`` (ranking, matching).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from lstm_core.forecast import ForecastConfig, Forecaster
from ui import state, traces, widgets, workers
from ui.explore_drivers import Drivers, forecast_drivers
from ui.i18n import fmt_num, translate
from ui.plots.colors import cell_range
from ui.progress import throttled

CELLS: tuple[str, ...] = ("lstm", "gru", "rnn")  # the kinds compared, in display order
SPAN = 500  # steps "Select and match" traces at most: the newest ones of the series
DRIVERS_CACHE = 24  # attributions kept per session (model × origin × steps)


@st.cache_resource(show_spinner=False)
def explore_store() -> workers.ResultStore:
    """The other kinds fitted here, per (data fingerprint, config), shared by the server's sessions."""
    return workers.ResultStore(24)


def kind_config(config: ForecastConfig, cell: str) -> ForecastConfig:
    """``config`` with another cell, everything else the same (series, split, window, horizon, seed, epochs)."""
    return dataclasses.replace(config, cell=cell).validate()


def _key(data_key: str, config: ForecastConfig) -> tuple[str, str]:
    return data_key, config.to_json()


def forecasters(model: state.TrainedModel) -> dict[str, Forecaster]:
    """The kinds available now: the session's model for its own cell, and the others trained here before."""
    trained = st.session_state.get(state.EXPLORE_MODELS, {})
    out: dict[str, Forecaster] = {}
    for cell in CELLS:
        if cell == model.config.cell:
            out[cell] = model.forecaster
        else:
            found = trained.get(_key(model.data_key, kind_config(model.config, cell)))
            if found is not None:
                out[cell] = found
    return out


def model_key(model: state.TrainedModel, cell: str) -> str:
    """A key of one kind's weights: the session model's fingerprint, or a hash of (data, config) for the others
    (their fits are seeded, so equal keys hold equal weights)."""
    if cell == model.config.cell:
        return model.fingerprint
    cfg = kind_config(model.config, cell)
    return hashlib.sha1((model.data_key + cfg.to_json()).encode()).hexdigest()[:16]


def _progress(bar, label: str, lang: str) -> Callable[[Any], None]:
    def draw(info) -> None:
        bar.progress(min(info.epoch / info.epochs, 1.0),
                     text=translate(lang, "explore.drivers.training", model=label, epoch=info.epoch,
                                    epochs=info.epochs, loss=fmt_num(info.val_loss or 0.0, 4, lang)))

    return throttled(draw)


def train_missing(loaded: state.LoadedSeries, model: state.TrainedModel, lang: str) -> None:
    """Train the kinds ``forecasters`` lacks, one progress bar each, and keep them in this session.

    Raises ``CoreError``/``WorkerError`` (the caller shows it; what was trained before stays).
    """
    values = loaded.series.to_numpy(dtype=np.float64)
    trained = st.session_state.setdefault(state.EXPLORE_MODELS, {})
    have = forecasters(model)
    for cell in CELLS:
        if cell in have:
            continue
        cfg = kind_config(model.config, cell)
        label = translate(lang, f"cell_kind.{cell}")
        bar = st.progress(0.0, text=translate(lang, "explore.drivers.waiting", model=label))
        on_epoch = _progress(bar, label, lang)

        def make(cfg=cfg, on_epoch=on_epoch) -> workers.FitResult:
            return workers.fit(values, cfg, on_epoch=on_epoch)

        fitted = explore_store().get_or_make(_key(loaded.key, cfg), make, on_wait=widgets.slot_waiter(bar))
        trained[_key(loaded.key, cfg)] = fitted.forecaster
        st.session_state[state.EXPLORE_TRAIN_RUNS] = int(st.session_state.get(state.EXPLORE_TRAIN_RUNS, 0)) + 1
        bar.progress(1.0, text=translate(lang, "explore.drivers.trained", model=label))


def cached_drivers(key: str, fc: Forecaster, values: np.ndarray, origin: int, steps: tuple[int, ...]) -> Drivers:
    """The attributions of ``steps`` of ``fc`` for the window before ``origin``, from this session's small LRU:
    changing the method, or the step within ``steps``, never recomputes them."""
    cache: OrderedDict = st.session_state.setdefault(state.EXPLORE_DRIVERS, OrderedDict())
    ck = (key, int(origin), tuple(steps))
    if ck in cache:
        cache.move_to_end(ck)
        return cache[ck]
    found = forecast_drivers(fc, values, int(origin), steps)
    cache[ck] = found
    while len(cache) > DRIVERS_CACHE:
        cache.popitem(last=False)
    return found


def span_bounds(n: int) -> tuple[int, int]:
    """[first, end): the newest ``SPAN`` steps of an n-point series (all of it when shorter)."""
    return max(0, n - SPAN), n


def span_trace(model: state.TrainedModel, loaded: state.LoadedSeries) -> tuple[int, int, traces.TraceView]:
    """``(first, end, view)``: every gate of the trained network on the span, traced once per model and span."""
    values = loaded.series.to_numpy(dtype=np.float64)
    index = np.asarray(loaded.series.index)
    first, end = span_bounds(values.size)
    held = st.session_state.get(state.EXPLORE_TRACE)
    if held is not None and held[:3] == (model.fingerprint, first, end):
        return first, end, held[3]
    view = traces.compute_trace(model, values[first:end], index[first:end], 1.0)
    if model.config.cell == "lstm":
        view.c_range = max(cell_range(z) for (_, _, name), z in view.gates.items() if name == "cell")
    st.session_state[state.EXPLORE_TRACE] = (model.fingerprint, first, end, view)
    return first, end, view
