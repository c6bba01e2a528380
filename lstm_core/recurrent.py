"""Recurrent layers (LSTM, GRU, Elman RNN) in NumPy with hand-written backpropagation through time.

The layers mirror ``torch.nn.LSTM/GRU/RNN`` with ``batch_first=True``: same parameter names, shapes, gate order
and initial-state shapes, so weights move between the two and the results can be checked against PyTorch.

Notation (one direction of one layer, row vectors, ``B`` batch, ``T`` time, ``H`` hidden units)::

    LSTM  [i f g o] = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh      (rows of W in the order i, f, g, o)
          i, f, o = sigmoid(.),  g = tanh(.)
          c_t = f * c_{t-1} + i * g,        h_t = o * tanh(c_t)
    GRU   [r z] = sigmoid(x_t W_ih[r,z]^T + b_ih[r,z] + h_{t-1} W_hh[r,z]^T + b_hh[r,z])
          n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))
          h_t = (1 - z) * n + z * h_{t-1}
    RNN   h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)

Speed (see "Layout" below for the details): one GEMM per step, of the fused weights ``[W_hh | W_ih | b]`` with
``[h_{t-1}; x_t; 1]`` (the input projection and the biases folded in); a sigmoid is ``0.5 * tanh(0.5 u) + 0.5``
(never overflows) with the 0.5 folded into the sigmoid rows, so one ``tanh`` covers all gates; feature-major
``(H, B)`` slabs so each ufunc call covers whole gates; a backward step of one GEMM and a few broadcast products
with factors formed before the loop; weight gradients as products after the loop; every GEMM kept below
OpenBLAS's threading threshold (``gemm``), so a second BLAS thread never slows a layer down; temporaries reused
across calls (``buffers``), never anything handed to the caller.

``Trace.gate`` returns ``(B, T, H)`` views. The reverse direction of a bidirectional layer runs
``t = T-1 ... 0``; its trace views and outputs are in forward time order.

Layers keep no per-call state: ``forward`` returns a ``Trace`` value that ``backward`` consumes, so one network
can serve several threads at once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import buffers, gemm
from .errors import CoreError

KINDS: tuple[str, ...] = ("LSTM", "GRU", "RNN")
DIRECTIONS: tuple[str, ...] = ("forward", "backward")
DTYPES: tuple[str, ...] = ("float32", "float64")
NUM_GATES: dict[str, int] = {"LSTM": 4, "GRU": 3, "RNN": 1}
GATE_NAMES: dict[str, tuple[str, ...]] = {
    "LSTM": ("input", "forget", "candidate", "output", "cell", "hidden"),
    "GRU": ("reset", "update", "candidate", "hidden"),
    "RNN": ("hidden",),
}
# gate name -> row block in the fused weights; only these can be clamped
_GATE_BLOCK: dict[str, dict[str, int]] = {
    "LSTM": {"input": 0, "forget": 1, "candidate": 2, "output": 3},
    "GRU": {"reset": 0, "update": 1, "candidate": 2},
    "RNN": {},
}
# value range of each clampable gate's activation
_GATE_RANGE: dict[str, tuple[float, float]] = {
    "input": (0.0, 1.0), "forget": (0.0, 1.0), "output": (0.0, 1.0), "reset": (0.0, 1.0), "update": (0.0, 1.0),
    "candidate": (-1.0, 1.0),
}


# ----------------------------------------------------------------------------------------------- validation


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_real_array(value: Any, name: str, dtype: np.dtype | str) -> np.ndarray:
    """``value`` as an array of ``dtype``; CoreError for non-real dtypes (complex, text, objects, bools) or NaN/inf.

    The finiteness check runs after the cast, so a float64 value that overflows float32 is caught too.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise CoreError("errors.core.bad_dtype", name=name, dtype=type(value).__name__) from exc
    if arr.dtype.kind not in "iuf":
        raise CoreError("errors.core.bad_dtype", name=name, dtype=str(arr.dtype))
    with np.errstate(over="ignore"):
        arr = arr.astype(dtype, copy=False)
    if not np.isfinite(arr).all():
        raise CoreError("errors.core.non_finite", name=name)
    return arr


def _shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def check_param_dict(d: Any, expected: Mapping[str, tuple[int, ...]], dtype: np.dtype) -> dict[str, np.ndarray]:
    """Validate a state dict against the expected names and shapes; returns the arrays cast to ``dtype``.

    CoreError naming the offending key: ``missing_param``, ``unexpected_param``, ``bad_param_shape``,
    ``bad_dtype`` or ``non_finite_param``.
    """
    if not isinstance(d, Mapping):
        raise CoreError("errors.core.bad_state_dict", type=type(d).__name__)
    for name in expected:
        if name not in d:
            raise CoreError("errors.core.missing_param", name=name)
    for name in d:
        if name not in expected:
            raise CoreError("errors.core.unexpected_param", name=str(name))
    out: dict[str, np.ndarray] = {}
    for name, shape in expected.items():
        arr = np.asarray(d[name])
        if arr.dtype.kind not in "iuf":
            raise CoreError("errors.core.bad_dtype", name=name, dtype=str(arr.dtype))
        if arr.shape != tuple(shape):
            raise CoreError("errors.core.bad_param_shape", name=name, expected=_shape_text(shape),
                            got=_shape_text(arr.shape))
        with np.errstate(over="ignore"):
            arr = arr.astype(dtype, copy=False)
        if not np.isfinite(arr).all():
            raise CoreError("errors.core.non_finite_param", name=name)
        out[name] = arr
    return out


