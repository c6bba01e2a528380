"""Bytes to text: byte-order marks, UTF-16 without one, then UTF-8 or cp1252; spreadsheets and binaries refused."""

from __future__ import annotations

from dataclasses import dataclass

from datasets.errors import DataError


@dataclass(frozen=True)
class Decoded:
    """The decoded text and the encoding that produced it (reported in ``Detected.encoding``)."""

    text: str
    encoding: str


def decode(data: bytes, encoding: str | None) -> Decoded:
    """Text and the encoding used. Spreadsheet and binary bytes are refused before any decoding."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("errors.data.spreadsheet_file")
    if encoding:
        try:
            return Decoded(data.decode(encoding), encoding)
        except (LookupError, UnicodeDecodeError):
            raise DataError("errors.data.bad_encoding", encoding=encoding) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16")
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a byte-order mark: ASCII text leaves every other byte zero.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.8 * len(head[1::2]) and even < 0.1 * len(head[0::2]):
            return Decoded(data.decode("utf-16-le", errors="replace"), "utf-16-le")
        if even > 0.8 * len(head[0::2]) and odd < 0.1 * len(head[1::2]):
            return Decoded(data.decode("utf-16-be", errors="replace"), "utf-16-be")
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
    return Decoded(text, enc)
