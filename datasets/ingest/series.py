"""From values and dates to the final series: sort, de-duplicate, put on a calendar, fill or drop gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import budgets
from datasets.errors import DataError, DataWarning
from datasets.ingest.calendar import grid_too_big, infer_frequency

MIN_POINTS = 3


@dataclass(frozen=True)
class BuiltSeries:
    """The finished series, the calendar it sits on, and what was changed on the way."""

    series: pd.Series
    frequency: str | None  # pandas offset alias; None for integer steps or irregular dates
    warnings: list[DataWarning] = field(default_factory=list)


def _offset(frequency: str | None, index: pd.DatetimeIndex) -> pd.DateOffset:
    """The user's ``frequency`` as an offset, refused when unknown or when its calendar would hold more points
    than a table may have rows (``budgets.ROWS``)."""
    try:
        offset = pd.tseries.frequencies.to_offset(frequency)
    except ValueError:
        raise DataError("errors.data.bad_option", name="frequency", value=frequency) from None
    if grid_too_big(index, offset, budgets.ROWS):
        raise DataError("errors.data.frequency_mismatch", freq=frequency)
    return offset


def build_series(values: pd.Series, dates: pd.Series | None, *, date_column: str | None, value_column: str,
                 frequency: str | None, resample: str | None, missing: str) -> BuiltSeries:
    """Index, sort, de-duplicate, put on a calendar, and fill or drop missing values."""
    warnings: list[DataWarning] = []
    if dates is None:
        series = pd.Series(values.to_numpy(np.float64), index=pd.RangeIndex(len(values)))
        return BuiltSeries(_finish(series, missing, warnings, value_column), None, warnings)
    ok = dates.notna().to_numpy()
    if not ok.all():
        warnings.append(DataWarning("warnings.data.bad_dates_dropped", {"n": int((~ok).sum())}))
    series = pd.Series(values.to_numpy(np.float64)[ok], index=pd.DatetimeIndex(dates.to_numpy()[ok]))
    if series.empty:
        raise DataError("errors.data.bad_date_column", column=date_column)
    if not series.index.is_monotonic_increasing:
        series = series.sort_index(kind="stable")
        warnings.append(DataWarning("warnings.data.rows_sorted", {}))
    if series.index.has_duplicates:
        n_dup = int(series.index.duplicated().sum())
        how = "sum" if resample == "sum" else "mean"
        series = series.groupby(level=0).sum(min_count=1) if how == "sum" else series.groupby(level=0).mean()
        warnings.append(DataWarning("warnings.data.duplicates_aggregated", {"n": n_dup, "how": how}))
    series.index.name = date_column
    if resample:
        offset = _offset(frequency, series.index)
        grouped = series.resample(offset)
        series = grouped.sum(min_count=1) if resample == "sum" else grouped.mean()
        series.index.freq = offset
        warnings.append(DataWarning("warnings.data.resampled", {"freq": offset.freqstr, "how": resample}))
        return BuiltSeries(_finish(series, missing, warnings, value_column), offset.freqstr, warnings)
    if frequency:
        offset = _offset(frequency, series.index)
        grid = pd.date_range(series.index[0], series.index[-1], freq=offset)
        if not series.index.isin(grid).all():
            raise DataError("errors.data.frequency_mismatch", freq=frequency)
        alias = offset.freqstr
    else:
        alias = infer_frequency(series.index)
    if alias is None:
        warnings.append(DataWarning("warnings.data.irregular_dates", {}))
        series = series.reset_index(drop=True)
        return BuiltSeries(_finish(series, missing, warnings, value_column), None, warnings)
    grid = pd.date_range(series.index[0], series.index[-1], freq=alias, name=series.index.name)
    n_gaps = len(grid) - len(series)
    if n_gaps:
        warnings.append(DataWarning("warnings.data.gaps_found", {"n": n_gaps, "freq": alias}))
        series = series.reindex(grid)
    else:
        series.index = grid
    return BuiltSeries(_finish(series, missing, warnings, value_column), grid.freqstr, warnings)


def _finish(series: pd.Series, missing: str, warnings: list[DataWarning], column: str) -> pd.Series:
    """Apply the ``missing`` policy and check that enough points are left."""
    n_missing = int(series.isna().sum())
    if n_missing == len(series):
        raise DataError("errors.data.all_missing", column=column)
    if n_missing:
        if missing == "interpolate":
            valid = series.notna().to_numpy()
            first, last = int(np.argmax(valid)), len(valid) - int(np.argmax(valid[::-1]))
            trimmed = len(series) - (last - first)
            series = series.iloc[first:last].interpolate(method="linear")
            if n_missing > trimmed:
                warnings.append(DataWarning("warnings.data.missing_interpolated", {"n": n_missing - trimmed}))
            if trimmed:
                warnings.append(DataWarning("warnings.data.missing_trimmed", {"n": trimmed}))
        elif missing == "drop":
            series = series.dropna()
            if isinstance(series.index, pd.DatetimeIndex):
                series.index.freq = None  # the dates stay, but they are no longer evenly spaced
            else:
                series = series.reset_index(drop=True)
            warnings.append(DataWarning("warnings.data.missing_dropped", {"n": n_missing}))
        else:
            warnings.append(DataWarning("warnings.data.missing_kept", {"n": n_missing}))
    if len(series) < MIN_POINTS or series.notna().sum() < MIN_POINTS:
        raise DataError("errors.data.too_short", n=int(series.notna().sum()), needed=MIN_POINTS)
    if isinstance(series.index, pd.DatetimeIndex) and series.index.freq is None and missing != "drop":
        freq = pd.infer_freq(series.index) if len(series) >= 3 else None
        if freq:
            series.index.freq = freq
    return series.astype(np.float64)
