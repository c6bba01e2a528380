"""The LSTM and GRU cells drawn the way textbooks draw them: where every box, circle, wire and number goes.

Pure (no streamlit, no plotly): :func:`lstm_diagram` and :func:`gru_diagram` return a :class:`Diagram`, a list of
elements in diagram units (x to the right, y up), each with a ``name`` (``box:forget``, ``op:add``,
``wire:cell_in``, ``val:forget`` ...) and the ``term`` it carries: the quantity of the cell's equations it is
(``forget``, ``kept``, ``c_prev`` ...). The Inside-the-cell view (``ui.components.cell_view``) draws it and links
each term to its place in the equations; the numbers come from ``ui.cell_values.step_values``, whose keys are the
terms.

Colours: every wire, box and number takes the colour of the gate or state it carries (``ui.plots.colors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.plots import colors

X_COLOR = colors.HISTORY  # the input x(t) is drawn in the colour of the series it comes from
LINE_COLOR = colors.CURSOR  # neutral wires (the bus) and the outline of the pointwise-operation circles


@dataclass(frozen=True)
class Element:
    """One piece of the drawing. ``kind``: ``wire`` (``points``), ``arrow`` (head at ``points[1]`` coming from
    ``points[0]``), ``box`` (a σ / tanh layer at ``at``), ``op`` (a pointwise ×, +, tanh, 1− at ``at``), ``val``
    (a number on a wire: ``symbol`` over the value, centred on ``at``)."""

    kind: str
    name: str
    term: str | None
    color: str
    points: tuple[tuple[float, float], ...] = ()
    at: tuple[float, float] = (0.0, 0.0)
    width: float = 3.0  # a wire's stroke (px), a box's width (diagram units)
    symbol: str = ""
    label: str = ""
    radius: float = 0.3


@dataclass(frozen=True)
class Diagram:
    """A cell's drawing: its kind ("LSTM" | "GRU"), its extent (``x0, x1, y0, y1`` in diagram units) and elements."""

    kind: str
    x0: float
    x1: float
    y0: float
    y1: float
    elements: list[Element] = field(default_factory=list)

    def named(self, prefix: str) -> dict[str, Element]:
        """``{name without prefix: element}`` of the elements whose name starts with ``prefix`` (``"box:"``)."""
        return {e.name.split(":", 1)[1]: e for e in self.elements if e.name.startswith(prefix)}

    @property
    def terms(self) -> set[str]:
        return {e.term for e in self.elements if e.term}


BOX_W, BOX_H = 1.6, 0.9  # a σ layer's box; a tanh layer's is TANH_W wide, for its longer label
TANH_W = 2.0


class _Draw:
    def __init__(self) -> None:
        self.elements: list[Element] = []

    def wire(self, name: str, points, color: str, term: str | None, width: float = 3.0) -> None:
        self.elements.append(Element("wire", f"wire:{name}", term, color, tuple(points), width=width))

    def arrow(self, name: str, tip, tail, color: str, term: str | None) -> None:
        self.elements.append(Element("arrow", f"arrow:{name}", term, color, (tuple(tail), tuple(tip))))

    def box(self, name: str, x: float, y: float, symbol: str, label: str) -> None:
        self.elements.append(Element("box", f"box:{name}", name, colors.gate_color(name), at=(x, y), symbol=symbol,
                                     label=label, width=TANH_W if symbol == "tanh" else BOX_W))

    def op(self, name: str, x: float, y: float, symbol: str, term: str | None, r: float = 0.3) -> None:
        self.elements.append(Element("op", f"op:{name}", term, LINE_COLOR, at=(x, y), symbol=symbol, radius=r))

    def value(self, name: str, x: float, y: float, symbol: str, color: str) -> None:
        """The number of term ``name`` (a key of ``step_values``): ``symbol`` over its value, centred on (x, y)."""
        self.elements.append(Element("val", f"val:{name}", name, color, at=(x, y), symbol=symbol))


