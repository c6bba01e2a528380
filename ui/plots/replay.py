"""Figures of the training replay: the loss curve with the replayed epoch marked, and how gates saturated.

Pure functions, no streamlit. The gate heatmaps and the saturation scatter of one snapshot are drawn by the
builders of ``ui.plots.gates`` (same look as the Gates page); this module adds what only a replay has: time
measured in epochs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout, epoch_axis


def fixed_cell_range(cells: Sequence[np.ndarray]) -> float:
    """One half-range for the cell-state colours over EVERY snapshot, so frames compare (colours never rescale)."""
    if not cells:
        return 1.0
    return max(colors.cell_range(c) for c in cells)


def loss_with_marker(
    epochs: Sequence[int],
    train_loss: Sequence[float],
    val_loss: Sequence[float | None] | None,
    epoch: int,
    *,
    lang: str = "en",
) -> go.Figure:
    """Training (and validation) loss per epoch on a log axis with a vertical marker at ``epoch``."""
    x = np.asarray(epochs, dtype=int)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=np.asarray(train_loss, dtype=float),
            mode="lines+markers" if x.size <= 40 else "lines",
            name=translate(lang, "plot.train"),
            line={"color": colors.gate_color("input"), "width": 2},
            hovertemplate="%{y:.4g}<extra></extra>",
        )
    )
    if val_loss is not None:
        v = np.array([np.nan if val is None else float(val) for val in val_loss], dtype=float)
        if np.isfinite(v).any():
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=v,
                    mode="lines+markers" if x.size <= 40 else "lines",
                    name=translate(lang, "plot.val"),
                    line={"color": colors.gate_color("forget"), "width": 2, "dash": "dash"},
                    hovertemplate="%{y:.4g}<extra></extra>",
                )
            )
    fig.add_vline(x=int(epoch), line={"color": colors.CURSOR, "width": 2})
    fig.add_annotation(x=int(epoch), y=1.0, yref="paper", text=translate(lang, "replay.plot.epoch_marker",
                       epoch=int(epoch)), showarrow=False, yanchor="bottom", xanchor="left")
    fig.update_layout(**base_layout(
        300,
        top=40,
        xaxis=epoch_axis(translate(lang, "replay.plot.epoch"), int(x.max()) if x.size else 1),
        yaxis={"title": translate(lang, "replay.plot.loss"), "type": "log", "exponentformat": "power"},
        legend={"orientation": "h", "y": -0.3},
        hovermode="x unified",
    ))
    return fig


def gate_means_over_epochs(
    epochs: Sequence[int],
    snapshots: Sequence[Mapping[str, np.ndarray]],
    epoch: int,
    *,
    lang: str = "en",
) -> go.Figure:
    """For each sigmoid gate, its average value on the probe window at every snapshot (0 = shut, 1 = open).

    ``snapshots``: per snapshot ``{gate name: (T, H)}``; non-sigmoid names are ignored. A forget-gate line that
    rises means the network learned to keep more of its cell state; the vertical line marks the replayed epoch.
    The y axis is fixed to 0..1 so runs compare.
    """
    x = np.asarray(epochs, dtype=int)
    names = [n for n in (snapshots[0] if snapshots else {}) if n in colors.SIGMOID_GATES]
    fig = go.Figure()
    for name in names:
        means = [float(np.mean(np.asarray(snap[name], dtype=np.float64))) for snap in snapshots]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.asarray(means),
                mode="lines+markers",
                name=translate(lang, f"gate.{name}"),
                line={"color": colors.gate_color(name), "width": 2},
                hovertemplate="%{y:.2f}<extra></extra>",
            )
        )
    fig.add_vline(x=int(epoch), line={"color": colors.CURSOR, "width": 2})
    fig.update_layout(**base_layout(
        420,
        top=40,
        title=translate(lang, "replay.plot.means_title"),
        xaxis=epoch_axis(translate(lang, "replay.plot.epoch"), int(x.max()) if x.size else 1),
        yaxis={"title": translate(lang, "replay.plot.mean_value"), "range": [-0.02, 1.02]},
        legend={"orientation": "h", "y": -0.2},
        hovermode="x unified",
    ))
    return fig
