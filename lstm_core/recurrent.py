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

Speed: gate weights are fused (one matmul for all gates); the input projection of every time step is one
matmul before the time loop; each step does one matmul for the hidden projection and in-place ufuncs on
preallocated buffers. A sigmoid is computed as ``0.5 * tanh(0.5 u) + 0.5`` (never overflows): the factor 0.5 is
folded into the sigmoid rows of the weights, so one ``tanh`` covers all gates of a step. Backward stores the
pre-activation gradients of every step and forms ``dW_ih``, ``dW_hh`` and the biases with one matmul each after
the loop, so the loop only carries the recurrence.

Internally arrays are time-major ``(T, B, ...)`` so that one step is a contiguous slice; ``Trace.gate`` returns
``(B, T, H)`` views. The reverse direction of a bidirectional layer runs ``t = T-1 ... 0`` but stores everything
at its own time index, so its outputs and gates are in forward time order.

Layers keep no per-call state: ``forward`` returns a ``Trace`` value that ``backward`` consumes, so one network
can serve several threads at once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    """Validated clamps as ``{(layer, dir): {t: [(gate_block, absolute_columns, value), ...]}}``."""
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
        cols = units + block * H
        per_t = plan.setdefault((cl.layer, DIRECTIONS.index(cl.direction)), {})
        for t in range(t0, t1):
            per_t.setdefault(t, []).append((block, cols, value))
    return plan


def _apply_clamps(a: np.ndarray, entries: list[tuple[int, np.ndarray, float]], blocks: Sequence[int]) -> None:
    for block, cols, value in entries:
        if block in blocks:
            a[:, cols] = value


# ----------------------------------------------------------------------------------------------- one direction


class _DirCache:
    """Everything one direction of one layer keeps from forward for backward (time-major arrays)."""

    __slots__ = ("xt", "acts", "c", "tc", "hp", "out", "h0", "c0", "reverse")

    def __init__(self, **kw: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, kw.get(name))


def _order(T: int, reverse: bool) -> range:
    return range(T - 1, -1, -1) if reverse else range(T)


def _previous(seq: np.ndarray, first: np.ndarray, reverse: bool) -> np.ndarray:
    """The state each step started from: ``prev[t] = seq[t-1]`` (``seq[t+1]`` in reverse), ``first`` at the start."""
    prev = np.empty_like(seq)  # (T, B, H)
    if reverse:
        prev[-1] = first
        prev[:-1] = seq[1:]
    else:
        prev[0] = first
        prev[1:] = seq[:-1]
    return prev


def _lstm_forward(xt, W_ih, W_hh, b_ih, b_hh, h0, c0, out, reverse, clamps) -> _DirCache:
    """One LSTM direction over ``xt`` (T, B, in): h_t into ``out`` (T, B, H); returns what backward needs."""
    T, B, _ = xt.shape
    H = W_hh.shape[1]
    dt = W_hh.dtype
    # sigmoid(u) = 0.5 * tanh(0.5 u) + 0.5: fold the 0.5 into the i, f, o rows so one tanh covers all gates
    alpha = np.full(4 * H, 0.5, dtype=dt)
    alpha[2 * H:3 * H] = 1.0
    beta = np.full(4 * H, 0.5, dtype=dt)
    beta[2 * H:3 * H] = 0.0
    Wih_s = W_ih * alpha[:, None]  # (4H, in)
    Whh_sT = np.ascontiguousarray((W_hh * alpha[:, None]).T)  # (H, 4H)
    acts = np.matmul(xt, Wih_s.T)  # (T, B, 4H): pre-activations, turned into activations in place
    acts += (b_ih + b_hh) * alpha
    c = np.empty((T, B, H), dtype=dt)
    tc = np.empty((T, B, H), dtype=dt)  # tanh(c_t)
    hp = np.empty((B, 4 * H), dtype=dt)
    tmp = np.empty((B, H), dtype=dt)
    I, F, G, O = (acts[:, :, k * H:(k + 1) * H] for k in range(4))
    h_prev, c_prev = h0, c0
    for t in _order(T, reverse):
        a = acts[t]  # (B, 4H)
        np.dot(h_prev, Whh_sT, out=hp)
        a += hp
        np.tanh(a, out=a)
        a *= alpha
        a += beta
        if clamps and t in clamps:
            _apply_clamps(a, clamps[t], (0, 1, 2, 3))
        ct = c[t]
        np.multiply(F[t], c_prev, out=ct)
        np.multiply(I[t], G[t], out=tmp)
        ct += tmp
        np.tanh(ct, out=tc[t])
        np.multiply(O[t], tc[t], out=out[t])
        h_prev, c_prev = out[t], ct
    return _DirCache(xt=xt, acts=acts, c=c, tc=tc, out=out, h0=h0, c0=c0, reverse=reverse)


