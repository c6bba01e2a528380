"""The numbers behind the gate and cell pictures: one layer's arrays, one unit's step, cell-state terms, saturation.

Pure NumPy on the core's public API (no streamlit, no plotly), as float64 copies so results can be cached.

- :func:`layer_gates` / :func:`layer_arrays` pull one layer/direction out of a core trace (and network);
  :func:`step_values` returns every number the cell drawing and the substituted equations show for one unit
  ``j`` at one step ``t``. Gate activations come from the trace; the pre-activations are recomputed from the
  weights,

      a = W_ih[row] · x_t + b_ih[row] + W_hh[row] · h_{t−1} + b_hh[row],   row = k·H + j  (k = gate block)

  so the page can show both ``a`` and ``σ(a)`` (or ``tanh(a)``) and a test can check that they agree.
- :func:`cell_parts` splits the LSTM cell update into what was kept and what was written;
  :func:`saturation_fractions` measures how often a gate is nearly shut or nearly open.
- :func:`demo_input`, :func:`demo_net` and ``DEMO_*``: the untrained demo network of the Cell and Clamp pages;
  :func:`demo_arrays` / :func:`member_arrays`: ``layer_arrays`` of the demo network or a forecaster's member 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lstm_core import GRU, LSTM

# The untrained demo network used when no trained model of the chosen kind exists: a fixed seed so every
# learner sees the same numbers, few units so the unit picker stays short, a window of two years of months.
DEMO_HIDDEN = 8
DEMO_SEED = 7
DEMO_WINDOW = 24
LOW, HIGH = 0.1, 0.9  # saturation thresholds (Karpathy, Johnson & Fei-Fei, 2015)


def demo_input(values: Any, window: int = DEMO_WINDOW) -> np.ndarray:
    """The demo network's input: the last ``window`` points, standardised as x' = (x − mean) / std (window stats).

    Returns (T,) float64 with T = min(window, len(values)); a constant window gives zeros (std taken as 1).
    """
    x = np.asarray(values, dtype=np.float64)[-window:]
    std = float(x.std()) if x.size else 0.0
    return (x - x.mean()) / (std if std > 0 else 1.0)


def demo_net(kind: str) -> Any:
    """The untrained demo network of ``kind`` ("LSTM" | "GRU"): one input, ``DEMO_HIDDEN`` units, seeded, float64."""
    return {"LSTM": LSTM, "GRU": GRU}[kind](1, DEMO_HIDDEN, seed=DEMO_SEED, dtype="float64")


def layer_gates(trace: Any, layer: int = 0, direction: str = "forward", sample: int = 0,
                names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """``{name: (T, H) float64 copy}`` of one sample, layer and direction of a core trace (every gate by default)."""
    arrays = trace.gate_arrays(sample=sample, names=names, layers=[layer], directions=[direction], dtype=np.float64)
    return {name: a for (_, _, name), a in arrays.items()}


def layer_arrays(net: Any, trace: Any, layer: int = 0, direction: str = "forward", sample: int = 0) -> dict:
    """The arrays of one layer/direction needed to explain a step: input, gates, states and weights.

    Returns ``{"kind", "reverse", "x": (T, in), "gates": {name: (T, H)}, "W_ih": (GH, in), "W_hh": (GH, H),
    "b_ih": (GH,), "b_hh": (GH,)}`` as float64 copies (cacheable). The input of layer ``l > 0`` is the hidden
    state of layer ``l − 1`` (both directions joined, as the core feeds it).
    """
    kind = trace.kind
    if layer == 0:
        x = np.asarray(trace.x, dtype=np.float64)[sample]  # (T, in)
    else:
        parts = [np.asarray(trace.gate("hidden", layer - 1, d))[sample] for d in ("forward", "backward")[
            : trace.num_directions]]
        x = np.concatenate(parts, axis=1).astype(np.float64)  # (T, D*H)
    sfx = f"_l{layer}" + ("_reverse" if direction == "backward" else "")
    p = net.params
    return {
        "kind": kind,
        "reverse": direction == "backward",
        "x": x,
        "gates": layer_gates(trace, layer, direction, sample),
        "W_ih": np.asarray(p[f"weight_ih{sfx}"], dtype=np.float64).copy(),
        "W_hh": np.asarray(p[f"weight_hh{sfx}"], dtype=np.float64).copy(),
        "b_ih": np.asarray(p[f"bias_ih{sfx}"], dtype=np.float64).copy(),
        "b_hh": np.asarray(p[f"bias_hh{sfx}"], dtype=np.float64).copy(),
    }


def demo_arrays(kind: str, x: np.ndarray) -> dict:
    """``layer_arrays`` of the untrained demo network (:func:`demo_net`) on the standardised window ``x`` (T,)."""
    net = demo_net(kind)
    _, trace = net.forward(x[None, :, None])
    return layer_arrays(net, trace)


def member_arrays(forecaster: Any, window: np.ndarray, layer: int = 0, direction: str = "forward") -> dict:
    """``layer_arrays`` of a fitted forecaster's member 0 on ``window`` (T,) in series units, scaled as in training."""
    return layer_arrays(forecaster.models[0].net, forecaster.trace(window), layer, direction)