def lstm_diagram() -> Diagram:
    """The LSTM cell. Cell-state line on top: c(t−1) → × f → + i·g → c(t). Below, from the left: h(t−1) and x(t)
    join on a bus that feeds the forget, input, candidate and output layers; o × tanh(c(t)) gives h(t), which
    leaves to the right."""
    C, Hc = colors.gate_color("cell"), colors.gate_color("hidden")
    fc, ic, gc, oc = (colors.gate_color(n) for n in ("forget", "input", "candidate", "output"))
    d = _Draw()
    top, gate_y, bus, mul_y, out_y = 6.6, 3.0, 1.2, 5.0, 4.4
    fx, ix, gx, ox, out_x, end = 3.0, 4.8, 6.9, 9.3, 11.5, 14.4
    half = BOX_H / 2
    # the long-memory line: in from the left, through × (forget) and + (write), out to the right
    d.wire("cell_in", [(0, top), (fx - 0.3, top)], C, "c_prev", 5)
    d.wire("kept", [(fx + 0.3, top), (gx - 0.3, top)], C, "kept", 5)
    d.wire("cell_out", [(gx + 0.3, top), (end, top)], C, "cell", 5)
    d.arrow("cell_out", (end, top), (end - 0.6, top), C, "cell")
    # inputs: h(t−1) from the left, x(t) from below, joined on the bus
    d.wire("h_prev", [(0, bus), (1.8, bus)], Hc, "h_prev")
    d.wire("x", [(1.8, -0.3), (1.8, bus)], X_COLOR, "x")
    d.wire("bus", [(1.8, bus), (ox, bus)], LINE_COLOR, None, 2)
    for name, xg in (("forget", fx), ("input", ix), ("candidate", gx), ("output", ox)):
        d.wire(f"feed_{name}", [(xg, bus), (xg, gate_y - half)], LINE_COLOR, None, 2)
    # the four layers and what leaves them
    d.box("forget", fx, gate_y, "σ", "f")
    d.box("input", ix, gate_y, "σ", "i")
    d.box("candidate", gx, gate_y, "tanh", "g")
    d.box("output", ox, gate_y, "σ", "o")
    d.wire("forget", [(fx, gate_y + half), (fx, top - 0.3)], fc, "forget")
    d.wire("input", [(ix, gate_y + half), (ix, mul_y), (gx - 0.3, mul_y)], ic, "input")
    d.wire("candidate", [(gx, gate_y + half), (gx, mul_y - 0.3)], gc, "candidate")
    d.wire("written", [(gx, mul_y + 0.3), (gx, top - 0.3)], C, "written")
    d.wire("output", [(ox, gate_y + half), (ox, out_y), (out_x - 0.3, out_y)], oc, "output")
    d.wire("c_to_tanh", [(out_x, top), (out_x, 6.15)], C, "cell")
    d.wire("tanh_c", [(out_x, 5.05), (out_x, out_y + 0.3)], C, "tanh_c")
    d.wire("hidden", [(out_x + 0.3, out_y), (end, out_y)], Hc, "hidden", 4)
    d.arrow("hidden", (end, out_y), (end - 0.6, out_y), Hc, "hidden")
    # pointwise operations
    d.op("mul_forget", fx, top, "×", "kept")
    d.op("add", gx, top, "+", "cell")
    d.op("mul_input", gx, mul_y, "×", "written")
    d.op("tanh", out_x, 5.6, "tanh", "tanh_c", r=0.55)
    d.op("mul_output", out_x, out_y, "×", "hidden")
    # the numbers on the wires, each in the free space beside its wire
    d.value("c_prev", 1.3, top + 0.75, "c(t−1)", C)
    d.value("kept", (fx + gx) / 2, top + 0.75, "f·c", C)
    d.value("cell", 9.2, top + 0.75, "c(t)", C)
    d.value("forget", fx - 0.85, 4.9, "f", fc)
    d.value("input", ix + 0.85, 4.1, "i", ic)
    d.value("candidate", gx + 0.85, 4.15, "g", gc)
    d.value("written", gx + 0.85, 5.85, "i·g", C)
    d.value("output", ox + 0.95, 4.95, "o", oc)
    d.value("tanh_c", out_x + 1.35, 5.6, "tanh c", C)
    d.value("hidden", 13.25, 3.75, "h(t)", Hc)
    d.value("h_prev", 0.85, 1.95, "h(t−1)", Hc)
    d.value("x", 2.7, 0.2, "x(t)", X_COLOR)
    return Diagram("LSTM", -0.1, 14.7, -0.5, 8.0, d.elements)


