"""The forecasting recipe's pieces do what they claim (``lstm_core.deseason``, ``windows.all_windows``,
``losses.weighted``, the scaler's "step" scale and "season_mean" anchor, and ``Forecaster`` with ``refit``)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from lstm_core import CoreError
from lstm_core.deseason import SeasonalTransform, acf, is_seasonal, seasonal_indices
from lstm_core.forecast import RECIPE, ForecastConfig, Forecaster
from lstm_core.losses import huber, mae, mse, weighted
from lstm_core.scaling import Scaler
from lstm_core.train import loss_fn
from lstm_core.windows import all_windows

RNG = np.random.default_rng(7)


def _monthly(n: int = 120, growth: float = 0.01) -> np.ndarray:
    t = np.arange(n)
    return 100 * np.exp(growth * t) * (1 + 0.25 * np.sin(2 * np.pi * t / 12)) + RNG.normal(0, 0.5, n)


def test_acf_of_a_constant_is_zero_past_lag_zero():
    assert acf(np.ones(20), 3).tolist() == [1.0, 0.0, 0.0, 0.0]


def test_the_seasonality_test_finds_a_season_and_only_a_season():
    t = np.arange(96)
    assert is_seasonal(np.sin(2 * np.pi * t / 12) + RNG.normal(0, 0.3, 96), 12)
    assert not is_seasonal(RNG.normal(0, 1, 96), 12)  # white noise
    assert not is_seasonal(np.sin(2 * np.pi * t / 12), 1)  # no period to test
    assert not is_seasonal(np.sin(2 * np.pi * t[:30] / 12), 12)  # under three seasons


@pytest.mark.parametrize("m", [4, 7, 12])
def test_seasonal_indices_sum_to_zero_and_recover_the_pattern(m):
    pattern = RNG.normal(0, 1, m)
    pattern -= pattern.mean()
    t = np.arange(10 * m)
    s = seasonal_indices(0.05 * t + pattern[t % m], m)
    assert abs(s.sum()) < 1e-12
    np.testing.assert_allclose(s, pattern, atol=1e-9)  # a straight trend leaves the pattern exact


def test_the_log_applies_only_to_a_positive_series():
    y = _monthly()
    assert SeasonalTransform().fit(y, 12).log
    assert not SeasonalTransform().fit(y - y.min(), 12).log  # one zero
    assert not SeasonalTransform().fit(y, 12, every_value=np.r_[y, -1.0]).log  # a later value is negative
    assert not SeasonalTransform("none").fit(y, 12).log


def test_the_transform_round_trips_at_any_time():
    y = _monthly()
    tr = SeasonalTransform().fit(y, 12)
    assert tr.deseasonalized and len(tr.indices) == 12
    z = tr.forward(y[30:], start=30)
    np.testing.assert_allclose(tr.inverse(z, np.arange(30, y.size)), y[30:], rtol=1e-12)
    # the deseasonalised log series has no season left to find
    assert not is_seasonal(np.diff(tr.forward(y)), 12)
    assert SeasonalTransform.from_dict(tr.to_dict()) == tr


def test_a_transform_without_season_is_the_identity_or_a_log():
    x = RNG.normal(0, 1, 50)
    tr = SeasonalTransform().fit(x, 12)
    assert not tr.log and not tr.deseasonalized
    np.testing.assert_array_equal(tr.forward(x), x)


def test_all_windows_masks_targets_past_the_end_and_weighs_recent_windows_more():
    x = np.arange(20.0)
    w, weights = all_windows(x, 5, 3, half_life=4.0)
    assert w.origins.tolist() == list(range(5, 20))  # the last origin too
    assert weights[-1].tolist() == [1.0, 0.0, 0.0]  # only its first target exists
    assert weights[-3].tolist() == pytest.approx([0.5 ** 0.5] * 3)  # two points back: 2^(-2/4)
    assert weights[-5, 0] == pytest.approx(0.5)  # one half-life back
    assert (w.Y[weights == 0] == 0).all()
    _, flat = all_windows(x, 5, 3)
    assert set(np.unique(flat)) == {0.0, 1.0}


@pytest.mark.parametrize("loss", [mse, mae, loss_fn("huber", 0.5)])
def test_a_weighted_loss_ignores_zero_weights_and_matches_the_plain_loss_on_the_rest(loss):
    pred, target = RNG.normal(0, 1, (6, 3)), RNG.normal(0, 1, (6, 3))
    w = np.ones((6, 3))
    w[:, 2] = 0.0
    value, grad = weighted(loss, pred, target, w)
    plain, plain_grad = loss(pred[:, :2], target[:, :2])
    assert value == pytest.approx(plain)
    np.testing.assert_allclose(grad[:, :2], plain_grad, rtol=1e-12)
    assert (grad[:, 2] == 0).all()
    with pytest.raises(CoreError):
        weighted(loss, pred, target, np.zeros((6, 3)))


def test_the_weighted_gradient_is_the_derivative_of_the_weighted_loss():
    pred, target = RNG.normal(0, 1, (4, 2)), RNG.normal(0, 1, (4, 2))
    w = RNG.uniform(0.1, 1.0, (4, 2))
    _, grad = weighted(huber, pred, target, w)
    eps = 1e-6
    for i in np.ndindex(pred.shape):
        up, down = pred.copy(), pred.copy()
        up[i] += eps
        down[i] -= eps
        numeric = (weighted(huber, up, target, w)[0] - weighted(huber, down, target, w)[0]) / (2 * eps)
        assert grad[i] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_the_step_scale_and_the_season_mean_anchor():
    x = np.array([0.0, 2.0, 1.0, 5.0])
    assert Scaler(scale_by="step").fit(x).scale == pytest.approx(7 / 3)  # mean |step| = (2 + 1 + 4) / 3
    sc = Scaler("season_mean", season_length=2).fit(x)
    assert sc.anchor(np.array([[1.0, 2.0, 4.0, 6.0]])).tolist() == [5.0]  # mean of the last season
    assert Scaler.from_dict(sc.to_dict()) == sc


@pytest.fixture(scope="module")
def recipe_fit():
    y = _monthly(108)
    cfg = ForecastConfig.auto(y.size, 12, horizon=12, hidden_size=8, ensemble=2, refit_budget=400)
    fc = Forecaster(cfg)
    fc.fit(y)
    return fc, y


def test_the_recipe_trains_final_members_on_the_whole_series(recipe_fit):
    fc, y = recipe_fit
    assert fc.config.refit and fc.final is not None and len(fc.final.models) == fc.config.ensemble
    assert len(fc.models) == min(RECIPE["calibration_members"], fc.config.ensemble)
    assert fc.transform.log and fc.final.transform.log and fc.final.transform.deseasonalized
    assert len(fc.history.members) == len(fc.models) + len(fc.final.models)
    # the final members forecast past the end; the held-out ones are what the evaluation scores
    a = fc.paths(y, np.array([y.size]), 12, final=True)
    b = fc.paths(y, np.array([y.size]), 12)
    assert not np.allclose(a, b)
    np.testing.assert_allclose(fc.predict(12).mean, a[0])


def test_recipe_intervals_are_relative_to_the_level_and_widen_with_the_step(recipe_fit):
    from lstm_core.baselines import conformal_bounds

    fc, _ = recipe_fit
    f = fc.predict(12, levels=(80, 95))
    for level in (80, 95):  # the held-out errors' signed quantiles, taken on the log scale
        lo, hi = conformal_bounds(fc.residuals, level)
        np.testing.assert_allclose(np.log(f.lower[level]), np.log(f.mean) + lo, rtol=1e-12)
        np.testing.assert_allclose(np.log(f.upper[level]), np.log(f.mean) + hi, rtol=1e-12)
        width = np.log(f.upper[level]) - np.log(f.lower[level])
        assert (np.diff(width) >= -1e-12).all()  # non-decreasing in h
    assert (f.upper[95] >= f.upper[80]).all() and (f.lower[95] <= f.lower[80]).all()


def test_signed_bounds_follow_skewed_errors_and_only_widen():
    from lstm_core.baselines import conformal_bounds

    rng = np.random.default_rng(1)
    errors = np.column_stack([rng.exponential(1.0, 400) - 0.3 for _ in range(3)]) * np.array([1.0, 1.5, 1.2])
    errors[350:, 2] = np.nan  # fewer errors at the last step
    lo, hi = conformal_bounds(errors, 80)
    assert (hi > -lo).all()  # errors mostly upwards: more room above
    assert (lo <= 0).all() and (hi >= 0).all()
    assert (np.diff(lo) <= 0).all() and (np.diff(hi) >= 0).all()  # step 3 keeps step 2's width at least
    inside = (errors[:, 0] >= lo[0]) & (errors[:, 0] <= hi[0])
    assert 0.79 <= inside.mean() <= 0.83
    lo2, hi2 = conformal_bounds(errors[:, :1].repeat(2, axis=1) * np.array([1.0, np.nan]), 95)
    assert hi2[1] == pytest.approx(hi2[0] * np.sqrt(2)) and lo2[1] == pytest.approx(lo2[0] * np.sqrt(2))


def test_a_recipe_model_file_round_trips(recipe_fit):
    fc, y = recipe_fit
    buf = io.BytesIO()
    fc.save(buf)
    back = Forecaster.load(buf.getvalue())
    assert back.transform == fc.transform and back.final.transform == fc.final.transform
    np.testing.assert_allclose(back.predict(12).mean, fc.predict(12).mean, rtol=1e-12)


def test_a_log_model_refuses_a_history_with_a_non_positive_value(recipe_fit):
    fc, y = recipe_fit
    h = y.copy()
    h[-3] = 0.0
    with pytest.raises(CoreError) as err:
        fc.predict_from(h)
    assert err.value.key == "errors.engine.not_positive"


def test_a_model_file_from_before_the_recipe_still_loads():
    y = _monthly(108)
    fc = Forecaster(ForecastConfig.auto(y.size, 12, recipe=False, hidden_size=4, epochs=2, ensemble=1))
    fc.fit(y)
    buf = io.BytesIO()
    fc.save(buf)
    from lstm_core.io import load_arrays, save_arrays

    arrays, meta = load_arrays(buf.getvalue())
    meta.pop("transform")  # what a file saved before the recipe holds
    config = meta["config"]
    for key in RECIPE:
        if key not in ("scaling", "loss", "ensemble"):
            config.pop(key)
    old = io.BytesIO()
    save_arrays(old, arrays, meta)
    back = Forecaster.load(old.getvalue())
    assert back.final is None and not back.transform.log
    np.testing.assert_allclose(back.predict(12).mean, fc.predict(12).mean, rtol=1e-12)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_forecast_page_note_says_how_the_forecast_was_made(recipe_fit, lang):
    from locales import translate
    from ui.recipe_text import recipe_lines

    fc, _ = recipe_fit
    lines = recipe_lines(fc, lang)
    assert lines[0] == translate(lang, "forecast.how.log")
    assert lines[1] == translate(lang, "forecast.how.season", m=12)
    assert str(fc.final.epochs) in lines[-1] and str(len(fc.final.models)) in lines[-1]
    plain = Forecaster(ForecastConfig.auto(80, 1, recipe=False, hidden_size=4, epochs=2, ensemble=1))
    plain.fit(RNG.normal(0, 1, 80))
    lines = recipe_lines(plain, lang)
    assert lines[0] == translate(lang, "forecast.how.no_log") and len(lines) == 3
    assert lines[-1] == translate(lang, "forecast.how.held_mean", members=1)


def test_each_final_member_forecasts_alone_and_their_median_is_the_forecast(recipe_fit):
    fc, _ = recipe_fit
    each = fc.member_forecasts(12)
    assert each.shape == (fc.config.ensemble, 12)
    mean = fc.predict(12).mean  # the median in scaled units: between the members (their middle one when odd)
    assert (each.min(axis=0) <= mean + 1e-9).all() and (mean <= each.max(axis=0) + 1e-9).all()


def test_the_backtest_scores_every_final_seed_alone():
    from lstm_core.backtest import SEED_MASE, backtest, seed_spread

    y = _monthly(132)
    cfg = ForecastConfig.auto(y.size, 12, horizon=12, hidden_size=4, epochs=3, refit_budget=100)
    res = backtest(y, cfg, n_origins=2, members=3, levels=(80,))
    seeds = [k for k in res.mean["model"] if k.startswith(SEED_MASE)]
    assert len(seeds) == 3
    lo, hi = seed_spread(res.mean["model"])
    assert lo <= hi and all(np.isfinite(res.mean["model"][k]) for k in seeds)
