"""Figures of the Compare page (LSTM vs GRU vs bidirectional LSTM vs RNN, plus baselines).

Pure: per-run numbers and arrays (see ``ui.comparison``) in, ``go.Figure`` out; no streamlit. The results table
is ``ui.tables.results_table``. Colours come from ``ui.plots.colors``: each model takes the colour of a gate it
is known by, so the legend needs no new hues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.comparison import MODELS
from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout, localize
from ui.tables import model_label

MODEL_COLORS: dict[str, str] = {
    "lstm": colors.GATE_COLORS["input"],  # blue
    "gru": colors.GATE_COLORS["update"],  # dark yellow: the GRU's own gate colour
    "bilstm": colors.GATE_COLORS["output"],  # bluish green
    "rnn": colors.GATE_COLORS["reset"],  # wine
}
BASELINE_COLOR = colors.HISTORY


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
    fig.update_layout(**base_layout(
        height, xaxis_title=translate(lang, "compare.plot.epoch"), yaxis_title=translate(lang, "compare.plot.loss"),
        yaxis_type="log", hovermode="x unified",
    ))
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
    fig.update_layout(**base_layout(
        height, hovermode="x unified", xaxis_title=translate(lang, "plot.time" if time_axis else "plot.step"),
        yaxis_title=translate(lang, "plot.value"),
    ))
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
    fig.update_layout(**base_layout(height, top=40, showlegend=False))
    return fig
