"""Read a user's table (bytes or a path) into one float series, saying what was detected and what was changed.

Real exports are messy: spreadsheet "Unicode text" in UTF-16, cp1252 accents, ``;`` with decimal commas, a few
lines of metadata above the header and notes below the table, month names in Portuguese, duplicated or unsorted
timestamps, ``-9999`` for "no reading". pandas does the parsing; this module only decides *how* to parse (the
detection logic), then checks and cleans the result. Every choice is reported in ``Detected`` so the app can show
it and let the user override any one of them by calling ``read_table`` again with that argument set.

Nothing here keeps state: a failed read raises ``DataError`` and leaves whatever the caller had untouched.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings as _warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from datasets.bundled import season_length_for
from datasets.errors import DataError, DataWarning

MAX_BYTES = 10 * 1024 * 1024
MIN_POINTS = 3
DELIMITERS = (";", "\t", "|", ",")  # tie-break order: a comma is also a decimal mark, so it loses ties
SENTINELS = (-9999.0, -99999.0, -999.0, -9999.9, -999.9, 9999.0, 99999.0)
_SAMPLE_HEAD, _SAMPLE_TAIL = 400, 60

_MONTHS = {
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
    "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6, "jul": 7, "ago": 8, "set": 9, "out": 10, "dez": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "apr": 4, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = re.compile(
    r"^\s*(?:(?P<name1>[^\W\d_]{3,9})\.?(?:\s+de)?[\s/\-.]*(?P<year1>\d{4}|\d{2})"
    r"|(?P<year2>\d{4})[\s/\-.]*(?P<name2>[^\W\d_]{3,9})\.?)\s*$",
    re.IGNORECASE,
)
_DATE_HINTS = ("date", "data", "time", "tempo", "timestamp", "dia", "day", "mes", "mês", "month", "ano", "year",
               "period", "período", "periodo", "quarter", "trimestre", "semana", "week", "dt", "datetime", "referência",
               "referencia", "competência", "competencia")
_YEAR_HINTS = ("year", "ano", "yr")
_HOUR_HINTS = ("hour", "hora", "time", "horário", "horario", "hh")
_VALUE_HINTS = ("value", "valor", "close", "fechamento", "price", "preço", "preco", "total", "count", "y",
                "quantidade", "vendas", "sales", "demand", "demanda", "temp", "temperatura")
_ID_HINTS = ("id", "index", "índice", "indice", "row", "linha", "n", "#", "seq")
_MISSING = ("", "na", "n/a", "nan", "null", "none", "-", "--", "---", "..", "...", "?", "#n/a", "x", "nd", "s/d",
            "missing")
_NA_VALUES = sorted({*_MISSING, *(m.upper() for m in _MISSING), "NaN", "NA", "N/A", "Null", "None"})
_NUMBER_CLEAN = re.compile(r"[\s\u00a0\u202f%]|R\$|US\$|\$|€|£")

# Candidate frequencies, coarsest first, with their shortest step in seconds (months can be 28 days).
_FREQS: list[tuple[str, float]] = [
    ("YS", 365 * 86400), ("YE", 365 * 86400), ("QS", 89 * 86400), ("QE", 89 * 86400),
    ("MS", 28 * 86400), ("ME", 28 * 86400), ("W", 7 * 86400), ("B", 86400), ("D", 86400),
    ("12h", 43200), ("6h", 21600), ("3h", 10800), ("h", 3600), ("30min", 1800), ("15min", 900),
    ("10min", 600), ("5min", 300), ("min", 60), ("s", 1),
]


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


# ---------------------------------------------------------------------------------------------- bytes and text


def _read_source(source: bytes | str | os.PathLike, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str) and ("\n" in source or not source.strip()):
        data = source.encode("utf-8")  # CSV text passed directly
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError:
            raise DataError("errors.data.file_not_found", path=str(source)) from None
        if size > max_bytes:
            raise DataError("errors.data.too_big", size_mb=round(size / 2**20, 1), max_mb=round(max_bytes / 2**20, 1))
        try:
            data = path.read_bytes()
        except OSError:
            raise DataError("errors.data.file_not_found", path=str(source)) from None
    else:
        raise DataError("errors.data.bad_option", name="source", value=type(source).__name__)
    if len(data) > max_bytes:
        raise DataError("errors.data.too_big", size_mb=round(len(data) / 2**20, 1), max_mb=round(max_bytes / 2**20, 1))
    return data


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Text and the encoding used. Spreadsheet and binary bytes are refused before any decoding."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("errors.data.spreadsheet_file")
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            raise DataError("errors.data.bad_encoding", encoding=encoding) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a byte-order mark: ASCII text leaves every other byte zero.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.8 * len(head[1::2]) and even < 0.1 * len(head[0::2]):
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even > 0.8 * len(head[0::2]) and odd < 0.1 * len(head[1::2]):
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
        raise DataError("errors.data.binary_file")
    if b"\x00" in head:
        raise DataError("errors.data.binary_file")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v" or ch == "\ufffd")
    if sample and controls > 0.05 * len(sample):
        raise DataError("errors.data.binary_file")
    return text, enc


# ---------------------------------------------------------------------------------------------- table layout


def _fields(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [line]
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return line.split(delimiter)


def _run_length(counts: list[int], k: int) -> tuple[int, int]:
    """(start, length) of the longest run of lines with ``k`` fields, blank lines (count 0) ignored."""
    best, best_start, cur, cur_start = 0, 0, 0, None
    for i, c in enumerate(counts):
        if c == 0:
            continue
        if c == k:
            if cur_start is None:
                cur_start, cur = i, 0
            cur += 1
            if cur > best:
                best, best_start = cur, cur_start
        else:
            cur_start, cur = None, 0
    return best_start, best


def _detect_delimiter(lines: list[str]) -> tuple[str | None, int]:
    """The delimiter whose most common field count (≥ 2) covers the longest consecutive block of lines."""
    best: tuple[int, int, str | None, int] = (0, 0, None, 1)
    for rank, delim in enumerate(DELIMITERS):
        counts = [len(_fields(ln, delim)) if ln.strip() else 0 for ln in lines]
        modes = Counter(c for c in counts if c >= 2)
        if not modes:
            continue
        for k, _ in modes.most_common(3):
            _, length = _run_length(counts, k)
            score = (length, -rank)
            if score > best[:2]:
                best = (length, -rank, delim, k)
    if best[2] is None:
        return None, 1
    return best[2], best[3]


def _is_number(token: str) -> bool:
    t = _NUMBER_CLEAN.sub("", token.strip().strip('"'))
    if not t:
        return False
    t = t.replace(".", "").replace(",", "") if re.fullmatch(r"[+-]?[\d.,]+", t) else t
    try:
        float(t)
    except ValueError:
        return False
    return t.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


_NEWLINE = re.compile(r"\r\n|\r|\n")
_HEAD_CHARS, _TAIL_CHARS = 400_000, 100_000


def _split_head_tail(text: str) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """The first ``_SAMPLE_HEAD`` and the last ``_SAMPLE_TAIL * 5`` lines as (line, start, end) char spans.

    Only these are inspected for the layout, so a million-row file is never split into a list of lines. Trailing
    blank lines are dropped from the tail."""

    def spans(lo: int, hi: int, skip_first: bool) -> list[tuple[str, int, int]]:
        out, pos = [], lo
        for m in _NEWLINE.finditer(text, lo, hi):
            out.append((text[pos:m.start()], pos, m.start()))
            pos = m.end()
            if not skip_first and len(out) >= _SAMPLE_HEAD:
                return out
        if hi == len(text) and pos < hi:
            out.append((text[pos:hi], pos, hi))
        return out[1:] if skip_first and lo > 0 else out

    head = spans(0, min(len(text), _HEAD_CHARS), skip_first=False)
    if len(text) <= _HEAD_CHARS and len(head) < _SAMPLE_HEAD:
        tail = list(head)
    else:
        if len(text) > _HEAD_CHARS and len(head) < _SAMPLE_HEAD:
            head = head[:-1] if head and head[-1][2] == len(text) else head
        tail = spans(max(0, len(text) - _TAIL_CHARS), len(text), skip_first=True)[-_SAMPLE_TAIL * 5:]
    while tail and not tail[-1][0].strip():
        tail.pop()
    return head, tail


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


def _read_frame_fast(body: str, sep: str, names: list[str], wanted: list[str], value_col: str, dec: str,
                     thou: str | None, expected_head: pd.Series) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read only the needed columns; let the C parser turn the value column into floats when it can.

    The fast result is used only if its first rows agree with the careful parse of the sample (``expected_head``);
    otherwise (text, currency signs, odd markers) the value column is read as text and parsed by ``_to_float``."""
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(body), sep=sep, header=None, names=names, usecols=wanted,
                dtype={c: (np.float64 if c == value_col else str) for c in wanted}, decimal=dec, thousands=thou,
                keep_default_na=False, na_values={value_col: _NA_VALUES}, skipinitialspace=True,
                on_bad_lines="skip", engine="c", quotechar='"', index_col=False,
            )
        fast = frame[value_col].astype(np.float64)
        head = fast.iloc[: len(expected_head)].to_numpy()
        if len(head) == len(expected_head) and np.allclose(head, expected_head.to_numpy(), equal_nan=True,
                                                           rtol=1e-12, atol=0):
            return frame, fast
    except (pd.errors.ParserError, ValueError, TypeError, csv.Error, IndexError, OverflowError):
        pass
    return _read_frame(body, sep, names, usecols=wanted), None