def _lstm_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh):
    """BPTT through one LSTM direction; returns ``(dx, dW_ih, dW_hh, db_ih, db_hh, dh0, dc0, dh_steps)``.

    ``u = [u_i u_f u_g u_o]`` is a step's pre-activation ``x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh`` (B, 4H),
    ``dY`` (T, B, H) the gradient arriving at the outputs h_t from above. ``dh_next``/``dc_next`` carry
    dL/dh_t and dL/dc_t back from step t+1 (``dh_n``/``dc_n``, or zeros, at the last step). For
    t = T-1 ... 0 (0 ... T-1 in the reverse direction)::

        dh   = dY_t + dh_next                        total dL/dh_t               (B, H)
        dc   = dc_next + dh * o * (1 - tanh(c_t)^2)  h_t = o * tanh(c_t), tanh' = 1 - tanh^2
        du_i = dc * g * i (1 - i)                    c_t = f * c_{t-1} + i * g, sigmoid' = s (1 - s)
        du_f = dc * c_{t-1} * f (1 - f)
        du_g = dc * i * (1 - g^2)
        du_o = dh * tanh(c_t) * o (1 - o)
        dh_next = du W_hh                            (B, 4H) @ (4H, H): to step t-1
        dc_next = dc * f

    The factors that do not depend on dh, dc are formed for all steps before the loop:
    ``dh_dc = o (1 - tanh(c_t)^2)`` and ``dstate_du = [g i(1-i), c_{t-1} f(1-f), i (1-g^2), tanh(c_t) o(1-o)]``,
    so a step is ``dc = dc_next + dh * dh_dc``, ``du = dstate_du * [dc, dc, dc, dh]``. After the loop, with
    ``du`` of every step kept (T, B, 4H) and sums over t and the batch::

        dW_ih = sum du^T x_t       (4H, in)      dx_t = du W_ih   (B, in)
        dW_hh = sum du^T h_{t-1}   (4H, H)       db_ih = db_hh = sum du   (4H,)

    ``dh0``, ``dc0`` are the last ``dh_next``, ``dc_next``; ``dh_steps`` (T, B, H) every step's total dh.
    """
    acts, c, tc, out, reverse = cache.acts, cache.c, cache.tc, cache.out, cache.reverse
    T, B, H4 = acts.shape
    H = H4 // 4
    dt = acts.dtype
    I, F, G, O = (acts[:, :, k * H:(k + 1) * H] for k in range(4))  # (T, B, H) each
    h_prev = _previous(out, cache.h0, reverse)  # (T, B, H): h_{t-1}
    c_prev = _previous(c, cache.c0, reverse)  # c_{t-1}
    dstate_du = np.empty((T, B, 4, H), dtype=dt)  # [dc_t/du_i, dc_t/du_f, dc_t/du_g, dh_t/du_o]
    dstate_du_flat = dstate_du.reshape(T, B, H4)
    np.subtract(1, acts, out=dstate_du_flat)
    dstate_du_flat *= acts  # sigmoid' = s (1 - s) on the i, f, o blocks
    dstate_du[:, :, 0] *= G
    dstate_du[:, :, 1] *= c_prev
    dstate_du[:, :, 3] *= tc
    np.multiply(G, G, out=dstate_du[:, :, 2])
    np.subtract(1, dstate_du[:, :, 2], out=dstate_du[:, :, 2])
    dstate_du[:, :, 2] *= I  # i (1 - g^2)
    dh_dc = O * (1 - tc * tc)  # (T, B, H)
    du = np.empty((T, B, H4), dtype=dt)  # dL/du of every step
    du4 = du.reshape(T, B, 4, H)
    dh_steps = np.empty((T, B, H), dtype=dt)
    dstate = np.empty((B, 4, H), dtype=dt)  # [dc, dc, dc, dh] of the current step, lined up with i, f, g, o
    dc, dh = dstate[:, 0], dstate[:, 3]  # (B, H) views; dc holds dc_next until the step adds its own part
    dc[...] = 0 if dc_n is None else dc_n
    dh_next = np.zeros((B, H), dtype=dt) if dh_n is None else np.array(dh_n, dtype=dt)
    tmp = np.empty((B, H), dtype=dt)
    for t in reversed(_order(T, reverse)):
        np.add(dh_next, dY[t], out=dh)
        dh_steps[t] = dh
        np.multiply(dh, dh_dc[t], out=tmp)
        dc += tmp
        dstate[:, 1:3] = dstate[:, :1]
        np.multiply(dstate_du[t], dstate, out=du4[t])
        dc *= F[t]  # dc_next for step t-1
        np.dot(du[t], W_hh, out=dh_next)
    du_flat = du.reshape(T * B, H4)
    dW_ih = du_flat.T @ cache.xt.reshape(T * B, -1)  # (4H, in)
    dW_hh = du_flat.T @ h_prev.reshape(T * B, H)  # (4H, H)
    db = du_flat.sum(axis=0)  # (4H,)
    dx = np.matmul(du, W_ih)  # (T, B, in)
    return dx, dW_ih, dW_hh, db, db.copy(), dh_next, dc.copy(), dh_steps