def gru_diagram() -> Diagram:
    """The GRU cell. Hidden-state line on top: h(t−1) → × z → + (1−z)·n → h(t). Below: h(t−1) and x(t) feed the
    update and reset layers; the reset gate scales the hidden projection (W_hn h + b_hn) entering the candidate."""
    Hc = colors.gate_color("hidden")
    zc, rc, nc = (colors.gate_color(n) for n in ("update", "reset", "candidate"))
    d = _Draw()
    top, gate_y, bus, branch_y = 6.6, 3.0, 1.2, 4.8
    zx, rx, mx, nx, end = 3.0, 5.0, 7.0, 9.6, 14.4
    half = BOX_H / 2
    d.wire("h_in", [(0, top), (zx - 0.3, top)], Hc, "h_prev", 5)
    d.wire("kept", [(zx + 0.3, top), (nx - 0.3, top)], Hc, "kept", 5)
    d.wire("h_out", [(nx + 0.3, top), (end, top)], Hc, "hidden", 5)
    d.arrow("h_out", (end, top), (end - 0.6, top), Hc, "hidden")
    d.wire("h_down", [(1.0, top), (1.0, bus), (1.8, bus)], Hc, "h_prev")
    d.wire("x", [(1.8, -0.3), (1.8, bus)], X_COLOR, "x")
    d.wire("bus", [(1.8, bus), (nx, bus)], LINE_COLOR, None, 2)
    for name, xg in (("update", zx), ("reset", rx), ("candidate", nx)):
        d.wire(f"feed_{name}", [(xg, bus), (xg, gate_y - half)], LINE_COLOR, None, 2)
    d.wire("hn_feed", [(mx, bus), (mx, gate_y - 0.3)], Hc, "hn", 2)
    d.box("update", zx, gate_y, "σ", "z")
    d.box("reset", rx, gate_y, "σ", "r")
    d.box("candidate", nx, gate_y, "tanh", "n")
    d.wire("update", [(zx, gate_y + half), (zx, top - 0.3)], zc, "update")
    d.wire("update_branch", [(zx, branch_y), (mx - 0.3, branch_y)], zc, "update")
    d.wire("one_minus_z", [(mx + 0.3, branch_y), (nx - 0.3, branch_y)], zc, "one_minus_z")
    d.wire("reset", [(rx + BOX_W / 2, gate_y), (mx - 0.3, gate_y)], rc, "reset")
    d.wire("r_hn", [(mx + 0.3, gate_y), (nx - TANH_W / 2, gate_y)], rc, "r_hn")
    d.wire("candidate", [(nx, gate_y + half), (nx, branch_y - 0.3)], nc, "candidate")
    d.wire("written", [(nx, branch_y + 0.3), (nx, top - 0.3)], Hc, "written")
    d.op("mul_update", zx, top, "×", "kept")
    d.op("add", nx, top, "+", "hidden")
    d.op("one_minus", mx, branch_y, "1−", "one_minus_z", r=0.42)
    d.op("mul_reset", mx, gate_y, "×", "r_hn")
    d.op("mul_candidate", nx, branch_y, "×", "written")
    d.value("h_prev", 2.0, top + 0.75, "h(t−1)", Hc)
    d.value("kept", (zx + nx) / 2, top + 0.75, "z·h", Hc)
    d.value("hidden", 12.0, top + 0.75, "h(t)", Hc)
    d.value("update", zx - 0.85, 4.6, "z", zc)
    d.value("one_minus_z", (mx + nx) / 2, 5.6, "1−z", zc)
    d.value("reset", (rx + mx) / 2 + 0.35, 3.95, "r", rc)
    d.value("hn", mx + 0.95, 1.95, "W·h+b", Hc)
    d.value("r_hn", (mx + nx) / 2 - 0.1, 3.95, "r·(…)", rc)
    d.value("candidate", nx + 0.85, 4.0, "n", nc)
    d.value("written", nx + 1.15, 5.65, "(1−z)·n", Hc)
    d.value("x", 2.7, 0.2, "x(t)", X_COLOR)
    return Diagram("GRU", -0.1, 14.7, -0.5, 8.0, d.elements)


def diagram(kind: str) -> Diagram:
    """:func:`lstm_diagram` or :func:`gru_diagram`."""
    return lstm_diagram() if kind == "LSTM" else gru_diagram()


def term_color(term: str, kind: str = "LSTM") -> str:
    """The colour a term of the equations is highlighted with: its gate's, or the state it belongs to (what is
    kept and written is cell state in an LSTM, hidden state in a GRU)."""
    if term in colors.GATE_COLORS:
        return colors.gate_color(term)
    memory = colors.gate_color("cell" if kind == "LSTM" else "hidden")
    return {"x": X_COLOR, "h_prev": colors.gate_color("hidden"), "c_prev": colors.gate_color("cell"),
            "kept": memory, "written": memory, "tanh_c": colors.gate_color("cell"), "hn": colors.gate_color("hidden"),
            "r_hn": colors.gate_color("reset"), "one_minus_z": colors.gate_color("update")}.get(term, LINE_COLOR)
