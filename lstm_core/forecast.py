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

import budgets  # the table of limits (standard library only)

from . import metrics
from .baselines import (
    Forecast,
    check_levels,
    conformal_bounds,
    conformal_halfwidths,
    default_baselines,
)
from .deseason import SeasonalTransform
from .errors import CoreError
from .io import load_arrays, save_arrays
from .linear import Linear
from .recurrent import GRU, LSTM, RNN
from .scaling import Scaler
from .train import BatchInfo, EpochInfo, History, SequenceRegressor, TrainConfig, fit_model, loss_fn
from .windows import all_windows, chronological_split, make_windows

__all__ = ["ForecastConfig", "Forecaster", "Forecast", "FitHistory", "min_points"]

CELLS = ("lstm", "gru", "rnn")
STRATEGIES = ("direct", "recursive")
LOSSES = ("mse", "mae", "huber")
SCALINGS = ("last", "mean", "global", "seasonal", "season_mean")
TRANSFORMS = ("auto", "none")
SCALES = ("std", "step")
COMBINES = ("mean", "median")
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

# What ``ForecastConfig.auto`` adds to the plain fields' defaults: the forecasting recipe measured on the
# 34 series of ../shared/forecast-dev (``python -m benchmarks.accuracy``; docs/forecasting.md). Log and
# seasonal indices off the series, windows anchored on their last season and scaled by the typical step,
# absolute-error loss; one member trained with a held-out part (early stopping, honest errors for the
# intervals and the evaluation), then five trained on the whole series, recent windows weighted more,
# their median the forecast.
RECIPE = {
    "transform": "auto",
    "scaling": "season_mean",
    "scale_by": "step",
    "loss": "mae",
    "combine": "median",
    "refit": True,
    "calibration_members": 2,
    "ensemble": 5,
    "recency_half_life": 60.0,
    "refit_budget": 7_000,
    "refit_factor": 5.0,
}


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
    transform: str = "none"  # "auto": log when every value is positive, seasonal indices when a test finds them
    scale_by: str = "std"  # the scale s: "std" of the training part, or its mean absolute "step" change
    combine: str = "mean"  # how the members' forecasts are joined: "mean" | "median"
    refit: bool = False  # after the held-out run, train the final members on the whole series (see ``fit``)
    calibration_members: int = 1  # with ``refit``: members of the held-out run (the final run has ``ensemble``)
    recency_half_life: float = 0.0  # with ``refit``: a window's weight halves every this many points back (0: equal)
    refit_budget: int = 0  # with ``refit``: (batches × window) per final member, like STEP_BUDGET (0: no cap)
    refit_epochs: int = 0  # with ``refit``: epochs of each final member (0: ``refit_factor`` × the held-out best)
    refit_factor: float = 1.0  # with ``refit`` and ``refit_epochs`` 0: final epochs per held-out best epoch
    forget_bias: float = 0.0  # LSTM: added to the forget gates' input biases at initialisation (see ``_build``)

    @classmethod
    def auto(
        cls,
        n_points: int,
        season_length: int = 1,
        horizon: int | None = None,
        recipe: bool = True,
        **overrides,
    ) -> ForecastConfig:
        """Defaults chosen from the data: horizon ≈ one season, window ≈ two seasons (bounded by length),
        validation and test parts big enough to hold at least one horizon each, epochs sized for the data.

        With ``recipe`` (the forecaster's default) the fields of ``RECIPE`` are set too; without it they
        keep the plain defaults: one network trained with a held-out part on the series as it is, which is
        what the teaching pages show (the model whose curves and gates a class watches is the one that
        forecasts). ``overrides`` set any field after the automatic choice (e.g. ``cell="gru"``).
        """
        recipe_fields = RECIPE if recipe else {}
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
        # epochs: as many as the step budget allows for this many batches of this length, within 40..200;
        # from 10 when final members follow (the held-out run then only chooses their epochs and gives the
        # interval errors: on the longest dev series, 1,342 weekly points, 40 took fit + forecast to 13 s)
        batches = math.ceil(n_windows / batch)
        plain = {**recipe_fields, **overrides}
        refit = bool(plain.get("refit", False))
        held = int(plain.get("calibration_members", 1)) if refit else 1
        budget = STEP_BUDGET // max(1, held)  # the held-out run's members share one budget
        epochs = int(min(200, max(10 if refit else 40, budget // max(1, batches * W))))
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
            **recipe_fields,
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
            "transform": TRANSFORMS,
            "scale_by": SCALES,
            "combine": COMBINES,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise bad(name)
        positive_ints = ("num_layers", "hidden_size", "window", "horizon", "epochs", "batch_size", "ensemble",
                         "calibration_members")
        for name in positive_ints:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise bad(name)
        for name in ("patience", "season_length", "seed", "refit_budget", "refit_epochs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad(name)
        for name in ("learning_rate", "huber_delta", "refit_factor"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise bad(name)
        for name in ("weight_decay", "clip_norm", "recency_half_life"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise bad(name)
        if not isinstance(self.forget_bias, int | float) or not -10 <= self.forget_bias <= 10:
            raise bad("forget_bias")
        for name in ("val_fraction", "test_fraction"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value < 0.9:
                raise bad(name)
        if self.val_fraction <= 0:
            raise bad("val_fraction")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise bad("test_fraction")
        for name in ("bidirectional", "refit"):
            if not isinstance(getattr(self, name), bool):
                raise bad(name)

        ceilings = {"hidden_size": budgets.HIDDEN, "num_layers": budgets.LAYERS, "ensemble": budgets.ENSEMBLE,
                    "calibration_members": budgets.ENSEMBLE, "window": budgets.WINDOW, "horizon": budgets.HORIZON,
                    "epochs": budgets.EPOCHS, "refit_epochs": budgets.EPOCHS, "seed": budgets.SEED}
        for name, ceiling in ceilings.items():
            if getattr(self, name) > ceiling:
                raise CoreError("errors.engine.over_limit", field=name, value=str(getattr(self, name)), max=ceiling)
        directions = 2 if self.bidirectional else 1
        units = self.hidden_size * self.num_layers * directions * self.ensemble
        if units > budgets.NETWORK_UNITS:  # hidden × layers × directions × ensemble
            raise CoreError("errors.engine.network_too_big", field="hidden_size", hidden=self.hidden_size,
                            layers=self.num_layers, directions=directions, ensemble=self.ensemble, units=units,
                            max=budgets.NETWORK_UNITS)
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


GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # weight blocks per layer (PyTorch's gate order)


def member_size(cfg: ForecastConfig) -> int:
    """Numbers in one member (net + head), from the config alone: what a model file must hold per member.

    Per direction of layer l, with G gate blocks, H units and an input of width n_l (1, then D·H):
    G·H·n_l + G·H·H weights and 2·G·H biases (PyTorch keeps b_ih and b_hh); the head D·H·H_out + H_out.
    ``Forecaster.load`` compares it with the file's arrays before it builds a network, so a small file cannot
    declare a huge one.
    """
    G, H, D = GATES[cfg.cell], cfg.hidden_size, 2 if cfg.bidirectional else 1
    out = cfg.horizon if cfg.strategy == "direct" else 1
    net = sum(D * (G * H * (1 if layer == 0 else D * H) + G * H * H + 2 * G * H) for layer in range(cfg.num_layers))
    return net + D * H * out + out


def min_points(cfg: ForecastConfig) -> int:
    """Smallest series length this config can train on: one training window and one validation horizon."""
    Hm = cfg.horizon if cfg.strategy == "direct" else 1
    for n in range(cfg.window + Hm + 1, 100_000):
        train_end, val_end = chronological_split(n, cfg.val_fraction, cfg.test_fraction)
        if train_end - cfg.window - Hm + 1 >= 1 and val_end - max(train_end, cfg.window) >= Hm:
            return n
    return 100_000


@dataclass
class FinalFit:
    """The members trained on the whole series (``ForecastConfig.refit``), with the transform and scaler fitted
    on all of it: what forecasts past the end of the series come from."""

    transform: SeasonalTransform
    scaler: Scaler
    models: list[SequenceRegressor]
    epochs: int  # epochs each final member trained for (the held-out run's best epoch)


class Forecaster:
    """Learns one series and forecasts it (see the module docstring for the pipeline)."""

    def __init__(self, config: ForecastConfig | None = None) -> None:
        self.config = (config or ForecastConfig()).validate()
        self.models: list[SequenceRegressor] = []
        self.final: FinalFit | None = None
        self.transform: SeasonalTransform | None = None
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
        if cfg.cell == "lstm" and cfg.forget_bias:
            # a positive forget bias starts every unit remembering (f = sigmoid(b) near 1) and lets training
            # decide which ones forget (Gers, Schmidhuber & Cummins 2000; Jozefowicz et al. 2015)
            H = cfg.hidden_size
            for name, value in net.params.items():
                if name.startswith("bias_ih"):
                    value[H:2 * H] += value.dtype.type(cfg.forget_bias)  # PyTorch's gate order: i, f, g, o
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

    def _xy(self, z: np.ndarray, start: int, end: int):
        w = make_windows(z, self.config.window, self.model_horizon, start, end)
        Xs, Ys, _ = self.scaler.transform(w.X, w.Y)
        return Xs[:, :, None], Ys  # (N, W, 1), (N, Hm)

    @property
    def held_members(self) -> int:
        """Members of the held-out run: all of them, or ``calibration_members`` when final ones follow."""
        cfg = self.config
        return min(cfg.calibration_members, cfg.ensemble) if cfg.refit else cfg.ensemble

    # -- fitting --------------------------------------------------------------------------------------
    def fit(
        self,
        values,
        callback: Callable[[EpochInfo], Any] | None = None,
        batch_callback: Callable[[BatchInfo], Any] | None = None,
        on_start: Callable[[EpochInfo], Any] | None = None,
    ) -> FitHistory:
        """Train every ensemble member on the training part, early-stopping on validation, then calibrate.

        ``on_start`` sees member 0 once before its first epoch, untrained (an ``EpochInfo`` of epoch 0 with a
        NaN loss), so a replay can start from the initialisation. Never raises for divergence or cancellation
        (see ``FitHistory.status``); raises ``CoreError`` for a series that is too short or not finite.
        """
        cfg = self.config
        x = as_series(values)
        needed = min_points(cfg)
        if x.size < needed:
            raise CoreError("errors.engine.too_short", n=int(x.size), needed=int(needed))
        train_end, val_end = chronological_split(x.size, cfg.val_fraction, cfg.test_fraction)
        self.values = x
        self.split_indices = (train_end, val_end)
        self.transform = SeasonalTransform(cfg.transform).fit(x[:train_end], cfg.season_length, every_value=x)
        z = self.transform.forward(x)
        self.scaler = self._scaler().fit(z[:train_end])
        X, Y = self._xy(z, 0, train_end)
        Xv, Yv = self._xy(z, train_end, val_end)
        reference = self.reference_loss(Y)
        t0 = time.perf_counter()
        self.models, self.final = [], None
        histories: list[History] = []
        held, members = self.held_members, self.held_members + (cfg.ensemble if cfg.refit else 0)
        for k in range(held):
            model = self._build(k)
            self.models.append(model)  # live while it trains, so a callback can already call self.trace()
            if k == 0 and on_start is not None:
                on_start(EpochInfo(epoch=0, epochs=cfg.epochs, train_loss=math.nan, val_loss=None, best_epoch=0,
                                   best_loss=math.inf, elapsed_s=0.0, eta_s=0.0, lr=cfg.learning_rate,
                                   grad_norm=math.nan, members=members, model=model, forecaster=self))
            h = fit_model(
                model, X, Y, Xv, Yv, self._train_config(k, reference), callback, batch_callback,
                member=k, members=members, forecaster=self,
            )
            if h.epochs_run == 0 and k > 0:
                self.models.pop()  # cancelled before its first epoch: not a member
            else:
                histories.append(h)
            if h.status == "cancelled":
                break
        self.residuals = self._held_out_residuals()
        if cfg.refit and all(h.status in ("completed", "early_stopped") for h in histories):
            best = float(np.median([max(h.best_epoch, 1) for h in histories]))
            epochs = cfg.refit_epochs or max(1, round(cfg.refit_factor * best))
            final, final_histories = self._fit_final(x, epochs, reference, callback, batch_callback, held, members)
            self.final = final if len(final.models) == cfg.ensemble else None
        else:
            final_histories = []
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
            members=histories + final_histories,
        )
        return self.history

    def _scaler(self) -> Scaler:
        cfg = self.config
        return Scaler(cfg.scaling, season_length=cfg.season_length, scale_by=cfg.scale_by)

    def _fit_final(self, x: np.ndarray, epochs: int, reference: float, callback, batch_callback,
                   first: int, members: int) -> tuple[FinalFit, list[History]]:
        """Train ``ensemble`` members on the whole series for ``epochs`` epochs (no part held out).

        A window starts at every origin o ≥ W, the last ones included: target steps past the end of the
        series get weight 0, the others 2^(−(n − 1 − o) / half_life), so the most recent behaviour counts
        most. The transform and the scaler are fitted again on all of x.
        """
        cfg = self.config
        W, Hm = cfg.window, self.model_horizon
        transform = SeasonalTransform(cfg.transform).fit(x, cfg.season_length)
        z = transform.forward(x)
        scaler = self._scaler().fit(z)
        w, weights = all_windows(z, W, Hm, cfg.recency_half_life)
        Xs, Ys, _ = scaler.transform(w.X, w.Y)
        Ys = np.where(weights > 0, Ys, 0.0)  # a target past the end weighs 0: any finite value will do
        if cfg.refit_budget:
            batches = math.ceil(len(w) / cfg.batch_size)
            epochs = max(1, min(epochs, cfg.refit_budget // max(1, batches * W)))
        final = FinalFit(transform, scaler, [], epochs)
        histories = []
        for k in range(cfg.ensemble):
            model = self._build(first + k)
            tc = dataclasses.replace(self._train_config(first + k, reference), epochs=epochs, patience=0)
            h = fit_model(model, Xs[:, :, None], Ys, None, None, tc, callback, batch_callback,
                          member=first + k, members=members, forecaster=self, weights=weights)
            histories.append(h)
            if h.status not in ("completed", "early_stopped"):
                break
            final.models.append(model)
        return final, histories

    def _check_fitted(self) -> None:
        if not self.models or self.scaler is None or self.values is None:
            raise CoreError("errors.engine.not_fitted")

    # -- predicting -----------------------------------------------------------------------------------
    def _predict_scaled(self, Xs: np.ndarray, models: list[SequenceRegressor]) -> np.ndarray:
        """The members' outputs for scaled windows (N, W) joined by ``combine``: (N, Hm), float64."""
        x3 = Xs[:, :, None].astype(self.config.dtype)
        outs = np.stack([model.predict(x3).astype(np.float64) for model in models])
        return np.median(outs, axis=0) if self.config.combine == "median" else outs.mean(axis=0)

    def paths(self, values, origins, horizon: int, final: bool = False) -> np.ndarray:
        """Forecasts (len(origins), horizon) made at each origin o from ``values[:o]`` only (batched).

        From the held-out run's members (what the evaluation and the interval errors use: they never saw
        the part they are scored on), or with ``final`` from the members trained on the whole series when
        there are some (what a forecast past the end uses).
        """
        self._check_fitted()
        transform, scaler, models = self._stage(final)
        return self._paths(transform, scaler, models, values, origins, horizon)

    def _stage(self, final: bool) -> tuple[SeasonalTransform, Scaler, list[SequenceRegressor]]:
        """(transform, scaler, members) of the final fit when ``final`` and there is one, else of the held-out run."""
        if final and self.final is not None:
            return self.final.transform, self.final.scaler, self.final.models
        return self.transform, self.scaler, self.models

    def _paths(self, transform, scaler, models, values, origins, horizon: int) -> np.ndarray:
        x = np.asarray(values, dtype=np.float64)
        origins = np.asarray(origins, dtype=np.int64)
        W = self.config.window
        if origins.size and origins.min() < W:
            raise CoreError("errors.engine.bad_window", expected=W, got=int(origins.min()))
        if transform.log and (x <= 0).any():
            raise CoreError("errors.engine.not_positive", count=int(np.count_nonzero(x <= 0)))
        z = transform.forward(x)
        X = z[origins[:, None] + np.arange(-W, 0)[None, :]]  # (O, W)
        out = np.zeros((origins.size, horizon))
        done = 0
        while done < horizon:
            Xs, _, A = scaler.transform(X, horizon=self.model_horizon)
            step = scaler.inverse(self._predict_scaled(Xs, models), A)  # (O, Hm)
            take = min(step.shape[1], horizon - done)
            out[:, done : done + take] = step[:, :take]
            done += take
            X = np.concatenate([X, step[:, :take]], axis=1)[:, -W:]  # feed the forecast back
        return transform.inverse(out, origins[:, None] + np.arange(horizon)[None, :])

    def member_forecasts(self, horizon: int) -> np.ndarray:
        """Each final member's own forecast after the fitted series: (members, horizon), in the series' units.

        The forecast is their median; scoring each one alone shows how much a forecast owes to its seeds.
        Without final members, each held-out member's.
        """
        self._check_fitted()
        transform, scaler, models = self._stage(final=True)
        end = np.array([self.values.size])
        return np.array([self._paths(transform, scaler, [model], self.values, end, horizon)[0] for model in models])

    def _held_out_residuals(self) -> np.ndarray:
        """Errors of forecasts made at every origin after the training part: (n_origins, H), NaN past the end.

        On the transform's base scale (log y − log ŷ for a series fitted on the log scale, else y − ŷ), so
        an interval built from them is relative to the level: wider above than below for a log series.
        """
        x = self.values
        n, H = x.size, self.config.horizon
        train_end = self.split_indices[0]
        origins = np.arange(max(train_end, self.config.window), n)
        if origins.size == 0:
            return np.full((0, H), np.nan)
        pred = self.paths(x, origins, H)
        idx = origins[:, None] + np.arange(H)[None, :]
        actual = np.where(idx < n, x[np.minimum(idx, n - 1)], np.nan)
        return self._base(actual) - self._base(pred)

    def _base(self, y) -> np.ndarray:
        """The scale the interval errors live on (``SeasonalTransform.to_base``: log for a log series)."""
        return self.transform.to_base(y)

    def _unbase(self, u) -> np.ndarray:
        return self.transform.from_base(u)

    def predict_from(self, history_values, horizon: int | None = None, levels=(80, 95)) -> Forecast:
        """Forecast ``horizon`` steps after ``history_values`` (its last ``window`` values are used)."""
        self._check_fitted()
        x = as_series(history_values)
        H = self.config.horizon if horizon is None else horizon
        if isinstance(H, bool) or not isinstance(H, int | np.integer) or not 1 <= H <= budgets.HORIZON:
            raise CoreError("errors.engine.bad_horizon", value=str(horizon), max=budgets.HORIZON)
        if x.size < self.config.window:
            raise CoreError("errors.engine.bad_window", expected=self.config.window, got=int(x.size))
        mean = self.paths(x, np.array([x.size]), int(H), final=True)[0]
        return Forecast(mean=mean, **self._band(mean, check_levels(levels)))

    def _padded_residuals(self, H: int) -> np.ndarray:
        """The held-out errors for steps 1..H (NaN columns past the calibrated ones: ``conformal_bounds``
        extrapolates them)."""
        res = self.residuals
        if res.shape[1] < H:
            res = np.concatenate([res, np.full((res.shape[0], H - res.shape[1]), np.nan)], axis=1)
        return res[:, :H]

    def _band(self, mean: np.ndarray, levels: tuple[int, ...]) -> dict[str, dict[int, np.ndarray]]:
        """{"lower": {level: (H,)}, "upper": ...} around ``mean`` from the held-out errors' signed quantiles,
        on the base scale (see ``_held_out_residuals``), H = len(mean)."""
        res = self._padded_residuals(mean.shape[0])
        base, out = self._base(mean), {"lower": {}, "upper": {}}
        for level in levels:
            lo, hi = conformal_bounds(res, level)
            out["lower"][level], out["upper"][level] = self._unbase(base + lo), self._unbase(base + hi)
        return out

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
        Xs, _, _ = self.scaler.transform(self.transform.forward(w)[None, :])
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
        bounds: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {  # (lo, hi) per step, signed
            "model": {lv: conformal_bounds(self._padded_residuals(H), lv) for lv in levels}
        }
        for name, base in default_baselines(m).items():
            if start < base.min_history():
                continue
            methods[name] = base.paths(x, origins, H)
            res = base.fit(x[:start]).residuals(H)
            bounds[name] = {lv: (-(q := conformal_halfwidths(res, lv)), q) for lv in levels}
        part = {"index": idx, "actual": x[idx], "predictions": {}, "lower": {}, "upper": {}, "metrics": {}}
        for name, paths in methods.items():
            pred = np.concatenate([paths[i, :s] for i, s in enumerate(steps)])
            base, unbase = (self._base, self._unbase) if name == "model" else (np.asarray, np.asarray)
            part["predictions"][name] = pred
            part["lower"][name], part["upper"][name] = {}, {}
            for lv, (lo, hi) in bounds[name].items():
                part["lower"][name][lv] = unbase(base(pred) + np.concatenate([lo[:s] for s in steps]))
                part["upper"][name][lv] = unbase(base(pred) + np.concatenate([hi[:s] for s in steps]))
            part["metrics"][name] = metrics.summary(
                x[idx], pred, insample, m, {lv: (part["lower"][name][lv], part["upper"][name][lv]) for lv in levels}
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
            "transform": self.transform.to_dict(),
            "split": list(self.split_indices),
            "members": len(self.models),
            "history": self.history.to_dict() if self.history else None,
        }
        if self.final is not None:
            for k, model in enumerate(self.final.models):
                for name, value in model.params.items():
                    arrays[f"f{k}.{name}"] = value
            meta["final"] = {"transform": self.final.transform.to_dict(), "scaler": self.final.scaler.to_dict(),
                             "members": len(self.final.models), "epochs": self.final.epochs}
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
            transform = SeasonalTransform.from_dict(meta.get("transform") or {"mode": "none", "log": False,
                                                                                "season_length": 1})
            final_meta = meta.get("final")
            if final_meta is not None:
                final = FinalFit(SeasonalTransform.from_dict(final_meta["transform"]),
                                 Scaler.from_dict(final_meta["scaler"]), [], int(final_meta["epochs"]))
                final_members = int(final_meta["members"])
        except CoreError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError):
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
        size = member_size(cfg)  # before any network is built: a small file cannot declare a huge one
        for prefix, count in (("m", members), ("f", final_members if final_meta is not None else 0)):
            for k in range(count):
                held = sum(a.size for name, a in arrays.items() if name.startswith(f"{prefix}{k}."))
                if held != size:
                    raise bad(f"{prefix}{k}")
        span = float(np.ptp(series)) + float(np.abs(series).max()) + 1.0
        limit = 1e6 * span  # anything larger is not a scale or an error this series can have
        scalers = [scaler] + ([final.scaler] if final_meta is not None else [])
        if any(not (abs(sc.mean) <= limit and sc.scale <= limit) for sc in scalers):
            raise bad("scaler")
        if np.abs(residuals).max(initial=0.0) > (50.0 if transform.log else limit):
            raise bad("residuals")

        def read_members(prefix: str, count: int, first: int) -> list[SequenceRegressor]:
            models = []
            for k in range(count):
                model = fc._build(first + k)
                for name, live in model.params.items():
                    key = f"{prefix}{k}.{name}"
                    expected.add(key)
                    value = arrays.get(key)
                    if value is None or value.shape != live.shape or not np.isfinite(value).all():
                        raise bad(key)
                    np.copyto(live, value.astype(live.dtype))
                models.append(model)
            return models

        fc.models = read_members("m", members, 0)
        if final_meta is not None:
            if final_members != cfg.ensemble:
                raise bad("final")
            final.models = read_members("f", final_members, members)
            fc.final = final
        extra = set(arrays) - expected
        if extra:
            raise bad(sorted(extra)[0])
        fc.values = series.astype(np.float64)
        fc.residuals = np.where(known.astype(bool), residuals.astype(np.float64), np.nan)
        fc.scaler = scaler
        fc.transform = transform
        fc.split_indices = (split[0], split[1])
        hist = meta.get("history")
        if isinstance(hist, dict):
            try:
                fc.history = FitHistory.from_dict(hist)
            except (TypeError, ValueError, AttributeError):
                raise bad("history") from None
        return fc
