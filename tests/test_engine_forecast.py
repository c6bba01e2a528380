"""Forecaster: auto config, no leakage, intervals, evaluation, trace, save/load, failure modes; backtest."""

import dataclasses
import io
import math

import numpy as np
import pytest

from lstm_core import CoreError
from lstm_core.backtest import backtest, backtest_origins
from lstm_core.forecast import RECIPE, ForecastConfig, Forecaster, min_points
from lstm_core.windows import chronological_split
from ui.i18n import translate


def _series(n=144, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 50 + 0.2 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)


def _cfg(**kw):
    base = dict(epochs=6, hidden_size=8, ensemble=1, patience=0, batch_size=16)
    base.update(kw)
    return ForecastConfig.auto(144, 12, **base)


@pytest.fixture(scope="module")
def fitted():
    fc = Forecaster(_cfg(ensemble=2))
    fc.fit(_series())
    return fc


def test_auto_config_follows_the_data():
    cfg = ForecastConfig.auto(500, 12)
    assert (cfg.horizon, cfg.window, cfg.season_length) == (12, 24, 12)
    assert cfg.strategy == "direct" and cfg.cell == "lstm" and cfg.loss == "mae" and cfg.refit
    plain = ForecastConfig.auto(500, 12, recipe=False)  # the teaching pages' network: the fields' own defaults
    assert all(getattr(plain, k) == getattr(ForecastConfig(), k) for k in RECIPE)
    assert (plain.window, plain.horizon) == (cfg.window, cfg.horizon) and plain.epochs >= cfg.epochs
    short = ForecastConfig.auto(40, 1)
    assert short.window + short.horizon < 40 and min_points(short) <= 40
    weekly = ForecastConfig.auto(1000, 52)
    assert weekly.window >= 52 and weekly.horizon == 13
    tr, va = chronological_split(500, cfg.val_fraction, cfg.test_fraction)
    assert 500 - va >= cfg.horizon and va - tr >= cfg.horizon
    assert ForecastConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("field", "value"), [("cell", "transformer"), ("hidden_size", 0), ("learning_rate", -1.0), ("val_fraction", 0.0)]
)
def test_bad_config_raises_a_keyed_error(field, value):
    with pytest.raises(CoreError) as err:
        dataclasses.replace(ForecastConfig(), **{field: value}).validate()
    assert err.value.key == "errors.engine.bad_config" and err.value.params["field"] == field
    with pytest.raises(CoreError):
        ForecastConfig.auto(100, 12, colour="red")


def test_predict_intervals_evaluate(fitted):
    fc = fitted
    f = fc.predict(levels=(80, 95))
    assert f.mean.shape == (12,) and np.isfinite(f.mean).all()
    assert np.all(f.lower[95] <= f.lower[80]) and np.all(f.lower[80] <= f.mean) and np.all(f.upper[95] >= f.upper[80])
    longer = fc.predict(horizon=30)  # beyond the head's horizon: blocks fed back
    assert longer.mean.shape == (30,) and np.allclose(longer.mean[:12], f.mean)
    assert np.array_equal(fc.predict_from(fc.values, 12).mean, f.mean)
    ev = fc.evaluate()
    assert ev["split"] == fc.split_indices
    for part in ("validation", "test"):
        d = ev["parts"][part]
        assert set(d["metrics"]) == {"model", "naive", "seasonal_naive", "drift", "moving_average", "theta", "damped_es"}
        assert set(d["metrics"]["model"]) >= {"mae", "rmse", "smape", "mase", "coverage_80", "coverage_95"}
        assert d["predictions"]["model"].shape == d["actual"].shape == d["index"].shape
    assert ev["parts"]["test"]["index"][-1] == fc.values.size - 1
    assert fc.num_parameters() == 4 * 8 * (1 + 8 + 2) + 8 * 12 + 12
    idx, fit = fc.fitted_values()
    assert idx.shape == fit.shape


def test_trace_of_the_trained_network(fitted):
    tr = fitted.trace(fitted.values[-40:])
    assert tr.gate("forget").shape == (1, 40, 8)
    assert set(tr.gate_names) >= {"input", "forget", "output", "cell"}


