"""The generic training loop: mini-batches, validation, early stopping, cancellation, divergence detection.

``fit_model`` trains anything with ``params`` (live arrays), ``forward(x) -> (pred, cache)`` and
``backward(dpred, cache) -> grads`` — typically a ``SequenceRegressor`` (recurrent net + linear head), which
is what the forecaster and the teaching pages (memory tasks on raw LSTM/GRU/RNN) use.

Per epoch: shuffle the examples with a generator seeded by ``config.seed`` (same seed → same batches →
same weights, bit for bit), take one optimiser step per batch after global-norm clipping, then measure the
validation loss. The best weights (lowest validation loss, or training loss without validation) are
copied aside and restored at the end, whatever the reason training stopped:

- "completed": every epoch ran;
- "early_stopped": ``patience`` epochs without improvement;
- "cancelled": a callback returned ``False`` or raised ``StopTraining``;
- "diverged": a loss or gradient became NaN/inf, the epoch loss exploded above ``divergence_factor`` × the
  best training loss, or (with a ``reference_loss``) the epoch's training loss L exceeded
  ``reference_factor`` × L_ref, where L_ref is the loss of a trivial forecast the caller knows (the
  forecaster passes predicting 0 in scaled units, i.e. repeating the window's anchor). The last test catches
  a learning rate so large (say 10 with AdamW and clipping) that the loss stays finite but tens of times
  worse than doing nothing, which the 10⁴ factor misses. Nothing is raised: the last good weights are kept
  and ``message_key``/``message_params`` say which test fired.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import CoreError
from .losses import huber, mae, mse, weighted
from .optim import CosineSchedule, ReduceOnPlateau, clip_grad_norm, make_optimizer

__all__ = [
    "StopTraining",
    "TrainConfig",
    "EpochInfo",
    "BatchInfo",
    "History",
    "SequenceRegressor",
    "fit_model",
    "loss_fn",
]


class StopTraining(Exception):
    """Raise from a callback to stop training now; the best weights so far are kept."""


@dataclass
class TrainConfig:
    """Settings of one training run (see ``ForecastConfig`` for the forecaster's automatic choices)."""

    epochs: int = 100  # maximum number of passes over the training examples
    batch_size: int = 32  # examples per optimiser step
    learning_rate: float = 5e-3  # optimiser step size
    optimizer: str = "adamw"  # "adamw" | "adam" | "sgd"
    weight_decay: float = 1e-4  # decay on weights (decoupled for AdamW), never on biases
    momentum: float = 0.9  # SGD only
    clip_norm: float = 1.0  # global gradient-norm limit; 0 disables clipping
    loss: str = "mse"  # "mse" | "mae" | "huber"
    huber_delta: float = 1.0  # Huber transition point
    patience: int = 0  # early stopping after this many epochs without improvement; 0 disables it
    min_delta: float = 1e-6  # relative improvement that counts as better
    schedule: str = "none"  # "none" | "cosine" | "plateau"
    seed: int = 0  # shuffling seed
    shuffle: bool = True  # shuffle examples every epoch
    divergence_factor: float = 1e4  # epoch loss above this × the best training loss counts as divergence
    reference_loss: float | None = None  # L_ref, loss of a trivial forecast on (X, Y); None disables the test
    reference_factor: float = 8.0  # epoch training loss above this × L_ref counts as divergence


@dataclass
class EpochInfo:
    """What a per-epoch callback receives (``forecaster`` is set when a ``Forecaster`` is training)."""

    epoch: int  # 1-based epoch just finished
    epochs: int  # maximum epochs
    train_loss: float
    val_loss: float | None
    best_epoch: int
    best_loss: float
    elapsed_s: float  # since this member started
    eta_s: float  # estimated seconds left for this member (at most the remaining epochs)
    lr: float
    grad_norm: float  # mean pre-clipping gradient norm over the epoch
    member: int = 0  # ensemble member index
    members: int = 1
    origin: int = 0  # backtest origin index (0 outside backtests)
    origins: int = 1
    model: Any = None
    forecaster: Any = None


@dataclass
class BatchInfo:
    """What a per-batch callback receives."""

    epoch: int
    batch: int  # 1-based batch within the epoch
    batches: int
    loss: float
    member: int = 0
    members: int = 1


@dataclass
class History:
    """Per-epoch curves and how the run ended (``message_key`` is a catalog key explaining ``status``)."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_loss: float = math.inf
    status: str = "completed"
    message_key: str = "engine.status.completed"
    message_params: dict = field(default_factory=dict)
    fit_seconds: float = 0.0

    @property
    def epochs_run(self) -> int:
        return len(self.train_loss)

    def to_dict(self) -> dict:
        """JSON-safe: a non-finite loss (a run that blew up, an epoch without validation) becomes None."""
        return {
            "train_loss": _finite_list(self.train_loss),
            "val_loss": _finite_list(self.val_loss),
            "lr": _finite_list(self.lr),
            "best_epoch": self.best_epoch,
            "best_loss": self.best_loss if math.isfinite(self.best_loss) else None,
            "status": self.status,
            "message_key": self.message_key,
            "message_params": dict(self.message_params),
            "fit_seconds": self.fit_seconds,
        }

    @classmethod
    def fields_from_dict(cls, d: dict) -> dict:
        """Constructor arguments from ``to_dict``'s output (what a model file stores); missing items get defaults."""
        best = d.get("best_loss")
        return {
            "train_loss": [math.nan if v is None else float(v) for v in d.get("train_loss", [])],
            "val_loss": [math.nan if v is None else float(v) for v in d.get("val_loss", [])],
            "lr": [math.nan if v is None else float(v) for v in d.get("lr", [])],
            "best_epoch": int(d.get("best_epoch", 0)),
            "best_loss": math.inf if best is None else float(best),
            "status": str(d.get("status", "completed")),
            "message_key": str(d.get("message_key", "engine.status.completed")),
            "message_params": dict(d.get("message_params", {})),
            "fit_seconds": float(d.get("fit_seconds", 0.0)),
        }

    @classmethod
    def from_dict(cls, d: dict) -> History:
        return cls(**cls.fields_from_dict(d))


def _finite_list(values) -> list[float | None]:
    return [float(v) if v is not None and math.isfinite(float(v)) else None for v in values]


def loss_fn(name: str, delta: float = 1.0) -> Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]:
    """``(pred, target) -> (loss, dloss/dpred)`` for "mse", "mae" or "huber"."""
    if name == "mse":
        return mse
    if name == "mae":
        return mae
    if name == "huber":
        def huber_loss(pred, target):
            return huber(pred, target, delta)
        huber_loss.delta = delta  # read by losses.weighted
        return huber_loss
    raise CoreError("errors.engine.bad_config", field="loss", value=str(name))


