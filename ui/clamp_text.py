"""The Clamp page's reading: sentences that say what the forced gate means, what froze and how much moved.

Pure (no streamlit): the language ``lang`` ("pt-BR" | "en") is passed explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ui.cell_text import percent
from ui.i18n import fmt_num, translate


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def clamp_reading(kind: str, gate: str, value: float, s: Mapping[str, Any],
                  forecast: tuple[np.ndarray, np.ndarray] | None, spread: float, lang: str) -> str:
    """Sentences that read a clamped run against the normal one.

    ``s``: :func:`ui.clamping.summary`; ``forecast``: (normal, clamped) forecasts or None (demo network);
    ``spread``: the series' standard deviation, the yardstick of the largest forecast change.
    """
    v = fmt_num(value, 2, lang)
    gate_name = _lower_first(translate(lang, f"gate.{gate}"))
    if gate == "candidate":
        effect = translate(lang, f"clamp.effect.{kind.lower()}_candidate", v=v)
    else:
        effect = translate(lang, f"clamp.effect.{gate}_{'high' if value >= 0.5 else 'low'}", v=v)
    parts = [translate(lang, "clamp.read.forced", gate=gate_name, v=v), effect]
    if s["frozen"]:
        parts.append(translate(lang, "clamp.read.frozen", state=_lower_first(translate(lang, f"gate.{s['frozen']}"))))
    parts.append(translate(lang, "clamp.read.hidden", mean=fmt_num(s["hidden_mean"], 3, lang),
                           max=fmt_num(s["hidden_max"], 3, lang)))
    if forecast is not None:
        d = np.abs(forecast[1] - forecast[0])
        share = percent(float(d.max()) / spread, lang) if spread > 0 else "—"
        parts.append(translate(lang, "clamp.read.forecast", mean=fmt_num(float(d.mean()), 3, lang),
                               max=fmt_num(float(d.max()), 3, lang), share=share))
    return " ".join(parts)
