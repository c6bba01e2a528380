"""Calendar knowledge: month names in Portuguese and English, and the pandas frequency that timestamps sit on."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MONTHS = {
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
    "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6, "jul": 7, "ago": 8, "set": 9, "out": 10, "dez": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "apr": 4, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_YEAR = re.compile(  # "janeiro de 2020", "jan/20", "Jan-2020", "2020 March"
    r"^\s*(?:(?P<name1>[^\W\d_]{3,9})\.?(?:\s+de)?[\s/\-.]*(?P<year1>\d{4}|\d{2})"
    r"|(?P<year2>\d{4})[\s/\-.]*(?P<name2>[^\W\d_]{3,9})\.?)\s*$",
    re.IGNORECASE,
)

# Candidate frequencies, coarsest first, with their shortest step in seconds (months can be 28 days).
_FREQS: list[tuple[str, float]] = [
    ("YS", 365 * 86400), ("YE", 365 * 86400), ("QS", 89 * 86400), ("QE", 89 * 86400),
    ("MS", 28 * 86400), ("ME", 28 * 86400), ("W", 7 * 86400), ("B", 86400), ("D", 86400),
    ("12h", 43200), ("6h", 21600), ("3h", 10800), ("h", 3600), ("30min", 1800), ("15min", 900),
    ("10min", 600), ("5min", 300), ("min", 60), ("s", 1),
]


def seconds(idx: pd.DatetimeIndex) -> np.ndarray:
    """Timestamps as float seconds since the epoch, whatever the index's time unit."""
    unit = np.datetime_data(idx.dtype)[0]
    per_second = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}.get(unit, 1e9)
    return idx.asi8.astype(np.float64) / per_second


def infer_frequency(idx: pd.DatetimeIndex) -> str | None:
    """The coarsest calendar whose grid (from the first to the last timestamp) holds every timestamp.

    Robust to gaps (a missing month still leaves every point on the monthly grid) and recognises business days
    (weekday-only data sits on the ``B`` grid). None when the points are too irregular (the grid would be mostly
    empty)."""
    if len(idx) < 2:
        return None
    seconds_of = seconds(idx)  # (N,) float seconds: no int64 overflow over centuries of nanoseconds
    step = float(np.diff(seconds_of).min())
    first, last = idx[0], idx[-1]
    span = float(seconds_of[-1] - seconds_of[0])
    for alias, step_seconds in _FREQS:
        if step_seconds > step * 1.01 + 1:
            continue
        if alias == "W":
            alias = f"W-{first.day_name()[:3].upper()}"
        if span / step_seconds > 2 * len(idx) + 2:
            continue  # the grid would be mostly empty (and possibly huge): not this frequency
        try:
            grid = pd.date_range(first, last, freq=alias)
        except (ValueError, OverflowError):
            continue
        if len(grid) == 0 or grid[0] != first or len(grid) > 20 * len(idx):
            continue
        same = len(grid) == len(idx) and bool(np.array_equal(grid.asi8, idx.as_unit(grid.unit).asi8))
        if same or idx.isin(grid).all():
            return alias if len(grid) <= 2 * len(idx) else None
    return None


def grid_too_big(idx: pd.DatetimeIndex, offset: pd.DateOffset, limit: float = 2e7) -> bool:
    """True when a calendar of ``offset`` steps from the first to the last date would hold over ``limit`` points."""
    try:
        probe = pd.date_range(idx[0], periods=2, freq=offset)
    except (ValueError, OverflowError):
        return True
    probe_s = seconds(probe)
    step = float(probe_s[1] - probe_s[0])
    ends = seconds(idx[[0, -1]])
    return step <= 0 or float(ends[1] - ends[0]) / step > limit
