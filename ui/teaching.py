"""The teaching default path: the series a newcomer meets first, the settings its network trains with, and the
Gates page's default stretch (pure: no Streamlit).

Why a synthetic series: on the real bundled series, with the plain defaults, every gate sat near one value for
the whole window (flat stripes, no unit holding its memory, a replay whose first and last epoch looked alike;
``python -m benchmarks.teaching --series elnino_sst_monthly``). The echo series (``datasets.synthetic``: pulses
that come back exactly ``delay`` steps later) gives the gates something to do: to forecast an echo the network
must write the pulse into memory, keep it while counting the steps, and show it when the echo is due. Its
settings start the forget gates open (``forget_bias``, as Gers et al. 2000 and Keras's ``unit_forget_bias``
do), train long enough for the gates to reach their ends, and anchor windows on the series' mean (a pulse at
the window's end must not move the whole window). The real series stay one click away on the Data page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

GENERATOR = "echo"
PARAMS: dict[str, float] = {"length": 600, "delay": 8, "gap": 6, "noise": 0.05}
SEED = 0

# what the echo series' network trains with, unless the learner sets a field on the Train page
TRAIN_DEFAULTS: dict[str, Any] = {
    "hidden_size": 16, "learning_rate": 0.02, "epochs": 60, "patience": 0, "forget_bias": 2.0, "scaling": "global",
}


def is_teaching(ref: Mapping[str, Any], source: str) -> bool:
    """True for a series of the teaching generator (any parameters or seed: its settings suit them all)."""
    return source == "synthetic" and ref.get("generator") == GENERATOR


def is_default(ref: Mapping[str, Any], source: str) -> bool:
    """True for exactly the series a newcomer starts with."""
    params = ref.get("params", {})
    return (is_teaching(ref, source) and int(ref.get("seed", -1)) == SEED
            and all(float(params.get(k, float("nan"))) == float(v) for k, v in PARAMS.items()))


def train_defaults(params: Mapping[str, Any]) -> dict[str, Any]:
    """``TRAIN_DEFAULTS`` for an echo series made with ``params``: the window holds a pulse and its echo."""
    delay = int(params.get("delay", PARAMS["delay"]))
    return {**TRAIN_DEFAULTS, "window": max(16, 2 * delay)}


def gates_window(n: int, window: int) -> tuple[int, int]:
    """The Gates page's default stretch [start, end): the last four training windows (at least 48 steps)."""
    length = min(n, max(4 * window, 48))
    return n - length, n
