"""The LSTM and GRU cell drawn the way textbooks draw it, with one unit's real numbers on every wire.

Pure Plotly, no streamlit; the numbers are ``ui.cell_values.step_values`` (gate activations from the trace,
pre-activations recomputed from the weights). :func:`lstm_cell_figure` and :func:`gru_cell_figure` place boxes
(σ / tanh layers), circles (pointwise ×, +, tanh, 1−) and wires with Plotly shapes, and the numbers as
annotations. Every element has a ``name`` (``box:forget``, ``op:add``, ``wire:cell_in``, ``val:forget`` ...) so
tests can find it.

Colours: every wire, box and number takes the colour of the gate or state it carries (``ui.plots.colors``);
a box is filled along that gate's own heatmap scale, so an open gate looks dark and a shut one pale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.colors as pc
import plotly.graph_objects as go

from ui.i18n import fmt_num, translate
from ui.plots import colors

DIGITS = 2  # decimals of the numbers drawn on the wires (hover shows 6)
X_COLOR = colors.HISTORY  # the input x(t) is drawn in the colour of the series it comes from
LINE_COLOR = colors.CURSOR  # neutral outline of the pointwise-operation circles


# --- drawing helpers --------------------------------------------------------------------------------
def _fill(name: str, value: float) -> str:
    """The colour of ``value`` on gate ``name``'s own heatmap scale (sequential 0..1, or diverging ±1)."""
    if name in colors.SIGMOID_GATES:
        return pc.sample_colorscale(colors.sequential_scale(name), [min(max(value, 0.0), 1.0)])[0]
    return pc.sample_colorscale(colors.DIVERGING, [min(max((value + 1.0) / 2.0, 0.0), 1.0)])[0]


