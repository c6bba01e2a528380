"""ui.forecasting's pure pieces: settings typed from widgets, the config a run uses, the bounded in-sample line."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest

from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import forecasting


@pytest.fixture(scope="module")
def long_run():
    """A tiny network fitted on a short series, then asked for the fitted line of a long one (as a saved model
    uploaded next to a long series is)."""
    t = np.arange(30_000)
    y = 10 + np.sin(2 * np.pi * t / 12) + 0.001 * t
    cfg = ForecastConfig.auto(200, 12, horizon=3, hidden_size=4, epochs=1, ensemble=1)
    fc = Forecaster(cfg)
    fc.fit(y[:200])
    return forecasting.ForecastRun(fc, fc.history, cfg, "k", "upload"), y


def test_in_sample_line_is_bounded_and_equals_the_unchunked_forecasts(long_run):
    run, y = long_run
    tracemalloc.start()
    pos, fitted = forecasting.in_sample_fit(run, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert pos.size == forecasting.FIT_LINE_POINTS and pos[-1] == y.size - 1 and pos[0] == y.size - pos.size
    tail = pos[-3 * forecasting.FIT_CHUNK // 2:]  # across a chunk border
    np.testing.assert_allclose(fitted[-tail.size:], run.forecaster.paths(y, tail, 1)[:, 0], rtol=0, atol=1e-12)
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB for the fitted line"


def test_short_series_line_starts_after_the_first_window(long_run):
    run, y = long_run
    run = dataclasses.replace(run, fit_line=None)
    pos, fitted = forecasting.in_sample_fit(run, y[:300])
    assert forecasting.in_sample_fit(run, y[:300])[1] is fitted, "kept on the run: a rerun does not redo it"
    assert pos[0] == run.config.window and pos[-1] == 299 and fitted.shape == pos.shape


def test_typed_settings_and_build_config():
    raw = {"cell": "gru", "bidirectional": 1, "hidden_size": 8.0, "num_layers": 1.0, "window": 12.0,
           "epochs": 3.0, "learning_rate": "0.01", "ensemble": 1.0, "seed": 4.0}
    typed = forecasting.typed_settings(raw)
    assert typed["bidirectional"] is True and typed["hidden_size"] == 8 and typed["learning_rate"] == 0.01
    cfg = forecasting.build_config(120, 12, 6, raw)
    assert cfg.test_fraction == 0.0 and cfg.horizon == 6 and cfg.cell == "gru"
    assert forecasting.settings_of(cfg) == {**typed, "window": 12}
    with pytest.raises(CoreError) as err:
        forecasting.build_config(20, 12, 6, {**raw, "window": 19.0})
    assert err.value.key == "errors.engine.too_short"
    assert dataclasses.replace(cfg) == cfg