def _gru_forward(xt, W_ih, W_hh, b_ih, b_hh, h0, c0, out, reverse, clamps) -> _DirCache:
    """One GRU direction over ``xt`` (T, B, in): h_t into ``out`` (T, B, H); returns what backward needs."""
    T, B, _ = xt.shape
    H = W_hh.shape[1]
    dt = W_hh.dtype
    alpha = np.full(3 * H, 0.5, dtype=dt)  # 0.5 on the sigmoid rows r, z
    alpha[2 * H:] = 1.0
    Wih_s = W_ih * alpha[:, None]
    Whh_sT = np.ascontiguousarray((W_hh * alpha[:, None]).T)  # (H, 3H)
    bhh_s = b_hh * alpha
    acts = np.matmul(xt, Wih_s.T)  # (T, B, 3H): x-projection, turned into [r, z, n] in place
    acts += b_ih * alpha
    hp = np.empty((T, B, 3 * H), dtype=dt)  # hidden projection h_{t-1} W_hh^T + b_hh (n part needed by backward)
    tmp = np.empty((B, H), dtype=dt)
    h_prev = h0
    for t in _order(T, reverse):
        a, hpt = acts[t], hp[t]
        np.dot(h_prev, Whh_sT, out=hpt)
        hpt += bhh_s
        rz = a[:, :2 * H]
        rz += hpt[:, :2 * H]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        if clamps and t in clamps:
            _apply_clamps(a, clamps[t], (0, 1))
        n = a[:, 2 * H:]
        np.multiply(a[:, :H], hpt[:, 2 * H:], out=tmp)
        n += tmp
        np.tanh(n, out=n)
        if clamps and t in clamps:
            _apply_clamps(a, clamps[t], (2,))
        # h_t = n + z * (h_{t-1} - n)
        np.subtract(h_prev, n, out=tmp)
        tmp *= a[:, H:2 * H]
        np.add(n, tmp, out=out[t])
        h_prev = out[t]
    return _DirCache(xt=xt, acts=acts, hp=hp, out=out, h0=h0, reverse=reverse)