_DATE_LIKE = re.compile(r"\d[\d\-/:. T+Z]*")


def _data_like(fields: list[str]) -> bool:
    """A table row rather than a header or a note: some number or date in it, or only missing-value markers."""
    cells = [f.strip().strip('"') for f in fields]
    if any(_is_number(c) or _DATE_LIKE.fullmatch(c) for c in cells):
        return True
    return all(c.lower() in _MISSING for c in cells) and any(cells)


# ---------------------------------------------------------------------------------------------- numbers


def _detect_decimal(tokens: list[str], delimiter: str | None) -> tuple[str, str | None]:
    """Decimal mark and thousands separator from unambiguous tokens; ambiguous ones follow the delimiter."""
    votes = Counter()
    thousands_seen = Counter()
    for raw in tokens:
        t = _NUMBER_CLEAN.sub("", raw.strip())
        if not re.fullmatch(r"[+-]?\d[\d.,]*", t):
            continue
        has_dot, has_comma = "." in t, "," in t
        if has_dot and has_comma:
            dec = "," if t.rfind(",") > t.rfind(".") else "."
            votes[dec] += 3
            thousands_seen["." if dec == "," else ","] += 1
        elif has_comma:
            if t.count(",") > 1:
                votes["."] += 2
                thousands_seen[","] += 1
            elif not re.fullmatch(r"[+-]?\d{1,3},\d{3}", t):
                votes[","] += 2
            else:
                votes["ambiguous_comma"] += 1
        elif has_dot:
            if t.count(".") > 1:
                votes[","] += 2
                thousands_seen["."] += 1
            elif not re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", t):
                votes["."] += 2
            else:
                votes["ambiguous_dot"] += 1
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
    other = "." if decimal == "," else ","
    thousands = other if thousands_seen[other] or votes[f"ambiguous_{'comma' if other == ',' else 'dot'}"] else None
    return decimal, thousands


