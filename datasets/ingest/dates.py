"""Text columns to naive datetimes: which date format a column uses, day-first or month-first, and hour columns.

Dates are kept only within the years of ``budgets.FIRST_YEAR`` .. ``budgets.LAST_YEAR`` (``outside_calendar``), so
the same file gives the same calendar with every supported pandas, and a forecast can run on past the end."""

from __future__ import annotations

import re
import warnings as _warnings
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import pandas as pd

import budgets
from datasets.errors import DataError, DataWarning
from datasets.ingest.calendar import MONTH_YEAR, MONTHS, infer_frequency
from datasets.ingest.cells import as_text
from datasets.ingest.fixed_width import FixedWidthDMY, read_fixed_width_dmy

_DMY = r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)"
_SHARE = 0.9  # the share of sample cells that must fit a format (and of cells that must parse) to call it dates


class DateKind(StrEnum):
    """The format a date column was recognised as, in the order they are tried."""

    QUARTER = "quarter"  # 2020Q1, Q1 2020
    YEAR = "year"  # 2020
    YEAR_MONTH = "ym"  # 2020-01, 2020/1
    MONTH_YEAR = "my"  # 01/2020
    MONTH_NAME = "month_name"  # janeiro 2020, Jan-20
    DAY_MONTH_YEAR = "dmy"  # 31/01/2020 or 01/31/2020, optionally with a time
    ISO = "iso"  # 2020-01-31[ 12:00], no time zone
    ISO_OFFSET = "iso_tz"  # one UTC offset throughout: the file's wall-clock time is kept
    ISO_UTC = "iso_utc"  # several offsets: converted to UTC
    COMPACT = "ymd_compact"  # 20200131
    MIXED = "mixed"  # anything else pandas can guess


@dataclass(frozen=True)
class ParsedDates:
    """A column read as dates."""

    dates: pd.Series  # naive datetimes, NaT where a cell is not a date
    dayfirst: bool | None  # the day-first choice used (as asked, or detected for day-month-year columns)
    kind: DateKind


@dataclass(frozen=True)
class _DmyFormat:
    """The strptime layout of a day-month-year column, read from its first row."""

    sep: str  # "-", "/" or "."
    year: str  # "%Y" or "%y"
    time: str  # "", " %H:%M", "T%H:%M:%S", ...

    def strptime(self, dayfirst: bool) -> str:
        return self.sep.join(("%d", "%m", self.year) if dayfirst else ("%m", "%d", self.year)) + self.time


def _fits(sample: pd.Series, *patterns: str) -> bool:
    """Nine sample cells in ten match one of the patterns (whole cell, any case)."""
    return any(float(sample.str.fullmatch(p, case=False).mean()) >= _SHARE for p in patterns)


def _to_datetime_quietly(s: pd.Series, **kwargs) -> pd.Series:
    """``pd.to_datetime`` with unreadable cells as NaT and its format-guessing warnings silenced."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        return pd.to_datetime(s, errors="coerce", **kwargs)


def _calendar_score(parsed: pd.Series) -> tuple[int, float]:
    """(sits on a calendar grid, share parsed): used to choose between day-first and month-first readings."""
    ok = parsed.notna()
    idx = pd.DatetimeIndex(parsed[ok]).sort_values().unique()
    return (int(infer_frequency(idx) is not None), float(ok.mean()))


def _quarters(s: pd.Series) -> pd.Series:
    s = s.astype("string")
    year = s.str.extract(r"(\d{4})", expand=False)
    quarter = s.str.extract(r"[Qq]([1-4])", expand=False)
    text = year + "-" + ((pd.to_numeric(quarter, errors="coerce") - 1) * 3 + 1).astype("Int64").astype("string")
    return pd.to_datetime(text, format="%Y-%m", errors="coerce")


def _years(s: pd.Series) -> pd.Series | None:
    years = pd.to_numeric(s, errors="coerce")
    if years.dropna().between(1000, 2500).all():
        return pd.to_datetime(s, format="%Y", errors="coerce")
    return None


def _month_name_dates(s: pd.Series) -> pd.Series | None:
    """``janeiro 2020``, ``jan/2020``, ``Jan-20``, ``2020 March`` -> first day of that month; None if not dates."""
    s = s.astype("string")
    parts = s.str.extract(MONTH_YEAR)
    name = parts["name1"].fillna(parts["name2"]).str.lower()
    year = pd.to_numeric(parts["year1"].fillna(parts["year2"]), errors="coerce").astype(np.float64).to_numpy()
    month = pd.to_numeric(name.map(MONTHS), errors="coerce").astype(np.float64).to_numpy()
    ok = ~np.isnan(month) & ~np.isnan(year)
    if ok.sum() < _SHARE * s.notna().sum():
        return None
    year = np.where(year < 100, year + 2000, year)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")  # not [ns]: that ends in 2262
    if ok.any():
        parsed = pd.to_datetime(pd.DataFrame({"year": year[ok].astype(np.int64), "month": month[ok].astype(np.int64),
                                              "day": 1}), errors="coerce")
        out[ok] = parsed.to_numpy()
    return out


def _dmy_format(sample: pd.Series) -> _DmyFormat:
    """The layout (separator, 2- or 4-digit year, time part) of the sample's first day-month-year cell."""
    first_row = sample[sample.str.fullmatch(_DMY + r".*")].iloc[0]
    sep = re.match(r"\d{1,2}([-/.])", first_row).group(1)
    year_digits = len(re.match(r"\d{1,2}[-/.]\d{1,2}[-/.](\d+)", first_row).group(1))
    times = sample.str.extract(r"[ T](\d{1,2}:\d{2}(?::\d{2})?)$", expand=False)
    time = ""
    if times.notna().any():
        time = ("T" if "T" in first_row else " ") + ("%H:%M:%S" if times.dropna().str.count(":").max() == 2
                                                     else "%H:%M")
    return _DmyFormat(sep, "%Y" if year_digits == 4 else "%y", time)


