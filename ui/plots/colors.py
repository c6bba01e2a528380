"""The one palette of LSTM Lab: a colour per gate/state and per series role, and the heatmap scales.

Why one module: a learner who sees the forget gate in orange on the Gates page must find it orange on every
other page too (cell drawing, replay, compare). Every figure builder takes its colours from here.

Palette (Okabe & Ito, 2008, "Color Universal Design"; distinguishable with the common colour-vision
deficiencies, no red/green pair, readable on both the light and the dark Streamlit theme):

=============  =========  =====================================================================
gate / state   colour     note
=============  =========  =====================================================================
input  (i)     #0072B2    blue
forget (f)     #E69F00    orange
candidate (g)  #CC79A7    reddish purple (LSTM g and GRU n: the same idea, the same colour)
output (o)     #009E73    bluish green
cell   (c)     #D55E00    vermillion
hidden (h)     #56B4E9    sky blue (LSTM, GRU and RNN h)
reset  (r)     #882255    wine (GRU; from Tol's "muted" set, Okabe–Ito has no free hue left)
update (z)     #B8A000    dark yellow (GRU; Okabe–Ito #F0E442 darkened so a line shows on white)
=============  =========  =====================================================================

Series roles: history #7A8B99 (neutral slate, visible on white and on near-black), in-sample fit #E69F00,
forecast #D55E00 with interval bands of the same hue at 30 % (80 %) and 15 % (95 %) opacity; the
train / validation / test regions are shaded blue / orange / purple at low opacity.

Forecasting methods (the Forecast page's backtest against the actuals): the network in the forecast's
vermillion, each baseline its own Okabe–Ito hue (``METHOD_COLORS``); a method not listed there (one added to
the backtest later) takes the next unused colour of ``EXTRA_METHOD_COLORS``. Lines also differ by dash, so
they stay apart in grey scale.

Heatmap scales (DESIGN.md):
- sigmoid gates (values in 0..1): a sequential scale from near-white (gate closed, 0) through the gate's
  colour to a dark shade of it (gate open, 1), always with ``zmin=0, zmax=1``;
- signed states (candidate, cell, hidden): one diverging scale blue → near-white → vermillion centred on 0,
  with a FIXED symmetric range: ±1 for candidate and hidden (tanh outputs), ±``cell_range(c)`` for the
  cell state (a round number near the 99th percentile of |c|), computed once per model so colours do not
  flicker while the view changes.
"""

from __future__ import annotations

import math

import numpy as np

# --- gates and states -------------------------------------------------------------------------------
GATE_COLORS: dict[str, str] = {
    "input": "#0072B2",
    "forget": "#E69F00",
    "candidate": "#CC79A7",
    "output": "#009E73",
    "cell": "#D55E00",
    "hidden": "#56B4E9",
    "reset": "#882255",
    "update": "#B8A000",
}

LSTM_GATES: tuple[str, ...] = ("input", "forget", "candidate", "output", "cell", "hidden")
GRU_GATES: tuple[str, ...] = ("reset", "update", "candidate", "hidden")
RNN_GATES: tuple[str, ...] = ("hidden",)
GATES_BY_CELL: dict[str, tuple[str, ...]] = {"lstm": LSTM_GATES, "gru": GRU_GATES, "rnn": RNN_GATES}

SIGMOID_GATES: frozenset[str] = frozenset({"input", "forget", "output", "reset", "update"})
SIGNED_STATES: frozenset[str] = frozenset({"candidate", "cell", "hidden"})

# --- series roles -----------------------------------------------------------------------------------
HISTORY = "#7A8B99"
FIT = "#E69F00"
FORECAST = "#D55E00"
INTERVAL_80 = "rgba(213, 94, 0, 0.30)"
INTERVAL_95 = "rgba(213, 94, 0, 0.15)"
SPLIT_FILL: dict[str, str] = {
    "train": "rgba(0, 114, 178, 0.07)",
    "val": "rgba(230, 159, 0, 0.16)",
    "test": "rgba(204, 121, 167, 0.18)",
}
CURSOR = "#7A8B99"

