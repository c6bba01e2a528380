"""Figures of the training replay: the loss curve with the replayed epoch marked, and how gates saturated.

Pure functions, no streamlit. The gate heatmaps and the saturation scatter of one snapshot are drawn by the
builders of ``ui.plots.gates`` (same look as the Gates page); this module adds what only a replay has: time
measured in epochs, and what the page's player needs to replay the epochs in the browser. The heatmaps and the
scatter carry one Plotly frame per snapshot (:func:`replay_heatmaps`, :func:`replay_saturation`, frames named
:func:`frame_names`); the epoch markers of the two curves move with ``Plotly.relayout`` (:func:`marker_moves`).
Epoch 0 is the untrained network: it has no loss, and its marker says "before training".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.cell_values import saturation_fractions
from ui.i18n import translate
from ui.plots import colors
from ui.plots.gates import MAX_STEPS, MAX_UNITS, aggregate, gate_heatmaps, saturation_scatter
from ui.plots.series import base_layout, epoch_axis

MARKER = "epoch"  # name of the epoch marker's line (and label) on the curves


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
    marks: Sequence[int] | None = None,
) -> go.Figure:
    """Training (and validation) loss per epoch on a log axis with a vertical marker at ``epoch``.

    ``marks``: every epoch the marker may be moved to (the replay's snapshots, epoch 0 among them): the epoch axis
    covers them all, so it does not shift while the marker moves.
    """
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
    fig.add_vline(x=int(epoch), line={"color": colors.CURSOR, "width": 2}, name=MARKER)
    span = list(x) + list(marks or [])
    fig.add_annotation(x=int(epoch), y=1.0, yref="paper", text=marker_text(int(epoch), lang), showarrow=False,
                       yanchor="bottom", xanchor=_side(int(epoch), span), name=MARKER)
    axis = epoch_axis(translate(lang, "replay.plot.epoch"), int(x.max()) if x.size else 1)
    if marks is not None and len(marks):
        lo, hi = min(int(np.min(marks)), int(x.min()) if x.size else 0), max(int(np.max(marks)), int(x.max()) if x.size else 1)
        pad = max(0.5, 0.02 * (hi - lo))
        axis["range"] = [lo - pad, hi + pad]
    fig.update_layout(**base_layout(
        300,
        top=40,
        xaxis=axis,
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
    fig.add_vline(x=int(epoch), line={"color": colors.CURSOR, "width": 2}, name=MARKER)
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


# --- what the player moves ------------------------------------------------------------------------------
def marker_text(epoch: int, lang: str) -> str:
    """The epoch marker's label: ``epoch 5``, or ``before training`` for epoch 0 (the untrained network)."""
    if epoch == 0:
        return translate(lang, "replay.plot.before_marker")
    return translate(lang, "replay.plot.epoch_marker", epoch=epoch)


def frame_names(n: int) -> list[str]:
    """The names of the ``n`` snapshots' Plotly frames: ``e0, e1, ...`` (by position, not by epoch)."""
    return [f"e{k}" for k in range(int(n))]


def marker_moves(fig: go.Figure, epochs: Sequence[int], lang: str) -> list[dict]:
    """For each of ``epochs``, the ``Plotly.relayout`` update that moves the epoch marker of ``fig`` (a figure of
    :func:`loss_with_marker` or :func:`gate_means_over_epochs`) there, with its label when it has one."""
    lines = [k for k, s in enumerate(fig.layout.shapes) if s.name == MARKER]
    notes = [k for k, a in enumerate(fig.layout.annotations) if a.name == MARKER]
    if not lines:
        raise ValueError("the figure has no epoch marker")
    span = [v for tr in fig.data for v in (tr.x if tr.x is not None else [])] + list(epochs)
    moves = []
    for epoch in epochs:
        move = {f"shapes[{lines[0]}].x0": int(epoch), f"shapes[{lines[0]}].x1": int(epoch)}
        if notes:
            move[f"annotations[{notes[0]}].x"] = int(epoch)
            move[f"annotations[{notes[0]}].text"] = marker_text(int(epoch), lang)
            move[f"annotations[{notes[0]}].xanchor"] = _side(int(epoch), span)
        moves.append(move)
    return moves


def _side(epoch: int, span: Sequence[float]) -> str:
    """Which side of the marker its label goes, so it stays inside the figure: right of it in the left 70 %."""
    lo, hi = (float(min(span)), float(max(span))) if len(span) else (0.0, 1.0)
    return "left" if epoch <= lo + 0.7 * (hi - lo) else "right"


def replay_heatmaps(snapshots: Sequence[Mapping[str, np.ndarray]], k: int, probe_values: np.ndarray, *,
                    time: Sequence | np.ndarray | None = None, c_range: float = 1.0, lang: str = "en") -> go.Figure:
    """The heatmap grid of snapshot ``k`` (``ui.plots.gates.gate_heatmaps``, no cursor) with one frame per snapshot
    holding every heatmap's values: the player redraws the grid epoch by epoch on the same fixed scales."""
    fig = gate_heatmaps(snapshots[k], probe_values, time=time, c_range=c_range, lang=lang)
    heat = [j for j, tr in enumerate(fig.data) if tr.type == "heatmap"]
    names = [fig.data[j].name for j in heat]
    fig.frames = [{"name": name, "traces": heat,
                   "data": [{"type": "heatmap", "z": aggregate(np.asarray(snap[g]), MAX_STEPS, MAX_UNITS).z}
                            for g in names]}
                  for name, snap in zip(frame_names(len(snapshots)), snapshots)]
    return fig


def replay_saturation(snapshots: Sequence[Mapping[str, np.ndarray]], k: int, *, lang: str = "en") -> go.Figure:
    """The saturation scatter of snapshot ``k`` (``ui.plots.gates.saturation_scatter``) with one frame per snapshot
    moving every unit's dot: where each gate stood, shut or open, epoch by epoch."""
    fig = saturation_scatter(snapshots[k], lang=lang)
    gates = [g for g in snapshots[k] if g in colors.SIGMOID_GATES]
    traces = list(range(len(gates)))
    frames = []
    for name, snap in zip(frame_names(len(snapshots)), snapshots):
        data = []
        for g in gates:
            low, high = saturation_fractions(snap[g])
            data.append({"type": "scatter", "x": low.astype(np.float32), "y": high.astype(np.float32)})
        frames.append({"name": name, "traces": traces, "data": data})
    fig.frames = frames
    return fig
