"""Figures of a training run: loss curves and the fit on the held-out parts.

Pure functions (arrays and the engine's ``Forecaster.evaluate()`` dict in, ``go.Figure`` out), no streamlit;
labels from the catalogs through ``ui.i18n.translate(lang, ...)``. The metrics table and the seasonal-naive
verdict are in ``ui.tables``.

Colours come from ``ui.plots.colors``: the training curve in the blue of the training region, the validation
curve in the orange of the validation region, the network's forecast in the forecast colour with its 80 %
band, seasonal naive dashed in the blue of the diverging scale, the history in the neutral history colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout, epoch_axis, is_time_axis, line_trace, localize, x_values

TRAIN_COLOR = colors.NEGATIVE  # blue, the hue of the shaded training region
VAL_COLOR = colors.FIT  # orange, the hue of the shaded validation region
BASELINE_COLOR = colors.NEGATIVE


def _finite_or_none(values: Sequence[float | None]) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        out.append(float(v) if v is not None and math.isfinite(float(v)) else None)
    return out


def _plain(v):
    """A JSON-friendly x position: ISO text for a date, a float for a number."""
    if isinstance(v, np.datetime64):
        return str(pd.Timestamp(v))
    return float(v) if isinstance(v, np.number) else v


def loss_curves(
    train_loss: Sequence[float],
    val_loss: Sequence[float | None] = (),
    *,
    epochs: int | None = None,
    best_epoch: int | None = None,
    lang: str = "en",
    log_y: bool = True,
    height: int = 300,
) -> go.Figure:
    """Training and validation loss per epoch (1-based), with the best epoch marked.

    ``epochs``: the planned number of epochs, so the x axis does not jump while a run grows (None: the data's
    length). Non-finite losses (a diverging run) are left as gaps. ``log_y``: a log scale shows both the first
    steep fall and the slow end of training.
    """
    n = len(train_loss)
    x = np.arange(1, n + 1)
    # Built in one constructor call: the live panel redraws this every second for every training session, and
    # add_trace / add_vline / update_layout cost 15 ms here against 3 ms for the same figure built at once.
    train = _finite_or_none(train_loss)
    val = _finite_or_none(val_loss)
    traces = [go.Scatter(x=x, y=train, mode="lines", name=translate(lang, "plot.training.train_loss"),
                         line={"color": TRAIN_COLOR, "width": 2}, hovertemplate="%{y:.4g}")]
    if any(v is not None for v in val):
        traces.append(go.Scatter(x=x[: len(val)], y=val, mode="lines", name=translate(lang, "plot.training.val_loss"),
                                 line={"color": VAL_COLOR, "width": 2}, hovertemplate="%{y:.4g}"))
    shapes, notes = [], []
    if best_epoch and 1 <= best_epoch <= n:  # what add_vline(annotation_position="top right") draws
        shapes.append({"type": "line", "x0": best_epoch, "x1": best_epoch, "xref": "x", "y0": 0, "y1": 1,
                       "yref": "y domain", "line": {"color": colors.CURSOR, "width": 1, "dash": "dot"}})
        notes.append({"text": translate(lang, "plot.training.best", epoch=best_epoch), "x": best_epoch, "xref": "x",
                      "y": 1, "yref": "y domain", "xanchor": "left", "yanchor": "top", "showarrow": False,
                      "font": {"size": 11}})
    x_max = max(int(epochs or n), 1)
    positive = [v for v in (*train, *val) if v is not None and v > 0]
    use_log = log_y and bool(positive)
    layout = base_layout(
        height,
        hovermode="x unified",
        xaxis={**epoch_axis(translate(lang, "plot.training.epoch"), x_max), "range": [0.5, x_max + 0.5]},
        yaxis={"title": {"text": translate(lang, "plot.training.loss")}, "type": "log" if use_log else "linear"},
        legend={"orientation": "h", "y": 1.12, "x": 0},
        shapes=shapes,
        annotations=notes,
    )
    return go.Figure(data=traces, layout=layout)


def fit_figure(
    values: np.ndarray,
    index: Sequence | np.ndarray | None,
    evaluation: Mapping,
    *,
    lang: str = "en",
    level: int = 80,
    context: int | None = None,
    height: int = 380,
) -> go.Figure:
    """The series around the held-out parts with the network's forecasts (and ``level`` % band) and seasonal naive.

    ``evaluation``: ``Forecaster.evaluate()`` (``split``, ``parts`` → ``index``/``actual``/``predictions``/
    ``lower``/``upper``). ``context``: how many training points to show before validation (default: a third
    of the held-out length, at least 24). Forecasts are made block by block from data before each block only.
    """
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    x = x_values(index, n)
    train_end, val_end = (int(v) for v in evaluation["split"])
    ctx = int(context if context is not None else max(24, (n - train_end) // 3))
    start = max(0, train_end - ctx)
    fig = go.Figure()
    fig.add_trace(line_trace(x[start:], y[start:], name=translate(lang, "plot.training.actual"), color=colors.HISTORY,
                             width=1.6, hovertemplate="%{y:.4g}"))
    for role, lo, hi in (("val", train_end, val_end), ("test", val_end, n)):
        if hi <= lo:
            continue
        fig.add_vrect(x0=_plain(x[lo]), x1=_plain(x[hi - 1]), fillcolor=colors.SPLIT_FILL[role], line_width=0, layer="below",
                      annotation_text=translate(lang, f"plot.{role}"), annotation_position="top left",
                      annotation_font_size=12)
    first = True
    for part in ("validation", "test"):
        p = evaluation["parts"].get(part)
        if p is None:
            continue
        idx = np.asarray(p["index"], dtype=int)
        px = x[idx]
        lower = p["lower"]["model"].get(level)
        upper = p["upper"]["model"].get(level)
        if lower is not None and upper is not None:
            fig.add_trace(go.Scatter(x=np.concatenate([px, px[::-1]]),
                                     y=np.concatenate([np.asarray(upper), np.asarray(lower)[::-1]]),
                                     fill="toself", fillcolor=colors.INTERVAL_80, line={"width": 0},
                                     name=translate(lang, "plot.training.band", level=level), hoverinfo="skip",
                                     showlegend=first, legendgroup="band"))
        if "seasonal_naive" in p["predictions"]:
            fig.add_trace(go.Scatter(x=px, y=p["predictions"]["seasonal_naive"], mode="lines",
                                     name=translate(lang, "method.seasonal_naive"),
                                     line={"color": BASELINE_COLOR, "width": 1.5, "dash": "dash"},
                                     showlegend=first, legendgroup="snaive", hovertemplate="%{y:.4g}"))
        fig.add_trace(go.Scatter(x=px, y=p["predictions"]["model"], mode="lines",
                                 name=translate(lang, "plot.training.methods.model"),
                                 line={"color": colors.FORECAST, "width": 2.2},
                                 showlegend=first, legendgroup="model", hovertemplate="%{y:.4g}"))
        first = False
    is_dates = is_time_axis(x)
    fig.update_layout(**base_layout(
        height,
        hovermode="x unified",
        xaxis_title=translate(lang, "plot.time" if is_dates else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
        legend={"orientation": "h", "y": -0.28},
    ))
    localize(fig, lang, is_dates)
    return fig
