"""What the forecaster removes from a series before the network sees it: a log, and a seasonal pattern.

A series that grows by a percentage (sales, passengers, electricity) has seasonal swings that grow with its
level; on the log scale they keep one size, and a trend becomes a straight line. So, when every value is
positive, the forecaster works on ``z = log(y)``; otherwise on ``z = y``.

The seasonal pattern is removed only when the data show one, by the test the M4 competition's benchmarks
used: with r_k the sample autocorrelation of z at lag k and n points, the series counts as seasonal at
period m when (90 % one-sided, Bartlett's standard error)::

    |r_m| > 1.645 · sqrt((1 + 2 Σ_{k=1}^{m−1} r_k²) / n)

and it has at least three full seasons. The pattern is then the classical decomposition's seasonal indices:
a centred moving average of length m (2×m for an even m) is the trend; the mean of ``z − trend`` at each
position of the season gives one index per position, shifted to sum to zero, so removing them changes no
level. On the log scale they are multiplicative factors of y. The network learns ``z − s[t mod m]`` and the
forecast is put back together as ``exp(ẑ + s[t mod m])``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["SeasonalTransform", "acf", "is_seasonal", "seasonal_indices"]

MODES = ("auto", "none")


def acf(x, max_lag: int) -> np.ndarray:
    """Sample autocorrelations r_0 .. r_max_lag (r_0 = 1; all 0 for a constant series)."""
    z = np.asarray(x, dtype=np.float64).ravel()
    z = z - z.mean()
    denom = float(np.dot(z, z))
    if denom <= 0:
        return np.r_[1.0, np.zeros(max_lag)]
    return np.array([1.0] + [float(np.dot(z[:-k], z[k:])) / denom for k in range(1, max_lag + 1)])


def is_seasonal(x, m: int) -> bool:
    """M4's seasonality test at period m (see the module docstring); False for m < 2 or under 3 seasons."""
    z = np.asarray(x, dtype=np.float64).ravel()
    m = int(m)
    if m < 2 or z.size < 3 * m:
        return False
    r = acf(z, m)
    limit = 1.645 * math.sqrt((1.0 + 2.0 * float(np.sum(r[1:m] ** 2))) / z.size)
    return abs(r[m]) > limit


def seasonal_indices(x, m: int) -> np.ndarray:
    """Classical additive seasonal indices (m,), summing to zero; index p belongs to times t with t mod m = p."""
    z = np.asarray(x, dtype=np.float64).ravel()
    m = int(m)
    if m < 2 or z.size < 2 * m + 1:
        return np.zeros(max(m, 1))
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(z, weights, mode="valid")  # centred: trend[i] belongs to time i + off
    off = (weights.size - 1) // 2
    detrended = z[off : off + trend.size] - trend
    phase = np.arange(off, off + trend.size) % m
    s = np.array([detrended[phase == p].mean() for p in range(m)])
    return s - s.mean()


@dataclass
class SeasonalTransform:
    """``forward``: y -> z = log(y) (when used) minus the seasonal indices; ``inverse`` undoes it at any time t.

    Fitted once on the values the model learns from; ``log``, ``indices`` and ``season_length`` are all it
    keeps (a model file stores them).
    """

    mode: str = "auto"  # "auto": log when positive, indices when the test passes; "none": identity
    log: bool = False
    season_length: int = 1
    indices: tuple[float, ...] = ()  # empty when no seasonal pattern is removed

    def fit(self, values, season_length: int = 1, every_value=None) -> SeasonalTransform:
        """Fit the indices on ``values``; the log applies when ``every_value`` (default: ``values``) is positive.

        The forecaster fits the indices on its training part only, but decides the log on the whole series
        it was given: the log scale must hold every value it will forecast from.
        """
        if self.mode not in MODES:
            raise ValueError(f"unknown transform mode {self.mode!r}")
        y = np.asarray(values, dtype=np.float64).ravel()
        everything = y if every_value is None else np.asarray(every_value, dtype=np.float64).ravel()
        self.season_length = max(1, int(season_length))
        self.log = self.mode == "auto" and y.size > 0 and bool(np.all(everything > 0))
        z = np.log(y) if self.log else y
        m = self.season_length
        seasonal = self.mode == "auto" and is_seasonal(z, m)
        self.indices = tuple(float(v) for v in seasonal_indices(z, m)) if seasonal else ()
        return self

    @property
    def deseasonalized(self) -> bool:
        return bool(self.indices)

    def _season(self, t: np.ndarray) -> np.ndarray:
        if not self.indices:
            return np.zeros(np.shape(t))
        return np.asarray(self.indices)[np.asarray(t) % self.season_length]

    def forward(self, values, start: int = 0) -> np.ndarray:
        """z for values observed at times start, start + 1, ... (NaN where a log meets a value ≤ 0)."""
        y = np.asarray(values, dtype=np.float64)
        t = start + np.arange(y.shape[-1])
        return self.to_base(y) - self._season(t)

    def inverse(self, z, times) -> np.ndarray:
        """y for values ``z`` on the transformed scale at the (broadcastable) integer ``times``."""
        return self.from_base(np.asarray(z, dtype=np.float64) + self._season(np.asarray(times, dtype=np.int64)))

    def to_base(self, y) -> np.ndarray:
        """The scale before the season comes off: log y (NaN for y ≤ 0) when ``log``, else y (a copy)."""
        y = np.asarray(y, dtype=np.float64)
        if not self.log:
            return y.copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(np.where(y > 0, y, np.nan))

    def from_base(self, u) -> np.ndarray:
        """Back from ``to_base``'s scale (exp capped below overflow when ``log``)."""
        u = np.asarray(u, dtype=np.float64)
        if not self.log:
            return u
        with np.errstate(over="ignore"):
            return np.exp(np.minimum(u, 700.0))

    def to_dict(self) -> dict:
        return {"mode": self.mode, "log": self.log, "season_length": self.season_length,
                "indices": list(self.indices)}

    @classmethod
    def from_dict(cls, d: dict) -> SeasonalTransform:
        tr = cls(mode=str(d["mode"]), log=bool(d["log"]), season_length=int(d["season_length"]),
                 indices=tuple(float(v) for v in d.get("indices", [])))
        if tr.mode not in MODES or tr.season_length < 1 or not all(math.isfinite(v) for v in tr.indices):
            raise ValueError("bad transform")
        if tr.indices and len(tr.indices) != tr.season_length:
            raise ValueError("bad transform")
        return tr
