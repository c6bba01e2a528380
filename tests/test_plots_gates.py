"""Gate figures: shapes, fixed scales, palette colours, cursor, aggregation, cell composition, saturation, size."""

from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

from lstm_core import LSTM
from ui.cell_values import cell_parts, layer_gates, saturation_fractions
from ui.i18n import translate
from ui.plots import colors
from ui.plots.gates import (
    aggregate,
    cell_composition,
    gate_heatmaps,
    saturation_scatter,
    set_cursor,
    set_unit,
    unit_curves,
    unit_ticks,
)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def fake_lstm(T: int = 60, H: int = 8, seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays shaped like one sample of a core trace, (T, H), obeying the LSTM equations."""
    rng = np.random.default_rng(seed)
    i, f, o = (_sigmoid(rng.normal(size=(T, H)) * 2) for _ in range(3))
    g = np.tanh(rng.normal(size=(T, H)))
    c = np.zeros((T, H))
    prev = np.zeros(H)
    for t in range(T):
        prev = f[t] * prev + i[t] * g[t]
        c[t] = prev
    h = o * np.tanh(c)
    return {"input": i, "forget": f, "candidate": g, "output": o, "cell": c, "hidden": h}


def heatmaps(fig):
    return [tr for tr in fig.data if tr.type == "heatmap"]


def test_palette_is_one_colour_per_gate_and_known_okabe_ito():
    okabe_ito = {"#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00", "#56B4E9"}
    lstm = [colors.gate_color(n) for n in colors.LSTM_GATES]
    assert len(set(lstm)) == len(lstm) and set(lstm) == okabe_ito
    gru = [colors.gate_color(n) for n in colors.GRU_GATES]
    assert len(set(gru)) == len(gru)
    assert colors.gate_color("candidate") == gru[2] and colors.gate_color("hidden") == gru[3]


def test_scales_are_fixed():
    for name in ("input", "forget", "output", "reset", "update"):
        sc = colors.scale_for(name)
        assert (sc["zmin"], sc["zmax"]) == (0.0, 1.0)
        assert sc["colorscale"][1][1] == colors.gate_color(name)
    assert (colors.scale_for("hidden")["zmin"], colors.scale_for("hidden")["zmax"]) == (-1.0, 1.0)
    assert colors.scale_for("cell", 3.0)["zmax"] == 3.0 and colors.scale_for("cell", 3.0)["zmid"] == 0.0
    assert colors.cell_range(np.array([0.2, -0.7])) == 1.0
    assert colors.cell_range(np.array([2.3, -0.7, np.nan])) == 2.5


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_heatmap_grid_shapes_scales_colours_and_labels(lang):
    g = fake_lstm(T=60, H=8)
    x = np.sin(np.arange(60) / 4)
    fig = gate_heatmaps(g, x, cursor=17, c_range=2.0, lang=lang)
    hm = heatmaps(fig)
    assert [h.name for h in hm] == list(colors.LSTM_GATES)
    for h, name in zip(hm, colors.LSTM_GATES):
        z = np.asarray(h.z)
        assert z.shape == (8, 60)  # units × time
        np.testing.assert_allclose(z, g[name].T, rtol=1e-6, atol=1e-6)
        expected = colors.scale_for(name, 2.0)
        assert (h.zmin, h.zmax) == (expected["zmin"], expected["zmax"])
        # rows are named "unit 4" / "unidade 4" (0-based, as the unit pickers and the texts), on the axis and in hover
        assert list(h.y) == [translate(lang, "plot.gates.unit_n", n=u) for u in range(8)]
        assert h.hovertemplate.startswith("%{y}<br>")
        ticks = list(fig.layout["yaxis" + h.yaxis[1:]].tickvals)
        assert ticks[0] == h.y[0] and set(ticks) <= set(h.y) and len(ticks) >= 4  # as many names as fit
        assert translate(lang, "plot.step") in h.hovertemplate
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == translate(lang, "plot.gates.input_series")
    assert titles[1:] == [translate(lang, f"gate.{n}") for n in colors.LSTM_GATES]
    assert [a.font.color for a in fig.layout.annotations[1:]] == [colors.gate_color(n) for n in colors.LSTM_GATES]
    # the input series sits on the same (shared) time axis as the heatmaps
    assert fig.data[0].type == "scatter" and len(fig.data[0].x) == 60


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_chosen_unit_is_outlined_and_named_on_every_heatmap(lang):
    g = fake_lstm(T=30, H=32)
    fig = set_unit(gate_heatmaps(g, np.arange(30.0), lang=lang), 5)
    name = translate(lang, "plot.gates.unit_n", n=5)
    outlines = [s for s in fig.layout.shapes if s.name == "unit"]
    assert len(outlines) == len(heatmaps(fig)) == 6
    for h in heatmaps(fig):
        axis = fig.layout["yaxis" + h.yaxis[1:]]
        assert name in axis.tickvals  # the text's "unit 5" is a name the reader sees on the axis
        assert all(abs(h.y.index(t) - 5) >= 2 for t in axis.tickvals if t != name)  # no name crowds it
    assert {(s.y0, s.y1) for s in outlines} == {(4.5, 5.5)}
    set_unit(fig, 7)
    assert {(s.y0, s.y1) for s in fig.layout.shapes if s.name == "unit"} == {(6.5, 7.5)}
    assert unit_ticks([f"u{k}" for k in range(32)], 144.0) == [f"u{k}" for k in range(0, 32, 4)]


def test_cursor_is_one_line_through_every_panel_at_the_chosen_step():
    # the cursor is a layout image (the page's player moves images without redrawing the heatmaps), labelled
    # with the step's own time stamp: the date, not the window index
    g = fake_lstm(T=40, H=4)
    dates = pd.date_range("2020-01-01", periods=40, freq="D")
    fig = gate_heatmaps(g, np.arange(40.0), time=dates, cursor=25)
    line, label = fig.layout.images
    assert (line.name, line.xref, line.yref, line.y, line.sizey, line.yanchor) == ("cursor", "x", "paper", 1, 1, "top")
    assert pd.Timestamp(line.x) == dates[25] and pd.Timestamp(label.x) == dates[25]
    assert label.name == "cursor_label" and quote("2020-01-26") in label.source
    # every x axis is tied to the first one, so the single line crosses the same column everywhere
    axes = [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")]
    targets = {fig.layout[a].matches for a in axes}
    assert len(targets - {None}) == 1 and sum(fig.layout[a].matches is None for a in axes) == 1
    assert {tuple(fig.layout[a].domain) for a in axes} == {(0.0, 1.0)}
    # cursor out of range is clamped, None draws nothing; a step series is labelled with its own step number
    fig = gate_heatmaps(g, np.arange(40.0), time=np.arange(500, 540), cursor=999)
    assert [im.x for im in fig.layout.images] == [539.0, 539.0] and quote("539") in fig.layout.images[1].source
    assert fig.layout.images[1].xanchor == "right"  # near the right edge the label goes left of the line
    assert not gate_heatmaps(g, np.arange(40.0)).layout.images


def test_long_windows_and_many_units_are_averaged_to_screen_resolution():
    T, H = 1000, 128
    rng = np.random.default_rng(3)
    z = rng.random((T, H))
    grid = aggregate(z, max_steps=400, max_units=64)
    assert grid.z.shape == (64, 400) and grid.z.dtype == np.float32
    assert grid.t_size.sum() == T and grid.u_size.sum() == H
    np.testing.assert_allclose(grid.z[0, 0], z[: grid.t_size[0], : grid.u_size[0]].mean(), rtol=1e-5)
    assert grid.unit_labels()[1] == "2–3"
    fig = gate_heatmaps({"forget": z, "hidden": z * 2 - 1}, rng.random(T))
    for h in heatmaps(fig):
        assert np.asarray(h.z).shape == (64, 400)
        assert translate("en", "plot.gates.averaged").strip() in h.hovertemplate
    small = aggregate(z[:50, :8])
    assert not small.aggregated and small.unit_labels() == [str(k) for k in range(8)]


def test_unit_curves_split_gates_and_states():
    g = fake_lstm(T=50, H=6)
    fig = unit_curves(g, np.arange(50.0), unit=4, cursor=10, lang="pt-BR")
    lines = {tr.name: tr for tr in fig.data if tr.mode == "lines"}
    for name in colors.LSTM_GATES:
        tr = lines[translate("pt-BR", f"gate.{name}")]
        np.testing.assert_allclose(tr.y, g[name][:, 4], rtol=1e-6, atol=1e-6)
        assert tr.line.color == colors.gate_color(name)
    assert list(fig.layout.yaxis2.range) == [-0.03, 1.03]  # sigmoid gates on their 0..1 scale
    assert [im.name for im in fig.layout.images] == ["cursor"] and fig.layout.images[0].x == 10.0
    with pytest.raises(ValueError):
        unit_curves(g, np.arange(50.0), unit=6)


def test_cell_parts_add_up_to_the_cell_state():
    g = fake_lstm(T=30, H=5)
    kept, written = cell_parts(g["forget"], g["input"], g["candidate"], g["cell"])
    np.testing.assert_allclose(kept + written, g["cell"], atol=1e-12)
    np.testing.assert_allclose(kept[0], 0.0)  # c(−1) = 0
    c0 = np.ones(5)
    kept0, _ = cell_parts(g["forget"], g["input"], g["candidate"], g["cell"], c0=c0)
    np.testing.assert_allclose(kept0[0], g["forget"][0])


def test_cell_composition_figure():
    g = fake_lstm(T=30, H=5)
    fig = cell_composition(g["forget"], g["input"], g["candidate"], g["cell"], unit=2, cursor=3, lang="en")
    kept, written, cell = fig.data
    np.testing.assert_allclose(np.asarray(kept.y) + np.asarray(written.y), cell.y, atol=1e-5)
    assert [kept.line.color, written.line.color, cell.line.color] == [
        colors.gate_color("forget"), colors.gate_color("input"), colors.gate_color("cell")
    ]
    assert "2" in fig.layout.title.text


def test_saturation_fractions_and_scatter():
    z = np.array([[0.05, 0.95, 0.5], [0.02, 0.99, 0.5], [0.5, 0.97, 0.08], [0.01, 0.5, 0.93]])  # (T=4, H=3)
    low, high = saturation_fractions(z)
    np.testing.assert_allclose(low, [0.75, 0.0, 0.25])
    np.testing.assert_allclose(high, [0.0, 0.75, 0.25])
    low_b, _ = saturation_fractions(np.stack([z, z]))  # (B, T, H) works too
    np.testing.assert_allclose(low_b, low)
    g = fake_lstm(T=40, H=7)
    fig = saturation_scatter(g, unit=3, lang="pt-BR")
    names = [tr.name for tr in fig.data]
    assert names == [translate("pt-BR", f"gate.{n}") for n in ("input", "forget", "output")]  # sigmoid gates only
    for tr, n in zip(fig.data, ("input", "forget", "output")):
        assert tr.marker.color == colors.gate_color(n)
        assert len(tr.x) == 7 and min(tr.x) >= 0 and max(tr.x) <= 1
        assert tr.marker.size[3] > tr.marker.size[0]  # the chosen unit stands out


def test_layer_gates_picks_one_sample_layer_and_direction():
    net = LSTM(1, 4, num_layers=2, bidirectional=True, seed=0, dtype="float64")
    _, trace = net.forward(np.random.default_rng(0).normal(size=(3, 20, 1)))  # (B, T, in)
    out = layer_gates(trace, layer=1, direction="backward", sample=2, names=["forget"])
    assert list(out) == ["forget"] and out["forget"].shape == (20, 4)
    np.testing.assert_array_equal(out["forget"], trace.gate("forget", layer=1, direction="backward")[2])
    assert list(layer_gates(trace)) == list(trace.gate_names)  # every gate by default, in the trace's order
    out["forget"][:] = 0.0  # a copy: the trace is untouched
    assert trace.gate("forget", layer=1, direction="backward")[2].all()


def test_gates_view_64_units_500_steps_stays_under_2_mb():
    T, H = 500, 64
    g = fake_lstm(T=T, H=H, seed=5)
    x = np.sin(np.arange(T) / 7)
    dates = pd.date_range("2000-01-01", periods=T, freq="D")
    figs = [
        gate_heatmaps(g, x, time=dates, cursor=250, c_range=colors.cell_range(g["cell"])),
        unit_curves(g, x, unit=5, time=dates, cursor=250),
        cell_composition(g["forget"], g["input"], g["candidate"], g["cell"], unit=5, time=dates, cursor=250),
        saturation_scatter(g, unit=5),
    ]
    total = sum(len(f.to_json()) for f in figs)
    assert total < 2_000_000, total


def test_gru_heatmaps_use_gru_gates():
    rng = np.random.default_rng(0)
    g = {"reset": rng.random((20, 3)), "update": rng.random((20, 3)),
         "candidate": np.tanh(rng.normal(size=(20, 3))), "hidden": np.tanh(rng.normal(size=(20, 3)))}
    fig = gate_heatmaps(g, np.arange(20.0))
    assert [h.name for h in heatmaps(fig)] == list(colors.GRU_GATES)
    assert heatmaps(fig)[0].colorscale[1][1] == colors.gate_color("reset")


def test_saturation_axes_stay_on_0_1_with_language_decimal_mark():
    fig = saturation_scatter(fake_lstm(T=20, H=4), lang="pt-BR")
    assert list(fig.layout.xaxis.range) == [-0.03, 1.03] and fig.layout.xaxis.constrain == "domain"
    assert "0,1" in fig.layout.xaxis.title.text and "0,9" in fig.layout.yaxis.title.text


def test_set_cursor_keeps_one_cursor_and_is_cheap():
    import time as _time

    g = fake_lstm(T=500, H=64)
    dates = pd.date_range("2000-01-01", periods=500, freq="D")
    fig = gate_heatmaps(g, np.arange(500.0), time=dates, cursor=10)
    t0 = _time.perf_counter()
    set_cursor(fig, dates, 400)
    elapsed = _time.perf_counter() - t0
    cursors = [im for im in fig.layout.images if im.name == "cursor"]
    assert len(cursors) == 1 and pd.Timestamp(cursors[0].x) == dates[400]
    assert elapsed < 0.05, elapsed
    sat = saturation_scatter(g)  # its diagonal guide line is not a cursor and must survive
    fig2 = unit_curves(g, np.arange(500.0), unit=0, cursor=3)
    set_cursor(fig2, None, None)
    assert not [im for im in fig2.layout.images if im.name == "cursor"]
    assert len(sat.layout.shapes) == 1