def _gru_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh):
    """BPTT through one GRU direction; returns ``(dx, dW_ih, dW_hh, db_ih, db_hh, dh0, None, dh_steps)``.

    A step has two projections, ``u = [u_r u_z u_n] = x_t W_ih^T + b_ih`` and
    ``v = [v_r v_z v_n] = h_{t-1} W_hh^T + b_hh`` (B, 3H), and::

        r = sigmoid(u_r + v_r),  z = sigmoid(u_z + v_z),  n = tanh(u_n + r * v_n),  h_t = (1 - z) * n + z * h_{t-1}

    ``dh_next`` carries dL/dh_t back from step t+1 (``dh_n``, or zeros, at the last step). For
    t = T-1 ... 0 (0 ... T-1 in the reverse direction)::

        dh   = dY_t + dh_next                        total dL/dh_t               (B, H)
        du_n = dh * (1 - z) * (1 - n^2)              tanh' = 1 - tanh^2
        du_r = du_n * v_n * r (1 - r)                sigmoid' = s (1 - s); r only multiplies v_n
        du_z = dh * (h_{t-1} - n) * z (1 - z)
        dv   = [du_r, du_z, r * du_n]                the n block reaches v_n through r
        dh_next = dv W_hh + dh * z                   (B, 3H) @ (3H, H), plus the direct path h_t = ... + z h_{t-1}

    ``du = dh * dh_du`` and ``dv = dh * dh_dv`` with ``dh_du = [(1-z)(1-n^2) v_n r(1-r), (h_{t-1}-n) z(1-z),
    (1-z)(1-n^2)]`` and ``dh_dv = dh_du`` with the n block times r, both formed for all steps before the loop;
    the loop only needs ``dv``. After it, with sums over t and the batch::

        dW_ih = sum du^T x_t       (3H, in)      db_ih = sum du   (3H,)      dx_t = du W_ih   (B, in)
        dW_hh = sum dv^T h_{t-1}   (3H, H)       db_hh = sum dv   (3H,)

    ``dh0`` is the last ``dh_next``; ``dh_steps`` (T, B, H) every step's total dh. ``dc_n`` is unused (no cell).
    """
    acts, hp, out, reverse = cache.acts, cache.hp, cache.out, cache.reverse
    T, B, H3 = acts.shape
    H = H3 // 3
    dt = acts.dtype
    R, Z, N = (acts[:, :, k * H:(k + 1) * H] for k in range(3))  # (T, B, H) each
    v_n = hp[:, :, 2 * H:]  # h_{t-1} W_hn^T + b_hn (the forward's hidden projection; its r, z part is scaled)
    h_prev = _previous(out, cache.h0, reverse)  # (T, B, H): h_{t-1}
    dh_du = np.empty((T, B, 3, H), dtype=dt)  # dh_t/du per block r, z, n
    np.multiply(1 - Z, 1 - N * N, out=dh_du[:, :, 2])
    np.multiply(dh_du[:, :, 2] * v_n, R * (1 - R), out=dh_du[:, :, 0])
    np.multiply(h_prev - N, Z * (1 - Z), out=dh_du[:, :, 1])
    dh_dv = dh_du.copy()  # dh_t/dv per block: the same, the n block times r (n sees r * v_n)
    dh_dv[:, :, 2] *= R
    dv = np.empty((T, B, 3 * H), dtype=dt)  # dL/dv of every step
    dv3 = dv.reshape(T, B, 3, H)
    dh_steps = np.empty((T, B, H), dtype=dt)
    dh_next = np.zeros((B, H), dtype=dt) if dh_n is None else np.array(dh_n, dtype=dt)
    tmp = np.empty((B, H), dtype=dt)
    for t in reversed(_order(T, reverse)):
        dh = dh_steps[t]
        np.add(dh_next, dY[t], out=dh)
        np.multiply(dh_dv[t], dh[:, None, :], out=dv3[t])
        np.dot(dv[t], W_hh, out=dh_next)
        np.multiply(dh, Z[t], out=tmp)
        dh_next += tmp
    du_flat = (dh_du * dh_steps[:, :, None, :]).reshape(T * B, H3)  # dL/du of every step
    dv_flat = dv.reshape(T * B, H3)
    dW_ih = du_flat.T @ cache.xt.reshape(T * B, -1)  # (3H, in)
    dW_hh = dv_flat.T @ h_prev.reshape(T * B, H)  # (3H, H)
    dx = np.matmul(du_flat, W_ih).reshape(T, B, -1)  # (T, B, in)
    return dx, dW_ih, dW_hh, du_flat.sum(axis=0), dv_flat.sum(axis=0), dh_next, None, dh_steps


