"""Gate clamping ("what if?"): a normal and a clamped forward pass side by side, and the figures that compare them.

Values (pure NumPy on the core's public API):

- :func:`run_pair` runs one network twice on the same input, once as it is and once with ``Clamp`` overrides
  (``lstm_core.Clamp``: a gate forced to a value for some units and steps), and returns the states of both.
- :func:`forecast_pair` does the same through a fitted ``Forecaster``'s member 0: the window is scaled as in
  training, the net reads it (with or without the clamps), the head maps the final hidden state to the forecast,
  ``ŷ = a + s · (W_o h_T + b_o)``, fed back for the recursive strategy (the clamps apply on every pass).
- :func:`summary` measures how far the clamped run moved from the normal one.

Figures (pure Plotly, no streamlit): :func:`difference_heatmaps` (clamped − normal, units × time, diverging
scale centred on 0 with a symmetric range), :func:`state_curves` (one unit's states, normal vs clamped) and
:func:`forecast_figure` (the two forecasts after the window). The clamped span is shaded in every figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.i18n import translate
from ui.plots import colors

STATES = {"LSTM": ("cell", "hidden"), "GRU": ("hidden",)}
# the value a gate is forced to by default: the classic thought experiments
DEFAULT_VALUE = {"forget": 1.0, "input": 0.0, "output": 1.0, "candidate": 0.0, "reset": 0.0, "update": 1.0}
CLAMPABLE = {"LSTM": ("forget", "input", "output", "candidate"), "GRU": ("update", "reset", "candidate")}
FROZEN_TOL = 1e-6  # a state that moves less than this over the clamped span counts as frozen


# --- values -----------------------------------------------------------------------------------------
def run_pair(net: Any, x: np.ndarray, clamps: Any, layer: int = 0, direction: str = "forward") -> dict:
    """Normal and clamped states of one input sequence ``x`` (T,) or (T, in).

    Returns ``{"normal": {name: (T, H)}, "clamped": {name: (T, H)}}`` for the states of ``STATES[kind]`` and
    every gate, as float64 copies (so the result can be cached).
    """
    x = np.asarray(x, dtype=np.float64)
    x3 = x.reshape(1, x.shape[0], -1).astype(net.dtype)  # (1, T, in)
    _, tr0 = net.forward(x3)
    _, tr1 = net.forward(x3, clamp=clamps)
    names = tr0.gate_names
    return {
        "normal": {n: np.asarray(tr0.gate(n, layer, direction), dtype=np.float64)[0].copy() for n in names},
        "clamped": {n: np.asarray(tr1.gate(n, layer, direction), dtype=np.float64)[0].copy() for n in names},
    }


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


# --- figures ----------------------------------------------------------------------------------------
def _symmetric_range(d: np.ndarray) -> float:
    """Half-range of the difference scale: max |d| rounded up to 1, 2 or 5 × 10^k (at least 1e-3)."""
    peak = float(np.abs(d).max()) if d.size else 0.0
    if not math.isfinite(peak) or peak < 1e-3:
        return 1e-3
    k = math.floor(math.log10(peak))
    for m in (1, 2, 5, 10):
        if m * 10**k >= peak:
            return float(m * 10**k)
    return float(10 ** (k + 1))


def _band(fig: go.Figure, steps: tuple[int, int], gate: str, **where: Any) -> None:
    """Shade the clamped span t0..t1−1 (in the forced gate's colour, light)."""
    t0, t1 = steps
    fig.add_vrect(x0=t0 - 0.5, x1=t1 - 0.5, fillcolor=colors.gate_color(gate), opacity=0.12, line_width=0,
                  layer="below", name="clamped_span", **where)


def difference_heatmaps(pair: Mapping[str, Mapping[str, np.ndarray]], kind: str, gate: str,
                        steps: tuple[int, int], *, lang: str = "en") -> go.Figure:
    """One heatmap per state of clamped − normal (units × steps), diverging scale centred on 0.

    Each state has its own symmetric range ``±_symmetric_range(max |Δ|)`` (the cell state is unbounded, the
    hidden state lives in −1..1, so a shared range would wash the hidden panel out) and its own colour bar.
    """
    names = STATES[kind]
    diffs = {n: pair["clamped"][n] - pair["normal"][n] for n in names}
    unit_lbl = translate(lang, "plot.gates.unit")
    step_lbl = translate(lang, "plot.step")
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[translate(lang, "plot.clamp.diff_title", state=translate(lang, f"gate.{n}"))
                                        for n in names])
    for row, name in enumerate(names, start=1):
        d = diffs[name]  # (T, H)
        T, H = d.shape
        r = _symmetric_range(d)
        lo, hi = fig.layout[f"yaxis{row}"].domain
        fig.add_trace(go.Heatmap(
            z=d.T.astype(np.float32), x=np.arange(T), y=np.arange(H), colorscale=colors.DIVERGING,
            zmin=-r, zmax=r, zmid=0.0, name=name,
            colorbar={"len": hi - lo, "y": (lo + hi) / 2, "thickness": 10},
            hovertemplate=f"{unit_lbl} %{{y}}<br>{step_lbl} %{{x}}<br>Δ %{{z:.4f}}<extra></extra>",
        ), row=row, col=1)
        fig.update_yaxes(title_text=unit_lbl, row=row, col=1)
        _band(fig, steps, gate, row=row, col=1)
    fig.update_xaxes(title_text=step_lbl, row=len(names), col=1)
    fig.update_layout(height=180 + 200 * len(names), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def state_curves(pair: Mapping[str, Mapping[str, np.ndarray]], kind: str, gate: str, steps: tuple[int, int],
                 unit: int, *, lang: str = "en") -> go.Figure:
    """One unit's states over the window: the normal run (solid, state colour) and the clamped run (dashed,
    in the forced gate's colour), the gap between them filled."""
    names = STATES[kind]
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[translate(lang, "plot.clamp.curve_title", state=translate(lang, f"gate.{n}"),
                                                  unit=unit) for n in names])
    normal_lbl = translate(lang, "plot.clamp.normal")
    clamped_lbl = translate(lang, "plot.clamp.clamped")
    for row, name in enumerate(names, start=1):
        y0 = pair["normal"][name][:, unit]
        y1 = pair["clamped"][name][:, unit]
        t = np.arange(y0.size)
        fig.add_trace(go.Scatter(x=t, y=y0, mode="lines", name=normal_lbl, legendgroup="normal",
                                 showlegend=row == 1, line={"color": colors.gate_color(name), "width": 3},
                                 hovertemplate="%{y:.4f}"), row=row, col=1)
        fig.add_trace(go.Scatter(x=t, y=y1, mode="lines", name=clamped_lbl, legendgroup="clamped",
                                 showlegend=row == 1, fill="tonexty", fillcolor=colors.INTERVAL_95,
                                 line={"color": colors.gate_color(gate), "width": 3, "dash": "dash"},
                                 hovertemplate="%{y:.4f}"), row=row, col=1)
        _band(fig, steps, gate, row=row, col=1)
    fig.update_xaxes(title_text=translate(lang, "plot.step"), row=len(names), col=1)
    fig.update_layout(height=150 + 200 * len(names), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      hovermode="x unified",
                      legend={"orientation": "h", "y": -0.15 if len(names) > 1 else -0.32, "traceorder": "normal"})
    return fig


