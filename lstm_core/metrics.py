"""Forecast accuracy metrics: point errors, scaled errors and interval coverage.

All functions take 1-D or N-D arrays of the same shape, ``y`` (actual) and ``yhat`` (forecast), ignore
non-finite pairs, and return a Python float (``nan`` when nothing is left to average).

Notation: e = y − yhat, n = number of finite pairs.

- MAE   = mean |e|
- RMSE  = sqrt(mean e²)
- MAPE  = 100 · mean |e| / |y|, over the points where |y| > eps only (safe at zero)
- sMAPE = 100 · mean 2|e| / (|y| + |yhat|), a pair with |y| + |yhat| = 0 counts as 0 error
- MASE  = MAE / mean |insample[t] − insample[t − m]|  (Hyndman & Koehler, 2006: the in-sample error of
  the seasonal naive forecast with period m; m falls back to 1 when the history is too short)
- coverage = 100 · fraction of y inside [lower, upper]
"""

from __future__ import annotations

import numpy as np

__all__ = ["mae", "rmse", "mape", "smape", "mase", "mase_scale", "coverage", "summary"]


def _pairs(y, yhat) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64).ravel()
    yhat = np.asarray(yhat, dtype=np.float64).ravel()
    if y.shape != yhat.shape:
        raise ValueError(f"y and yhat differ in size: {y.shape} vs {yhat.shape}")
    ok = np.isfinite(y) & np.isfinite(yhat)
    return y[ok], yhat[ok]


def mae(y, yhat) -> float:
    """Mean absolute error."""
    y, yhat = _pairs(y, yhat)
    return float(np.mean(np.abs(y - yhat))) if y.size else float("nan")


def rmse(y, yhat) -> float:
    """Root mean squared error."""
    y, yhat = _pairs(y, yhat)
    return float(np.sqrt(np.mean((y - yhat) ** 2))) if y.size else float("nan")


def mape(y, yhat, eps: float = 1e-8) -> float:
    """Mean absolute percentage error (%), skipping actual values at (or within ``eps`` of) zero."""
    y, yhat = _pairs(y, yhat)
    keep = np.abs(y) > eps
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(y[keep] - yhat[keep]) / np.abs(y[keep])))


def smape(y, yhat) -> float:
    """Symmetric MAPE (%), in 0..200; a pair where both values are 0 is a perfect forecast."""
    y, yhat = _pairs(y, yhat)
    if not y.size:
        return float("nan")
    den = np.abs(y) + np.abs(yhat)
    num = 2.0 * np.abs(y - yhat)
    ratio = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return float(100.0 * np.mean(ratio))


def mase_scale(insample, m: int = 1) -> float:
    """In-sample MAE of the seasonal naive forecast with period m (the MASE denominator).

    Falls back to m = 1 when the history has no more than m points, and returns ``nan`` when the scale is 0
    (a constant history) so a division never produces a silent infinity.
    """
    x = np.asarray(insample, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    m = int(max(1, m))
    if x.size <= m:
        m = 1
    if x.size <= m:
        return float("nan")
    scale = float(np.mean(np.abs(x[m:] - x[:-m])))
    return scale if scale > 0 else float("nan")


def mase(y, yhat, insample, m: int = 1) -> float:
    """Mean absolute scaled error: MAE / ``mase_scale(insample, m)``. Below 1 beats the in-sample seasonal naive."""
    return mae(y, yhat) / mase_scale(insample, m)


def coverage(y, lower, upper) -> float:
    """Percentage of actual values inside their interval [lower, upper]."""
    y = np.asarray(y, dtype=np.float64).ravel()
    lo = np.asarray(lower, dtype=np.float64).ravel()
    hi = np.asarray(upper, dtype=np.float64).ravel()
    ok = np.isfinite(y) & np.isfinite(lo) & np.isfinite(hi)
    if not ok.any():
        return float("nan")
    inside = (y[ok] >= lo[ok]) & (y[ok] <= hi[ok])
    return float(100.0 * np.mean(inside))


def summary(y, yhat, insample, m: int = 1, intervals: dict | None = None) -> dict[str, float]:
    """Every point metric in one dict, plus ``coverage_<level>`` for each ``{level: (lower, upper)}``."""
    out = {
        "mae": mae(y, yhat),
        "rmse": rmse(y, yhat),
        "mape": mape(y, yhat),
        "smape": smape(y, yhat),
        "mase": mase(y, yhat, insample, m),
    }
    for level, (lo, hi) in (intervals or {}).items():
        out[f"coverage_{int(level)}"] = coverage(y, lo, hi)
    return out
