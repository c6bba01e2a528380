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
    "conformal_bounds",
    "Baseline",
    "Naive",
    "SeasonalNaive",
    "Drift",
    "MovingAverage",
    "Theta",
    "DampedES",
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


def conformal_bounds(residuals: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Signed bounds (lo (H,), hi (H,)) per step ahead: ŷ + lo ≤ y ≤ ŷ + hi for ``level`` % of the errors.

    residuals: (n, H) signed errors y − ŷ, NaN where a step has none. For each h, lo is the
    ⌊(n_h + 1)(1 − a)/2⌋-th smallest error and hi the ⌈(n_h + 1)(1 + a)/2⌉-th (a = level / 100; the extreme
    errors when n_h is too small), so a model that errs more upwards gets more room above. Each bound keeps
    the forecast inside (lo ≤ 0 ≤ hi); steps with no error reuse the last that has one, widened by
    sqrt(h / h_last); and the band only widens with h (lo non-increasing, hi non-decreasing).
    """
    r = np.asarray(residuals, dtype=np.float64)
    if r.ndim == 1:
        r = r[:, None]
    H = r.shape[1]
    a = float(level) / 100.0
    lo, hi = np.full(H, np.nan), np.full(H, np.nan)
    for h in range(H):
        col = np.sort(r[:, h][np.isfinite(r[:, h])])
        n = col.size
        if n == 0:
            continue
        k_lo = max(1, math.floor((n + 1) * (1 - a) / 2))
        k_hi = min(n, math.ceil((n + 1) * (1 + a) / 2))
        lo[h], hi[h] = min(col[k_lo - 1], 0.0), max(col[k_hi - 1], 0.0)
    known = np.flatnonzero(np.isfinite(lo))
    if known.size == 0:
        return np.zeros(H), np.zeros(H)
    for h in range(H):
        if not np.isfinite(lo[h]):
            last = known[known < h].max() if (known < h).any() else known[0]
            grow = math.sqrt((h + 1) / (last + 1)) if last < h else 1.0
            lo[h], hi[h] = lo[last] * grow, hi[last] * grow
    return np.minimum.accumulate(lo), np.maximum.accumulate(hi)


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


class _Smoothing(Baseline):
    """What ``Theta`` and ``DampedES`` share: a season length, a short history, few calibration origins (each
    a smoothing pass over the series), and z, the series with the log and seasonal indices of ``deseason``
    taken out when they apply, fitted once per call on the values before the first origin (so no origin sees
    the future)."""

    MAX_ORIGINS = 60  # calibration origins for the intervals

    def __init__(self, season_length: int = 1) -> None:
        super().__init__()
        self.m = max(1, int(season_length))

    def min_history(self) -> int:
        return 4  # shorter than three seasons, the season is left in (``deseason.is_seasonal``)

    def residuals(self, horizon: int, max_origins: int = MAX_ORIGINS) -> np.ndarray:
        return super().residuals(horizon, max_origins)

    def _deseasonalized(self, values, origins):
        """(transform, z (last,), origins, last): z covers every value before the last origin."""
        from .deseason import SeasonalTransform

        v = np.asarray(values, dtype=np.float64)
        o = np.asarray(origins, dtype=np.int64)
        last = int(o.max())
        tr = SeasonalTransform().fit(v[: int(o.min())], self.m, every_value=v[:last])
        return tr, tr.forward(v[:last]), o, last


class Theta(_Smoothing):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003) showed it
    to be: simple exponential smoothing with a drift of half the slope b of a straight line through the
    history. On z (the series with the log and seasonal indices of ``deseason`` taken out when they apply),
    from origin o with smoothing weight α and level ℓ_o::

        ẑ_o(h) = ℓ_o + (b / 2) · (h − 1 + 1/α − (1 − α)^o / α),     ℓ_t = ℓ_{t−1} + α (z_t − ℓ_{t−1})

    α is the one of a grid of 20 in [0.05, 1] with the smallest one-step squared error up to o. Hard to
    beat on yearly and quarterly data (it won the M3 competition); the dev set's AutoTheta reference is
    1.209, this one scores 1.215 there.
    """

    name = "theta"
    ALPHAS = np.linspace(0.05, 1.0, 20)

    def paths(self, values, origins, horizon):
        tr, z, o, last = self._deseasonalized(values, origins)
        a = self.ALPHAS
        level = np.empty((last, a.size))
        sse = np.empty((last, a.size))
        ell, err2 = np.full(a.size, z[0]), np.zeros(a.size)
        level[0], sse[0] = ell, err2
        for t in range(1, last):  # every α at once; level[t] has seen z[0..t]
            e = z[t] - ell
            err2 = err2 + e * e
            ell = ell + a * e
            level[t], sse[t] = ell, err2
        t = np.arange(last, dtype=np.float64)
        ct, cz, ctz, ctt = (np.concatenate([[0.0], np.cumsum(q)]) for q in (t, z, t * z, t * t))
        k = o.astype(np.float64)
        slope = (k * ctz[o] - ct[o] * cz[o]) / np.maximum(k * ctt[o] - ct[o] ** 2, 1e-12)  # least squares on z[:o]
        best = np.argmin(sse[o - 1], axis=1)
        alpha, start = a[best], level[o - 1, best]
        h = np.arange(1, horizon + 1)[None, :]
        zhat = start[:, None] + 0.5 * slope[:, None] * (h - 1 + 1 / alpha[:, None]
                                                         - (1 - alpha[:, None]) ** k[:, None] / alpha[:, None])
        return tr.inverse(zhat, o[:, None] + h - 1)


class DampedES(_Smoothing):
    """Exponential smoothing with a damped additive trend (Gardner & McKenzie 1985), the season taken out
    first as for ``Theta`` (on the log scale, where Holt–Winters' multiplicative season is additive). On z::

        ẑ_t = ℓ_{t−1} + φ b_{t−1},   e_t = z_t − ẑ_t,   ℓ_t = ẑ_t + α e_t,   b_t = φ b_{t−1} + α β e_t
        ẑ_o(h) = ℓ_o + (φ + φ² + … + φ^h) b_o

    The trend fades instead of running on for ever, which is what makes it hard to beat on yearly and
    quarterly series. (α, β, φ) is the combination of a grid (9 × 4 × 4) with the smallest one-step squared
    error up to each origin; ℓ_0 = z_0, b_0 = z_1 − z_0. Dev set geomean 1.134 (statsforecast's AutoETS,
    which also chooses among error, trend and season forms by AICc: 1.080).
    """

    name = "damped_es"
    ALPHA = np.array([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.95])
    BETA = np.array([0.01, 0.05, 0.1, 0.3])  # as a share of α, so the trend never adapts faster than the level
    PHI = np.array([0.8, 0.9, 0.95, 0.98])

    def paths(self, values, origins, horizon):
        tr, z, o, last = self._deseasonalized(values, origins)
        a, bb, phi = (g.ravel() for g in np.meshgrid(self.ALPHA, self.BETA, self.PHI, indexing="ij"))
        beta = a * bb
        level = np.empty((last, a.size))
        trend = np.empty((last, a.size))
        sse = np.empty((last, a.size))
        ell, b, err2 = np.full(a.size, z[0]), np.full(a.size, z[1] - z[0] if last > 1 else 0.0), np.zeros(a.size)
        level[0], trend[0], sse[0] = ell, b, err2
        for t in range(1, last):  # every combination at once; level[t], trend[t] have seen z[0..t]
            zhat = ell + phi * b
            e = z[t] - zhat
            err2 = err2 + e * e
            ell = zhat + a * e
            b = phi * b + beta * e
            level[t], trend[t], sse[t] = ell, b, err2
        best = np.argmin(sse[o - 1], axis=1)
        p = phi[best][:, None]
        h = np.arange(1, horizon + 1)[None, :]
        damp = np.where(np.isclose(p, 1.0), h, p * (1 - p**h) / np.where(np.isclose(p, 1.0), 1.0, 1 - p))
        zhat = level[o - 1, best][:, None] + damp * trend[o - 1, best][:, None]
        return tr.inverse(zhat, o[:, None] + h - 1)


def default_baselines(season_length: int) -> dict[str, Baseline]:
    """The baselines the app and the command line compare against, keyed by name."""
    m = max(1, int(season_length))
    return {
        "naive": Naive(),
        "seasonal_naive": SeasonalNaive(m),
        "drift": Drift(),
        "moving_average": MovingAverage(max(m, 3)),
        "theta": Theta(m),
        "damped_es": DampedES(m),
    }
