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
from ui import export


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

    run = export.SharedRun("synthetic", {"generator": "sine", "params": {"length": 150, "period": 12,
                                                                       "amplitude": 1.5, "noise": 0.05},
                                         "seed": 7},
                           {"cell": "gru", "bidirectional": True, "hidden_size": 8, "learning_rate": 0.002,
                            "epochs": 30, "seed": 2}, horizon=9)
    q = export.encode_run(run)
    assert all(isinstance(v, str) for v in q.values()) and all(export.is_link_key(k) for k in q)
    back = export.decode_run(q)
    assert back == run
    bid = datasets.catalog()[0].id
    run2 = export.SharedRun("bundled", {"id": bid}, {}, None)
    assert export.decode_run(export.encode_run(run2)) == run2
    assert export.decode_run({"lang": "en"}) is None


def test_link_bad_values():
    with pytest.raises(DataError):
        export.decode_run({"src": "bundled", "ds": "nope"})
    with pytest.raises(DataError):
        export.decode_run({"src": "synthetic", "gen": "nope"})
    with pytest.raises(DataError):
        export.decode_run({"src": "synthetic", "gen": "sine", "gp_length": "abc"})
    with pytest.raises(CoreError):
        export.decode_run({"src": "synthetic", "gen": "sine", "hid": "many"})
    with pytest.raises(CoreError):
        export.decode_run({"src": "synthetic", "gen": "sine", "lr": "inf"})
    with pytest.raises(ValueError):
        export.encode_run(export.SharedRun("upload", {"file": "x.csv"}))
