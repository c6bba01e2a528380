"""What drives a forecast: the attributions of a trained forecaster's outputs to the values of one input window,
and the numbers the Explore page reads off them (how far back the network looks, the point one season back).

Units: the network reads the window scaled, x' = (x − a) / s (``lstm_core.scaling``: a the window's anchor,
s the series' scale, after the log / seasonal transform when the forecaster uses one) and writes the step
ahead scaled the same way. Attributions are in those scaled units: an IG bar of 0.3 means that value moved
the step-h forecast by 0.3 s away from what a window flat at its anchor gives (the baseline x' = 0).

Lags count back from the window's last value: lag 0 is the newest value, lag W − 1 the oldest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.errors import CoreError
from lstm_core.forecast import Forecaster
from ui.attribution import float64_copy, input_gradients, integrated_gradients

METHODS: tuple[str, ...] = ("ig", "gradient")  # integrated gradients first: the steadier of the two
MASS = 0.8  # the share of |attribution| "how far back" counts to
LEAN_RATIO = 2.0  # a point "leans" when it holds at least this many times an even share (1/W) of |attribution|
MAX_ROWS = 48  # steps ahead the heatmap of every step offers at most (one batched pass per 32 path points each)


@dataclass(frozen=True)
class Drivers:
    """Attributions of a forecaster's steps ahead to one window, in scaled units (see the module docstring).

    ``steps`` (R,) are 1-based steps ahead; ``gradient`` and ``ig`` (R, W) hold one row per step, columns in time
    order (the last column is lag 0); ``output``/``baseline_output`` (R,) are the scaled forecast of each step
    from the window and from the flat baseline window.
    """

    cell: str
    origin: int  # series position just after the window's last value (the forecast's first step is here)
    window: np.ndarray  # (W,) the window's values in the series' units
    scaled: np.ndarray  # (W,) what the network read
    scale: float  # s: one scaled unit in the (transformed) series' units
    steps: np.ndarray
    gradient: np.ndarray
    ig: np.ndarray
    output: np.ndarray
    baseline_output: np.ndarray

    def row(self, method: str, step: int) -> np.ndarray:
        """The attributions of step ``step`` (1-based) by ``method`` ("ig" | "gradient"), (W,)."""
        k = int(np.flatnonzero(self.steps == step)[0])
        return (self.ig if method == "ig" else self.gradient)[k]

    def completeness(self, step: int) -> tuple[float, float]:
        """(Σ IG, output − baseline output) of step ``step``: equal up to the quadrature's round-off."""
        k = int(np.flatnonzero(self.steps == step)[0])
        return float(self.ig[k].sum()), float(self.output[k] - self.baseline_output[k])


def scaled_window(fc: Forecaster, values: np.ndarray, origin: int) -> tuple[np.ndarray, np.ndarray]:
    """``(window (W,), scaled window (W,))``: the values before ``origin`` and what member 0 reads of them,
    transformed and scaled exactly as ``Forecaster.paths`` does (the held-out run's transform and scaler)."""
    x = np.asarray(values, dtype=np.float64)
    W = fc.config.window
    if not W <= origin <= x.size:
        raise CoreError("errors.engine.bad_window", expected=W, got=int(origin))
    z = fc.transform.forward(x[:origin])  # the seasonal indices depend on the time, so from position 0
    Xs, _, _ = fc.scaler.transform(z[None, origin - W:origin])
    return x[origin - W:origin].copy(), Xs[0]


def forecast_drivers(fc: Forecaster, values: np.ndarray, origin: int, steps: Sequence[int] | None = None) -> Drivers:
    """Gradient and integrated gradients of the steps ahead ``steps`` (1-based; default: every step the head
    forecasts) of member 0 of ``fc`` for the window that ends just before ``origin``.

    Integrated gradients cost one batched pass per 32 path points and step, so the page asks for the step it
    draws and for all of them only when the heatmap of every step is shown.
    """
    window, xs = scaled_window(fc, values, origin)
    model = float64_copy(fc.models[0])
    out = model.head.out_features
    steps = np.arange(1, out + 1) if steps is None else np.asarray(sorted(set(int(k) for k in steps)), dtype=int)
    if steps.size == 0 or steps.min() < 1 or steps.max() > out:
        raise CoreError("errors.engine.bad_horizon", value=str(steps.tolist()), max=out)
    rows = steps - 1
    x = xs[:, None]  # (W, 1)
    grad = input_gradients(model, x, rows)[:, :, 0]  # (R, W)
    ig = integrated_gradients(model, x, rows)
    return Drivers(fc.config.cell, int(origin), window, xs, float(fc.scaler.scale), steps, grad,
                   ig.attributions[:, :, 0], ig.value, ig.baseline_value)


# --- reading the attributions -----------------------------------------------------------------------------
def by_lag(row: np.ndarray) -> np.ndarray:
    """|attribution| by lag, (W,): element 0 is the newest value."""
    return np.abs(np.asarray(row, dtype=np.float64))[::-1]


def reach(row: np.ndarray, mass: float = MASS) -> int:
    """How many of the newest values hold ``mass`` of the total |attribution| (1..W; W when all are 0)."""
    a = by_lag(row)
    total = a.sum()
    if total <= 0:
        return a.size
    return int(np.searchsorted(np.cumsum(a), mass * total * (1 - 1e-12)) + 1)


def peak_lag(row: np.ndarray) -> int:
    """The lag of the largest |attribution|."""
    return int(np.argmax(by_lag(row)))


def season_lag(step: int, season: int, window: int) -> int | None:
    """The lag of the value one season before the forecast point of step ``step`` (1-based), in a window of
    ``window`` values: k·m − step for the smallest k that makes it ≥ 0 (the same phase of the season, as close
    as the window allows). None without a season (m < 2) or when that value lies before the window."""
    m = int(season)
    if m < 2:
        return None
    k = max(1, -(-int(step) // m))  # ceil(step / m)
    lag = k * m - int(step)
    return lag if lag < window else None


def share(row: np.ndarray, lag: int) -> float:
    """The fraction of the total |attribution| held by the value at ``lag`` (0 when all are 0)."""
    a = by_lag(row)
    total = a.sum()
    return float(a[lag] / total) if total > 0 else 0.0


def leans_on(row: np.ndarray, lag: int, ratio: float = LEAN_RATIO) -> bool:
    """True when the value at ``lag`` holds at least ``ratio`` times an even share (1/W) of |attribution|."""
    return share(row, lag) * np.asarray(row).size >= ratio
