"""Clamping values and figures: hand-computed clamped runs, member-0 forecasts, frozen states, scales, palette."""

import numpy as np
import pytest

from lstm_core import GRU, LSTM, Clamp, ForecastConfig, Forecaster
from ui.clamping import member_forecast, run_pair, summary
from ui.plots import colors
from ui.plots.clamp import _symmetric_range, difference_heatmaps, forecast_figure, state_curves


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def numpy_lstm(p, x, gate=None, value=None, units=None, steps=(0, 0)):
    """The LSTM written out step by step, with one gate forced on ``units`` for t in [t0, t1)."""
    W_ih, W_hh, b = p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"] + p["bias_hh_l0"]
    H = W_hh.shape[1]
    h, c = np.zeros(H), np.zeros(H)
    hs, cs = [], []
    for t, xt in enumerate(x):
        a = W_ih @ np.atleast_1d(xt) + b + W_hh @ h
        g = {"input": sigmoid(a[:H]), "forget": sigmoid(a[H:2 * H]), "candidate": np.tanh(a[2 * H:3 * H]),
             "output": sigmoid(a[3 * H:])}
        if gate is not None and steps[0] <= t < steps[1]:
            g[gate][list(units)] = value
        c = g["forget"] * c + g["input"] * g["candidate"]
        h = g["output"] * np.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def test_clamped_lstm_run_matches_a_hand_computation():
    net = LSTM(1, 3, seed=5, dtype="float64")
    x = np.array([0.5, -1.0, 2.0, 0.3, -0.7])
    pair = run_pair(net, x, Clamp("forget", 0.0, units=(0, 2), steps=(1, 4)))
    h0, c0 = numpy_lstm(net.params, x)
    h1, c1 = numpy_lstm(net.params, x, "forget", 0.0, (0, 2), (1, 4))
    np.testing.assert_allclose(pair["normal"]["hidden"], h0, atol=1e-12)
    np.testing.assert_allclose(pair["normal"]["cell"], c0, atol=1e-12)
    np.testing.assert_allclose(pair["clamped"]["hidden"], h1, atol=1e-12)
    np.testing.assert_allclose(pair["clamped"]["cell"], c1, atol=1e-12)
    assert not np.allclose(h0, h1)
    np.testing.assert_array_equal(pair["clamped"]["forget"][1:4, [0, 2]], 0.0)


def test_forget_open_and_input_shut_freeze_the_cell_state():
    net = LSTM(1, 4, seed=1, dtype="float64")
    x = np.sin(np.arange(12.0))
    clamps = [Clamp("forget", 1.0, steps=(4, 9)), Clamp("input", 0.0, steps=(4, 9))]
    pair = run_pair(net, x, clamps)
    c = pair["clamped"]["cell"]
    np.testing.assert_allclose(c[4:9], np.repeat(c[3:4], 5, axis=0), atol=1e-15)
    s = summary(pair, "LSTM", (4, 9), None)
    assert s["frozen"] == "cell"
    assert s["cell_max"] > 0 and s["hidden_mean"] > 0
    # a single forget clamp does not freeze it
    assert summary(run_pair(net, x, Clamp("forget", 1.0, steps=(4, 9))), "LSTM", (4, 9), None)["frozen"] is None


