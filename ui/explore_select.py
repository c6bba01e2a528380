"""Select and match, after LSTMVis (Strobelt et al. 2018): the units that are on inside a stretch the user brushed
and off around it, and the other stretches of the series where the same units are on.

A unit is *on* at step t when its state (hidden or cell) is at least the threshold τ there. For a brushed
stretch [t0, t1) of length L, with "around" the L steps on each side of it (cut at the ends of the trace)::

    inside(u) = share of the steps of [t0, t1) where u is on
    around(u) = share of the steps around it where u is on
    score(u)  = inside(u) − around(u)               (1: on throughout the stretch and off all around it)

The units with ``score ≥ MIN_SCORE`` are the stretch's units Q. Matching compares, at every step, the set O_t of
units on there with Q by their Jaccard index J_t = |O_t ∩ Q| / |O_t ∪ Q| (1: exactly the same units are on).
A match is a run of consecutive steps with J_t ≥ ``MIN_JACCARD``, at least half as long as the stretch and not
overlapping it; matches are ranked by their mean J_t, then by length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ui import teaching

MIN_SCORE = 0.5  # inside − around for a unit to belong to the stretch
MIN_JACCARD = 0.5  # J_t for a step to be part of a match
MAX_MATCHES = 50  # matches kept (the best ones)


# --- the brushed stretch ------------------------------------------------------------------------------------
def _positions(xs: Sequence, index: np.ndarray) -> np.ndarray:
    """Positions in ``index`` of the x values of a selection (numbers, or date text on a date axis)."""
    if np.issubdtype(np.asarray(index).dtype, np.datetime64):
        stamps = pd.to_datetime(pd.Series([str(v) for v in xs]), format="mixed", errors="coerce")
        if stamps.isna().any():
            return np.full(len(xs), np.nan)
        ref = np.asarray(index).astype("datetime64[ns]").astype(np.int64)
        when = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        return np.searchsorted(ref, when, side="left").astype(float)
    try:
        return np.asarray([float(v) for v in xs], dtype=float)
    except (TypeError, ValueError):
        return np.full(len(xs), np.nan)


def stretch_from_selection(selection: Mapping | None, index: np.ndarray) -> tuple[int, int] | None:
    """The stretch [t0, t1) of a Plotly box selection read back from ``st.plotly_chart(on_select=...)``.

    ``selection``: its ``"selection"`` dict (``box``: [{"x": [x0, x1], ...}], ``point_indices``: [...]);
    ``index`` (T,): the x values of the chart (steps or dates). The box's x range is used (every step whose x
    lies inside it), else the selected points. None for an empty selection or one that covers no step.
    """
    if not selection:
        return None
    index = np.asarray(index)
    T = index.size
    for box in selection.get("box") or ():
        xs = box.get("x") or ()
        if len(xs) >= 2:
            pos = _positions(xs[:2], index)
            if not np.isfinite(pos).all():
                continue
            lo, hi = sorted(pos.tolist())
            if np.issubdtype(index.dtype, np.datetime64):  # searchsorted gave the first step at or after each
                t0, t1 = int(lo), int(hi)
            else:
                ref = index.astype(float)
                t0, t1 = int(np.searchsorted(ref, lo, side="left")), int(np.searchsorted(ref, hi, side="right"))
            t0, t1 = max(0, t0), min(T, t1)
            if t1 > t0:
                return t0, t1
    picked = [int(p) for p in selection.get("point_indices") or () if 0 <= int(p) < T]
    if picked:
        return min(picked), max(picked) + 1
    return None


def selection_signature(selection: Mapping | None) -> str:
    """A stable text of a selection, so the page applies each new brush once (a redrawn chart sends it again)."""
    if not selection:
        return ""
    return repr((selection.get("box") or [], sorted(selection.get("point_indices") or [])))


# --- ranking the units -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitRanking:
    """Every unit scored for one stretch (see the module docstring); ``order`` best first."""

    stretch: tuple[int, int]
    threshold: float
    inside: np.ndarray  # (H,)
    around: np.ndarray  # (H,)
    score: np.ndarray  # (H,)
    order: np.ndarray  # (H,) unit numbers by score, then by mean state inside, descending

    @property
    def units(self) -> np.ndarray:
        """The stretch's units Q, best first: ``score ≥ MIN_SCORE``."""
        return self.order[self.score[self.order] >= MIN_SCORE]


