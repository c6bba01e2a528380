"""Cell drawing: the numbers on every wire are the trace's, the equations hold, the layout and palette are fixed, and
every term of the diagram is a term of the equations (so pointing at one always lights the other)."""

import re

import numpy as np
import pytest

from lstm_core import GRU, LSTM
from ui.cell_diagram import diagram, gru_diagram, lstm_diagram
from ui.cell_text import equation_rows, num
from ui.cell_values import demo_input, layer_arrays, step_values
from ui.components.cell_view import step_data
from ui.plots import colors

LSTM_VALUES = {"c_prev", "kept", "cell", "forget", "input", "candidate", "written", "output", "tanh_c", "hidden",
               "h_prev", "x"}
GRU_VALUES = {"h_prev", "kept", "hidden", "update", "one_minus_z", "reset", "hn", "r_hn", "candidate", "written",
              "x"}


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def run(kind, T=7, H=4, seed=3, **kw):
    net = (LSTM if kind == "LSTM" else GRU)(1, H, seed=seed, dtype="float64", **kw)
    x = np.random.default_rng(seed).normal(size=(1, T, 1))
    _, trace = net.forward(x)
    return net, trace


def equation_terms(v, arrs):
    return set(re.findall(r'data-term="([a-z_]+)"', " ".join(a + b for a, b in equation_rows(v, arrs, "en"))))


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_lstm_step_values_obey_the_equations(direction):
    net, trace = run("LSTM", bidirectional=True)
    arrs = layer_arrays(net, trace, 0, direction)
    for t in range(7):
        for unit in range(4):
            v = step_values(arrs, t, unit)
            for name, act in (("input", sigmoid), ("forget", sigmoid), ("candidate", np.tanh), ("output", sigmoid)):
                assert act(v["pre"][name]["a"]) == pytest.approx(v[name], abs=1e-9)
            assert v["cell"] == pytest.approx(v["forget"] * v["c_prev"] + v["input"] * v["candidate"], abs=1e-12)
            assert v["hidden"] == pytest.approx(v["output"] * np.tanh(v["cell"]), abs=1e-12)
            assert v["cell"] == trace.gate("cell", 0, direction)[0, t, unit]
    # the step a reverse direction starts from is the next one; the first step of each starts from zeros
    first = 6 if direction == "backward" else 0
    assert step_values(arrs, first, 1)["c_prev"] == 0.0 and step_values(arrs, first, 1)["h_prev"] == 0.0


def test_gru_step_values_obey_the_equations():
    net, trace = run("GRU")
    arrs = layer_arrays(net, trace)
    for t in range(7):
        for unit in range(4):
            v = step_values(arrs, t, unit)
            assert sigmoid(v["pre"]["reset"]["a"]) == pytest.approx(v["reset"], abs=1e-9)
            assert sigmoid(v["pre"]["update"]["a"]) == pytest.approx(v["update"], abs=1e-9)
            assert np.tanh(v["pre"]["candidate"]["a"]) == pytest.approx(v["candidate"], abs=1e-9)
            expected_h = (1 - v["update"]) * v["candidate"] + v["update"] * v["h_prev"]
            assert v["hidden"] == pytest.approx(expected_h, abs=1e-12)
            assert v["written"] + v["kept"] == pytest.approx(v["hidden"], abs=1e-12)


def test_second_layer_reads_the_first_layers_hidden_state():
    net, trace = run("LSTM", num_layers=2, bidirectional=True)
    arrs = layer_arrays(net, trace, 1, "forward")
    assert arrs["x"].shape == (7, 8)
    np.testing.assert_array_equal(arrs["x"][:, :4], trace.gate("hidden", 0, "forward")[0])
    np.testing.assert_array_equal(arrs["x"][:, 4:], trace.gate("hidden", 0, "backward")[0])
    v = step_values(arrs, 3, 2)
    assert sigmoid(v["pre"]["forget"]["a"]) == pytest.approx(v["forget"], abs=1e-9)