# --- forecasting methods ------------------------------------------------------------------------------
METHOD_COLORS: dict[str, str] = {
    "model": FORECAST,  # vermillion, like the forecast itself
    "seasonal_naive": "#0072B2",  # blue
    "naive": "#009E73",  # bluish green
    "drift": "#56B4E9",  # sky blue
    "moving_average": "#CC79A7",  # reddish purple (often the best baseline: shown beside seasonal naive's blue)
}
EXTRA_METHOD_COLORS: tuple[str, ...] = ("#882255", "#B8A000", "#332288", "#E69F00")  # wine, yellow, indigo, orange

# --- diverging scale for signed states --------------------------------------------------------------
NEGATIVE = "#0072B2"
NEUTRAL = "#F4F4F4"
POSITIVE = "#D55E00"
DIVERGING: list[list] = [[0.0, NEGATIVE], [0.5, NEUTRAL], [1.0, POSITIVE]]


def gate_color(name: str) -> str:
    """The colour of gate/state ``name`` (``"forget"``, ``"hidden"``, ...); KeyError for an unknown name."""
    return GATE_COLORS[name]


def _mix(hex_color: str, other: tuple[int, int, int], amount: float) -> str:
    """``hex_color`` moved ``amount`` (0..1) of the way towards the RGB triple ``other``."""
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    mixed = (round(c + (o - c) * amount) for c, o in zip((r, g, b), other))
    return "#{:02X}{:02X}{:02X}".format(*mixed)


def sequential_scale(name: str) -> list[list]:
    """Plotly colour scale for a sigmoid gate: near-white at 0 (closed), the gate colour, a dark shade at 1 (open).

    Lightness falls monotonically from 0 to 1, so the order reads right in grey scale too.
    """
    base = gate_color(name)
    return [[0.0, NEUTRAL], [0.55, base], [1.0, _mix(base, (0, 0, 0), 0.45)]]


CELL_QUANTILE = 99  # the cell scale's end: this percentile of |c|; the few larger values show at full colour


def cell_range(c: np.ndarray | float) -> float:
    """Fixed half-range for the cell-state colour scale: the ``CELL_QUANTILE`` percentile of ``|c|`` rounded up
    to a round number (1, 2, 2.5 or 5 times a power of ten; at least 0.1).

    A percentile, not the peak: one cell state of 20 among values of ±2 would leave the panel nearly white.
    Computed once per model (on its trace), not per view, so moving the cursor or the window never rescales.
    Non-finite values are ignored.
    """
    arr = np.abs(np.asarray(c, dtype=float))
    arr = arr[np.isfinite(arr)]
    peak = float(np.percentile(arr, CELL_QUANTILE)) if arr.size else 0.0
    if peak <= 0.1:
        return 0.1
    power = 10.0 ** math.floor(math.log10(peak))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if peak <= step * power * (1 + 1e-9):
            return float(step * power)
    return float(10 * power)


def scale_for(name: str, c_range: float = 1.0) -> dict:
    """``colorscale``, ``zmin``, ``zmax`` (and ``zmid``) for a heatmap of gate/state ``name``.

    Sigmoid gates: sequential, 0..1. Candidate and hidden: diverging, -1..1. Cell: diverging, ±``c_range``.
    """
    if name in SIGMOID_GATES:
        return {"colorscale": sequential_scale(name), "zmin": 0.0, "zmax": 1.0}
    if name == "cell":
        r = float(c_range)
        return {"colorscale": DIVERGING, "zmin": -r, "zmax": r, "zmid": 0.0}
    if name in SIGNED_STATES:
        return {"colorscale": DIVERGING, "zmin": -1.0, "zmax": 1.0, "zmid": 0.0}
    raise KeyError(name)
