"""Figures of the Explore page: what drives a forecast, and the units that track a brushed stretch.

Pure: arrays in, ``plotly.graph_objects.Figure`` out, labels from the catalogs (``ui.i18n.translate``). The
attributions and the rankings come from ``ui.explore_drivers`` and ``ui.explore_select``; positions on the x axis
are what the series' index holds (dates or steps), through ``ui.plots.series.x_values``.

- :func:`drivers_figure`: the input window on top, then one bar row per network (LSTM, GRU, RNN) under it, on
  the same time axis, so the bars of the three line up with the values they belong to;
- :func:`drivers_heatmap`: every step ahead (rows) against the window (columns) for one network;
- :func:`brush_figure`: the series span to brush (box selection across time only), the stretch and its matches;
- :func:`tracking_curves`: the series and the curves of the stretch's units, with the threshold;
- :func:`ordered_heatmap`: every unit of the span (units × time) in a chosen order, stretch and matches marked.

Speed: every figure is built in one ``go.Figure(data, layout)`` call from plain dicts, stacked panels included
(:func:`stacked_layout` does what ``make_subplots(shared_xaxes=True)`` does): Plotly validates a figure on every
``add_trace``/``update_layout``/``add_vrect``, and building the page's figures step by step took a few hundred
ms per interaction (``benchmarks/explore.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import base_layout, date_axis, edge, is_time_axis, minmax_positions, separators, x_values

STRETCH_FILL = "rgba(0, 114, 178, 0.16)"  # the brushed stretch: the input gate's blue, light
MATCH_FILL = "rgba(230, 159, 0, 0.22)"  # a match: the forget gate's orange, light
MATCH_LINE = "#B87F00"
STRETCH_LINE = "#0072B2"
BAR_POSITIVE, BAR_NEGATIVE = colors.POSITIVE, colors.NEGATIVE  # the diverging scale's two ends
UNIT_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#B8A000")
LABEL_PX = 14  # px a unit name needs on a heatmap's axis
MATCHES_DRAWN = 10  # matches marked on a chart at most (the best ones)
TITLE_FONT = {"size": 14}  # panel titles, as make_subplots writes them
THRESHOLD_COLOR = "#31333F"


def x_value(x: np.ndarray, k: int):
    """The x value of step ``k`` of ``x`` as Plotly takes it (ISO text on a date axis, else a number)."""
    k = int(np.clip(k, 0, len(x) - 1))
    return str(np.datetime_as_string(x[k], unit="s")) if is_time_axis(x) else float(x[k])


def _edge(x: np.ndarray, k: int):
    value = edge(x, k, is_time_axis(x))
    return str(value) if is_time_axis(x) else value


def _time_title(x: np.ndarray, lang: str) -> str:
    return translate(lang, "plot.time" if is_time_axis(x) else "plot.step")


def _layout(lang: str, height: int, top: int, **layout) -> dict:
    """``base_layout`` with the language's number separators (what ``series.localize`` sets afterwards)."""
    return base_layout(height, top=top, separators=separators(lang), **layout)


def _x_axis(x: np.ndarray, lang: str, **axis) -> dict:
    """An x axis with the language's date formats when ``x`` holds dates."""
    return {**(date_axis(lang) if is_time_axis(x) else {}), **axis}