def test_out_of_range_step_or_unit_is_refused():
    net, trace = run("LSTM")
    arrs = layer_arrays(net, trace)
    with pytest.raises(ValueError):
        step_values(arrs, 7, 0)
    with pytest.raises(ValueError):
        step_values(arrs, 0, 4)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_lstm_drawing_numbers_are_the_trace_values(lang):
    net, trace = run("LSTM")
    t, unit = 4, 2
    arrs = layer_arrays(net, trace)
    d = lstm_diagram()
    vals = step_data(arrs, t, unit, d, lang)["vals"]
    assert set(vals) == set(d.named("val:")) == LSTM_VALUES
    for gate in ("input", "forget", "candidate", "output", "cell", "hidden"):
        assert vals[gate] == num(float(trace.gate(gate)[0, t, unit]), lang, 2), gate
    assert vals["c_prev"] == num(float(trace.gate("cell")[0, t - 1, unit]), lang, 2)
    assert vals["h_prev"] == num(float(trace.gate("hidden")[0, t - 1, unit]), lang, 2)
    assert vals["x"] == num(float(trace.x[0, t, 0]), lang, 2)
    if lang == "pt-BR":
        assert "," in vals["forget"]


def test_lstm_drawing_layout_and_palette():
    d = lstm_diagram()
    boxes, ops = d.named("box:"), d.named("op:")
    assert set(boxes) == {"input", "forget", "candidate", "output"}
    assert set(ops) == {"mul_forget", "add", "mul_input", "tanh", "mul_output"}
    assert len(d.named("wire:")) == 18
    for name, box in boxes.items():
        assert box.color == colors.gate_color(name)
    vals = d.named("val:")
    for name in ("input", "forget", "candidate", "output", "cell", "hidden"):
        assert vals[name].color == colors.gate_color(name)
    palette = set(colors.GATE_COLORS.values()) | {colors.HISTORY, colors.CURSOR}
    assert {e.color for e in d.elements} <= palette
    # everything is drawn inside the diagram's extent
    for e in d.elements:
        for x, y in (*e.points, e.at):
            assert d.x0 <= x <= d.x1 and d.y0 <= y <= d.y1, e.name


def test_gru_drawing_numbers_layout_and_palette():
    net, trace = run("GRU")
    t, unit = 5, 3
    arrs = layer_arrays(net, trace)
    d = gru_diagram()
    assert diagram("GRU").kind == "GRU" and diagram("LSTM").kind == "LSTM"
    vals = step_data(arrs, t, unit, d, "en")["vals"]
    assert set(vals) == set(d.named("val:")) == GRU_VALUES
    boxes, ops = d.named("box:"), d.named("op:")
    assert set(boxes) == {"update", "reset", "candidate"}
    assert set(ops) == {"mul_update", "add", "one_minus", "mul_reset", "mul_candidate"}
    assert len(d.named("wire:")) == 17
    for gate in ("reset", "update", "candidate", "hidden"):
        assert vals[gate] == num(float(trace.gate(gate)[0, t, unit]), "en", 2)
        assert d.named("val:")[gate].color == colors.gate_color(gate)
    assert vals["one_minus_z"] == num(1 - float(trace.gate("update")[0, t, unit]), "en", 2)
    for name, box in boxes.items():
        assert box.color == colors.gate_color(name)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_every_term_of_the_diagram_is_a_term_of_the_equations(kind):
    net, trace = run(kind)
    arrs = layer_arrays(net, trace)
    v = step_values(arrs, 2, 1)
    d = diagram(kind)
    assert d.terms == equation_terms(v, arrs)
    assert {e.term for e in d.elements if e.kind in ("box", "val")} <= set(v)  # numbers come from step_values


def test_box_fill_follows_the_gate_value():
    net, trace = run("LSTM")
    arrs = layer_arrays(net, trace)
    arrs["gates"]["forget"][1, 0], arrs["gates"]["input"][1, 0] = 0.98, 0.02
    fills = step_data(arrs, 1, 0, lstm_diagram(), "en")["fills"]

    def lightness(c):
        return sum(int(p) for p in c[c.index("(") + 1:-1].split(","))

    assert lightness(fills["forget"][0]) < lightness(fills["input"][0])
    assert fills["forget"][1] == "#FFFFFF" and fills["input"][1] == "#000000"  # the label reads on its fill


def test_demo_input_standardises_the_last_window():
    x = demo_input(np.arange(100.0), 24)
    assert x.shape == (24,)
    assert x.mean() == pytest.approx(0, abs=1e-12) and x.std() == pytest.approx(1)
    np.testing.assert_array_equal(demo_input(np.full(30, 5.0)), np.zeros(24))
    assert demo_input(np.arange(5.0)).shape == (5,)
