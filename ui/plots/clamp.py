"""Figures of gate clamping ("what if?"): the normal and the clamped run of ``ui.clamping`` compared.

Pure Plotly, no streamlit: :func:`difference_heatmaps` (clamped − normal, units × time, diverging scale centred
on 0 with a symmetric range), :func:`state_curves` (one unit's states, normal vs clamped) and
:func:`forecast_figure` (the two forecasts after the window). The clamped span is shaded in every figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.clamping import STATES
from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout


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
    fig.update_layout(**base_layout(180 + 200 * len(names), top=40))
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
    fig.update_layout(**base_layout(
        150 + 200 * len(names), top=40, hovermode="x unified",
        legend={"orientation": "h", "y": -0.15 if len(names) > 1 else -0.32, "traceorder": "normal"},
    ))
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
    fig.update_layout(**base_layout(
        360, top=40, title=translate(lang, "plot.clamp.forecast_title"),
        xaxis_title=translate(lang, "plot.clamp.steps_from_origin"), hovermode="x unified",
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    ))
    return fig
