"""save/load and save_arrays/load_arrays: round trips and every kind of bad file."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, CoreError, Linear, load, load_arrays, save, save_arrays


@pytest.mark.parametrize(
    "model",
    [LSTM(2, 3, 2, True, seed=1), GRU(1, 4, seed=2, dtype="float64"), RNN(3, 2, 2, False, seed=3),
     Linear(5, 2, seed=4)],
    ids=lambda m: m.kind,
)
@pytest.mark.parametrize("target", ["path", "file", "bytes"])
def test_round_trip(model, target, tmp_path):
    if target == "path":
        dest = tmp_path / "model"  # no .npz suffix: written exactly where asked
        save(dest, model, config={"scaler_mean": 1.5, "kind": "ignored"})
        source = dest
    else:
        buf = io.BytesIO()
        save(buf, model, config={"scaler_mean": 1.5})
        source = buf.getvalue() if target == "bytes" else io.BytesIO(buf.getvalue())
    loaded, config = load(source)
    assert type(loaded) is type(model)
    assert loaded.config == model.config
    assert config["kind"] == model.kind and config["scaler_mean"] == 1.5
    for name, arr in model.params.items():
        assert loaded.params[name].dtype == arr.dtype
        np.testing.assert_array_equal(loaded.params[name], arr)
    if model.kind != "Linear":
        x = np.random.default_rng(0).normal(size=(2, 4, model.input_size))
        np.testing.assert_array_equal(loaded.forward(x)[0], model.forward(x)[0])


def test_save_arrays_round_trip():
    buf = io.BytesIO()
    arrays = {"a": np.arange(6.0).reshape(2, 3), "b": np.array([1, 2], dtype=np.int64)}
    save_arrays(buf, arrays, {"name": "ensemble", "levels": [80, 95]})
    got, meta = load_arrays(buf.getvalue())
    assert meta == {"name": "ensemble", "levels": [80, 95]}
    assert set(got) == {"a", "b"}
    np.testing.assert_array_equal(got["a"], arrays["a"])
    with pytest.raises(CoreError):
        save_arrays(io.BytesIO(), {"a": np.zeros(2)}, {"bad": float("nan")})
    with pytest.raises(CoreError):
        save_arrays(io.BytesIO(), {"a": np.array([object()])}, {})


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _good_arrays(model=None):
    model = model or LSTM(1, 2, seed=0)
    arrays = model.state_dict()
    meta = {"kind": model.kind, **model.config}
    return arrays, meta


def _with(arrays, meta, **changes) -> bytes:
    arrays = dict(arrays)
    for k, v in changes.items():
        if v is None:
            arrays.pop(k)
        else:
            arrays[k] = v
    return _npz(**arrays, __config__=np.array(json.dumps(meta)))


def _bad_files():
    arrays, meta = _good_arrays()
    cases = {
        "garbage bytes": (b"this is not a model at all" * 10, "not_npz"),
        "empty": (b"", "not_npz"),
        "raw pickle": (pickle.dumps({"weight_ih_l0": [1.0]}), "pickled_data"),
        "npy not npz": (_npy_bytes(np.zeros(3)), "not_npz"),
        "pickled object array": (_with(arrays, meta, weight_ih_l0=np.array([{"x": 1}], dtype=object)),
                                 "pickled_data"),
        "object config": (_npz(**arrays, __config__=np.array([meta], dtype=object)), "pickled_data"),
        "missing array": (_with(arrays, meta, bias_hh_l0=None), "missing_array"),
        "extra array": (_with(arrays, meta, weight_ih_l1=np.zeros((8, 2))), "extra_array"),
        "wrong shape": (_with(arrays, meta, weight_hh_l0=np.zeros((8, 3))), "wrong_shape"),
        "nan": (_with(arrays, meta, bias_ih_l0=np.full(8, np.nan)), "non_finite"),
        "inf": (_with(arrays, meta, weight_hh_l0=np.full((8, 2), np.inf)), "non_finite"),
        "text array": (_with(arrays, meta, bias_ih_l0=np.array(["x"] * 8)), "bad_dtype"),
        "unknown kind": (_with(arrays, {**meta, "kind": "Transformer"}), "unknown_kind"),
        "bad config value": (_with(arrays, {**meta, "hidden_size": -2}), "bad_config"),
        "config missing field": (_with(arrays, {k: v for k, v in meta.items() if k != "hidden_size"}),
                                 "bad_config"),
        "bad json": (_npz(**arrays, __config__=np.array("{not json")), "bad_json"),
        "json not object": (_npz(**arrays, __config__=np.array("[1, 2]")), "bad_json"),
        "no config": (_npz(**arrays), "missing_config"),
        "truncated zip": (_with(arrays, meta)[:200], "not_npz"),
    }
    return cases


def _npy_bytes(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


@pytest.mark.parametrize("case", list(_bad_files()))
def test_bad_files_are_rejected(case, tmp_path):
    data, reason = _bad_files()[case]
    path = tmp_path / "bad.npz"
    path.write_bytes(data)
    for source in (data, path, io.BytesIO(data)):
        with pytest.raises(CoreError) as e:
            load(source)
        assert e.value.key == "errors.core.bad_model_file"
        assert e.value.params["reason"] == reason, case


def test_load_arrays_checks_without_rebuilding():
    arrays, meta = _good_arrays()
    got, got_meta = load_arrays(_with(arrays, {"anything": 1}, extra=np.ones(3)))
    assert got_meta == {"anything": 1} and "extra" in got  # no model checks here
    with pytest.raises(CoreError) as e:
        load_arrays(_with(arrays, meta, extra=np.array([1.0, np.nan])))
    assert e.value.params["reason"] == "non_finite"
    with pytest.raises(CoreError) as e:
        load_arrays(_with(arrays, meta, extra=np.array([object()], dtype=object)))
    assert e.value.params["reason"] == "pickled_data"


def test_missing_file(tmp_path):
    with pytest.raises(CoreError) as e:
        load(tmp_path / "nope.npz")
    assert e.value.params["reason"] == "not_found"


def test_zip_without_npy_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CoreError) as e:
        load(buf.getvalue())
    assert e.value.key == "errors.core.bad_model_file"
