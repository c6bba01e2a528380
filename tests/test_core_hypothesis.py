"""Property tests: any shape or value either raises CoreError or gives finite outputs of the right shape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core import GRU, LSTM, RNN, CoreError, Linear, mse

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
shapes = st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from([LSTM, GRU, RNN]),
    hidden=st.integers(1, 4),
    layers=st.integers(1, 2),
    bi=st.booleans(),
    dtype=st.sampled_from(["float32", "float64"]),
    input_size=st.integers(1, 3),
    x=arrays(np.float64, shapes, elements=floats),
)
def test_forward_backward_never_silently_nan(kind, hidden, layers, bi, dtype, input_size, x):
    net = kind(input_size, hidden, num_layers=layers, bidirectional=bi, seed=0, dtype=dtype)
    try:
        y, trace = net.forward(x)
    except CoreError as exc:
        assert exc.key.startswith("errors.core.")
        return
    D = 2 if bi else 1
    assert x.ndim == 3 and x.shape[2] == input_size
    assert y.shape == (x.shape[0], x.shape[1], D * hidden)
    assert y.dtype == np.dtype(dtype)
    assert np.isfinite(y).all() and np.isfinite(trace.h_n).all()
    for name in trace.gate_names:
        assert np.isfinite(trace.gate(name, layers - 1)).all()
    dx, grads = net.backward(np.ones_like(y), trace)
    assert dx.shape == x.shape and np.isfinite(dx).all()
    assert all(np.isfinite(g).all() and g.shape == net.params[k].shape for k, g in grads.items())


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(1e-3, 1e6),
    x=arrays(np.float64, (2, 6, 1), elements=st.floats(-1e6, 1e6)),
    kind=st.sampled_from([LSTM, GRU, RNN]),
)
def test_extreme_but_finite_values_stay_finite(scale, x, kind):
    """Large weights and inputs saturate the gates but never overflow (safe sigmoid)."""
    net = kind(1, 3, seed=1, dtype="float32")
    for arr in net.params.values():
        arr *= scale
    y, trace = net.forward(x)
    assert np.isfinite(y).all()
    dx, grads = net.backward(np.ones_like(y), trace)
    assert np.isfinite(dx).all() and all(np.isfinite(g).all() for g in grads.values())


@settings(max_examples=40, deadline=None)
@given(h=arrays(np.float64, shapes, elements=floats), out_f=st.integers(1, 3))
def test_linear_and_loss(h, out_f):
    lin = Linear(3, out_f, seed=0)
    try:
        out, cache = lin.forward(h)
    except CoreError:
        with np.errstate(over="ignore"):
            assert h.ndim == 0 or h.shape[-1] != 3 or not np.isfinite(h.astype(np.float32)).all()
        return
    assert out.shape == (*h.shape[:-1], out_f)
    if not np.isfinite(out).all():  # float32 overflow of a huge but finite input: the loss must say so
        with pytest.raises(CoreError):
            mse(out, np.zeros_like(out))
        return
    if out.size:
        try:
            loss, d = mse(out, np.zeros_like(out))
        except CoreError as exc:
            assert exc.key == "errors.core.non_finite"
            return
        assert np.isfinite(loss) and d.shape == out.shape