def forecast_figure(window: np.ndarray, normal: np.ndarray, clamped: np.ndarray, gate: str, *,
                    lang: str = "en") -> go.Figure:
    """The window the network read, then its normal forecast and the clamped one, the gap between them filled.

    x axis: steps relative to the forecast origin (window ``−W..−1``, forecast ``0..H−1``).
    """
    W, H = len(window), len(normal)
    xw, xf = np.arange(-W, 0), np.arange(H)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xw, y=np.asarray(window, dtype=np.float64), mode="lines",
                             name=translate(lang, "plot.clamp.window"), line={"color": colors.HISTORY, "width": 2}))
    fig.add_trace(go.Scatter(x=xf, y=normal, mode="lines+markers", name=translate(lang, "plot.clamp.normal"),
                             line={"color": colors.FORECAST, "width": 3}, hovertemplate="%{y:.4f}"))
    fig.add_trace(go.Scatter(x=xf, y=clamped, mode="lines+markers", name=translate(lang, "plot.clamp.clamped"),
                             fill="tonexty", fillcolor=colors.INTERVAL_80,
                             line={"color": colors.gate_color(gate), "width": 3, "dash": "dash"},
                             hovertemplate="%{y:.4f}"))
    fig.add_vline(x=-0.5, line={"color": colors.CURSOR, "width": 1, "dash": "dot"})
    fig.update_layout(title=translate(lang, "plot.clamp.forecast_title"), height=360,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      xaxis_title=translate(lang, "plot.clamp.steps_from_origin"), hovermode="x unified",
                      legend={"orientation": "h", "y": -0.25, "traceorder": "normal"})
    return fig
