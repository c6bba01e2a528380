"""ui.explore_drivers: the window a forecaster's attributions are taken on is exactly what its network reads (its
output is the forecaster's own forecast), every step's integrated gradients are complete, and the lag readings."""

from __future__ import annotations

import numpy as np
import pytest

from datasets import synthetic
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import explore_drivers as drv
from ui import teaching


def _fit(x: np.ndarray, m: int, **overrides) -> Forecaster:
    settings = {"epochs": 2, "hidden_size": 8, **overrides}
    cfg = ForecastConfig.auto(x.size, m, recipe=False, ensemble=1, **settings)
    fc = Forecaster(cfg)
    fc.fit(x)
    return fc


@pytest.fixture(scope="module")
def echo() -> tuple[Forecaster, np.ndarray]:
    x = synthetic.generate(teaching.GENERATOR, seed=0, **teaching.PARAMS).to_numpy(dtype=float)
    return _fit(x, 1, **{**teaching.train_defaults(teaching.PARAMS), "epochs": 2, "hidden_size": 8}), x


@pytest.fixture(scope="module")
def seasonal() -> tuple[Forecaster, np.ndarray]:
    """A positive monthly-like series: the forecaster works on its log with seasonal indices off."""
    x = 50 + synthetic.generate("trend_season_noise", seed=0, length=240, period=12).to_numpy(dtype=float)
    fc = _fit(x, 12, transform="auto", scaling="last", cell="gru")
    assert fc.transform.log and fc.transform.deseasonalized
    return fc, x


def _forecast_from(fc: Forecaster, x: np.ndarray, d: drv.Drivers) -> np.ndarray:
    """The drivers' scaled outputs back in the series' units, as ``Forecaster.paths`` turns its outputs."""
    W, origin = fc.config.window, d.origin
    z = fc.transform.forward(x[:origin])
    _, _, A = fc.scaler.transform(z[None, origin - W:origin], horizon=d.steps.size)
    return fc.transform.inverse(fc.scaler.inverse(d.output[None], A), origin + np.arange(d.steps.size))[0]


@pytest.mark.parametrize("which", ["echo", "seasonal"])
def test_the_attributed_output_is_the_forecasters_own_forecast(which, request):
    fc, x = request.getfixturevalue(which)
    for origin in (fc.config.window, x.size // 2, x.size):
        d = drv.forecast_drivers(fc, x, origin)
        np.testing.assert_array_equal(d.steps, np.arange(1, fc.config.horizon + 1))
        np.testing.assert_allclose(_forecast_from(fc, x, d), fc.paths(x, np.array([origin]), fc.config.horizon)[0],
                                   rtol=1e-5)
        np.testing.assert_array_equal(d.window, x[origin - fc.config.window:origin])
        for step in d.steps:
            total, difference = d.completeness(int(step))
            assert total == pytest.approx(difference, abs=1e-6)
        assert d.gradient.shape == d.ig.shape == (fc.config.horizon, fc.config.window)


def test_a_window_outside_the_series_is_refused(echo):
    fc, x = echo
    with pytest.raises(CoreError):
        drv.forecast_drivers(fc, x, fc.config.window - 1)
    with pytest.raises(CoreError):
        drv.forecast_drivers(fc, x, x.size + 1)


def test_a_recursive_forecaster_explains_its_one_step():
    x = synthetic.generate("sine", seed=0, length=200, period=20).to_numpy(dtype=float)
    fc = _fit(x, 20, strategy="recursive")
    d = drv.forecast_drivers(fc, x, x.size)
    np.testing.assert_array_equal(d.steps, [1])
    assert d.row("ig", 1).shape == (fc.config.window,)


def test_some_steps_only_give_the_same_rows(echo):
    fc, x = echo
    full = drv.forecast_drivers(fc, x, 300)
    some = drv.forecast_drivers(fc, x, 300, steps=(7, 3, 7))
    np.testing.assert_array_equal(some.steps, [3, 7])
    for step in (3, 7):
        np.testing.assert_allclose(some.row("ig", step), full.row("ig", step), atol=1e-9)
        np.testing.assert_allclose(some.row("gradient", step), full.row("gradient", step), atol=1e-12)
    for bad in ((0,), (fc.config.horizon + 1,), ()):
        with pytest.raises(CoreError):
            drv.forecast_drivers(fc, x, 300, steps=bad)


# --- reading the numbers ----------------------------------------------------------------------------------
def test_reach_and_peak_count_back_from_the_newest_value():
    row = np.array([0.0, 0.0, 5.0, 0.0, 1.0, -4.0])  # time order: lag 0 is the last value (-4)
    np.testing.assert_allclose(drv.by_lag(row), [4, 1, 0, 5, 0, 0])
    assert drv.peak_lag(row) == 3
    assert drv.reach(row) == 4  # 4 + 1 + 0 = 5 of 10 after three values, 10 of 10 after four
    assert drv.reach(row, mass=0.5) == 2  # 4 + 1 = 5: exactly half
    assert drv.reach(np.zeros(5)) == 5
    assert drv.share(row, 3) == pytest.approx(0.5)
    assert drv.share(np.zeros(4), 0) == 0.0


@pytest.mark.parametrize(("step", "season", "window", "lag"), [
    (1, 12, 24, 11), (12, 12, 24, 0), (13, 12, 24, 11), (1, 12, 8, None), (5, 12, 8, 7), (3, 1, 24, None), (1, 4, 24, 3),
])
def test_season_lag_is_the_same_phase_one_season_before_the_target(step, season, window, lag):
    assert drv.season_lag(step, season, window) == lag


def test_leaning_means_at_least_twice_an_even_share():
    row = np.ones(10)
    row[-1 - 4] = 2.0  # lag 4: 2/11 of the total, 1.8 even shares
    assert not drv.leans_on(row, 4)
    row[-1 - 4] = 3.0  # 3/12 = 2.5 even shares
    assert drv.leans_on(row, 4)