def _to_float(col: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Strings to float64; anything that is not a number (``NA``, ``-``, ``null``, text) becomes NaN.

    The common case is vectorised; only the cells that fail are cleaned of spaces, ``%`` and currency signs and
    tried again, so a million plain numbers cost one ``to_numeric``."""
    s = _text(col)
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    out = pd.to_numeric(s, errors="coerce").astype(np.float64)
    na = out.isna().to_numpy()
    if na.any():
        retry = s[na]
        retry = retry[retry.notna() & (retry.str.len() > 0)]
        if len(retry):
            out[retry.index] = pd.to_numeric(retry.str.replace(_NUMBER_CLEAN, "", regex=True),
                                              errors="coerce").astype(np.float64)
    return out


# ---------------------------------------------------------------------------------------------- dates


def _text(col: pd.Series) -> pd.Series:
    """The column as text (object or the pandas ``str`` dtype, whichever pandas gives for ``str``)."""
    return col if col.dtype == object or pd.api.types.is_string_dtype(col.dtype) else col.astype(str)


_FIXED_DMY = re.compile(r"(\d{2})([-/.])(\d{2})\2(\d{4})(?:([ T])(\d{2}):(\d{2})(?::(\d{2}))?)?")


def _fixed_width_dmy(s: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series] | None:
    """Fast path for zero-padded ``dd/mm/yyyy[ hh:mm[:ss]]`` columns of one fixed width (typical exports).

    Reads the digits straight from a byte matrix (N, W) with NumPy instead of running strptime per row. Returns
    (first field, second field, a builder ``f(dayfirst) -> datetimes``) or None when any row breaks the layout,
    in which case the pandas path is used."""
    if len(s) < 1000:
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

    def number(span: tuple[int, int]) -> np.ndarray:
        cols = [int(is_digit[: span[0]].sum()) + k for k in range(span[1] - span[0])]
        out = np.zeros(len(s), dtype=np.int64)
        for c in cols:
            out = out * 10 + digits[:, c]
        return out

    a, b, year = number(m.span(1)), number(m.span(3)), number(m.span(4))
    hour = number(m.span(6)) if m.group(6) else 0
    minute = number(m.span(7)) if m.group(7) else 0
    second = number(m.span(8)) if m.group(8) else 0

    def build(dayfirst: bool) -> pd.Series:
        day, month = (a, b) if dayfirst else (b, a)
        parts = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                              "second": second})
        bad = (month < 1) | (month > 12) | (day < 1) | (day > 31)
        parts.loc[bad, "month"] = 1
        out = pd.to_datetime(parts, errors="coerce")
        out[bad] = pd.NaT
        out.index = s.index
        return out

    return a, b, build


def _calendar_score(parsed: pd.Series) -> tuple[int, float]:
    """(sits on a calendar grid, share parsed): used to choose between day-first and month-first readings."""
    ok = parsed.notna()
    idx = pd.DatetimeIndex(parsed[ok]).sort_values().unique()
    return (int(_infer_frequency(idx) is not None), float(ok.mean()))


def _month_name_dates(s: pd.Series) -> pd.Series | None:
    """``janeiro 2020``, ``jan/2020``, ``Jan-20``, ``2020 March`` -> first day of that month; None if not dates."""
    s = s.astype("string")
    parts = s.str.extract(_MONTH_RE)
    name = parts["name1"].fillna(parts["name2"]).str.lower()
    year = pd.to_numeric(parts["year1"].fillna(parts["year2"]), errors="coerce").astype(np.float64).to_numpy()
    month = pd.to_numeric(name.map(_MONTHS), errors="coerce").astype(np.float64).to_numpy()
    ok = ~np.isnan(month) & ~np.isnan(year)
    if ok.sum() < 0.9 * s.notna().sum():
        return None
    year = np.where(year < 100, year + 2000, year)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if ok.any():
        parsed = pd.to_datetime(pd.DataFrame({"year": year[ok].astype(np.int64), "month": month[ok].astype(np.int64),
                                              "day": 1}), errors="coerce")
        out[ok] = parsed.to_numpy()
    return out


def _parse_dates(col: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, bool | None, str] | None:
    """Datetimes (naive) for a text column, the day-first choice, and the kind of format; None if not dates."""
    s = _text(col)
    head = s.iloc[:500]
    if (head != head.str.strip()).any():
        s = s.str.strip()
    present = s[s.notna() & (s != "")]
    if present.empty:
        return None
    sample = present.iloc[:200]

    def share(pattern: str) -> float:
        return float(sample.str.fullmatch(pattern, case=False).mean())

    if share(r"\d{4}\s*[-/ ]?\s*[Qq][1-4]") >= 0.9 or share(r"[Qq][1-4]\s*[-/ ]?\s*\d{4}") >= 0.9:
        s = s.astype("string")
        year = s.str.extract(r"(\d{4})", expand=False)
        quarter = s.str.extract(r"[Qq]([1-4])", expand=False)
        text = year + "-" + ((pd.to_numeric(quarter, errors="coerce") - 1) * 3 + 1).astype("Int64").astype("string")
        return pd.to_datetime(text, format="%Y-%m", errors="coerce"), dayfirst, "quarter"
    if share(r"\d{4}") >= 0.9:
        years = pd.to_numeric(s, errors="coerce")
        if years.dropna().between(1000, 2500).all():
            return pd.to_datetime(s, format="%Y", errors="coerce"), dayfirst, "year"
        return None
    if share(r"\d{4}[-/.]\d{1,2}") >= 0.9:
        return pd.to_datetime(s.str.replace(r"[/.]", "-", regex=True), format="%Y-%m", errors="coerce"), dayfirst, "ym"
    if share(r"\d{1,2}[-/.]\d{4}") >= 0.9:
        return pd.to_datetime(s.str.replace(r"[/.]", "-", regex=True), format="%m-%Y", errors="coerce"), dayfirst, "my"
    if sample.str.contains(r"[^\W\d_]{3}", regex=True).mean() >= 0.9 and not sample.str.contains(r"\d{1,2}:\d{2}").any():
        months = _month_name_dates(s)
        if months is not None:
            return months, dayfirst, "month_name"
    dmy = r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)"
    if share(dmy + r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?") >= 0.9:
        # The layout (separator, 2- or 4-digit year, time part) comes from the sample; parsing the whole column
        # is then one vectorised strptime per reading, with no per-row regular expressions.
        first_row = sample[sample.str.fullmatch(dmy + r".*")].iloc[0]
        sep = re.match(r"\d{1,2}([-/.])", first_row).group(1)
        year_digits = len(re.match(r"\d{1,2}[-/.]\d{1,2}[-/.](\d+)", first_row).group(1))
        fmt_y = "%Y" if year_digits == 4 else "%y"
        times = sample.str.extract(r"[ T](\d{1,2}:\d{2}(?::\d{2})?)$", expand=False)
        tail = ""
        if times.notna().any():
            tail = ("T" if "T" in first_row else " ") + ("%H:%M:%S" if times.dropna().str.count(":").max() == 2
                                                         else "%H:%M")

        fast = _fixed_width_dmy(s)

        def parse(day_first: bool) -> pd.Series:
            if fast is not None:
                return fast[2](day_first)
            fmt = sep.join(("%d", "%m", fmt_y) if day_first else ("%m", "%d", fmt_y)) + tail
            return pd.to_datetime(s, format=fmt, errors="coerce")

        if dayfirst is None and fast is not None:
            a_over, b_over = bool((fast[0] > 12).any()), bool((fast[1] > 12).any())
            if a_over != b_over:
                dayfirst = a_over

        if dayfirst is None:
            by_day, by_month = parse(True), parse(False)
            bad_day, bad_month = int(by_day.isna().sum()), int(by_month.isna().sum())
            if bad_day != bad_month:  # a day above 12 somewhere settles it
                dayfirst = bad_day < bad_month
            else:
                # Ambiguous everywhere: keep the reading that puts the dates on a calendar; day-first on a tie.
                dayfirst = _calendar_score(by_day) >= _calendar_score(by_month)
            return (by_day if dayfirst else by_month), dayfirst, "dmy"
        return parse(bool(dayfirst)), dayfirst, "dmy"
    if share(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?") >= 0.9 or share(r"\d{4}/\d{1,2}/\d{1,2}(?:[ T].*)?") >= 0.9:
        text = s.str.replace("/", "-", regex=False) if sample.str.contains("/", regex=False).any() else s
        tz_pattern = r"(?P<off>Z|[+-]\d{2}:?\d{2})$"
        if not sample.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).any():
            try:
                with _warnings.catch_warnings():
                    _warnings.simplefilter("ignore")
                    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
                if isinstance(parsed.dtype, np.dtype) and parsed.dtype.kind == "M":
                    return parsed, dayfirst, "iso"
            except (ValueError, TypeError, OverflowError):
                pass  # offsets further down the file: the time-zone path below handles them
        try:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                parsed = pd.to_datetime(text, format="mixed", errors="coerce", utc=True)
        except (ValueError, TypeError, OverflowError):
            return None
        offsets = text.str.extract(tz_pattern, expand=False)
        if offsets.dropna().nunique() == 1 and offsets.notna().all():
            # One offset throughout: keep the local wall-clock time the file shows.
            off = pd.Timedelta(hours=0) if offsets.iloc[0] == "Z" else pd.to_timedelta(
                int(offsets.iloc[0][:3]) * 60 + int(offsets.iloc[0][0] + offsets.iloc[0][-2:]), unit="min")
            return parsed.dt.tz_convert(None) + off, dayfirst, "iso_tz"
        return parsed.dt.tz_convert(None), dayfirst, "iso_utc"
    if share(r"\d{8}") >= 0.9:
        parsed = pd.to_datetime(s, format="%Y%m%d", errors="coerce")
        if parsed.notna().mean() >= 0.9:
            return parsed, dayfirst, "ymd_compact"
        return None
    if sample.str.contains(r"\d", regex=True).mean() < 0.9 or sample.str.fullmatch(r"[+-]?[\d.,]+").mean() > 0.5:
        return None
    try:
        with _warnings.catch_warnings():  # dateutil's guesses warn about odd tokens; unreadable cells become NaT
            _warnings.simplefilter("ignore")
            parsed = pd.to_datetime(s, format="mixed", dayfirst=bool(dayfirst), errors="coerce", utc=True)
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed.notna().sum() < 0.9 * len(present):
        return None
    return parsed.dt.tz_convert(None), dayfirst, "mixed"


def _hour_offsets(col: pd.Series) -> pd.Series | None:
    """Hours in a separate column (``13``, ``13:00``, ``1300``, ``1300 UTC``) as timedeltas; None if not hours."""
    s = _text(col).str.strip().str.replace(r"\s*(UTC|GMT|h)$", "", regex=True, case=False)
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


# ---------------------------------------------------------------------------------------------- frequency


def _seconds(idx: pd.DatetimeIndex) -> np.ndarray:
    """Timestamps as float seconds since the epoch, whatever the index's time unit."""
    unit = np.datetime_data(idx.dtype)[0]
    per_second = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}.get(unit, 1e9)
    return idx.asi8.astype(np.float64) / per_second