def check_dtype_name(dtype: Any) -> np.dtype:
    """``"float32"``/``"float64"`` (or the numpy dtypes) -> np.dtype; CoreError bad_config otherwise."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise CoreError("errors.core.bad_config", name="dtype", value=str(dtype)) from exc
    if dt.name not in DTYPES:
        raise CoreError("errors.core.bad_config", name="dtype", value=str(dtype))
    return dt


# ----------------------------------------------------------------------------------------------- clamping


@dataclass(frozen=True)
class Clamp:
    """Force one gate's activation to ``value`` for some units and steps ("what if the forget gate were 1?").

    ``units``: list of unit indices (None = all); ``steps``: half-open ``(t0, t1)`` in forward time order
    (None = all). The rest of the computation (cell state, hidden state, later layers) uses the forced value.
    """

    gate: str
    value: float
    units: tuple[int, ...] | None = None
    steps: tuple[int, int] | None = None
    layer: int = 0
    direction: str = "forward"

    def __post_init__(self) -> None:
        if self.units is not None and not isinstance(self.units, tuple):
            object.__setattr__(self, "units", tuple(self.units))
        if self.steps is not None and not isinstance(self.steps, tuple):
            object.__setattr__(self, "steps", tuple(self.steps))


def _bad_clamp(reason: str, clamp: Any) -> CoreError:
    return CoreError("errors.core.bad_clamp", reason=reason, gate=str(getattr(clamp, "gate", "?")))


def _clamp_plan(kind: str, clamps: Any, num_layers: int, num_dirs: int, T: int, H: int
                ) -> dict[tuple[int, int], dict[int, list[tuple[int, np.ndarray, float]]]]:
    """Validated clamps as ``{(layer, dir): {t: [(gate_block, rows, value), ...]}}``.

    ``gate_block`` is the gate's PyTorch block, ``rows`` the clamped units' rows in the direction's activation
    array ``A`` (see ``_DirCache``), ``t`` forward time.
    """
    plan: dict[tuple[int, int], dict[int, list[tuple[int, np.ndarray, float]]]] = {}
    if clamps is None:
        return plan
    if isinstance(clamps, Clamp):
        clamps = [clamps]
    for cl in clamps:
        if not isinstance(cl, Clamp):
            raise _bad_clamp("not_a_clamp", cl)
        if cl.gate not in _GATE_BLOCK[kind]:
            raise _bad_clamp("unknown_gate", cl)
        if not _is_int(cl.layer) or not 0 <= cl.layer < num_layers:
            raise _bad_clamp("bad_layer", cl)
        if cl.direction not in DIRECTIONS[:num_dirs]:
            raise _bad_clamp("bad_direction", cl)
        try:
            value = float(cl.value)
        except (TypeError, ValueError) as exc:
            raise _bad_clamp("bad_value", cl) from exc
        lo, hi = _GATE_RANGE[cl.gate]
        if not (math.isfinite(value) and lo <= value <= hi):
            raise _bad_clamp("bad_value", cl)
        if cl.units is None:
            units = np.arange(H)
        else:
            if not all(_is_int(u) and 0 <= u < H for u in cl.units) or len(cl.units) == 0:
                raise _bad_clamp("bad_units", cl)
            units = np.asarray(cl.units, dtype=np.intp)
        if cl.steps is None:
            t0, t1 = 0, T
        else:
            if len(cl.steps) != 2 or not all(_is_int(s) for s in cl.steps):
                raise _bad_clamp("bad_steps", cl)
            t0, t1 = max(int(cl.steps[0]), 0), min(int(cl.steps[1]), T)
            if cl.steps[0] < 0 or cl.steps[0] >= cl.steps[1]:
                raise _bad_clamp("bad_steps", cl)
        block = _GATE_BLOCK[kind][cl.gate]
        rows = units + _GATE_ROW[kind][cl.gate] * H
        per_t = plan.setdefault((cl.layer, DIRECTIONS.index(cl.direction)), {})
        for t in range(t0, t1):
            per_t.setdefault(t, []).append((block, rows, value))
    return plan


def _apply_clamps(a: np.ndarray, entries: list[tuple[int, np.ndarray, float]], blocks: Sequence[int]) -> None:
    """Force the rows of one step's activations ``a`` (rows, B) that the clamps name (gate blocks in ``blocks``)."""
    for block, rows, value in entries:
        if block in blocks:
            a[rows] = value


# ----------------------------------------------------------------------------------------------- one direction
#
# Layout. Arrays are feature-major with the batch last, in processing order (step s is time T-1-s in the
# reverse direction), so every gate of a step is an ``(H, B)`` slab with unit stride along the batch. The gate
# activations ``A`` and the backward's per-step rows ``R`` are step-major ``(step, feature, B)``: a step is one
# contiguous block (elementwise ops on strided slabs ran 2-3x slower). The GEMM operand ``Z`` is feature-outer
# ``(K, step, B)``: column s, ``Z[:, s] = [h_{s-1}; x_s; 1]`` (K = H + in + 1 rows), is the operand of the step's
# one GEMM (the input projection and both biases are folded into the fused weights ``[W_hh | W_ih | b]``; the
# step writes h_s straight into ``Z[:H, s+1]``), and ``Z[:, :T]`` read as a ``(K, T*B)`` matrix gives all weight
# gradients in one product after the loop. The LSTM keeps its gate rows in the order o, i, f, g (PyTorch's
# i, f, g, o permuted): the sigmoid rows are one block and [i; f] lies beside [g; c_{t-1}].
#
# Backward runs the recurrence only: per step the gradient dh arriving at h_s, a few broadcast products with
# derivative factors formed for all steps before the loop, and one GEMM by the transposed recurrent weights.
# After the loop the pre-activation gradients of all steps, copied once into a ``(4H, T*B)`` matrix, give
# ``dW = du Z^T`` and ``dx = W_ih^T du``. Temporaries come from ``buffers.scratch`` (reused by later calls);
# everything a caller receives is fresh. Every GEMM goes through ``gemm`` (``tiles`` per step, ``product`` for
# the long reductions after the loop) so that none wakes a second BLAS thread.

_LSTM_ORDER = (3, 0, 1, 2)  # internal gate block j holds PyTorch's block _LSTM_ORDER[j]: (o, i, f, g)
# gate name -> internal row block of A; PyTorch block -> internal row block (for clamps)
_GATE_ROW: dict[str, dict[str, int]] = {
    "LSTM": {"output": 0, "input": 1, "forget": 2, "candidate": 3},
    "GRU": {"reset": 0, "update": 1, "candidate": 3},
    "RNN": {},
}


@lru_cache(maxsize=64)
def _rows(order: tuple[int, ...], H: int) -> np.ndarray:
    """Row indices taking gate blocks in ``order`` (each H rows) out of a fused weight matrix (read-only)."""
    rows = np.concatenate([np.arange(k * H, (k + 1) * H) for k in order])
    rows.flags.writeable = False
    return rows


_LSTM_TO_TORCH = tuple(_LSTM_ORDER.index(k) for k in range(4))  # internal block of PyTorch's block k


