"""How legible a picture of the gates is: the figures ``benchmarks.teaching`` prints and the lesson's claims rest on.

A heatmap a class can read has gates that move with the input (a spread over time), that reach their ends
(shut near 0, open near 1), units that differ from each other, and panels that are not blank on their colour
scale. Every function takes ``{name: (T, H)}`` arrays of one layer and direction, as ``Trace.gate_arrays`` gives.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ui.plots.colors import SIGMOID_GATES

SHUT, OPEN = 0.1, 0.9  # a sigmoid gate below SHUT is shut, above OPEN is open
BLANK = 0.1  # a heatmap cell within this share of its scale's white end is near-blank
HELD = 0.5  # a unit holds its forget gate open when it is open for more than this share of the window


def near_blank(name: str, z: np.ndarray, c_range: float = 1.0) -> float:
    """Share of the (step, unit) cells of gate/state ``name`` drawn near-white on its colour scale."""
    z = np.asarray(z, dtype=np.float64)
    if name in SIGMOID_GATES:
        return float((z < BLANK).mean())
    span = float(c_range) if name == "cell" else 1.0
    return float((np.abs(z) < BLANK * span).mean())


def held_open(forget: np.ndarray) -> np.ndarray:
    """The units whose forget gate (``(T, H)``) stays open (> ``OPEN``) for most of the window, in order."""
    return np.flatnonzero((np.asarray(forget) > OPEN).mean(axis=0) > HELD)


def gate_figures(gates: Mapping[str, np.ndarray], c_range: float = 1.0) -> dict[str, dict[str, float]]:
    """Per gate: ``spread`` (mean over units of the std over time), ``shut`` and ``open`` shares (sigmoid gates),
    and ``blank`` (share of near-white cells on the gate's colour scale)."""
    out: dict[str, dict[str, float]] = {}
    for name, z in gates.items():
        z = np.asarray(z, dtype=np.float64)
        row = {"spread": float(z.std(axis=0).mean()), "blank": near_blank(name, z, c_range)}
        if name in SIGMOID_GATES:
            row["shut"] = float((z < SHUT).mean())
            row["open"] = float((z > OPEN).mean())
        out[name] = row
    return out


def replay_change(first: Mapping[str, np.ndarray], last: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Mean absolute change of each gate between two snapshots of the same probe window."""
    return {name: float(np.abs(np.asarray(last[name], dtype=np.float64) - np.asarray(first[name])).mean())
            for name in first if name in last}


def jumps(x: np.ndarray) -> np.ndarray:
    """The steps where the input stands out: more than 3 robust standard deviations (1.4826 × MAD) from its median.

    On the echo series these are its pulses and echoes; on a smooth series there may be none.
    """
    x = np.asarray(x, dtype=np.float64)
    dev = np.abs(x - np.median(x))
    mad = 1.4826 * float(np.median(dev))
    if not np.isfinite(mad) or mad <= 0:
        return np.zeros(x.shape, dtype=bool)
    return dev > 3 * mad


REACTS = 0.15  # a gate "reacts" to the jumps when its mean there differs from elsewhere by at least this


def reaction(z: np.ndarray, at: np.ndarray) -> tuple[int, float]:
    """(unit, difference): the unit whose gate ``z`` (``(T, H)``) differs most between the steps ``at`` (bool,
    ``(T,)``) and the others, and that mean difference (positive: it opens there). (-1, 0) without both kinds."""
    at = np.asarray(at, dtype=bool)
    if not at.any() or at.all():
        return -1, 0.0
    z = np.asarray(z, dtype=np.float64)
    diff = z[at].mean(axis=0) - z[~at].mean(axis=0)
    unit = int(np.argmax(np.abs(diff)))
    return unit, float(diff[unit])
