"""Gate clamping ("what if?"): a normal and a clamped forward pass side by side, and how far they drift apart.

Pure NumPy on the core's public API (no streamlit, no plotly); ``ui.plots.clamp`` draws the results.

- :func:`run_pair` runs one network twice on the same input, once as it is and once with ``Clamp`` overrides
  (``lstm_core.Clamp``: a gate forced to a value for some units and steps), and returns the states of both.
- :func:`forecast_pair` does the same through a fitted ``Forecaster``'s member 0: the window is scaled as in
  training, the net reads it (with or without the clamps), the head maps the final hidden state to the forecast,
  ``ŷ = a + s · (W_o h_T + b_o)``, fed back for the recursive strategy (the clamps apply on every pass).
- :func:`member_runs` does both for a forecaster's member 0 on its window (states and forecasts).
- :func:`summary` measures how far the clamped run moved from the normal one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ui.cell_values import layer_gates

STATES = {"LSTM": ("cell", "hidden"), "GRU": ("hidden",)}
# the value a gate is forced to by default: the classic thought experiments
DEFAULT_VALUE = {"forget": 1.0, "input": 0.0, "output": 1.0, "candidate": 0.0, "reset": 0.0, "update": 1.0}
CLAMPABLE = {"LSTM": ("forget", "input", "output", "candidate"), "GRU": ("update", "reset", "candidate")}
FROZEN_TOL = 1e-6  # a state that moves less than this over the clamped span counts as frozen


def run_pair(net: Any, x: np.ndarray, clamps: Any, layer: int = 0, direction: str = "forward") -> dict:
    """Normal and clamped states of one input sequence ``x`` (T,) or (T, in).

    Returns ``{"normal": {name: (T, H)}, "clamped": {name: (T, H)}}`` for the states of ``STATES[kind]`` and
    every gate, as float64 copies (so the result can be cached).
    """
    x = np.asarray(x, dtype=np.float64)
    x3 = x.reshape(1, x.shape[0], -1).astype(net.dtype)  # (1, T, in)
    _, tr0 = net.forward(x3)
    _, tr1 = net.forward(x3, clamp=clamps)
    return {"normal": layer_gates(tr0, layer, direction), "clamped": layer_gates(tr1, layer, direction)}


def _final_features(y: np.ndarray, hidden_size: int) -> np.ndarray:
    """What the head reads: h_T (joined with the backward direction's h at t = 0 when bidirectional)."""
    if y.shape[-1] == hidden_size:
        return y[:, -1, :]  # (B, H)
    return np.concatenate([y[:, -1, :hidden_size], y[:, 0, hidden_size:]], axis=1)  # (B, 2H)


def member_forecast(forecaster: Any, window: np.ndarray, clamps: Any = None, horizon: int | None = None
                    ) -> np.ndarray:
    """Forecast (horizon,) of the forecaster's member 0 after ``window`` (series units), optionally clamped.

    Member 0 is the network whose gates the pages show. ``window``: at least ``config.window`` points; the last
    ``config.window`` are read. Recursive strategy: one step at a time, fed back, the clamps applied each pass.
    """
    cfg = forecaster.config
    model = forecaster.models[0]
    H = int(horizon or cfg.horizon)
    X = np.asarray(window, dtype=np.float64)[None, -cfg.window:]  # (1, W)
    out = np.empty(H)
    done = 0
    while done < H:
        Xs, _, a = forecaster.scaler.transform(X)
        y, _ = model.net.forward(Xs[:, :, None].astype(cfg.dtype), clamp=clamps)  # (1, W, D*Hs)
        pred, _ = model.head.forward(_final_features(y, model.net.hidden_size))  # (1, Hm)
        step = forecaster.scaler.inverse(pred, a)[0]
        take = min(step.size, H - done)
        out[done:done + take] = step[:take]
        done += take
        X = np.concatenate([X, step[None, :take]], axis=1)[:, -cfg.window:]
    return out


def forecast_pair(forecaster: Any, window: np.ndarray, clamps: Any) -> tuple[np.ndarray, np.ndarray]:
    """(normal, clamped) member-0 forecasts after ``window``, each (horizon,) in series units."""
    return member_forecast(forecaster, window), member_forecast(forecaster, window, clamps)


def member_runs(forecaster: Any, window: np.ndarray, clamps: Any) -> dict:
    """:func:`run_pair` of member 0 on ``window`` (W,) in series units, scaled as in training, plus
    ``"forecast"``: :func:`forecast_pair` after that window."""
    xs = forecaster.scaler.transform(window[None, :])[0][0]  # (W,) scaled as in training
    out = run_pair(forecaster.models[0].net, xs, clamps)
    out["forecast"] = forecast_pair(forecaster, window, clamps)
    return out


def summary(pair: Mapping[str, Mapping[str, np.ndarray]], kind: str, steps: tuple[int, int],
            units: Sequence[int] | None) -> dict[str, Any]:
    """How much the clamp changed the states: mean and max |Δ| per state, and whether a state froze.

    ``steps``: the clamped half-open span (t0, t1); ``units``: clamped units (None = all). A state is
    "frozen" when, on every clamped unit, it stays within ``FROZEN_TOL`` over at least two clamped steps.
    """
    t0, t1 = steps
    out: dict[str, Any] = {"frozen": None}
    for name in STATES[kind]:
        d = pair["clamped"][name] - pair["normal"][name]
        out[f"{name}_mean"] = float(np.abs(d).mean())
        out[f"{name}_max"] = float(np.abs(d).max())
        cols = slice(None) if units is None else list(units)
        span = pair["clamped"][name][t0:t1][:, cols]
        if out["frozen"] is None and t1 - t0 >= 2 and float(np.ptp(span, axis=0).max()) < FROZEN_TOL:
            out["frozen"] = name
    return out
