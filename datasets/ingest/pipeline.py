"""``read_table``: a user's table (bytes, text or a path) to one float series, as a short pipeline of stages.

Real exports are messy: spreadsheet "Unicode text" in UTF-16, cp1252 accents, ``;`` with decimal commas, a few
lines of metadata above the header and notes below the table, month names in Portuguese, duplicated or unsorted
timestamps, ``-9999`` for "no reading". pandas does the parsing; the stages only decide *how* to parse, then check
and clean the result. Every choice is reported in ``Detected`` so the app can show it and let the user override
any one of them by calling ``read_table`` again with that argument set.

Nothing here keeps state: a failed read raises ``DataError`` and leaves whatever the caller had untouched.
Sizes are bounded by ``budgets`` and checked before the work they would cost (bytes in ``source``; line length,
columns, rows and cells in ``layout``; the calendar's years in ``dates``), each refusal naming its limit.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

import pandas as pd

from datasets.bundled import season_length_for
from datasets.errors import DataError, DataWarning
from datasets.ingest.columns import choose_columns
from datasets.ingest.dates import DateKind, outside_calendar, table_dates
from datasets.ingest.frames import read_body, read_sample
from datasets.ingest.layout import DELIMITERS, detect_layout
from datasets.ingest.numbers import check_values, number_format, numeric_columns, to_float
from datasets.ingest.series import build_series
from datasets.ingest.source import MAX_BYTES, read_source
from datasets.ingest.text import decode


@dataclass
class Detected:
    """Every choice ``read_table`` made; pass any field back as an argument to override it."""

    encoding: str
    delimiter: str | None
    decimal: str
    thousands: str | None
    header_row: int | None  # 0-based line of the header in the decoded text; None when there is no header
    date_column: str | None
    value_column: str
    numeric_columns: list[str] = field(default_factory=list)
    all_columns: list[str] = field(default_factory=list)
    dayfirst: bool | None = None
    frequency: str | None = None
    season_length: int = 1


@dataclass
class TableResult:
    """The series read from a table, what was detected, and what was changed on the way."""

    series: pd.Series
    detected: Detected
    warnings: list[DataWarning] = field(default_factory=list)


def _check_options(delimiter: str | None, decimal: str | None, thousands: str | None, frequency: str | None,
                   resample: str | None, missing: str) -> None:
    """Refuse option values ``read_table`` does not know, before reading anything."""
    if missing not in ("interpolate", "drop", "keep"):
        raise DataError("errors.data.bad_option", name="missing", value=missing)
    if resample not in (None, "sum", "mean"):
        raise DataError("errors.data.bad_option", name="resample", value=resample)
    if resample and not frequency:
        raise DataError("errors.data.bad_option", name="frequency", value="")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise DataError("errors.data.bad_option", name="delimiter", value=delimiter)
    if decimal is not None and decimal not in (".", ","):
        raise DataError("errors.data.bad_option", name="decimal", value=decimal)
    if thousands is not None and thousands not in (".", ",", " ", "", "'"):
        raise DataError("errors.data.bad_option", name="thousands", value=thousands)


def read_table(
    source: bytes | str | os.PathLike,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    header_row: int | None = None,
    date_column: str | int | None = None,
    value_column: str | int | None = None,
    dayfirst: bool | None = None,
    frequency: str | None = None,
    resample: str | None = None,
    missing: str = "interpolate",
    max_bytes: int = MAX_BYTES,
) -> TableResult:
    """Read one series from CSV-like bytes, text or a path; every argument left ``None`` is detected.

    ``source`` may be the uploaded bytes, a path (``str`` or ``PathLike``), or the table itself as a ``str``
    containing a line break. ``header_row`` counts lines from 0 in the decoded text (metadata lines included);
    ``Detected.header_row`` uses the same count, ``None`` meaning "no header".

    ``date_column=""`` forces "no date column" (integer steps). ``frequency`` overrides the detected calendar;
    with ``resample="sum"|"mean"`` the series is aggregated to that frequency instead. ``missing`` says what to do
    with missing values and calendar gaps: ``"interpolate"`` (linear, inside the series; leading/trailing gaps are
    trimmed), ``"drop"`` or ``"keep"`` (NaN stays). Raises ``DataError`` for anything unusable.
    """
    _check_options(delimiter, decimal, thousands, frequency, resample, missing)
    decoded = decode(read_source(source, max_bytes), encoding)
    layout = detect_layout(decoded.text, delimiter, header_row)
    sample = read_sample(layout)
    fmt = number_format(sample, layout.delimiter, decimal, thousands)
    cols = choose_columns(sample, layout.names, numeric_columns(sample, fmt), fmt, date_column, value_column,
                          dayfirst)
    body = read_body(layout, sample, [c for c in layout.names if c in cols.wanted], cols.value, fmt)
    warnings: list[DataWarning] = []
    if body.dropped:
        warnings.append(DataWarning("warnings.data.rows_dropped", {"n": body.dropped}))
    dates = table_dates(body.frame, cols.date, cols.hour, dayfirst) if cols.date is not None else None
    if dates is not None and dates.kind is DateKind.ISO_UTC:
        warnings.append(DataWarning("warnings.data.timezone_utc", {}))
    outside = outside_calendar(dates, cols.date) if dates is not None else None
    if outside is not None:  # dates beyond the budget's years: integer steps, and the user is told
        warnings.append(outside)
        dates, cols = None, dataclasses.replace(cols, date=None, hour=None)
    checked = check_values(body.values if body.values is not None else to_float(body.frame[cols.value], fmt),
                           cols.value)
    built = build_series(checked.values, dates.dates if dates is not None else None, date_column=cols.date,
                         value_column=cols.value, frequency=frequency, resample=resample, missing=missing)
    detected = Detected(
        encoding=decoded.encoding, delimiter=layout.delimiter, decimal=fmt.decimal, thousands=fmt.thousands,
        header_row=layout.header_row, date_column=cols.date, value_column=cols.value,
        numeric_columns=cols.candidates, all_columns=layout.names,
        dayfirst=dates.dayfirst if dates is not None else dayfirst, frequency=built.frequency,
        season_length=season_length_for(built.frequency),
    )
    built.series.name = cols.value
    return TableResult(series=built.series, detected=detected, warnings=warnings + checked.warnings + built.warnings)
