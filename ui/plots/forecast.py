"""Figures and tables of the Forecast page: history + in-sample fit + forecast with bands; backtest table; verdict.

Pure: arrays in, a ``go.Figure`` / ``pd.DataFrame`` / text out; labels from the catalogs through
``ui.i18n.translate(lang, ...)`` (no streamlit). Colours come from ``ui.plots.colors`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import fmt_num, translate
from ui.plots import colors
from ui.plots.series import MAX_POINTS, localize, minmax_positions, x_values

METHOD_ORDER = ("model", "seasonal_naive", "naive", "drift", "moving_average")
METRICS = ("mae", "rmse", "smape", "mase")


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
    pos = start + minmax_positions(y[start:], max_points)
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=xh[pos], y=y[pos], mode="lines", name=translate(lang, "forecast.plot.history"),
        line={"color": colors.HISTORY, "width": 1.6}, hovertemplate="%{x}<br>%{y:.4g}<extra></extra>",
    ))
    if fit_positions is not None and fit_values is not None and len(fit_positions):
        fp = np.asarray(fit_positions, dtype=int)
        fv = np.asarray(fit_values, dtype=float)
        keep = fp >= start
        fp, fv = fp[keep], fv[keep]
        sel = minmax_positions(fv, max_points)
        fig.add_trace(go.Scatter(
            x=xh[fp[sel]], y=fv[sel], mode="lines", name=translate(lang, "forecast.plot.fit"),
            line={"color": colors.FIT, "width": 1.2, "dash": "dot"},
            hovertemplate="%{x}<br>%{y:.4g}<extra></extra>",
        ))
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
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
    )
    localize(fig, lang, time_axis)
    return fig


def method_label(method: str, lang: str, cell_label: str = "LSTM") -> str:
    """Display name of a method of the backtest/evaluation: the network or one of the baselines."""
    if method == "model":
        return translate(lang, "forecast.method.model", cell=cell_label)
    return translate(lang, f"forecast.method.{method}")


def backtest_table(mean: Mapping[str, Mapping[str, float]], lang: str, cell_label: str = "LSTM",
                   levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """One row per method (network first, then baselines), columns MAE, RMSE, sMAPE, MASE and coverages, formatted.

    ``mean``: ``BacktestResult.mean`` (method -> metric -> value). The best (lowest) value of each error
    column is marked with ★.
    """
    methods = [m for m in METHOD_ORDER if m in mean] + [m for m in mean if m not in METHOD_ORDER]
    cols = list(METRICS)
    best = {c: min((mean[m].get(c, math.inf) for m in methods), default=math.inf) for c in cols}
    data: dict[str, list[str]] = {translate(lang, "forecast.table.method"): [
        method_label(m, lang, cell_label) for m in methods
    ]}
    for c in cols:
        col = []
        for m in methods:
            v = mean[m].get(c, math.nan)
            text = fmt_num(v, 3, lang) if math.isfinite(v) else "—"
            if math.isfinite(v) and math.isclose(v, best[c], rel_tol=1e-12, abs_tol=1e-15):
                text += " ★"
            col.append(text)
        data[translate(lang, f"forecast.table.{c}")] = col
    for level in levels:
        key = f"coverage_{level}"
        data[translate(lang, "forecast.table.coverage", level=level)] = [
            (fmt_num(mean[m][key], 0, lang) + " %")  # metrics.coverage is already a percentage if math.isfinite(mean[m].get(key, math.nan)) else "—"
            for m in methods
        ]
    return pd.DataFrame(data)


def verdict(mean: Mapping[str, Mapping[str, float]], lang: str, cell_label: str = "LSTM") -> tuple[str, bool]:
    """A plain sentence, computed from the numbers, on whether the network beat seasonal naive on MASE.

    Returns ``(text, beats)``. The percentage is ``100 · (1 − MASE_model / MASE_seasonal_naive)``; when the
    network loses the sentence also names the best baseline, so nobody trusts a forecast that loses to it.
    """
    model = mean.get("model", {}).get("mase", math.nan)
    base = mean.get("seasonal_naive", {}).get("mase", math.nan)
    if not (math.isfinite(model) and math.isfinite(base)) or base <= 0:
        return translate(lang, "forecast.verdict.unknown"), False
    ratio = model / base
    if ratio < 1:
        pct = round(100 * (1 - ratio))
        key = "forecast.verdict.better" if pct >= 1 else "forecast.verdict.tie"
        return translate(lang, key, cell=cell_label, pct=pct), True
    baselines = {m: v.get("mase", math.inf) for m, v in mean.items() if m != "model"}
    best = min(baselines, key=baselines.get)
    pct = round(100 * (ratio - 1))
    return translate(lang, "forecast.verdict.worse", cell=cell_label, pct=pct,
                     best=method_label(best, lang, cell_label)), False
