"""Figures and the results table of the Compare page (LSTM vs GRU vs bidirectional LSTM vs RNN, plus baselines).

Pure: per-run summaries (plain dicts of numbers and arrays) in, ``go.Figure`` / ``pd.DataFrame`` out; no
streamlit. Colours come from ``ui.plots.colors``: each model takes the colour of a gate it is known by, so the
legend needs no new hues.

A run summary (one model, one seed) is a dict::

    {"metrics": {"validation": {"mae", "rmse", "smape", "mase", ...}, "test": {...}},
     "params": int, "seconds": float, "best_epoch": int,
     "train_loss": [...], "val_loss": [...],                      # per epoch
     "test_index": (n,), "test_pred": (n,)}                         # positions in the series, forecasts
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.i18n import fmt_num, translate
from ui.plots import colors
from ui.plots.series import localize

MODELS: tuple[str, ...] = ("lstm", "gru", "bilstm", "rnn")
MODEL_COLORS: dict[str, str] = {
    "lstm": colors.GATE_COLORS["input"],  # blue
    "gru": colors.GATE_COLORS["update"],  # dark yellow: the GRU's own gate colour
    "bilstm": colors.GATE_COLORS["output"],  # bluish green
    "rnn": colors.GATE_COLORS["reset"],  # wine
}
# model -> (ForecastConfig.cell, bidirectional)
VARIANTS: dict[str, tuple[str, bool]] = {"lstm": ("lstm", False), "gru": ("gru", False), "bilstm": ("lstm", True),
                                         "rnn": ("rnn", False)}
MAX_DEFAULT_EPOCHS = 60  # the shared epoch budget starts at min(auto, this); early stopping may end sooner
BASELINE_COLOR = colors.HISTORY
PARTS: tuple[str, ...] = ("validation", "test")
ERROR_METRICS: tuple[str, ...] = ("mae", "rmse", "smape", "mase")
LOWER_IS_BETTER = {"params": True, "seconds": True}


def default_config(n_points: int, season_length: int):
    """The Compare page's shared starting config: ``ForecastConfig.auto`` with one network, epochs capped."""
    import dataclasses

    from lstm_core.forecast import ForecastConfig

    base = ForecastConfig.auto(n_points, season_length, ensemble=1)
    return dataclasses.replace(base, epochs=int(min(base.epochs, MAX_DEFAULT_EPOCHS)))


def variant_config(base, model: str, seed_offset: int = 0):
    """``base`` for one compared model (cell and direction), everything else shared; seed = base seed + offset."""
    import dataclasses

    cell, bidirectional = VARIANTS[model]
    return dataclasses.replace(base, cell=cell, bidirectional=bidirectional, seed=base.seed + seed_offset).validate()


def model_label(name: str, lang: str) -> str:
    """Display name of a compared model (``lstm``, ``gru``, ``bilstm``, ``rnn``) or a baseline."""
    if name in MODELS:
        return translate(lang, f"compare.model.{name}")
    return translate(lang, f"forecast.method.{name}")


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if arr.size == 0:
        return math.nan, math.nan
    return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0


def aggregate(runs: Mapping[str, Sequence[Mapping]], baselines: Mapping[str, Mapping[str, Mapping[str, float]]]
              ) -> dict[str, dict[str, tuple[float, float, int]]]:
    """Per model, every table column as ``(mean, spread, n_seeds)``; spread = sample std over seeds (0 for one).

    Column names: ``"<part>.<metric>"`` (e.g. ``"test.mase"``), ``"params"``, ``"seconds"``, ``"best_epoch"``.
    ``baselines``: method -> part -> metric -> value (no training, so no parameters, time or epoch).
    """
    out: dict[str, dict[str, tuple[float, float, int]]] = {}
    for name, seeds in runs.items():
        if not seeds:
            continue
        row: dict[str, tuple[float, float, int]] = {}
        for part in PARTS:
            for metric in ERROR_METRICS:
                vals = [s["metrics"].get(part, {}).get(metric, math.nan) for s in seeds]
                row[f"{part}.{metric}"] = (*_mean_std(vals), len(seeds))
        for col in ("params", "seconds", "best_epoch"):
            row[col] = (*_mean_std([float(s[col]) for s in seeds]), len(seeds))
        out[name] = row
    for name, parts in baselines.items():
        row = {}
        for part in PARTS:
            for metric in ERROR_METRICS:
                v = parts.get(part, {}).get(metric, math.nan)
                row[f"{part}.{metric}"] = (v, 0.0, 1)
        out[name] = row
    return out


def best_per_column(agg: Mapping[str, Mapping[str, tuple[float, float, int]]]) -> dict[str, str]:
    """Column -> the row with the lowest mean (errors, parameters and time: lower is better)."""
    best: dict[str, str] = {}
    columns = {c for row in agg.values() for c in row if c != "best_epoch"}
    for col in sorted(columns):
        candidates = {n: row[col][0] for n, row in agg.items() if col in row and math.isfinite(row[col][0])}
        if candidates:
            best[col] = min(candidates, key=candidates.get)
    return best


