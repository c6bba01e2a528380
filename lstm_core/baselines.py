"""Simple forecasting baselines and the ``Forecast`` value every forecaster returns.

A neural forecast is only worth trusting when it beats these. Each baseline has the same interface as the
``Forecaster``: ``fit(values)`` then ``predict(horizon, levels)``, plus ``paths(values, origins, horizon)``
which forecasts from many origins at once (vectorised), used both for intervals and for backtests.

Intervals are split-conformal on the baseline's own in-sample errors: for step ahead h, the residuals
r_h = x[o + h] − x̂_o(h) over every origin o in the history give the half-width
q_h = the ⌈(n + 1)·a⌉-th smallest |r_h| (a = level / 100), and the band is x̂(h) ± q_h.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .errors import CoreError

__all__ = [
    "Forecast",
    "check_levels",
    "conformal_halfwidths",
    "Baseline",
    "Naive",
    "SeasonalNaive",
    "Drift",
    "MovingAverage",
    "default_baselines",
]


@dataclass
class Forecast:
    """A forecast: ``mean`` (H,) and, for each level in percent, ``lower[level]`` / ``upper[level]`` (H,)."""

    mean: np.ndarray
    lower: dict[int, np.ndarray] = field(default_factory=dict)
    upper: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted(self.lower))

    def __len__(self) -> int:
        return int(self.mean.shape[0])

    def as_dict(self) -> dict[str, list[float]]:
        """Columns ``forecast, lower_80, upper_80, ...`` as plain lists (for CSV / JSON)."""
        out = {"forecast": self.mean.tolist()}
        for level in self.levels:
            out[f"lower_{level}"] = self.lower[level].tolist()
            out[f"upper_{level}"] = self.upper[level].tolist()
        return out


def check_levels(levels) -> tuple[int, ...]:
    """Interval levels in percent as sorted, distinct ints; each must be a whole number from 1 to 99.

    CoreError ``errors.engine.bad_level`` otherwise, so the app and the command line can say it in words.
    """
    out = []
    for level in levels or ():
        try:
            value = float(level)
        except (TypeError, ValueError):
            raise CoreError("errors.engine.bad_level", value=str(level)) from None
        if not (1 <= value <= 99) or value != round(value):
            raise CoreError("errors.engine.bad_level", value=str(level))
        out.append(int(value))
    return tuple(sorted(set(out)))


def conformal_halfwidths(residuals: np.ndarray, level: float) -> np.ndarray:
    """Split-conformal half-widths per step ahead from held-out residuals.

    residuals: (n, H), NaN where a step has no residual. For each h the half-width is the
    ⌈(n_h + 1)·a⌉-th smallest |r| (the finite-sample conformal quantile, a = level / 100), capped at the largest
    residual when n_h is too small. Steps with no residual reuse the last step that has one, widened by
    sqrt(h / h_last) (random-walk growth), and the widths are made non-decreasing in h.
    Returns (H,), float64.
    """
    r = np.abs(np.asarray(residuals, dtype=np.float64))
    if r.ndim == 1:
        r = r[:, None]
    H = r.shape[1]
    a = float(level) / 100.0
    q = np.full(H, np.nan)
    for h in range(H):
        col = np.sort(r[:, h][np.isfinite(r[:, h])])
        n = col.size
        if n == 0:
            continue
        k = min(n, max(1, math.ceil((n + 1) * a)))
        q[h] = col[k - 1]
    last = -1
    for h in range(H):
        if np.isfinite(q[h]):
            last = h
        elif last >= 0:
            q[h] = q[last] * math.sqrt((h + 1) / (last + 1))
    if last < 0:
        return np.zeros(H)
    first = int(np.argmax(np.isfinite(q)))
    q[:first] = q[first]
    return np.maximum.accumulate(q)


def intervals_from_residuals(mean: np.ndarray, residuals: np.ndarray, levels) -> Forecast:
    """Wrap a mean path (H,) into a ``Forecast`` with conformal bands from residuals (n, ≥H)."""
    mean = np.asarray(mean, dtype=np.float64)
    H = mean.shape[0]
    res = np.asarray(residuals, dtype=np.float64)
    if res.ndim == 1:
        res = res[:, None]
    if res.shape[1] < H:  # too few steps calibrated: pad with NaN, conformal_halfwidths extrapolates
        res = np.concatenate([res, np.full((res.shape[0], H - res.shape[1]), np.nan)], axis=1)
    fc = Forecast(mean=mean)
    for level in check_levels(levels):
        q = conformal_halfwidths(res[:, :H], level)
        fc.lower[level] = mean - q
        fc.upper[level] = mean + q
    return fc


class Baseline:
    """Shared logic: a baseline only defines ``paths`` and ``min_history``."""

    name = "baseline"

    def __init__(self) -> None:
        self.values: np.ndarray | None = None

    def min_history(self) -> int:
        return 1

    def paths(self, values: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made at each origin o from ``values[:o]`` only."""
        raise NotImplementedError

    def fit(self, values) -> Baseline:
        v = np.asarray(values, dtype=np.float64).ravel()
        if v.size < self.min_history() or not np.all(np.isfinite(v)):
            raise ValueError(f"{self.name} needs at least {self.min_history()} finite values")
        self.values = v
        return self

    def residuals(self, horizon: int, max_origins: int = 400) -> np.ndarray:
        """In-sample h-step errors (n_origins, horizon), NaN where the target lies past the history."""
        v = self.values
        n = v.size
        start = max(self.min_history(), n - max_origins - horizon)
        origins = np.arange(start, n)  # the last origins only calibrate the first steps
        if origins.size == 0:
            return np.full((0, horizon), np.nan)
        pred = self.paths(v, origins, horizon)  # (O, H)
        idx = origins[:, None] + np.arange(horizon)[None, :]  # (O, H)
        actual = np.where(idx < n, v[np.minimum(idx, n - 1)], np.nan)
        return actual - pred

    def predict(self, horizon: int, levels=(80, 95)) -> Forecast:
        """Forecast ``horizon`` steps after the fitted history, with conformal intervals."""
        if self.values is None:
            raise RuntimeError("call fit() first")
        horizon = int(horizon)
        mean = self.paths(self.values, np.array([self.values.size]), horizon)[0]
        return intervals_from_residuals(mean, self.residuals(horizon), levels)


