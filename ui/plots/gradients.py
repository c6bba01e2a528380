"""Figures of the vanishing-gradient experiment: accuracy against lag, gradient size per step (curves, heatmap).

Pure functions: arrays in, ``plotly.graph_objects.Figure`` out, no streamlit. Labels come from the catalogs
(``locales/<lang>/vanishing.toml``) through ``translate``. The numbers come from ``lstm_core.memory``.

Colours: one per network kind, taken from the app's palette (``ui.plots.colors``): the plain RNN in the hidden
state's sky blue (the only state it has), the LSTM in the cell state's vermillion (its long-memory path) and
the GRU in its update gate's dark yellow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout
from ui.vanishing_text import kind_label

KIND_COLORS: dict[str, str] = {
    "RNN": colors.gate_color("hidden"),
    "LSTM": colors.gate_color("cell"),
    "GRU": colors.gate_color("update"),
}
KIND_DASH: dict[str, str] = {"RNN": "dot", "LSTM": "solid", "GRU": "dash"}  # tell lines apart without colour
LOG_FLOOR = 1e-12  # relative gradients below this are drawn at the floor (log of 0 is undefined)


def log_profile(profile: np.ndarray) -> np.ndarray:
    """``log10`` of a positive profile, with zeros and non-finite values clipped to ``LOG_FLOOR``."""
    g = np.asarray(profile, dtype=np.float64)
    g = np.where(np.isfinite(g) & (g > LOG_FLOOR), g, LOG_FLOOR)
    return np.log10(g)


def _steps_back(T: int) -> np.ndarray:
    """x axis of the gradient figures: steps before the answer, ``T-1 … 0`` for ``t = 0 … T-1``."""
    return np.arange(T - 1, -1, -1)


def accuracy_vs_lag(
    lags: Sequence[int],
    accuracy: Mapping[str, Sequence[float]],
    chance: Sequence[float],
    *,
    lang: str = "en",
    current: int | None = None,
) -> go.Figure:
    """Test accuracy (0..1, drawn as %) of each kind against the lag, with the 'guessing the mean' level.

    ``accuracy``: ``{kind: [acc per lag]}``; ``chance``: accuracy of always answering the training mean, per lag;
    ``current``: the lag whose gradients the page shows, marked by a vertical line.
    """
    x = np.asarray(lags, dtype=int)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=100 * np.asarray(chance, dtype=float),
            mode="lines",
            name=translate(lang, "vanishing.plot.chance"),
            line={"color": colors.CURSOR, "width": 2, "dash": "dash"},
            hovertemplate="%{y:.0f}%<extra></extra>",
        )
    )
    for kind, acc in accuracy.items():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=100 * np.asarray(acc, dtype=float),
                mode="lines+markers",
                name=kind_label(kind, lang),
                line={"color": KIND_COLORS[kind], "width": 3, "dash": KIND_DASH[kind]},
                marker={"size": 9},
                hovertemplate=f"{kind_label(kind, lang)}: %{{y:.0f}}%<extra></extra>",
            )
        )
    if current is not None:
        fig.add_vline(x=current, line={"color": colors.CURSOR, "width": 1, "dash": "dot"})
    fig.update_layout(**base_layout(
        360,
        top=40,
        title=translate(lang, "vanishing.plot.accuracy_title"),
        xaxis={"title": translate(lang, "vanishing.plot.lag"), "tickmode": "array", "tickvals": x},
        yaxis={"title": translate(lang, "vanishing.plot.accuracy"), "range": [-3, 103], "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.22},
        hovermode="x unified",
    ))
    return fig


def gradient_curves(
    profiles: Mapping[str, np.ndarray],
    *,
    lang: str = "en",
    title_key: str = "vanishing.plot.curves_title",
) -> go.Figure:
    """Relative gradient size per step on a log axis, one line per kind (1 = the size at the last step).

    ``profiles``: ``{kind: (T,) relative sizes}`` (``StepGradients.relative()``). The x axis counts the steps
    before the answer, so the left edge is the first input, the farthest back.
    """
    fig = go.Figure()
    lo = 0.0
    for kind, prof in profiles.items():
        y = log_profile(prof)
        lo = min(lo, float(y.min()))
        x = _steps_back(y.size)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.power(10.0, y),
                mode="lines",
                name=kind_label(kind, lang),
                line={"color": KIND_COLORS[kind], "width": 3, "dash": KIND_DASH[kind]},
                hovertemplate=(
                    f"{kind_label(kind, lang)}<br>{translate(lang, 'vanishing.plot.steps_back')} %{{x}}"
                    f"<br>{translate(lang, 'vanishing.plot.relative')} %{{y:.1e}}<extra></extra>"
                ),
            )
        )
    floor = math.floor(min(lo, -1.0))
    fig.update_layout(**base_layout(
        380,
        top=40,
        title=translate(lang, title_key),
        xaxis={"title": translate(lang, "vanishing.plot.steps_back"), "autorange": "reversed"},
        yaxis={
            "title": translate(lang, "vanishing.plot.relative"),
            "type": "log",
            "range": [floor - 0.2, 0.6],
            "exponentformat": "power",
            "dtick": 1 if floor >= -8 else 2,
        },
        legend={"orientation": "h", "y": -0.22},
    ))
    return fig


def gradient_heatmap(
    profiles: Mapping[str, np.ndarray],
    *,
    lang: str = "en",
    zmin: float = -6.0,
    title_key: str = "vanishing.plot.heatmap_title",
) -> go.Figure:
    """Kinds × steps heatmap of ``log10`` relative gradient size, on a FIXED scale ``zmin..0``.

    Dark = the gradient still arrives (near 1 = 10⁰), pale = it has vanished. The fixed scale means a colour
    reads the same whatever the lag or the training. ``profiles`` as in :func:`gradient_curves`, equal lengths.
    """
    kinds = list(profiles)
    if not kinds:
        raise ValueError("no profiles to draw")
    T = np.asarray(profiles[kinds[0]]).shape[0]
    z = np.stack([log_profile(profiles[k]) for k in kinds]).astype(np.float32)  # (K, T)
    if z.shape[1] != T:
        raise ValueError("profiles differ in length")
    scale = colors.sequential_scale("input")
    ticks = list(range(int(zmin), 1, 2 if zmin < -6 else 1))  # every power of ten down to zmin
    fig = go.Figure(
        go.Heatmap(
            z=np.clip(z, zmin, 0.0),
            x=_steps_back(T),
            y=[kind_label(k, lang) for k in kinds],
            customdata=np.power(10.0, z.astype(np.float64)),
            colorscale=scale,
            zmin=zmin,
            zmax=0.0,
            colorbar={
                "title": {"text": translate(lang, "vanishing.plot.relative"), "side": "right"},
                "tickvals": ticks,
                "ticktext": [f"10<sup>{v}</sup>" for v in ticks],
                "thickness": 12,
            },
            hovertemplate=(
                f"%{{y}}<br>{translate(lang, 'vanishing.plot.steps_back')} %{{x}}"
                f"<br>{translate(lang, 'vanishing.plot.relative')} %{{customdata:.1e}}<extra></extra>"
            ),
        )
    )
    fig.update_layout(**base_layout(
        120 + 55 * len(kinds),
        top=40,
        title=translate(lang, title_key),
        xaxis={"title": translate(lang, "vanishing.plot.steps_back"), "autorange": "reversed"},
        yaxis={"autorange": "reversed"},
    ))
    return fig


def loss_curves(histories: Mapping[str, Sequence[float]], *, lang: str = "en") -> go.Figure:
    """Training loss per epoch of each kind on a log axis (same budget, so the curves compare directly)."""
    fig = go.Figure()
    for kind, losses in histories.items():
        y = np.asarray(losses, dtype=float)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, y.size + 1),
                y=y,
                mode="lines",
                name=kind_label(kind, lang),
                line={"color": KIND_COLORS[kind], "width": 3, "dash": KIND_DASH[kind]},
                hovertemplate=f"{kind_label(kind, lang)}: %{{y:.4f}}<extra></extra>",
            )
        )
    fig.update_layout(**base_layout(
        320,
        top=40,
        title=translate(lang, "vanishing.plot.loss_title"),
        xaxis={"title": translate(lang, "vanishing.plot.epoch")},
        yaxis={"title": translate(lang, "vanishing.plot.loss"), "type": "log", "exponentformat": "power"},
        legend={"orientation": "h", "y": -0.25},
        hovermode="x unified",
    ))
    return fig
