"""Bundled real series: catalog completeness, loading, calendar helpers."""

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import datasets
from datasets import DataError


def test_catalog_covers_required_frequencies_and_licences():
    cat = datasets.catalog()
    assert len(cat) >= 8
    assert [s.id for s in cat] == [s.id for s in datasets.catalog()]  # stable order
    freqs = {s.frequency.split("-")[0] for s in cat}
    assert {"MS", "QS", "YS", "W", "D", "h"} <= freqs
    for s in cat:
        for text in (s.name, s.description, s.unit):
            assert set(text) == {"pt-BR", "en"} and all(v.strip() for v in text.values())
        assert s.source and s.url_or_package
        assert set(s.licence) == {"en", "pt-BR"} and all(s.licence.values())
        assert (Path(datasets.bundled.DATA_DIR) / s.file).stat().st_size < 200_000


@pytest.mark.parametrize("sid", [s.id for s in datasets.catalog()])
def test_load_every_series(sid):
    meta = datasets.info(sid)
    y = datasets.load(sid)
    assert y.name == sid and y.dtype == np.float64
    assert isinstance(y.index, pd.DatetimeIndex) and y.index.freq is not None
    assert y.index.freq == pd.tseries.frequencies.to_offset(meta.frequency)
    assert np.isfinite(y.to_numpy()).all() and len(y) >= 100
    assert meta.season_length >= 1


def test_known_values():
    co2 = datasets.load("co2_mauna_loa_weekly")
    assert co2.index[0] == pd.Timestamp("1958-03-29") and co2.iloc[0] == pytest.approx(316.1)
    nile = datasets.load("nile_yearly")
    assert len(nile) == 100 and nile.iloc[0] == 1120
    hourly = datasets.load("seattle_temp_hourly")
    assert hourly.index.freqstr == "h" and len(hourly) == 16 * 7 * 24
    copy = datasets.load("nile_yearly")
    copy.iloc[0] = -5
    assert datasets.load("nile_yearly").iloc[0] == 1120


def test_unknown_dataset():
    with pytest.raises(DataError) as err:
        datasets.info("nope")
    assert err.value.key == "errors.data.unknown_dataset" and err.value.params == {"id": "nope"}
    with pytest.raises(DataError):
        datasets.load("nope")


@pytest.mark.parametrize(
    ("freq", "season"),
    [("MS", 12), ("ME", 12), ("QS", 4), ("QS-JAN", 4), ("D", 7), ("h", 24), ("W", 52), ("W-SUN", 52),
     ("W-SAT", 52), ("B", 5), ("YS", 1), (None, 1), ("", 1), ("2h", 12), ("bogus", 1),
     ("15min", 96), ("min", 1440), ("2MS", 6), ("YE-DEC", 1), ("QE-DEC", 4), ("ME", 12), ("H", 24), ("M", 12), ("A", 1)],
)
def test_season_length_for(freq, season):
    assert datasets.season_length_for(freq) == season


def test_check_length():
    datasets.check_length(10, 7, 3)
    with pytest.raises(DataError) as err:
        datasets.check_length(9, 7, 3)
    assert err.value.key == "errors.data.too_short" and err.value.params == {"n": 9, "needed": 10}


@pytest.mark.parametrize(
    ("start", "freq", "expected"),
    [
        ("2020-01-01", "MS", ["2020-04-01", "2020-05-01"]),
        ("2020-01-31", "ME", ["2020-04-30", "2020-05-31"]),
        ("2020-01-01", "QS", ["2020-10-01", "2021-01-01"]),
        ("2024-01-03", "B", ["2024-01-08", "2024-01-09"]),  # Wed, Thu, Fri -> next Mon, Tue
        ("2020-01-01 22:00", "h", ["2020-01-02 01:00", "2020-01-02 02:00"]),
        ("2000-01-01", "YS", ["2003-01-01", "2004-01-01"]),
        ("2020-01-04", "W-SAT", ["2020-01-25", "2020-02-01"]),
    ],
)
def test_future_index_calendar(start, freq, expected):
    idx = pd.date_range(start, periods=3, freq=freq)
    fut = datasets.future_index(idx, 2)
    assert list(fut) == [pd.Timestamp(x) for x in expected]
    assert fut.freq == idx.freq
    no_freq = pd.DatetimeIndex(list(idx))  # freq inferred when the index lost it
    assert list(datasets.future_index(no_freq, 2, freq=freq)) == list(fut)


def test_future_index_range_and_errors():
    assert list(datasets.future_index(pd.RangeIndex(5), 3)) == [5, 6, 7]
    assert list(datasets.future_index(pd.RangeIndex(0, 10, 2), 2)) == [10, 12]
    assert list(datasets.future_index(datasets.load("seattle_temp_hourly").index, 1)) == [
        pd.Timestamp("2010-04-23 00:00")]
    with pytest.raises(DataError):
        datasets.future_index(pd.DatetimeIndex(["2020-01-01", "2020-01-05"]), 2)
    with pytest.raises(DataError):
        datasets.future_index(pd.RangeIndex(3), -1)


def test_catalog_file_is_valid_toml_with_unique_ids():
    raw = tomllib.loads(Path(datasets.bundled.CATALOG_FILE).read_text("utf-8"))
    ids = [e["id"] for e in raw["series"]]
    assert len(ids) == len(set(ids))