def results_table(agg: Mapping[str, Mapping[str, tuple[float, float, int]]], lang: str) -> pd.DataFrame:
    """The Compare table: rows = models then baselines; cells ``mean ± spread`` when several seeds; ★ = best."""
    best = best_per_column(agg)
    names = list(agg)
    cols: list[tuple[str, str, int]] = []  # (column id, header, digits)
    for part in PARTS:
        for metric in ERROR_METRICS:
            header = translate(lang, "compare.table.col", part=translate(lang, f"compare.part.{part}"),
                               metric=translate(lang, f"forecast.table.{metric}"))
            cols.append((f"{part}.{metric}", header, 3))
    cols += [("params", translate(lang, "compare.table.params"), 0),
             ("seconds", translate(lang, "compare.table.seconds"), 1),
             ("best_epoch", translate(lang, "compare.table.best_epoch"), 0)]
    data: dict[str, list[str]] = {translate(lang, "compare.table.model"): [model_label(n, lang) for n in names]}
    for col, header, digits in cols:
        cells = []
        for name in names:
            mean, spread, k = agg[name].get(col, (math.nan, math.nan, 0))
            if not math.isfinite(mean):
                cells.append("—")
                continue
            text = fmt_num(mean, digits, lang)
            if k > 1:
                text += " ± " + fmt_num(spread, digits, lang)
            if best.get(col) == name:
                text += " ★"
            cells.append(text)
        data[header] = cells
    return pd.DataFrame(data)


def loss_curves_figure(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], lang: str,
                       height: int = 360) -> go.Figure:
    """Training (dotted) and validation (solid) loss per epoch of every model, overlaid, log scale."""
    fig = go.Figure()
    for name, (train, val) in curves.items():
        color = MODEL_COLORS.get(name, BASELINE_COLOR)
        label = model_label(name, lang)
        epochs = np.arange(1, len(train) + 1)
        fig.add_trace(go.Scatter(
            x=epochs, y=np.asarray(val, dtype=float), mode="lines", line={"color": color, "width": 2},
            name=translate(lang, "compare.plot.val_loss", model=label), legendgroup=name,
        ))
        fig.add_trace(go.Scatter(
            x=epochs, y=np.asarray(train, dtype=float), mode="lines", line={"color": color, "width": 1.2,
                                                                             "dash": "dot"},
            name=translate(lang, "compare.plot.train_loss", model=label), legendgroup=name,
        ))
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=translate(lang, "compare.plot.epoch"), yaxis_title=translate(lang, "compare.plot.loss"),
        yaxis_type="log", hovermode="x unified",
    )
    return fig


def test_forecasts_figure(x: Sequence | np.ndarray, actual: np.ndarray, predictions: Mapping[str, np.ndarray],
                          lang: str, height: int = 380) -> go.Figure:
    """The test part's actual values with every model's (and baseline's) forecasts overlaid on it."""
    x = np.asarray(x)
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=np.asarray(actual, dtype=float), mode="lines", name=translate(lang, "compare.plot.actual"),
        line={"color": colors.HISTORY, "width": 2.4},
    ))
    for name, pred in predictions.items():
        is_model = name in MODELS
        fig.add_trace(go.Scatter(
            x=x, y=np.asarray(pred, dtype=float), mode="lines", name=model_label(name, lang),
            line={"color": MODEL_COLORS.get(name, BASELINE_COLOR), "width": 1.8 if is_model else 1.2,
                  "dash": "solid" if is_model else "dash"},
        ))
    time_axis = np.issubdtype(x.dtype, np.datetime64)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, hovermode="x unified",
        xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
    )
    localize(fig, lang, time_axis)
    return fig


def side_by_side_heatmaps(panels: Sequence[tuple[str, str, np.ndarray]], lang: str,
                          time: Sequence | np.ndarray | None = None, height: int = 340) -> go.Figure:
    """Units × time heatmaps next to each other on ONE scale per gate kind, so colours compare like for like.

    ``panels``: ``(title, gate name, z (T, H))``; the gate name picks the scale (``colors.scale_for``): sigmoid
    gates (forget, update, ...) all use 0..1, hidden states ±1. One colour bar per distinct gate name.
    """
    if not panels:
        raise ValueError("no panels to draw")
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[0] for p in panels], shared_yaxes=False,
                        horizontal_spacing=0.06)
    unit_lbl = translate(lang, "plot.gates.unit")
    time_lbl = translate(lang, "plot.step")
    shown_bars: set[str] = set()
    for k, (title, gate, z) in enumerate(panels, start=1):
        z = np.asarray(z, dtype=np.float32)  # (T, H)
        T, H = z.shape
        x = np.arange(T) if time is None else np.asarray(time)
        scale = colors.scale_for(gate)
        fig.add_trace(go.Heatmap(
            z=z.T, x=x, y=np.arange(H), **scale, showscale=gate not in shown_bars,
            colorbar={"thickness": 9, "x": 1.0 + 0.06 * len(shown_bars), "title": {"text": ""}},
            hovertemplate=f"{unit_lbl} %{{y}}<br>{time_lbl} %{{x}}<br>%{{z:.3f}}<extra>{title}</extra>",
            name=gate,
        ), row=1, col=k)
        shown_bars.add(gate)
        fig.update_xaxes(title_text=time_lbl, row=1, col=k)
        fig.update_yaxes(title_text=unit_lbl if k == 1 else None, row=1, col=k)
    for k, (_, gate, _) in enumerate(panels):
        fig.layout.annotations[k].font.color = colors.gate_color(gate)
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False)
    return fig
