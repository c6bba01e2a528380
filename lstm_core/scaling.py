"""Scaling fitted on the training part only, with optional per-window (local level) normalisation.

A recurrent net with tanh units learns best on inputs of order 1, and a forecaster generalises to levels it
never saw in training (trends!) when each window is expressed relative to its own level. With a window X
(W,), its target Y (H,), the global scale s (standard deviation of the training part) and the global mean μ:

- mode "global": a = μ
- mode "last":   a = X[W − 1]     (the last observed value: the net learns changes from "now")
- mode "mean":   a = mean(X)
- mode "season_mean": a = mean of the window's last season, X[W − m:] (its last value when m = 1): a level
  that one season's high or low point does not move
- mode "seasonal": inputs as "last", but each target step h is expressed against the value one season
  earlier, A[h] = X[W − m + (h mod m)] (m = season length ≤ W): the net learns corrections to the
  seasonal naive forecast, so an untrained net already forecasts like seasonal naive.

    X' = (X − a) / s,   Y'[h] = (Y[h] − A[h]) / s  (A[h] = a except in "seasonal"),   and back:  Ŷ = A + s · Ŷ'

μ and s are computed from ``values[:train_end]`` only, so nothing in the validation or test parts (or the
future) can change how the model sees its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Scaler", "MODES"]

MODES = ("last", "mean", "global", "seasonal", "season_mean")
SCALES = ("std", "step")


@dataclass
class Scaler:
    """Global mean/scale from the training part plus the window anchoring mode."""

    mode: str = "last"
    mean: float = 0.0
    scale: float = 1.0
    season_length: int = 1  # m, used by modes "seasonal" and "season_mean"
    scale_by: str = "std"  # s: "std" of the training values, or "step": their mean absolute step change

    def fit(self, train_values) -> Scaler:
        """Learn μ and s from the training values only (s = 1 for a constant or one-point series).

        s = std(x) ("std"), or mean |x[t] − x[t−1]| ("step": the size of a typical move, which a trend
        does not inflate the way it inflates the spread).
        """
        if self.mode not in MODES:
            raise ValueError(f"unknown scaling mode {self.mode!r}")
        if self.scale_by not in SCALES:
            raise ValueError(f"unknown scale {self.scale_by!r}")
        x = np.asarray(train_values, dtype=np.float64).ravel()
        x = x[np.isfinite(x)]
        if x.size == 0:
            raise ValueError("no finite training values to fit the scaler")
        self.mean = float(np.mean(x))
        s = float(np.std(x))
        if self.scale_by == "step" and x.size > 1:
            step = float(np.mean(np.abs(np.diff(x))))
            s = step if step > 1e-12 else s
        # a constant series has no spread: fall back to its magnitude, then to 1
        self.scale = s if s > 1e-12 else (abs(self.mean) if abs(self.mean) > 1e-12 else 1.0)
        return self

    def anchor(self, X: np.ndarray) -> np.ndarray:
        """The level a each window is expressed against: (N, W) -> (N,)."""
        X = np.asarray(X)
        if self.mode in ("last", "seasonal"):
            return X[:, -1].astype(np.float64)
        if self.mode == "mean":
            return X.mean(axis=1, dtype=np.float64)
        if self.mode == "season_mean":
            k = max(1, min(int(self.season_length), X.shape[1]))
            return X[:, -k:].mean(axis=1, dtype=np.float64)
        return np.full(X.shape[0], self.mean)

    def target_anchor(self, X: np.ndarray, horizon: int) -> np.ndarray:
        """The level A each target step is expressed against: (N, W) -> (N, H)."""
        X = np.asarray(X, dtype=np.float64)
        W, m = X.shape[1], int(self.season_length)
        if self.mode == "seasonal" and 1 < m <= W:
            return X[:, W - m + (np.arange(horizon) % m)]  # (N, H): the same season, one cycle earlier
        return np.repeat(self.anchor(X)[:, None], horizon, axis=1)

    def transform(self, X: np.ndarray, Y: np.ndarray | None = None, horizon: int | None = None):
        """(X', Y', A): scaled windows (N, W), scaled targets (N, H) or None, target anchors (N, H).

        Without Y, ``horizon`` says how many steps the anchors cover (default 1)."""
        X = np.asarray(X, dtype=np.float64)
        a = self.anchor(X)
        Xs = (X - a[:, None]) / self.scale
        H = np.asarray(Y).shape[1] if Y is not None else int(horizon or 1)
        A = self.target_anchor(X, H)
        Ys = None if Y is None else (np.asarray(Y, dtype=np.float64) - A) / self.scale
        return Xs, Ys, A

    def inverse(self, Ys: np.ndarray, A: np.ndarray) -> np.ndarray:
        """Ŷ = A + s · Ŷ' for scaled predictions (N, H) and anchors (N, H) (or (N,), broadcast)."""
        A = np.asarray(A, dtype=np.float64)
        if A.ndim == 1:
            A = A[:, None]
        return A + self.scale * np.asarray(Ys, dtype=np.float64)

    def to_dict(self) -> dict:
        return {"mode": self.mode, "mean": self.mean, "scale": self.scale, "season_length": self.season_length,
                "scale_by": self.scale_by}

    @classmethod
    def from_dict(cls, d: dict) -> Scaler:
        sc = cls(
            mode=str(d["mode"]),
            mean=float(d["mean"]),
            scale=float(d["scale"]),
            season_length=int(d.get("season_length", 1)),
            scale_by=str(d.get("scale_by", "std")),
        )
        if sc.scale_by not in SCALES or sc.mode not in MODES or not np.isfinite(sc.mean) or not np.isfinite(sc.scale) or sc.scale <= 0:
            raise ValueError("bad scaler")
        return sc