def stacked_layout(x: np.ndarray, lang: str, heights: Sequence[float], titles: Sequence[str],
                   gap: float = 0.06) -> dict:
    """Axes of panels stacked top to bottom on one shared time axis, with their titles above them.

    Panel k (1-based) draws on ``x{k}``/``y{k}`` (``x``/``y`` for the first); only the bottom one shows its
    time ticks and title, the others follow it (``matches``).
    """
    n = len(heights)
    room = 1.0 - gap * (n - 1)
    total = float(sum(heights))
    layout: dict = {"annotations": []}
    top = 1.0
    for k, (h, title) in enumerate(zip(heights, titles), start=1):
        lo = max(0.0, top - room * h / total)
        sfx = "" if k == 1 else str(k)
        layout[f"yaxis{sfx}"] = {"domain": [lo, top], "anchor": f"x{sfx}"}
        layout[f"xaxis{sfx}"] = _x_axis(x, lang, anchor=f"y{sfx}", showticklabels=k == n,
                                        **({"matches": f"x{n}"} if k < n else {"title": {"text": _time_title(x, lang)}}))
        layout["annotations"].append({"text": title, "xref": "paper", "yref": "paper", "x": 0.5, "y": top,
                                      "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                      "font": TITLE_FONT})
        top = lo - gap
    return layout


def bands(x: np.ndarray, stretch: tuple[int, int] | None, matches: Sequence[tuple[int, int]], lang: str,
          labelled: bool = True, outlined: bool = False) -> tuple[list[dict], list[dict]]:
    """``(shapes, annotations)`` shading the stretch (blue) and the best ``MATCHES_DRAWN`` matches (orange,
    numbered #1, #2, ... best first) through the whole height of a figure. ``outlined``: frames drawn over the
    data instead (a heatmap hides anything below it)."""
    shapes: list[dict] = []
    notes: list[dict] = []

    def band(a: int, b: int, fill: str, line: dict, label: str | None) -> None:
        x0, x1 = _edge(x, a), _edge(x, b)
        if outlined:
            fill, line = "rgba(0, 0, 0, 0)", {"color": STRETCH_LINE if fill == STRETCH_FILL else MATCH_LINE,
                                              "width": 2}
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                       "fillcolor": fill, "line": line, "layer": "above" if outlined else "below"})
        if label is not None:
            notes.append({"xref": "x", "yref": "paper", "x": x0, "y": 1, "text": label, "showarrow": False,
                          "xanchor": "left", "yanchor": "top", "font": {"size": 11}})

    if stretch is not None:
        band(stretch[0], stretch[1], STRETCH_FILL, {"width": 0},
             translate(lang, "explore.plot.stretch") if labelled else None)
    for k, (a, b) in enumerate(list(matches)[:MATCHES_DRAWN], start=1):
        band(a, b, MATCH_FILL, {"color": MATCH_LINE, "width": 1}, f"#{k}" if labelled else None)
    return shapes, notes


def _unit_name(u: int, lang: str) -> str:
    return translate(lang, "explore.unit_n", n=int(u))


def _line(x: np.ndarray, y: np.ndarray, name: str, color: str, axis: str = "", float32: bool = False,
          hovertemplate: str = "%{x}<br>%{y:.4g}<extra></extra>", **extra) -> dict:
    """A line trace as a dict (``series.line_trace``'s min/max reduction past its point budget)."""
    y = np.asarray(y, dtype=np.float64)
    pos = minmax_positions(y)
    return {"type": "scatter", "x": np.asarray(x)[pos], "y": y[pos].astype(np.float32) if float32 else y[pos],
            "mode": "lines", "name": name, "line": {"color": color, "width": 1.4}, "hovertemplate": hovertemplate,
            "xaxis": f"x{axis}", "yaxis": f"y{axis}", **extra}


# --- what drives a forecast --------------------------------------------------------------------------------
def drivers_figure(window: np.ndarray, index: Sequence | np.ndarray | None, rows: Mapping[str, np.ndarray],
                   method: str, lang: str, forecast_x=None) -> go.Figure:
    """The window on top and, under it, one bar row per network: ``rows`` {cell: (W,) attributions}.

    ``method`` ("ig" | "gradient") names the bars' meaning on their axes; ``forecast_x``: the x value of the
    forecast point, marked by a dotted line past the window (None: not drawn). One scale for every network.
    """
    window = np.asarray(window, dtype=np.float64)
    W = window.size
    x = x_values(index, W)
    names = list(rows)
    layout = stacked_layout(x, lang, [1.0] + [0.9] * len(names),
                            [translate(lang, "explore.plot.window")] + [translate(lang, f"cell_kind.{c}")
                                                                         for c in names], gap=0.05)
    data: list[dict] = [{"type": "scatter", "x": x, "y": window, "mode": "lines+markers",
                         "line": {"color": colors.HISTORY, "width": 1.6}, "marker": {"size": 5},
                         "name": translate(lang, "plot.series"), "hovertemplate": "%{x}<br>%{y:.4g}<extra></extra>"}]
    lag = np.arange(W)[::-1]  # lag of each column: the last one is the newest value
    label = translate(lang, f"explore.method.{method}")
    peak = max((float(np.abs(r).max()) for r in rows.values()), default=0.0) or 1.0
    for r, cell in enumerate(names, start=2):
        values = np.asarray(rows[cell], dtype=np.float64)
        kind = translate(lang, f"cell_kind.{cell}")
        data.append({"type": "bar", "x": x, "y": values, "xaxis": f"x{r}", "yaxis": f"y{r}", "customdata": lag,
                     "marker": {"color": np.where(values >= 0, BAR_POSITIVE, BAR_NEGATIVE)}, "name": kind,
                     "hovertemplate": (f"%{{x}}<br>{translate(lang, 'explore.plot.lag')} %{{customdata}}"
                                       f"<br>{label} %{{y:.4f}}<extra>{kind}</extra>")})
        layout[f"yaxis{r}"].update(range=[-1.1 * peak, 1.1 * peak], zeroline=True, zerolinecolor="#9AA5B1",
                                   title={"text": label, "font": {"size": 11}})
    shapes = []
    if forecast_x is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": forecast_x, "x1": forecast_x, "y0": 0,
                       "y1": 1, "line": {"color": colors.FORECAST, "width": 1.5, "dash": "dot"}})
    return go.Figure(data=data, layout={**_layout(lang, 150 + 130 * len(names), 40, showlegend=False,
                                                  bargap=0.15, shapes=shapes), **layout})