def _read_dmy(s: pd.Series, fast: FixedWidthDMY | None, fmt: _DmyFormat, dayfirst: bool) -> pd.Series:
    if fast is not None:
        return fast.datetimes(dayfirst)
    return pd.to_datetime(s, format=fmt.strptime(dayfirst), errors="coerce")


def _day_month_year(s: pd.Series, sample: pd.Series, dayfirst: bool | None) -> ParsedDates:
    """Day-month-year or month-day-year; when not given, a field above 12 or the calendar decides which.

    The layout comes from the sample; parsing the whole column is then one vectorised strptime per reading (or
    the fixed-width fast path), with no per-row regular expressions."""
    fmt = _dmy_format(sample)
    fast = read_fixed_width_dmy(s)
    if dayfirst is None and fast is not None:
        dayfirst = fast.dayfirst_hint()
    if dayfirst is not None:
        return ParsedDates(_read_dmy(s, fast, fmt, bool(dayfirst)), dayfirst, DateKind.DAY_MONTH_YEAR)
    by_day, by_month = _read_dmy(s, fast, fmt, True), _read_dmy(s, fast, fmt, False)
    bad_day, bad_month = int(by_day.isna().sum()), int(by_month.isna().sum())
    if bad_day != bad_month:  # a day above 12 somewhere settles it
        dayfirst = bad_day < bad_month
    else:
        # Ambiguous everywhere: keep the reading that puts the dates on a calendar; day-first on a tie.
        dayfirst = _calendar_score(by_day) >= _calendar_score(by_month)
    return ParsedDates(by_day if dayfirst else by_month, dayfirst, DateKind.DAY_MONTH_YEAR)


