"""Series chart with the train / validation / test split drawn on it, and the helpers every figure builder shares.

Pure: arrays (or a pandas Series) in, a ``plotly.graph_objects.Figure`` out; labels come from the catalogs through
``ui.i18n.translate(lang, ...)``, which does not import streamlit.

A long series is reduced for display with a min/max per bucket (the extremes of every bucket are kept, so
spikes stay visible), so that the figure's JSON stays small whatever the length of the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors

MAX_POINTS = 2000  # points drawn per line at most (2 per bucket)
MARGIN = 10  # px left, right and below the plot area of every figure


def minmax_positions(y: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Sorted positions of ``y`` to draw: all of them when ``len(y) <= max_points``, else min and max per bucket.

    The series is cut into ``max_points // 2`` contiguous buckets; each contributes the position of its
    smallest and of its largest finite value (in time order). First and last points are always kept.
    """
    y = np.asarray(y, dtype=float)
    n = y.size
    if n <= max_points:
        return np.arange(n)
    n_buckets = max(1, max_points // 2)
    edges = np.linspace(0, n, n_buckets + 1).astype(int)
    keep: list[int] = [0, n - 1]
    for lo, hi in zip(edges[:-1], edges[1:]):
        chunk = y[lo:hi]
        finite = np.isfinite(chunk)
        if not finite.any():
            continue
        masked_lo = np.where(finite, chunk, np.inf)
        masked_hi = np.where(finite, chunk, -np.inf)
        keep.append(lo + int(np.argmin(masked_lo)))
        keep.append(lo + int(np.argmax(masked_hi)))
    return np.unique(np.asarray(keep, dtype=int))


def line_trace(
    x: Sequence | np.ndarray,
    y: Sequence | np.ndarray,
    *,
    name: str,
    color: str,
    width: float,
    dash: str | None = None,
    hovertemplate: str = "%{x}<br>%{y:.4g}<extra></extra>",
    max_points: int = MAX_POINTS,
    float32: bool = False,
    **scatter: Any,
) -> go.Scatter:
    """A line of ``y`` (N,) against ``x`` (N,), reduced with :func:`minmax_positions` past ``max_points`` points.

    ``float32``: send the values as float32 (half the JSON, enough for gate values); ``scatter``: any other
    ``go.Scatter`` setting (``showlegend``, ``legendgroup`` ...).
    """
    y = np.asarray(y, dtype=np.float64)
    pos = minmax_positions(y, max_points)
    line = {"color": color, "width": width} if dash is None else {"color": color, "width": width, "dash": dash}
    return go.Scatter(
        x=np.asarray(x)[pos],
        y=y[pos].astype(np.float32) if float32 else y[pos],
        mode="lines",
        name=name,
        line=line,
        hovertemplate=hovertemplate,
        **scatter,
    )


def base_layout(height: int, *, top: int = 30, **layout: Any) -> dict:
    """The layout every figure starts from: its ``height`` and thin margins (``top``: room for a title or a
    legend); ``layout`` adds any other setting. Numbers and dates in the language: :func:`localize`."""
    return {"height": height, "margin": {"l": MARGIN, "r": MARGIN, "t": top, "b": MARGIN}, **layout}


# Plotly writes month names in English; in Portuguese the date ticks and hover use numbers instead.
_PT_TICKS = [
    {"dtickrange": [None, 86_400_000], "value": "%H:%M\n%d/%m/%Y"},
    {"dtickrange": [86_400_000, "M1"], "value": "%d/%m\n%Y"},
    {"dtickrange": ["M1", "M12"], "value": "%m/%Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def date_axis(lang: str) -> dict:
    """x-axis settings for a date axis in ``lang``: numeric day/month formats in pt-BR, Plotly's default in en."""
    if lang == "pt-BR":
        return {"tickformatstops": _PT_TICKS, "hoverformat": "%d/%m/%Y %H:%M"}
    return {"hoverformat": "%Y-%m-%d %H:%M"}


def separators(lang: str) -> str:
    """Plotly ``layout.separators`` (decimal mark, then thousands separator) for ``lang``."""
    return ",." if lang == "pt-BR" else ".,"


def localize(fig: go.Figure, lang: str, time_axis: bool) -> go.Figure:
    """Number separators and, on a date axis, date formats of ``lang`` (every figure with values calls this)."""
    fig.update_layout(separators=separators(lang))
    if time_axis:
        fig.update_xaxes(**date_axis(lang))
    return fig


def x_values(index: Sequence | pd.Index | None, n: int) -> np.ndarray:
    """x coordinates: the dates (or given labels) of ``index``, or steps 0..n-1 (every figure builder uses this)."""
    if index is None:
        return np.arange(n)
    values = np.asarray(index)
    if values.shape[0] != n:
        raise ValueError(f"index has {values.shape[0]} entries for {n} values")
    return values


def is_time_axis(x: np.ndarray) -> bool:
    """True when ``x`` holds dates (the axis then gets the language's date formats)."""
    return np.issubdtype(x.dtype, np.datetime64)


def series_figure(
    values: np.ndarray | pd.Series,
    index: Sequence | pd.Index | None = None,
    *,
    split: tuple[int, int] | None = None,
    lang: str = "en",
    name: str | None = None,
    y_title: str | None = None,
    max_points: int = MAX_POINTS,
    height: int = 360,
) -> go.Figure:
    """A line chart of a series, with the chronological split shaded and labelled.

    ``values``: (N,) numbers, or a pandas Series (its index is used when ``index`` is None and it is a
    DatetimeIndex). ``split = (train_end, val_end)`` as returned by ``lstm_core.windows.chronological_split``:
    train is ``[0, train_end)``, validation ``[train_end, val_end)``, test ``[val_end, N)``.
    """
    if isinstance(values, pd.Series):
        if index is None and isinstance(values.index, pd.DatetimeIndex):
            index = values.index
        name = name if name is not None else (str(values.name) if values.name is not None else None)
        values = values.to_numpy(dtype=float)
    y = np.asarray(values, dtype=float)
    n = y.size
    x = x_values(index, n)
    time_axis = is_time_axis(x)
    fig = go.Figure()
    fig.add_trace(line_trace(x, y, name=name or translate(lang, "plot.series"), color=colors.HISTORY, width=1.6,
                             max_points=max_points))
    if split is not None and n > 1:
        train_end, val_end = (int(s) for s in split)
        if not 0 < train_end <= val_end <= n:
            raise ValueError(f"bad split {split} for {n} points")
        regions = (("train", 0, train_end), ("val", train_end, val_end), ("test", val_end, n))
        for role, lo, hi in regions:
            if hi <= lo:
                continue
            # Regions meet half-way between two samples so that no point sits on a border.
            x0 = edge(x, lo, time_axis)
            x1 = edge(x, hi, time_axis)
            fig.add_vrect(
                x0=x0,
                x1=x1,
                fillcolor=colors.SPLIT_FILL[role],
                line_width=0,
                layer="below",
                annotation_text=translate(lang, f"plot.{role}"),
                annotation_position="top left",
                annotation_font_size=12,
            )
    fig.update_layout(**base_layout(
        height,
        showlegend=False,
        hovermode="x unified",
        xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=y_title or translate(lang, "plot.value"),
    ))
    return localize(fig, lang, time_axis)


def edge(x: np.ndarray, k: int, time_axis: bool):
    """The x position between sample ``k-1`` and sample ``k`` (the start for k=0, the end for k=len(x))."""
    n = len(x)
    if k <= 0:
        a, b = x[0], x[min(1, n - 1)]
        return _half(a, b, -1, time_axis)
    if k >= n:
        a, b = x[n - 2], x[n - 1]
        return _half(b, a, -1, time_axis)
    return _half(x[k - 1], x[k], 1, time_axis)


def _half(a, b, sign: int, time_axis: bool):
    """Midpoint of a and b (sign=1), or a pushed half a step away from b (sign=-1)."""
    if time_axis:
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        return (a + (b - a) / 2) if sign == 1 else (a - (b - a) / 2)
    a, b = float(a), float(b)
    return (a + b) / 2 if sign == 1 else a - (b - a) / 2


def epoch_axis(title: str, last_epoch: int) -> dict:
    """An x axis of epochs: whole numbers only (a 3-epoch run would otherwise get ticks at 1.5 and 2.5)."""
    axis = {"title": {"text": title}, "tickformat": "d"}
    if last_epoch <= 10:
        axis["dtick"] = 1
    return axis
