"""The Forecast page's figure: history + in-sample fit + forecast with its interval bands.

Pure: arrays in, a ``go.Figure`` out; labels from the catalogs through ``ui.i18n.translate(lang, ...)`` (no
streamlit). Colours come from ``ui.plots.colors`` only. The backtest table and the verdict are in ``ui.tables``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import MAX_POINTS, base_layout, line_trace, localize, x_values


def forecast_figure(
    history: np.ndarray,
    history_index: Sequence | pd.Index | None,
    future_index: Sequence | pd.Index | None,
    mean: np.ndarray,
    lower: Mapping[int, np.ndarray],
    upper: Mapping[int, np.ndarray],
    *,
    fit_positions: np.ndarray | None = None,
    fit_values: np.ndarray | None = None,
    lang: str = "en",
    show_last: int | None = None,
    max_points: int = MAX_POINTS,
    height: int = 420,
) -> go.Figure:
    """History (N,), the one-step in-sample fit at ``fit_positions``, the forecast (H,) and its interval bands.

    ``lower`` / ``upper``: ``{level: (H,)}``; the widest level is drawn first so the narrower band sits on
    top. ``show_last``: draw only the last ``show_last`` history points (the forecast stays readable on long
    series). Long histories are reduced with a min/max per bucket.
    """
    y = np.asarray(history, dtype=float)
    n = y.size
    xh = x_values(history_index, n)
    H = int(np.asarray(mean).shape[0])
    xf = np.arange(n, n + H) if future_index is None else x_values(future_index, H)  # steps continue after the history
    start = max(0, n - int(show_last)) if show_last else 0
    fig = go.Figure()
    fig.add_trace(line_trace(xh[start:], y[start:], name=translate(lang, "forecast.plot.history"),
                             color=colors.HISTORY, width=1.6, max_points=max_points))
    if fit_positions is not None and fit_values is not None and len(fit_positions):
        fp = np.asarray(fit_positions, dtype=int)
        fv = np.asarray(fit_values, dtype=float)
        keep = fp >= start
        fig.add_trace(line_trace(xh[fp[keep]], fv[keep], name=translate(lang, "forecast.plot.fit"),
                                 color=colors.FIT, width=1.2, dash="dot", max_points=max_points))
    fills = {80: colors.INTERVAL_80, 95: colors.INTERVAL_95}
    for level in sorted(lower, reverse=True):
        lo = np.asarray(lower[level], dtype=float)
        hi = np.asarray(upper[level], dtype=float)
        label = translate(lang, "forecast.plot.band", level=level)
        fig.add_trace(go.Scatter(
            x=np.concatenate([xf, xf[::-1]]), y=np.concatenate([hi, lo[::-1]]), fill="toself",
            fillcolor=fills.get(level, colors.INTERVAL_95), line={"width": 0}, name=label, hoverinfo="skip",
        ))
    fig.add_trace(go.Scatter(
        x=xf, y=np.asarray(mean, dtype=float), mode="lines+markers" if H <= 60 else "lines",
        name=translate(lang, "forecast.plot.forecast"), line={"color": colors.FORECAST, "width": 2},
        marker={"size": 4}, hovertemplate="%{x}<br>%{y:.4g}<extra></extra>",
    ))
    time_axis = np.issubdtype(np.asarray(xh).dtype, np.datetime64)
    fig.update_layout(**base_layout(
        height,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
    ))
    localize(fig, lang, time_axis)
    return fig