def drivers_heatmap(attributions: np.ndarray, steps: np.ndarray, index: Sequence | np.ndarray | None,
                    step: int, method: str, cell: str, lang: str) -> go.Figure:
    """Every step ahead (rows, ``steps`` 1-based) against the window's values (columns) for one network, on a
    diverging scale centred on 0 and symmetric; the chosen ``step``'s row outlined."""
    a = np.asarray(attributions, dtype=np.float64)
    x = x_values(index, a.shape[1])
    r = float(np.abs(a).max()) or 1.0
    label = translate(lang, f"explore.method.{method}")
    k = int(np.clip(step, int(steps[0]), int(steps[-1])))
    heatmap = {"type": "heatmap", "z": a.astype(np.float32), "x": x, "y": np.asarray(steps, dtype=int),
               "colorscale": colors.DIVERGING, "zmin": -r, "zmax": r, "zmid": 0.0,
               "colorbar": {"thickness": 9, "len": 0.9},
               "hovertemplate": (f"{translate(lang, 'explore.plot.step_ahead')} %{{y}}<br>%{{x}}<br>{label} "
                                 "%{z:.4f}<extra></extra>")}
    outline = {"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": k - 0.5, "y1": k + 0.5,
               "line": {"color": THRESHOLD_COLOR, "width": 1.5}}
    return go.Figure(data=[heatmap], layout=_layout(
        lang, 240, 34, title={"text": translate(lang, f"cell_kind.{cell}"), "font": {"size": 13}},
        shapes=[outline], xaxis=_x_axis(x, lang),
        yaxis={"title": {"text": translate(lang, "explore.plot.step_ahead")}, "autorange": "reversed",
               **({"dtick": 1} if len(steps) <= 12 else {})}))


# --- select and match --------------------------------------------------------------------------------------
def brush_figure(values: np.ndarray, index: Sequence | np.ndarray | None, stretch: tuple[int, int] | None,
                 matches: Sequence[tuple[int, int]], lang: str, height: int = 260) -> go.Figure:
    """The series span to brush: a box selection across time only (``selectdirection="h"``), points drawn so
    Plotly can select them; the stretch and the matches shaded."""
    y = np.asarray(values, dtype=np.float64)
    x = x_values(index, y.size)
    shapes, notes = bands(x, stretch, matches, lang)
    line = {"type": "scatter", "x": x, "y": y, "mode": "lines+markers", "name": translate(lang, "plot.series"),
            "line": {"color": colors.HISTORY, "width": 1.4}, "marker": {"size": 3, "color": colors.HISTORY},
            "hovertemplate": "%{x}<br>%{y:.4g}<extra></extra>", "selected": {"marker": {"color": colors.NEGATIVE}},
            "unselected": {"marker": {"opacity": 0.6}}}
    return go.Figure(data=[line], layout=_layout(
        lang, height, 24, showlegend=False, dragmode="select", selectdirection="h", shapes=shapes,
        annotations=notes, xaxis=_x_axis(x, lang, title={"text": _time_title(x, lang)}),
        yaxis={"title": {"text": translate(lang, "plot.value")}}))


