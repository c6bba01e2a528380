"""The core's contract: shapes, names, state dicts, input errors, state gradients, threads, determinism."""

from __future__ import annotations

import re
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, CoreError, Linear, mse
from lstm_core.recurrent import GATE_NAMES

ROOT = Path(__file__).resolve().parent.parent
KINDS = [LSTM, GRU, RNN]


def flat_keys(table: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for k, v in table.items():
        out |= flat_keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def test_every_raised_key_is_in_both_catalogs():
    raised: set[str] = set()
    for path in (ROOT / "lstm_core").glob("*.py"):
        if path.name in {"errors.py", "recurrent.py", "linear.py", "losses.py", "io.py"}:
            raised |= set(re.findall(r'"(errors\.core\.[a-z_]+)"', path.read_text()))
    assert len(raised) >= 15
    for lang in ("en", "pt-BR"):
        with (ROOT / "locales" / lang / "errors_core.toml").open("rb") as fh:
            keys = flat_keys(tomllib.load(fh))
        assert raised <= keys, (lang, sorted(raised - keys))


@pytest.mark.parametrize("cls", KINDS)
@pytest.mark.parametrize(("layers", "bi"), [(1, False), (2, True)])
def test_shapes_names_and_views(cls, layers, bi):
    net = cls(input_size=2, hidden_size=5, num_layers=layers, bidirectional=bi, seed=0, dtype="float32")
    D, G = (2 if bi else 1), {"LSTM": 4, "GRU": 3, "RNN": 1}[cls.kind]
    assert net.config == {"input_size": 2, "hidden_size": 5, "num_layers": layers, "bidirectional": bi,
                          "seed": 0, "dtype": "float32"}
    sd = net.state_dict()
    assert sd["weight_ih_l0"].shape == (G * 5, 2) and sd["weight_hh_l0"].shape == (G * 5, 5)
    assert sd["bias_ih_l0"].shape == (G * 5,) and sd["bias_hh_l0"].shape == (G * 5,)
    if layers == 2:
        assert sd["weight_ih_l1_reverse"].shape == (G * 5, D * 5)
    assert net.num_parameters() == sum(a.size for a in sd.values())
    x = np.random.default_rng(0).normal(size=(3, 7, 2))
    y, trace = net.forward(x)
    assert y.shape == (3, 7, D * 5) and y.dtype == np.float32
    assert trace.x.dtype == np.float32 and trace.x.shape == (3, 7, 2)
    assert trace.h_n.shape == (layers * D, 3, 5)
    assert (trace.c_n is None) == (cls is not LSTM)
    assert trace.gate_names == GATE_NAMES[cls.kind]
    for name in trace.gate_names:
        for layer in range(layers):
            for direction in ("forward", "backward")[:D]:
                g = trace.gate(name, layer=layer, direction=direction)
                assert g.shape == (3, 7, 5)
                assert not g.flags.writeable
    # the top layer's hidden states are the output, [forward, backward] on the last axis
    np.testing.assert_array_equal(trace.gate("hidden", layers - 1, "forward"), y[:, :, :5])
    np.testing.assert_array_equal(trace.h_n[(layers - 1) * D], y[:, -1, :5])
    if bi:
        np.testing.assert_array_equal(trace.gate("hidden", layers - 1, "backward"), y[:, :, 5:])
        np.testing.assert_array_equal(trace.h_n[layers * D - 1], y[:, 0, 5:])  # reverse ends at t = 0
    with pytest.raises(CoreError) as e:
        trace.gate("nope")
    assert e.value.key == "errors.core.unknown_gate"
    with pytest.raises(CoreError):
        trace.gate(trace.gate_names[0], layer=layers)
    if not bi:
        with pytest.raises(CoreError):
            trace.gate(trace.gate_names[0], direction="backward")


def test_sigmoid_gates_stay_in_range_for_huge_inputs():
    net = LSTM(1, 4, seed=0, dtype="float64")
    y, trace = net.forward(np.full((1, 5, 1), 1e30))
    for name in ("input", "forget", "output"):
        g = trace.gate(name)
        assert np.all((g >= 0) & (g <= 1))
    assert np.isfinite(y).all()


def test_params_are_live_arrays():
    net = LSTM(1, 3, seed=0)
    before, _ = net.forward(np.ones((1, 4, 1)))
    net.params["weight_ih_l0"] += 0.5  # an optimiser updates in place
    after, _ = net.forward(np.ones((1, 4, 1)))
    assert not np.allclose(before, after)


def test_init_like_pytorch_and_deterministic():
    a, b, c = LSTM(2, 16, 2, True, seed=5), LSTM(2, 16, 2, True, seed=5), LSTM(2, 16, 2, True, seed=6)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
        assert np.all(np.abs(a.params[name]) <= 1 / np.sqrt(16))
    assert any(not np.array_equal(a.params[n], c.params[n]) for n in a.params)
    x = np.random.default_rng(1).normal(size=(2, 6, 2))
    np.testing.assert_array_equal(a.forward(x)[0], b.forward(x)[0])
    np.testing.assert_array_equal(Linear(3, 2, seed=1).params["weight"], Linear(3, 2, seed=1).params["weight"])


@pytest.mark.parametrize("cls", KINDS)
def test_state_dict_round_trip(cls):
    a, b = cls(2, 4, 2, True, seed=1, dtype="float64"), cls(2, 4, 2, True, seed=2, dtype="float64")
    live = {k: id(v) for k, v in b.params.items()}
    sd = a.state_dict()
    sd["weight_hh_l0"][0, 0] = 123.0  # a copy: does not touch a
    assert a.params["weight_hh_l0"][0, 0] != 123.0
    b.load_state_dict(a.state_dict())
    assert {k: id(v) for k, v in b.params.items()} == live  # loaded into the same arrays
    x = np.random.default_rng(0).normal(size=(2, 3, 2))
    np.testing.assert_array_equal(a.forward(x)[0], b.forward(x)[0])


@pytest.mark.parametrize(
    ("mutate", "key", "name"),
    [
        (lambda d: d.pop("bias_hh_l1"), "errors.core.missing_param", "bias_hh_l1"),
        (lambda d: d.__setitem__("weight_ih_l7", np.zeros((12, 4))), "errors.core.unexpected_param", "weight_ih_l7"),
        (lambda d: d.__setitem__("weight_hh_l0", np.zeros((12, 4))), "errors.core.bad_param_shape", "weight_hh_l0"),
        (lambda d: d.__setitem__("weight_ih_l1", d["weight_ih_l1"].T), "errors.core.bad_param_shape", "weight_ih_l1"),
        (lambda d: d["bias_ih_l0"].__setitem__(2, np.nan), "errors.core.non_finite_param", "bias_ih_l0"),
        (lambda d: d["weight_hh_l1"].__setitem__((0, 0), np.inf), "errors.core.non_finite_param", "weight_hh_l1"),
        (lambda d: d.__setitem__("bias_ih_l0", np.array(["a"] * 12)), "errors.core.bad_dtype", "bias_ih_l0"),
    ],
)
def test_load_state_dict_rejects_and_names_the_key(mutate, key, name):
    net = LSTM(3, 3, num_layers=2, seed=0, dtype="float64")
    before = net.state_dict()
    bad = net.state_dict()
    for v in bad.values():
        v += 1.0
    mutate(bad)
    with pytest.raises(CoreError) as e:
        net.load_state_dict(bad)
    assert e.value.key == key and e.value.params["name"] == name
    for k, v in before.items():  # nothing was half-loaded
        np.testing.assert_array_equal(net.params[k], v)
    with pytest.raises(CoreError) as e:
        net.load_state_dict([1, 2])
    assert e.value.key == "errors.core.bad_state_dict"


@pytest.mark.parametrize(
    ("x", "key"),
    [
        (np.zeros((4, 1)), "errors.core.bad_rank"),
        (np.zeros((1, 2, 3, 1)), "errors.core.bad_rank"),
        (np.zeros((2, 4, 2)), "errors.core.bad_input_size"),
        (np.array([[[1.0], [np.nan]]]), "errors.core.non_finite"),
        (np.array([[[1.0], [np.inf]]]), "errors.core.non_finite"),
        (np.array([[[1e300]]]), "errors.core.non_finite"),  # overflows float32
        (np.zeros((1, 2, 1), dtype=complex), "errors.core.bad_dtype"),
        (np.array([[["a"]]]), "errors.core.bad_dtype"),
        (np.array([[[object()]]]), "errors.core.bad_dtype"),
        (np.ones((1, 2, 1), dtype=bool), "errors.core.bad_dtype"),
        ([[[1.0], [2.0, 3.0]]], "errors.core.bad_dtype"),
        (np.zeros((0, 3, 1)), "errors.core.empty_input"),
        (np.zeros((2, 0, 1)), "errors.core.empty_input"),
    ],
)
@pytest.mark.parametrize("cls", KINDS)
def test_input_errors(cls, x, key):
    with pytest.raises(CoreError) as e:
        cls(1, 3, seed=0).forward(x)
    assert e.value.key == key


def test_integer_and_list_inputs_are_cast():
    y, trace = LSTM(1, 2, seed=0, dtype="float64").forward([[[1], [2], [3]]])
    assert y.shape == (1, 3, 2) and trace.x.dtype == np.float64


@pytest.mark.parametrize("cls", KINDS)
def test_state_shape_errors(cls):
    net = cls(1, 3, num_layers=2, seed=0)
    x = np.zeros((2, 4, 1))
    for h0 in (np.zeros((1, 2, 3)), np.zeros((2, 3, 3)), np.zeros((2, 2, 4)), np.zeros((2, 3))):
        with pytest.raises(CoreError) as e:
            net.forward(x, h0=h0)
        assert e.value.key == "errors.core.bad_state_shape"
    with pytest.raises(CoreError) as e:
        net.forward(x, h0=np.full((2, 2, 3), np.nan))
    assert e.value.key == "errors.core.non_finite"
    with pytest.raises(CoreError) as e:
        net.forward(x, c0=np.zeros((2, 2, 4)))
    assert e.value.key == "errors.core.bad_state_shape"


@pytest.mark.parametrize(
    "kwargs",
    [dict(input_size=0), dict(hidden_size=-1), dict(hidden_size=2.5), dict(num_layers=0), dict(num_layers=True),
     dict(bidirectional="yes"), dict(seed=-1), dict(seed="a"), dict(dtype="float16"), dict(dtype="int32"),
     dict(dtype="banana")],
)
@pytest.mark.parametrize("cls", KINDS)
def test_bad_config(cls, kwargs):
    args = dict(input_size=1, hidden_size=3) | kwargs
    with pytest.raises(CoreError) as e:
        cls(**args)
    assert e.value.key == "errors.core.bad_config"


def test_linear_and_loss_errors():
    with pytest.raises(CoreError) as e:
        Linear(0, 1)
    assert e.value.key == "errors.core.bad_config"
    lin = Linear(3, 2)
    with pytest.raises(CoreError) as e:
        lin.forward(np.zeros((4, 2)))
    assert e.value.key == "errors.core.bad_input_size"
    out, cache = lin.forward(np.zeros((4, 3)))
    with pytest.raises(CoreError) as e:
        lin.backward(np.zeros((4, 3)), cache)
    assert e.value.key == "errors.core.bad_grad_shape"
    with pytest.raises(CoreError) as e:
        mse(np.zeros(3), np.zeros(4))
    assert e.value.key == "errors.core.shape_mismatch"
    with pytest.raises(CoreError) as e:
        mse(np.zeros(3), np.array([0, np.nan, 0]))
    assert e.value.key == "errors.core.non_finite"


def test_backward_errors():
    net = GRU(1, 3, seed=0)
    y, trace = net.forward(np.zeros((2, 4, 1)))
    with pytest.raises(CoreError) as e:
        net.backward(np.zeros((2, 4, 2)), trace)
    assert e.value.key == "errors.core.bad_grad_shape"
    with pytest.raises(CoreError) as e:
        net.backward(y, trace, dc_n=np.zeros((1, 2, 3)))
    assert e.value.key == "errors.core.bad_grad_shape"
    with pytest.raises(CoreError) as e:
        GRU(1, 4, seed=0).backward(np.zeros((2, 4, 4)), trace)
    assert e.value.key == "errors.core.trace_mismatch"
    with pytest.raises(CoreError) as e:
        LSTM(1, 3, seed=0).backward(y, trace)
    assert e.value.key == "errors.core.trace_mismatch"


def test_dh_steps_match_finite_differences():
    """dh_steps[(0, "forward")][:, t] is the total dL/dh_t: checked by perturbing h_t and re-running the rest."""
    rng = np.random.default_rng(3)
    net = LSTM(2, 3, seed=4, dtype="float64")
    B, T = 2, 5
    x, dy, dh_n = rng.normal(size=(B, T, 2)), rng.normal(size=(B, T, 3)), rng.normal(size=(1, B, 3))
    y, trace = net.forward(x)
    dx, grads, dh_steps = net.backward(dy, trace, dh_n=dh_n, return_state_grads=True)
    assert set(dh_steps) == {(0, "forward")}
    got = dh_steps[(0, "forward")]
    assert got.shape == (B, T, 3)
    h, c = trace.gate("hidden"), trace.gate("cell")
    eps = 1e-6
    for t in range(T):
        # L as a function of h_t (c_t fixed): dy_t . h_t + the rest of the sequence started from (h_t, c_t)
        def loss(ht, t=t):
            total = float(np.sum(ht * dy[:, t]))
            if t == T - 1:
                return total + float(np.sum(ht * dh_n[0]))
            y_rest, tr = net.forward(x[:, t + 1:], h0=ht[None], c0=np.array(c[:, t])[None])
            return total + float(np.sum(y_rest * dy[:, t + 1:]) + np.sum(tr.h_n * dh_n))

        ht = np.array(h[:, t])
        num = np.empty_like(ht)
        for idx in np.ndindex(ht.shape):
            up, down = ht.copy(), ht.copy()
            up[idx] += eps
            down[idx] -= eps
            num[idx] = (loss(up) - loss(down)) / (2 * eps)
        np.testing.assert_allclose(got[:, t], num, rtol=1e-6, atol=1e-8)


def test_dh_steps_keys_for_bidirectional_stack():
    net = GRU(1, 2, num_layers=2, bidirectional=True, seed=0, dtype="float64")
    y, trace = net.forward(np.ones((1, 3, 1)))
    _, _, dh_steps = net.backward(np.ones_like(y), trace, return_state_grads=True)
    assert set(dh_steps) == {(0, "forward"), (0, "backward"), (1, "forward"), (1, "backward")}
    # with dy = 1 everywhere and no dh_n, the top layer's last forward step gets exactly dy
    np.testing.assert_allclose(dh_steps[(1, "forward")][:, -1], 1.0)
    np.testing.assert_allclose(dh_steps[(1, "backward")][:, 0], 1.0)


@pytest.mark.parametrize("cls", KINDS)
def test_thread_safety(cls):
    net = cls(1, 16, num_layers=2, bidirectional=True, seed=0, dtype="float64")
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=(4, 30, 1)) for _ in range(2)]
    serial = [net.forward(x)[0] for x in inputs]
    serial_grads = [net.backward(np.ones_like(y), net.forward(x)[1])[1] for x, y in zip(inputs, serial)]
    results: dict[int, list] = {0: [], 1: []}

    def work(k: int) -> None:
        for _ in range(20):
            y, tr = net.forward(inputs[k])
            results[k].append((y, net.backward(np.ones_like(y), tr)[1]))

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for k in (0, 1):
        assert len(results[k]) == 20
        for y, g in results[k]:
            np.testing.assert_array_equal(y, serial[k])
            for name in g:
                np.testing.assert_array_equal(g[name], serial_grads[k][name])
