"""Where the table sits in the text: the delimiter, the header line, the first and last data lines, column names.

Only the first ``_SAMPLE_HEAD`` and last lines are inspected, so a million-row file is never split into lines. The
budgets are checked here, before any cell is parsed: the length of the lines inspected, the number of columns (every
column of the sample is examined later, one by one), and the rows and cells of the table's body."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import budgets
from datasets.errors import DataError
from datasets.ingest.cells import is_data_row

DELIMITERS = (";", "\t", "|", ",")  # tie-break order: a comma is also a decimal mark, so it loses ties
_SAMPLE_HEAD, _SAMPLE_TAIL = 400, 60
_SAMPLE_ROWS = 500  # data lines kept for detecting number formats and choosing columns
_NEWLINE = re.compile(r"\r\n|\r|\n")
_HEAD_CHARS, _TAIL_CHARS = 400_000, 100_000


class Line(NamedTuple):
    """One line of the text, without its line break, and its character span in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Layout:
    """The table found in the text: everything the readers need to hand it to pandas."""

    delimiter: str | None  # None: a single column, no delimiter
    header_row: int | None  # 0-based line of the header in the text; None when there is no header
    names: list[str]  # one unique name per column
    body: str  # the data lines, metadata above and notes below cut off
    sample_lines: list[str]  # the first data lines, for detection

    @property
    def sep(self) -> str:
        """The separator to give pandas (a character that never occurs when there is a single column)."""
        return self.delimiter if self.delimiter else "\x01"


@dataclass(frozen=True)
class _Start:
    header_row: int | None  # the header line, if any
    data_start: int  # the first data line (an index into the head lines)


def fields(line: str, delimiter: str | None) -> list[str]:
    """The cells of one line, quotes honoured."""
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
    """The delimiter whose most common field count (≥ 2) covers the longest consecutive block of lines, and it."""
    best: tuple[int, int, str | None, int] = (0, 0, None, 1)
    for rank, delim in enumerate(DELIMITERS):
        counts = [len(fields(ln, delim)) if ln.strip() else 0 for ln in lines]
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


def _split_head_tail(text: str) -> tuple[list[Line], list[Line]]:
    """The first ``_SAMPLE_HEAD`` and the last ``_SAMPLE_TAIL * 5`` lines. Trailing blank lines leave the tail."""

    def spans(lo: int, hi: int, skip_first: bool) -> list[Line]:
        out, pos = [], lo
        for m in _NEWLINE.finditer(text, lo, hi):
            out.append(Line(text[pos:m.start()], pos, m.start()))
            pos = m.end()
            if not skip_first and len(out) >= _SAMPLE_HEAD:
                return out
        if hi == len(text) and pos < hi:
            out.append(Line(text[pos:hi], pos, hi))
        return out[1:] if skip_first and lo > 0 else out

    head = spans(0, min(len(text), _HEAD_CHARS), skip_first=False)
    if len(text) <= _HEAD_CHARS and len(head) < _SAMPLE_HEAD:
        tail = list(head)
    else:
        if len(text) > _HEAD_CHARS and len(head) < _SAMPLE_HEAD:
            head = head[:-1] if head and head[-1].end == len(text) else head
        tail = spans(max(0, len(text) - _TAIL_CHARS), len(text), skip_first=True)[-_SAMPLE_TAIL * 5:]
    while tail and not tail[-1].text.strip():
        tail.pop()
    return head, tail


def _too_long(line: str, number: int) -> DataError:
    """The error for a line over ``budgets.LINE_CHARS``: too many columns when that is what makes it long."""
    columns = max(line.count(d) for d in DELIMITERS) + 1  # quotes ignored: only an estimate, for the message
    if columns > budgets.COLUMNS:
        return DataError("errors.data.too_many_columns", n=columns, max=budgets.COLUMNS)
    return DataError("errors.data.line_too_long", line=number, max=budgets.LINE_CHARS)


def _check_line_length(text: str, head: list[Line]) -> None:
    """Refuse a head line, or the line right after the head, longer than ``budgets.LINE_CHARS``.

    Without this, a single huge line never ends inside the head's characters, so the head holds no line at all and
    the table looks empty. Costs one look per head line and one search for the next line break."""
    for i, ln in enumerate(head):
        if ln.end - ln.start > budgets.LINE_CHARS:
            raise _too_long(ln.text, i + 1)
    if len(head) >= _SAMPLE_HEAD:
        return
    start = 0  # where the line after the head starts
    if head:
        brk = _NEWLINE.match(text, head[-1].end)
        start = brk.end() if brk else len(text)
    nl = _NEWLINE.search(text, start)
    end = nl.start() if nl else len(text)
    if end - start > budgets.LINE_CHARS:
        raise _too_long(text[start:end], len(head) + 1)