class _DirCache:
    """What forward keeps of one direction of one layer; the arrays belong to the trace (see the layout above).

    ``Z`` (K, T+1, B): ``[h_{s-1}; x_s; 1]`` per step, so ``Z[:H, 1:]`` are the outputs. ``A``: LSTM
    (T+1, 6H, B) ``[o i f g | c_{s-1} | tanh c_s]`` (so ``A[1:, 4H:5H]`` are the cells c_s); GRU (T, 4H, B)
    ``[r z | v_n | n]`` with ``v_n = W_hn h_{s-1} + b_hn``; RNN None.
    """

    __slots__ = ("kind", "H", "A", "Z", "reverse")

    def __init__(self, kind: str, H: int, A: np.ndarray | None, Z: np.ndarray, reverse: bool = False) -> None:
        self.kind, self.H, self.A, self.Z, self.reverse = kind, H, A, Z, reverse

    @property
    def T(self) -> int:
        return self.Z.shape[1] - 1

    def series(self, name: str) -> np.ndarray:
        """Gate or state ``name`` as a (T, H, B) view in forward time order."""
        H, T = self.H, self.T
        if name == "hidden":
            arr = self.Z[:H, 1:].transpose(1, 0, 2)
        elif name == "cell":
            arr = self.A[1:, 4 * H:5 * H]
        else:
            j = _GATE_ROW[self.kind][name]
            arr = self.A[:T, j * H:(j + 1) * H]
        return arr[::-1] if self.reverse else arr

    def last(self, name: str) -> np.ndarray:
        """The final hidden state (``"hidden"``) or cell (``"cell"``), (H, B)."""
        return self.Z[:self.H, self.T] if name == "hidden" else self.A[self.T, 4 * self.H:5 * self.H]


def _step_operand(X: np.ndarray, H: int, h0: np.ndarray) -> np.ndarray:
    """``Z`` (H+in+1, T+1, B) with the inputs, the constant 1 and h0 in place (a fresh array: the trace keeps it)."""
    T, n_in, B = X.shape
    K = H + n_in + 1
    Z = np.empty((K, T + 1, B), dtype=h0.dtype)
    Z[:H, 0] = h0
    Z[H:K - 1, :T] = X.transpose(1, 0, 2)
    Z[H:, T] = 0
    Z[K - 1] = 1
    return Z


def _stepper(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> Callable[[int], None]:
    """A function ``s -> out[s] = a @ b[s]``: one GEMM, or stacked blocks below the BLAS threading threshold."""
    mm = gemm.tiles(a, b, out)
    if len(mm) == 1 and mm[0][0] is a:  # not split: np.dot has the least overhead per call
        return lambda s: np.dot(a, b[s], out=out[s])

    def step(s: int) -> None:
        for av, bv, ov in mm:
            np.matmul(av, bv[s], out=ov[s])

    return step


def _lstm_forward(X, W_ih, W_hh, b_ih, b_hh, h0, c0, clamps) -> _DirCache:
    """One LSTM direction over ``X`` (T, in, B) in processing order from ``h0``, ``c0`` (H, B).

    A step is one GEMM, one tanh over all four gates and five more ufunc calls::

        [o i f g] = tanh(W_s z_s),   z_s = [h_{s-1}; x_s; 1]     (W_s: [W_hh | W_ih | b_ih + b_hh], rows o, i, f
        o, i, f = 0.5 * . + 0.5                                  halved: sigmoid(u) = 0.5 tanh(0.5 u) + 0.5)
        [i g; f c_{s-1}] = [i; f] * [g; c_{s-1}]                 one product over two adjacent blocks
        c_s = i g + f c_{s-1},   h_s = o * tanh(c_s)
    """
    T, n_in, B = X.shape
    H = W_hh.shape[1]
    Ws = np.concatenate([W_hh, W_ih, (b_ih + b_hh)[:, None]], axis=1)[_rows(_LSTM_ORDER, H)]  # (4H, K)
    Ws[:3 * H] *= 0.5
    Z = _step_operand(X, H, h0)  # (K, T+1, B)
    A = np.empty((T + 1, 6 * H, B), dtype=Z.dtype)  # [o i f g | c_{s-1} | tanh c_s]; c_s into A[s+1]
    A[0, 4 * H:5 * H] = c0
    A[T, :4 * H] = 0
    A[T, 5 * H:] = 0
    gates, sig, o = A[:, :4 * H], A[:, :3 * H], A[:, :H]  # (T+1, ., B) views
    i_f, g_c = A[:, H:3 * H], A[:, 3 * H:5 * H]
    cell, tanh_c, h = A[1:, 4 * H:5 * H], A[:, 5 * H:], Z[:H, 1:].transpose(1, 0, 2)
    prod = buffers.scratch("lstm.prod", (2 * H, B), Z.dtype)  # [i g; f c_{s-1}]
    ig, fc = prod[:H], prod[H:]
    step_gemm = _stepper(Ws, Z.transpose(1, 0, 2), gates)
    for s in range(T):
        step_gemm(s)  # gates[s] = W_s z_s  (4H, B)
        np.tanh(gates[s], out=gates[s])
        sig[s] *= 0.5
        sig[s] += 0.5
        if clamps and s in clamps:
            _apply_clamps(A[s], clamps[s], (0, 1, 2, 3))
        np.multiply(i_f[s], g_c[s], out=prod)
        np.add(ig, fc, out=cell[s])
        np.tanh(cell[s], out=tanh_c[s])
        np.multiply(o[s], tanh_c[s], out=h[s])
    return _DirCache("LSTM", H, A, Z)


def _lstm_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh, dX, accumulate: bool, want_dh: bool):
    """BPTT through one LSTM direction; returns ``(dW_ih, dW_hh, db_ih, db_hh, dh0, dc0, dh_steps)``.

    ``dY`` (T, H, B): the gradient arriving at the outputs from above, in processing order; ``dh_n``/``dc_n``
    (H, B) or None. ``dx`` (T, in, B) is written into ``dX`` (added when ``accumulate``). With
    ``u = [u_o u_i u_f u_g]`` a step's pre-activation (the gates before their squashing), ``dh_next``/
    ``dc_next`` carrying dL/dh_s, dL/dc_s back from step s+1 (``dh_n``/``dc_n``, or zeros, at the last step),
    for s = T-1 ... 0::

        dh   = dY_s + dh_next                        total dL/dh_s               (H, B)
        dc   = dc_next + dh * o (1 - tanh(c_s)^2)    h_s = o * tanh(c_s), tanh' = 1 - tanh^2
        du_o = dh * tanh(c_s) * o (1 - o)            sigmoid' = s (1 - s)
        du_i = dc * g * i (1 - i)                    c_s = f * c_{s-1} + i * g
        du_f = dc * c_{s-1} * f (1 - f)
        du_g = dc * i * (1 - g^2)
        dc_next = dc * f                             to step s-1
        dh_next = W_hh^T du                          (H, 4H) @ (4H, B)

    Each step's rows ``R_s = [dc | du_o du_i du_f du_g | dc_next]`` (6H, B) first hold the factors
    ``[o(1-tanh^2 c) | tanh(c) o(1-o) | g i(1-i), c_{s-1} f(1-f), i(1-g^2), f]`` (formed for all steps before
    the loop), so a step is ``R[0:2H] *= dh``, ``R[0:H] += dc_next``, ``R[2H:6H] *= dc`` and the GEMM. After the
    loop, with ``du`` of all steps as one (4H, T*B) matrix (sums over steps and the batch)::

        [dW_hh | dW_ih | db] = du Z^T   (4H, K)      db_ih = db_hh = db      dx = W_ih^T du   (in, T*B)

    ``dh0``, ``dc0`` (H, B) are the last ``dh_next``, ``dc_next``; ``dh_steps`` (T, H, B) every step's total dh
    (a copy, processing order) when ``want_dh``, else None.
    """
    A, Z = cache.A, cache.Z
    T, H = cache.T, cache.H
    B, n_in, dt = Z.shape[2], W_ih.shape[1], Z.dtype
    K = H + n_in + 1
    rows = _rows(_LSTM_ORDER, H)
    R = buffers.scratch("lstm.R", (T, 6 * H, B), dt)
    q = buffers.scratch("lstm.q", (T, 3 * H, B), dt)
    sig, tanh_c, g = A[:T, :3 * H], A[:T, 5 * H:], A[:T, 3 * H:4 * H]
    np.subtract(1, sig, out=q)
    q *= sig  # [o(1-o), i(1-i), f(1-f)]
    f_dc = R[:, :H]
    np.multiply(tanh_c, tanh_c, out=f_dc)
    np.subtract(1, f_dc, out=f_dc)
    f_dc *= A[:T, :H]  # o (1 - tanh^2 c)
    np.multiply(tanh_c, q[:, :H], out=R[:, H:2 * H])  # tanh(c) o(1-o)
    np.multiply(A[:T, 3 * H:5 * H], q[:, H:3 * H], out=R[:, 2 * H:4 * H])  # [g i(1-i); c_{s-1} f(1-f)]
    f_g = R[:, 4 * H:5 * H]
    np.multiply(g, g, out=f_g)
    np.subtract(1, f_g, out=f_g)
    f_g *= A[:T, H:2 * H]  # i (1 - g^2)
    R[:, 5 * H:] = A[:T, 2 * H:3 * H]  # f
    G = buffers.scratch("lstm.G", (T + 1, H, B), dt)  # G[s] = W_hh^T du_s
    G[T] = 0 if dh_n is None else dh_n
    dc_last = buffers.scratch("lstm.dc_n", (H, B), dt)
    dc_last[...] = 0 if dc_n is None else dc_n
    DH = buffers.scratch("lstm.dh", (T, H, B), dt)
    R2, R4 = R[:, :2 * H].reshape(T, 2, H, B), R[:, 2 * H:].reshape(T, 4, H, B)
    dc, dc_next, du = R[:, :H], R[:, 5 * H:], R[:, H:5 * H]
    step_gemm = _stepper(np.ascontiguousarray(W_hh[rows].T), du, G)
    for s in reversed(range(T)):
        dh = DH[s]
        np.add(dY[s], G[s + 1], out=dh)
        np.multiply(R2[s], dh, out=R2[s])  # [dh o(1-tanh^2 c), du_o]
        np.add(dc[s], dc_next[s + 1] if s + 1 < T else dc_last, out=dc[s])
        np.multiply(R4[s], dc[s], out=R4[s])  # [du_i, du_f, du_g, dc_next]
        step_gemm(s)  # G[s] = W_hh^T du_s: dh_next
    du_all = _feature_outer("lstm.du", du)  # (4H, T*B)
    dW = _times_steps(du_all, Z)[_rows(_LSTM_TO_TORCH, H)]  # (4H, K), PyTorch rows
    _input_grad(W_ih[rows], du_all, dX, accumulate)
    db = dW[:, K - 1]
    return (dW[:, H:K - 1].copy(), dW[:, :H].copy(), db.copy(), db.copy(), G[0].copy(), dc_next[0].copy(),
            DH.copy() if want_dh else None)


