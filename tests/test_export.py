"""ui.export: CSV formula neutralisation (text only, numbers stay numbers), model round trip, config JSON,
and the shareable-link encoding."""

from __future__ import annotations

import csv
import io
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasets import DataError
from lstm_core.baselines import Forecast
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import export, run_link


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+1", "-1+2", "@cmd", "\tx", "\rx", "=HYPERLINK(\"x\")"])
def test_dangerous_text_is_neutralised(text):
    assert export.neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["2024-01-01", "abc", "", " =x", -3.5, 0, -7, 1e-9])
def test_safe_cells_unchanged(value):
    assert export.neutralise_cell(value) == value


def test_csv_numbers_stay_numbers_and_text_is_escaped():
    header = ["date", "=evil", "value"]
    rows = [["=1+1", -3.5, -2], ["2024-02-01", 1e-7, 3], ["-5", float("nan"), 0]]
    data = export.to_csv_bytes(header, rows).decode("utf-8")
    parsed = list(csv.reader(io.StringIO(data)))
    assert parsed[0] == ["date", "'=evil", "value"]
    assert parsed[1] == ["'=1+1", "-3.5", "-2"]  # text escaped; the negative NUMBERS are written bare
    assert parsed[2] == ["2024-02-01", "1e-07", "3"]
    assert parsed[3] == ["'-5", "", "0"]  # "-5" given as TEXT is neutralised; NaN is an empty cell
    df = pd.read_csv(io.StringIO(data))
    assert df.iloc[0, 1] == -3.5 and df["value"].dtype.kind == "i"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), min_size=1,
                max_size=20))
def test_csv_numbers_round_trip(values):
    data = export.to_csv_bytes(["v"], [[v] for v in values])
    back = pd.read_csv(io.BytesIO(data))["v"].to_numpy(dtype=float)
    np.testing.assert_allclose(back, values, rtol=1e-9, atol=1e-300)
    assert b"'" not in data  # no number was turned into text