def _infer_frequency(idx: pd.DatetimeIndex) -> str | None:
    """The coarsest calendar whose grid (from the first to the last timestamp) holds every timestamp.

    Robust to gaps (a missing month still leaves every point on the monthly grid) and recognises business days
    (weekday-only data sits on the ``B`` grid). None when the points are too irregular (the grid would be mostly
    empty)."""
    if len(idx) < 2:
        return None
    seconds_of = _seconds(idx)  # (N,) float seconds: no int64 overflow over centuries of nanoseconds
    step = float(np.diff(seconds_of).min())
    first, last = idx[0], idx[-1]
    span = float(seconds_of[-1] - seconds_of[0])
    for alias, seconds in _FREQS:
        if seconds > step * 1.01 + 1:
            continue
        if alias == "W":
            alias = f"W-{first.day_name()[:3].upper()}"
        if span / seconds > 2 * len(idx) + 2:
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


# ---------------------------------------------------------------------------------------------- main entry


def _pick_column(name: str | int | None, columns: list[str], what: str) -> str | None:
    if name is None:
        return None
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
    low = name.strip().lower()
    words = re.split(r"[^\w#]+", low)
    return low in hints or any(w in hints for w in words if w)


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
    data = _read_source(source, max_bytes)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataError("errors.data.empty_file")
    text, enc = _decode(data, encoding)
    head_info, tail_info = _split_head_tail(text)
    head = [ln for ln, _, _ in head_info]
    if not any(ln.strip() for ln in head + [ln for ln, _, _ in tail_info]):
        raise DataError("errors.data.empty_file")
    warnings: list[DataWarning] = []

    # ---- layout: delimiter, header, where the table starts and ends
    if delimiter is None:
        delim, k = _detect_delimiter(head)
    else:
        delim = delimiter
        k = Counter(len(_fields(ln, delim)) for ln in head if ln.strip()).most_common(1)[0][0]
    head_counts = [len(_fields(ln, delim)) if ln.strip() else 0 for ln in head]
    if header_row is not None:
        if not 0 <= header_row < len(head):
            raise DataError("errors.data.bad_option", name="header_row", value=header_row)
        start, hdr = header_row, header_row
        k = len(_fields(head[header_row], delim))
        data_start = header_row + 1
    else:
        start, _ = _run_length(head_counts, k)
        data_start = start
        while data_start < len(head) and (head_counts[data_start] != k
                                          or not _data_like(_fields(head[data_start], delim))):
            if head_counts[data_start] not in (0, k):
                break
            data_start += 1
        if data_start >= len(head) or head_counts[data_start] != k:
            # No line with a number: take the block's first line as the header; the columns decide the error.
            data_start = start + 1
            while data_start < len(head) and head_counts[data_start] == 0:
                data_start += 1
            if data_start >= len(head) or head_counts[data_start] != k:
                raise DataError("errors.data.header_only")
        hdr = data_start - 1 if data_start > start else None
        while hdr is not None and hdr >= start and head_counts[hdr] == 0:
            hdr -= 1
        if hdr is not None and hdr < start:
            hdr = None
    if data_start >= len(head):
        raise DataError("errors.data.header_only")
    body_start = head_info[data_start][1]
    # The table ends at the last line (from the bottom) with the table's field count: notes below are dropped.
    body_end = body_start
    for ln, ln_start, ln_end in reversed(tail_info):
        if ln_start < body_start:
            break
        fields = _fields(ln, delim) if ln.strip() else []
        if len(fields) == k and _data_like(fields):
            body_end = ln_end
            break
    if body_end == body_start:
        # No numeric line at the bottom: the table runs to the last line with the right field count.
        for ln, ln_start, ln_end in reversed(tail_info):
            if ln_start >= body_start and ln.strip() and len(_fields(ln, delim)) == k:
                body_end = ln_end
                break
    if body_end <= body_start:
        raise DataError("errors.data.header_only")
    body = text[body_start:body_end]
    if hdr is not None:
        names = [c.strip() or f"column_{i + 1}" for i, c in enumerate(_fields(head[hdr], delim))]
    else:
        names = [f"column_{i + 1}" for i in range(k)]
    names = names[:k] + [f"column_{i + 1}" for i in range(len(names), k)]
    seen: Counter = Counter()
    for i, n in enumerate(names):
        seen[n] += 1
        if seen[n] > 1:
            names[i] = f"{n}_{seen[n]}"
    sep = delim if delim else "\x01"
    sample_lines = [ln for ln, s0, e0 in head_info[data_start:data_start + 500] if e0 <= body_end]
    sample = _read_frame("\n".join(sample_lines), sep, names)
    if sample.empty:
        raise DataError("errors.data.header_only")

    # ---- which columns hold numbers, and how numbers are written
    tokens = [v for col in names for v in sample[col].tolist() if v][:5000]
    dec, thou = _detect_decimal(tokens, delim)
    if decimal is not None:
        dec = decimal
        if thousands is None and thou == dec:
            thou = None
    if thousands is not None:
        thou = thousands or None
    numeric: list[str] = []
    for col in names:
        values = sample[col].str.strip()
        values = values[values != ""]
        if values.empty:
            continue
        parsed = _to_float(values, dec, thou)
        if parsed.notna().mean() >= 0.5:
            numeric.append(col)

    # ---- the date column (and an optional hour column beside it), chosen on the sample
    date_col: str | None = None
    hour_col: str | None = None
    day_first = dayfirst
    if date_column == "":
        date_col = None
    elif date_column is not None:
        date_col = _pick_column(date_column, names, "date")
    else:
        ordered = sorted(names, key=lambda c: (not _hint(c, _DATE_HINTS), names.index(c)))
        for col in ordered:
            if col in numeric and not (_hint(col, _DATE_HINTS) or col == names[0]):
                continue
            if col in numeric and _hint(col, _HOUR_HINTS) and not _hint(col, _YEAR_HINTS):
                continue
            got = _parse_dates(sample[col], dayfirst)
            if got is None or got[0].notna().mean() < 0.9:
                continue
            if got[2] == "year" and col in numeric and not _hint(col, _YEAR_HINTS):
                # a numeric column of 4-digit numbers is a year only if its values step like years
                yrs = pd.to_numeric(sample[col], errors="coerce").dropna()
                if yrs.nunique() < 0.8 * len(yrs) or (yrs.diff().abs().dropna() > 5).mean() > 0.1:
                    continue
            date_col = col
            break
    if date_col is not None:
        got = _parse_dates(sample[date_col], dayfirst)
        if got is not None:
            for col in names:
                if col == date_col or not _hint(col, _HOUR_HINTS):
                    continue
                if _hour_offsets(sample[col]) is not None and (got[0].dt.normalize() == got[0]).all():
                    hour_col = col
                    break

    candidates = [c for c in numeric if c not in (date_col, hour_col)]
    if not candidates and value_column is None:
        for col in names:
            if col in (date_col, hour_col):
                continue
            if sample[col].str.strip().str.lower().isin(list(_MISSING)).all():
                raise DataError("errors.data.all_missing", column=col)
    if value_column is not None:
        value_col = _pick_column(value_column, names, "value")
        if value_col == date_col:
            raise DataError("errors.data.unknown_column", column=str(value_column))
    else:
        if not candidates:
            raise DataError("errors.data.no_numeric_column")
        # Prefer a column that varies, then one whose name says "value", then anything but an id/counter.
        varying = [c for c in candidates if _to_float(sample[c], dec, thou).nunique() > 1] or candidates
        hinted = [c for c in varying if _hint(c, _VALUE_HINTS)]
        plain = [c for c in varying if not _hint(c, _ID_HINTS)]
        value_col = (hinted or plain or varying)[0]

    # ---- the whole table, only the columns that matter
    wanted = [c for c in names if c in (date_col, hour_col, value_col)]
    values: pd.Series | None = None
    if len(sample_lines) >= body.count("\n") + 1:
        frame = sample
    else:
        frame, values = _read_frame_fast(body, sep, names, wanted, value_col, dec, thou,
                                         _to_float(sample[value_col], dec, thou))
    n_lines = body.count("\n") + 1 - body.count("\n\n") - body.count("\n\r\n")
    if len(frame) < n_lines:
        warnings.append(DataWarning("warnings.data.rows_dropped", {"n": n_lines - len(frame)}))
    dates: pd.Series | None = None
    if date_col is not None:
        got = _parse_dates(frame[date_col], dayfirst)
        if got is None:
            raise DataError("errors.data.bad_date_column", column=date_col)
        dates, day_first, kind = got
        if kind == "iso_utc":
            warnings.append(DataWarning("warnings.data.timezone_utc", {}))
        if hour_col is not None:
            offsets = _hour_offsets(frame[hour_col])
            if offsets is not None:
                dates = dates + offsets
            else:
                hour_col = None

    if values is None:
        values = _to_float(frame[value_col], dec, thou)
    detected = Detected(
        encoding=enc, delimiter=delim, decimal=dec, thousands=thou, header_row=hdr, date_column=date_col,
        value_column=value_col, numeric_columns=candidates, all_columns=names, dayfirst=day_first,
    )
    if values.notna().sum() == 0:
        raise DataError("errors.data.all_missing", column=value_col)
    if np.isinf(values.to_numpy()).any():
        raise DataError("errors.data.non_finite", n=int(np.isinf(values.to_numpy()).sum()), column=value_col)
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
        raise DataError("errors.data.all_missing", column=value_col)

    series = _build_series(values, dates, detected, frequency, resample, missing, warnings)
    detected.season_length = season_length_for(detected.frequency)
    series.name = value_col
    return TableResult(series=series, detected=detected, warnings=warnings)


