"""Parity with PyTorch fixtures (written by tools/make_reference.py; torch is not needed to run this)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN

REF_DIR = Path(__file__).parent / "data" / "reference"
CASES = [(kind, layers, bi) for kind in ("lstm", "gru", "rnn") for layers in (1, 2) for bi in ("uni", "bi")]
CLASSES = {"lstm": LSTM, "gru": GRU, "rnn": RNN}


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """max|a - b| / max(max(|a| + |b|), 1e-8)."""
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a) + np.abs(b))), 1e-8))


def load_case(kind: str, layers: int, bi: str, dtype: str = "float64"):
    path = REF_DIR / f"{kind}_l{layers}_{bi}.npz"
    assert path.exists(), f"missing fixture {path}: run .venv/bin/python tools/make_reference.py"
    with np.load(path, allow_pickle=False) as f:
        ref = {k: f[k] for k in f.files}
    B, T, IN = ref["x"].shape
    H = ref["h0"].shape[2]
    net = CLASSES[kind](IN, H, num_layers=layers, bidirectional=bi == "bi", seed=0, dtype=dtype)
    net.load_state_dict({k[len("param."):]: v for k, v in ref.items() if k.startswith("param.")})
    return net, ref


def test_all_fixtures_present():
    names = sorted(p.name for p in REF_DIR.glob("*.npz"))
    assert names == sorted(f"{k}_l{n}_{b}.npz" for k, n, b in CASES)


@pytest.mark.parametrize(("kind", "layers", "bi"), CASES)
def test_forward_backward_match_torch_float64(kind, layers, bi):
    net, ref = load_case(kind, layers, bi)
    c0 = ref.get("c0")
    y, trace = net.forward(ref["x"], h0=ref["h0"], c0=c0)
    assert rel_err(y, ref["y"]) <= 1e-6
    assert rel_err(trace.h_n, ref["h_n"]) <= 1e-6
    if kind == "lstm":
        assert rel_err(trace.c_n, ref["c_n"]) <= 1e-6
    else:
        assert trace.c_n is None
    dx, grads = net.backward(ref["dy"], trace, dh_n=ref["dh_n"], dc_n=ref.get("dc_n"))
    assert rel_err(dx, ref["dx"]) <= 1e-6
    assert rel_err(grads["h0"], ref["dh0"]) <= 1e-6
    if kind == "lstm":
        assert rel_err(grads["c0"], ref["dc0"]) <= 1e-6
    params = [k[len("grad."):] for k in ref if k.startswith("grad.")]
    assert set(params) == set(net.params)
    for name in params:
        assert grads[name].shape == net.params[name].shape
        assert rel_err(grads[name], ref["grad." + name]) <= 1e-6, name


@pytest.mark.parametrize(("kind", "layers", "bi"), CASES)
def test_float32_forward_close_to_float64(kind, layers, bi):
    net64, ref = load_case(kind, layers, bi, "float64")
    net32, _ = load_case(kind, layers, bi, "float32")
    y64, t64 = net64.forward(ref["x"], h0=ref["h0"], c0=ref.get("c0"))
    y32, t32 = net32.forward(ref["x"], h0=ref["h0"], c0=ref.get("c0"))
    assert y32.dtype == np.float32 and y64.dtype == np.float64
    assert rel_err(y32.astype(np.float64), y64) <= 1e-4
    assert rel_err(t32.h_n.astype(np.float64), t64.h_n) <= 1e-4
