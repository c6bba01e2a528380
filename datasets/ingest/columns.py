"""Which column holds the dates (and an hour column beside it) and which the values, chosen on the sample."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from datasets.errors import DataError
from datasets.ingest.cells import MISSING
from datasets.ingest.dates import DateKind, hour_offsets, parse_dates
from datasets.ingest.numbers import NumberFormat, to_float

_DATE_HINTS = ("date", "data", "time", "tempo", "timestamp", "dia", "day", "mes", "mês", "month", "ano", "year",
               "period", "período", "periodo", "quarter", "trimestre", "semana", "week", "dt", "datetime", "referência",
               "referencia", "competência", "competencia")
_YEAR_HINTS = ("year", "ano", "yr")
_HOUR_HINTS = ("hour", "hora", "time", "horário", "horario", "hh")
_VALUE_HINTS = ("value", "valor", "close", "fechamento", "price", "preço", "preco", "total", "count", "y",
                "quantidade", "vendas", "sales", "demand", "demanda", "temp", "temperatura")
_ID_HINTS = ("id", "index", "índice", "indice", "row", "linha", "n", "#", "seq")


@dataclass(frozen=True)
class Columns:
    """The columns the series is read from."""

    date: str | None  # None: no dates, the series gets integer steps
    hour: str | None  # hours kept in a column of their own beside a date-only column
    value: str
    candidates: list[str]  # the numeric columns that could be the value (``Detected.numeric_columns``)

    @property
    def wanted(self) -> tuple[str | None, ...]:
        return (self.date, self.hour, self.value)


def _pick_column(name: str | int, columns: list[str]) -> str:
    """The column the user named, by position, exact name or name ignoring case and spaces."""
    if isinstance(name, int) and not isinstance(name, bool):
        if 0 <= name < len(columns):
            return columns[name]
        raise DataError("errors.data.unknown_column", column=str(name))
    for col in columns:
        if col == name:
            return col
    for col in columns:
        if col.strip().lower() == str(name).strip().lower():
            return col
    raise DataError("errors.data.unknown_column", column=str(name))


def _hint(name: str, hints: tuple[str, ...]) -> bool:
    """The column name, or one of its words, is among ``hints``."""
    low = name.strip().lower()
    words = re.split(r"[^\w#]+", low)
    return low in hints or any(w in hints for w in words if w)


def _steps_like_years(col: pd.Series) -> bool:
    """A numeric column of 4-digit numbers is a year only if its values step like years."""
    yrs = pd.to_numeric(col, errors="coerce").dropna()
    return not (yrs.nunique() < 0.8 * len(yrs) or (yrs.diff().abs().dropna() > 5).mean() > 0.1)


def _find_date_column(sample: pd.DataFrame, names: list[str], numeric: list[str], dayfirst: bool | None) -> str | None:
    """The first column (those named like dates first) in which nine cells in ten read as dates."""
    ordered = sorted(names, key=lambda c: (not _hint(c, _DATE_HINTS), names.index(c)))
    for col in ordered:
        if col in numeric and not (_hint(col, _DATE_HINTS) or col == names[0]):
            continue
        if col in numeric and _hint(col, _HOUR_HINTS) and not _hint(col, _YEAR_HINTS):
            continue
        got = parse_dates(sample[col], dayfirst)
        if got is None or got.dates.notna().mean() < 0.9:
            continue
        numeric_year = got.kind is DateKind.YEAR and col in numeric and not _hint(col, _YEAR_HINTS)
        if numeric_year and not _steps_like_years(sample[col]):
            continue
        return col
    return None


def _find_hour_column(sample: pd.DataFrame, names: list[str], date_col: str, dayfirst: bool | None) -> str | None:
    """A column named like hours that reads as hours, when the date column holds dates without a time."""
    got = parse_dates(sample[date_col], dayfirst)
    if got is None:
        return None
    for col in names:
        if col == date_col or not _hint(col, _HOUR_HINTS):
            continue
        if hour_offsets(sample[col]) is not None and (got.dates.dt.normalize() == got.dates).all():
            return col
    return None


def _find_value_column(sample: pd.DataFrame, candidates: list[str], fmt: NumberFormat) -> str:
    """Prefer a column that varies, then one whose name says "value", then anything but an id/counter."""
    if not candidates:
        raise DataError("errors.data.no_numeric_column")
    varying = [c for c in candidates if to_float(sample[c], fmt).nunique() > 1] or candidates
    hinted = [c for c in varying if _hint(c, _VALUE_HINTS)]
    plain = [c for c in varying if not _hint(c, _ID_HINTS)]
    return (hinted or plain or varying)[0]


def choose_columns(sample: pd.DataFrame, names: list[str], numeric: list[str], fmt: NumberFormat,
                   date_column: str | int | None, value_column: str | int | None,
                   dayfirst: bool | None) -> Columns:
    """The date, hour and value columns: as the user named them, else detected (``date_column=""``: no dates)."""
    if date_column == "":
        date_col = None
    elif date_column is not None:
        date_col = _pick_column(date_column, names)
    else:
        date_col = _find_date_column(sample, names, numeric, dayfirst)
    hour_col = _find_hour_column(sample, names, date_col, dayfirst) if date_col is not None else None
    candidates = [c for c in numeric if c not in (date_col, hour_col)]
    if not candidates and value_column is None:
        for col in names:
            if col in (date_col, hour_col):
                continue
            if sample[col].str.strip().str.lower().isin(list(MISSING)).all():
                raise DataError("errors.data.all_missing", column=col)
    if value_column is not None:
        value_col = _pick_column(value_column, names)
        if value_col == date_col:
            raise DataError("errors.data.unknown_column", column=str(value_column))
    else:
        value_col = _find_value_column(sample, candidates, fmt)
    return Columns(date_col, hour_col, value_col, candidates)
