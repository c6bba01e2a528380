"""lstm_core.memory: per-step gradient sizes match finite differences; an LSTM beats a plain RNN at a long lag."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.synthetic import memory_task
from lstm_core import GRU, LSTM, RNN, CoreError, Linear
from lstm_core.memory import (
    KINDS,
    MemoryConfig,
    build_model,
    compare_kinds,
    init_gradients,
    step_gradients,
    task_shape,
    train_kind,
)
from lstm_core.train import SequenceRegressor

EPS = 1e-6


def _tiny(kind: str, H: int = 3) -> SequenceRegressor:
    cls = {"LSTM": LSTM, "GRU": GRU, "RNN": RNN}[kind]
    return SequenceRegressor(cls(2, H, seed=3, dtype="float64"), Linear(H, 1, seed=4, dtype="float64"))


def _loss(model: SequenceRegressor, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-example loss L_b = (ŷ_b − y_b)², (B,)."""
    return ((model.predict(X) - Y) ** 2)[:, 0]


def _loss_from_state(model, X, Y, t, h_t, c_t):
    """L_b as a function of h_t: run steps t+1..T-1 from the given state (c_t held fixed for an LSTM)."""
    rest = X[:, t + 1:]
    if rest.shape[1] == 0:
        return ((model.head.forward(h_t[0])[0] - Y) ** 2)[:, 0]
    y, _ = model.net.forward(rest, h0=h_t, c0=c_t)
    return ((model.head.forward(y[:, -1])[0] - Y) ** 2)[:, 0]


@pytest.mark.parametrize("kind", KINDS)
def test_state_gradients_match_finite_differences(kind):
    rng = np.random.default_rng(0)
    B, T, H = 2, 5, 3
    model = _tiny(kind, H)
    X = rng.uniform(-1, 1, size=(B, T, 2))
    Y = rng.uniform(-1, 1, size=(B, 1))
    g = step_gradients(model, X, Y)
    assert g.dh.shape == (T,) and g.dx.shape == (T,)
    for t in range(T):
        _, trace = model.net.forward(X[:, : t + 1])
        h_t = trace.h_n.copy()  # (1, B, H)
        c_t = None if trace.c_n is None else trace.c_n.copy()
        num = np.zeros((B, H))
        for u in range(H):
            hp, hm = h_t.copy(), h_t.copy()
            hp[0, :, u] += EPS
            hm[0, :, u] -= EPS
            num[:, u] = (_loss_from_state(model, X, Y, t, hp, c_t) - _loss_from_state(model, X, Y, t, hm, c_t)) / (
                2 * EPS)
        expected = np.linalg.norm(num, axis=1).mean()
        assert g.dh[t] == pytest.approx(expected, rel=1e-5, abs=1e-10)
    # dx: ‖∂ŷ_b/∂x_t‖ by central differences on every input of every step
    num = np.zeros((B, T, 2))
    for t in range(T):
        for k in range(2):
            Xp, Xm = X.copy(), X.copy()
            Xp[:, t, k] += EPS
            Xm[:, t, k] -= EPS
            num[:, t, k] = (model.predict(Xp) - model.predict(Xm))[:, 0] / (2 * EPS)
    np.testing.assert_allclose(g.dx, np.linalg.norm(num, axis=2).mean(axis=0), rtol=1e-5)


def test_rnn_gradient_vanishes_at_init_faster_than_lstm():
    X, Y = memory_task("recall_first", 64, 41, seed=0)
    grads = init_gradients(X, Y, MemoryConfig())
    rnn, lstm = grads["RNN"].first_to_last(), grads["LSTM"].first_to_last()
    assert rnn < 1e-5  # forty tanh steps with small recurrent weights: the signal is gone
    assert lstm > 100 * rnn
    assert grads["RNN"].relative()[-1] == pytest.approx(1.0)


def test_lstm_beats_rnn_on_the_adding_problem_at_a_long_lag():
    lag = 20
    T, _ = task_shape("adding", lag)
    X, Y = memory_task("adding", 384, T, seed=0)
    Xt, Yt = memory_task("adding", 256, T, seed=1)
    cfg = MemoryConfig()
    rnn = train_kind("RNN", X, Y, Xt, Yt, cfg)
    lstm = train_kind("LSTM", X, Y, Xt, Yt, cfg)
    assert rnn.accuracy < rnn.chance + 0.1  # the plain RNN is no better than guessing the mean
    assert lstm.accuracy > 0.8
    assert lstm.mse < 0.1 * rnn.mse
    # before training, far less of the gradient reaches the first step in the RNN than in the LSTM
    assert lstm.grads_init.first_to_last() > 5 * rnn.grads_init.first_to_last()
    # the trained LSTM's answer depends on the first inputs as much as on the last ones
    assert lstm.grads_trained.first_to_last("dx") > 0.5


def test_same_budget_and_seed_give_the_same_result():
    X, Y = memory_task("recall_first", 32, 6, seed=0)
    cfg = MemoryConfig(hidden_size=4, epochs=2)
    a = compare_kinds(X, Y, X, Y, cfg, lag=5, kinds=("GRU",))
    b = compare_kinds(X, Y, X, Y, cfg, lag=5, kinds=("GRU",))
    assert a.results["GRU"].history.train_loss == b.results["GRU"].history.train_loss
    np.testing.assert_array_equal(a.results["GRU"].grads_trained.dh, b.results["GRU"].grads_trained.dh)


def test_forget_bias_only_touches_the_lstm_forget_rows():
    cfg = MemoryConfig(hidden_size=4, forget_bias=1.0)
    plain = build_model("LSTM", 1, 1, MemoryConfig(hidden_size=4, forget_bias=0.0))
    biased = build_model("LSTM", 1, 1, cfg)
    diff = biased.net.params["bias_hh_l0"] - plain.net.params["bias_hh_l0"]
    np.testing.assert_allclose(diff, np.r_[np.zeros(4), np.ones(4), np.zeros(8)], atol=1e-6)


def test_task_shape_and_bad_arguments():
    assert task_shape("recall_first", 10) == (11, None)
    assert task_shape("delayed_echo", 10) == (15, 10)
    assert task_shape("adding", 10) == (10, None)
    with pytest.raises(CoreError):
        task_shape("nope", 3)
    with pytest.raises(CoreError):
        task_shape("adding", 0)
    with pytest.raises(CoreError):
        build_model("TRANSFORMER", 1, 1, MemoryConfig())
