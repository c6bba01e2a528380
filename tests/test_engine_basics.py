"""Metrics, baselines, conformal half-widths, windows, split and scaling: small hand-checked cases."""

import math

import numpy as np
import pytest

from lstm_core import metrics
from lstm_core.baselines import (
    Drift,
    MovingAverage,
    Naive,
    SeasonalNaive,
    conformal_halfwidths,
    default_baselines,
)
from lstm_core.scaling import Scaler
from lstm_core.windows import chronological_split, make_windows, origins_in


def test_point_metrics_by_hand():
    y = np.array([1.0, 2.0, 4.0])
    yhat = np.array([2.0, 2.0, 1.0])
    assert metrics.mae(y, yhat) == pytest.approx(4 / 3)
    assert metrics.rmse(y, yhat) == pytest.approx(math.sqrt(10 / 3))
    assert metrics.mape(y, yhat) == pytest.approx(100 * (1 + 0 + 0.75) / 3)
    assert metrics.smape(y, yhat) == pytest.approx(100 * (2 / 3 + 0 + 6 / 5) / 3)


def test_mape_and_smape_safe_at_zero():
    y = np.array([0.0, 2.0, 0.0])
    yhat = np.array([1.0, 1.0, 0.0])
    assert metrics.mape(y, yhat) == pytest.approx(50.0)  # only the non-zero actual counts
    assert metrics.smape(y, yhat) == pytest.approx(100 * (2 + 2 / 3 + 0) / 3)
    assert math.isnan(metrics.mape([0.0], [1.0]))


def test_mase_uses_seasonal_in_sample_scale():
    insample = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0])  # m = 2: diffs are all 1
    assert metrics.mase_scale(insample, 2) == pytest.approx(1.0)
    assert metrics.mase_scale(insample, 1) == pytest.approx(np.mean([4, 3, 4, 3, 4]))
    assert metrics.mase([4.0, 8.0], [5.0, 8.0], insample, 2) == pytest.approx(0.5)
    assert metrics.mase_scale([1.0, 2.0], 12) == pytest.approx(1.0)  # falls back to m = 1
    assert math.isnan(metrics.mase_scale([3.0, 3.0, 3.0], 1))  # constant history: no scale, no inf


def test_coverage_and_nan_pairs_ignored():
    y = np.array([1.0, 2.0, 3.0, np.nan])
    assert metrics.coverage(y, [0, 2.5, 2.5, 0], [2, 3, 3.5, 1]) == pytest.approx(200 / 3)
    assert metrics.mae(y, [1.0, 2.0, 3.0, 9.0]) == 0.0
    s = metrics.summary([1.0, 2.0], [1.0, 3.0], [0.0, 1.0, 2.0], 1, {80: ([0, 0], [2, 1.5])})
    assert s["coverage_80"] == 50.0 and s["mae"] == 0.5


def test_naive_seasonal_drift_moving_average_paths():
    x = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
    assert Naive().fit(x).predict(2, levels=()).mean.tolist() == [30.0, 30.0]
    assert SeasonalNaive(3).fit(x).predict(4, levels=()).mean.tolist() == [10.0, 20.0, 30.0, 10.0]
    assert Drift().fit(x).predict(2, levels=()).mean == pytest.approx([30 + 29 / 5, 30 + 2 * 29 / 5])
    assert MovingAverage(2).fit(x).predict(3, levels=()).mean.tolist() == [25.0] * 3
    # paths from an earlier origin only look at the past
    assert Naive().paths(x, np.array([3]), 2).tolist() == [[3.0, 3.0]]
    assert SeasonalNaive(3).paths(x, np.array([4]), 3).tolist() == [[2.0, 3.0, 10.0]]


def test_baseline_intervals_cover_a_random_walk_and_widen():
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=400))
    fc = Naive().fit(x[:300]).predict(10, levels=(80, 95))
    assert set(fc.lower) == {80, 95}
    w80 = fc.upper[80] - fc.lower[80]
    w95 = fc.upper[95] - fc.lower[95]
    assert np.all(w95 >= w80) and np.all(np.diff(w80) >= 0) and w80[-1] > 2 * w80[0]
    assert list(fc.as_dict()) == ["forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert set(default_baselines(12)) == {"naive", "seasonal_naive", "drift", "moving_average", "theta", "damped_es"}


def test_conformal_halfwidths_quantile_and_extrapolation():
    r = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan], [4.0, np.nan]])
    q = conformal_halfwidths(r, 50)  # ceil(5 * 0.5) = 3rd smallest
    assert q[0] == 3.0
    assert q[1] == pytest.approx(3.0 * math.sqrt(2))
    assert conformal_halfwidths(r, 99)[0] == 4.0  # too few residuals: capped at the largest


