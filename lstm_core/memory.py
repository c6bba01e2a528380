"""Long-memory experiments: train a plain RNN, an LSTM and a GRU on the same task and measure their gradients.

This is what the "Vanishing gradients" page and ``benchmarks/memory.py`` run. The data (``X`` (N, T, in),
``Y`` (N, out), e.g. from ``datasets.synthetic.memory_task``) is passed in: the core never imports ``datasets``.

Every network is a recurrent layer followed by a linear head that reads the last hidden state,
``ŷ = W_o h_{T-1} + b_o``, trained with ``fit_model`` under one shared budget (``MemoryConfig``: the same hidden
size, epochs, batch size, learning rate and seed for the three kinds).

Gradients reaching earlier steps (per example ``b``, loss ``L_b = (ŷ_b − y_b)²``)::

    dh[t] = mean_b ‖∂L_b/∂h_t‖₂      the core's own backward pass (return_state_grads=True)
    dx[t] = mean_b ‖∂ŷ_b/∂x_t‖₂      the input gradient ``dx`` of the same pass, with ∂ŷ/∂ŷ = 1

In a plain RNN ``∂h_t/∂h_{t-1} = diag(1 − h_t²) W_hh``: a product of T such factors usually shrinks
geometrically, so ``dh[0] / dh[T-1]`` is tiny (vanishing gradient). In an LSTM the cell state path
``∂c_t/∂c_{t-1} = diag(f_t)`` keeps it near 1 while the forget gate stays open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import CoreError
from .linear import Linear
from .recurrent import NETWORKS
from .train import EpochInfo, History, SequenceRegressor, TrainConfig, fit_model

KINDS: tuple[str, ...] = ("RNN", "LSTM", "GRU")  # display order: the plain RNN first, as the reference
TASK_NAMES: tuple[str, ...] = ("recall_first", "adding", "delayed_echo")


@dataclass(frozen=True)
class MemoryConfig:
    """The one training budget shared by the three kinds (frozen, hashable: usable as a cache key)."""

    hidden_size: int = 16  # units of every network
    epochs: int = 20  # passes over the training examples
    batch_size: int = 16  # examples per optimiser step
    learning_rate: float = 0.02  # AdamW step size
    seed: int = 0  # weights and shuffling
    forget_bias: float = 1.0  # added to the LSTM forget-gate bias at init (Gers et al. 2000), 0 = PyTorch's init
    tolerance: float = 0.1  # an answer counts as right when |ŷ − y| ≤ tolerance


@dataclass
class StepGradients:
    """Size of the gradient reaching each step, averaged over the examples (see the module docstring).

    ``dh``: (T,) mean ‖∂L/∂h_t‖; ``dx``: (T,) mean ‖∂ŷ/∂x_t‖.
    """

    dh: np.ndarray
    dx: np.ndarray

    def relative(self, which: str = "dh") -> np.ndarray:
        """The profile divided by its value at the last step, so 1 at ``t = T-1`` and 10⁻⁶ means 'a millionth'."""
        g = np.asarray(getattr(self, which), dtype=np.float64)
        last = g[-1]
        return g / last if last > 0 else np.full_like(g, np.nan)

    def first_to_last(self, which: str = "dh") -> float:
        """``g[0] / g[T-1]``: how much of the gradient at the end still reaches the first step."""
        return float(self.relative(which)[0])


@dataclass
class KindResult:
    """One kind trained on one task: test accuracy and error, the gradients before and after training."""

    kind: str
    accuracy: float  # fraction of test answers within ± tolerance
    mse: float  # test mean squared error
    chance: float  # accuracy of always answering the training mean (the "guessing" level)
    history: History
    grads_init: StepGradients  # on the untrained network (same seed)
    grads_trained: StepGradients
    seconds: float  # training time
    num_parameters: int = 0


@dataclass
class Comparison:
    """The three kinds on one task and lag."""

    seq_len: int
    lag: int
    config: MemoryConfig
    results: dict[str, KindResult] = field(default_factory=dict)


def task_shape(task: str, lag: int) -> tuple[int, int | None]:
    """``(seq_len, lag argument)`` of a memory task where the answer lies ``lag`` steps before the end.

    recall_first: the first of ``lag + 1`` values; delayed_echo: the value ``lag`` steps back in ``lag + 5``
    values (a few steps follow, so the answer is not simply the first input); adding: the markers fall in the
    two halves of ``lag`` steps, so the earlier one is on average ``3 lag / 4`` steps back.
    """
    if task not in TASK_NAMES:
        raise CoreError("errors.core.bad_config", name="task", value=str(task))
    if not isinstance(lag, int | np.integer) or lag < 1:
        raise CoreError("errors.core.bad_config", name="lag", value=str(lag))
    lag = int(lag)
    if task == "recall_first":
        return lag + 1, None
    if task == "adding":
        return max(lag, 2), None
    return lag + 5, lag


def build_model(kind: str, input_size: int, output_size: int, config: MemoryConfig) -> SequenceRegressor:
    """An untrained ``kind`` network (``"RNN"``, ``"LSTM"`` or ``"GRU"``) plus a linear head on its last state."""
    if kind not in KINDS:
        raise CoreError("errors.core.bad_config", name="kind", value=str(kind))
    net = NETWORKS[kind](input_size, config.hidden_size, seed=config.seed, dtype="float32")
    if kind == "LSTM" and config.forget_bias:
        H = config.hidden_size
        net.params["bias_hh_l0"][H:2 * H] += np.float32(config.forget_bias)  # rows i, f, g, o: f is block 1
    head = Linear(config.hidden_size, output_size, seed=config.seed, dtype="float32")
    return SequenceRegressor(net, head, readout="last")


def _check_xy(X: np.ndarray, Y: np.ndarray, dtype: np.dtype | str = np.float32) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=dtype)
    Y = np.asarray(Y, dtype=dtype)
    if X.ndim != 3:
        raise CoreError("errors.core.bad_rank", name="x", ndim=X.ndim, expected=3)
    if Y.ndim != 2 or Y.shape[0] != X.shape[0]:
        raise CoreError("errors.core.shape_mismatch", pred=str(X.shape), target=str(Y.shape))
    return X, Y


def step_gradients(model: SequenceRegressor, X: np.ndarray, Y: np.ndarray) -> StepGradients:
    """Per-step gradient sizes ``dh`` (‖∂L_b/∂h_t‖) and ``dx`` (‖∂ŷ_b/∂x_t‖), averaged over the examples.

    One forward and two backward passes of the core (first layer, forward direction). ``L_b = (ŷ_b − y_b)²``
    per example, not averaged over the batch, so the size does not depend on how many examples are measured.
    """
    X, Y = _check_xy(X, Y, model.net.dtype)
    pred, (y_shape, trace, head_cache) = model.forward(X)  # pred (B, out)
    H = model.net.hidden_size

    def state_grads(dpred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dfeats, _ = model.head.backward(dpred, head_cache)  # (B, H)
        dy = np.zeros(y_shape, dtype=dfeats.dtype)  # (B, T, H)
        dy[:, -1, :H] = dfeats
        dx, _, dh_steps = model.net.backward(dy, trace, return_state_grads=True)
        return dx, dh_steps[(0, "forward")]  # (B, T, in), (B, T, H)

    _, dh = state_grads(2.0 * (pred - Y))
    dx, _ = state_grads(np.ones_like(pred))
    return StepGradients(
        dh=np.linalg.norm(dh.astype(np.float64), axis=2).mean(axis=0),  # (T,)
        dx=np.linalg.norm(dx.astype(np.float64), axis=2).mean(axis=0),  # (T,)
    )


def accuracy(pred: np.ndarray, Y: np.ndarray, tolerance: float) -> float:
    """Fraction of examples whose every output is within ``tolerance`` of the target."""
    ok = np.abs(np.asarray(pred, dtype=np.float64) - np.asarray(Y, dtype=np.float64)) <= tolerance
    return float(ok.all(axis=1).mean())


def train_kind(
    kind: str,
    X: np.ndarray,
    Y: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    config: MemoryConfig,
    callback: Callable[[EpochInfo], object] | None = None,
    grad_examples: int = 128,
) -> KindResult:
    """Train one kind on (X, Y) under ``config``, score it on (X_test, Y_test) and measure its gradients.

    The gradients are measured on the first ``grad_examples`` test examples, once at initialisation and once
    after training. The best weights of the run are kept (``fit_model``).
    """
    X, Y = _check_xy(X, Y)
    X_test, Y_test = _check_xy(X_test, Y_test)
    model = build_model(kind, X.shape[2], Y.shape[1], config)
    Xg, Yg = X_test[:grad_examples], Y_test[:grad_examples]
    grads_init = step_gradients(model, Xg, Yg)
    tc = TrainConfig(epochs=config.epochs, batch_size=config.batch_size, learning_rate=config.learning_rate,
                     seed=config.seed)
    t0 = time.perf_counter()
    history = fit_model(model, X, Y, config=tc, callback=callback)
    seconds = time.perf_counter() - t0
    pred = model.predict(X_test)
    guess = np.broadcast_to(Y.mean(axis=0, keepdims=True), Y_test.shape)
    return KindResult(
        kind=kind,
        accuracy=accuracy(pred, Y_test, config.tolerance),
        mse=float(np.mean((pred.astype(np.float64) - Y_test) ** 2)),
        chance=accuracy(guess, Y_test, config.tolerance),
        history=history,
        grads_init=grads_init,
        grads_trained=step_gradients(model, Xg, Yg),
        seconds=seconds,
        num_parameters=model.num_parameters(),
    )


def compare_kinds(
    X: np.ndarray,
    Y: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    config: MemoryConfig,
    lag: int,
    kinds: Sequence[str] = KINDS,
    progress: Callable[[str, EpochInfo], object] | None = None,
) -> Comparison:
    """Train every kind in ``kinds`` with the same budget on the same data; ``progress(kind, info)`` per epoch."""
    out = Comparison(seq_len=int(np.asarray(X).shape[1]), lag=int(lag), config=config)
    for kind in kinds:
        cb = None if progress is None else (lambda info, k=kind: progress(k, info))
        out.results[kind] = train_kind(kind, X, Y, X_test, Y_test, config, callback=cb)
    return out


def init_gradients(X: np.ndarray, Y: np.ndarray, config: MemoryConfig,
                   kinds: Sequence[str] = KINDS) -> dict[str, StepGradients]:
    """Gradients of the untrained networks only (no training: instant, the clearest picture of the decay)."""
    X, Y = _check_xy(X, Y)
    return {kind: step_gradients(build_model(kind, X.shape[2], Y.shape[1], config), X, Y) for kind in kinds}