def _rnn_forward(xt, W_ih, W_hh, b_ih, b_hh, h0, c0, out, reverse, clamps) -> _DirCache:
    """One RNN direction over ``xt`` (T, B, in): h_t into ``out`` (T, B, H); returns what backward needs."""
    T, B, _ = xt.shape
    pre = np.matmul(xt, W_ih.T)  # (T, B, H)
    pre += b_ih + b_hh
    W_hhT = np.ascontiguousarray(W_hh.T)
    tmp = np.empty((B, W_hh.shape[0]), dtype=W_hh.dtype)
    h_prev = h0
    for t in _order(T, reverse):
        np.dot(h_prev, W_hhT, out=tmp)
        ht = out[t]
        np.add(pre[t], tmp, out=ht)
        np.tanh(ht, out=ht)
        h_prev = ht
    return _DirCache(xt=xt, out=out, h0=h0, reverse=reverse)


def _rnn_backward(cache: _DirCache, dY, dh_n, dc_n, W_ih, W_hh):
    """BPTT through one tanh RNN direction; returns ``(dx, dW_ih, dW_hh, db_ih, db_hh, dh0, None, dh_steps)``.

    ``u = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh`` (B, H) and ``h_t = tanh(u)``. ``dh_next`` carries dL/dh_t
    back from step t+1 (``dh_n``, or zeros, at the last step). For t = T-1 ... 0 (0 ... T-1 in reverse)::

        dh = dY_t + dh_next                          total dL/dh_t               (B, H)
        du = dh * (1 - h_t^2)                        tanh' = 1 - tanh^2 (dh_du, formed before the loop)
        dh_next = du W_hh                            (B, H) @ (H, H): to step t-1

    After the loop, with sums over t and the batch::

        dW_ih = sum du^T x_t       (H, in)       dx_t = du W_ih   (B, in)
        dW_hh = sum du^T h_{t-1}   (H, H)        db_ih = db_hh = sum du   (H,)

    ``dh0`` is the last ``dh_next``; ``dh_steps`` (T, B, H) every step's total dh. ``dc_n`` is unused (no cell).
    """
    out, reverse = cache.out, cache.reverse
    T, B, H = out.shape
    dt = out.dtype
    dh_du = 1 - out * out  # (T, B, H): tanh'
    du = np.empty((T, B, H), dtype=dt)  # dL/du of every step
    dh_steps = np.empty((T, B, H), dtype=dt)
    dh_next = np.zeros((B, H), dtype=dt) if dh_n is None else np.array(dh_n, dtype=dt)
    for t in reversed(_order(T, reverse)):
        dh = dh_steps[t]
        np.add(dh_next, dY[t], out=dh)
        np.multiply(dh, dh_du[t], out=du[t])
        np.dot(du[t], W_hh, out=dh_next)
    h_prev = _previous(out, cache.h0, reverse)  # (T, B, H): h_{t-1}
    du_flat = du.reshape(T * B, H)
    dW_ih = du_flat.T @ cache.xt.reshape(T * B, -1)  # (H, in)
    dW_hh = du_flat.T @ h_prev.reshape(T * B, H)  # (H, H)
    db = du_flat.sum(axis=0)  # (H,)
    return np.matmul(du, W_ih), dW_ih, dW_hh, db, db.copy(), dh_next, None, dh_steps


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
        H = self.hidden_size
        if name == "hidden":
            arr = cache.out  # (T, B, H)
        elif name == "cell":
            arr = cache.c
        else:
            k = _GATE_BLOCK[self.kind][name]
            arr = cache.acts[:, :, k * H:(k + 1) * H]
        view = arr.transpose(1, 0, 2)
        view = view.view()
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
        zeros = np.zeros((B, H), dtype=self.dtype)
        fwd = _FORWARD[self.kind]
        caches: dict[tuple[int, int], _DirCache] = {}
        h_n = np.empty((L * D, B, H), dtype=self.dtype)
        c_n = np.empty((L * D, B, H), dtype=self.dtype) if self.kind == "LSTM" else None
        inp = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, B, in)
        for layer in range(L):
            out = np.empty((T, B, D * H), dtype=self.dtype)  # (T, B, D*H): [forward, backward]
            for d in range(D):
                sfx, idx = self._suffix(layer, d), layer * D + d
                p = self.params
                cache = fwd(inp, p[f"weight_ih{sfx}"], p[f"weight_hh{sfx}"], p[f"bias_ih{sfx}"],
                            p[f"bias_hh{sfx}"], zeros if h0a is None else h0a[idx],
                            zeros if c0a is None else c0a[idx], out[:, :, d * H:(d + 1) * H], d == 1,
                            plan.get((layer, d)))
                caches[(layer, d)] = cache
                last = 0 if d == 1 else T - 1
                h_n[idx] = cache.out[last]
                if c_n is not None:
                    c_n[idx] = cache.c[last]
            inp = out
        y = np.ascontiguousarray(inp.transpose(1, 0, 2))  # (B, T, D*H)
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
        dY = dy.transpose(1, 0, 2)  # (T, B, D*H)
        for layer in reversed(range(L)):
            dX = None
            for d in range(D):
                sfx, idx = self._suffix(layer, d), layer * D + d
                W_ih, W_hh = self.params[f"weight_ih{sfx}"], self.params[f"weight_hh{sfx}"]
                dhn = None if checked["dh_n"] is None else checked["dh_n"][idx]
                dcn = None if checked["dc_n"] is None else checked["dc_n"][idx]
                dx_l, dW_ih, dW_hh, db_ih, db_hh, dh_first, dc_first, dHs = bwd(
                    trace._caches[(layer, d)], dY[:, :, d * H:(d + 1) * H], dhn, dcn, W_ih, W_hh)
                grads[f"weight_ih{sfx}"] = dW_ih
                grads[f"weight_hh{sfx}"] = dW_hh
                grads[f"bias_ih{sfx}"] = db_ih
                grads[f"bias_hh{sfx}"] = db_hh
                dh0[idx] = dh_first
                if dc_first is not None:
                    dc0[idx] = dc_first
                if return_state_grads:
                    dh_steps[(layer, DIRECTIONS[d])] = np.ascontiguousarray(dHs.transpose(1, 0, 2))
                dX = dx_l if dX is None else dX + dx_l
            dY = dX
        ordered = {name: grads[name] for name in self.params}
        if trace.h0_given:
            ordered["h0"] = dh0
        if trace.c0_given:
            ordered["c0"] = dc0
        dx = np.ascontiguousarray(dY.transpose(1, 0, 2))  # (B, T, in)
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