class SequenceRegressor:
    """A recurrent net followed by a linear head.

    readout "last": the head reads the final hidden state, h_T (for a bidirectional net the forward
    direction's h_T joined with the backward direction's h at t = 0, i.e. both directions' final states):
    pred = W_o · h + b_o, (B, out). readout "all": the head reads every step, pred (B, T, out).
    Parameters are exposed as one dict of live arrays, ``net.<name>`` and ``head.<name>``.
    """

    def __init__(self, net: Any, head: Any, readout: str = "last") -> None:
        if readout not in ("last", "all"):
            raise CoreError("errors.engine.bad_config", field="readout", value=str(readout))
        self.net, self.head, self.readout = net, head, readout
        self.params: dict[str, np.ndarray] = {f"net.{k}": v for k, v in net.params.items()}
        self.params.update({f"head.{k}": v for k, v in head.params.items()})

    def _features(self, y: np.ndarray) -> np.ndarray:
        if self.readout == "all":
            return y  # (B, T, D*H)
        H = self.net.hidden_size
        if y.shape[-1] == H:
            return y[:, -1, :]  # (B, H)
        return np.concatenate([y[:, -1, :H], y[:, 0, H:]], axis=1)  # (B, 2H)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, tuple]:
        y, trace = self.net.forward(x)  # (B, T, D*H)
        feats = self._features(y)
        pred, head_cache = self.head.forward(feats)
        return pred, (y.shape, trace, head_cache)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)[0]

    def backward(self, dpred: np.ndarray, cache: tuple) -> dict[str, np.ndarray]:
        y_shape, trace, head_cache = cache
        dfeats, g_head = self.head.backward(dpred, head_cache)
        if self.readout == "all":
            dy = dfeats
        else:
            H = self.net.hidden_size
            dy = np.zeros(y_shape, dtype=dfeats.dtype)  # (B, T, D*H)
            dy[:, -1, :H] = dfeats[:, :H]
            if y_shape[-1] > H:
                dy[:, 0, H:] = dfeats[:, H:]
        _, g_net = self.net.backward(dy, trace)
        grads = {f"net.{k}": v for k, v in g_net.items() if f"net.{k}" in self.params}
        grads.update({f"head.{k}": v for k, v in g_head.items()})
        return grads

    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, d: dict[str, np.ndarray]) -> None:
        """Copy values into the live arrays (so optimisers keep pointing at them)."""
        for k, v in d.items():
            np.copyto(self.params[k], v)

    def num_parameters(self) -> int:
        return int(sum(v.size for v in self.params.values()))


