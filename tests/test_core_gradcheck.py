"""Central finite differences (float64) against the hand-written backward passes."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, Linear, huber, mae, mse

B, T, IN, H = 2, 4, 3, 3
EPS = 1e-6
TOL = 1e-6
CONFIGS = [(cls, layers, bi) for cls in (LSTM, GRU, RNN) for layers in (1, 2) for bi in (False, True)]


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """max|a - b| / max(max(|a| + |b|), 1e-8)."""
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a) + np.abs(b))), 1e-8))


def numeric_grad(f, arr: np.ndarray) -> np.ndarray:
    """dL/darr by central differences, perturbing ``arr`` in place one entry at a time."""
    grad = np.empty_like(arr)
    flat, gflat = arr.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + EPS
        up = f()
        flat[k] = old - EPS
        down = f()
        flat[k] = old
        gflat[k] = (up - down) / (2 * EPS)
    return grad


@pytest.mark.parametrize(("cls", "layers", "bi"), CONFIGS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_recurrent_gradients(cls, layers, bi):
    rng = np.random.default_rng(layers * 10 + bi)
    net = cls(IN, H, num_layers=layers, bidirectional=bi, seed=3, dtype="float64")
    for arr in net.params.values():  # larger, clearly non-zero weights and biases
        arr[...] = rng.uniform(-0.8, 0.8, size=arr.shape)
    D = 2 if bi else 1
    x = rng.normal(size=(B, T, IN))
    h0 = rng.normal(scale=0.5, size=(layers * D, B, H))
    is_lstm = cls is LSTM
    c0 = rng.normal(scale=0.5, size=(layers * D, B, H)) if is_lstm else None
    dy = rng.normal(size=(B, T, D * H))
    dh_n = rng.normal(size=(layers * D, B, H))
    dc_n = rng.normal(size=(layers * D, B, H)) if is_lstm else None

    def loss() -> float:
        y, tr = net.forward(x, h0=h0, c0=c0)
        total = float(np.sum(y * dy) + np.sum(tr.h_n * dh_n))
        return total + (float(np.sum(tr.c_n * dc_n)) if is_lstm else 0.0)

    _, trace = net.forward(x, h0=h0, c0=c0)
    dx, grads = net.backward(dy, trace, dh_n=dh_n, dc_n=dc_n)
    assert set(grads) == set(net.params) | ({"h0", "c0"} if is_lstm else {"h0"})
    for name, arr in net.params.items():
        assert grads[name].shape == arr.shape
        assert rel_err(grads[name], numeric_grad(loss, arr)) <= TOL, name
    assert rel_err(dx, numeric_grad(loss, x)) <= TOL
    assert rel_err(grads["h0"], numeric_grad(loss, h0)) <= TOL
    if is_lstm:
        assert rel_err(grads["c0"], numeric_grad(loss, c0)) <= TOL


def test_recurrent_gradients_without_initial_states():
    """The default path (zero states, no dh_n) gives grads with exactly the state_dict keys."""
    rng = np.random.default_rng(7)
    net = LSTM(IN, H, num_layers=2, bidirectional=True, seed=1, dtype="float64")
    x, dy = rng.normal(size=(B, T, IN)), rng.normal(size=(B, T, 2 * H))
    _, trace = net.forward(x)
    dx, grads = net.backward(dy, trace)
    assert list(grads) == list(net.state_dict())

    def loss() -> float:
        return float(np.sum(net.forward(x)[0] * dy))

    for name, arr in net.params.items():
        assert rel_err(grads[name], numeric_grad(loss, arr)) <= TOL, name
    assert rel_err(dx, numeric_grad(loss, x)) <= TOL


def test_linear_gradients():
    rng = np.random.default_rng(0)
    lin = Linear(4, 3, seed=0, dtype="float64")
    h = rng.normal(size=(2, 5, 4))
    dout = rng.normal(size=(2, 5, 3))
    out, cache = lin.forward(h)
    assert out.shape == (2, 5, 3)
    dh, grads = lin.backward(dout, cache)

    def loss() -> float:
        return float(np.sum(lin.forward(h)[0] * dout))

    for name, arr in lin.params.items():
        assert rel_err(grads[name], numeric_grad(loss, arr)) <= TOL, name
    assert rel_err(dh, numeric_grad(loss, h)) <= TOL


@pytest.mark.parametrize("loss_fn", [mse, mae, huber, lambda p, t: huber(p, t, delta=0.3)])
def test_loss_gradients(loss_fn):
    rng = np.random.default_rng(1)
    target = rng.normal(size=(4, 3))
    pred = target + rng.choice([-1, 1], size=(4, 3)) * rng.uniform(0.05, 2.0, size=(4, 3))  # away from kinks
    value, dpred = loss_fn(pred, target)
    assert isinstance(value, float) and dpred.shape == pred.shape
    num = numeric_grad(lambda: loss_fn(pred, target)[0], pred)
    assert rel_err(dpred, num) <= TOL


def test_loss_values():
    assert mse([1.0, 3.0], [0.0, 0.0])[0] == pytest.approx(5.0)
    assert mae([1.0, -3.0], [0.0, 0.0])[0] == pytest.approx(2.0)
    # |d| = 0.5 -> 0.125 ; |d| = 3 -> 1 * (3 - 0.5) = 2.5
    assert huber([0.5, 3.0], [0.0, 0.0])[0] == pytest.approx((0.125 + 2.5) / 2)
