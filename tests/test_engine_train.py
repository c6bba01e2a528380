"""The generic training loop: learning, determinism, early stopping, cancellation, divergence, readout grads."""

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, Linear
from lstm_core.train import (
    EpochInfo,
    SequenceRegressor,
    StopTraining,
    TrainConfig,
    _eval_loss,
    fit_model,
    loss_fn,
)


def _task(n=96, T=10, seed=0):
    """Remember the value seen 3 steps before the end: a small memory task."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, 1))
    return X, X[:, -3, :]


def _model(cls=LSTM, H=8, bidirectional=False, dtype="float32", seed=0):
    net = cls(1, H, bidirectional=bidirectional, seed=seed, dtype=dtype)
    return SequenceRegressor(net, Linear(H * (2 if bidirectional else 1), 1, seed=seed + 1, dtype=dtype))


@pytest.mark.parametrize("cls", [LSTM, GRU, RNN])
def test_learns_a_memory_task(cls):
    X, Y = _task()
    model = _model(cls)
    hist = fit_model(model, X[:64], Y[:64], X[64:], Y[64:], TrainConfig(epochs=25, learning_rate=2e-2))
    assert hist.status == "completed" and hist.epochs_run == 25
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    assert min(hist.val_loss) == hist.best_loss


def test_same_seed_same_weights_bit_for_bit():
    X, Y = _task()
    runs = []
    for _ in range(2):
        model = _model()
        hist = fit_model(model, X, Y, config=TrainConfig(epochs=3, seed=7, schedule="cosine"))
        runs.append((model.state_dict(), hist.train_loss))
    assert runs[0][1] == runs[1][1]
    for k, v in runs[0][0].items():
        assert np.array_equal(v, runs[1][0][k])
    other = _model()
    fit_model(other, X, Y, config=TrainConfig(epochs=3, seed=8))
    assert not np.array_equal(other.params["head.weight"], runs[0][0]["head.weight"])


def test_early_stopping_restores_best_weights():
    X, Y = _task()
    model = _model()
    # validation targets are noise: the net overfits quickly and validation stops improving
    Yv = np.random.default_rng(5).normal(size=(32, 1))
    hist = fit_model(model, X[:64], Y[:64], X[64:], Yv, TrainConfig(epochs=200, learning_rate=3e-2, patience=3))
    assert hist.status == "early_stopped" and hist.epochs_run < 200
    assert hist.epochs_run == hist.best_epoch + 3
    val_now = _eval_loss(model, X[64:].astype(np.float32), Yv.astype(np.float32), loss_fn("mse"))
    assert val_now == pytest.approx(hist.best_loss, rel=1e-5)


def test_cancel_from_epoch_and_batch_callbacks():
    X, Y = _task()
    seen: list[EpochInfo] = []

    def stop_at_two(info):
        seen.append(info)
        return info.epoch < 2

    model = _model()
    hist = fit_model(model, X, Y, config=TrainConfig(epochs=50), callback=stop_at_two)
    assert hist.status == "cancelled" and hist.epochs_run == 2
    assert seen[-1].eta_s >= 0 and seen[-1].elapsed_s > 0 and seen[-1].model is model

    def raise_in_batch(info):
        if info.epoch == 2 and info.batch == 2:
            raise StopTraining

    hist = fit_model(_model(), X, Y, config=TrainConfig(epochs=50, batch_size=16), batch_callback=raise_in_batch)
    assert hist.status == "cancelled" and hist.epochs_run == 1


def test_divergence_keeps_last_good_weights_and_never_raises():
    X, Y = _task()
    model = _model()
    hist = fit_model(
        model, X, Y * 1e3, config=TrainConfig(epochs=30, optimizer="sgd", learning_rate=1e4, clip_norm=0, momentum=0.9)
    )
    assert hist.status == "diverged" and hist.message_key == "engine.status.diverged"
    assert all(np.isfinite(v).all() for v in model.params.values())
    pred, _ = model.forward(X.astype(np.float32))
    assert np.isfinite(pred).all()


@pytest.mark.parametrize("bidirectional", [False, True])
def test_readout_gradients_match_finite_differences(bidirectional):
    rng = np.random.default_rng(3)
    model = _model(LSTM, H=3, bidirectional=bidirectional, dtype="float64", seed=2)
    x = rng.normal(size=(2, 5, 1))
    dpred = rng.normal(size=(2, 1))
    pred, cache = model.forward(x)
    grads = model.backward(dpred, cache)
    eps = 1e-6
    for name in ("net.weight_hh_l0", "head.weight", "net.bias_ih_l0_reverse" if bidirectional else "net.bias_ih_l0"):
        p = model.params[name]
        for i in range(min(p.size, 6)):
            old = p.flat[i]
            p.flat[i] = old + eps
            up = float(np.sum(model.forward(x)[0] * dpred))
            p.flat[i] = old - eps
            down = float(np.sum(model.forward(x)[0] * dpred))
            p.flat[i] = old
            assert grads[name].flat[i] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8), name
