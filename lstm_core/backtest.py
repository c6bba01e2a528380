"""Rolling-origin backtest: refit the scaler and the model at each origin, compare with the baselines.

With horizon H and k origins, the origins are o_j = N − j·H for j = k..1, so the last k blocks of H points
are each forecast once, from a model that saw only x[0 : o_j] (its own train/validation split, scaler and
early stopping inside that history). Every method is scored on the same blocks; MASE uses the seasonal
naive error of x[0 : o_j] as its scale, so the numbers are comparable across origins.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics
from .baselines import Forecast, default_baselines
from .errors import CoreError
from .forecast import ForecastConfig, Forecaster, as_series, check_levels, min_points
from .train import EpochInfo

__all__ = ["backtest", "BacktestResult", "backtest_origins"]


@dataclass
class BacktestResult:
    """Per-origin and mean metrics for "model" and every baseline, plus what to draw."""

    origins: list[int]
    horizon: int
    season_length: int
    actuals: list[np.ndarray] = field(default_factory=list)  # (H,) per origin
    forecasts: list[dict[str, Forecast]] = field(default_factory=list)  # method -> Forecast, per origin
    per_origin: list[dict[str, dict[str, float]]] = field(default_factory=list)  # method -> metric -> value
    mean: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> metric -> mean over origins
    fit_seconds: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    def methods(self) -> list[str]:
        return list(self.mean)

    def ratio_to(self, baseline: str = "seasonal_naive", metric: str = "mase") -> float:
        """model / baseline on the mean metric (below 1: the model is better)."""
        return self.mean["model"][metric] / self.mean[baseline][metric]


def backtest_origins(n: int, horizon: int, n_origins: int) -> list[int]:
    """o_j = n − j·H for j = k..1 (the last k non-overlapping blocks of H points)."""
    return [n - j * horizon for j in range(n_origins, 0, -1)]


def backtest(
    values,
    config: ForecastConfig | None = None,
    n_origins: int = 3,
    levels=(80, 95),
    callback: Callable[[EpochInfo], Any] | None = None,
    season_length: int | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation of the forecaster configured by ``config`` against the baselines.

    ``config`` defaults to ``ForecastConfig.auto`` for the series; at each origin the test part is switched
    off (the block after the origin is the test). ``callback`` receives each member's ``EpochInfo`` with
    ``origin`` / ``origins`` set; returning False stops the whole backtest (the origins done so far are kept).
    """
    x = as_series(values)
    lv = check_levels(levels)
    m = int(season_length or (config.season_length if config else 1))
    cfg = config or ForecastConfig.auto(x.size, m)
    H = cfg.horizon
    k = int(n_origins)
    if k < 1:
        raise CoreError("errors.engine.bad_config", field="n_origins", value=str(n_origins))
    cfg_o = dataclasses.replace(cfg, test_fraction=0.0).validate()
    origins = backtest_origins(x.size, H, k)
    if origins[0] < min_points(cfg_o):
        raise CoreError("errors.engine.too_short", n=int(x.size), needed=int(min_points(cfg_o) + k * H))
    result = BacktestResult(origins=origins, horizon=H, season_length=m)
    stopped = False
    for j, o in enumerate(origins):

        def relay(info: EpochInfo, j=j) -> Any:
            nonlocal stopped
            if callback is None:
                return None
            answer = callback(dataclasses.replace(info, origin=j, origins=k))
            if answer is False:
                stopped = True
            return answer

        history, actual = x[:o], x[o : o + H]
        t0 = time.perf_counter()
        fc = Forecaster(cfg_o)
        hist = fc.fit(history, callback=relay)
        forecasts = {"model": fc.predict(H, lv)}
        result.fit_seconds.append(time.perf_counter() - t0)
        result.statuses.append(hist.status)
        for name, base in default_baselines(m).items():
            if history.size >= base.min_history():
                forecasts[name] = base.fit(history).predict(H, lv)
        scores = {
            name: metrics.summary(actual, f.mean, history, m, {a: (f.lower[a], f.upper[a]) for a in lv})
            for name, f in forecasts.items()
        }
        result.actuals.append(actual)
        result.forecasts.append(forecasts)
        result.per_origin.append(scores)
        if stopped:
            break
    names = result.per_origin[0].keys()
    for name in names:
        keys = result.per_origin[0][name].keys()
        result.mean[name] = {
            key: float(np.nanmean([s[name][key] for s in result.per_origin if name in s])) for key in keys
        }
    return result
