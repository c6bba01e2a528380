"""ui.attribution: the input gradient agrees with central finite differences, integrated gradients add up to the
output minus the baseline output (1e-6, float64), and on the memory tasks the attribution peaks where the task
says the answer lies."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.synthetic import memory_task
from lstm_core import GRU, LSTM, RNN, Linear
from lstm_core.memory import MemoryConfig, build_model
from lstm_core.train import SequenceRegressor, TrainConfig, fit_model
from ui.attribution import float64_copy, input_gradients, integrated_gradients

NETS = {"LSTM": LSTM, "GRU": GRU, "RNN": RNN}
SHAPES = [dict(), dict(bidirectional=True), dict(num_layers=2)]
EPS = 1e-6


def _model(kind: str, out: int = 3, readout: str = "last", seed: int = 0, **shape) -> SequenceRegressor:
    net = NETS[kind](2, 5, seed=seed, dtype="float64", **shape)
    D = 2 if shape.get("bidirectional") else 1
    return SequenceRegressor(net, Linear(D * 5, out, seed=seed + 1, dtype="float64"), readout=readout)


def _last(model: SequenceRegressor, X: np.ndarray) -> np.ndarray:
    pred = model.predict(X)
    return pred[:, -1, :] if model.readout == "all" else pred


@pytest.mark.parametrize("kind", NETS)
@pytest.mark.parametrize("shape", SHAPES, ids=["plain", "bidirectional", "two_layers"])
def test_gradient_matches_central_differences(kind, shape):
    model = _model(kind, **shape)
    x = np.random.default_rng(1).uniform(-1, 1, size=(6, 2))
    g = input_gradients(model, x)  # (out, T, in)
    assert g.shape == (3, 6, 2)
    num = np.zeros_like(g)
    for t in range(6):
        for i in range(2):
            xp, xm = x.copy(), x.copy()
            xp[t, i] += EPS
            xm[t, i] -= EPS
            num[:, t, i] = (_last(model, xp[None])[0] - _last(model, xm[None])[0]) / (2 * EPS)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)


def test_gradient_of_a_readout_over_every_step_is_the_last_steps():
    model = _model("LSTM", readout="all")
    x = np.random.default_rng(2).uniform(-1, 1, size=(5, 2))
    g = input_gradients(model, x, np.array([1]))[0]
    num = np.zeros_like(g)
    for t in range(5):
        for i in range(2):
            xp, xm = x.copy(), x.copy()
            xp[t, i] += EPS
            xm[t, i] -= EPS
            num[t, i] = (_last(model, xp[None])[0, 1] - _last(model, xm[None])[0, 1]) / (2 * EPS)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("kind", NETS)
@pytest.mark.parametrize("shape", SHAPES, ids=["plain", "bidirectional", "two_layers"])
def test_integrated_gradients_are_complete(kind, shape):
    model = _model(kind, **shape)
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, size=(8, 2))
    baseline = rng.uniform(-0.5, 0.5, size=(8, 2))
    for b in (None, baseline):
        ig = integrated_gradients(model, x, baseline=b)
        ends = _last(model, np.stack([x, np.zeros_like(x) if b is None else b]))
        np.testing.assert_allclose(ig.value, ends[0], atol=1e-12)
        np.testing.assert_allclose(ig.baseline_value, ends[1], atol=1e-12)
        totals = ig.attributions.reshape(3, -1).sum(axis=1)
        np.testing.assert_allclose(totals, ig.value - ig.baseline_value, rtol=0, atol=1e-6)
        assert ig.completeness_gap().max() < 1e-6


def test_integrated_gradients_of_the_baseline_itself_are_zero_and_outputs_can_be_picked():
    model = _model("GRU")
    x = np.random.default_rng(4).uniform(-1, 1, size=(6, 2))
    assert np.abs(integrated_gradients(model, x, baseline=x).attributions).max() == 0.0
    all_outputs = integrated_gradients(model, x)
    one = integrated_gradients(model, x, outputs=np.array([2]))
    np.testing.assert_allclose(one.attributions[0], all_outputs.attributions[2], atol=1e-12)


def test_a_sharp_network_gets_more_panels_until_complete():
    """Large weights make gates switch abruptly along the path: one 32-node panel misses, more panels meet 1e-6."""
    model = _model("LSTM", out=1, seed=0)
    for value in model.params.values():
        value *= 10.0
    x = np.random.default_rng(0).uniform(-1, 1, size=(10, 2))
    rough = integrated_gradients(model, x, tolerance=np.inf)  # one panel, whatever it leaves
    fine = integrated_gradients(model, x)
    assert rough.completeness_gap()[0] > 1e-6
    assert fine.completeness_gap()[0] < 1e-6


def test_float64_copy_predicts_like_the_float32_model():
    net = LSTM(1, 6, seed=0, dtype="float32", bidirectional=True)
    model = SequenceRegressor(net, Linear(12, 2, seed=1, dtype="float32"))
    copy = float64_copy(model)
    assert copy.net.dtype == np.float64 and copy.head.dtype == np.float64
    X = np.random.default_rng(6).uniform(-1, 1, size=(3, 7, 1))
    np.testing.assert_allclose(copy.predict(X), model.predict(X.astype(np.float32)), atol=1e-5)


# --- the memory tasks: the answer's position is known -----------------------------------------------------
def _trained(kind: str, task: str, T: int, lag: int | None) -> tuple[SequenceRegressor, np.ndarray, int]:
    X, Y = memory_task(task, 512, T, lag=lag, seed=0)
    Xt, _ = memory_task(task, 32, T, lag=lag, seed=1)
    cfg = MemoryConfig(hidden_size=8, epochs=15, batch_size=16, learning_rate=0.02, seed=0)
    model = build_model(kind, 1, 1, cfg)
    fit_model(model, X, Y, config=TrainConfig(epochs=cfg.epochs, batch_size=cfg.batch_size,
                                              learning_rate=cfg.learning_rate, seed=0))
    answer = 0 if task == "recall_first" else T - 1 - lag
    return float64_copy(model), Xt, answer


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize(("task", "T", "lag"), [("recall_first", 8, None), ("delayed_echo", 10, 4)])
def test_attribution_peaks_where_the_answer_lies(kind, task, T, lag):
    model, Xt, answer = _trained(kind, task, T, lag)
    ig_peaks, grad_peaks = [], []
    for x in Xt:
        ig = integrated_gradients(model, x)
        assert ig.completeness_gap()[0] < 1e-6
        ig_peaks.append(int(np.argmax(np.abs(ig.attributions[0, :, 0]))))
        grad_peaks.append(int(np.argmax(np.abs(input_gradients(model, x)[0, :, 0]))))
    assert np.mean(np.asarray(ig_peaks) == answer) >= 0.9, np.bincount(ig_peaks, minlength=T)
    assert np.mean(np.asarray(grad_peaks) == answer) >= 0.9, np.bincount(grad_peaks, minlength=T)
