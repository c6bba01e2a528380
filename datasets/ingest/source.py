"""The table's bytes: uploaded bytes, CSV text or a path, refused above the size limit or when empty."""

from __future__ import annotations

import os
from pathlib import Path

from datasets.errors import DataError

MAX_BYTES = 10 * 1024 * 1024


def _too_big(size: int, max_bytes: int) -> DataError:
    return DataError("errors.data.too_big", size_mb=round(size / 2**20, 1), max_mb=round(max_bytes / 2**20, 1))


def read_source(source: bytes | str | os.PathLike, max_bytes: int) -> bytes:
    """The raw bytes of ``source``: bytes as given, a ``str`` with a line break as the table itself, else a path."""
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
            raise _too_big(size, max_bytes)
        try:
            data = path.read_bytes()
        except OSError:
            raise DataError("errors.data.file_not_found", path=str(source)) from None
    else:
        raise DataError("errors.data.bad_option", name="source", value=type(source).__name__)
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataError("errors.data.empty_file")
    return data