def _pre(arrs: Mapping, k: int, unit: int, x_t: np.ndarray, h_prev: np.ndarray) -> dict[str, float]:
    """Parts of the pre-activation of gate block ``k`` for ``unit``: W_ih·x, b_ih, W_hh·h, b_hh and their sum."""
    H = arrs["W_hh"].shape[1]
    row = k * H + unit
    wx = float(arrs["W_ih"][row] @ x_t)
    wh = float(arrs["W_hh"][row] @ h_prev)
    bi, bh = float(arrs["b_ih"][row]), float(arrs["b_hh"][row])
    return {"wx": wx, "bi": bi, "wh": wh, "bh": bh, "a": wx + bi + wh + bh}


def step_values(arrs: Mapping, t: int, unit: int) -> dict[str, Any]:
    """Every number of unit ``unit`` at step ``t`` (see the module docstring), for the drawing and the equations.

    Keys (LSTM): ``x`` (input at t, first feature), ``h_prev``, ``c_prev``, ``input, forget, candidate,
    output, cell, hidden`` (trace), ``tanh_c``, ``kept`` = f·c_{t−1}, ``written`` = i·g, and ``pre`` =
    ``{gate: {"wx", "bi", "wh", "bh", "a"}}``. GRU: ``reset, update, candidate, hidden``, ``one_minus_z``,
    ``kept`` = z·h_{t−1}, ``written`` = (1−z)·n, ``hn`` = W_hn·h_{t−1} + b_hn, ``r_hn`` = r·hn, and ``pre`` for
    reset/update/candidate (for the candidate ``a`` = W_in·x + b_in + r·hn). ``x_all``: the whole input vector.
    """
    gates = arrs["gates"]
    T, H = gates["hidden"].shape
    if not 0 <= t < T:
        raise ValueError(f"step {t} outside 0..{T - 1}")
    if not 0 <= unit < H:
        raise ValueError(f"unit {unit} outside 0..{H - 1}")
    tp = t + 1 if arrs["reverse"] else t - 1  # the step this one started from
    first = not 0 <= tp < T
    h_prev_vec = np.zeros(H) if first else gates["hidden"][tp]
    x_t = arrs["x"][t]
    out: dict[str, Any] = {"t": t, "unit": unit, "kind": arrs["kind"], "x": float(x_t[0]), "x_all": x_t.copy(),
                           "h_prev": float(h_prev_vec[unit])}
    for name, z in gates.items():
        out[name] = float(z[t, unit])
    if arrs["kind"] == "LSTM":
        out["c_prev"] = 0.0 if first else float(gates["cell"][tp, unit])
        out["pre"] = {name: _pre(arrs, k, unit, x_t, h_prev_vec)
                      for k, name in enumerate(("input", "forget", "candidate", "output"))}
        out["tanh_c"] = float(np.tanh(out["cell"]))
        out["kept"] = out["forget"] * out["c_prev"]
        out["written"] = out["input"] * out["candidate"]
    elif arrs["kind"] == "GRU":
        pre = {name: _pre(arrs, k, unit, x_t, h_prev_vec) for k, name in enumerate(("reset", "update", "candidate"))}
        n = pre["candidate"]
        out["hn"] = n["wh"] + n["bh"]
        out["r_hn"] = out["reset"] * out["hn"]
        n["a"] = n["wx"] + n["bi"] + out["r_hn"]
        out["pre"] = pre
        out["one_minus_z"] = 1.0 - out["update"]
        out["kept"] = out["update"] * out["h_prev"]
        out["written"] = out["one_minus_z"] * out["candidate"]
    else:
        raise ValueError(f"no cell drawing for {arrs['kind']}")
    return out


def cell_parts(
    f: np.ndarray, i: np.ndarray, g: np.ndarray, c: np.ndarray, c0: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Split the LSTM cell update ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t`` into its two terms.

    All inputs ``(T, H)``; ``c0`` is ``(H,)`` (zeros when None). Returns ``(kept, written)``, each ``(T, H)``:
    ``kept = f_t ⊙ c_{t−1}`` (what the forget gate lets through), ``written = i_t ⊙ g_t`` (what the input gate
    adds), so that ``kept + written == c``.
    """
    f, i, g, c = (np.asarray(a, dtype=np.float64) for a in (f, i, g, c))
    c_prev = np.empty_like(c)  # (T, H)
    c_prev[0] = 0.0 if c0 is None else np.asarray(c0, dtype=np.float64)
    c_prev[1:] = c[:-1]
    return f * c_prev, i * g


def saturation_fractions(z: np.ndarray, low: float = LOW, high: float = HIGH) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the fraction of steps a gate spends below ``low`` (nearly shut) and above ``high`` (nearly open).

    ``z``: (..., H) sigmoid activations (any leading shape, e.g. (T, H) or (B, T, H)); returns two (H,) arrays.
    """
    z = np.asarray(z, dtype=np.float64)
    flat = z.reshape(-1, z.shape[-1])  # (B·T, H)
    return (flat < low).mean(axis=0), (flat > high).mean(axis=0)