def _iso(s: pd.Series, sample: pd.Series, dayfirst: bool | None) -> ParsedDates | None:
    """Year-month-day with an optional time; UTC offsets kept as wall-clock time when there is only one."""
    text = s.str.replace("/", "-", regex=False) if sample.str.contains("/", regex=False).any() else s
    if not sample.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).any():
        try:
            parsed = _to_datetime_quietly(text, format="ISO8601")
            if isinstance(parsed.dtype, np.dtype) and parsed.dtype.kind == "M":
                return ParsedDates(parsed, dayfirst, DateKind.ISO)
        except (ValueError, TypeError, OverflowError):
            pass  # offsets further down the file: the time-zone path below handles them
    try:
        parsed = _to_datetime_quietly(text, format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return None
    offsets = text.str.extract(r"(?P<off>Z|[+-]\d{2}:?\d{2})$", expand=False)
    if offsets.dropna().nunique() == 1 and offsets.notna().all():
        # One offset throughout: keep the local wall-clock time the file shows.
        off = pd.Timedelta(hours=0) if offsets.iloc[0] == "Z" else pd.to_timedelta(
            int(offsets.iloc[0][:3]) * 60 + int(offsets.iloc[0][0] + offsets.iloc[0][-2:]), unit="min")
        return ParsedDates(parsed.dt.tz_convert(None) + off, dayfirst, DateKind.ISO_OFFSET)
    return ParsedDates(parsed.dt.tz_convert(None), dayfirst, DateKind.ISO_UTC)


def _mixed(s: pd.Series, sample: pd.Series, n_present: int, dayfirst: bool | None) -> ParsedDates | None:
    """Whatever pandas' guessing reads, if the cells hold digits and are not plain numbers."""
    if sample.str.contains(r"\d", regex=True).mean() < _SHARE or sample.str.fullmatch(r"[+-]?[\d.,]+").mean() > 0.5:
        return None
    try:
        parsed = _to_datetime_quietly(s, format="mixed", dayfirst=bool(dayfirst), utc=True)
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed.notna().sum() < _SHARE * n_present:
        return None
    return ParsedDates(parsed.dt.tz_convert(None), dayfirst, DateKind.MIXED)


def parse_dates(col: pd.Series, dayfirst: bool | None) -> ParsedDates | None:
    """The column as dates, trying the formats of ``DateKind`` in order; None if it does not hold dates."""
    s = as_text(col)
    head = s.iloc[:500]
    if (head != head.str.strip()).any():
        s = s.str.strip()
    present = s[s.notna() & (s != "")]
    if present.empty:
        return None
    sample = present.iloc[:200]
    if _fits(sample, r"\d{4}\s*[-/ ]?\s*[Qq][1-4]", r"[Qq][1-4]\s*[-/ ]?\s*\d{4}"):
        return ParsedDates(_quarters(s), dayfirst, DateKind.QUARTER)
    if _fits(sample, r"\d{4}"):
        years = _years(s)
        return None if years is None else ParsedDates(years, dayfirst, DateKind.YEAR)
    if _fits(sample, r"\d{4}[-/.]\d{1,2}"):
        ym = pd.to_datetime(s.str.replace(r"[/.]", "-", regex=True), format="%Y-%m", errors="coerce")
        return ParsedDates(ym, dayfirst, DateKind.YEAR_MONTH)
    if _fits(sample, r"\d{1,2}[-/.]\d{4}"):
        my = pd.to_datetime(s.str.replace(r"[/.]", "-", regex=True), format="%m-%Y", errors="coerce")
        return ParsedDates(my, dayfirst, DateKind.MONTH_YEAR)
    wordy = sample.str.contains(r"[^\W\d_]{3}", regex=True).mean() >= _SHARE
    if wordy and not sample.str.contains(r"\d{1,2}:\d{2}").any():
        months = _month_name_dates(s)
        if months is not None:
            return ParsedDates(months, dayfirst, DateKind.MONTH_NAME)
    if _fits(sample, _DMY + r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"):
        return _day_month_year(s, sample, dayfirst)
    if _fits(sample, r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?", r"\d{4}/\d{1,2}/\d{1,2}(?:[ T].*)?"):
        return _iso(s, sample, dayfirst)
    if _fits(sample, r"\d{8}"):
        compact = pd.to_datetime(s, format="%Y%m%d", errors="coerce")
        return ParsedDates(compact, dayfirst, DateKind.COMPACT) if compact.notna().mean() >= _SHARE else None
    return _mixed(s, sample, len(present), dayfirst)


def hour_offsets(col: pd.Series) -> pd.Series | None:
    """Hours in a separate column (``13``, ``13:00``, ``1300``, ``1300 UTC``) as timedeltas; None if not hours."""
    s = as_text(col).str.strip().str.replace(r"\s*(UTC|GMT|h)$", "", regex=True, case=False)
    hm = s.str.extract(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
    if hm[0].notna().mean() >= 0.9:
        h, m = pd.to_numeric(hm[0], errors="coerce"), pd.to_numeric(hm[1], errors="coerce")
    else:
        digits = s.str.fullmatch(r"\d{1,4}")
        if digits.mean() < 0.9:
            return None
        v = pd.to_numeric(s, errors="coerce")
        if v.max() <= 24:
            h, m = v, v * 0
        else:
            h, m = v // 100, v % 100
    if not (h.dropna().between(0, 24).all() and m.dropna().between(0, 59).all()):
        return None
    return pd.to_timedelta(h * 60 + m, unit="min")


def table_dates(frame: pd.DataFrame, date_col: str, hour_col: str | None, dayfirst: bool | None) -> ParsedDates:
    """The date column of the whole table, plus the hour column beside it when that reads as hours."""
    got = parse_dates(frame[date_col], dayfirst)
    if got is None:
        raise DataError("errors.data.bad_date_column", column=date_col)
    if hour_col is not None:
        offsets = hour_offsets(frame[hour_col])
        if offsets is not None:
            got = replace(got, dates=got.dates + offsets)
    return got


def outside_calendar(parsed: ParsedDates, column: str) -> DataWarning | None:
    """None when every date lies within the budget's years; else the warning that the dates are set aside."""
    present = parsed.dates.dropna()
    if present.empty:
        return None
    first, last = present.min(), present.max()
    if first.year >= budgets.FIRST_YEAR and last.year <= budgets.LAST_YEAR:
        return None
    def day(ts) -> str:  # not ts.date(): Python's dates stop at year 1, pandas' second-resolution ones do not
        return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"

    return DataWarning("warnings.data.dates_out_of_range", {
        "column": column, "first": day(first), "last": day(last),
        "min": budgets.FIRST_YEAR, "max": budgets.LAST_YEAR})
