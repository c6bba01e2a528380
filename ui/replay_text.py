"""The Training replay page's sentences: what one snapshot shows, and what the player calls each snapshot.

Pure (no streamlit): every function takes the language ``lang`` explicitly. A snapshot is ``state.ReplaySnapshot``
(``epoch``, ``train_loss``: None for epoch 0, the network before training); ``gates`` / ``first`` are its
``{name: (T, H)}`` arrays and those of the run's first snapshot, on one layer and direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ui.cell_values import HIGH
from ui.i18n import fmt_num, translate


def frame_label(snap: Any, lang: str) -> str:
    """The player's name for a snapshot: its epoch and training loss, or "before training" for epoch 0."""
    if snap.train_loss is None:
        return translate(lang, "replay.frame_before", epoch=snap.epoch)
    return translate(lang, "replay.frame", epoch=snap.epoch, loss=fmt_num(snap.train_loss, 4, lang))


def reading(snap: Any, gates: Mapping[str, np.ndarray], first: Mapping[str, np.ndarray], first_epoch: int,
            lang: str) -> str:
    """One paragraph on the snapshot: its loss and, for a cell with a forget gate, how open that gate is now
    against the first snapshot (its mean, and the share of values above ``HIGH``)."""
    if "forget" not in gates:
        if snap.train_loss is None:
            return translate(lang, "replay.read.loss_before", epoch=snap.epoch)
        return translate(lang, "replay.read.loss", epoch=snap.epoch, loss=fmt_num(snap.train_loss, 4, lang))
    f, f0 = np.asarray(gates["forget"], dtype=np.float64), np.asarray(first["forget"], dtype=np.float64)
    values = {"epoch": snap.epoch, "first": first_epoch, "mean": fmt_num(float(f.mean()), 2, lang),
              "mean0": fmt_num(float(f0.mean()), 2, lang), "share": fmt_num(100 * float((f > HIGH).mean()), 0, lang),
              "share0": fmt_num(100 * float((f0 > HIGH).mean()), 0, lang)}
    if snap.train_loss is None:
        return translate(lang, "replay.read.forget_before", **values)
    return translate(lang, "replay.read.forget", loss=fmt_num(snap.train_loss, 4, lang), **values)


def scale_text(c_range: float, lang: str) -> str:
    """The note on the fixed colour scales, with the cell state's half-range written as it is (2.5, not 2)."""
    c = float(c_range)
    return translate(lang, "replay.scale_note", c=fmt_num(c, 0 if c.is_integer() else 2 if c < 1 else 1, lang))