def _batches(n: int, batch_size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    order = rng.permutation(n) if rng is not None else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def _eval_loss(model, X, Y, lossf, batch: int = 512) -> float:
    total, count = 0.0, 0
    for i in range(0, X.shape[0], batch):
        pred, _ = model.forward(X[i : i + batch])
        loss, _ = lossf(pred, Y[i : i + batch])
        n = pred.shape[0]
        total += float(loss) * n
        count += n
    return total / max(count, 1)


def _finite(params: dict[str, np.ndarray]) -> bool:
    return all(bool(np.isfinite(v).all()) for v in params.values())


def fit_model(
    model: Any,
    X: np.ndarray,
    Y: np.ndarray,
    X_val: np.ndarray | None = None,
    Y_val: np.ndarray | None = None,
    config: TrainConfig | None = None,
    callback: Callable[[EpochInfo], Any] | None = None,
    batch_callback: Callable[[BatchInfo], Any] | None = None,
    member: int = 0,
    members: int = 1,
    forecaster: Any = None,
    weights: np.ndarray | None = None,
) -> History:
    """Train ``model`` in place on (X, Y), validating on (X_val, Y_val); returns the ``History``.

    X (N, T, in) and Y (N, out) or (N, T, out) are cast to the model's dtype once. ``weights`` (shaped like
    Y, ≥ 0) weigh each target element in the training loss (0 leaves it out; see ``losses.weighted``).
    Callbacks may return ``False`` or raise ``StopTraining`` to cancel. Never raises for divergence (see the
    module docstring).
    """
    cfg = config or TrainConfig()
    lossf = loss_fn(cfg.loss, cfg.huber_delta)
    dtype = next(iter(model.params.values())).dtype
    X = np.ascontiguousarray(X, dtype=dtype)
    Y = np.ascontiguousarray(Y, dtype=dtype)
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != Y.shape or not np.isfinite(weights).all() or (weights < 0).any():
            raise CoreError("errors.engine.bad_config", field="weights", value=str(weights.shape))
    has_val = X_val is not None and Y_val is not None and len(X_val) > 0
    if has_val:
        X_val = np.ascontiguousarray(X_val, dtype=dtype)
        Y_val = np.ascontiguousarray(Y_val, dtype=dtype)
    if X.shape[0] == 0:
        raise CoreError("errors.engine.too_short", n=0, needed=1)
    if cfg.reference_loss is not None and not (math.isfinite(cfg.reference_loss) and cfg.reference_loss > 0):
        raise CoreError("errors.engine.bad_config", field="reference_loss", value=str(cfg.reference_loss))
    if not (math.isfinite(cfg.reference_factor) and cfg.reference_factor > 0):
        raise CoreError("errors.engine.bad_config", field="reference_factor", value=str(cfg.reference_factor))
    ref_limit = math.inf if cfg.reference_loss is None else cfg.reference_factor * cfg.reference_loss

    opt = make_optimizer(cfg.optimizer, model.params, cfg.learning_rate, cfg.weight_decay, cfg.momentum)
    if cfg.schedule == "cosine":
        sched = CosineSchedule(opt, cfg.epochs)
    elif cfg.schedule == "plateau":
        sched = ReduceOnPlateau(opt, patience=max(2, cfg.patience // 3 if cfg.patience else 5))
    else:
        sched = None
    rng = np.random.default_rng(cfg.seed) if cfg.shuffle else None

    hist = History()
    best_state = model.state_dict()  # the initial weights are the first "good" ones
    best_train = math.inf
    since_best = 0
    t0 = time.perf_counter()
    stop_reason = None
    above_reference: float | None = None  # the epoch loss that failed the reference test, if one did
    epoch = 0

    def cancelled(result: Any) -> bool:
        return result is False

    try:
        for epoch in range(1, cfg.epochs + 1):
            batches = _batches(X.shape[0], cfg.batch_size, rng)
            total, norms, diverged = 0.0, 0.0, False
            for b, idx in enumerate(batches, start=1):
                try:
                    with np.errstate(over="ignore", invalid="ignore"):
                        pred, cache = model.forward(X[idx])
                        if weights is None:
                            loss, dpred = lossf(pred, Y[idx])
                        elif weights[idx].sum() > 0:
                            loss, dpred = weighted(lossf, pred, Y[idx], weights[idx])
                        else:  # every target of this batch lies past the end: nothing to learn from it
                            continue
                        loss = float(loss)
                        grads = model.backward(dpred, cache) if math.isfinite(loss) else None
                except CoreError as exc:  # the core refuses NaN/inf activations: that is divergence here
                    if exc.key != "errors.core.non_finite":
                        raise
                    grads = None
                if grads is None:
                    diverged = True
                    break
                norm = clip_grad_norm(grads, cfg.clip_norm)
                if not math.isfinite(norm):
                    diverged = True
                    break
                opt.step(grads)
                total += loss * len(idx)
                norms += norm
                if batch_callback is not None and cancelled(
                    batch_callback(BatchInfo(epoch, b, len(batches), loss, member, members))
                ):
                    raise StopTraining
            train_loss = total / X.shape[0]
            if diverged or not _finite(model.params) or (
                math.isfinite(best_train) and train_loss > cfg.divergence_factor * max(best_train, 1e-12)
            ):
                stop_reason = "diverged"
                break
            if train_loss > ref_limit:
                stop_reason, above_reference = "diverged", train_loss
                break
            best_train = min(best_train, train_loss)
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    val_loss = _eval_loss(model, X_val, Y_val, lossf) if has_val else None
            except CoreError as exc:
                if exc.key != "errors.core.non_finite":
                    raise
                val_loss = math.inf
            if val_loss is not None and not math.isfinite(val_loss):
                stop_reason = "diverged"
                break
            score = val_loss if has_val else train_loss
            hist.train_loss.append(train_loss)
            hist.val_loss.append(val_loss if val_loss is not None else float("nan"))
            hist.lr.append(opt.lr)
            if score < hist.best_loss * (1 - cfg.min_delta) or hist.best_epoch == 0:
                hist.best_loss, hist.best_epoch = score, epoch
                best_state = model.state_dict()
                since_best = 0
            else:
                since_best += 1
            if sched is not None:
                sched.step(epoch - 1, val_loss if has_val else train_loss)
            elapsed = time.perf_counter() - t0
            if callback is not None:
                info = EpochInfo(
                    epoch=epoch,
                    epochs=cfg.epochs,
                    train_loss=train_loss,
                    val_loss=val_loss,
                    best_epoch=hist.best_epoch,
                    best_loss=hist.best_loss,
                    elapsed_s=elapsed,
                    eta_s=elapsed / epoch * (cfg.epochs - epoch),
                    lr=opt.lr,
                    grad_norm=norms / max(len(batches), 1),
                    member=member,
                    members=members,
                    model=model,
                    forecaster=forecaster,
                )
                if cancelled(callback(info)):
                    raise StopTraining
            if cfg.patience and since_best >= cfg.patience:
                stop_reason = "early_stopped"
                break
    except StopTraining:
        stop_reason = "cancelled"

    model.load_state_dict(best_state)
    hist.status = stop_reason or "completed"
    hist.message_key = f"engine.status.{hist.status}"
    hist.message_params = {"epoch": epoch, "epochs": cfg.epochs, "best_epoch": hist.best_epoch}
    if above_reference is not None:
        hist.message_key = "engine.status.diverged_reference"
        hist.message_params.update(loss=above_reference, reference=cfg.reference_loss,
                                   factor=cfg.reference_factor, ratio=above_reference / cfg.reference_loss)
    hist.fit_seconds = time.perf_counter() - t0
    return hist
