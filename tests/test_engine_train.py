"""The generic training loop: learning, determinism, early stopping, cancellation, divergence, readout grads."""

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, Linear
from lstm_core.errors import CoreError
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


def _reference(Y) -> float:
    """Loss of the trivial forecast 0 on Y (what ``Forecaster.fit`` passes as ``reference_loss``)."""
    return float(loss_fn("mse")(np.zeros_like(Y, dtype=np.float32), Y.astype(np.float32))[0])


def test_learning_rate_10_diverges_against_the_reference_and_keeps_the_initial_weights():
    X, Y = _task()
    start = _model().state_dict()
    model = _model()
    cfg = TrainConfig(epochs=5, learning_rate=10.0, reference_loss=_reference(Y))  # AdamW + clipping: finite loss
    hist = fit_model(model, X, Y, config=cfg)
    assert hist.status == "diverged" and hist.message_key == "engine.status.diverged_reference"
    p = hist.message_params
    assert p["epoch"] == 1 and p["best_epoch"] == 0 and hist.epochs_run == 0
    assert np.isfinite(p["loss"]) and p["loss"] > 8 * p["reference"] and p["ratio"] == pytest.approx(
        p["loss"] / p["reference"])
    for k, v in model.state_dict().items():  # nothing good was learnt: the starting weights are back
        assert np.array_equal(v, start[k]), k
    # the same run without the reference test is not caught: finite, far below 1e4 x the best loss
    assert fit_model(_model(), X, Y, config=TrainConfig(epochs=3, learning_rate=10.0)).status == "completed"


def test_reference_divergence_later_restores_the_last_good_epoch():
    X, Y = _task()
    model = _model()
    snaps: dict[int, dict] = {}

    def keep(info):
        snaps[info.epoch] = info.model.state_dict()

    def blow_up(info):  # from epoch 3 on, the head's weights are scaled far out: loss large but finite
        if info.epoch == 3 and info.batch == 1:
            model.params["head.weight"] *= 300.0

    cfg = TrainConfig(epochs=6, learning_rate=1e-2, reference_loss=_reference(Y), clip_norm=1.0)
    hist = fit_model(model, X, Y, config=cfg, callback=keep, batch_callback=blow_up)
    assert hist.status == "diverged" and hist.message_params["epoch"] == 3
    assert hist.epochs_run == 2 and hist.best_epoch == 2 and sorted(snaps) == [1, 2]
    for k, v in model.state_dict().items():
        assert np.array_equal(v, snaps[2][k]), k


def test_reference_config_is_checked_and_the_message_exists_in_both_languages():
    from ui.i18n import placeholders, translate

    X, Y = _task()
    for bad in (dict(reference_loss=0.0), dict(reference_loss=float("nan")), dict(reference_factor=-1.0)):
        with pytest.raises(CoreError) as exc:
            fit_model(_model(), X, Y, config=TrainConfig(epochs=1, **bad))
        assert exc.value.key == "errors.engine.bad_config"
    params = dict(epoch=1, epochs=5, best_epoch=0, loss=3.2, reference=0.05, factor=8.0, ratio=64.0)
    for lang in ("en", "pt-BR"):
        text = translate(lang, "engine.status.diverged_reference", **params)
        assert "64" in text and "8" in text and "{" not in text and "⟦" not in text
    assert {"epoch", "ratio", "factor", "best_epoch"} <= placeholders(
        translate("en", "engine.status.diverged_reference"))


def test_forecaster_passes_the_trivial_forecast_loss_and_catches_learning_rate_10():
    from lstm_core.forecast import REFERENCE_FLOOR, ForecastConfig, Forecaster

    t = np.arange(240)
    x = 10 + np.sin(2 * np.pi * t / 12) + 0.1 * np.random.default_rng(0).normal(size=t.size)
    base = dict(window=24, horizon=6, hidden_size=8, epochs=3, ensemble=2, season_length=12)
    fc = Forecaster(ForecastConfig(learning_rate=10.0, **base))
    hist = fc.fit(x)
    assert hist.status == "diverged" and hist.message_key == "engine.status.diverged_reference"
    _, Ys = fc._xy(x, 0, fc.split_indices[0])
    assert hist.message_params["reference"] == pytest.approx(fc.reference_loss(Ys))
    assert np.isfinite(fc.predict().mean).all()
    assert Forecaster(ForecastConfig(**base)).fit(x).status == "completed"  # a sane rate is not flagged
    flat = Forecaster(ForecastConfig(**base))  # the trivial forecast is exact: the floor keeps the test sane
    assert flat.fit(np.full(240, 5.0)).status == "completed"
    assert flat.reference_loss(np.zeros((4, 6))) == REFERENCE_FLOOR