def tracking_curves(values: np.ndarray, index: Sequence | np.ndarray | None, states: np.ndarray,
                    units: Sequence[int], threshold: float, stretch: tuple[int, int] | None,
                    matches: Sequence[tuple[int, int]], state: str, lang: str) -> go.Figure:
    """The series on top and, under it on the same time axis, the curves of ``units`` of ``states`` (T, H)
    with the threshold as a dashed line."""
    y = np.asarray(values, dtype=np.float64)
    x = x_values(index, y.size)
    layout = stacked_layout(x, lang, [0.4, 0.6], [translate(lang, "plot.series"), translate(lang, f"gate.{state}")],
                            gap=0.08)
    data = [_line(x, y, translate(lang, "plot.series"), colors.HISTORY, showlegend=False)]
    for k, u in enumerate(units):
        data.append(_line(x, np.asarray(states)[:, int(u)], _unit_name(u, lang), UNIT_COLORS[k % len(UNIT_COLORS)],
                          axis="2", float32=True,
                          hovertemplate=f"%{{x}}<br>%{{y:.3f}}<extra>{_unit_name(u, lang)}</extra>"))
    shapes, _ = bands(x, stretch, matches, lang, labelled=False)
    shapes.append({"type": "line", "xref": "x2 domain", "yref": "y2", "x0": 0, "x1": 1, "y0": float(threshold),
                   "y1": float(threshold), "line": {"color": THRESHOLD_COLOR, "width": 1, "dash": "dash"},
                   "label": {"text": translate(lang, "explore.plot.threshold"), "textposition": "end",
                             "yanchor": "top", "font": {"size": 11}}})
    return go.Figure(data=data, layout={**_layout(lang, 380, 40, legend={"orientation": "h", "y": -0.15},
                                                  shapes=shapes), **layout})


def _ticks(n: int, panel_px: float) -> np.ndarray:
    """Which of n rows get their name on the axis: all when they fit, else every k-th."""
    every = max(1, int(np.ceil(n * LABEL_PX / max(panel_px, 1.0))))
    return np.arange(0, n, every)


def ordered_heatmap(states: np.ndarray, order: np.ndarray, index: Sequence | np.ndarray | None, state: str,
                    c_range: float, stretch: tuple[int, int] | None, matches: Sequence[tuple[int, int]],
                    chosen: Sequence[int], lang: str) -> go.Figure:
    """Every unit (rows, in ``order``) against time, on the state's fixed scale (``colors.scale_for``); the
    stretch's units (``chosen``) named in bold on the axis; stretch and matches shaded."""
    z = np.asarray(states, dtype=np.float64)[:, np.asarray(order, dtype=int)].T  # (H, T) rows in order
    H, T = z.shape
    x = x_values(index, T)
    picked = {int(u) for u in chosen}
    names = [_unit_name(u, lang) for u in order]
    height = int(min(720, max(260, 14 * H + 110)))
    heatmap = {"type": "heatmap", "z": z.astype(np.float32), "x": x, "y": names, **colors.scale_for(state, c_range),
               "colorbar": {"thickness": 9, "len": 0.9},
               "hovertemplate": (f"%{{y}}<br>%{{x}}<br>{translate(lang, 'plot.value')} %{{z:.3f}}"
                                 f"<extra>{translate(lang, f'gate.{state}')}</extra>")}
    rows = np.union1d(_ticks(H, height - 80), [k for k, u in enumerate(order) if int(u) in picked]).astype(int)
    shapes, notes = bands(x, stretch, matches, lang, outlined=True)
    return go.Figure(data=[heatmap], layout=_layout(
        lang, height, 28, shapes=shapes, annotations=notes, xaxis=_x_axis(x, lang),
        yaxis={"tickmode": "array", "tickvals": [names[k] for k in rows], "autorange": "reversed",
               "tickfont": {"size": 10},
               "ticktext": [f"<b>{names[k]}</b>" if int(order[k]) in picked else names[k] for k in rows]}))
