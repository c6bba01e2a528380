"""Property tests: whatever bytes arrive, read_table either returns a clean series or raises DataError."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datasets
from datasets import DataError
from ui import i18n

CSV = Path(__file__).parent / "data" / "csv"
SEEDS = sorted(p.read_bytes() for p in CSV.iterdir() if p.suffix != ".py" and p.stat().st_size < 4000)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data) -> None:
    try:
        res = datasets.read_table(data)
    except DataError as exc:
        assert exc.key.startswith("errors.data.")
        assert exc.key in i18n.catalog("en") and exc.key in i18n.catalog("pt-BR")
        return
    y = res.series
    assert y.dtype == np.float64 and len(y) >= datasets.ingest.MIN_POINTS
    assert not np.isinf(y.to_numpy()).any()
    assert isinstance(y.index, pd.DatetimeIndex | pd.RangeIndex)
    if isinstance(y.index, pd.DatetimeIndex):
        assert y.index.is_monotonic_increasing and not y.index.has_duplicates
    for w in res.warnings:
        assert w.key in i18n.catalog("en")


@FAST
@given(st.binary(max_size=600))
def test_random_bytes(data):
    _check(data)


@FAST
@given(st.text(alphabet=st.sampled_from(list("0123456789,;.\t|-/: \n\"'abcQTZ+ãçé")), max_size=400))
def test_random_csv_like_text(text):
    _check(text.encode("utf-8"))


@FAST
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255),
                                                  st.sampled_from(["set", "insert", "delete"])), max_size=8))
def test_mutated_corpus_files(seed, edits):
    data = bytearray(seed)
    for pos, byte, op in edits:
        if not data:
            data.append(byte)
            continue
        pos %= len(data)
        if op == "set":
            data[pos] = byte
        elif op == "insert":
            data.insert(pos, byte)
        else:
            del data[pos]
    _check(bytes(data))


@FAST
@given(st.sampled_from(SEEDS), st.integers(0, 4000), st.integers(0, 4000))
def test_truncated_and_spliced_corpus_files(seed, cut, splice):
    _check(seed[: cut % (len(seed) + 1)])
    other = SEEDS[splice % len(SEEDS)]
    _check(seed[: cut % (len(seed) + 1)] + other[splice % (len(other) + 1):])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.sampled_from(
    ["NA", "", "-", "null", "-9999", "1.234,5", "1,234.5", "x"])), min_size=0, max_size=40),
    st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%m/%Y", "%Y"]))
def test_generated_tables(cells, sep, fmt):
    dates = pd.date_range("2001-01-01", periods=len(cells), freq="YS" if fmt == "%Y" else "MS")
    lines = ["date" + sep + "value"] + [f"{d.strftime(fmt)}{sep}{c}" for d, c in zip(dates, cells)]
    _check("\n".join(lines).encode())
