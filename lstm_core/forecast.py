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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics
from .baselines import (
    Forecast,
    check_levels,
    conformal_halfwidths,
    default_baselines,
    intervals_from_residuals,
)
from .errors import CoreError
from .io import load_arrays, save_arrays
from .linear import Linear
from .recurrent import GRU, LSTM, RNN
from .scaling import Scaler
from .train import BatchInfo, EpochInfo, History, SequenceRegressor, TrainConfig, fit_model, loss_fn
from .windows import chronological_split, make_windows

__all__ = ["ForecastConfig", "Forecaster", "Forecast", "FitHistory", "min_points"]

CELLS = ("lstm", "gru", "rnn")
STRATEGIES = ("direct", "recursive")
LOSSES = ("mse", "mae", "huber")
SCALINGS = ("last", "mean", "global", "seasonal")
OPTIMIZERS = ("adamw", "adam", "sgd")
SCHEDULES = ("none", "cosine", "plateau")


def _auto_horizon(n: int, m: int) -> int:
    if m > 24:
        h = max(8, min(m // 4, 30))  # weekly (m = 52): a quarter ahead; daily with a yearly season: a month
    elif m >= 2:
        h = m  # one full season
    else:
        h = min(10, max(1, n // 10))
    return int(max(1, min(h, n // 5 if n >= 10 else 1)))


def _auto_window(m: int, H: int) -> int:
    """Two seasons when that is short enough; a season plus a horizon; else a bounded multiple of H."""
    if m >= 2 and 2 * m <= 96:
        return 2 * m
    if m >= 2 and m + H <= 128:
        return m + H
    return max(3 * H, 8) if m < 2 else min(128, max(3 * H, 48))


# Training budget per ensemble member, in (batches × window) units: about 1.5 s of NumPy time at hidden 32
STEP_BUDGET = 16_000


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
    scaling: str = "last"  # anchor: "last" value, window "mean", "global" mean, "seasonal" (last season)
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
        W = _auto_window(m, H)
        # keep at least ~24 training windows (or as many as the data allows)
        W = int(max(2, min(W, n_train - H - 24))) if n_train - H - 24 >= 2 else int(max(2, (n_train - H) // 2))
        n_windows = max(1, n_train - W - H + 1)
        batch = 64 if n_windows >= 600 else 32 if n_windows >= 64 else max(8, n_windows // 4)
        # epochs: as many as the step budget allows for this many batches of this length, within 40..200
        batches = math.ceil(n_windows / batch)
        epochs = int(min(200, max(40, STEP_BUDGET // max(1, batches * W))))
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


# ----------------------------------------------------------------------------------------------------------
# The forecaster
# ----------------------------------------------------------------------------------------------------------

FORMAT = "lstm-lab-forecaster"
FORMAT_VERSION = 1
REFERENCE_FLOOR = 1e-2  # smallest L_ref (scaled units, ~ an RMS error of 0.1 s): see Forecaster.reference_loss
_NETS = {"lstm": LSTM, "gru": GRU, "rnn": RNN}


@dataclass
class FitHistory(History):
    """How ``Forecaster.fit`` went: the curves of member 0 (what the app draws), every member, and the status.

    status: "completed" | "early_stopped" | "cancelled" | "diverged" (the worst over the members, in the
    order cancelled > diverged > early_stopped > completed); ``message_key`` / ``message_params`` explain it.
    """

    members: list[History] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "members": [h.to_dict() for h in self.members]}

    @classmethod
    def from_dict(cls, d: dict) -> FitHistory:
        members = [History.from_dict(m) for m in d.get("members", []) if isinstance(m, dict)]
        return cls(**History.fields_from_dict(d), members=members)


def as_series(values) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise CoreError("errors.engine.non_finite", count=-1) from None
    bad = int(np.count_nonzero(~np.isfinite(x)))
    if bad:
        raise CoreError("errors.engine.non_finite", count=bad)
    return x


def min_points(cfg: ForecastConfig) -> int:
    """Smallest series length this config can train on: one training window and one validation horizon."""
    Hm = cfg.horizon if cfg.strategy == "direct" else 1
    for n in range(cfg.window + Hm + 1, 100_000):
        train_end, val_end = chronological_split(n, cfg.val_fraction, cfg.test_fraction)
        if train_end - cfg.window - Hm + 1 >= 1 and val_end - max(train_end, cfg.window) >= Hm:
            return n
    return 100_000


class Forecaster:
    """Learns one series and forecasts it (see the module docstring for the pipeline)."""

    def __init__(self, config: ForecastConfig | None = None) -> None:
        self.config = (config or ForecastConfig()).validate()
        self.models: list[SequenceRegressor] = []
        self.scaler: Scaler | None = None
        self.values: np.ndarray | None = None
        self.history: FitHistory | None = None
        self.split_indices: tuple[int, int] | None = None
        self.residuals: np.ndarray | None = None  # (n_cal, H) held-out errors for the conformal intervals

    # -- building -------------------------------------------------------------------------------------
    @property
    def model_horizon(self) -> int:
        """Outputs of the head: H for "direct", 1 for "recursive"."""
        return self.config.horizon if self.config.strategy == "direct" else 1

    def _build(self, k: int) -> SequenceRegressor:
        cfg = self.config
        seed = cfg.seed + 1000 * k
        net = _NETS[cfg.cell](
            1, cfg.hidden_size, num_layers=cfg.num_layers, bidirectional=cfg.bidirectional, seed=seed, dtype=cfg.dtype
        )
        D = 2 if cfg.bidirectional else 1
        head = Linear(D * cfg.hidden_size, self.model_horizon, seed=seed + 1, dtype=cfg.dtype)
        return SequenceRegressor(net, head)

    def num_parameters(self) -> int:
        """Trainable numbers in one ensemble member (net + head)."""
        return (self.models[0] if self.models else self._build(0)).num_parameters()

    def _train_config(self, member: int, reference_loss: float | None = None) -> TrainConfig:
        cfg = self.config
        return TrainConfig(
            epochs=cfg.epochs,
            batch_size=cfg.batch_size,
            learning_rate=cfg.learning_rate,
            optimizer=cfg.optimizer,
            weight_decay=cfg.weight_decay,
            clip_norm=cfg.clip_norm,
            loss=cfg.loss,
            huber_delta=cfg.huber_delta,
            patience=cfg.patience,
            schedule=cfg.schedule,
            seed=cfg.seed + 1000 * member,
            reference_loss=reference_loss,
        )

    def reference_loss(self, Y: np.ndarray) -> float:
        """L_ref for the divergence test: the training loss of the trivial forecast Ŷ' = 0 on scaled targets Y'.

        In scaled units 0 means "the window's anchor" (its last value by default, the season before in
        "seasonal" mode), so a run whose loss stays far above L_ref does worse than doing nothing. Floored at
        ``REFERENCE_FLOOR`` so that a series the trivial forecast fits exactly (a constant) does not turn
        every small error into "divergence".
        """
        loss, _ = loss_fn(self.config.loss, self.config.huber_delta)(np.zeros_like(Y), Y)
        return max(float(loss), REFERENCE_FLOOR)

    def _xy(self, values: np.ndarray, start: int, end: int):
        w = make_windows(values, self.config.window, self.model_horizon, start, end)
        Xs, Ys, _ = self.scaler.transform(w.X, w.Y)
        return Xs[:, :, None], Ys  # (N, W, 1), (N, Hm)

    # -- fitting --------------------------------------------------------------------------------------
    def fit(
        self,
        values,
        callback: Callable[[EpochInfo], Any] | None = None,
        batch_callback: Callable[[BatchInfo], Any] | None = None,
    ) -> FitHistory:
        """Train every ensemble member on the training part, early-stopping on validation, then calibrate.

        Never raises for divergence or cancellation (see ``FitHistory.status``); raises ``CoreError`` for a
        series that is too short or not finite.
        """
        cfg = self.config
        x = as_series(values)
        needed = min_points(cfg)
        if x.size < needed:
            raise CoreError("errors.engine.too_short", n=int(x.size), needed=int(needed))
        train_end, val_end = chronological_split(x.size, cfg.val_fraction, cfg.test_fraction)
        self.values = x
        self.split_indices = (train_end, val_end)
        self.scaler = Scaler(cfg.scaling, season_length=cfg.season_length).fit(x[:train_end])
        X, Y = self._xy(x, 0, train_end)
        Xv, Yv = self._xy(x, train_end, val_end)
        reference = self.reference_loss(Y)
        t0 = time.perf_counter()
        self.models = []
        histories: list[History] = []
        for k in range(cfg.ensemble):
            model = self._build(k)
            self.models.append(model)  # live while it trains, so a callback can already call self.trace()
            h = fit_model(
                model, X, Y, Xv, Yv, self._train_config(k, reference), callback, batch_callback,
                member=k, members=cfg.ensemble, forecaster=self,
            )
            if h.epochs_run == 0 and k > 0:
                self.models.pop()  # cancelled before its first epoch: not a member
            else:
                histories.append(h)
            if h.status == "cancelled":
                break
        self.residuals = self._held_out_residuals()
        order = ("cancelled", "diverged", "early_stopped", "completed")
        worst = min(histories, key=lambda h: order.index(h.status))
        h0 = histories[0]
        self.history = FitHistory(
            train_loss=list(h0.train_loss),
            val_loss=list(h0.val_loss),
            lr=list(h0.lr),
            best_epoch=h0.best_epoch,
            best_loss=h0.best_loss,
            status=worst.status,
            message_key=worst.message_key,
            message_params=dict(worst.message_params),
            fit_seconds=time.perf_counter() - t0,
            members=histories,
        )
        return self.history

    def _check_fitted(self) -> None:
        if not self.models or self.scaler is None or self.values is None:
            raise CoreError("errors.engine.not_fitted")

    # -- predicting -----------------------------------------------------------------------------------
    def _predict_scaled(self, Xs: np.ndarray) -> np.ndarray:
        """Ensemble mean of the heads' outputs for scaled windows (N, W) -> (N, Hm), float64."""
        x3 = Xs[:, :, None].astype(self.config.dtype)
        out = np.zeros((Xs.shape[0], self.model_horizon))
        for model in self.models:
            out += model.predict(x3)
        return out / len(self.models)

    def paths(self, values, origins, horizon: int) -> np.ndarray:
        """Mean forecasts (len(origins), horizon) made at each origin o from ``values[:o]`` only (batched)."""
        self._check_fitted()
        x = np.asarray(values, dtype=np.float64)
        origins = np.asarray(origins, dtype=np.int64)
        W = self.config.window
        if origins.size and origins.min() < W:
            raise CoreError("errors.engine.bad_window", expected=W, got=int(origins.min()))
        X = x[origins[:, None] + np.arange(-W, 0)[None, :]]  # (O, W)
        out = np.zeros((origins.size, horizon))
        done = 0
        while done < horizon:
            Xs, _, A = self.scaler.transform(X, horizon=self.model_horizon)
            step = self.scaler.inverse(self._predict_scaled(Xs), A)  # (O, Hm)
            take = min(step.shape[1], horizon - done)
            out[:, done : done + take] = step[:, :take]
            done += take
            X = np.concatenate([X, step[:, :take]], axis=1)[:, -W:]  # feed the forecast back
        return out

    def _held_out_residuals(self) -> np.ndarray:
        """Errors y − ŷ of forecasts made at every origin after the training part: (n_origins, H), NaN past the end."""
        x = self.values
        n, H = x.size, self.config.horizon
        train_end = self.split_indices[0]
        origins = np.arange(max(train_end, self.config.window), n)
        if origins.size == 0:
            return np.full((0, H), np.nan)
        pred = self.paths(x, origins, H)
        idx = origins[:, None] + np.arange(H)[None, :]
        actual = np.where(idx < n, x[np.minimum(idx, n - 1)], np.nan)
        return actual - pred

    def predict_from(self, history_values, horizon: int | None = None, levels=(80, 95)) -> Forecast:
        """Forecast ``horizon`` steps after ``history_values`` (its last ``window`` values are used)."""
        self._check_fitted()
        x = as_series(history_values)
        H = self.config.horizon if horizon is None else horizon
        if isinstance(H, bool) or not isinstance(H, int | np.integer) or not 1 <= H <= 10_000:
            raise CoreError("errors.engine.bad_horizon", value=str(horizon), max=10_000)
        if x.size < self.config.window:
            raise CoreError("errors.engine.bad_window", expected=self.config.window, got=int(x.size))
        mean = self.paths(x, np.array([x.size]), int(H))[0]
        return intervals_from_residuals(mean, self.residuals, levels)  # checks the levels

    def predict(self, horizon: int | None = None, levels=(80, 95)) -> Forecast:
        """Forecast after the end of the fitted series, with split-conformal intervals."""
        self._check_fitted()
        return self.predict_from(self.values, horizon, levels)

    def trace(self, window) -> Any:
        """Core trace of ensemble member 0 on ``window`` (T,) in the series' units, scaled as in training.

        The window is anchored and scaled exactly like the training inputs, so the gates show what the
        trained network does on it; batch of one, any length T ≥ 1.
        """
        self._check_fitted()
        w = as_series(window)
        if w.size < 1:
            raise CoreError("errors.engine.bad_window", expected=self.config.window, got=0)
        Xs, _, _ = self.scaler.transform(w[None, :])
        _, trace = self.models[0].net.forward(Xs[:, :, None].astype(self.config.dtype))
        return trace

    # -- evaluation -----------------------------------------------------------------------------------
    def evaluate(self, levels=(80, 95)) -> dict:
        """Metrics on the validation and test parts for the model and every baseline, with what to draw.

        Each part [start, end) is forecast in consecutive blocks of H steps, each block from origin o using
        ``values[:o]`` only (1..H steps ahead, like the real use). Returns::

            {"split": (train_end, val_end), "season_length": m, "mase_scale": s,
             "parts": {"validation" | "test": {"index": (n,), "actual": (n,),
                       "predictions": {method: (n,)}, "lower": {method: {level: (n,)}}, "upper": {...},
                       "metrics": {method: {"mae", "rmse", "mape", "smape", "mase", "coverage_<level>"}}}}}

        method is "model" and the names of ``default_baselines``; MASE is scaled by the training part's
        in-sample seasonal naive error.
        """
        self._check_fitted()
        lv = check_levels(levels)
        x = self.values
        train_end, val_end = self.split_indices
        m = self.config.season_length
        H = self.config.horizon
        out: dict[str, Any] = {
            "split": (train_end, val_end),
            "season_length": m,
            "mase_scale": metrics.mase_scale(x[:train_end], m),
            "parts": {},
        }
        for part, start, end in (("validation", train_end, val_end), ("test", val_end, x.size)):
            start = max(start, self.config.window)
            if end - start < 1:
                continue
            out["parts"][part] = self._evaluate_part(start, end, H, m, lv)
        return out

    def _evaluate_part(self, start: int, end: int, H: int, m: int, levels: tuple[int, ...]) -> dict:
        x = self.values
        origins = np.arange(start, end, H)
        steps = np.minimum(H, end - origins)
        idx = np.concatenate([np.arange(o, o + s) for o, s in zip(origins, steps)])
        insample = x[: self.split_indices[0]]
        methods: dict[str, np.ndarray] = {"model": self.paths(x, origins, H)}
        widths: dict[str, dict[int, np.ndarray]] = {
            "model": {lv: conformal_halfwidths(self.residuals, lv) for lv in levels}
        }
        for name, base in default_baselines(m).items():
            if start < base.min_history():
                continue
            methods[name] = base.paths(x, origins, H)
            res = base.fit(x[:start]).residuals(H)
            widths[name] = {lv: conformal_halfwidths(res, lv) for lv in levels}
        part = {"index": idx, "actual": x[idx], "predictions": {}, "lower": {}, "upper": {}, "metrics": {}}
        for name, paths in methods.items():
            pred = np.concatenate([paths[i, :s] for i, s in enumerate(steps)])
            w = {lv: np.concatenate([q[:s] for s in steps]) for lv, q in widths[name].items()}
            part["predictions"][name] = pred
            part["lower"][name] = {lv: pred - w[lv] for lv in levels}
            part["upper"][name] = {lv: pred + w[lv] for lv in levels}
            part["metrics"][name] = metrics.summary(
                x[idx], pred, insample, m, {lv: (pred - w[lv], pred + w[lv]) for lv in levels}
            )
        return part

    def fitted_values(self) -> tuple[np.ndarray, np.ndarray]:
        """One-step-ahead in-sample fit: (index (n,), ŷ (n,)) for every origin from ``window`` to the end."""
        self._check_fitted()
        origins = np.arange(self.config.window, self.values.size)
        return origins, self.paths(self.values, origins, 1)[:, 0]

    # -- save / load ----------------------------------------------------------------------------------
    def save(self, path_or_file) -> None:
        """Write one .npz (no pickle): every member's weights, the series, residuals, scaler, config as JSON."""
        self._check_fitted()
        known = np.isfinite(self.residuals)  # NaN marks targets past the end: stored as a mask (files hold no NaN)
        arrays: dict[str, np.ndarray] = {
            "series": self.values,
            "residuals": np.where(known, self.residuals, 0.0),
            "residual_known": known.astype(np.uint8),
        }
        for k, model in enumerate(self.models):
            for name, value in model.params.items():
                arrays[f"m{k}.{name}"] = value
        meta = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "config": self.config.to_dict(),
            "scaler": self.scaler.to_dict(),
            "split": list(self.split_indices),
            "members": len(self.models),
            "history": self.history.to_dict() if self.history else None,
        }
        save_arrays(path_or_file, arrays, meta)

    @classmethod
    def load(cls, path_or_file_or_bytes) -> Forecaster:
        """Read a file written by ``save``; every array and setting is checked (CoreError with a key)."""
        arrays, meta = load_arrays(path_or_file_or_bytes)

        def bad(reason: str) -> CoreError:
            return CoreError("errors.engine.bad_model_file", reason=reason)

        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise bad("format")
        if meta.get("version") != FORMAT_VERSION:
            raise bad("version")
        try:
            cfg = ForecastConfig.from_dict(meta["config"])
            scaler = Scaler.from_dict(meta["scaler"])
            members = int(meta["members"])
            split = tuple(int(v) for v in meta["split"])
        except CoreError:
            raise
        except (KeyError, TypeError, ValueError):
            raise bad("config") from None
        fc = cls(cfg)
        if not 1 <= members <= cfg.ensemble:
            raise bad("members")
        series = arrays.get("series")
        residuals = arrays.get("residuals")
        if series is None or series.ndim != 1 or series.size < cfg.window or not np.isfinite(series).all():
            raise bad("series")
        known = arrays.get("residual_known")
        if residuals is None or residuals.ndim != 2 or residuals.shape[1] != cfg.horizon:
            raise bad("residuals")
        if known is None or known.shape != residuals.shape:
            raise bad("residual_known")
        if len(split) != 2 or not 0 < split[0] <= split[1] <= series.size:
            raise bad("split")
        expected = {"series", "residuals", "residual_known"}
        for k in range(members):
            model = fc._build(k)
            for name, live in model.params.items():
                key = f"m{k}.{name}"
                expected.add(key)
                value = arrays.get(key)
                if value is None or value.shape != live.shape or not np.isfinite(value).all():
                    raise bad(key)
                np.copyto(live, value.astype(live.dtype))
            fc.models.append(model)
        extra = set(arrays) - expected
        if extra:
            raise bad(sorted(extra)[0])
        fc.values = series.astype(np.float64)
        fc.residuals = np.where(known.astype(bool), residuals.astype(np.float64), np.nan)
        fc.scaler = scaler
        fc.split_indices = (split[0], split[1])
        hist = meta.get("history")
        if isinstance(hist, dict):
            try:
                fc.history = FitHistory.from_dict(hist)
            except (TypeError, ValueError, AttributeError):
                raise bad("history") from None
        return fc