def test_no_leakage_from_the_future():
    x = _series()
    cfg = _cfg()
    a = Forecaster(cfg)
    a.fit(x)
    train_end, val_end = a.split_indices
    # 1) change the test part: nothing the model learned or chose may change
    y = x.copy()
    y[val_end:] += 1000.0
    b = Forecaster(cfg)
    b.fit(y)
    assert a.scaler == b.scaler
    for k, v in a.models[0].params.items():
        assert np.array_equal(v, b.models[0].params[k])
    # 2) change everything after the training part: the scaler and the whole optimisation path are the same;
    #    only the validation loss (used to pick the stopping epoch) sees the new values, by design
    # (whether to work on the log scale is decided on every value given, so the change keeps them positive)
    z = x.copy()
    z[train_end:] = 3.0 * z[train_end:][::-1] + 50.0
    c = Forecaster(dataclasses.replace(cfg, patience=0))
    hist_c = c.fit(z)
    assert a.scaler == c.scaler
    assert hist_c.train_loss == a.history.train_loss


def test_same_seed_same_forecast_bit_for_bit():
    x = _series()
    a, b = Forecaster(_cfg(seed=3)), Forecaster(_cfg(seed=3))
    a.fit(x)
    b.fit(x)
    assert np.array_equal(a.predict().mean, b.predict().mean)


def test_save_load_round_trip_and_bad_files(fitted, tmp_path):
    buf = io.BytesIO()
    fitted.save(buf)
    back = Forecaster.load(buf.getvalue())
    assert back.config == fitted.config and back.split_indices == fitted.split_indices
    assert np.array_equal(back.predict().mean, fitted.predict().mean)
    assert back.history.to_dict() == fitted.history.to_dict()  # every curve, the lr, each member: all kept
    assert back.history.members and back.history.lr == fitted.history.lr
    path = tmp_path / "m.npz"
    fitted.save(path)
    assert np.array_equal(Forecaster.load(path).predict().upper[95], fitted.predict().upper[95])

    from lstm_core.io import load_arrays, save_arrays

    arrays, meta = load_arrays(buf.getvalue())
    cases = []
    missing = dict(arrays)
    missing.pop("m0.head.weight")
    cases.append((missing, meta))
    wrong = dict(arrays)
    wrong["m1.head.bias"] = np.zeros(3)
    cases.append((wrong, meta))
    cases.append((arrays, {**meta, "format": "other"}))
    cases.append((arrays, {**meta, "config": {**meta["config"], "cell": "cnn"}}))
    cases.append((arrays, {**meta, "history": {**meta["history"], "best_epoch": "many"}}))
    for arr, mt in cases:
        out = io.BytesIO()
        save_arrays(out, arr, mt)
        with pytest.raises(CoreError) as err:
            Forecaster.load(out.getvalue())
        assert err.value.key in ("errors.engine.bad_model_file", "errors.engine.bad_config")
    with pytest.raises(CoreError):
        Forecaster.load(b"not a zip file at all")


def test_failure_modes_have_translated_keys():
    with pytest.raises(CoreError) as err:
        Forecaster(_cfg()).fit(np.arange(20.0))
    assert err.value.key == "errors.engine.too_short" and err.value.params["needed"] > 20
    x = _series()
    x[5] = np.nan
    with pytest.raises(CoreError) as err2:
        Forecaster(_cfg()).fit(x)
    assert err2.value.key == "errors.engine.non_finite" and err2.value.params["count"] == 1
    with pytest.raises(CoreError) as err3:
        Forecaster(_cfg()).predict()
    f = Forecaster(_cfg(epochs=1))
    f.fit(_series())
    with pytest.raises(CoreError) as err4:
        f.predict(levels=(150,))
    for e in (err.value, err2.value, err3.value, err4.value):
        for lang in ("en", "pt-BR"):
            assert not translate(lang, e.key, **e.params).startswith("⟦"), e.key
    for status in ("completed", "early_stopped", "cancelled", "diverged"):
        assert not translate("pt-BR", f"engine.status.{status}", epoch=1, epochs=2, best_epoch=1).startswith("⟦")


