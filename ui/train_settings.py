"""The Train page's settings: widget options, the automatic defaults for a series, the widgets' session values,
and the ``ForecastConfig`` they make.

Settings are a dict ``{name: value}`` kept in ``state.TRAIN_SETTINGS`` (widgets forget their values on a page
switch, so they are re-seeded from it); the defaults come from ``ui.trainer.default_config`` for the series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig
from ui import state, trainer

CELLS = ("lstm", "gru", "rnn")
HIDDEN = (4, 8, 16, 24, 32, 48, 64, 96, 128)
BATCHES = (8, 16, 32, 64, 128)
RATES = (1e-4, 3e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BASIC = ("cell", "hidden_size", "window", "epochs")  # shown in classroom mode too
ADVANCED = ("bidirectional", "num_layers", "horizon", "batch_size", "learning_rate", "seed", "early_stop", "patience")
DATA_DEPENDENT = ("window", "horizon", "epochs", "batch_size")  # re-derived when the series changes
OPTIONS = {"hidden_size": HIDDEN, "batch_size": BATCHES, "learning_rate": RATES}  # settings with fixed choices
INTS = ("hidden_size", "window", "epochs", "num_layers", "horizon", "batch_size", "seed", "patience")


def auto_settings(loaded: state.LoadedSeries) -> dict[str, Any]:
    """The automatic settings for ``loaded`` (the engine's defaults when the series is too short for them)."""
    try:
        cfg = trainer.default_config(loaded)
    except CoreError:
        cfg = ForecastConfig(ensemble=trainer.APP_ENSEMBLE)
    return {
        "cell": cfg.cell, "hidden_size": cfg.hidden_size, "window": cfg.window, "epochs": cfg.epochs,
        "bidirectional": cfg.bidirectional, "num_layers": cfg.num_layers, "horizon": cfg.horizon,
        "batch_size": cfg.batch_size, "learning_rate": cfg.learning_rate, "seed": cfg.seed,
        "early_stop": cfg.patience > 0, "patience": max(cfg.patience, 1),
    }


def nearest(options: Sequence, value: Any) -> Any:
    """The option closest to ``value``."""
    return min(options, key=lambda o: abs(float(o) - float(value)))


def limits(n: int) -> tuple[int, int]:
    """(largest window, largest horizon) offered for a series of ``n`` points."""
    return max(2, min(512, n // 2)), max(1, min(365, n // 4))


def prepare_widgets(loaded: state.LoadedSeries, auto: Mapping[str, Any]) -> dict[str, Any]:
    """The session's settings, with every setting widget's value seeded from them and kept within its choices.

    A new series re-derives the data-dependent settings (``DATA_DEPENDENT``) from ``auto``.
    """
    settings: dict = state.init(state.TRAIN_SETTINGS, dict(auto))
    if st.session_state.get(state.TRAIN_SETTINGS_FOR) != loaded.key:
        st.session_state[state.TRAIN_SETTINGS_FOR] = loaded.key
        for name in DATA_DEPENDENT:
            settings[name] = auto[name]
            st.session_state.pop(state.train_widget_key(name), None)
    for name, value in settings.items():  # widgets forget their values on a page switch: re-seed them
        if state.train_widget_key(name) not in st.session_state:
            st.session_state[state.train_widget_key(name)] = value
    for name, options in OPTIONS.items():
        wk = state.train_widget_key(name)
        if st.session_state[wk] not in options:
            st.session_state[wk] = nearest(options, st.session_state[wk])
    max_window, max_horizon = limits(loaded.n)
    for name, hi in (("window", max_window), ("horizon", max_horizon)):
        wk = state.train_widget_key(name)
        st.session_state[wk] = int(min(max(int(st.session_state[wk]), 1 if name == "horizon" else 2), hi))
    return settings


def read_widgets(settings: dict[str, Any]) -> None:
    """Copy the widgets' values into ``settings`` (the session's dict)."""
    for name in settings:
        settings[name] = st.session_state[state.train_widget_key(name)]


def overrides(settings: Mapping[str, Any], classroom: bool, default_lr: float) -> dict[str, Any]:
    """The ``ForecastConfig`` fields the settings choose, typed; classroom mode uses only ``BASIC`` ones."""
    chosen = {k: settings[k] for k in BASIC}
    if not classroom:
        chosen.update({k: settings[k] for k in ADVANCED if k not in ("early_stop", "patience")})
        chosen["patience"] = int(settings["patience"]) if settings["early_stop"] else 0
    for k in INTS:
        if k in chosen:
            chosen[k] = int(chosen[k])
    chosen["learning_rate"] = float(chosen.get("learning_rate", default_lr))
    chosen["bidirectional"] = bool(chosen.get("bidirectional", False))
    return chosen


def build_config(loaded: state.LoadedSeries, settings: Mapping[str, Any], auto: Mapping[str, Any],
                 classroom: bool) -> ForecastConfig:
    """The chosen settings as a validated ``ForecastConfig`` (CoreError for an impossible combination)."""
    return trainer.default_config(loaded, **overrides(settings, classroom, auto["learning_rate"]))
