"""What one cell looks like: a number, a date, a missing-value marker; and a column as text."""

from __future__ import annotations

import re

import pandas as pd

MISSING = ("", "na", "n/a", "nan", "null", "none", "-", "--", "---", "..", "...", "?", "#n/a", "x", "nd", "s/d",
           "missing")
NA_VALUES = sorted({*MISSING, *(m.upper() for m in MISSING), "NaN", "NA", "N/A", "Null", "None"})
NUMBER_CLEAN = re.compile(r"[\s\u00a0\u202f%]|R\$|US\$|\$|€|£")  # spaces, % and currency signs around a number
_DATE_LIKE = re.compile(r"\d[\d\-/:. T+Z]*")


def as_text(col: pd.Series) -> pd.Series:
    """The column as text (object or the pandas ``str`` dtype, whichever pandas gives for ``str``)."""
    return col if col.dtype == object or pd.api.types.is_string_dtype(col.dtype) else col.astype(str)


def is_number(token: str) -> bool:
    """A finite number once spaces, ``%``, currency signs and digit grouping are taken away."""
    t = NUMBER_CLEAN.sub("", token.strip().strip('"'))
    if not t:
        return False
    t = t.replace(".", "").replace(",", "") if re.fullmatch(r"[+-]?[\d.,]+", t) else t
    try:
        float(t)
    except ValueError:
        return False
    return t.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def is_data_row(fields: list[str]) -> bool:
    """A table row rather than a header or a note: some number or date in it, or only missing-value markers."""
    cells = [f.strip().strip('"') for f in fields]
    if any(is_number(c) or _DATE_LIKE.fullmatch(c) for c in cells):
        return True
    return all(c.lower() in MISSING for c in cells) and any(cells)