def test_cancel_keeps_a_usable_forecaster_and_divergence_never_raises():
    x = _series()
    fc = Forecaster(_cfg(ensemble=3, epochs=20))
    calls = []

    def cb(info):
        calls.append((info.member, info.epoch))
        assert info.forecaster is fc
        assert info.forecaster.trace(x[:30]).gate("forget").shape == (1, 30, 8)  # replay snapshots mid-training
        return not (info.member == 1 and info.epoch == 2)

    hist = fc.fit(x, callback=cb)
    assert hist.status == "cancelled" and len(fc.models) == 2
    assert np.isfinite(fc.predict().mean).all()
    wild = Forecaster(_cfg(optimizer="sgd", learning_rate=1e5, clip_norm=0.0, epochs=10))
    hist = wild.fit(x * 1e4)
    assert hist.status == "diverged"
    assert hist.message_key in ("engine.status.diverged", "engine.status.diverged_reference")  # NaN, or 8x the trivial loss
    assert np.isfinite(wild.predict().mean).all()


@pytest.mark.parametrize(
    "kw", [dict(cell="gru"), dict(cell="rnn", strategy="recursive"), dict(bidirectional=True, num_layers=2)]
)
def test_other_cells_and_strategies(kw):
    fc = Forecaster(_cfg(epochs=3, **kw))
    fc.fit(_series())
    f = fc.predict(horizon=14)
    assert f.mean.shape == (14,) and np.isfinite(f.upper[95]).all()


def test_backtest_refits_at_each_origin():
    x = _series(150)
    res = backtest(x, _cfg(epochs=3), n_origins=2)
    assert res.origins == backtest_origins(150, 12, 2) == [126, 138]
    assert len(res.per_origin) == 2 and set(res.mean) >= {"model", "seasonal_naive"}
    assert np.array_equal(res.actuals[1], x[138:150])
    assert res.ratio_to("seasonal_naive") > 0


def test_backtest_one_origin_at_a_time_equals_the_whole_backtest():
    """The app keeps finished origins and resumes: origin by origin must give exactly the same numbers."""
    from lstm_core.backtest import backtest_origin, collect, origin_config

    x = _series(150)
    cfg = _cfg(epochs=3, ensemble=2)
    whole = backtest(x, cfg, n_origins=2, season_length=12)
    cfg_o = origin_config(cfg)
    assert cfg_o.ensemble == 2 and cfg_o.test_fraction == 0.0
    parts = [backtest_origin(x, cfg_o, o, (80, 95), 12) for o in whole.origins]
    assert all(p.status == s for p, s in zip(parts, whole.statuses))
    assert collect(whole.origins, 12, 12, parts).mean == whole.mean


def test_backtest_members_refits_one_network_per_origin():
    x = _series(150)
    cfg = _cfg(epochs=3, ensemble=3)
    seen = set()
    res = backtest(x, cfg, n_origins=2, members=1, callback=lambda info: seen.add((info.origin, info.members)))
    # one network at each origin whatever cfg.ensemble says: with the recipe, one held-out and one final
    assert seen == {(0, 2), (1, 2)} and cfg.refit
    from lstm_core.backtest import backtest_origin, origin_config

    one = backtest_origin(x, origin_config(cfg, 1), res.origins[0], (80, 95), 12)
    assert one.scores == res.per_origin[0]
    with pytest.raises(CoreError):
        origin_config(cfg, 0)


def test_backtest_stops_when_the_callback_says_so():
    x = _series(150)
    res = backtest(x, _cfg(epochs=3), n_origins=3, callback=lambda info: False)
    assert len(res.per_origin) == 1 and res.statuses == ["cancelled"] and "model" in res.mean


def test_a_history_with_non_finite_losses_still_saves_and_loads(fitted):
    """A run that blew up may leave NaN/inf in its curves: the model file (JSON inside) keeps them as gaps."""
    fc = Forecaster.load(_saved(fitted))
    fc.history.train_loss[-1] = float("inf")
    fc.history.val_loss[0] = float("nan")
    back = Forecaster.load(_saved(fc))
    assert math.isnan(back.history.train_loss[-1]) and math.isnan(back.history.val_loss[0])
    assert back.history.train_loss[:-1] == fc.history.train_loss[:-1]


def _saved(fc: Forecaster) -> bytes:
    buf = io.BytesIO()
    fc.save(buf)
    return buf.getvalue()