def _check_size(body: str, k: int) -> None:
    """Refuse a body of more rows or cells than the budgets allow, before pandas parses any of it."""
    rows = max(body.count("\n"), body.count("\r")) + 1
    if rows > budgets.ROWS:
        raise DataError("errors.data.too_many_rows", n=rows, max=budgets.ROWS)
    if rows * k > budgets.CELLS:
        raise DataError("errors.data.too_many_cells", n=rows * k, rows=rows, columns=k, max=budgets.CELLS)


def _find_start(head: list[str], counts: list[int], k: int, delim: str | None) -> _Start:
    """The header line and the first data line: the first line of the longest ``k``-field block holding data."""
    start, _ = _run_length(counts, k)
    data_start = start
    while data_start < len(head) and (counts[data_start] != k or not is_data_row(fields(head[data_start], delim))):
        if counts[data_start] not in (0, k):
            break
        data_start += 1
    if data_start >= len(head) or counts[data_start] != k:
        # No line with a number: take the block's first line as the header; the columns decide the error.
        data_start = start + 1
        while data_start < len(head) and counts[data_start] == 0:
            data_start += 1
        if data_start >= len(head) or counts[data_start] != k:
            raise DataError("errors.data.header_only")
    hdr = data_start - 1 if data_start > start else None
    while hdr is not None and hdr >= start and counts[hdr] == 0:
        hdr -= 1
    if hdr is not None and hdr < start:
        hdr = None
    return _Start(hdr, data_start)


def _body_end(tail: list[Line], body_start: int, delim: str | None, k: int) -> int:
    """Where the table ends: the last data line with the table's field count, so notes below are dropped."""
    for ln in reversed(tail):
        if ln.start < body_start:
            break
        row = fields(ln.text, delim) if ln.text.strip() else []
        if len(row) == k and is_data_row(row):
            return ln.end
    # No numeric line at the bottom: the table runs to the last line with the right field count.
    for ln in reversed(tail):
        if ln.start >= body_start and ln.text.strip() and len(fields(ln.text, delim)) == k:
            return ln.end
    return body_start


def _column_names(header: str | None, delim: str | None, k: int) -> list[str]:
    """``k`` unique names from the header line (``column_<i>`` where a name is missing or there is no header)."""
    names = [c.strip() or f"column_{i + 1}" for i, c in enumerate(fields(header, delim))] if header is not None else []
    names = names[:k] + [f"column_{i + 1}" for i in range(len(names), k)]
    seen: Counter = Counter()
    for i, n in enumerate(names):
        seen[n] += 1
        if seen[n] > 1:
            names[i] = f"{n}_{seen[n]}"
    return names


def detect_layout(text: str, delimiter: str | None, header_row: int | None) -> Layout:
    """Find the table in ``text``; ``delimiter`` and ``header_row`` are used as given when not None."""
    head_lines, tail = _split_head_tail(text)
    _check_line_length(text, head_lines)
    head = [ln.text for ln in head_lines]
    if not any(ln.strip() for ln in head + [ln.text for ln in tail]):
        raise DataError("errors.data.empty_file")
    if delimiter is None:
        delim, k = _detect_delimiter(head)
    else:
        delim = delimiter
        k = Counter(len(fields(ln, delim)) for ln in head if ln.strip()).most_common(1)[0][0]
    counts = [len(fields(ln, delim)) if ln.strip() else 0 for ln in head]
    if header_row is not None:
        if not 0 <= header_row < len(head):
            raise DataError("errors.data.bad_option", name="header_row", value=header_row)
        k = len(fields(head[header_row], delim))
    if k > budgets.COLUMNS:  # before any column is examined: each one costs a pass over the sample
        raise DataError("errors.data.too_many_columns", n=k, max=budgets.COLUMNS)
    start = _Start(header_row, header_row + 1) if header_row is not None else _find_start(head, counts, k, delim)
    if start.data_start >= len(head):
        raise DataError("errors.data.header_only")
    body_start = head_lines[start.data_start].start
    body_end = _body_end(tail, body_start, delim, k)
    if body_end <= body_start:
        raise DataError("errors.data.header_only")
    body = text[body_start:body_end]
    _check_size(body, k)
    names = _column_names(head[start.header_row] if start.header_row is not None else None, delim, k)
    first_rows = head_lines[start.data_start:start.data_start + _SAMPLE_ROWS]
    sample_lines = [ln.text for ln in first_rows if ln.end <= body_end]
    return Layout(delim, start.header_row, names, body, sample_lines)
