"""Fast path for zero-padded ``dd/mm/yyyy[ hh:mm[:ss]]`` columns of one width: digits read from a byte matrix."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_FIXED_DMY = re.compile(r"(\d{2})([-/.])(\d{2})\2(\d{4})(?:([ T])(\d{2}):(\d{2})(?::(\d{2}))?)?")
_MIN_ROWS = 1000  # below this, pandas' strptime is as fast


@dataclass(frozen=True, eq=False)
class FixedWidthDMY:
    """The numbers of every row of a fixed-width day-month-year column, read once for both readings."""

    first: np.ndarray  # (N,) int64, the first field: the day if day-first, else the month
    second: np.ndarray  # (N,) int64, the second field
    year: np.ndarray  # (N,) int64
    hour: np.ndarray | int  # (N,) int64, or 0 when there is no time part (likewise minute and seconds)
    minute: np.ndarray | int
    seconds: np.ndarray | int
    index: pd.Index  # the column's index, given to the datetimes

    def dayfirst_hint(self) -> bool | None:
        """True or False when only one of the two fields ever goes above 12; None when that settles nothing."""
        first_over, second_over = bool((self.first > 12).any()), bool((self.second > 12).any())
        return first_over if first_over != second_over else None

    def datetimes(self, dayfirst: bool) -> pd.Series:
        """The datetimes for one reading; impossible days or months become NaT."""
        day, month = (self.first, self.second) if dayfirst else (self.second, self.first)
        parts = pd.DataFrame({"year": self.year, "month": month, "day": day, "hour": self.hour,
                              "minute": self.minute, "second": self.seconds})
        bad = (month < 1) | (month > 12) | (day < 1) | (day > 31)
        parts.loc[bad, "month"] = 1
        out = pd.to_datetime(parts, errors="coerce")
        out[bad] = pd.NaT
        out.index = self.index
        return out


def read_fixed_width_dmy(s: pd.Series) -> FixedWidthDMY | None:
    """The fields of a text column read with NumPy instead of strptime per row (typical exports).

    None when the column is short or any row breaks the first row's layout; then the pandas path is used."""
    if len(s) < _MIN_ROWS:
        return None
    first = s.iloc[0]
    m = _FIXED_DMY.fullmatch(str(first))
    if m is None:
        return None
    width = len(first)
    try:
        raw = np.array(s.to_numpy(dtype=object), dtype=f"S{width}")
    except (UnicodeEncodeError, ValueError, TypeError):
        return None
    if raw.dtype.itemsize != width or s.str.len().ne(width).any():
        return None
    grid = raw.view(np.uint8).reshape(len(s), width)  # (N, W)
    template = np.frombuffer(str(first).encode("ascii"), dtype=np.uint8)
    is_digit = (template >= 48) & (template <= 57)
    if not np.all(grid[:, ~is_digit] == template[~is_digit]):
        return None
    digits = grid[:, is_digit].astype(np.int64) - 48  # (N, D)
    if digits.min() < 0 or digits.max() > 9:
        return None

    def number(group: int) -> np.ndarray | int:
        if not m.group(group):
            return 0
        lo, hi = m.span(group)
        col = int(is_digit[:lo].sum())  # the field's first column among the digits
        out = np.zeros(len(s), dtype=np.int64)
        for c in range(col, col + hi - lo):
            out = out * 10 + digits[:, c]
        return out

    return FixedWidthDMY(first=number(1), second=number(3), year=number(4), hour=number(6), minute=number(7),
                         seconds=number(8), index=s.index)
