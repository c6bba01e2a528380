"""The compact gate view the Train page redraws beside its live loss curves while the network learns.

Pure: ``{name: (T, H)}`` arrays in, a ``go.Figure`` out; the same grid reduction and fixed scales as the Gates
page's heatmaps (``ui.plots.gates``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.gates import MAX_STEPS, MAX_UNITS, aggregate, gate_label, time_axis_label
from ui.plots.series import base_layout, date_axis, is_time_axis, separators, x_values


def live_heatmaps(
    gates: Mapping[str, np.ndarray],
    *,
    time: Sequence | np.ndarray | None = None,
    lang: str = "en",
    height: int = 260,
) -> go.Figure:
    """A few gates side by side, units × time on the training's probe window, redrawn while the network learns.

    ``gates``: ``{name: (T, H)}`` (e.g. forget and input of layer 0); fixed scales as in ``gate_heatmaps``
    (sigmoid gates 0..1, signed states ±1), so a change of colour between two redraws is a change of the gate.
    Built in one ``go.Figure`` call (no ``make_subplots``/``update_*``): the live panel redraws it every second
    while the server serves a classroom, and the step-by-step build cost ten times as much.
    """
    names = list(gates)
    if not names:
        raise ValueError("no gates to draw")
    T = np.asarray(gates[names[0]]).shape[0]
    x = x_values(time, T)
    time_axis = is_time_axis(x)
    unit_lbl = translate(lang, "plot.gates.unit")
    value_lbl = translate(lang, "plot.value")
    time_lbl = time_axis_label(x, lang)
    gap = 0.16
    width = (1 - gap * (len(names) - 1)) / len(names)
    traces, layout, titles = [], {}, []
    for c, name in enumerate(names):
        grid = aggregate(np.asarray(gates[name]), MAX_STEPS, MAX_UNITS)
        suffix = "" if c == 0 else str(c + 1)
        left = c * (width + gap)
        traces.append(go.Heatmap(
            z=grid.z, x=x[grid.t_center], y=grid.unit_labels(), **colors.scale_for(name), showscale=False,
            hovertemplate=(f"{unit_lbl} %{{y}}<br>{time_lbl} %{{x}}<br>{value_lbl} %{{z:.3f}}"
                           f"<extra>{gate_label(name, lang)}</extra>"),
            name=name, xaxis=f"x{suffix}", yaxis="y",
        ))
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "title": {"text": time_lbl}, "nticks": 3,
                                    "anchor": "y", **(date_axis(lang) if time_axis else {})}
        titles.append({"text": gate_label(name, lang), "x": left + width / 2, "y": 1.0, "xref": "paper",
                       "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                       "font": {"color": colors.gate_color(name), "size": 13}})
    layout["yaxis"] = {"title": {"text": unit_lbl}, "showticklabels": False}
    return go.Figure(data=traces, layout=base_layout(height, showlegend=False, annotations=titles,
                                                     separators=separators(lang), **layout))
