"""Cell drawing: the numbers on every wire are the trace's, the equations hold, the layout and palette are fixed."""

import numpy as np
import pytest

from lstm_core import GRU, LSTM
from ui.cell_values import demo_input, layer_arrays, step_values
from ui.i18n import fmt_num
from ui.plots import colors
from ui.plots.cell import cell_figure, gru_cell_figure, lstm_cell_figure

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


def named(fig, prefix):
    return {el.name.split(":", 1)[1]: el for el in (*fig.layout.shapes, *fig.layout.annotations)
            if el.name and el.name.startswith(prefix)}


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
    v = step_values(layer_arrays(net, trace), t, unit)
    fig = lstm_cell_figure(v, lang)
    vals = named(fig, "val:")
    assert set(vals) == LSTM_VALUES
    for gate in ("input", "forget", "candidate", "output", "cell", "hidden"):
        expected = fmt_num(float(trace.gate(gate)[0, t, unit]), 2, lang)
        assert f"<b>{expected}</b>" in vals[gate].text, (gate, vals[gate].text)
    assert fmt_num(float(trace.gate("cell")[0, t - 1, unit]), 2, lang) in vals["c_prev"].text
    assert fmt_num(float(trace.gate("hidden")[0, t - 1, unit]), 2, lang) in vals["h_prev"].text
    assert fmt_num(float(trace.x[0, t, 0]), 2, lang) in vals["x"].text
    if lang == "pt-BR":
        assert "," in vals["forget"].text


def test_lstm_drawing_layout_and_palette():
    net, trace = run("LSTM")
    fig = lstm_cell_figure(step_values(layer_arrays(net, trace), 1, 0))
    boxes, ops = named(fig, "box:"), named(fig, "op:")
    assert set(boxes) == {"input", "forget", "candidate", "output"}
    assert set(ops) == {"mul_forget", "add", "mul_input", "tanh", "mul_output"}
    assert len([s for s in fig.layout.shapes if s.name.startswith("wire:")]) == 18
    for name, box in boxes.items():
        assert box.line.color == colors.gate_color(name)
    vals = named(fig, "val:")
    for name in ("input", "forget", "candidate", "output", "cell", "hidden"):
        assert vals[name].font.color == colors.gate_color(name)
    palette = set(colors.GATE_COLORS.values()) | {colors.HISTORY, colors.CURSOR}
    assert {s.line.color for s in fig.layout.shapes} <= palette
    # an open gate is drawn darker than a shut one (box fill on the gate's own scale)
    assert fig.layout.title.text.startswith("LSTM")


def test_gru_drawing_numbers_layout_and_palette():
    net, trace = run("GRU")
    t, unit = 5, 3
    v = step_values(layer_arrays(net, trace), t, unit)
    fig = gru_cell_figure(v, "en")
    assert cell_figure(v).layout.title.text == fig.layout.title.text
    vals, boxes, ops = named(fig, "val:"), named(fig, "box:"), named(fig, "op:")
    assert set(vals) == GRU_VALUES
    assert set(boxes) == {"update", "reset", "candidate"}
    assert set(ops) == {"mul_update", "add", "one_minus", "mul_reset", "mul_candidate"}
    assert len([s for s in fig.layout.shapes if s.name.startswith("wire:")]) == 17
    for gate in ("reset", "update", "candidate", "hidden"):
        assert f"<b>{fmt_num(float(trace.gate(gate)[0, t, unit]), 2, 'en')}</b>" in vals[gate].text
        assert vals[gate].font.color == colors.gate_color(gate)
    assert f"<b>{fmt_num(1 - float(trace.gate('update')[0, t, unit]), 2, 'en')}</b>" in vals["one_minus_z"].text
    for name, box in boxes.items():
        assert box.line.color == colors.gate_color(name)


def test_box_fill_follows_the_gate_value():
    net, trace = run("LSTM")
    v = dict(step_values(layer_arrays(net, trace), 1, 0))
    v["forget"], v["input"] = 0.98, 0.02
    boxes = named(lstm_cell_figure(v), "box:")

    def lightness(c):
        return sum(int(p) for p in c[c.index("(") + 1:-1].split(","))

    assert lightness(boxes["forget"].fillcolor) < lightness(boxes["input"].fillcolor)


def test_demo_input_standardises_the_last_window():
    x = demo_input(np.arange(100.0), 24)
    assert x.shape == (24,)
    assert x.mean() == pytest.approx(0, abs=1e-12) and x.std() == pytest.approx(1)
    np.testing.assert_array_equal(demo_input(np.full(30, 5.0)), np.zeros(24))
    assert demo_input(np.arange(5.0)).shape == (5,)
