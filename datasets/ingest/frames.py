"""The table's body through pandas' C parser: every cell as text, or the value column straight to floats."""

from __future__ import annotations

import csv
import io
import warnings as _warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasets.errors import DataError
from datasets.ingest.cells import NA_VALUES
from datasets.ingest.layout import Layout
from datasets.ingest.numbers import NumberFormat, to_float


@dataclass(frozen=True)
class Body:
    """The columns that matter, read from the whole table."""

    frame: pd.DataFrame  # the wanted columns as text (every column when the sample was the whole table)
    values: pd.Series | None  # the value column already as floats (fast path), None when it must be parsed
    dropped: int  # malformed rows pandas skipped


def _read_frame(body: str, sep: str, names: list[str], usecols: list[str] | None = None) -> pd.DataFrame:
    """pandas' C parser over the table body, every cell as text (numbers and dates are parsed by us)."""
    try:
        with _warnings.catch_warnings():  # ragged rows are expected in exports; pandas warns about each
            _warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return pd.read_csv(
                io.StringIO(body), sep=sep, header=None, names=names, usecols=usecols, dtype=str,
                keep_default_na=False, na_filter=False, skipinitialspace=True, on_bad_lines="skip", engine="c",
                quotechar='"', index_col=False,
            )
    except (pd.errors.ParserError, ValueError, csv.Error, IndexError):
        raise DataError("errors.data.no_numeric_column") from None


def _read_frame_fast(layout: Layout, wanted: list[str], value_col: str, fmt: NumberFormat,
                     expected_head: pd.Series) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read only the needed columns; let the C parser turn the value column into floats when it can.

    The fast result is used only if its first rows agree with the careful parse of the sample (``expected_head``);
    otherwise (text, currency signs, odd markers) the value column is read as text and parsed by ``to_float``."""
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(layout.body), sep=layout.sep, header=None, names=layout.names, usecols=wanted,
                dtype={c: (np.float64 if c == value_col else str) for c in wanted}, decimal=fmt.decimal,
                thousands=fmt.thousands, keep_default_na=False, na_values={value_col: NA_VALUES},
                skipinitialspace=True, on_bad_lines="skip", engine="c", quotechar='"', index_col=False,
            )
        fast = frame[value_col].astype(np.float64)
        head = fast.iloc[: len(expected_head)].to_numpy()
        if len(head) == len(expected_head) and np.allclose(head, expected_head.to_numpy(), equal_nan=True,
                                                           rtol=1e-12, atol=0):
            return frame, fast
    except (pd.errors.ParserError, ValueError, TypeError, csv.Error, IndexError, OverflowError):
        pass
    return _read_frame(layout.body, layout.sep, layout.names, usecols=wanted), None


def read_sample(layout: Layout) -> pd.DataFrame:
    """The first data lines as a frame of text, for detection; refused when it holds no row."""
    sample = _read_frame("\n".join(layout.sample_lines), layout.sep, layout.names)
    if sample.empty:
        raise DataError("errors.data.header_only")
    return sample


def read_body(layout: Layout, sample: pd.DataFrame, wanted: list[str], value_col: str, fmt: NumberFormat) -> Body:
    """The ``wanted`` columns of the whole table (the sample itself when it already holds every line)."""
    values: pd.Series | None = None
    n_lines = layout.body.count("\n") + 1
    if len(layout.sample_lines) >= n_lines:
        frame = sample
    else:
        frame, values = _read_frame_fast(layout, wanted, value_col, fmt, to_float(sample[value_col], fmt))
    n_rows = n_lines - layout.body.count("\n\n") - layout.body.count("\n\r\n")
    return Body(frame, values, max(0, n_rows - len(frame)))
