"""Gate clamping ("what if?"): checked against a direct NumPy computation and for locality."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, Clamp, CoreError


def sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def reference_lstm(net, x, h0, c0, clamps):
    """A plain per-step LSTM (one layer, forward) with clamping applied after each nonlinearity."""
    p = net.params
    W_ih, W_hh, b = p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"] + p["bias_hh_l0"]
    H = W_hh.shape[1]
    h, c = h0.copy(), c0.copy()
    ys = []
    names = ("input", "forget", "candidate", "output")
    for t in range(x.shape[1]):
        z = x[:, t] @ W_ih.T + h @ W_hh.T + b
        gates = {"input": sigmoid(z[:, :H]), "forget": sigmoid(z[:, H:2 * H]),
                 "candidate": np.tanh(z[:, 2 * H:3 * H]), "output": sigmoid(z[:, 3 * H:])}
        for cl in clamps:
            t0, t1 = cl.steps or (0, x.shape[1])
            if t0 <= t < t1:
                units = list(range(H)) if cl.units is None else list(cl.units)
                gates[cl.gate][:, units] = cl.value
        i, f, g, o = (gates[n] for n in names)
        c = f * c + i * g
        h = o * np.tanh(c)
        ys.append(h)
    return np.stack(ys, axis=1), c


def test_forget_one_input_zero_keeps_the_cell_constant():
    """1 unit, 3 steps: f = 1 and i = 0 mean c_t = c_0 for every t, and h_t = o_t * tanh(c_0)."""
    net = LSTM(1, 1, seed=0, dtype="float64")
    x = np.array([[[0.5], [-1.0], [2.0]]])
    h0, c0 = np.array([[[0.3]]]), np.array([[[0.7]]])
    clamps = [Clamp("forget", 1.0), Clamp("input", 0.0)]
    y, trace = net.forward(x, h0=h0, c0=c0, clamp=clamps)
    np.testing.assert_allclose(trace.gate("cell")[0, :, 0], [0.7, 0.7, 0.7], rtol=0, atol=1e-15)
    # direct computation of o_t with the recurrence h_t = o_t tanh(0.7)
    p = net.params
    h = 0.3
    for t in range(3):
        z = x[0, t, 0] * p["weight_ih_l0"][3, 0] + h * p["weight_hh_l0"][3, 0] + p["bias_ih_l0"][3] + p["bias_hh_l0"][3]
        h = sigmoid(z) * np.tanh(0.7)
        assert y[0, t, 0] == pytest.approx(h, rel=1e-12)
    np.testing.assert_allclose(trace.gate("forget"), 1.0)
    np.testing.assert_allclose(trace.gate("input"), 0.0)
    ref_y, ref_c = reference_lstm(net, x, h0[0], c0[0], clamps)
    np.testing.assert_allclose(y, ref_y, rtol=1e-12)


def test_clamp_matches_reference_and_only_touches_chosen_units_and_steps():
    rng = np.random.default_rng(0)
    net = LSTM(2, 4, seed=1, dtype="float64")
    x = rng.normal(size=(3, 6, 2))
    zeros = np.zeros((1, 3, 4))
    clamp = Clamp(gate="forget", value=0.9, units=[1, 3], steps=(2, 4))
    y0, free = net.forward(x)
    y1, clamped = net.forward(x, clamp=[clamp])
    ref_y, _ = reference_lstm(net, x, zeros[0], zeros[0], [clamp])
    np.testing.assert_allclose(y1, ref_y, rtol=1e-12, atol=1e-14)
    f0, f1 = free.gate("forget"), clamped.gate("forget")
    np.testing.assert_array_equal(f1[:, 2:4][:, :, [1, 3]], 0.9)
    np.testing.assert_array_equal(f1[:, :2], f0[:, :2])  # steps before the clamp are untouched
    np.testing.assert_array_equal(f1[:, 2][:, [0, 2]], f0[:, 2][:, [0, 2]])  # other units at the first step
    np.testing.assert_array_equal(y1[:, :2], y0[:, :2])
    assert not np.allclose(y1[:, 2:], y0[:, 2:])  # the override does change what follows
    assert not np.any(f1[:, 4:][:, :, [1, 3]] == 0.9)
    for name in ("input", "candidate", "output"):
        np.testing.assert_array_equal(clamped.gate(name)[:, :3], free.gate(name)[:, :3])


def test_gru_reset_clamp_and_bidirectional_layer_choice():
    rng = np.random.default_rng(2)
    net = GRU(1, 3, num_layers=2, bidirectional=True, seed=0, dtype="float64")
    x = rng.normal(size=(2, 5, 1))
    y0, free = net.forward(x)
    # reset = 0 in the backward direction of layer 1 at every step: n = tanh(W_in x + b_in) there
    y1, tr = net.forward(x, clamp=Clamp("reset", 0.0, layer=1, direction="backward"))
    np.testing.assert_array_equal(y1[:, :, :3], y0[:, :, :3])  # layer 1 forward direction untouched
    np.testing.assert_array_equal(tr.gate("reset", 0, "backward"), free.gate("reset", 0, "backward"))
    np.testing.assert_array_equal(tr.gate("reset", 1, "backward"), 0.0)
    p = net.params
    x1 = np.concatenate([free.gate("hidden", 0, "forward"), free.gate("hidden", 0, "backward")], axis=2)
    n_expected = np.tanh(x1 @ p["weight_ih_l1_reverse"][6:].T + p["bias_ih_l1_reverse"][6:])
    np.testing.assert_allclose(tr.gate("candidate", 1, "backward"), n_expected, rtol=1e-12)
    # update = 1 at steps [1, 3): the state is carried unchanged through those steps
    y2, tr2 = net.forward(x, clamp=Clamp("update", 1.0, steps=(1, 3)))
    h = tr2.gate("hidden", 0, "forward")
    np.testing.assert_allclose(h[:, 1], h[:, 0], rtol=1e-14)
    np.testing.assert_allclose(h[:, 2], h[:, 0], rtol=1e-14)


def test_backward_on_clamped_trace_raises():
    net = LSTM(1, 2, seed=0)
    y, tr = net.forward(np.ones((1, 3, 1)), clamp=[Clamp("output", 0.5)])
    with pytest.raises(CoreError) as e:
        net.backward(np.ones_like(y), tr)
    assert e.value.key == "errors.core.clamped_backward"


@pytest.mark.parametrize(
    ("net", "clamp"),
    [
        (LSTM(1, 3), Clamp("reset", 0.5)),  # not an LSTM gate
        (LSTM(1, 3), Clamp("cell", 0.5)),  # states cannot be clamped
        (RNN(1, 3), Clamp("hidden", 0.5)),
        (GRU(1, 3), Clamp("input", 0.5)),
        (LSTM(1, 3), Clamp("forget", 1.5)),  # outside a sigmoid's range
        (LSTM(1, 3), Clamp("candidate", -1.5)),
        (LSTM(1, 3), Clamp("forget", float("nan"))),
        (LSTM(1, 3), Clamp("forget", 1.0, units=[3])),
        (LSTM(1, 3), Clamp("forget", 1.0, units=[-1])),
        (LSTM(1, 3), Clamp("forget", 1.0, units=[])),
        (LSTM(1, 3), Clamp("forget", 1.0, steps=(3, 2))),
        (LSTM(1, 3), Clamp("forget", 1.0, steps=(-1, 2))),
        (LSTM(1, 3), Clamp("forget", 1.0, layer=1)),
        (LSTM(1, 3), Clamp("forget", 1.0, direction="backward")),
        (LSTM(1, 3), "forget"),
    ],
)
def test_bad_clamps(net, clamp):
    with pytest.raises(CoreError) as e:
        net.forward(np.ones((1, 4, 1)), clamp=[clamp])
    assert e.value.key == "errors.core.bad_clamp"


def test_clamp_steps_beyond_the_series_are_cut():
    net = LSTM(1, 2, seed=0)
    _, tr = net.forward(np.ones((1, 4, 1)), clamp=Clamp("input", 0.0, steps=(2, 100)))
    np.testing.assert_array_equal(tr.gate("input")[:, 2:], 0.0)
    assert tr.clamped
