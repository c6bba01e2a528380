"""read_table on a corpus of real-world-shaped exports (tests/data/csv), one expectation per file, plus overrides."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import datasets
from datasets import DataError
from ui import i18n

CSV = Path(__file__).parent / "data" / "csv"
T = pd.Timestamp

# file -> (kwargs, expectations). Expectation keys: n, first, last, freq, values {position: value},
# detected {field: value}, warnings (set of keys that must be present), error (exact DataError key).
CASES: dict[str, tuple[dict, dict]] = {
    "basic_iso_monthly.csv": ({}, dict(n=24, first=T("2020-01-01"), last=T("2021-12-01"), freq="MS",
                                       values={0: 100, 23: 157}, detected=dict(delimiter=",", header_row=0,
                                                                               date_column="date", season_length=12))),
    "crlf_endings.csv": ({}, dict(n=24, freq="MS", values={1: 103})),
    "utf8_bom_semicolon_decimal_comma.csv": ({}, dict(
        n=30, first=T("2023-01-10"), last=T("2023-02-08"), freq="D", values={1: 10.25, 29: 17.25},
        detected=dict(encoding="utf-8-sig", delimiter=";", decimal=",", dayfirst=True, season_length=7))),
    "utf16_tab_export.txt": ({}, dict(n=30, freq="D", values={0: 1000.5, 2: 1014.5},
                                      detected=dict(encoding="utf-16", delimiter="\t", value_column="Sales"))),
    "cp1252_month_names_pt.csv": ({}, dict(n=12, first=T("2021-01-01"), last=T("2021-12-01"), freq="MS",
                                           values={0: 1500.5, 2: 1520.5},
                                           detected=dict(encoding="cp1252", date_column="Mês",
                                                         value_column="Produção (t)"))),
    "pipe_yyyy_mm.txt": ({}, dict(n=24, first=T("2020-01-01"), freq="MS", detected=dict(delimiter="|"))),
    "thousands_pt.csv": ({}, dict(n=12, freq="MS", values={0: 1234.56, 11: 14814.72},
                                  detected=dict(decimal=",", thousands="."))),
    "thousands_en_quoted.csv": ({}, dict(n=12, freq="MS", values={0: 1234.56, 1: 2469.12},
                                         detected=dict(delimiter=",", decimal=".", thousands=","))),
    "quoted_decimal_comma_comma_delim.csv": ({}, dict(n=10, freq="D", values={0: 2.5, 9: 11.5},
                                                      detected=dict(delimiter=",", decimal=","))),
    "metadata_and_notes_ibge.csv": ({}, dict(n=24, first=T("2020-01-01"), last=T("2021-12-01"), freq="MS",
                                             values={1: 5011.25}, detected=dict(header_row=4, value_column="Brasil"))),
    "inmet_weather_station.csv": ({}, dict(
        n=48, first=T("2023-01-01 00:00"), last=T("2023-01-02 23:00"), freq="h", values={0: 20.0},
        detected=dict(header_row=8, date_column="Data", season_length=24,
                      value_column="TEMPERATURA DO AR - BULBO SECO, HORARIA (°C)"),
        warnings={"warnings.data.sentinel_missing", "warnings.data.missing_interpolated"})),
    "iso_timestamps_tz.csv": ({}, dict(n=24, first=T("2023-01-01 00:00"), last=T("2023-01-01 23:00"), freq="h")),
    "dmy_dayfirst_evidence.csv": ({}, dict(n=20, first=T("2022-03-01"), last=T("2022-03-20"), freq="D",
                                           detected=dict(dayfirst=True))),
    "mdy_us.csv": ({}, dict(n=20, first=T("2022-03-01"), last=T("2022-03-20"), freq="D", values={0: 50},
                            detected=dict(dayfirst=False, value_column="Close"))),
    "dmy_ambiguous_monthly.csv": ({}, dict(n=12, first=T("2020-01-01"), last=T("2020-12-01"), freq="MS",
                                           detected=dict(dayfirst=True))),
    "mm_yyyy.csv": ({}, dict(n=24, first=T("2020-01-01"), last=T("2021-12-01"), freq="MS")),
    "years_only.csv": ({}, dict(n=30, first=T("1990-01-01"), last=T("2019-01-01"), freq="YS-JAN",
                                values={1: 151.5}, detected=dict(date_column="ano", season_length=1))),
    "quarters.csv": ({}, dict(n=20, first=T("2015-01-01"), last=T("2019-10-01"), freq="QS-JAN",
                              detected=dict(season_length=4))),
    "month_abbrev_pt_slash.csv": ({}, dict(n=12, first=T("2022-01-01"), last=T("2022-12-01"), freq="MS",
                                           values={11: 11})),
    "month_names_en.csv": ({}, dict(n=18, first=T("2020-01-01"), last=T("2021-06-01"), freq="MS")),
    "date_hour_separate.csv": ({}, dict(n=48, first=T("2023-01-01 00:00"), last=T("2023-01-02 23:00"), freq="h",
                                        values={1: 1.1}, detected=dict(value_column="kwh"))),
    "no_date_column.csv": ({}, dict(n=40, first=0, last=39, freq=None, values={0: 0.0},
                                    detected=dict(date_column=None, season_length=1))),
    "no_header.csv": ({}, dict(n=24, first=T("2020-01-01"), freq="MS", values={0: 100},
                               detected=dict(header_row=None, all_columns=["column_1", "column_2"]))),
    "several_numeric_ohlc.csv": ({}, dict(n=45, first=T("2024-01-02"), freq="B", values={0: 10.5},
                                          detected=dict(value_column="Close", season_length=5,
                                                        numeric_columns=["Open", "High", "Low", "Close", "Volume"]),
                                          warnings={"warnings.data.gaps_found"})),
    "text_columns_ignored.csv": ({}, dict(n=24, freq="MS", values={0: 100},
                                          detected=dict(value_column="value", numeric_columns=["id", "value"]))),
    "unsorted_rows.csv": ({}, dict(n=12, first=T("2020-01-01"), last=T("2020-12-01"), freq="MS",
                                   values={0: 100, 1: 103}, warnings={"warnings.data.rows_sorted"})),
    "duplicates.csv": ({}, dict(n=5, freq="D", values={1: 3.0, 3: 7.0},
                                warnings={"warnings.data.duplicates_aggregated"})),
    "missing_markers.csv": ({}, dict(n=12, freq="D", values={1: 2.0, 3: 4.0, 5: 6.0, 7: 8.0, 9: 10.0},
                                     warnings={"warnings.data.missing_interpolated"})),
    "gaps_monthly.csv": ({}, dict(n=12, freq="MS", values={3: 4.0, 4: 5.0, 8: 9.0},
                                  warnings={"warnings.data.gaps_found", "warnings.data.missing_interpolated"})),
    "business_days_prices.csv": ({}, dict(n=45, first=T("2024-01-02"), freq="B",
                                          detected=dict(dayfirst=True, decimal=","))),
    "daily_for_resample.csv": ({}, dict(n=90, freq="D")),
    "weekly_sundays.csv": ({}, dict(n=20, first=T("2021-01-03"), freq="W-SUN", detected=dict(season_length=52))),
    "compact_yyyymmdd.csv": ({}, dict(n=15, first=T("1958-03-29"), freq="W-SAT", values={0: 316.0})),
    "hourly_gaps.csv": ({}, dict(n=24, freq="h", values={5: 5.0, 6: 6.0, 17: 17.0},
                                 warnings={"warnings.data.gaps_found"})),
    "irregular_dates.csv": ({}, dict(n=6, first=0, last=5, freq=None, warnings={"warnings.data.irregular_dates"})),
    "bcb_sgs_quoted.csv": ({}, dict(n=12, first=T("2020-01-01"), freq="MS", values={0: 4.0, 11: 4.55},
                                    detected=dict(delimiter=";", decimal=",", dayfirst=True))),
    "yahoo_prices_null_row.csv": ({}, dict(n=21, first=T("2024-01-02"), freq="B", values={2: 12.5, 3: 13.5},
                                           detected=dict(value_column="Close"),
                                           warnings={"warnings.data.missing_interpolated"})),
    "excel_currency_brl.csv": ({}, dict(n=6, first=T("2023-01-01"), freq="MS", values={0: 1234.56, 5: 1734.56},
                                        detected=dict(encoding="cp1252", thousands="."))),
    "english_month_day_year.csv": ({}, dict(n=14, first=T("2023-01-10"), last=T("2023-01-23"), freq="D")),
    "empty.csv": ({}, dict(error="errors.data.empty_file")),
    "whitespace_only.csv": ({}, dict(error="errors.data.empty_file")),
    "header_only.csv": ({}, dict(error="errors.data.header_only")),
    "no_numeric.csv": ({}, dict(error="errors.data.no_numeric_column")),
    "binary.bin": ({}, dict(error="errors.data.binary_file")),
    "spreadsheet.xlsx": ({}, dict(error="errors.data.spreadsheet_file")),
    "all_missing.csv": ({}, dict(error="errors.data.all_missing")),
    "too_few_points.csv": ({}, dict(error="errors.data.too_short")),
    "non_finite.csv": ({}, dict(error="errors.data.non_finite")),
}


def test_corpus_is_complete():
    files = {p.name for p in CSV.iterdir() if p.suffix != ".py"}
    assert len(files) >= 30
    assert files == set(CASES), files ^ set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name):
    kwargs, exp = CASES[name]
    if "error" in exp:
        with pytest.raises(DataError) as err:
            datasets.read_table(CSV / name, **kwargs)
        assert err.value.key == exp["error"]
        assert not i18n.translate("en", err.value.key, **err.value.params).startswith("⟦")
        return
    res = datasets.read_table(CSV / name, **kwargs)
    # the same result from bytes as from a path
    pd.testing.assert_series_equal(res.series, datasets.read_table((CSV / name).read_bytes(), **kwargs).series)
    y = res.series
    assert y.dtype == np.float64 and not y.isna().any() and np.isfinite(y.to_numpy()).all()
    assert len(y) == exp["n"]
    if "first" in exp:
        assert y.index[0] == exp["first"]
    if "last" in exp:
        assert y.index[-1] == exp["last"]
    if "freq" in exp:
        assert res.detected.frequency == exp["freq"]
        if exp["freq"] is None:
            assert isinstance(y.index, pd.RangeIndex)
        else:
            assert isinstance(y.index, pd.DatetimeIndex) and y.index.freqstr == exp["freq"]
    for pos, value in exp.get("values", {}).items():
        assert y.iloc[pos] == pytest.approx(value), pos
    for field, value in exp.get("detected", {}).items():
        assert getattr(res.detected, field) == value, field
    keys = {w.key for w in res.warnings}
    assert exp.get("warnings", set()) <= keys
    for w in res.warnings:  # every warning has text in both languages with its parameters
        for lang in i18n.LANGS:
            assert not i18n.translate(lang, w.key, **w.params).startswith("⟦"), w.key


def test_choose_value_column_by_name_and_index():
    res = datasets.read_table(CSV / "several_numeric_ohlc.csv", value_column="volume")
    assert res.detected.value_column == "Volume" and res.series.iloc[0] == 100000
    assert datasets.read_table(CSV / "several_numeric_ohlc.csv", value_column=1).series.iloc[0] == 10
    with pytest.raises(DataError) as err:
        datasets.read_table(CSV / "several_numeric_ohlc.csv", value_column="nope")
    assert err.value.key == "errors.data.unknown_column"


def test_no_date_override_and_date_column_override():
    res = datasets.read_table(CSV / "basic_iso_monthly.csv", date_column="")
    assert isinstance(res.series.index, pd.RangeIndex) and res.detected.date_column is None
    res = datasets.read_table(CSV / "basic_iso_monthly.csv", date_column="date")
    assert res.detected.frequency == "MS"
    with pytest.raises(DataError) as err:
        datasets.read_table(CSV / "text_columns_ignored.csv", date_column="city")
    assert err.value.key == "errors.data.bad_date_column"


def test_dayfirst_override():
    res = datasets.read_table(CSV / "dmy_ambiguous_monthly.csv", dayfirst=False)
    assert res.detected.frequency == "D" and res.series.index[0] == T("2020-01-01")
    assert res.series.index[1] == T("2020-01-02")


def test_missing_modes():
    drop = datasets.read_table(CSV / "missing_markers.csv", missing="drop")
    assert len(drop.series) == 7 and drop.series.index.freq is None
    assert "warnings.data.missing_dropped" in {w.key for w in drop.warnings}
    keep = datasets.read_table(CSV / "missing_markers.csv", missing="keep")
    assert len(keep.series) == 12 and int(keep.series.isna().sum()) == 5
    interp = datasets.read_table(CSV / "missing_markers.csv")
    assert [w.params["n"] for w in interp.warnings if w.key == "warnings.data.missing_interpolated"] == [5]
    with pytest.raises(DataError):
        datasets.read_table(CSV / "missing_markers.csv", missing="guess")


def test_resample_sum_and_mean():
    res = datasets.read_table(CSV / "daily_for_resample.csv", frequency="MS", resample="sum")
    assert list(res.series) == [31.0, 28.0, 31.0] and res.detected.frequency == "MS"
    assert res.series.index.freqstr == "MS" and res.detected.season_length == 12
    res = datasets.read_table(CSV / "daily_for_resample.csv", frequency="W-SUN", resample="mean")
    assert (res.series == 1.0).all()
    with pytest.raises(DataError):
        datasets.read_table(CSV / "daily_for_resample.csv", resample="sum")  # needs a frequency


def test_frequency_override():
    res = datasets.read_table(CSV / "several_numeric_ohlc.csv", frequency="D")
    assert res.detected.frequency == "D" and len(res.series) > 45
    with pytest.raises(DataError) as err:
        datasets.read_table(CSV / "daily_for_resample.csv", frequency="MS")
    assert err.value.key == "errors.data.frequency_mismatch"


def test_parsing_overrides():
    res = datasets.read_table(CSV / "metadata_and_notes_ibge.csv", header_row=4, delimiter=";", decimal=",",
                              encoding="cp1252")
    assert len(res.series) == 24 and res.detected.header_row == 4
    with pytest.raises(DataError) as err:
        datasets.read_table(CSV / "utf16_tab_export.txt", encoding="ascii")
    assert err.value.key == "errors.data.bad_encoding"
    with pytest.raises(DataError):
        datasets.read_table(CSV / "basic_iso_monthly.csv", delimiter="#")


def test_too_big_and_missing_file(tmp_path):
    with pytest.raises(DataError) as err:
        datasets.read_table(CSV / "basic_iso_monthly.csv", max_bytes=100)
    assert err.value.key == "errors.data.too_big"
    with pytest.raises(DataError) as err:
        datasets.read_table(b"date,value\n" * 20, max_bytes=100)
    assert err.value.key == "errors.data.too_big"
    with pytest.raises(DataError) as err:
        datasets.read_table(tmp_path / "nope.csv")
    assert err.value.key == "errors.data.file_not_found"


def test_text_source_and_utf16_without_bom():
    text = "date;value\n2021-01-01;1,5\n2021-01-02;2,5\n2021-01-03;3,5\n"
    assert list(datasets.read_table(text).series) == [1.5, 2.5, 3.5]
    res = datasets.read_table(text.encode("utf-16-le"))
    assert res.detected.encoding == "utf-16-le" and list(res.series) == [1.5, 2.5, 3.5]


def test_mixed_timezones_convert_to_utc():
    text = "t,v\n2024-03-10T00:00:00-03:00,1\n2024-03-10T02:00:00-02:00,2\n2024-03-10T02:00:00-03:00,3\n"
    res = datasets.read_table(text.encode())
    assert res.series.index[0] == T("2024-03-10 03:00") and res.detected.frequency == "h"
    assert "warnings.data.timezone_utc" in {w.key for w in res.warnings}


def test_space_thousands_and_percent():
    text = "mês;taxa\njan/2020;1 234,5%\nfev/2020;1 300,0%\nmar/2020;1 400,25%\n".encode("cp1252")
    res = datasets.read_table(text)
    assert list(res.series) == [1234.5, 1300.0, 1400.25] and res.detected.frequency == "MS"


def _long_export(n: int, junk_at: int | None = None) -> bytes:
    """A Brazilian-style export longer than the detection sample: metadata, decimal comma, gaps, notes."""
    days = pd.date_range("2015-01-01", periods=n, freq="D")
    cells = [f"{1000 + i * 0.5:,.2f}".translate(str.maketrans(",.", ".,")) for i in range(n)]
    cells[700] = "NA"
    cells[1500] = ""
    if junk_at is not None:
        cells[junk_at] = "R$ 1.350,00"
    rows = [f"{d:%d/%m/%Y};{c};obs" for d, c in zip(days, cells)]
    del rows[2000]  # a missing day in the calendar
    text = "Relatório diário\nGerado em 01/01/2024\n\nData;Valor (R$);Observação\n" + "\n".join(rows)
    return (text + "\n\nFonte: sistema interno\nTotal;;\n").encode("cp1252")


@pytest.mark.parametrize("junk_at", [None, 2500])
def test_long_export_beyond_the_detection_sample(junk_at):
    res = datasets.read_table(_long_export(3000, junk_at))
    y = res.series
    assert len(y) == 3000 and y.index.freqstr == "D" and y.index[0] == T("2015-01-01")
    assert res.detected.header_row == 3 and res.detected.decimal == "," and res.detected.thousands == "."
    assert y.iloc[700] == pytest.approx(1350.0) and y.iloc[1500] == pytest.approx(1750.0)
    assert y.iloc[2000] == pytest.approx(2000.0)  # the missing day, interpolated
    assert y.iloc[2999] == pytest.approx(2499.5)
    if junk_at is not None:
        assert y.iloc[junk_at] == pytest.approx(1350.0)  # currency text cleaned on the careful path
    missing = [w.params["n"] for w in res.warnings if w.key == "warnings.data.missing_interpolated"]
    assert missing == [3]


def test_fixed_width_dates_fast_path_matches_pandas():
    stamps = pd.date_range("2021-12-30 22:00", periods=2000, freq="h")
    text = "data;valor\n" + "".join(f"{d:%d/%m/%Y %H:%M};{i}\n" for i, d in enumerate(stamps))
    res = datasets.read_table(text.encode())
    assert res.detected.dayfirst is True and res.detected.frequency == "h"
    assert res.series.index[0] == stamps[0] and res.series.index[-1] == stamps[-1]
    us = "date,value\n" + "".join(f"{d:%m/%d/%Y %H:%M},{i}\n" for i, d in enumerate(stamps))
    res = datasets.read_table(us.encode())
    assert res.detected.dayfirst is False and res.series.index[-1] == stamps[-1]


def test_edges_trimmed_and_drop_without_dates():
    res = datasets.read_table(b"value\nNA\n1\n2\n\n4\n5\nNA\n")
    assert list(res.series) == [1.0, 2.0, 4.0, 5.0]  # blank line skipped, NA at both ends trimmed
    keys = {w.key: w.params for w in res.warnings}
    assert keys["warnings.data.missing_trimmed"] == {"n": 2}
    res = datasets.read_table(b"value\n1\nNA\n3\n4\n", missing="drop")
    assert isinstance(res.series.index, pd.RangeIndex) and list(res.series) == [1.0, 3.0, 4.0]


def test_centuries_apart_never_build_a_huge_calendar():
    text = b"date,v\n1700-01-01,1\n1700-01-02,2\n2200-01-03,3\n1700-01-03 00:00:01,4\n"
    res = datasets.read_table(text)
    assert isinstance(res.series.index, pd.RangeIndex) and res.detected.frequency is None
    for kwargs in ({"frequency": "s"}, {"frequency": "s", "resample": "mean"}):
        with pytest.raises(DataError) as err:
            datasets.read_table(text, **kwargs)
        assert err.value.key == "errors.data.frequency_mismatch"
    assert len(datasets.read_table(text, frequency="YS", resample="sum").series) == 501
