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
    panel_height: int = 120,
) -> go.Figure:
    """A few gates stacked on one time axis, units × time on the training's probe window, redrawn while the
    network learns (stacked, not side by side: the view sits in a narrow column, and gate names are long).

    ``gates``: ``{name: (T, H)}`` (e.g. forget and input of layer 0); fixed scales as in ``gate_heatmaps``
    (sigmoid gates 0..1, signed states ±1), so a change of colour between two redraws is a change of the gate.
    Built in one ``go.Figure`` call (no ``make_subplots``/``update_*``): the live panel redraws it while the
    server serves a classroom, and the step-by-step build cost three times as much.
    """
    names = list(gates)
    if not names:
        raise ValueError("no gates to draw")
    T = np.asarray(gates[names[0]]).shape[0]
    x = x_values(time, T)
    unit_lbl = translate(lang, "plot.gates.unit")
    value_lbl = translate(lang, "plot.value")
    time_lbl = time_axis_label(x, lang)
    gap = 0.18  # share of the plot height between two panels: room for the lower panel's title
    band = (1 - gap * (len(names) - 1)) / len(names)
    traces, layout, titles = [], {}, []
    for r, name in enumerate(names):
        grid = aggregate(np.asarray(gates[name]), MAX_STEPS, MAX_UNITS)
        suffix = "" if r == 0 else str(r + 1)
        top = 1 - r * (band + gap)
        traces.append(go.Heatmap(
            z=grid.z, x=x[grid.t_center], y=grid.unit_labels(), **colors.scale_for(name), showscale=False,
            hovertemplate=(f"{unit_lbl} %{{y}}<br>{time_lbl} %{{x}}<br>{value_lbl} %{{z:.3f}}"
                           f"<extra>{gate_label(name, lang)}</extra>"),
            name=name, xaxis="x", yaxis=f"y{suffix}",
        ))
        layout[f"yaxis{suffix}"] = {"domain": [max(0.0, top - band), min(1.0, top)], "title": {"text": unit_lbl},
                                    "showticklabels": False, "anchor": "x"}
        titles.append({"text": gate_label(name, lang), "x": 0, "y": top, "xref": "paper", "yref": "paper",
                       "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                       "font": {"color": colors.gate_color(name), "size": 13}})
    layout["xaxis"] = {"title": {"text": time_lbl}, "nticks": 4, "anchor": f"y{len(names) if len(names) > 1 else ''}",
                       **(date_axis(lang) if is_time_axis(x) else {})}
    return go.Figure(data=traces, layout=base_layout(60 + panel_height * len(names), showlegend=False,
                                                     annotations=titles, separators=separators(lang), **layout))
