"""Chronological splits and sliding windows.

A series x[0..N) is cut, in time order, into train [0, train_end), validation [train_end, val_end) and
test [val_end, N). A supervised example made at origin o is the input window x[o − W : o] (W = window)
and the target x[o : o + H] (H = horizon). An example belongs to a part when its *target* lies entirely
inside that part; its input may reach back into earlier parts, which is information a real forecaster
would have at time o, so nothing leaks from the future.
"""

from __future__ import annotations

import numpy as np

__all__ = ["chronological_split", "make_windows", "origins_in", "Windows", "all_windows"]


def chronological_split(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    """Indices (train_end, val_end) of a train / validation / test split of ``n`` points in time order.

    n_test = round(n · test_fraction), n_val = round(n · val_fraction); a non-zero fraction gets at least
    one point, and train always keeps at least one point.
    """
    n = int(n)
    if n < 1:
        raise ValueError("n must be at least 1")
    vf, tf = float(val_fraction), float(test_fraction)
    if not (0 <= vf < 1 and 0 <= tf < 1 and vf + tf < 1):
        raise ValueError(f"fractions must be in [0, 1) with a sum below 1, got {vf}, {tf}")
    n_test = int(round(n * tf)) if tf > 0 else 0
    n_val = int(round(n * vf)) if vf > 0 else 0
    if tf > 0:
        n_test = max(1, n_test)
    if vf > 0:
        n_val = max(1, n_val)
    excess = n_test + n_val - (n - 1)
    if excess > 0:  # tiny n: shrink validation first, then test, so train keeps one point
        cut = min(excess, max(0, n_val - (1 if vf > 0 else 0)))
        n_val -= cut
        n_test -= excess - cut
    val_end = n - n_test
    train_end = val_end - n_val
    return train_end, val_end


def origins_in(start: int, end: int, window: int, horizon: int) -> np.ndarray:
    """Every origin o whose input x[o − W : o] exists (o ≥ W) and whose target x[o : o + H] lies in [start, end)."""
    lo = max(int(start), int(window))
    hi = int(end) - int(horizon)
    return np.arange(lo, hi + 1) if hi >= lo else np.zeros(0, dtype=np.int64)


class Windows:
    """Inputs X (N, W), targets Y (N, H) and their origins (N,), all views-free copies in float64."""

    __slots__ = ("X", "Y", "origins")

    def __init__(self, X: np.ndarray, Y: np.ndarray, origins: np.ndarray) -> None:
        self.X, self.Y, self.origins = X, Y, origins

    def __len__(self) -> int:
        return int(self.origins.shape[0])


def make_windows(values, window: int, horizon: int, start: int = 0, end: int | None = None) -> Windows:
    """Every (input, target) pair whose target lies in [start, end) — one vectorised gather, no Python loop."""
    x = np.asarray(values, dtype=np.float64).ravel()
    end = x.size if end is None else int(end)
    W, H = int(window), int(horizon)
    if W < 1 or H < 1:
        raise ValueError("window and horizon must be at least 1")
    origins = origins_in(start, end, W, H)
    if origins.size == 0:
        return Windows(np.zeros((0, W)), np.zeros((0, H)), origins)
    X = x[origins[:, None] + np.arange(-W, 0)[None, :]]  # (N, W)
    Y = x[origins[:, None] + np.arange(H)[None, :]]  # (N, H)
    return Windows(X, Y, origins)


def all_windows(values, window: int, horizon: int, half_life: float = 0.0) -> tuple[Windows, np.ndarray]:
    """A window at every origin o = W .. N − 1, the last ones included, and a weight per target step.

    Targets past the end of the series are 0 with weight 0 (they are left out of the loss); the others weigh
    2^(−(N − 1 − o) / half_life), so the window ending now counts 1, one ``half_life`` back ½ (all 1 when
    ``half_life`` is 0). Returns (windows, weights (N_o, H)).
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n, W, H = x.size, int(window), int(horizon)
    origins = np.arange(W, n)
    idx = origins[:, None] + np.arange(H)[None, :]
    known = idx < n
    X = x[origins[:, None] + np.arange(-W, 0)[None, :]]
    Y = np.where(known, x[np.minimum(idx, n - 1)], 0.0)
    age = (n - 1 - origins).astype(np.float64)
    recency = 0.5 ** (age / half_life) if half_life > 0 else np.ones(origins.size)
    return Windows(X, Y, origins), known * recency[:, None]
