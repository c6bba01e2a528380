"""The table's bytes: uploaded bytes, CSV text or a path, refused above the size limit or when empty.

A path is read only when it names a regular file, and never more than the limit plus one byte: a device
(``/dev/zero``), a pipe (which would wait for a writer forever) or a folder is refused before it is opened.
"""

from __future__ import annotations

import os
import stat

import budgets
from datasets.errors import DataError

MAX_BYTES = budgets.UPLOAD_BYTES


def _too_big(size: int, max_bytes: int) -> DataError:
    return DataError("errors.data.too_big", size_mb=round(size / 2**20, 1), max_mb=round(max_bytes / 2**20, 1))


def _read_path(path: str | os.PathLike, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of the regular file at ``path`` (one more than allowed shows it is too big)."""
    try:
        info = os.stat(path)  # stat does not open: a pipe without a writer cannot block it
    except (OSError, ValueError):
        raise DataError("errors.data.file_not_found", path=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError("errors.data.not_a_file", path=str(path))
    if info.st_size > max_bytes:
        raise _too_big(info.st_size, max_bytes)
    try:
        # O_NONBLOCK: should the path have become a pipe since the stat, opening it still returns at once
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        raise DataError("errors.data.file_not_found", path=str(path)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise DataError("errors.data.not_a_file", path=str(path))
        try:
            return fh.read(max_bytes + 1)
        except OSError:
            raise DataError("errors.data.file_not_found", path=str(path)) from None


def read_source(source: bytes | str | os.PathLike, max_bytes: int) -> bytes:
    """The raw bytes of ``source``: bytes as given, a ``str`` with a line break as the table itself, else a path."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str) and ("\n" in source or not source.strip()):
        data = source.encode("utf-8")  # CSV text passed directly
    elif isinstance(source, str | os.PathLike):
        data = _read_path(source, max_bytes)
    else:
        raise DataError("errors.data.bad_option", name="source", value=type(source).__name__)
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataError("errors.data.empty_file")
    return data
