"""How numbers are written (decimal mark, thousands separator), cells to floats, and sentinel "no reading" values."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets.errors import DataError, DataWarning
from datasets.ingest.cells import NUMBER_CLEAN, as_text

SENTINELS = (-9999.0, -99999.0, -999.0, -9999.9, -999.9, 9999.0, 99999.0)
_PLAIN = re.compile(r"[+-]?\d[\d.,]*")
_GROUPED = {",": re.compile(r"[+-]?\d{1,3},\d{3}"), ".": re.compile(r"[+-]?\d{1,3}\.\d{3}")}  # "1,234" / "1.234"
_AMBIGUOUS = {",": "ambiguous_comma", ".": "ambiguous_dot"}


@dataclass(frozen=True)
class NumberFormat:
    """How the table writes numbers."""

    decimal: str  # "." or ","
    thousands: str | None  # the digit-grouping mark, None when there is none


@dataclass(frozen=True)
class CheckedValues:
    """The value column after the checks, and what was changed on the way."""

    values: pd.Series
    warnings: list[DataWarning]


def _other(mark: str) -> str:
    return "." if mark == "," else ","


def detect_decimal(tokens: list[str], delimiter: str | None) -> NumberFormat:
    """Decimal mark and thousands separator from unambiguous tokens; ambiguous ones follow the delimiter."""
    votes = Counter()
    thousands_seen = Counter()
    for raw in tokens:
        t = NUMBER_CLEAN.sub("", raw.strip())
        if not _PLAIN.fullmatch(t):
            continue
        has_dot, has_comma = "." in t, "," in t
        if has_dot and has_comma:
            dec = "," if t.rfind(",") > t.rfind(".") else "."
            votes[dec] += 3
            thousands_seen[_other(dec)] += 1
        elif has_comma or has_dot:
            mark = "," if has_comma else "."
            if t.count(mark) > 1:  # "1,234,567": the mark groups digits
                votes[_other(mark)] += 2
                thousands_seen[mark] += 1
            elif not _GROUPED[mark].fullmatch(t):
                votes[mark] += 2
            else:
                votes[_AMBIGUOUS[mark]] += 1
    if votes[","] > votes["."]:
        decimal = ","
    elif votes["."] > votes[","]:
        decimal = "."
    elif votes["ambiguous_comma"] or votes["ambiguous_dot"]:
        # Only "1,234"/"1.234": a ';'-separated export is almost always a decimal-comma locale.
        decimal = "," if delimiter in (";", "\t", "|") and votes["ambiguous_comma"] >= votes["ambiguous_dot"] else "."
        if votes["ambiguous_dot"] and delimiter == ";":
            decimal = ","
    else:
        decimal = "," if delimiter == ";" else "."
    other = _other(decimal)
    return NumberFormat(decimal, other if thousands_seen[other] or votes[_AMBIGUOUS[other]] else None)


def number_format(sample: pd.DataFrame, delimiter: str | None, decimal: str | None,
                  thousands: str | None) -> NumberFormat:
    """The format detected on the sample's cells, with ``decimal`` and ``thousands`` applied when given."""
    tokens = [v for col in sample.columns for v in sample[col].tolist() if v][:5000]
    fmt = detect_decimal(tokens, delimiter)
    dec, thou = fmt.decimal, fmt.thousands
    if decimal is not None:
        dec = decimal
        if thousands is None and thou == dec:
            thou = None
    if thousands is not None:
        thou = thousands or None
    return NumberFormat(dec, thou)


def to_float(col: pd.Series, fmt: NumberFormat) -> pd.Series:
    """Strings to float64; anything that is not a number (``NA``, ``-``, ``null``, text) becomes NaN.

    The common case is vectorised; only the cells that fail are cleaned of spaces, ``%`` and currency signs and
    tried again, so a million plain numbers cost one ``to_numeric``."""
    s = as_text(col)
    if fmt.thousands:
        s = s.str.replace(fmt.thousands, "", regex=False)
    if fmt.decimal != ".":
        s = s.str.replace(fmt.decimal, ".", regex=False)
    out = pd.to_numeric(s, errors="coerce").astype(np.float64)
    na = out.isna().to_numpy()
    if na.any():
        retry = s[na]
        retry = retry[retry.notna() & (retry.str.len() > 0)]
        if len(retry):
            out[retry.index] = pd.to_numeric(retry.str.replace(NUMBER_CLEAN, "", regex=True),
                                              errors="coerce").astype(np.float64)
    return out


def numeric_columns(sample: pd.DataFrame, fmt: NumberFormat) -> list[str]:
    """The sample's columns in which at least half of the non-blank cells are numbers."""
    numeric: list[str] = []
    for col in sample.columns:
        values = sample[col].str.strip()
        values = values[values != ""]
        if values.empty:
            continue
        parsed = to_float(values, fmt)
        if parsed.notna().mean() >= 0.5:
            numeric.append(col)
    return numeric


def check_values(values: pd.Series, column: str) -> CheckedValues:
    """Refuse an all-missing or non-finite column; sentinels such as ``-9999`` far from the data become NaN."""
    warnings: list[DataWarning] = []
    if values.notna().sum() == 0:
        raise DataError("errors.data.all_missing", column=column)
    if np.isinf(values.to_numpy()).any():
        raise DataError("errors.data.non_finite", n=int(np.isinf(values.to_numpy()).sum()), column=column)
    arr = values.to_numpy()
    finite = arr[~np.isnan(arr)]
    for sentinel in SENTINELS:
        hits = finite == sentinel
        if hits.any():
            rest = finite[~hits]
            if rest.size == 0 or np.abs(rest).max() < abs(sentinel) / 5:
                values = values.mask(values == sentinel)
                warnings.append(DataWarning("warnings.data.sentinel_missing", {"value": f"{sentinel:g}",
                                                                               "n": int(hits.sum())}))
                arr = values.to_numpy()
                finite = arr[~np.isnan(arr)]
    if values.notna().sum() == 0:
        raise DataError("errors.data.all_missing", column=column)
    return CheckedValues(values, warnings)