def test_chronological_split():
    assert chronological_split(100, 0.15, 0.15) == (70, 85)
    assert chronological_split(100, 0.2, 0.0) == (80, 100)
    tr, va = chronological_split(3, 0.4, 0.4)
    assert 1 <= tr <= va <= 3
    with pytest.raises(ValueError):
        chronological_split(10, 0.6, 0.5)


def test_windows_targets_stay_inside_their_part():
    x = np.arange(20.0)
    w = make_windows(x, window=4, horizon=3, start=10, end=15)
    assert w.origins.tolist() == [10, 11, 12]
    assert w.X[0].tolist() == [6, 7, 8, 9] and w.Y[-1].tolist() == [12, 13, 14]
    assert len(make_windows(x, 4, 3, 0, 6)) == 0
    assert origins_in(0, 20, 4, 3).tolist() == list(range(4, 18))


@pytest.mark.parametrize("mode", ["last", "mean", "global"])
def test_scaler_round_trip_and_train_only(mode):
    rng = np.random.default_rng(1)
    train = rng.normal(5, 2, size=50)
    sc = Scaler(mode).fit(train)
    assert sc.mean == pytest.approx(train.mean()) and sc.scale == pytest.approx(train.std())
    X, Y = rng.normal(size=(7, 6)), rng.normal(size=(7, 3))
    Xs, Ys, a = sc.transform(X, Y)
    assert np.allclose(sc.inverse(Ys, a), Y)
    if mode == "last":
        assert np.allclose(Xs[:, -1], 0)
    assert Scaler.from_dict(sc.to_dict()) == sc
    assert Scaler("last").fit(np.full(5, 3.0)).scale == 3.0  # constant series: no division by zero


def test_seasonal_anchor_targets_are_corrections_to_seasonal_naive():
    sc = Scaler("seasonal", season_length=3).fit(np.arange(10.0))
    X = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
    Y = np.array([[7.0, 8.0, 9.0, 10.0]])
    Xs, Ys, A = sc.transform(X, Y)
    assert A.tolist() == [[4.0, 5.0, 6.0, 4.0]]  # same season one cycle earlier
    assert np.allclose(Xs[0, -1], 0.0)
    assert np.allclose(sc.inverse(np.zeros_like(Ys), A), A)  # a zero output is seasonal naive
    assert np.allclose(sc.inverse(Ys, A), Y)


def test_theta_follows_a_trend_and_never_sees_past_its_origin():
    from lstm_core.baselines import Theta

    t = np.arange(60.0)
    line = 10.0 + 0.5 * t
    f = Theta(1).fit(line).predict(5, levels=()).mean
    np.testing.assert_allclose(f, 10.0 + 0.5 * np.arange(60, 65), rtol=0.02)  # SES + half the slope ≈ the line
    x = np.random.default_rng(3).normal(0, 1, 80).cumsum() + 50
    y = x.copy()
    y[50:] += 100.0
    a, b = Theta(4).paths(x, np.array([40, 50]), 6), Theta(4).paths(y, np.array([40, 50]), 6)
    np.testing.assert_array_equal(a, b)  # the future after each origin changes nothing
    seasonal = 100 + 10 * np.sin(2 * np.pi * np.arange(48) / 12)
    g = Theta(12).fit(seasonal).predict(12, levels=()).mean
    np.testing.assert_allclose(g, seasonal[36:48], rtol=0.01)  # the season comes back


def test_damped_es_damps_the_trend_and_never_sees_past_its_origin():
    from lstm_core.baselines import DampedES

    t = np.arange(60.0)
    line = 10.0 + 0.5 * t
    f = DampedES(1).fit(line).predict(8, levels=()).mean
    steps = np.diff(np.r_[line[-1], f])
    assert (steps > 0).all() and (np.diff(steps) <= 1e-9).all()  # still rising, ever more slowly
    x = np.random.default_rng(5).normal(0, 1, 80).cumsum() + 50
    y = x.copy()
    y[45:] -= 30.0
    np.testing.assert_array_equal(DampedES(4).paths(x, np.array([40, 45]), 6),
                                  DampedES(4).paths(y, np.array([40, 45]), 6))
    seasonal = 100 + 10 * np.sin(2 * np.pi * np.arange(48) / 12)
    g = DampedES(12).fit(seasonal).predict(12, levels=()).mean
    np.testing.assert_allclose(g, seasonal[36:48], rtol=0.01)