def _feature_outer(name: str, steps: np.ndarray) -> np.ndarray:
    """Step-major rows ``steps`` (T, m, B) as one (m, T*B) matrix (a scratch copy)."""
    T, m, B = steps.shape
    out = buffers.scratch(name, (m, T, B), steps.dtype)
    out[...] = steps.transpose(1, 0, 2)
    return out.reshape(m, T * B)


def _times_steps(du: np.ndarray, Z: np.ndarray, first: int = 0) -> np.ndarray:
    """``du @ Z[first:, :T]^T`` summed over steps and batch: (m, T*B) @ (T*B, K-first) -> fresh (m, K-first)."""
    T = Z.shape[1] - 1
    return gemm.product(du, Z[first:, :T].reshape(Z.shape[0] - first, -1).T)


def _input_grad(W_ih: np.ndarray, du: np.ndarray, dX: np.ndarray, accumulate: bool) -> None:
    """``dx_s = W_ih^T du_s`` for all steps as one (tiled) product, written (or added) into ``dX`` (T, in, B)."""
    T, n_in, B = dX.shape
    dx = buffers.scratch("rec.dx_all", (n_in, T * B), dX.dtype)
    for av, bv, ov in gemm.tiles(W_ih.T, du, dx):
        np.matmul(av, bv, out=ov)
    dx = dx.reshape(n_in, T, B).transpose(1, 0, 2)
    if accumulate:
        dX += dx
    else:
        dX[...] = dx


