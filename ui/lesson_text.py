"""The guided lesson's answers that read the learner's own network: built from its numbers, never a claim the
picture on screen might not bear out (pure: no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ui import teaching
from ui.i18n import fmt_num, translate
from ui.legibility import OPEN, REACTS, SHUT, held_open, jumps, reaction, replay_change
from ui.plots.colors import GATES_BY_CELL


def _units(idx) -> str:
    return ", ".join(str(int(u)) for u in idx)


def gates_reveal(gates: Mapping[str, np.ndarray], values: np.ndarray, lang: str) -> list[str]:
    """Step "gates": which units of this LSTM hold their forget gate open on the Gates page's default window,
    and which one clears its memory where the input jumps. ``gates``: ``{name: (T, H)}`` of layer 0."""
    forget = gates["forget"]
    held = held_open(forget)
    lines = [translate(lang, "lesson.mine.held", n=held.size, total=forget.shape[1], units=_units(held))
             if held.size else
             translate(lang, "lesson.mine.none_held", value=fmt_num(float(forget.mean(axis=0).max()), 2, lang))]
    at = jumps(values)
    unit, diff = reaction(forget, at)
    if unit >= 0 and diff <= -REACTS:
        lines.append(translate(lang, "lesson.mine.clears", unit=unit, n=int(at.sum()),
                               value=fmt_num(-diff, 2, lang)))
    return lines


def _ends(gates: Mapping[str, np.ndarray], names: tuple[str, ...]) -> float:
    return float(np.mean([((gates[n] < SHUT) | (gates[n] > OPEN)).mean() for n in names]))


def replay_reveal(first: Mapping[str, np.ndarray], last: Mapping[str, np.ndarray], first_epoch: int,
                  last_epoch: int, lang: str) -> str:
    """Step "replay": how far the sigmoid gates moved between the replay's first and last snapshot, and how
    many of their values reached an end (below ``SHUT`` or above ``OPEN``)."""
    names = tuple(n for n in ("forget", "input", "output", "update", "reset") if n in first and n in last)
    change = replay_change({n: first[n] for n in names}, {n: last[n] for n in names})
    moved = max(change, key=change.get)
    return translate(lang, "lesson.mine.replay", first=first_epoch, last=last_epoch,
                     gate=translate(lang, f"gate.{moved}").lower(), moved=fmt_num(change[moved], 2, lang),
                     ends0=fmt_num(100 * _ends(first, names), 0, lang), ends1=fmt_num(100 * _ends(last, names), 0, lang))


def first_window_gates(forecaster: Any, values: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Layer 0's forward gates ``{name: (T, H)}`` of a fitted forecaster on the Gates page's default stretch of
    ``values``, and the values read there."""
    cfg = forecaster.config
    start, end = teaching.gates_window(values.size, cfg.window)
    gates = forecaster.trace(values[start:end]).gate_arrays(names=GATES_BY_CELL[cfg.cell], layers=[0],
                                                            directions=["forward"], dtype=np.float32)
    return {name: a for (_, _, name), a in gates.items()}, np.asarray(values[start:end], dtype=np.float64)


def _layer0(snapshot: Any) -> dict[str, np.ndarray]:
    return {name: a for (layer, d, name), a in snapshot.gates.items() if layer == 0 and d == "forward"}


def about_my_network(step: str, model: Any, replay: Any, values: np.ndarray, lang: str,
                     gates_of: Callable[[], tuple[dict[str, np.ndarray], np.ndarray]] | None = None) -> list[str]:
    """The answer's sentences about the learner's own network for lesson step ``step`` ("gates", "replay"; none
    for the others): ``model`` a ``state.TrainedModel`` or None, ``replay`` a ``state.ReplayBuffer`` or None.
    ``gates_of()`` gives ``first_window_gates`` of the model (a page passes its cached trace; by default they
    are computed here)."""
    if step == "gates":
        if model is None:
            return [translate(lang, "lesson.mine.untrained")]
        if model.config.cell != "lstm":
            return [translate(lang, "lesson.mine.not_lstm")]
        gates, x = gates_of() if gates_of is not None else first_window_gates(model.forecaster, values)
        return gates_reveal(gates, x, lang)
    if step == "replay":
        if replay is None or len(replay.snapshots) < 2:
            return [translate(lang, "lesson.mine.untrained")]
        if replay.cell == "rnn":
            return []  # no gate to move: the general answer is all there is
        first, last = replay.snapshots[0], replay.snapshots[-1]
        return [replay_reveal(_layer0(first), _layer0(last), first.epoch, last.epoch, lang)]
    return []
