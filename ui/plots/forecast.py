"""The Forecast page's figures: history + in-sample fit + forecast with its interval bands, and the backtest's
forecasts drawn against the actual values they tried to predict.

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
from ui.plots.series import MAX_POINTS, base_layout, edge, is_time_axis, line_trace, localize, x_values
from ui.tables import method_label, ordered_methods

DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")  # the baselines' dashes, in method order


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
            fillcolor=fills.get(level, colors.INTERVAL_95), mode="lines", line={"width": 0}, name=label,
            hoverinfo="skip",
        ))  # mode="lines": Plotly's default for fewer than 20 points would put markers on the band's edges
    fig.add_trace(go.Scatter(
        x=xf, y=np.asarray(mean, dtype=float), mode="lines+markers" if H <= 60 else "lines",
        name=translate(lang, "forecast.plot.forecast"), line={"color": colors.FORECAST, "width": 2},
        marker={"size": 4}, hovertemplate="%{x}<br>%{y:.4g}<extra></extra>",
    ))
    time_axis = is_time_axis(np.asarray(xh))
    return _finish(fig, height, lang, time_axis)


# --- the backtest against the actuals ---------------------------------------------------------------------
def method_styles(methods: Sequence[str]) -> dict[str, dict]:
    """Line style ``{"color", "dash"}`` of each method: the network solid in the forecast's colour, the
    baselines their own colour (``colors.METHOD_COLORS``, then ``EXTRA_METHOD_COLORS`` for any other) and a dash."""
    spare = [c for c in colors.EXTRA_METHOD_COLORS]
    styles: dict[str, dict] = {}
    k = 0
    for name in ordered_methods(methods):
        if name == "model":
            styles[name] = {"color": colors.METHOD_COLORS["model"], "dash": "solid"}
            continue
        color = colors.METHOD_COLORS.get(name) or (spare.pop(0) if spare else colors.HISTORY)
        styles[name] = {"color": color, "dash": DASHES[k % len(DASHES)]}
        k += 1
    return styles


def default_shown(mean: Mapping[str, Mapping[str, float]]) -> set[str]:
    """Methods drawn at first (the others are one legend click away): the network, seasonal naive and the
    baseline with the lowest mean MASE, so the figure stays readable however many methods the backtest has."""
    shown = {m for m in ("model", "seasonal_naive") if m in mean}
    others = {m: v.get("mase", np.inf) for m, v in mean.items() if m not in shown}
    finite = {m: v for m, v in others.items() if v is not None and np.isfinite(v)}
    if finite:
        shown.add(min(finite, key=finite.get))
    return shown


def backtest_figure(
    history: np.ndarray,
    history_index: Sequence | pd.Index | None,
    cuts: Sequence[int],
    forecasts: Sequence[Mapping[str, np.ndarray]],
    *,
    cell_label: str = "LSTM",
    shown: set[str] | None = None,
    context: int | None = None,
    lang: str = "en",
    height: int = 400,
) -> go.Figure:
    """The backtest's held-out blocks: the actual values and, over them, each method's forecast from each cut.

    ``history``: the whole series (N,); ``cuts``: the position where each block starts (a cut, drawn as a dotted
    line: the forecast of that block saw only the points before it); ``forecasts``: per cut, ``{method: (H,)}``
    (a method missing at a cut is left out there). One trace per method, its blocks separated by gaps, so a
    legend click shows or hides it everywhere; methods not in ``shown`` (default: all) start hidden.
    ``context``: history points drawn before the first cut (default: two blocks, at least 24).
    """
    y = np.asarray(history, dtype=float)
    n = y.size
    x = x_values(history_index, n)
    cuts = [int(c) for c in cuts]
    if not cuts or len(cuts) != len(forecasts):
        raise ValueError(f"{len(cuts)} cuts for {len(forecasts)} forecast blocks")
    blocks = []  # (start, stop) of each held-out block, inside the series
    for c, block in zip(cuts, forecasts):
        H = max((np.asarray(v).shape[0] for v in block.values()), default=0)
        blocks.append((c, min(n, c + H)))
    first = cuts[0]
    ctx = int(context if context is not None else max(24, 2 * (blocks[0][1] - blocks[0][0])))
    start = max(0, first - ctx)
    fig = go.Figure()
    if first > start:  # the history the first forecast started from, up to the first held-out point
        fig.add_trace(line_trace(x[start:first + 1], y[start:first + 1], name=translate(lang, "forecast.plot.history"),
                                 color=colors.HISTORY, width=1.4))
    held = np.concatenate([np.arange(a, b) for a, b in blocks]) if blocks else np.arange(0)
    held = np.unique(held)
    actual_x, actual_y = _with_gaps(x, y, [(int(held[0]), int(held[-1]) + 1)] if held.size else [])
    fig.add_trace(go.Scatter(
        x=actual_x, y=actual_y, mode="lines+markers", name=translate(lang, "forecast.backtest_plot.actual"),
        line={"color": colors.HISTORY, "width": 2.4}, marker={"size": 5, "color": colors.HISTORY},
        hovertemplate="%{y:.4g}",
    ))
    methods = ordered_methods(dict.fromkeys(m for block in forecasts for m in block))
    styles = method_styles(methods)
    for name in methods:
        spans, values = [], []
        for (a, b), block in zip(blocks, forecasts):
            if name in block and b > a:
                spans.append((a, b))
                values.append(np.asarray(block[name], dtype=float)[: b - a])
        if not spans:
            continue
        px, py = _with_gaps(x, None, spans, values)
        fig.add_trace(go.Scatter(
            x=px, y=py, mode="lines", name=method_label(name, lang, cell_label), legendgroup=name,
            line={"color": styles[name]["color"], "width": 2.2 if name == "model" else 1.6,
                  "dash": styles[name]["dash"]},
            visible=True if shown is None or name in shown else "legendonly", hovertemplate="%{y:.4g}",
        ))
    time_axis = is_time_axis(x)
    for c in cuts:
        if 0 < c < n:
            fig.add_vline(x=edge(x, c, time_axis), line={"color": colors.CURSOR, "width": 1, "dash": "dot"})
    return _finish(fig, height, lang, time_axis)


def _finish(fig: go.Figure, height: int, lang: str, time_axis: bool) -> go.Figure:
    """The layout both series figures share: unified hover, legend on top, time or step axis, the language's
    numbers and dates."""
    fig.update_layout(**base_layout(
        height,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
    ))
    localize(fig, lang, time_axis)
    return fig


def _with_gaps(x: np.ndarray, y: np.ndarray | None, spans: Sequence[tuple[int, int]],
               values: Sequence[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """x and y of several blocks in one trace, with a NaN between blocks so Plotly does not join them (the gap
    point repeats the next block's first x, so a date axis keeps one dtype; a NaN is never drawn or hovered).

    ``y`` values come from ``y[a:b]`` for each span, or from ``values`` (one array per span)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for k, (a, b) in enumerate(spans):
        if xs:
            xs.append(x[a:a + 1])
            ys.append(np.array([np.nan]))
        xs.append(x[a:b])
        ys.append(np.asarray(y[a:b] if values is None else values[k], dtype=float))
    if not xs:
        return x[:0], np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)