def _gru_forward(X, W_ih, W_hh, b_ih, b_hh, h0, c0, clamps) -> _DirCache:
    """One GRU direction over ``X`` (T, in, B) in processing order from ``h0`` (H, B).

    The reset gate multiplies only the hidden part of the candidate, so the GEMM's third block is
    ``v_n = W_hn h + b_hn`` and ``u_n = W_in x + b_in`` is formed for all steps before the loop::

        [r z v_n] = W_s z_s,   z_s = [h_{s-1}; x_s; 1]   (W_s: [W_hh | W_ih with no n rows | b], r, z rows halved)
        r, z = 0.5 tanh(.) + 0.5,   n = tanh(u_n + r * v_n),   h_s = n + z * (h_{s-1} - n)
    """
    T, n_in, B = X.shape
    H = W_hh.shape[1]
    Wx = W_ih.copy()
    Wx[2 * H:] = 0
    bias = b_hh.copy()
    bias[:2 * H] += b_ih[:2 * H]
    Ws = np.concatenate([W_hh, Wx, bias[:, None]], axis=1)  # (3H, K)
    Ws[:2 * H] *= 0.5
    Z = _step_operand(X, H, h0)  # (K, T+1, B)
    U = buffers.scratch("gru.u_n", (T, H, B), Z.dtype)  # u_n of every step
    for av, bv, ov in gemm.tiles(W_ih[2 * H:], X, U):
        np.matmul(av, bv, out=ov)
    U += b_ih[2 * H:, None]
    A = np.empty((T, 4 * H, B), dtype=Z.dtype)  # [r z | v_n | n]
    rz, r, z, v_n, n = A[:, :2 * H], A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:]
    Zs = Z.transpose(1, 0, 2)  # (T+1, K, B): step s's operand
    h_prev, h = Zs[:, :H], Zs[1:, :H]
    d = buffers.scratch("gru.d", (H, B), Z.dtype)
    step_gemm = _stepper(Ws, Zs, A[:, :3 * H])
    for s in range(T):
        step_gemm(s)  # [r z v_n] pre-activations (3H, B)
        np.tanh(rz[s], out=rz[s])
        rz[s] *= 0.5
        rz[s] += 0.5
        if clamps and s in clamps:
            _apply_clamps(A[s], clamps[s], (0, 1))
        np.multiply(r[s], v_n[s], out=n[s])
        n[s] += U[s]
        np.tanh(n[s], out=n[s])
        if clamps and s in clamps:
            _apply_clamps(A[s], clamps[s], (2,))
        np.subtract(h_prev[s], n[s], out=d)
        d *= z[s]
        np.add(n[s], d, out=h[s])
    return _DirCache("GRU", H, A, Z)


def _gru_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh, dX, accumulate: bool, want_dh: bool):
    """BPTT through one GRU direction; returns ``(dW_ih, dW_hh, db_ih, db_hh, dh0, None, dh_steps)``.

    A step has two projections, ``u = [u_r u_z u_n] = W_ih x_s + b_ih`` and ``v = [v_r v_z v_n] = W_hh h_{s-1} +
    b_hh`` (3H, B), and ``r = sigmoid(u_r + v_r)``, ``z = sigmoid(u_z + v_z)``, ``n = tanh(u_n + r * v_n)``,
    ``h_s = (1 - z) * n + z * h_{s-1}``. ``dh_next`` carries dL/dh_s back from step s+1 (``dh_n``, or zeros,
    at the last step). For s = T-1 ... 0::

        dh   = dY_s + dh_next                        total dL/dh_s               (H, B)
        du_n = dh * (1 - z) * (1 - n^2)              tanh' = 1 - tanh^2
        du_r = du_n * v_n * r (1 - r)                sigmoid' = s (1 - s); r only multiplies v_n
        du_z = dh * (h_{s-1} - n) * z (1 - z)
        dv   = [du_r, du_z, r * du_n]                the n block reaches v_n through r
        dh_next = W_hh^T dv + dh * z                 (H, 3H) @ (3H, B), plus the direct path z h_{s-1}

    Each step's rows ``R_s = [dv_r dv_z dv_n | dh z]`` (4H, B) first hold the factors ``[(1-z)(1-n^2) v_n
    r(1-r), (h_{s-1}-n) z(1-z), r (1-z)(1-n^2) | z]`` (formed for all steps before the loop), so a step is two
    adds, ``R *= dh`` and the GEMM. After the loop ``du = [dv_r, dv_z, du_n]`` and, as (3H, T*B) matrices::

        [dW_hh | . | db_hh] = dv Z^T   (3H, K)      [dW_ih | db_ih] = du [x; 1]^T      dx = W_ih^T du

    ``dh0`` (H, B) is the last ``dh_next``; ``dh_steps`` as for the LSTM. ``dc_n`` is unused (no cell).
    """
    A, Z = cache.A, cache.Z
    T, H = cache.T, cache.H
    B, n_in, dt = Z.shape[2], W_ih.shape[1], Z.dtype
    K = H + n_in + 1
    r, z, v_n, n, h_prev = A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:], Z[:H, :T].transpose(1, 0, 2)
    R = buffers.scratch("gru.R", (T + 1, 4 * H, B), dt)
    e = buffers.scratch("gru.e", (T, H, B), dt)  # (1-z)(1-n^2), then du_n
    tmp = buffers.scratch("gru.tmp", (T, H, B), dt)
    np.multiply(n, n, out=e)
    np.subtract(1, e, out=e)
    np.subtract(1, z, out=tmp)
    e *= tmp
    np.multiply(r, e, out=R[:T, 2 * H:3 * H])
    np.subtract(1, r, out=tmp)
    tmp *= r
    tmp *= v_n
    np.multiply(tmp, e, out=R[:T, :H])
    np.subtract(h_prev, n, out=tmp)
    f_z = R[:T, H:2 * H]
    np.subtract(1, z, out=f_z)
    f_z *= z
    f_z *= tmp
    R[:T, 3 * H:] = z
    R[T, 3 * H:] = 0
    G = buffers.scratch("gru.G", (T + 1, H, B), dt)  # G[s] = W_hh^T dv_s
    G[T] = 0 if dh_n is None else dh_n
    DH = buffers.scratch("gru.dh", (T, H, B), dt)
    R4 = R[:T].reshape(T, 4, H, B)
    dv, dhz = R[:T, :3 * H], R[:, 3 * H:]
    step_gemm = _stepper(np.ascontiguousarray(W_hh.T), dv, G)
    for s in reversed(range(T)):
        dh = DH[s]
        np.add(dY[s], G[s + 1], out=dh)
        dh += dhz[s + 1]
        np.multiply(R4[s], dh, out=R4[s])  # [dv_r, dv_z, dv_n, dh z]
        step_gemm(s)
    dh0 = G[0] + dhz[0]
    dv_all = _feature_outer("gru.dv", dv)  # (3H, T*B)
    dWv = _times_steps(dv_all, Z)  # (3H, K): [dW_hh | unused | db_hh]
    np.multiply(DH, e, out=dv_all.reshape(3 * H, T, B)[2 * H:].transpose(1, 0, 2))  # du_n replaces dv_n
    du_all = dv_all
    dWu = _times_steps(du_all, Z, first=H)  # (3H, in+1): [dW_ih | db_ih]
    _input_grad(W_ih, du_all, dX, accumulate)
    return (dWu[:, :n_in].copy(), dWv[:, :H].copy(), dWu[:, n_in].copy(), dWv[:, K - 1].copy(), dh0, None,
            DH.copy() if want_dh else None)


