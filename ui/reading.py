"""Sentences that read a picture for the learner: what the gates on screen say, and how a time step is named."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ui.i18n import fmt_num, translate
from ui.legibility import REACTS, held_open, jumps, reaction


def time_label(value) -> str:
    """A date without a midnight time, a timestamp with its hour and minute, or a step number."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _units(idx: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(int(u)) for u in idx[:limit])
    return shown + (" …" if idx.size > limit else "")


def _pct(x: float, lang: str) -> str:
    return fmt_num(100 * x, 0, lang) + " %"


def _reactions(gates: Mapping[str, np.ndarray], names: tuple[str, ...], values: np.ndarray, lang: str) -> list[str]:
    """One sentence per gate of ``names`` whose most reactive unit moves by at least ``REACTS`` where the input
    jumps (``legibility.jumps``); a sentence saying there is no jump when there is none."""
    at = jumps(values)
    if not at.any():
        return [translate(lang, "gates.read.no_jumps")]
    lines = []
    for name in names:
        unit, diff = reaction(gates[name], at)
        if unit >= 0 and abs(diff) >= REACTS:
            gate = translate(lang, f"gate.{name}")
            lines.append(translate(lang, "gates.read.reacts_open" if diff > 0 else "gates.read.reacts_shut",
                                   n=int(at.sum()), gate=gate[:1].lower() + gate[1:], unit=unit,
                                   value=fmt_num(abs(diff), 2, lang)))
    return lines


def gate_reading(gates: Mapping[str, np.ndarray], unit: int, cursor: int, kind: str, step: str,
                 lang: str, values: np.ndarray | None = None) -> list[str]:
    """What the gates of one window say: memory length, how often gates open, how they react to jumps of the
    input (with ``values``, the ``(T,)`` input the network read), and the cursor step.

    ``gates``: ``{name: (T, H)}`` of one layer and direction; ``kind``: "lstm" | "gru" | "rnn"; ``step``: the
    cursor's time label (``time_label``).
    """
    def tr(key: str, **params) -> str:
        return translate(lang, key, **params)

    def num(x: float) -> str:
        return fmt_num(x, 2, lang)

    lines: list[str] = []
    H = next(iter(gates.values())).shape[1]
    if kind == "lstm":
        f_mean = gates["forget"].mean(axis=0)  # (H,)
        long = held_open(gates["forget"])
        short = np.flatnonzero(f_mean < 0.5)
        if long.size:
            lines.append(tr("gates.read.long_memory", n=long.size, total=H, units=_units(long)))
        else:
            top = int(np.argmax(f_mean))
            lines.append(tr("gates.read.no_long_memory", unit=top, value=num(f_mean[top])))
        if short.size:
            lines.append(tr("gates.read.short_memory", n=short.size, units=_units(short)))
        lines.append(tr("gates.read.input_open", pct=_pct(float((gates["input"] > 0.5).mean()), lang)))
        lines.append(tr("gates.read.output", value=num(float(gates["output"].mean()))))
        if values is not None:
            lines.extend(_reactions(gates, ("forget", "input", "output"), values, lang))
        f, i, o = (float(gates[g][cursor, unit]) for g in ("forget", "input", "output"))
        c = float(gates["cell"][cursor, unit])
        action = ("keep" if f >= 0.5 and i < 0.5 else "add" if f >= 0.5 else "write" if i >= 0.5 else "fade")
        lines.append(tr("gates.read.cursor_lstm", step=step, unit=unit, f=num(f), i=num(i), o=num(o), c=num(c),
                        action=tr(f"gates.read.action.{action}")))
    elif kind == "gru":
        z_mean = gates["update"].mean(axis=0)
        long = held_open(gates["update"])
        if long.size:
            lines.append(tr("gates.read.gru_long", n=long.size, total=H, units=_units(long)))
        else:
            top = int(np.argmax(z_mean))
            lines.append(tr("gates.read.gru_no_long", unit=top, value=num(z_mean[top])))
        lines.append(tr("gates.read.gru_reset", pct=_pct(float((gates["reset"] < 0.1).mean()), lang)))
        if values is not None:
            lines.extend(_reactions(gates, ("update", "reset"), values, lang))
        z, r = float(gates["update"][cursor, unit]), float(gates["reset"][cursor, unit])
        lines.append(tr("gates.read.cursor_gru", step=step, unit=unit, z=num(z), r=num(r), keep=_pct(z, lang)))
    else:
        h = gates["hidden"]
        lines.append(tr("gates.read.rnn", pct=_pct(float((np.abs(h) > 0.9).mean()), lang)))
    return lines