def around_steps(stretch: tuple[int, int], T: int) -> np.ndarray:
    """The steps around a stretch: as many as it is long on each side, within [0, T)."""
    t0, t1 = stretch
    L = t1 - t0
    return np.r_[np.arange(max(0, t0 - L), t0), np.arange(t1, min(T, t1 + L))].astype(int)


def rank_units(states: np.ndarray, stretch: tuple[int, int], threshold: float) -> UnitRanking:
    """Score every unit of ``states`` (T, H) for the stretch [t0, t1) at threshold τ (see the module docstring)."""
    states = np.asarray(states, dtype=np.float64)
    T, _ = states.shape
    t0, t1 = int(stretch[0]), int(stretch[1])
    if not 0 <= t0 < t1 <= T:
        raise ValueError(f"bad stretch {stretch} for {T} steps")
    on = states >= threshold
    inside = on[t0:t1].mean(axis=0)
    out = around_steps((t0, t1), T)
    around = on[out].mean(axis=0) if out.size else np.zeros_like(inside)
    score = inside - around
    level = states[t0:t1].mean(axis=0)
    order = np.lexsort((-level, -score))  # the last key sorts first
    return UnitRanking((t0, t1), float(threshold), inside, around, score, order)


# --- matching -----------------------------------------------------------------------------------------------
def jaccard_per_step(states: np.ndarray, units: Sequence[int], threshold: float) -> np.ndarray:
    """J_t = |O_t ∩ Q| / |O_t ∪ Q| at every step, (T,); 0 where no unit is on and Q is empty."""
    on = np.asarray(states) >= threshold  # (T, H)
    query = np.zeros(on.shape[1], dtype=bool)
    query[np.asarray(units, dtype=int)] = True
    inter = on[:, query].sum(axis=1)
    union = on.sum(axis=1) + int(query.sum()) - inter
    return np.divide(inter, union, out=np.zeros(on.shape[0]), where=union > 0)


@dataclass(frozen=True)
class Match:
    """A stretch [start, end) of the trace where the same units are on; ``score`` its mean J_t."""

    start: int
    end: int
    score: float

    @property
    def length(self) -> int:
        return self.end - self.start


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The maximal runs [start, end) of True in a boolean array."""
    m = np.r_[False, np.asarray(mask, dtype=bool), False]
    edges = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def find_matches(states: np.ndarray, units: Sequence[int], threshold: float, stretch: tuple[int, int],
                 min_jaccard: float = MIN_JACCARD) -> list[Match]:
    """The stretches where the units ``units`` are on again (see the module docstring), best first."""
    if len(units) == 0:
        return []
    jac = jaccard_per_step(states, units, threshold)  # J_t
    t0, t1 = stretch
    min_length = max(1, math.ceil((t1 - t0) / 2))
    found = [Match(a, b, float(jac[a:b].mean())) for a, b in runs(jac >= min_jaccard)
             if b - a >= min_length and (b <= t0 or a >= t1)]
    found.sort(key=lambda m: (-round(m.score, 9), -m.length, m.start))  # rounded: equal runs tie on length
    return found[:MAX_MATCHES]


# --- what the curves show ------------------------------------------------------------------------------------
CONTEXT_MIN = 20  # steps shown on each side of the stretch at least
CONTEXT_FACTOR = 3  # and at least this many stretch lengths


def context(stretch: tuple[int, int], T: int) -> tuple[int, int]:
    """[a, b): the stretch with ``max(CONTEXT_MIN, CONTEXT_FACTOR × its length)`` steps on each side, within [0, T)."""
    t0, t1 = stretch
    pad = max(CONTEXT_MIN, CONTEXT_FACTOR * (t1 - t0))
    return max(0, t0 - pad), min(T, t1 + pad)


def clip_spans(spans: Sequence[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """The parts of ``spans`` inside [a, b), shifted so that a is 0 (spans outside it are left out)."""
    return [(max(s, a) - a, min(e, b) - a) for s, e in spans if e > a and s < b]


# --- the Gates page, opened on a match ----------------------------------------------------------------------
def gates_view(start: int, n: int, window: int) -> tuple[tuple[int, int], int]:
    """``((first, end), cursor)`` for the Gates page: a stretch of the series as long as that page's default
    (``teaching.gates_window``) that holds series position ``start`` a third of the way in, and the cursor on
    that position (0-based within the stretch)."""
    default_start, default_end = teaching.gates_window(n, int(window))
    length = default_end - default_start
    first = int(min(max(0, start - length // 3), n - length))
    return (first, first + length), int(start - first)