class _Canvas:
    """Collects shapes and annotations in data coordinates; ``figure()`` returns them as one Plotly figure."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.shapes: list[dict] = []
        self.notes: list[dict] = []

    def wire(self, name: str, points: list[tuple[float, float]], color: str, width: float = 3.0) -> None:
        path = "M " + " L ".join(f"{x},{y}" for x, y in points)
        self.shapes.append({"type": "path", "path": path, "name": f"wire:{name}",
                            "line": {"color": color, "width": width}, "layer": "below"})

    def memory_line(self, state: str, y: float, add_x: float, color: str) -> None:
        """The long-memory line along the top: in from the left, through × (at x = 3) and + (at ``add_x``), out
        to the right with an arrow; the wire between the two operations is what was ``kept``."""
        self.wire(f"{state}_in", [(0, y), (2.7, y)], color, 5)
        self.wire("kept", [(3.3, y), (add_x - 0.3, y)], color, 5)
        self.wire(f"{state}_out", [(add_x + 0.3, y), (13, y)], color, 5)
        self.arrow(f"{state}_out", 13, y, 12.4, y, color)

    def arrow(self, name: str, x: float, y: float, ax: float, ay: float, color: str) -> None:
        """An arrow head at (x, y) pointing away from (ax, ay): shows which way a wire flows."""
        self.notes.append({"x": x, "y": y, "ax": ax, "ay": ay, "xref": "x", "yref": "y", "axref": "x",
                           "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2.5,
                           "arrowcolor": color, "text": "", "name": f"arrow:{name}"})

    def box(self, name: str, x: float, y: float, symbol: str, value: float, label: str) -> None:
        """A neural-network layer (σ or tanh) of gate ``name``, filled by how open it is at this step."""
        fill = _fill(name, value)
        self.shapes.append({"type": "rect", "x0": x - 0.55, "x1": x + 0.55, "y0": y - 0.4, "y1": y + 0.4,
                            "name": f"box:{name}", "fillcolor": fill,
                            "line": {"color": colors.gate_color(name), "width": 3}})
        dark = sum(pc.unlabel_rgb(pc.convert_colors_to_same_type(fill, "rgb")[0][0])) < 3 * 140
        self.notes.append({"x": x, "y": y, "text": f"<b>{label}: {symbol}</b>", "showarrow": False,
                           "name": f"sym:{name}", "hovertext": translate(self.lang, f"gate.{name}"),
                           "font": {"size": 14, "color": colors.NEUTRAL if dark else "#000000"}})

    def op(self, name: str, x: float, y: float, symbol: str, r: float = 0.3) -> None:
        """A pointwise operation (×, +, tanh, 1−) as a circle."""
        self.shapes.append({"type": "circle", "x0": x - r, "x1": x + r, "y0": y - r, "y1": y + r,
                            "name": f"op:{name}", "fillcolor": colors.NEUTRAL,
                            "line": {"color": LINE_COLOR, "width": 2}})
        self.notes.append({"x": x, "y": y, "text": symbol, "showarrow": False, "name": f"sym:{name}",
                           "font": {"size": 13 if len(symbol) > 2 else 17, "color": "#000000"}})

    def value(self, name: str, x: float, y: float, symbol: str, value: float, color: str, hover: str,
              anchor: str = "center") -> None:
        """A number on a wire: ``symbol = value`` in the colour of what the wire carries."""
        self.notes.append({
            "x": x, "y": y, "showarrow": False, "name": f"val:{name}", "xanchor": anchor,
            "text": f"{symbol} = <b>{fmt_num(value, DIGITS, self.lang)}</b>",
            "hovertext": f"{hover}: {fmt_num(value, 6, self.lang)}",
            "font": {"size": 13, "color": color}, "bgcolor": colors.NEUTRAL, "bordercolor": color,
            "borderwidth": 1, "borderpad": 2,
        })

    def text(self, name: str, x: float, y: float, text: str, color: str, anchor: str = "center") -> None:
        self.notes.append({"x": x, "y": y, "text": text, "showarrow": False, "name": f"txt:{name}",
                           "xanchor": anchor, "font": {"size": 14, "color": color}})

    def figure(self, title: str, width: float, height: float) -> go.Figure:
        fig = go.Figure()
        fig.update_layout(
            shapes=self.shapes,
            annotations=self.notes,
            title={"text": title, "x": 0.01, "font": {"size": 15}},
            xaxis={"range": [-0.2, width + 0.2], "visible": False, "fixedrange": True},
            yaxis={"range": [-0.3, height], "visible": False, "fixedrange": True, "scaleanchor": "x",
                   "scaleratio": 1},
            height=470,
            margin={"l": 5, "r": 5, "t": 40, "b": 5},
            showlegend=False,
            plot_bgcolor="rgba(0,0,0,0)",
        )
        return fig


def _gate(lang: str, name: str) -> str:
    return translate(lang, f"gate.{name}")


def _title(lang: str, kind: str, v: Mapping[str, Any]) -> str:
    return translate(lang, "plot.cell.title", kind=kind, unit=v["unit"], t=v["t"])


# --- LSTM -------------------------------------------------------------------------------------------
def lstm_cell_figure(v: Mapping[str, Any], lang: str = "en") -> go.Figure:
    """The LSTM cell for one unit at one step, with ``step_values`` numbers on every wire.

    Cell-state line on top: c(t−1) → × f → + i·g → c(t). Below, from the left: h(t−1) and x(t) join and feed
    the forget, input, candidate and output layers; o × tanh(c(t)) gives h(t), which leaves to the right.
    """
    C, Hc = colors.gate_color("cell"), colors.gate_color("hidden")
    fc, ic, gc, oc = (colors.gate_color(n) for n in ("forget", "input", "candidate", "output"))
    cv = _Canvas(lang)
    top, gate_y, bus = 6.0, 3.0, 1.2
    cv.memory_line("cell", top, 6.5, C)
    # inputs: h(t−1) from the left, x(t) from below, joined on the bus
    cv.wire("h_prev", [(0, bus), (1.8, bus)], Hc, 3)
    cv.wire("x", [(1.8, -0.2), (1.8, bus)], X_COLOR, 3)
    cv.wire("bus", [(1.8, bus), (9.0, bus)], LINE_COLOR, 2)
    for xg in (3.0, 5.0, 6.5, 9.0):
        cv.wire(f"feed_{xg}", [(xg, bus), (xg, gate_y - 0.4)], LINE_COLOR, 2)
    # gates
    cv.box("forget", 3.0, gate_y, "σ", v["forget"], "f")
    cv.box("input", 5.0, gate_y, "σ", v["input"], "i")
    cv.box("candidate", 6.5, gate_y, "tanh", v["candidate"], "g")
    cv.box("output", 9.0, gate_y, "σ", v["output"], "o")
    cv.wire("forget", [(3.0, gate_y + 0.4), (3.0, top - 0.3)], fc)
    cv.wire("input", [(5.0, gate_y + 0.4), (5.0, 4.5), (6.2, 4.5)], ic)
    cv.wire("candidate", [(6.5, gate_y + 0.4), (6.5, 4.2)], gc)
    cv.wire("written", [(6.5, 4.8), (6.5, top - 0.3)], C)
    cv.wire("output", [(9.0, gate_y + 0.4), (9.0, 4.2), (10.7, 4.2)], oc)
    cv.wire("c_to_tanh", [(11.0, top), (11.0, 5.65)], C)
    cv.wire("tanh_c", [(11.0, 4.95), (11.0, 4.5)], C)
    cv.wire("hidden", [(11.3, 4.2), (13, 4.2)], Hc, 4)
    cv.arrow("hidden", 13, 4.2, 12.4, 4.2, Hc)
    # pointwise operations
    cv.op("mul_forget", 3.0, top, "×")
    cv.op("add", 6.5, top, "+")
    cv.op("mul_input", 6.5, 4.5, "×")
    cv.op("tanh", 11.0, 5.3, "tanh", r=0.35)
    cv.op("mul_output", 11.0, 4.2, "×")
    # numbers on the wires
    cv.value("c_prev", 1.3, top + 0.45, "c(t−1)", v["c_prev"], C, _gate(lang, "cell"))
    cv.value("kept", 4.75, top + 0.45, "f·c", v["kept"], C, translate(lang, "plot.cell.kept"))
    cv.value("cell", 8.9, top + 0.45, "c(t)", v["cell"], C, _gate(lang, "cell"))
    cv.value("forget", 3.1, 4.55, "f", v["forget"], fc, _gate(lang, "forget"), "left")
    cv.value("input", 4.3, 5.0, "i", v["input"], ic, _gate(lang, "input"))
    cv.value("candidate", 7.05, 3.85, "g", v["candidate"], gc, _gate(lang, "candidate"), "left")
    cv.value("written", 6.6, 5.3, "i·g", v["written"], C, translate(lang, "plot.cell.written"), "left")
    cv.value("output", 9.1, 4.65, "o", v["output"], oc, _gate(lang, "output"), "left")
    cv.value("tanh_c", 11.5, 5.0, "tanh c", v["tanh_c"], C, "tanh(c(t))", "left")
    cv.value("hidden", 12.2, 3.7, "h(t)", v["hidden"], Hc, _gate(lang, "hidden"))
    cv.value("h_prev", 0.2, bus + 0.45, "h(t−1)", v["h_prev"], Hc, _gate(lang, "hidden"), "left")
    cv.value("x", 2.0, 0.15, "x(t)", v["x"], X_COLOR, translate(lang, "plot.cell.input"), "left")
    return cv.figure(_title(lang, "LSTM", v), 13, 7)


# --- GRU --------------------------------------------------------------------------------------------
def gru_cell_figure(v: Mapping[str, Any], lang: str = "en") -> go.Figure:
    """The GRU cell for one unit at one step, with ``step_values`` numbers on every wire.

    Hidden-state line on top: h(t−1) → × z → + (1−z)·n → h(t). Below: h(t−1) and x(t) feed the update and
    reset layers; the reset gate scales the hidden projection (W_hn h + b_hn) that enters the candidate layer.
    """
    Hc = colors.gate_color("hidden")
    zc, rc, nc = (colors.gate_color(n) for n in ("update", "reset", "candidate"))
    cv = _Canvas(lang)
    top, gate_y, bus = 6.0, 3.0, 1.2
    cv.memory_line("h", top, 9.0, Hc)
    cv.wire("h_down", [(1.0, top), (1.0, bus), (1.8, bus)], Hc, 3)
    cv.wire("x", [(1.8, -0.2), (1.8, bus)], X_COLOR, 3)
    cv.wire("bus", [(1.8, bus), (9.0, bus)], LINE_COLOR, 2)
    for xg in (3.0, 5.0, 9.0):
        cv.wire(f"feed_{xg}", [(xg, bus), (xg, gate_y - 0.4)], LINE_COLOR, 2)
    cv.wire("hn_feed", [(7.0, bus), (7.0, gate_y - 0.3)], Hc, 2)
    cv.box("update", 3.0, gate_y, "σ", v["update"], "z")
    cv.box("reset", 5.0, gate_y, "σ", v["reset"], "r")
    cv.box("candidate", 9.0, gate_y, "tanh", v["candidate"], "n")
    cv.wire("update", [(3.0, gate_y + 0.4), (3.0, top - 0.3)], zc)
    cv.wire("update_branch", [(3.0, 4.8), (6.7, 4.8)], zc)
    cv.wire("one_minus_z", [(7.3, 4.8), (8.7, 4.8)], zc)
    cv.wire("reset", [(5.55, gate_y), (6.7, gate_y)], rc)
    cv.wire("r_hn", [(7.3, gate_y), (8.45, gate_y)], rc)
    cv.wire("candidate", [(9.0, gate_y + 0.4), (9.0, 4.5)], nc)
    cv.wire("written", [(9.0, 5.1), (9.0, top - 0.3)], Hc)
    cv.op("mul_update", 3.0, top, "×")
    cv.op("add", 9.0, top, "+")
    cv.op("one_minus", 7.0, 4.8, "1−")
    cv.op("mul_reset", 7.0, gate_y, "×")
    cv.op("mul_candidate", 9.0, 4.8, "×")
    cv.value("h_prev", 0.2, top + 0.45, "h(t−1)", v["h_prev"], Hc, _gate(lang, "hidden"), "left")
    cv.value("kept", 5.3, top + 0.45, "z·h", v["kept"], Hc, translate(lang, "plot.cell.kept"))
    cv.value("hidden", 11.0, top + 0.45, "h(t)", v["hidden"], Hc, _gate(lang, "hidden"))
    cv.value("update", 3.1, 4.2, "z", v["update"], zc, _gate(lang, "update"), "left")
    cv.value("one_minus_z", 7.4, 5.25, "1−z", v["one_minus_z"], zc, "1 − z")
    cv.value("reset", 5.0, 3.75, "r", v["reset"], rc, _gate(lang, "reset"))
    cv.value("hn", 7.1, 1.95, "W·h+b", v["hn"], Hc, "W_hn·h(t−1) + b_hn", "left")
    cv.value("r_hn", 7.7, 2.5, "r·(…)", v["r_hn"], rc, "r · (W_hn·h(t−1) + b_hn)")
    cv.value("candidate", 9.6, 4.0, "n", v["candidate"], nc, _gate(lang, "candidate"), "left")
    cv.value("written", 9.1, 5.45, "(1−z)·n", v["written"], Hc, translate(lang, "plot.cell.written"), "left")
    cv.value("x", 2.0, 0.15, "x(t)", v["x"], X_COLOR, translate(lang, "plot.cell.input"), "left")
    return cv.figure(_title(lang, "GRU", v), 13, 7)


def cell_figure(v: Mapping[str, Any], lang: str = "en") -> go.Figure:
    """``lstm_cell_figure`` or ``gru_cell_figure`` according to ``v["kind"]``."""
    return lstm_cell_figure(v, lang) if v["kind"] == "LSTM" else gru_cell_figure(v, lang)
