"""Buffers reused across calls never leak into what a call returns; GEMM tiling stays exact and below the
BLAS threading threshold."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, buffers, gemm

KINDS = [LSTM, GRU, RNN]


def _returned(net, x, dy, h0=None, c0=None):
    """Every array a forward + backward hands to the caller, keyed by a readable name."""
    y, trace = net.forward(x, h0=h0, c0=c0)
    dx, grads, dh_steps = net.backward(dy, trace, return_state_grads=True)
    out = {"y": y, "h_n": trace.h_n, "x": trace.x, "dx": dx}
    if trace.c_n is not None:
        out["c_n"] = trace.c_n
    for layer in range(net.num_layers):
        for d in ("forward", "backward")[:net.num_directions]:
            for name in trace.gate_names:
                out[f"gate.{layer}.{d}.{name}"] = trace.gate(name, layer=layer, direction=d)
            out[f"dh_steps.{layer}.{d}"] = dh_steps[(layer, d)]
    out.update({f"grad.{k}": v for k, v in grads.items()})
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("layers", "bi"), [(1, False), (2, True), (3, False)])
@pytest.mark.parametrize("cls", KINDS)
def test_a_later_call_leaves_the_first_calls_results_unchanged(cls, layers, bi, dtype):
    net = cls(input_size=2, hidden_size=6, num_layers=layers, bidirectional=bi, seed=1, dtype=dtype)
    D = 2 if bi else 1
    rng = np.random.default_rng(0)
    shape_x, shape_y = (4, 9, 2), (4, 9, D * 6)
    x1, dy1 = rng.normal(size=shape_x), rng.normal(size=shape_y)
    h0 = rng.normal(size=(layers * D, 4, 6))
    c0 = rng.normal(size=(layers * D, 4, 6)) if cls is LSTM else None
    first = _returned(net, x1, dy1, h0=h0, c0=c0)
    snapshot = {k: np.array(v, copy=True) for k, v in first.items()}
    for _ in range(2):  # same shapes: the same scratch buffers are handed out again
        _returned(net, rng.normal(size=shape_x) * 3, rng.normal(size=shape_y), h0=-h0, c0=None if c0 is None else -c0)
    for k, v in first.items():
        np.testing.assert_array_equal(v, snapshot[k], err_msg=k)


@pytest.mark.parametrize("cls", KINDS)
def test_nothing_returned_shares_memory_with_the_scratch_pool(cls):
    net = cls(input_size=1, hidden_size=8, num_layers=2, bidirectional=True, seed=0)
    rng = np.random.default_rng(1)
    arrays = _returned(net, rng.normal(size=(1, 5, 1)), rng.normal(size=(1, 5, 16)))  # batch 1: size-1 axes
    arrays.update(_returned(net, rng.normal(size=(3, 5, 1)), rng.normal(size=(3, 5, 16))))
    pool = list(buffers._pool().values())
    assert pool, "the core uses the scratch pool"
    for name, arr in arrays.items():
        for buf in pool:
            assert not np.shares_memory(arr, buf), name


def test_scratch_is_per_thread_and_bounded():
    a = buffers.scratch("t.a", (3, 4), np.float32)
    assert buffers.scratch("t.a", (3, 4), np.float32) is a
    assert buffers.scratch("t.a", (3, 4), np.float64) is not a
    other = []
    th = threading.Thread(target=lambda: other.append(buffers.scratch("t.a", (3, 4), np.float32)))
    th.start()
    th.join()
    assert other[0] is not a
    big = buffers.scratch("t.big", (buffers.MAX_BYTES // 8 + 1,), np.float64)
    assert buffers.scratch("t.big", big.shape, np.float64) is not big  # too large to keep
    buffers.clear()
    assert buffers.scratch("t.a", (3, 4), np.float32) is not a


@pytest.mark.parametrize(("m", "k", "n"), [(4, 3, 5), (256, 66, 64), (512, 130, 128), (128, 512, 128),
                                           (65, 256, 64), (97, 131, 89), (1, 512, 12288), (301, 7, 1)])
def test_tiles_are_exact_and_below_the_threading_threshold(m, k, n):
    r, c, even = gemm.plan(m, k, n)
    limit = gemm.MAX_GEMV if min(m, n) == 1 else gemm.MAX_MNK
    assert -(-m // r) * k * -(-n // c) < limit
    rng = np.random.default_rng(0)
    a = rng.normal(size=(m, k)).astype(np.float32)
    b = rng.normal(size=(3, k, n + 2)).astype(np.float32)[:, :, 1:n + 1]  # stacked, strided
    out = np.full((3, m, n + 1), np.nan, dtype=np.float32)[:, :, :n]
    triples = gemm.tiles(a, b, out)
    assert len(triples) == (1 if even else r * c)
    for s in range(3):
        for av, bv, ov in triples:
            np.matmul(av, bv[s], out=ov[s])
    np.testing.assert_allclose(out, np.matmul(a, b), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("m", "N", "n"), [(128, 768, 34), (256, 3072, 66), (60, 1001, 7), (5, 50, 3)])
def test_product_over_a_long_reduction_is_exact(m, N, n):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(m, N))
    b = rng.normal(size=(n, N)).T  # a transposed view, as the weight gradients use it
    np.testing.assert_allclose(gemm.product(a, b), a @ b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("cls", KINDS)
def test_layers_give_the_same_numbers_with_and_without_tiling(cls, monkeypatch):
    B, T, H, n_in = 37, 5, 97, 3  # a prime batch and hidden size: uneven blocks too
    net = cls(input_size=n_in, hidden_size=H, num_layers=2, bidirectional=True, seed=3, dtype="float64")
    assert gemm.plan(4 * H, 4 * H, B)[:2] != (1, 1)  # the backward's and the weight gradients' products are split
    rng = np.random.default_rng(4)
    x, dy = rng.normal(size=(B, T, n_in)), rng.normal(size=(B, T, 2 * H))
    tiled = _returned(net, x, dy)
    try:
        monkeypatch.setattr(gemm, "MAX_MNK", 1 << 62)
        monkeypatch.setattr(gemm, "MAX_GEMV", 1 << 62)
        gemm.plan.cache_clear()
        whole = _returned(net, x, dy)
    finally:
        monkeypatch.undo()
        gemm.plan.cache_clear()
    for k, v in tiled.items():
        np.testing.assert_allclose(v, whole[k], rtol=1e-12, atol=1e-12, err_msg=k)
