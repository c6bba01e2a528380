"""A model file cannot make the server build more than it holds, nor smuggle numbers that wreck a forecast (#18)."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest

from lstm_core import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster, member_size
from lstm_core.io import CONFIG_KEY, load_arrays, save_arrays


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("layers,bi,strategy", [(1, False, "direct"), (2, True, "direct"), (3, False, "recursive")])
def test_member_size_is_what_a_member_holds(cell, layers, bi, strategy):
    cfg = ForecastConfig(cell=cell, num_layers=layers, bidirectional=bi, hidden_size=5, horizon=3, window=6,
                         strategy=strategy)
    assert member_size(cfg) == Forecaster(cfg).num_parameters()


@pytest.fixture(scope="module")
def saved() -> bytes:
    y = 50 + 10 * np.sin(np.arange(80) / 3)
    fc = Forecaster(ForecastConfig.auto(y.size, 1, horizon=4, hidden_size=4, epochs=2, ensemble=1, refit_budget=50))
    fc.fit(y)
    buf = io.BytesIO()
    fc.save(buf)
    return buf.getvalue()


def _rewrite(blob: bytes, meta_change=None, array_change=None) -> bytes:
    arrays, meta = load_arrays(blob)
    if meta_change:
        meta_change(meta)
    if array_change:
        array_change(arrays)
    out = io.BytesIO()
    save_arrays(out, arrays, meta)
    return out.getvalue()


def _refused(blob: bytes) -> str:
    with pytest.raises(CoreError) as err:
        Forecaster.load(blob)
    assert err.value.key == "errors.engine.bad_model_file"
    return err.value.params["reason"]


def test_a_small_file_declaring_a_huge_network_is_refused_before_it_is_built(saved):
    def huge(meta):
        meta["config"].update(hidden_size=1024, num_layers=8, bidirectional=True)

    t0 = time.perf_counter()
    assert _refused(_rewrite(saved, huge)) == "m0"
    assert time.perf_counter() - t0 < 1.0  # today: 1.8 GB and 5-7 s before the refusal


@pytest.mark.parametrize("field,value", [("scale", 1e300), ("mean", -1e300)])
def test_a_scaler_no_series_could_have_is_refused(saved, field, value):
    def bad(meta):
        meta["scaler"][field] = value

    assert _refused(_rewrite(saved, bad)) == "scaler"


def test_residuals_no_series_could_have_are_refused(saved):
    def bad(arrays):
        arrays["residuals"] = np.full_like(arrays["residuals"], 1e300)

    assert _refused(_rewrite(saved, array_change=bad)) == "residuals"


def _with_raw_config(blob: bytes, text: str) -> bytes:
    arrays, _ = load_arrays(blob)
    out = io.BytesIO()
    np.savez(out, **arrays, **{CONFIG_KEY: np.array(text)})
    return out.getvalue()


@pytest.mark.parametrize("text", ['{"format": Infinity}', '{"a": NaN}', "[" * 100_000 + "]" * 100_000])
def test_json_constants_and_deep_nesting_are_a_bad_file_not_a_crash(saved, text):
    with pytest.raises(CoreError) as err:
        Forecaster.load(_with_raw_config(saved, text))
    assert err.value.key == "errors.core.bad_model_file" and err.value.params["reason"] == "bad_json"


def test_the_checks_leave_a_good_file_alone(saved):
    fc = Forecaster.load(saved)
    assert json.loads(json.dumps(fc.config.to_dict()))["hidden_size"] == 4
    assert np.isfinite(fc.predict(4).mean).all()