def _rnn_forward(X, W_ih, W_hh, b_ih, b_hh, h0, c0, clamps) -> _DirCache:
    """One tanh RNN direction over ``X`` (T, in, B) in processing order from ``h0`` (H, B):
    ``h_s = tanh(W_s z_s)`` with ``W_s = [W_hh | W_ih | b_ih + b_hh]``, ``z_s = [h_{s-1}; x_s; 1]``: one GEMM
    and one tanh per step."""
    T = X.shape[0]
    H = W_hh.shape[1]
    Ws = np.concatenate([W_hh, W_ih, (b_ih + b_hh)[:, None]], axis=1)  # (H, K)
    Z = _step_operand(X, H, h0)
    Zs = Z.transpose(1, 0, 2)
    h = Zs[1:, :H]
    U = buffers.scratch("rnn.u", (T, H, X.shape[2]), Z.dtype)  # pre-activations
    step_gemm = _stepper(Ws, Zs, U)
    for s in range(T):
        step_gemm(s)
        np.tanh(U[s], out=h[s])
    return _DirCache("RNN", H, None, Z)


def _rnn_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh, dX, accumulate: bool, want_dh: bool):
    """BPTT through one tanh RNN direction; returns ``(dW_ih, dW_hh, db_ih, db_hh, dh0, None, dh_steps)``.

    ``u = W_hh h_{s-1} + b_hh + W_ih x_s + b_ih`` (H, B) and ``h_s = tanh(u)``. ``dh_next`` carries dL/dh_s
    back from step s+1 (``dh_n``, or zeros, at the last step). For s = T-1 ... 0::

        dh = dY_s + dh_next                          total dL/dh_s               (H, B)
        du = dh * (1 - h_s^2)                        tanh' = 1 - tanh^2 (formed for all steps before the loop)
        dh_next = W_hh^T du                          (H, H) @ (H, B)

    After the loop, as (H, T*B) matrices: ``[dW_hh | dW_ih | db] = du Z^T`` (H, K), ``db_ih = db_hh = db``,
    ``dx = W_ih^T du``. ``dh0`` (H, B) is the last ``dh_next``; ``dh_steps`` as for the LSTM. ``dc_n`` is unused.
    """
    Z = cache.Z
    T, H = cache.T, cache.H
    B, n_in, dt = Z.shape[2], W_ih.shape[1], Z.dtype
    K = H + n_in + 1
    h = Z[:H, 1:].transpose(1, 0, 2)
    dh_du = buffers.scratch("rnn.dh_du", (T, H, B), dt)
    np.multiply(h, h, out=dh_du)
    np.subtract(1, dh_du, out=dh_du)
    DH = buffers.scratch("rnn.dh", (T, H, B), dt)
    DU = buffers.scratch("rnn.du", (T, H, B), dt)
    G = buffers.scratch("rnn.G", (T + 1, H, B), dt)  # G[s] = W_hh^T du_s
    G[T] = 0 if dh_n is None else dh_n
    step_gemm = _stepper(np.ascontiguousarray(W_hh.T), DU, G)
    for s in reversed(range(T)):
        np.add(dY[s], G[s + 1], out=DH[s])
        np.multiply(DH[s], dh_du[s], out=DU[s])
        step_gemm(s)
    du_all = _feature_outer("rnn.du_all", DU)
    dW = _times_steps(du_all, Z)  # (H, K)
    _input_grad(W_ih, du_all, dX, accumulate)
    db = dW[:, K - 1]
    return (dW[:, H:K - 1].copy(), dW[:, :H].copy(), db.copy(), db.copy(), G[0].copy(), None,
            DH.copy() if want_dh else None)


_FORWARD = {"LSTM": _lstm_forward, "GRU": _gru_forward, "RNN": _rnn_forward}
_BACKWARD = {"LSTM": _lstm_backward, "GRU": _gru_backward, "RNN": _rnn_backward}


# ----------------------------------------------------------------------------------------------- trace


class Trace:
    """What one forward pass computed: gate activations, states and the input, for plots and for ``backward``.

    A plain value (the network keeps nothing): ``gate(name, layer, direction)`` returns a ``(B, T, H)`` view in
    forward time order; ``h_n``/``c_n`` have torch shapes ``(L*D, B, H)`` (``c_n`` is None for GRU/RNN).
    """

    def __init__(self, kind: str, num_layers: int, num_directions: int, hidden_size: int, x: np.ndarray,
                 caches: dict[tuple[int, int], _DirCache], h_n: np.ndarray, c_n: np.ndarray | None,
                 h0_given: bool, c0_given: bool, clamped: bool) -> None:
        self.kind = kind
        self.num_layers = num_layers
        self.num_directions = num_directions
        self.hidden_size = hidden_size
        self.x = x  # (B, T, in) as given, after the dtype cast
        self.h_n = h_n
        self.c_n = c_n
        self.h0_given = h0_given
        self.c0_given = c0_given
        self.clamped = clamped
        self._caches = caches

    @property
    def gate_names(self) -> tuple[str, ...]:
        """Names ``gate`` accepts for this kind of network."""
        return GATE_NAMES[self.kind]

    def gate(self, name: str, layer: int = 0, direction: str = "forward") -> np.ndarray:
        """Activation of gate/state ``name`` as a read-only ``(B, T, H)`` view (forward time order)."""
        if name not in GATE_NAMES[self.kind]:
            raise CoreError("errors.core.unknown_gate", gate=str(name), kind=self.kind)
        if not _is_int(layer) or not 0 <= layer < self.num_layers:
            raise CoreError("errors.core.bad_layer", layer=str(layer), num_layers=self.num_layers)
        if direction not in DIRECTIONS[:self.num_directions]:
            raise CoreError("errors.core.bad_direction", direction=str(direction))
        cache = self._caches[(layer, DIRECTIONS.index(direction))]
        view = cache.series(name).transpose(2, 0, 1)  # (T, H, B) -> (B, T, H)
        view.flags.writeable = False
        return view

    def gate_arrays(self, sample: int = 0, names: Sequence[str] | None = None,
                    layers: Sequence[int] | None = None, directions: Sequence[str] | None = None,
                    dtype: np.dtype | str | None = None) -> dict[tuple[int, str, str], np.ndarray]:
        """Owned copies of one sample's gates: ``{(layer, direction, name): (T, H)}``.

        Defaults: every gate name, layer and direction of this trace, in the trace's dtype. The copies share
        no memory with the trace, so they can be cached, sent to another process or kept as replay snapshots.
        """
        names = self.gate_names if names is None else tuple(names)
        layers = range(self.num_layers) if layers is None else tuple(layers)
        directions = DIRECTIONS[:self.num_directions] if directions is None else tuple(directions)
        B = self.x.shape[0]
        if not _is_int(sample) or not 0 <= sample < B:
            raise CoreError("errors.core.bad_sample", sample=str(sample), batch=B)
        return {
            (layer, d, name): np.array(self.gate(name, layer=layer, direction=d)[sample], dtype=dtype)
            for layer in layers for d in directions for name in names
        }


