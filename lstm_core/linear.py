"""A dense layer ``out = h W^T + b`` (the forecasting head), laid out like ``torch.nn.Linear``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import CoreError
from .recurrent import _is_int, _shape_text, as_real_array, check_dtype_name, check_param_dict


class Linear:
    """``out = h W^T + b`` with ``weight`` (out, in) and ``bias`` (out,), initialised U(-1/sqrt(in), 1/sqrt(in)).

    Keeps no per-call state: ``forward`` returns a cache that ``backward`` consumes.
    """

    kind = "Linear"

    def __init__(self, in_features: int, out_features: int, seed: int | None = 0, dtype: str = "float32") -> None:
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not _is_int(value) or value < 1:
                raise CoreError("errors.core.bad_config", name=name, value=str(value))
        if seed is not None and (not _is_int(seed) or seed < 0):
            raise CoreError("errors.core.bad_config", name="seed", value=str(seed))
        self.dtype = check_dtype_name(dtype)
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.seed = None if seed is None else int(seed)
        rng = np.random.default_rng(self.seed)
        k = 1.0 / math.sqrt(self.in_features)
        self.params: dict[str, np.ndarray] = {
            name: rng.uniform(-k, k, size=shape).astype(self.dtype) for name, shape in self.param_shapes().items()
        }

    @property
    def config(self) -> dict[str, Any]:
        """The constructor arguments (JSON-able)."""
        return {"in_features": self.in_features, "out_features": self.out_features, "seed": self.seed,
                "dtype": self.dtype.name}

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """``weight`` (out, in) and ``bias`` (out,)."""
        return {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}

    def num_parameters(self) -> int:
        """How many trainable numbers the layer has."""
        return int(sum(p.size for p in self.params.values()))

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters."""
        return {name: arr.copy() for name, arr in self.params.items()}

    def load_state_dict(self, d: Mapping[str, Any]) -> None:
        """Copy ``d`` into the live arrays after checking names, shapes and values."""
        for name, arr in check_param_dict(d, self.param_shapes(), self.dtype).items():
            self.params[name][...] = arr

    def forward(self, h: Any) -> tuple[np.ndarray, np.ndarray]:
        """``out = h W^T + b`` for ``h`` (..., in); returns ``(out, cache)`` with ``cache`` the cast input."""
        h = as_real_array(h, "h", self.dtype)
        if h.ndim == 0 or h.shape[-1] != self.in_features:
            raise CoreError("errors.core.bad_input_size", got=int(h.shape[-1]) if h.ndim else 0,
                            expected=self.in_features)
        out = h @ self.params["weight"].T  # (..., out)
        out += self.params["bias"]
        return out, h

    def backward(self, dout: Any, cache: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Gradients of the loss w.r.t. the input and the parameters, given ``dout`` (..., out)."""
        dout = as_real_array(dout, "dout", self.dtype)
        expected = (*cache.shape[:-1], self.out_features)
        if dout.shape != expected:
            raise CoreError("errors.core.bad_grad_shape", name="dout", expected=_shape_text(expected),
                            got=_shape_text(dout.shape))
        flat_out = dout.reshape(-1, self.out_features)
        grads = {"weight": flat_out.T @ cache.reshape(-1, self.in_features), "bias": flat_out.sum(axis=0)}
        return dout @ self.params["weight"], grads

    def __repr__(self) -> str:
        return "Linear(" + ", ".join(f"{k}={v!r}" for k, v in self.config.items()) + ")"
