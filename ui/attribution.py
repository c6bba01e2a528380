"""Which inputs drive an output of a recurrent regressor: the input gradient and integrated gradients.

For a ``lstm_core.train.SequenceRegressor`` f (recurrent net + linear head), one input window x (T, in) and an
output k (a step ahead of a direct forecaster)::

    gradient              g_t  = ∂f_k/∂x_t                                 (the core's own backward pass: dx)
    integrated gradients  IG_t = (x_t − b_t) · ∫₀¹ ∂f_k/∂x_t (b + α (x − b)) dα      (Sundararajan et al. 2017)

with a baseline window b (zeros: in the forecaster's scaled units, a window flat at its anchor level). The
integral has IG's completeness, Σ_t IG_t = f_k(x) − f_k(b), exactly, so the quadrature is checked against it:
a composite Gauss–Legendre rule (``NODES`` nodes per panel, exact for polynomials of degree 2·NODES − 1 on each
panel) starts with one panel and doubles the panels of every output whose sum still misses f_k(x) − f_k(b) by
more than ``TOLERANCE``, up to ``MAX_PANELS``. Along the path a tanh/sigmoid network is a smooth function of α,
so one panel usually reaches float64 round-off; a trained network whose gates switch sharply somewhere on the
path needs a few more. The path points go through one batched forward pass (in chunks of ``CHUNK``) whose
trace serves one backward pass per output, on a float64 copy of the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.linear import Linear
from lstm_core.recurrent import NETWORKS
from lstm_core.train import SequenceRegressor

NODES = 32  # Gauss–Legendre nodes per panel of the integrated-gradients integral
TOLERANCE = 1e-7  # completeness gap |Σ IG − (f(x) − f(b))| at which an output's integral is accepted
MAX_PANELS = 32  # panels at most (NODES × MAX_PANELS path points for an output that never meets TOLERANCE)
CHUNK = 1024  # path points per forward pass (bounds the memory of one pass)


def float64_copy(model: SequenceRegressor) -> SequenceRegressor:
    """The same network and head with float64 parameters (the app trains in float32)."""
    net = model.net
    net64 = NETWORKS[net.kind](net.input_size, net.hidden_size, num_layers=net.num_layers,
                               bidirectional=net.bidirectional, seed=None, dtype="float64")
    net64.load_state_dict(net.state_dict())
    head = model.head
    head64 = Linear(head.in_features, head.out_features, seed=None, dtype="float64")
    head64.load_state_dict(head.state_dict())
    return SequenceRegressor(net64, head64, readout=model.readout)


def _outputs(model: SequenceRegressor, X: np.ndarray) -> tuple[np.ndarray, tuple]:
    """``(pred (B, out), cache)`` for windows X (B, T, in); a readout over every step keeps the last one."""
    pred, cache = model.forward(X)
    return (pred[:, -1, :] if model.readout == "all" else pred), cache


def _backward_to_inputs(model: SequenceRegressor, pred: np.ndarray, cache: tuple, dpred: np.ndarray) -> np.ndarray:
    """dx (B, T, in) for the gradient ``dpred`` (B, out) at the outputs, through the head and the net.

    The head's backward gives the gradient at the features it reads (the last hidden state; both directions'
    final states when bidirectional), the net's backward carries it through time to the inputs. A trace is a
    plain value, so one forward serves several backward passes.
    """
    y_shape, trace, head_cache = cache
    H = model.net.hidden_size
    if model.readout == "all":
        full = np.zeros_like(pred)  # (B, T, out): only the last step's outputs are read
        full[:, -1, :] = dpred
        dy, _ = model.head.backward(full, head_cache)
    else:
        dfeats, _ = model.head.backward(np.asarray(dpred, dtype=pred.dtype), head_cache)  # (B, D*H)
        dy = np.zeros(y_shape, dtype=dfeats.dtype)  # (B, T, D*H)
        dy[:, -1, :H] = dfeats[:, :H]  # forward direction: its final state is at the last step
        if y_shape[-1] > H:
            dy[:, 0, H:] = dfeats[:, H:]  # backward direction: its final state is at the first step
    dx, _ = model.net.backward(dy, trace)
    return dx


def output_gradients(model: SequenceRegressor, X: np.ndarray, outputs: np.ndarray,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """g[k, b] = w_b ∂f_{outputs[k]}(x_b)/∂x_b for windows X (B, T, in): (K, B, T, in).

    One forward pass for all the windows, then one backward pass per output (``weights`` (B,), default 1).
    """
    pred, cache = model.forward(X)
    w = np.ones(X.shape[0], dtype=pred.dtype) if weights is None else np.asarray(weights, dtype=pred.dtype)
    out = np.empty((len(outputs), *X.shape), dtype=pred.dtype)
    for k, o in enumerate(outputs):
        dpred = np.zeros((X.shape[0], model.head.out_features), dtype=pred.dtype)
        dpred[:, int(o)] = w
        out[k] = _backward_to_inputs(model, pred, cache, dpred)
    return out


def input_gradients(model: SequenceRegressor, x: np.ndarray, outputs: np.ndarray | None = None) -> np.ndarray:
    """g[k, t, i] = ∂f_k/∂x_{t,i} for one window x (T, in) and each output k of ``outputs`` (default all):
    (len(outputs), T, in)."""
    x = np.asarray(x, dtype=model.net.dtype)
    outputs = np.arange(model.head.out_features) if outputs is None else np.asarray(outputs, dtype=int)
    return output_gradients(model, x[None], outputs)[:, 0]


@dataclass(frozen=True)
class IntegratedGradients:
    """Integrated gradients of some outputs for one window (see the module docstring).

    ``attributions`` (K, T, in) for the K outputs asked; ``value`` f_k(x) and ``baseline_value`` f_k(b), (K,).
    Completeness: ``attributions[k].sum() == value[k] − baseline_value[k]`` (to quadrature round-off).
    """

    attributions: np.ndarray
    value: np.ndarray
    baseline_value: np.ndarray

    def completeness_gap(self) -> np.ndarray:
        """|Σ_t IG_t − (f(x) − f(b))| per output, (K,): what the quadrature left."""
        total = self.attributions.reshape(self.attributions.shape[0], -1).sum(axis=1)
        return np.abs(total - (self.value - self.baseline_value))


def _nodes(panels: int, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on [0, 1]: ``panels`` equal panels of ``nodes`` each."""
    a, w = np.polynomial.legendre.leggauss(int(nodes))
    left = np.arange(panels)[:, None] / panels
    alpha = (left + (a[None, :] + 1.0) / (2.0 * panels)).ravel()
    return alpha, np.tile(w / (2.0 * panels), panels)


