"""Regression losses; each returns ``(loss, dL/dpred)`` with the loss averaged over all elements.

With ``d = pred - target`` and ``N`` elements::

    mse   = mean(d^2)                                   dpred = 2 d / N
    mae   = mean(|d|)                                   dpred = sign(d) / N
    huber = mean(0.5 d^2 if |d| <= delta else delta (|d| - 0.5 delta))   dpred = clip(d, -delta, delta) / N
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import CoreError
from .recurrent import _shape_text, as_real_array


def _finite(loss: float) -> float:
    """The loss as a Python float; CoreError instead of a silent inf (errors so large they overflow)."""
    if not np.isfinite(loss):
        raise CoreError("errors.core.non_finite", name="loss")
    return float(loss)


def _diff(pred: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pred)
    dtype = p.dtype if p.dtype.kind == "f" else np.float64
    p = as_real_array(p, "pred", dtype)
    t = as_real_array(target, "target", dtype)
    if p.shape != t.shape:
        raise CoreError("errors.core.shape_mismatch", pred=_shape_text(p.shape), target=_shape_text(t.shape))
    if p.size == 0:
        raise CoreError("errors.core.empty_input", shape=_shape_text(p.shape))
    return p - t, p


def mse(pred: Any, target: Any) -> tuple[float, np.ndarray]:
    """Mean squared error and its gradient w.r.t. ``pred``."""
    d, _ = _diff(pred, target)
    d64 = d.astype(np.float64)  # the mean in float64: float32 squares overflow early
    return _finite(np.mean(d64 * d64)), d * (2.0 / d.size)


def mae(pred: Any, target: Any) -> tuple[float, np.ndarray]:
    """Mean absolute error and its (sub)gradient w.r.t. ``pred`` (0 where ``pred == target``)."""
    d, _ = _diff(pred, target)
    return _finite(np.mean(np.abs(d.astype(np.float64)))), np.sign(d) * (1.0 / d.size)


def huber(pred: Any, target: Any, delta: float = 1.0) -> tuple[float, np.ndarray]:
    """Huber loss: quadratic for small errors, linear beyond ``delta`` (robust to outliers)."""
    if not (isinstance(delta, int | float) and np.isfinite(delta) and delta > 0):
        raise CoreError("errors.core.bad_config", name="delta", value=str(delta))
    d, _ = _diff(pred, target)
    d64 = d.astype(np.float64)
    a = np.abs(d64)
    loss = np.where(a <= delta, 0.5 * d64 * d64, delta * (a - 0.5 * delta))
    return _finite(np.mean(loss)), np.clip(d, -delta, delta) * (1.0 / d.size)


def weighted(loss: Any, pred: Any, target: Any, weight: np.ndarray) -> tuple[float, np.ndarray]:
    """``loss`` (one of the above) with a weight per element: Σ w·ℓ / Σ w, and its gradient.

    A weight of 0 leaves an element out (a target past the end of the series); the others count in
    proportion (recent windows more than old ones). Works for any of the three losses because each is a mean
    of per-element terms: calling it with N = 1 per element gives ℓ and dℓ/dpred element by element.
    """
    w = np.asarray(weight, dtype=np.float64)
    total = float(w.sum())
    if not total > 0:
        raise CoreError("errors.core.bad_config", name="weight", value=str(total))
    p = np.asarray(pred)
    _, grad = loss(p, target)  # dℓ/dpred / N for every element
    n = p.size
    per = _per_element(loss, p, target)
    scale = (w / total).astype(grad.dtype)
    return _finite(float(np.sum(w * per)) / total), grad * n * scale


def _per_element(loss: Any, pred: np.ndarray, target: Any) -> np.ndarray:
    d, _ = _diff(pred, target)
    d64 = d.astype(np.float64)
    if loss is mse:
        return d64 * d64
    if loss is mae:
        return np.abs(d64)
    delta = getattr(loss, "delta", 1.0)
    a = np.abs(d64)
    return np.where(a <= delta, 0.5 * d64 * d64, delta * (a - 0.5 * delta))
