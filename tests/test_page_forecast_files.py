"""Forecast page, files in and out: a table dropped on the page becomes the session's series (read as on the Data
page) and is forecast; a bad table changes nothing; a model and a table are routed by what they are, whichever
uploader gets them; the forecast CSV in the machine format (default) or the user's locale; the model file with or
without its series."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec
from streamlit.testing.v1 import AppTest

from lstm_core.forecast import Forecaster
from tests.conftest import ROOT, assert_no_missing_keys, open_app
from tests.test_page_forecast import LINK, PAGE, TIMEOUT, _open_link, _run, _saved_model_bytes
from ui import export, state
from ui.i18n import translate

NILE = (ROOT / "datasets" / "data" / "nile_yearly.csv").read_bytes()  # 100 yearly points, 1871..1970


def _file(name: str, data: bytes, file_id: str) -> UploadedFile:
    return UploadedFile(UploadedFileRec(file_id=file_id, name=name, type="application/octet-stream", data=data),
                        None)


def _run_with(at: AppTest, files: dict[str, UploadedFile]) -> AppTest:
    """Run the page with ``files`` as the values of the file uploaders with those keys (AppTest has no driver
    for st.file_uploader: the widget is patched to return what Streamlit would)."""
    import streamlit as st

    real = st.file_uploader

    def fake(label, *args, key=None, **kwargs):
        if key in files:
            return files[key]
        return real(label, *args, key=key, **kwargs)

    st.file_uploader = fake
    try:
        at.run()
    finally:
        st.file_uploader = real
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[bytes, str]]:
    """``{button key: (data, file name)}`` of every download button drawn in the last run."""
    from streamlit.delta_generator import DeltaGenerator

    got: dict[str, tuple[bytes, str]] = {}
    real = DeltaGenerator.download_button

    def spy(self, label, data, file_name=None, *args, key=None, **kwargs):
        got[key] = (data, file_name)
        return real(self, label, data, file_name, *args, key=key, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    return got


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_a_table_dropped_on_the_page_becomes_the_series_and_is_forecast(lang, downloads):
    at = open_app(lang, page=PAGE, timeout=TIMEOUT)
    assert at.session_state[state.SERIES].source == "synthetic"
    _run_with(at, {state.FORECAST_DROP: _file("nile.csv", NILE, "nile-1")})
    loaded = at.session_state[state.SERIES]
    assert loaded.source == "upload" and loaded.n == 100 and loaded.name == "nile.csv"
    assert loaded.series.index[0] == pd.Timestamp("1871-01-01") and loaded.frequency.startswith("YS")
    # the Data page would show the same file under "Your file": the same reading, the same state
    name, blob, file_id = at.session_state[state.DATA_UPLOAD_BYTES]
    assert (name, blob, file_id) == ("nile.csv", NILE, "nile-1")
    assert at.session_state[state.DATA_UPLOAD_SIG] == ("nile-1", ())
    # the page forecast it at once, on this series, and ran the backtest
    run = _run(at)
    assert run.origin == "fit" and run.data_key == loaded.key and run.backtest is not None
    assert state.FORECAST_AUTORUN not in at.session_state
    assert "src" not in at.query_params, "an uploaded series is not put in a shared link"
    ok = translate(lang, "forecast.drop.table_ok", n="100", name="nile.csv",
                   freq=translate(lang, "data.freq.YS"))
    assert ok in _texts(at, "success")
    assert_no_missing_keys(at)

    # the CSV for programs (default) continues the yearly calendar; the locale one in this language
    data, file_name = downloads["forecast.dl_csv"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert file_name == "forecast.csv" and rows[0][:2] == ["date", "forecast"] and rows[1][0] == "1971-01-01"
    at.radio(key=state.FORECAST_CSV_FORMAT).set_value("locale")
    _run_with(at, {state.FORECAST_DROP: _file("nile.csv", NILE, "nile-1")})
    assert _run(at) is run, "the same file, already read: nothing refitted"
    data, file_name = downloads["forecast.dl_csv"]
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    sep, first = (";", "01/01/1971") if lang == "pt-BR" else (",", "1971-01-01")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=sep))
    assert file_name == translate(lang, "forecast.csv.file")
    assert rows[0][:3] == [translate(lang, "forecast.csv.date"), translate(lang, "forecast.csv.forecast"),
                           translate(lang, "forecast.csv.lower", level=80)]
    assert rows[1][0] == first and len(rows) == run.config.horizon + 1
    mean = run.forecaster.predict_from(loaded.series.to_numpy(dtype=float), run.config.horizon).mean
    back = [float(r[1].replace(",", ".")) for r in rows[1:]]
    np.testing.assert_allclose(back, mean, rtol=1e-6)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_a_bad_table_shows_a_translated_error_and_keeps_the_series_and_the_forecast(lang):
    at = _open_link(LINK, lang)
    before, run = at.session_state[state.SERIES], _run(at)
    bad = [("scan.csv", b"\x00\x01\x02\x03 not a table" * 20, "errors.data.binary_file"),
           ("prices.xlsx", b"PK\x03\x04" + b"\x00" * 200, None),
           ("empty.csv", b"", "errors.data.empty_file")]
    for k, (name, data, key) in enumerate(bad):
        _run_with(at, {state.FORECAST_DROP: _file(name, data, f"bad-{k}")})
        assert at.session_state[state.SERIES] is before and _run(at) is run
        assert at.error and "⟦" not in at.error[0].value
        if key is not None:
            assert at.error[0].value == translate(lang, key)
        assert translate(lang, "forecast.drop.table_kept") in _texts(at, "info")
        assert translate(lang, "forecast.drop.table_fix") in [e.proto.label for e in at.get("page_link")]
        assert translate(lang, "forecast.stale") not in _texts(at, "warning"), "the forecast is still this series'"
    assert_no_missing_keys(at)


def test_files_are_routed_by_what_they_are_whichever_uploader_gets_them():
    at = _open_link(LINK, "pt-BR")
    loaded = at.session_state[state.SERIES]
    # a saved model dropped on the table uploader: the page's run, the series unchanged
    _run_with(at, {state.FORECAST_DROP: _file("modelo.npz", _saved_model_bytes(), "m-1")})
    run = _run(at)
    assert run.origin == "upload" and run.config.hidden_size == 4
    assert at.session_state[state.SERIES] is loaded
    assert translate("pt-BR", "forecast.upload_ok", cell="LSTM", window=12, horizon=6) in _texts(at, "success")
    # a table given to the model uploader: the series of every page, forecast at once
    _run_with(at, {state.FORECAST_UPLOAD: _file("nile.txt", NILE, "t-1")})
    new = at.session_state[state.SERIES]
    assert new.source == "upload" and new.n == 100
    assert _run(at).data_key == new.key and _run(at).origin == "fit"
    assert_no_missing_keys(at)


def test_model_download_says_it_carries_the_series_and_can_leave_it_out(downloads):
    at = _open_link(LINK, "en")
    run = _run(at)
    data, _ = downloads["forecast.dl_model"]
    n = at.session_state[state.SERIES].n
    assert Forecaster.load(data).values.size == n
    assert translate("en", "forecast.model_file.has_series", n=str(n)) in _texts(at, "caption")
    at.toggle(key=state.FORECAST_LEAVE_SERIES).set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    data, _ = downloads["forecast.dl_model"]
    small = Forecaster.load(data)
    W = export.kept_points(run.config, n)
    assert run.config.window <= W < run.config.window + max(1, run.config.season_length) and small.values.size == W
    values = at.session_state[state.SERIES].series.to_numpy(dtype=float)
    np.testing.assert_array_equal(small.values, values[-W:])
    np.testing.assert_allclose(small.predict_from(values, 6).mean, run.forecaster.predict_from(values, 6).mean)
    assert translate("en", "forecast.model_file.window_only", n=str(W)) in _texts(at, "caption")
    assert _run(at) is run


def test_what_counts_as_a_model_file():
    from ui.forecast_upload import is_model_file

    model = _saved_model_bytes()
    assert is_model_file("m.npz", b"") and is_model_file("renamed.bin", model) and is_model_file("M.NPZ", model)
    assert not is_model_file("nile.csv", NILE)
    assert not is_model_file("sheet.xlsx", b"PK\x03\x04xl/workbook.xml")  # a spreadsheet is read as a table
