"""The forecaster: a recurrent net + linear head that learns one series and forecasts it, with intervals.

Pipeline (every step fitted on the training part only):

1. ``chronological_split`` cuts x[0..N) into train / validation / test.
2. ``Scaler`` learns μ, s from the training values; each window X (W,) and target Y (H,) becomes
   X' = (X − a)/s, Y' = (Y − a)/s with a the window's anchor (its last value by default: local level).
3. A ``LSTM``/``GRU``/``RNN`` reads X' (B, W, 1); the head maps its final state to all H steps at once
   ("direct", multi-input multi-output) or to one step fed back H times ("recursive").
4. ``fit_model`` trains with AdamW on Huber loss, early-stops on the validation loss, and keeps the best weights.
5. Split-conformal intervals: the absolute errors r_h of the held-out windows (validation + test) give, for
   each step ahead h, the half-width q_h (see ``baselines.conformal_halfwidths``): ŷ(h) ± q_h.
6. An ensemble of a few seeds is averaged (mean of the members' forecasts).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from .errors import CoreError

__all__ = ["ForecastConfig"]

CELLS = ("lstm", "gru", "rnn")
STRATEGIES = ("direct", "recursive")
LOSSES = ("mse", "mae", "huber")
SCALINGS = ("last", "mean", "global")
OPTIMIZERS = ("adamw", "adam", "sgd")
SCHEDULES = ("none", "cosine", "plateau")


def _auto_horizon(n: int, m: int) -> int:
    if m > 24:
        h = max(8, m // 4)  # weekly data (m = 52): about a quarter ahead
    elif m >= 2:
        h = m  # one full season
    else:
        h = min(10, max(1, n // 10))
    return int(max(1, min(h, n // 5 if n >= 10 else 1)))


@dataclass
class ForecastConfig:
    """Every knob of the forecaster. ``ForecastConfig.auto(n_points, season_length)`` picks them from the data."""

    cell: str = "lstm"  # "lstm" | "gru" | "rnn"
    bidirectional: bool = False  # read the input window both ways (the forecast still only sees the past)
    num_layers: int = 1  # stacked recurrent layers
    hidden_size: int = 32  # units per layer
    window: int = 24  # input length W (≈ 2 seasons)
    horizon: int = 12  # steps the head predicts at once, H
    strategy: str = "direct"  # "direct": one head for all H steps; "recursive": one step fed back H times
    epochs: int = 150  # upper bound; early stopping usually ends sooner
    batch_size: int = 32  # windows per gradient step
    learning_rate: float = 5e-3  # AdamW step size
    weight_decay: float = 1e-4  # AdamW decoupled weight decay
    clip_norm: float = 1.0  # global gradient-norm clipping (0 disables)
    patience: int = 20  # epochs without validation improvement before stopping
    val_fraction: float = 0.15  # share of the series (after train) used for early stopping and calibration
    test_fraction: float = 0.15  # final share held out for honest evaluation (0 = use everything)
    seed: int = 0  # same seed, same result, bit for bit
    ensemble: int = 3  # members trained with seeds seed, seed+1, ...; their forecasts are averaged
    dtype: str = "float32"  # "float32" (fast) | "float64"
    loss: str = "huber"  # "huber" | "mse" | "mae" (on scaled values)
    huber_delta: float = 1.0  # Huber transition point, in units of the training standard deviation
    scaling: str = "last"  # window anchor: "last" value, window "mean", or "global" mean
    optimizer: str = "adamw"  # "adamw" | "adam" | "sgd"
    schedule: str = "cosine"  # learning-rate schedule: "none" | "cosine" | "plateau"
    season_length: int = 1  # m, for MASE and the seasonal baselines

    @classmethod
    def auto(
        cls,
        n_points: int,
        season_length: int = 1,
        horizon: int | None = None,
        **overrides,
    ) -> ForecastConfig:
        """Defaults chosen from the data: horizon ≈ one season, window ≈ two seasons (bounded by length),
        validation and test parts big enough to hold at least one horizon each, epochs sized for the data.

        ``overrides`` set any field after the automatic choice (e.g. ``cell="gru"``).
        """
        n = int(n_points)
        m = max(1, int(season_length or 1))
        H = int(horizon) if horizon else _auto_horizon(n, m)
        H = max(1, H)
        # held-out parts: 15% each, but at least 1.5 horizons, at most 30%
        frac = min(0.3, max(0.15, 1.5 * H / max(n, 1)))
        n_held = 2 * round(n * frac)
        n_train = max(1, n - n_held)
        # window: two seasons (or season + horizon for long seasons), at least 3 horizons for non-seasonal data
        if m >= 2:
            W = 2 * m if 2 * m <= 96 else m + H
        else:
            W = max(3 * H, 8)
        # keep at least ~24 training windows (or as many as the data allows)
        W = int(max(2, min(W, n_train - H - 24))) if n_train - H - 24 >= 2 else int(max(2, (n_train - H) // 2))
        n_windows = max(1, n_train - W - H + 1)
        batch = 32 if n_windows >= 64 else max(8, n_windows // 4)
        # smaller data: more epochs are cheap; larger: fewer are enough (each epoch has more steps)
        epochs = int(min(200, max(60, 12000 // max(n_windows, 1))))
        hidden = 32 if n_windows >= 48 else 16
        cfg = cls(
            window=W,
            horizon=H,
            hidden_size=hidden,
            epochs=epochs,
            batch_size=int(batch),
            val_fraction=float(frac),
            test_fraction=float(frac),
            season_length=m,
        )
        for key, value in overrides.items():
            if not hasattr(cfg, key):
                raise CoreError("errors.engine.bad_config", field=key, value=str(value))
            setattr(cfg, key, value)
        cfg.validate()
        return cfg

    def validate(self) -> ForecastConfig:
        """Raise ``CoreError("errors.engine.bad_config", field=..., value=...)`` for the first bad field."""

        def bad(name: str) -> CoreError:
            return CoreError("errors.engine.bad_config", field=name, value=str(getattr(self, name)))

        choices = {
            "cell": CELLS,
            "strategy": STRATEGIES,
            "loss": LOSSES,
            "scaling": SCALINGS,
            "optimizer": OPTIMIZERS,
            "schedule": SCHEDULES,
            "dtype": ("float32", "float64"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise bad(name)
        positive_ints = ("num_layers", "hidden_size", "window", "horizon", "epochs", "batch_size", "ensemble")
        for name in positive_ints:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise bad(name)
        for name in ("patience", "season_length", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad(name)
        for name in ("learning_rate", "huber_delta"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise bad(name)
        for name in ("weight_decay", "clip_norm"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise bad(name)
        for name in ("val_fraction", "test_fraction"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value < 0.9:
                raise bad(name)
        if self.val_fraction <= 0:
            raise bad("val_fraction")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise bad("test_fraction")
        if not isinstance(self.bidirectional, bool):
            raise bad("bidirectional")
        if self.hidden_size > 1024 or self.num_layers > 8 or self.ensemble > 16:
            raise bad("hidden_size" if self.hidden_size > 1024 else "num_layers" if self.num_layers > 8 else "ensemble")
        return self

    def to_dict(self) -> dict:
        """Plain JSON-able dict of every field."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> ForecastConfig:
        """Rebuild and validate; unknown or badly typed fields raise ``errors.engine.bad_config``."""
        if not isinstance(d, dict):
            raise CoreError("errors.engine.bad_config", field="config", value=type(d).__name__)
        names = {f.name: f for f in dataclasses.fields(cls)}
        kwargs = {}
        for key, value in d.items():
            if key not in names:
                raise CoreError("errors.engine.bad_config", field=str(key), value=str(value))
            default = names[key].default
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            kwargs[key] = value
        return cls(**kwargs).validate()