def test_gru_update_one_freezes_the_hidden_state():
    net = GRU(1, 3, seed=2, dtype="float64")
    x = np.cos(np.arange(10.0))
    pair = run_pair(net, x, Clamp("update", 1.0, units=(1,), steps=(2, 7)))
    h = pair["clamped"]["hidden"]
    np.testing.assert_allclose(h[2:7, 1], h[1, 1], atol=1e-15)
    assert summary(pair, "GRU", (2, 7), (1,))["frozen"] == "hidden"
    np.testing.assert_allclose(pair["normal"]["hidden"][:2], h[:2])  # before the span nothing changes


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_member_forecast_without_clamp_is_the_forecasters_own(strategy):
    rng = np.random.default_rng(0)
    y = np.sin(np.arange(160) * 2 * np.pi / 12) * 5 + 20 + rng.normal(0, 0.3, 160)
    cfg = ForecastConfig.auto(160, 12, recipe=False, hidden_size=6, epochs=2, ensemble=1, strategy=strategy)
    fc = Forecaster(cfg)
    fc.fit(y)
    mine = member_forecast(fc, y)
    np.testing.assert_allclose(mine, fc.predict().mean, rtol=1e-6, atol=1e-6)
    clamped = member_forecast(fc, y, Clamp("output", 0.0))
    assert clamped.shape == mine.shape and not np.allclose(clamped, mine)
    # hand check of the head: forecast = a + s · (W_o h_T + b_o) with h_T of the clamped net
    m = fc.models[0]
    Xs, _, a = fc.scaler.transform(y[None, -cfg.window:])
    yy, _ = m.net.forward(Xs[:, :, None].astype(cfg.dtype), clamp=Clamp("output", 0.0))
    np.testing.assert_array_equal(yy[0, -1], 0.0)  # output gate shut: h_T = 0, the head sees only its bias
    first = a[0] + fc.scaler.scale * m.head.params["bias"][0]
    assert clamped[0] == pytest.approx(first, rel=1e-5)


def fake_pair(kind="LSTM", T=10, H=3):
    rng = np.random.default_rng(1)
    names = ("cell", "hidden") if kind == "LSTM" else ("hidden",)
    normal = {n: rng.normal(size=(T, H)) for n in names}
    clamped = {n: v + rng.normal(0, 0.2, size=(T, H)) for n, v in normal.items()}
    return {"normal": normal, "clamped": clamped}


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_difference_heatmaps_use_a_symmetric_diverging_scale(kind):
    pair = fake_pair(kind)
    fig = difference_heatmaps(pair, kind, "forget" if kind == "LSTM" else "update", (2, 5), lang="pt-BR")
    maps = [tr for tr in fig.data if tr.type == "heatmap"]
    assert len(maps) == (2 if kind == "LSTM" else 1)
    for hm, name in zip(maps, ("cell", "hidden") if kind == "LSTM" else ("hidden",)):
        assert hm.zmin == -hm.zmax and hm.zmid == 0
        assert [list(c) for c in hm.colorscale] == colors.DIVERGING
        np.testing.assert_allclose(np.asarray(hm.z), (pair["clamped"][name] - pair["normal"][name]).T, atol=1e-6)
        assert hm.zmax >= np.abs(np.asarray(hm.z)).max()
    assert len([s for s in fig.layout.shapes if s.name == "clamped_span"]) == len(maps)
    assert "travada" in fig.layout.annotations[0].text


def test_symmetric_range_rounds_up_to_a_nice_number():
    assert _symmetric_range(np.array([0.31, -0.2])) == pytest.approx(0.5)
    assert _symmetric_range(np.array([1.2])) == pytest.approx(2.0)
    assert _symmetric_range(np.array([0.0])) == pytest.approx(1e-3)


def test_state_curves_and_forecast_figure_colours():
    pair = fake_pair("LSTM")
    fig = state_curves(pair, "LSTM", "input", (0, 4), 1)
    assert len(fig.data) == 4
    assert fig.data[0].line.color == colors.gate_color("cell")
    assert fig.data[1].line.color == colors.gate_color("input") and fig.data[1].line.dash == "dash"
    np.testing.assert_array_equal(fig.data[3].y, pair["clamped"]["hidden"][:, 1])
    ff = forecast_figure(np.arange(24.0), np.ones(6), np.zeros(6), "forget")
    assert [tr.line.color for tr in ff.data] == [colors.HISTORY, colors.FORECAST, colors.gate_color("forget")]
    assert list(ff.data[0].x) == list(range(-24, 0)) and list(ff.data[1].x) == list(range(6))
