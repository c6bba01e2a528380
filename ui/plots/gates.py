"""Figures of what the gates did: heatmap grid, one unit's curves, cell-state composition, saturation.

Pure functions: NumPy arrays in, ``plotly.graph_objects.Figure`` out, no streamlit. Labels come from the
catalogs through ``ui.i18n.translate(lang, ...)``; the numbers behind the last two figures (``cell_parts``,
``saturation_fractions``) from ``ui.cell_values``.

Inputs follow the core's trace: ``trace.gate(name, layer, direction)`` is ``(B, T, H)``; the builders take
one sequence of it, ``(T, H)`` (``ui.cell_values.layer_gates`` picks one sample, layer and direction).
``time`` is what the x axis shows: ``None`` for steps ``0..T-1``, or ``(T,)`` dates / step numbers.

Size: heatmaps are sent as float32 typed arrays and long windows are averaged to at most
``MAX_STEPS`` columns and ``MAX_UNITS`` rows (screen resolution), so a 64-unit × 500-step LSTM view stays well
under 2 MB of JSON.

Units and cursor: every heatmap row is named ("unit 4", 0-based like the unit pickers and the texts), on the
axis and in the hover; :func:`unit_ticks` picks which names fit on the axis and :func:`set_unit` outlines the
chosen unit's row and always names it. The time cursor is one dotted line through every panel labelled with the
step's own time stamp (``ui.reading.time_label``: a date where the series has dates); :func:`set_cursor` moves it
on a cached figure, and :func:`cursor_moves` gives the page's player what moves it in the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.cell_values import HIGH, LOW, cell_parts, saturation_fractions
from ui.i18n import translate
from ui.plots import colors
from ui.plots import cursor as cursor_images
from ui.plots.series import base_layout, is_time_axis, line_trace, localize, x_values

MAX_STEPS = 400  # heatmap columns at most: more steps are averaged in contiguous buckets
MAX_UNITS = 64  # heatmap rows at most: more units are averaged in contiguous groups


# --- screen-resolution reduction --------------------------------------------------------------------
def _buckets(n: int, max_n: int) -> tuple[np.ndarray, np.ndarray]:
    """Starts and sizes of ``min(n, max_n)`` contiguous, nearly equal buckets covering ``0..n-1``."""
    k = max(1, min(n, max_n))
    edges = np.linspace(0, n, k + 1).round().astype(int)
    return edges[:-1], np.diff(edges)


@dataclass(frozen=True)
class Grid:
    """A (units × time) grid reduced to screen resolution.

    ``z``: (U', T') float32 means; ``t_start``/``t_size``: (T',) first step and number of steps per column;
    ``u_start``/``u_size``: (U',) first unit and number of units per row.
    """

    z: np.ndarray
    t_start: np.ndarray
    t_size: np.ndarray
    u_start: np.ndarray
    u_size: np.ndarray

    @property
    def t_center(self) -> np.ndarray:
        """(T',) the step drawn for each column: the middle step of its bucket."""
        return self.t_start + self.t_size // 2

    @property
    def aggregated(self) -> bool:
        return bool((self.t_size > 1).any() or (self.u_size > 1).any())

    def unit_labels(self) -> list[str]:
        """Row labels: ``"7"`` for one unit, ``"8–11"`` for a group."""
        return [str(s) if n == 1 else f"{s}–{s + n - 1}" for s, n in zip(self.u_start, self.u_size)]

    def unit_names(self, lang: str) -> list[str]:
        """Row names as a reader sees them: ``"unit 7"`` (``"unidade 7"``), ``"units 8–11"`` for a group."""
        return [translate(lang, "plot.gates.unit_n", n=int(s)) if n == 1 else
                translate(lang, "plot.gates.units_n", first=int(s), last=int(s + n - 1))
                for s, n in zip(self.u_start, self.u_size)]

    def row_of(self, unit: int) -> int:
        """The row that draws ``unit`` (its group's row when units are averaged)."""
        return int(np.clip(np.searchsorted(self.u_start, unit, side="right") - 1, 0, len(self.u_start) - 1))

    def column_of(self, step: int) -> int:
        """The column that draws step ``step`` (its bucket's column when steps are averaged)."""
        return int(np.clip(np.searchsorted(self.t_start, step, side="right") - 1, 0, len(self.t_start) - 1))


def aggregate(z: np.ndarray, max_steps: int = MAX_STEPS, max_units: int = MAX_UNITS) -> Grid:
    """Average a ``(T, H)`` array into at most ``max_steps`` × ``max_units`` buckets, transposed to units × time.

    Means keep the fixed colour scales meaningful (a mean of values in 0..1 stays in 0..1).
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"expected (T, H), got shape {z.shape}")
    T, H = z.shape
    t_start, t_size = _buckets(T, max_steps)
    u_start, u_size = _buckets(H, max_units)
    zt = np.add.reduceat(z, t_start, axis=0) / t_size[:, None]  # (T', H)
    zu = np.add.reduceat(zt, u_start, axis=1) / u_size[None, :]  # (T', U')
    return Grid(zu.T.astype(np.float32), t_start, t_size, u_start, u_size)


# --- figure helpers ---------------------------------------------------------------------------------
def time_axis_label(x: np.ndarray, lang: str) -> str:
    return translate(lang, "plot.time" if is_time_axis(x) else "plot.step")


def _cursor(fig: go.Figure, x: np.ndarray, cursor: int | None, labelled: bool = False, plot_px: float = 400.0) -> None:
    """The time cursor of a figure built here (``ui.plots.cursor``): a dotted line through every panel at step
    ``cursor``, labelled with the step's time stamp on a heatmap grid; the figure keeps its steps for moving it."""
    meta = dict(fig.layout.meta or {})
    meta.update({"cursor_steps": int(len(x)), "labelled_cursor": bool(labelled), "cursor_px": float(plot_px)})
    fig.layout.meta = meta
    cursor_images.add_cursor(fig, x, cursor, labelled=labelled, plot_px=plot_px)


def _cursor_x(fig: go.Figure, time: Sequence | np.ndarray | None) -> np.ndarray:
    return np.arange(int((fig.layout.meta or {}).get("cursor_steps", 1))) if time is None else np.asarray(time)


def set_cursor(fig: go.Figure, time: Sequence | np.ndarray | None, cursor: int | None) -> go.Figure:
    """Move the time-step cursor of a figure built here to step ``cursor`` (None removes it), in place; ``fig``.

    Rebuilding a 64-unit × 500-step heatmap grid takes a few hundred ms; a page can keep the figure (per model
    and window) and only move the cursor, which costs about a millisecond. ``time``: the x values the figure
    was built with, or None when it was built with steps 0..T-1.
    """
    return cursor_images.set_cursor(fig, _cursor_x(fig, time), cursor)


def cursor_steps(T: int, max_steps: int = MAX_STEPS) -> np.ndarray:
    """The steps a heatmap grid's cursor stops at when it sweeps: every step, or each averaged column's middle."""
    t_start, t_size = _buckets(int(T), max_steps)
    return t_start + t_size // 2


def cursor_frame(T: int, step: int, max_steps: int = MAX_STEPS) -> int:
    """Which of the :func:`cursor_steps` stands on (the column drawing) step ``step``."""
    t_start, _ = _buckets(int(T), max_steps)
    return int(np.clip(np.searchsorted(t_start, step, side="right") - 1, 0, len(t_start) - 1))


def cursor_moves(fig: go.Figure, time: Sequence | np.ndarray | None, steps: Sequence[int]) -> list[dict]:
    """For each of ``steps``, the ``Plotly.relayout`` update that moves the cursor of ``fig`` (a figure built here,
    with its cursor drawn) there: what the page's player sends to plotly.js in the browser, frame by frame."""
    return cursor_images.cursor_moves(fig, _cursor_x(fig, time), steps)


# --- unit names on the heatmaps' rows --------------------------------------------------------------------
UNIT = "unit"  # name of the outline shapes of the chosen unit's row
LABEL_PX = 18  # px a row name needs on the axis (room for classroom mode's larger type)


def unit_ticks(names: Sequence[str], panel_px: float, chosen: int | None = None) -> list[str]:
    """The row names that fit on a panel ``panel_px`` tall: every row when they fit, else every k-th row, and
    the ``chosen`` row always (its neighbours that would touch it left out)."""
    n = len(names)
    if n == 0:
        return []
    every = max(1, int(np.ceil(n * LABEL_PX / max(panel_px, 1.0))))
    rows = set(range(0, n, every))
    if chosen is not None and 0 <= chosen < n:
        rows = {r for r in rows if abs(r - chosen) >= every} | {chosen}
    return [names[r] for r in sorted(rows)]


def set_unit(fig: go.Figure, unit: int | None) -> go.Figure:
    """Outline the row of ``unit`` in every heatmap of a grid built here and name it on the axis (None: no
    outline), in place; ``fig``. As cheap as :func:`set_cursor`, for a cached figure."""
    fig.layout.shapes = [s for s in fig.layout.shapes if s.name != UNIT]
    meta = fig.layout.meta or {}
    for tr in fig.data:
        if tr.type != "heatmap":
            continue
        axis = fig.layout["yaxis" + tr.yaxis[1:]]
        names = list(tr.y)
        row = None
        if unit is not None:
            starts = meta.get("unit_starts") or list(range(len(names)))
            row = int(np.clip(np.searchsorted(np.asarray(starts), unit, side="right") - 1, 0, len(names) - 1))
            fig.add_shape(type="rect", xref=f"{tr.xaxis} domain", yref=tr.yaxis, x0=0, x1=1, y0=row - 0.5,
                          y1=row + 0.5, line={"color": cursor_images.COLOR, "width": 1.5}, fillcolor="rgba(0,0,0,0)",
                          name=UNIT, layer="above")
        axis.tickvals = unit_ticks(names, meta.get("panel_px", 100.0), row)
    return fig


def _input_trace(x: np.ndarray, x_input: np.ndarray, lang: str) -> go.Scatter:
    y = np.asarray(x_input, dtype=np.float64).reshape(-1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"input has {y.shape[0]} steps, gates have {x.shape[0]}")
    return line_trace(x, y, name=translate(lang, "plot.gates.input_series"), color=colors.HISTORY, width=1.5,
                      float32=True, showlegend=False)


def _num(value: float, lang: str) -> str:
    """A short number with the language's decimal mark (0.1 / 0,1)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "pt-BR" else text


def gate_label(name: str, lang: str) -> str:
    return translate(lang, f"gate.{name}")


# --- (a) heatmap grid -------------------------------------------------------------------------------
def gate_heatmaps(
    gates: Mapping[str, np.ndarray],
    x_input: np.ndarray,
    *,
    time: Sequence | np.ndarray | None = None,
    cursor: int | None = None,
    unit: int | None = None,
    c_range: float = 1.0,
    lang: str = "en",
    max_steps: int = MAX_STEPS,
    max_units: int = MAX_UNITS,
    panel_height: int = 125,
) -> go.Figure:
    """The input series on top, then one units × time heatmap per gate/state, on one shared time axis.

    ``gates``: ``{name: (T, H)}`` in display order (e.g. ``colors.LSTM_GATES``); ``x_input``: (T,) the series the
    network read; ``cursor``: a step index marked by a vertical line through every panel, labelled with its time
    stamp; ``unit``: a unit whose row is outlined and named; ``c_range``: the fixed half-range of the cell-state
    scale (``colors.cell_range`` of the model's trace, computed once). Scales are fixed (sigmoid gates 0..1,
    candidate/hidden ±1, cell ±c_range) so colours mean the same thing on every redraw. Long windows or many
    units are averaged down to ``max_steps`` × ``max_units``. The page's player sweeps the cursor through
    :func:`cursor_steps` with :func:`cursor_moves`.
    """
    names = list(gates)
    if not names:
        raise ValueError("no gates to draw")
    T = np.asarray(gates[names[0]]).shape[0]
    x = x_values(time, T)
    rows = 1 + len(names)
    titles = [translate(lang, "plot.gates.input_series")] + [gate_label(n, lang) for n in names]
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.035 if rows > 4 else 0.06,
        row_heights=[0.8] + [1.0] * len(names),
        subplot_titles=titles,
    )
    fig.add_trace(_input_trace(x, x_input, lang), row=1, col=1)
    height = 110 + panel_height * len(names)
    value_lbl = translate(lang, "plot.value")
    time_lbl = time_axis_label(x, lang)
    starts: list[int] = []
    panel_px = 100.0
    for r, name in enumerate(names, start=2):
        z = np.asarray(gates[name])
        if z.shape[0] != T:
            raise ValueError(f"{name} has {z.shape[0]} steps, expected {T}")
        grid = aggregate(z, max_steps, max_units)
        note = translate(lang, "plot.gates.averaged") if grid.aggregated else ""
        yaxis = fig.layout[f"yaxis{r}"]
        lo, hi = yaxis.domain
        panel_px = (hi - lo) * (height - 80)
        row_names = grid.unit_names(lang)
        starts = [int(u) for u in grid.u_start]
        fig.add_trace(
            go.Heatmap(
                z=grid.z,
                x=x[grid.t_center],
                y=row_names,
                **colors.scale_for(name, c_range),
                colorbar={"y": (lo + hi) / 2, "len": (hi - lo) * 1.02, "thickness": 9, "x": 1.005, "xpad": 4},
                hovertemplate=(
                    f"%{{y}}<br>{time_lbl} %{{x}}<br>{value_lbl} %{{z:.3f}}{note}"
                    f"<extra>{gate_label(name, lang)}</extra>"
                ),
                name=name,
            ),
            row=r,
            col=1,
        )
        fig.update_yaxes(tickmode="array", tickvals=unit_ticks(row_names, panel_px), row=r, col=1)
    for k, name in enumerate(names, start=1):
        # colour each panel title with its gate colour (annotation 0 is the input series)
        fig.layout.annotations[k].font.color = colors.gate_color(name)
    _headroom(fig, x_input)
    fig.update_xaxes(title_text=time_lbl, row=rows, col=1)
    fig.layout.meta = {"unit_starts": starts, "panel_px": panel_px}
    _cursor(fig, x, cursor, labelled=True, plot_px=height - 80)
    localize(fig, lang, is_time_axis(x))
    fig.update_layout(**base_layout(height, showlegend=False))
    set_unit(fig, unit)
    return fig


def _headroom(fig: go.Figure, x_input: np.ndarray) -> None:
    """Room above the input series in the top panel, where the cursor's time stamp is written."""
    y = np.asarray(x_input, dtype=np.float64)
    y = y[np.isfinite(y)]
    if not y.size:
        return
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    fig.update_yaxes(range=[lo - 0.08 * span, hi + 0.45 * span], row=1, col=1)


# --- (b) one unit's curves --------------------------------------------------------------------------
def unit_curves(
    gates: Mapping[str, np.ndarray],
    x_input: np.ndarray,
    unit: int,
    *,
    time: Sequence | np.ndarray | None = None,
    cursor: int | None = None,
    lang: str = "en",
) -> go.Figure:
    """For one unit: the input on top, its sigmoid gates (0..1) below, then its signed states, on one time axis."""
    names = list(gates)
    T, H = np.asarray(gates[names[0]]).shape
    if not 0 <= unit < H:
        raise ValueError(f"unit {unit} outside 0..{H - 1}")
    x = x_values(time, T)
    sig = [n for n in names if n in colors.SIGMOID_GATES]
    signed = [n for n in names if n not in colors.SIGMOID_GATES]
    panels = [("input", None)] + ([("sig", sig)] if sig else []) + ([("signed", signed)] if signed else [])
    titles = [translate(lang, "plot.gates.input_series")]
    if sig:
        titles.append(translate(lang, "plot.gates.gates_of_unit", unit=unit))
    if signed:
        titles.append(translate(lang, "plot.gates.states_of_unit", unit=unit))
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=titles)
    fig.add_trace(_input_trace(x, x_input, lang), row=1, col=1)
    for r, (kind, group) in enumerate(panels[1:], start=2):
        for name in group:
            y = np.asarray(gates[name], dtype=np.float64)[:, unit]
            fig.add_trace(
                line_trace(x, y, name=gate_label(name, lang), color=colors.gate_color(name), width=2,
                           hovertemplate="%{y:.3f}", float32=True),
                row=r,
                col=1,
            )
        if kind == "sig":
            fig.update_yaxes(range=[-0.03, 1.03], row=r, col=1)
    fig.update_xaxes(title_text=time_axis_label(x, lang), row=len(panels), col=1)
    _cursor(fig, x, cursor)
    localize(fig, lang, is_time_axis(x))
    fig.update_layout(**base_layout(
        170 * len(panels) + 60, hovermode="x unified", legend={"orientation": "h", "y": -0.12}
    ))
    return fig


# --- (c) how the cell state is made -----------------------------------------------------------------
def cell_composition(
    f: np.ndarray,
    i: np.ndarray,
    g: np.ndarray,
    c: np.ndarray,
    unit: int,
    *,
    c0: np.ndarray | None = None,
    time: Sequence | np.ndarray | None = None,
    cursor: int | None = None,
    lang: str = "en",
) -> go.Figure:
    """For one unit: kept ``f ⊙ c(t−1)``, written ``i ⊙ g`` and the resulting ``c(t)`` (their sum) over time.

    ``f, i, g, c``: (T, H) forget gate, input gate, candidate, cell state; ``c0``: (H,) initial cell state.
    """
    kept, written = cell_parts(f, i, g, c, c0)
    T, H = kept.shape
    if not 0 <= unit < H:
        raise ValueError(f"unit {unit} outside 0..{H - 1}")
    x = x_values(time, T)
    fig = go.Figure()
    lines = (
        ("kept", kept[:, unit], colors.gate_color("forget"), 2, "solid"),
        ("written", written[:, unit], colors.gate_color("input"), 2, "solid"),
        ("cell", np.asarray(c, dtype=np.float64)[:, unit], colors.gate_color("cell"), 3, "solid"),
    )
    for key, y, color, width, dash in lines:
        fig.add_trace(line_trace(x, y, name=translate(lang, f"plot.gates.{key}"), color=color, width=width,
                                 dash=dash, hovertemplate="%{y:.3f}", float32=True))
    fig.add_hline(y=0, line={"color": colors.CURSOR, "width": 1})
    _cursor(fig, x, cursor)
    localize(fig, lang, is_time_axis(x))
    fig.update_layout(**base_layout(
        340,
        top=40,
        title=translate(lang, "plot.gates.composition_title", unit=unit),
        hovermode="x unified",
        xaxis_title=time_axis_label(x, lang),
        legend={"orientation": "h", "y": -0.2},
    ))
    return fig


# --- (d) saturation scatter -------------------------------------------------------------------------
def saturation_scatter(
    gates: Mapping[str, np.ndarray],
    *,
    unit: int | None = None,
    lang: str = "en",
    low: float = LOW,
    high: float = HIGH,
) -> go.Figure:
    """Per unit and sigmoid gate: fraction of steps below ``low`` (x) against above ``high`` (y).

    After Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks": units in the
    top-left corner keep a gate open almost always (e.g. a forget gate that remembers), bottom-right shut almost
    always, near the origin they act gradually. ``gates``: ``{name: (..., H)}``; non-sigmoid entries are
    ignored. ``unit``: drawn larger and outlined in every gate.
    """
    fig = go.Figure()
    unit_lbl = translate(lang, "plot.gates.unit")
    x_lbl = translate(lang, "plot.gates.frac_low", low=_num(low, lang))
    y_lbl = translate(lang, "plot.gates.frac_high", high=_num(high, lang))
    for name, z in gates.items():
        if name not in colors.SIGMOID_GATES:
            continue
        fx, fy = saturation_fractions(z, low, high)
        H = fx.shape[0]
        size = np.full(H, 8.0)
        line_w = np.zeros(H)
        if unit is not None and 0 <= unit < H:
            size[unit], line_w[unit] = 15.0, 2.0
        fig.add_trace(
            go.Scatter(
                x=fx.astype(np.float32),
                y=fy.astype(np.float32),
                mode="markers",
                name=gate_label(name, lang),
                marker={
                    "color": colors.gate_color(name),
                    "size": size,
                    "opacity": 0.85,
                    "line": {"width": line_w, "color": colors.CURSOR},
                },
                hovertemplate=f"{unit_lbl} %{{pointNumber}}<br>{x_lbl}: %{{x:.2f}}<br>{y_lbl}: %{{y:.2f}}"
                f"<extra>{gate_label(name, lang)}</extra>",
            )
        )
    # x + y <= 1: no unit can be both shut and open more than all the time
    fig.add_shape(type="line", x0=0, y0=1, x1=1, y1=0, line={"color": colors.CURSOR, "width": 1, "dash": "dot"})
    fig.add_annotation(x=0.02, y=0.98, text=translate(lang, "plot.gates.always_open"), showarrow=False,
                       xanchor="left", yanchor="top")
    fig.add_annotation(x=0.98, y=0.02, text=translate(lang, "plot.gates.always_shut"), showarrow=False,
                       xanchor="right", yanchor="bottom")
    fig.update_layout(**base_layout(
        420,
        xaxis={"title": x_lbl, "range": [-0.03, 1.03], "constrain": "domain"},
        yaxis={"title": y_lbl, "range": [-0.03, 1.03], "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "y": -0.18},
    ))
    return localize(fig, lang, time_axis=False)