def _path_gradients(model: SequenceRegressor, x: np.ndarray, b: np.ndarray, outputs: np.ndarray,
                    alpha: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_j w_j ∂f_k/∂x (b + α_j (x − b)) for each output k of ``outputs``: (K, T, in).

    The path points go forward once (in chunks of ``CHUNK``), each output backward once per chunk.
    """
    total = np.zeros((outputs.size, *x.shape), dtype=x.dtype)
    for lo in range(0, alpha.size, CHUNK):
        a, wj = alpha[lo:lo + CHUNK], w[lo:lo + CHUNK]
        X = b[None] + a[:, None, None] * (x - b)[None]  # (chunk, T, in)
        total += output_gradients(model, X, outputs, wj).sum(axis=1)
    return total


def integrated_gradients(model: SequenceRegressor, x: np.ndarray, outputs: np.ndarray | None = None,
                         baseline: np.ndarray | None = None, nodes: int = NODES,
                         tolerance: float = TOLERANCE) -> IntegratedGradients:
    """Integrated gradients of ``outputs`` (default all) for one window x (T, in) from ``baseline`` (zeros).

    Panels double for the outputs whose completeness gap is above ``tolerance`` (see the module docstring).
    """
    dtype = model.net.dtype
    x = np.asarray(x, dtype=dtype)
    b = np.zeros_like(x) if baseline is None else np.asarray(baseline, dtype=dtype)
    outputs = np.arange(model.head.out_features) if outputs is None else np.asarray(outputs, dtype=int)
    ends, _ = _outputs(model, np.stack([x, b]))  # (2, out)
    target = (ends[0, outputs] - ends[1, outputs]).astype(np.float64)  # f(x) − f(b), what IG must add up to
    attributions = np.zeros((outputs.size, *x.shape), dtype=np.float64)
    todo, panels = np.arange(outputs.size), 1
    while todo.size:
        alpha, w = _nodes(panels, nodes)
        attributions[todo] = (x - b)[None] * _path_gradients(model, x, b, outputs[todo], alpha, w)
        gap = np.abs(attributions[todo].reshape(todo.size, -1).sum(axis=1) - target[todo])
        todo, panels = todo[gap > tolerance], panels * 2
        if panels > MAX_PANELS:
            break
    return IntegratedGradients(attributions, ends[0, outputs].astype(np.float64),
                               ends[1, outputs].astype(np.float64))