def test_forecast_csv_dates_and_levels():
    idx = pd.date_range("2024-01-01", periods=3, freq="MS")
    f = Forecast(mean=np.array([-1.0, 0.5, 2.0]), lower={80: np.array([-2.0, 0, 1]), 95: np.array([-3.0, -1, 0])},
                 upper={80: np.array([0.0, 1, 3]), 95: np.array([1.0, 2, 4])})
    df = pd.read_csv(io.BytesIO(export.forecast_csv(idx, f)))
    assert list(df.columns) == ["date", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert list(df["date"]) == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert df["forecast"].tolist() == [-1.0, 0.5, 2.0]
    hourly = pd.date_range("2024-01-01 10:00", periods=3, freq="h")
    assert export.date_labels(hourly)[0] == "2024-01-01 10:00:00"
    assert export.date_labels(pd.RangeIndex(10, 13)) == [10, 11, 12]


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    fc = Forecaster(ForecastConfig(window=12, horizon=4, epochs=2, hidden_size=4, ensemble=2, season_length=12))
    fc.fit(np.sin(np.arange(100) * 2 * np.pi / 12))
    return fc


def test_model_round_trip(fitted):
    data = export.model_bytes(fitted)
    back = export.load_model(data, 100)
    assert back.config == fitted.config and len(back.models) == 2
    x = np.cos(np.arange(60) * 0.4)
    np.testing.assert_array_equal(back.predict_from(x, 4).mean, fitted.predict_from(x, 4).mean)
    f1, f2 = back.predict(4), fitted.predict(4)
    np.testing.assert_allclose(f1.upper[95], f2.upper[95])


def test_model_upload_rejects_bad_files(fitted):
    good = export.model_bytes(fitted)
    for bad in (pickle.dumps({"x": 1}), b"not a zip", good[:200], b""):
        with pytest.raises(CoreError):
            export.load_model(bad, 100)
    # a series shorter than the model's window
    with pytest.raises(CoreError) as exc:
        export.load_model(good, 5)
    assert exc.value.key == "errors.engine.too_short"
    # a weight of the wrong shape
    z = dict(np.load(io.BytesIO(good), allow_pickle=False))
    z["m0.net.weight_hh_l0"] = np.zeros((3, 3), dtype=np.float32)
    buf = io.BytesIO()
    np.savez(buf, **z)
    with pytest.raises(CoreError) as exc:
        export.load_model(buf.getvalue(), 100)
    assert "bad_model_file" in exc.value.key


def test_config_json(fitted):
    payload = json.loads(export.config_json(fitted.config, {"source": "bundled", "id": "x"}))
    assert ForecastConfig.from_dict(payload["config"]) == fitted.config
    assert payload["data"] == {"source": "bundled", "id": "x"}


def test_link_round_trip_synthetic_and_bundled():
    import datasets

    run = run_link.SharedRun("synthetic", {"generator": "sine", "params": {"length": 150, "period": 12,
                                                                       "amplitude": 1.5, "noise": 0.05},
                                         "seed": 7},
                           {"cell": "gru", "bidirectional": True, "hidden_size": 8, "learning_rate": 0.002,
                            "epochs": 30, "seed": 2}, horizon=9)
    q = run_link.encode_run(run)
    assert all(isinstance(v, str) for v in q.values()) and all(run_link.is_link_key(k) for k in q)
    back = run_link.decode_run(q)
    assert back == run
    bid = datasets.catalog()[0].id
    run2 = run_link.SharedRun("bundled", {"id": bid}, {}, None)
    assert run_link.decode_run(run_link.encode_run(run2)) == run2
    assert run_link.decode_run({"lang": "en"}) is None


def test_link_bad_values():
    with pytest.raises(DataError):
        run_link.decode_run({"src": "bundled", "ds": "nope"})
    with pytest.raises(DataError):
        run_link.decode_run({"src": "synthetic", "gen": "nope"})
    with pytest.raises(DataError):
        run_link.decode_run({"src": "synthetic", "gen": "sine", "gp_length": "abc"})
    with pytest.raises(CoreError):
        run_link.decode_run({"src": "synthetic", "gen": "sine", "hid": "many"})
    with pytest.raises(CoreError):
        run_link.decode_run({"src": "synthetic", "gen": "sine", "lr": "inf"})
    with pytest.raises(ValueError):
        run_link.encode_run(run_link.SharedRun("upload", {"file": "x.csv"}))


# --- the forecast CSV in the user's locale ----------------------------------------------------------------
def _forecast(mean, width=1.0) -> Forecast:
    mean = np.asarray(mean, dtype=float)
    return Forecast(mean=mean, lower={80: mean - width, 95: mean - 2 * width},
                    upper={80: mean + width, 95: mean + 2 * width})


def test_locale_csv_pt_br_reads_back_in_a_brazilian_spreadsheet_way():
    idx = pd.date_range("2024-01-01", periods=3, freq="MS")
    f = _forecast([-3.5, 1234.25, 0.125], width=0.5)
    data = export.locale_forecast_csv(idx, f, "pt-BR")
    assert data.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Data;Previsão;Limite inferior 80 %;Limite superior 80 %;Limite inferior 95 %;Limite superior 95 %"
    assert lines[1].split(";")[:2] == ["01/01/2024", "-3,5000"]  # a negative NUMBER, not neutralised text
    assert lines[2].split(";")[1] == "1234,2500"  # decimal comma, no thousands separator (8 digits of 1235,25)
    df = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    np.testing.assert_allclose(df["Previsão"], f.mean)
    np.testing.assert_allclose(df["Limite superior 95 %"], f.upper[95])
    assert list(pd.to_datetime(df["Data"], format="%d/%m/%Y")) == list(idx)
    hourly = pd.date_range("2024-03-05 10:00", periods=3, freq="h")
    assert export.locale_forecast_csv(hourly, f, "pt-BR").decode("utf-8-sig").splitlines()[1].startswith(
        "05/03/2024 10:00:00;")


def test_locale_csv_en_and_steps_and_missing_values():
    f = _forecast([1.5, float("nan"), -2.0])
    text = export.locale_forecast_csv(pd.date_range("2024-01-31", periods=3, freq="ME"), f, "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Date", "Forecast", "Lower 80 %", "Upper 80 %", "Lower 95 %", "Upper 95 %"]
    assert rows[1][:2] == ["2024-01-31", "1.5000000"] and rows[2][1] == "" and rows[3][1] == "-2.0000000"
    steps = export.locale_forecast_csv(pd.RangeIndex(100, 103), f, "pt-BR").decode("utf-8-sig").splitlines()
    assert steps[0].startswith("Passo;Previsão;") and [r.split(";")[0] for r in steps[1:]] == ["100", "101", "102"]


def test_machine_csv_stays_the_default_and_the_same_in_every_language():
    idx = pd.date_range("2024-01-01", periods=2, freq="MS")
    f = _forecast([1.25, -2.5])
    for lang in ("en", "pt-BR"):
        data, name = export.forecast_download(idx, f, "machine", lang)
        assert name == "forecast.csv" and data == export.forecast_csv(idx, f)
        assert data.decode().splitlines()[:2] == ["date,forecast,lower_80,upper_80,lower_95,upper_95",
                                                  "2024-01-01,1.25,0.25,2.25,-0.75,3.25"]
    data, name = export.forecast_download(idx, f, "locale", "pt-BR")
    assert name == "previsao_planilha.csv" and data == export.locale_forecast_csv(idx, f, "pt-BR")


@pytest.mark.parametrize(("values", "decimals"), [([432.1], 5), ([0.0123], 9), ([1e9], 0), ([0.0], 2), ([1e-12], 10)])
def test_locale_decimals_keep_the_significant_digits(values, decimals):
    assert export.locale_decimals(np.array(values)) == decimals


def test_locale_header_text_is_neutralised():
    """A translated header is text like any other: it can never start a formula (the catalogs don't, but check)."""
    assert export.neutralise_cell("=Previsão") == "'=Previsão"


# --- the model file with or without its series -------------------------------------------------------------
def test_model_without_series_keeps_only_the_last_window_and_forecasts_the_same(fitted):
    full = export.model_bytes(fitted)
    small = export.model_bytes(fitted, with_series=False)
    assert full == export.model_bytes(fitted, with_series=True)  # the default file is unchanged
    a, b = Forecaster.load(full), Forecaster.load(small)
    W = export.kept_points(fitted.config, 100)
    assert W == 12 + (100 - 12) % 12 == 16  # a window, and the cut on a whole number of seasons
    assert a.values.size == 100 and b.values.size == W
    np.testing.assert_array_equal(b.values, fitted.values[-W:])
    x = np.cos(np.arange(60) * 0.4)
    np.testing.assert_array_equal(b.predict_from(x, 4).mean, fitted.predict_from(x, 4).mean)
    np.testing.assert_allclose(b.predict(4).upper[80], fitted.predict(4).upper[80])  # also on its own
    arrays = dict(np.load(io.BytesIO(small), allow_pickle=False))
    assert arrays["series"].size == W and json.loads(str(arrays["__config__"]))["series_kept"] == W
    assert export.load_model(small, 100).values.size == W  # the page's model upload takes it


def test_model_series_note(fitted):
    assert export.model_series_note(fitted) == ("forecast.model_file.has_series", {"n": 100})
    assert export.model_series_note(fitted, with_series=False) == ("forecast.model_file.window_only", {"n": 16})
    stripped = Forecaster.load(export.model_bytes(fitted, with_series=False))
    assert export.model_series_note(stripped) == ("forecast.model_file.window_only", {"n": 16})


@pytest.mark.parametrize(("window", "m", "n", "kept"), [(12, 12, 100, 16), (12, 12, 120, 12), (6, 1, 50, 6),
                                                         (24, 12, 30, 30), (10, 4, 103, 11)])
def test_kept_points_is_a_window_cut_on_a_whole_number_of_seasons(window, m, n, kept):
    cfg = ForecastConfig(window=window, horizon=2, season_length=m)
    assert export.kept_points(cfg, n) == kept
    assert kept >= min(n, window) and (n - kept) % m == 0 or kept == n


def test_model_download_falls_back_to_the_whole_file_and_says_so(fitted, monkeypatch):
    data, notes = export.model_download(fitted, with_series=False)
    assert Forecaster.load(data).values.size == 16 and notes == [("forecast.model_file.window_only", {"n": 16})]
    real = export.model_bytes

    def no_strip(fc, with_series=True):
        if not with_series:
            raise CoreError("errors.engine.bad_model_file", reason="series")
        return real(fc)

    monkeypatch.setattr(export, "model_bytes", no_strip)
    data, notes = export.model_download(fitted, with_series=False)
    assert Forecaster.load(data).values.size == 100
    assert notes == [("forecast.model_file.cannot_strip", {}), ("forecast.model_file.has_series", {"n": 100})]