def _grid_too_big(idx: pd.DatetimeIndex, offset: pd.DateOffset, limit: float = 2e7) -> bool:
    """True when a calendar of ``offset`` steps from the first to the last date would hold over ``limit`` points."""
    try:
        probe = pd.date_range(idx[0], periods=2, freq=offset)
    except (ValueError, OverflowError):
        return True
    probe_s = _seconds(probe)
    step = float(probe_s[1] - probe_s[0])
    ends = _seconds(idx[[0, -1]])
    return step <= 0 or float(ends[1] - ends[0]) / step > limit


def _build_series(values: pd.Series, dates: pd.Series | None, detected: Detected, frequency: str | None,
                  resample: str | None, missing: str, warnings: list[DataWarning]) -> pd.Series:
    """Index, sort, de-duplicate, put on a calendar, and fill or drop missing values."""
    if dates is None:
        series = pd.Series(values.to_numpy(np.float64), index=pd.RangeIndex(len(values)))
        return _finish(series, missing, warnings, detected.value_column)
    ok = dates.notna().to_numpy()
    if not ok.all():
        warnings.append(DataWarning("warnings.data.bad_dates_dropped", {"n": int((~ok).sum())}))
    series = pd.Series(values.to_numpy(np.float64)[ok], index=pd.DatetimeIndex(dates.to_numpy()[ok]))
    if series.empty:
        raise DataError("errors.data.bad_date_column", column=detected.date_column)
    if not series.index.is_monotonic_increasing:
        series = series.sort_index(kind="stable")
        warnings.append(DataWarning("warnings.data.rows_sorted", {}))
    if series.index.has_duplicates:
        n_dup = int(series.index.duplicated().sum())
        how = "sum" if resample == "sum" else "mean"
        series = series.groupby(level=0).sum(min_count=1) if how == "sum" else series.groupby(level=0).mean()
        warnings.append(DataWarning("warnings.data.duplicates_aggregated", {"n": n_dup, "how": how}))
    series.index.name = detected.date_column
    if resample:
        try:
            offset = pd.tseries.frequencies.to_offset(frequency)
        except ValueError:
            raise DataError("errors.data.bad_option", name="frequency", value=frequency) from None
        if _grid_too_big(series.index, offset):
            raise DataError("errors.data.frequency_mismatch", freq=frequency)
        grouped = series.resample(offset)
        series = grouped.sum(min_count=1) if resample == "sum" else grouped.mean()
        series.index.freq = offset
        detected.frequency = offset.freqstr
        warnings.append(DataWarning("warnings.data.resampled", {"freq": offset.freqstr, "how": resample}))
        return _finish(series, missing, warnings, detected.value_column)
    if frequency:
        try:
            offset = pd.tseries.frequencies.to_offset(frequency)
        except ValueError:
            raise DataError("errors.data.bad_option", name="frequency", value=frequency) from None
        if _grid_too_big(series.index, offset):
            raise DataError("errors.data.frequency_mismatch", freq=frequency)
        grid = pd.date_range(series.index[0], series.index[-1], freq=offset)
        if not series.index.isin(grid).all():
            raise DataError("errors.data.frequency_mismatch", freq=frequency)
        alias = offset.freqstr
    else:
        alias = _infer_frequency(series.index)
    if alias is None:
        warnings.append(DataWarning("warnings.data.irregular_dates", {}))
        detected.frequency = None
        series = series.reset_index(drop=True)
        return _finish(series, missing, warnings, detected.value_column)
    grid = pd.date_range(series.index[0], series.index[-1], freq=alias, name=series.index.name)
    n_gaps = len(grid) - len(series)
    if n_gaps:
        warnings.append(DataWarning("warnings.data.gaps_found", {"n": n_gaps, "freq": alias}))
        series = series.reindex(grid)
    else:
        series.index = grid
    detected.frequency = grid.freqstr
    return _finish(series, missing, warnings, detected.value_column)


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