# ----------------------------------------------------------------------------------------------- networks


class _Recurrent:
    """Shared machinery of LSTM, GRU and RNN (see the module docstring for the equations)."""

    kind: str = ""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                 seed: int | None = 0, dtype: str = "float32") -> None:
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not _is_int(value) or value < 1:
                raise CoreError("errors.core.bad_config", name=name, value=str(value))
        if not isinstance(bidirectional, bool | np.bool_):
            raise CoreError("errors.core.bad_config", name="bidirectional", value=str(bidirectional))
        if seed is not None and (not _is_int(seed) or seed < 0):
            raise CoreError("errors.core.bad_config", name="seed", value=str(seed))
        self.dtype = check_dtype_name(dtype)
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.num_layers = int(num_layers)
        self.bidirectional = bool(bidirectional)
        self.num_directions = 2 if self.bidirectional else 1
        self.seed = None if seed is None else int(seed)
        rng = np.random.default_rng(self.seed)
        k = 1.0 / math.sqrt(self.hidden_size)
        self.params: dict[str, np.ndarray] = {
            name: rng.uniform(-k, k, size=shape).astype(self.dtype) for name, shape in self.param_shapes().items()
        }

    # -- description

    @property
    def config(self) -> dict[str, Any]:
        """The constructor arguments (JSON-able)."""
        return {"input_size": self.input_size, "hidden_size": self.hidden_size, "num_layers": self.num_layers,
                "bidirectional": self.bidirectional, "seed": self.seed, "dtype": self.dtype.name}

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """PyTorch names and shapes, in PyTorch's order."""
        GH, H = NUM_GATES[self.kind] * self.hidden_size, self.hidden_size
        shapes: dict[str, tuple[int, ...]] = {}
        for layer in range(self.num_layers):
            in_l = self.input_size if layer == 0 else self.num_directions * H
            for d in range(self.num_directions):
                sfx = self._suffix(layer, d)
                shapes[f"weight_ih{sfx}"] = (GH, in_l)
                shapes[f"weight_hh{sfx}"] = (GH, H)
                shapes[f"bias_ih{sfx}"] = (GH,)
                shapes[f"bias_hh{sfx}"] = (GH,)
        return shapes

    @staticmethod
    def _suffix(layer: int, d: int) -> str:
        return f"_l{layer}" + ("_reverse" if d else "")

    def num_parameters(self) -> int:
        """How many trainable numbers the network has."""
        return int(sum(p.size for p in self.params.values()))

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters under their PyTorch names."""
        return {name: arr.copy() for name, arr in self.params.items()}

    def load_state_dict(self, d: Mapping[str, Any]) -> None:
        """Copy ``d`` into the live parameter arrays after checking every name, shape and value."""
        checked = check_param_dict(d, self.param_shapes(), self.dtype)
        for name, arr in checked.items():
            self.params[name][...] = arr

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{self.kind}({args})"

    # -- forward

    def _check_state(self, value: Any, name: str, B: int) -> np.ndarray | None:
        if value is None:
            return None
        arr = as_real_array(value, name, self.dtype)
        expected = (self.num_layers * self.num_directions, B, self.hidden_size)
        if arr.shape != expected:
            raise CoreError("errors.core.bad_state_shape", name=name, expected=_shape_text(expected),
                            got=_shape_text(arr.shape))
        return arr

    def _check_input(self, x: Any) -> np.ndarray:
        arr = as_real_array(x, "x", self.dtype)
        if arr.ndim != 3:
            raise CoreError("errors.core.bad_rank", name="x", ndim=arr.ndim, expected=3)
        if arr.shape[2] != self.input_size:
            raise CoreError("errors.core.bad_input_size", got=int(arr.shape[2]), expected=self.input_size)
        if arr.shape[0] == 0 or arr.shape[1] == 0:
            raise CoreError("errors.core.empty_input", shape=_shape_text(arr.shape))
        return arr

    def forward(self, x: Any, h0: Any = None, c0: Any = None,
                clamp: Clamp | Sequence[Clamp] | None = None) -> tuple[np.ndarray, Trace]:
        """Run the network over ``x`` (B, T, in); returns ``y`` (B, T, D*H) and the ``Trace``.

        ``h0``/``c0``: optional initial states, torch shapes (L*D, B, H), zeros when omitted (``c0`` only for
        LSTM). ``clamp``: optional ``Clamp`` overrides of gate activations (forward only).
        """
        x = self._check_input(x)
        B, T, _ = x.shape
        if c0 is not None and self.kind != "LSTM":
            raise CoreError("errors.core.bad_state_shape", name="c0", expected="None", got="array")
        h0a = self._check_state(h0, "h0", B)
        c0a = self._check_state(c0, "c0", B)
        H, D, L = self.hidden_size, self.num_directions, self.num_layers
        plan = _clamp_plan(self.kind, clamp, L, D, T, H)
        zeros = np.zeros((H, B), dtype=self.dtype)
        fwd = _FORWARD[self.kind]
        caches: dict[tuple[int, int], _DirCache] = {}
        h_n = np.empty((L * D, B, H), dtype=self.dtype)
        c_n = np.empty((L * D, B, H), dtype=self.dtype) if self.kind == "LSTM" else None
        inp = x.transpose(1, 2, 0)  # (T, in, B), forward time
        for layer in range(L):
            for d in range(D):
                sfx, idx = self._suffix(layer, d), layer * D + d
                p = self.params
                clamps = plan.get((layer, d))
                if clamps and d == 1:  # the reverse direction's step s is time T-1-s
                    clamps = {T - 1 - t: entries for t, entries in clamps.items()}
                cache = fwd(inp[::-1] if d == 1 else inp, p[f"weight_ih{sfx}"], p[f"weight_hh{sfx}"],
                            p[f"bias_ih{sfx}"], p[f"bias_hh{sfx}"], zeros if h0a is None else h0a[idx].T,
                            zeros if c0a is None else c0a[idx].T, clamps)
                cache.reverse = d == 1
                caches[(layer, d)] = cache
                h_n[idx] = cache.last("hidden").T
                if c_n is not None:
                    c_n[idx] = cache.last("cell").T
            if layer + 1 < L:  # the next layer's input: [forward; backward] outputs, forward time
                if D == 1:
                    inp = caches[(layer, 0)].series("hidden")
                else:
                    inp = buffers.scratch("rec.layer_input", (T, D * H, B), self.dtype)
                    for d in range(D):
                        inp[:, d * H:(d + 1) * H] = caches[(layer, d)].series("hidden")
        y = np.empty((B, T, D * H), dtype=self.dtype)
        for d in range(D):
            y[:, :, d * H:(d + 1) * H] = caches[(L - 1, d)].series("hidden").transpose(2, 0, 1)
        trace = Trace(self.kind, L, D, H, x, caches, h_n, c_n, h0a is not None, c0a is not None, bool(plan))
        return y, trace

    # -- backward

    def backward(self, dy: Any, trace: Trace, dh_n: Any = None, dc_n: Any = None,
                 return_state_grads: bool = False):
        """Backpropagation through time for the loss whose gradient w.r.t. ``y`` is ``dy`` (B, T, D*H).

        ``dh_n``/``dc_n``: optional gradients w.r.t. ``trace.h_n``/``trace.c_n`` (L*D, B, H).
        Returns ``(dx, grads)`` with ``grads`` keyed like ``state_dict()`` plus ``"h0"``/``"c0"`` when the
        forward was given them; with ``return_state_grads=True`` also ``dh_steps`` mapping
        ``(layer, "forward"|"backward")`` to the total dL/dh_t reaching each step, (B, T, H).
        """
        if not isinstance(trace, Trace):
            raise CoreError("errors.core.trace_mismatch", kind=self.kind)
        if trace.clamped:
            raise CoreError("errors.core.clamped_backward")
        H, D, L = self.hidden_size, self.num_directions, self.num_layers
        if (trace.kind, trace.num_layers, trace.num_directions, trace.hidden_size, trace.x.shape[2]) != (
                self.kind, L, D, H, self.input_size):
            raise CoreError("errors.core.trace_mismatch", kind=self.kind)
        B, T, _ = trace.x.shape
        dy = as_real_array(dy, "dy", self.dtype)
        if dy.shape != (B, T, D * H):
            raise CoreError("errors.core.bad_grad_shape", name="dy", expected=_shape_text((B, T, D * H)),
                            got=_shape_text(dy.shape))
        if dc_n is not None and self.kind != "LSTM":
            raise CoreError("errors.core.bad_grad_shape", name="dc_n", expected="None", got="array")
        state_shape = (L * D, B, H)
        checked = {}
        for name, value in (("dh_n", dh_n), ("dc_n", dc_n)):
            if value is not None:
                arr = as_real_array(value, name, self.dtype)
                if arr.shape != state_shape:
                    raise CoreError("errors.core.bad_grad_shape", name=name, expected=_shape_text(state_shape),
                                    got=_shape_text(arr.shape))
                value = arr
            checked[name] = value
        bwd = _BACKWARD[self.kind]
        grads: dict[str, np.ndarray] = {}
        dh0 = np.zeros(state_shape, dtype=self.dtype)
        dc0 = np.zeros(state_shape, dtype=self.dtype)
        dh_steps: dict[tuple[int, str], np.ndarray] = {}
        dY = buffers.scratch("rec.dy", (T, D * H, B), self.dtype)  # feature-major, forward time
        dY[...] = dy.transpose(1, 2, 0)
        for layer in reversed(range(L)):
            in_l = self.input_size if layer == 0 else D * H
            dX = buffers.scratch(f"rec.dx{layer % 2}", (T, in_l, B), self.dtype)  # not the buffer dY is in
            for d in range(D):
                sfx, idx = self._suffix(layer, d), layer * D + d
                W_ih, W_hh = self.params[f"weight_ih{sfx}"], self.params[f"weight_hh{sfx}"]
                dhn = None if checked["dh_n"] is None else checked["dh_n"][idx].T
                dcn = None if checked["dc_n"] is None else checked["dc_n"][idx].T
                dY_d = dY[:, d * H:(d + 1) * H]
                dW_ih, dW_hh, db_ih, db_hh, dh_first, dc_first, dHs = bwd(
                    trace._caches[(layer, d)], dY_d[::-1] if d == 1 else dY_d, dhn, dcn, W_ih, W_hh,
                    dX[::-1] if d == 1 else dX, d == 1, return_state_grads)
                grads[f"weight_ih{sfx}"] = dW_ih
                grads[f"weight_hh{sfx}"] = dW_hh
                grads[f"bias_ih{sfx}"] = db_ih
                grads[f"bias_hh{sfx}"] = db_hh
                dh0[idx] = dh_first.T
                if dc_first is not None:
                    dc0[idx] = dc_first.T
                if return_state_grads:
                    dh_steps[(layer, DIRECTIONS[d])] = (dHs[::-1] if d == 1 else dHs).transpose(2, 0, 1).copy()
            dY = dX
        ordered = {name: grads[name] for name in self.params}
        if trace.h0_given:
            ordered["h0"] = dh0
        if trace.c0_given:
            ordered["c0"] = dc0
        dx = dY.transpose(2, 0, 1).copy()  # (B, T, in), the caller's own (dY is a scratch buffer)
        if return_state_grads:
            return dx, ordered, dh_steps
        return dx, ordered


class LSTM(_Recurrent):
    """Long short-term memory layer(s), PyTorch layout (gate rows i, f, g, o)."""

    kind = "LSTM"


class GRU(_Recurrent):
    """Gated recurrent unit layer(s), PyTorch layout (gate rows r, z, n)."""

    kind = "GRU"


class RNN(_Recurrent):
    """Elman recurrent layer(s) with tanh, PyTorch layout."""

    kind = "RNN"


NETWORKS: dict[str, type[_Recurrent]] = {"LSTM": LSTM, "GRU": GRU, "RNN": RNN}
