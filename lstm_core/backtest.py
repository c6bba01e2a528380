"""Rolling-origin backtest: refit the scaler and the model at each origin, compare with the baselines.

With horizon H and k origins, the origins are o_j = N − j·H for j = k..1, so the last k blocks of H points
are each forecast once, from a model that saw only x[0 : o_j] (its own train/validation split, scaler and
early stopping inside that history). Every method is scored on the same blocks; MASE uses the seasonal
naive error of x[0 : o_j] as its scale, so the numbers are comparable across origins.

``backtest`` = ``backtest_plan`` (checks, origins) + one ``backtest_origin`` per origin + ``collect`` (means);
the pieces are public so an app can run, show and keep origins one at a time with the same numbers.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics
from .baselines import Forecast, check_levels, default_baselines
from .errors import CoreError
from .forecast import ForecastConfig, Forecaster, as_series, min_points
from .train import EpochInfo

__all__ = [
    "SEED_MASE",
    "seed_spread",
    "backtest",
    "BacktestResult",
    "OriginResult",
    "backtest_origins",
    "backtest_origin",
    "backtest_plan",
    "origin_config",
    "collect",
]


SEED_MASE = "mase_seed_"  # "model" metrics mase_seed_0, mase_seed_1, ...: each final member scored alone


def seed_spread(mean: dict[str, float]) -> tuple[float, float] | None:
    """(lowest, highest) mean MASE over the final members' seeds in a method's mean metrics; None without."""
    values = [v for key, v in mean.items() if key.startswith(SEED_MASE) and np.isfinite(v)]
    return (min(values), max(values)) if len(values) > 1 else None


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


@dataclass
class OriginResult:
    """What one origin of the backtest produced: the block's actuals, every method's forecast and scores."""

    origin: int
    actual: np.ndarray  # (H,)
    forecasts: dict[str, Forecast]  # method -> Forecast
    scores: dict[str, dict[str, float]]  # method -> metric -> value
    fit_seconds: float
    status: str
    cancelled: bool = False  # the callback asked to stop during this origin's fit


def origin_config(config: ForecastConfig, members: int | None = None) -> ForecastConfig:
    """The config refitted at every origin: no test part (the block after the origin is the test) and, when
    ``members`` is given, that many ensemble networks instead of ``config.ensemble`` (with the recipe's
    ``refit``: one held-out network, the costly part, and ``members`` final ones, each scored alone too)."""
    cfg = dataclasses.replace(config, test_fraction=0.0)
    if members is not None:
        cfg = dataclasses.replace(cfg, ensemble=int(members), calibration_members=1)
    return cfg.validate()


def backtest_origin(
    x: np.ndarray,
    cfg_o: ForecastConfig,
    origin: int,
    levels: tuple[int, ...],
    season_length: int,
    callback: Callable[[EpochInfo], Any] | None = None,
) -> OriginResult:
    """Fit ``cfg_o`` on x[0 : o] only, forecast x[o : o + H], and score it with every baseline on that block.

    One origin on its own, so a caller can keep finished origins (e.g. the app resumes a backtest that a
    rerun interrupted). The result depends only on (x[0 : o + H], cfg_o, o, levels, m): fits are seeded.
    """
    H, m = cfg_o.horizon, int(season_length)
    history, actual = x[:origin], x[origin : origin + H]
    cancelled = False

    def relay(info: EpochInfo) -> Any:
        nonlocal cancelled
        if callback is None:
            return None
        answer = callback(info)
        if answer is False:
            cancelled = True
        return answer

    t0 = time.perf_counter()
    fc = Forecaster(cfg_o)
    hist = fc.fit(history, callback=relay)
    forecasts = {"model": fc.predict(H, levels)}
    seconds = time.perf_counter() - t0
    for name, base in default_baselines(m).items():
        if history.size >= base.min_history():
            forecasts[name] = base.fit(history).predict(H, levels)
    scores = {
        name: metrics.summary(actual, f.mean, history, m, {a: (f.lower[a], f.upper[a]) for a in levels})
        for name, f in forecasts.items()
    }
    members = fc.member_forecasts(H) if fc.final is not None and len(fc.final.models) > 1 else []
    for k, path in enumerate(members):  # each seed alone: the verdict shows their spread, not one seed's luck
        scores["model"][f"{SEED_MASE}{k}"] = metrics.mase(actual, path, history, m)
    return OriginResult(origin, actual, forecasts, scores, seconds, hist.status, cancelled)


def collect(origins: list[int], horizon: int, season_length: int, done: list[OriginResult]) -> BacktestResult:
    """Assemble finished origins into a ``BacktestResult``; ``mean`` averages each metric over the origins
    where the method could run (NaN-aware)."""
    result = BacktestResult(origins=list(origins), horizon=horizon, season_length=season_length)
    for r in done:
        result.actuals.append(r.actual)
        result.forecasts.append(r.forecasts)
        result.per_origin.append(r.scores)
        result.fit_seconds.append(r.fit_seconds)
        result.statuses.append(r.status)
    for name in result.per_origin[0]:
        keys = result.per_origin[0][name].keys()
        result.mean[name] = {
            key: float(np.nanmean([s[name][key] for s in result.per_origin if name in s])) for key in keys
        }
    return result


def backtest_plan(
    values,
    config: ForecastConfig | None = None,
    n_origins: int = 3,
    levels=(80, 95),
    season_length: int | None = None,
    members: int | None = None,
) -> tuple[np.ndarray, ForecastConfig, list[int], tuple[int, ...], int]:
    """Check the inputs of a backtest and return (x, config per origin, origins, levels, m) without fitting.

    Raises ``CoreError`` (``bad_config`` for k < 1, ``too_short`` when the first origin leaves too little
    history), so a caller running origins one by one gets the same errors as ``backtest``.
    """
    x = as_series(values)
    lv = check_levels(levels)
    m = int(season_length or (config.season_length if config else 1))
    cfg = config or ForecastConfig.auto(x.size, m)
    k = int(n_origins)
    if k < 1:
        raise CoreError("errors.engine.bad_config", field="n_origins", value=str(n_origins))
    cfg_o = origin_config(cfg, members)
    origins = backtest_origins(x.size, cfg_o.horizon, k)
    needed = min_points(cfg_o)
    if origins[0] < needed:
        raise CoreError("errors.engine.too_short", n=int(x.size), needed=int(needed + k * cfg_o.horizon))
    return x, cfg_o, origins, lv, m


def backtest(
    values,
    config: ForecastConfig | None = None,
    n_origins: int = 3,
    levels=(80, 95),
    callback: Callable[[EpochInfo], Any] | None = None,
    season_length: int | None = None,
    members: int | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation of the forecaster configured by ``config`` against the baselines.

    ``config`` defaults to ``ForecastConfig.auto`` for the series; at each origin the test part is switched
    off (the block after the origin is the test). ``members`` overrides the ensemble size refitted at each
    origin (None: ``config.ensemble``): one network per origin costs 1/ensemble of the time and scores a
    single network, which is usually no better than the averaged ensemble (a conservative check).
    ``callback`` receives each member's ``EpochInfo`` with ``origin`` / ``origins`` set; returning False
    stops the whole backtest (the origins done so far are kept).
    """
    x, cfg_o, origins, lv, m = backtest_plan(values, config, n_origins, levels, season_length, members)
    H, k = cfg_o.horizon, len(origins)
    done: list[OriginResult] = []
    for j, o in enumerate(origins):

        def relay(info: EpochInfo, j: int = j) -> Any:
            return callback(dataclasses.replace(info, origin=j, origins=k))

        done.append(backtest_origin(x, cfg_o, o, lv, m, relay if callback else None))
        if done[-1].cancelled:
            break
    return collect(origins, H, m, done)