class Naive(Baseline):
    """x̂_o(h) = x[o − 1]: tomorrow looks like today."""

    name = "naive"

    def paths(self, values, origins, horizon):
        v = np.asarray(values, dtype=np.float64)
        return np.repeat(v[np.asarray(origins) - 1][:, None], horizon, axis=1)


class SeasonalNaive(Baseline):
    """x̂_o(h) = x[o − m + (h − 1) mod m]: the same season of the last cycle (m = season length)."""

    name = "seasonal_naive"

    def __init__(self, season_length: int = 1) -> None:
        super().__init__()
        self.m = max(1, int(season_length))

    def min_history(self) -> int:
        return self.m

    def paths(self, values, origins, horizon):
        v = np.asarray(values, dtype=np.float64)
        o = np.asarray(origins)[:, None]
        k = np.arange(horizon)[None, :] % self.m
        return v[o - self.m + k]


class Drift(Baseline):
    """x̂_o(h) = x[o − 1] + h · (x[o − 1] − x[0]) / (o − 1): the line from the first to the last point."""

    name = "drift"

    def min_history(self) -> int:
        return 2

    def paths(self, values, origins, horizon):
        v = np.asarray(values, dtype=np.float64)
        o = np.asarray(origins)
        slope = (v[o - 1] - v[0]) / np.maximum(o - 1, 1)
        return v[o - 1][:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]


class MovingAverage(Baseline):
    """x̂_o(h) = mean of the last k values (k = season length by default, so the season averages out)."""

    name = "moving_average"

    def __init__(self, window: int = 3) -> None:
        super().__init__()
        self.k = max(1, int(window))

    def min_history(self) -> int:
        return 1

    def paths(self, values, origins, horizon):
        v = np.asarray(values, dtype=np.float64)
        o = np.asarray(origins)
        c = np.concatenate([[0.0], np.cumsum(v)])
        k = np.minimum(self.k, o)
        mean = (c[o] - c[o - k]) / k
        return np.repeat(mean[:, None], horizon, axis=1)


def default_baselines(season_length: int) -> dict[str, Baseline]:
    """The four baselines the app and the command line compare against, keyed by name."""
    m = max(1, int(season_length))
    return {
        "naive": Naive(),
        "seasonal_naive": SeasonalNaive(m),
        "drift": Drift(),
        "moving_average": MovingAverage(max(m, 3)),
    }
