"""Saving and loading models as one ``.npz`` file, without pickle.

A file holds the model's arrays under their ``state_dict`` names plus ``__config__``: a JSON string with the
kind and constructor arguments (merged with any extra ``config`` the caller passes). Loading uses
``np.load(allow_pickle=False)`` and checks everything, so a damaged or hostile file gives a ``CoreError``
(``errors.core.bad_model_file`` with a ``reason`` code) and never runs code.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

import budgets

from .errors import CoreError
from .linear import Linear
from .recurrent import NETWORKS, _Recurrent

CONFIG_KEY = "__config__"
Model = _Recurrent | Linear
# A model file is a zip: its declared sizes are checked BEFORE anything is decompressed or allocated, so a small
# upload cannot make the server allocate gigabytes (a zip bomb, or an .npy header claiming a huge shape).
MAX_LOADED_BYTES = budgets.MODEL_FILE_BYTES  # uncompressed bytes of all arrays together (and of the file itself)
MAX_MEMBERS = budgets.MODEL_FILE_ARRAYS  # arrays in one file


def _bad(reason: str, **params: Any) -> CoreError:
    return CoreError("errors.core.bad_model_file", reason=reason, **params)


def _check_archive(data: bytes) -> None:
    """Refuse an archive whose members would decompress or allocate more than ``MAX_LOADED_BYTES``.

    Per ``.npy`` member the header's shape × itemsize must fit in the member's declared size (``np.load``
    allocates the array from the header first) and the sum of declared sizes must stay under the limit
    (``zipfile`` never yields more than a member's declared size).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_LOADED_BYTES:
                raise _bad("too_big")
            for info in infos:
                if not info.filename.endswith(".npy"):
                    continue
                with zf.open(info) as fh:
                    version = np.lib.format.read_magic(fh)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                    elif version == (2, 0):
                        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                    else:
                        raise _bad("unreadable_array", name=info.filename[:-4])
                    count = 1
                    for dim in shape:
                        count *= int(dim)
                    if count * dtype.itemsize > info.file_size:
                        raise _bad("too_big", name=info.filename[:-4])
    except CoreError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise _bad("not_npz") from exc


def save_arrays(path_or_file: str | os.PathLike | IO[bytes], arrays: Mapping[str, np.ndarray],
                meta: Mapping[str, Any]) -> None:
    """Write ``arrays`` and the JSON-able ``meta`` into one ``.npz`` (``meta`` stored as the string ``__config__``)."""
    if CONFIG_KEY in arrays:
        raise CoreError("errors.core.unexpected_param", name=CONFIG_KEY)
    payload: dict[str, np.ndarray] = {}
    for name, arr in arrays.items():
        arr = np.asarray(arr)
        if arr.dtype.kind not in "biuf":
            raise CoreError("errors.core.bad_dtype", name=str(name), dtype=str(arr.dtype))
        payload[str(name)] = arr
    try:
        text = json.dumps(dict(meta), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CoreError("errors.core.bad_config", name="meta", value=type(exc).__name__) from exc
    payload[CONFIG_KEY] = np.array(text)  # a 0-d unicode array: no pickle needed
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "wb") as fh:  # np.savez would append ".npz" to a path without it
            np.savez(fh, **payload)
    else:
        np.savez(path_or_file, **payload)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a model file may hold")


def load_arrays(source: str | os.PathLike | IO[bytes] | bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a file written by ``save_arrays``: ``(arrays, meta)``.

    Checks: a real ``.npz`` (zip) archive, no pickled object arrays, numeric arrays only, all values finite,
    and a ``__config__`` JSON object. Any failure is ``CoreError("errors.core.bad_model_file", reason=...)``.
    """
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
        elif isinstance(source, str | os.PathLike):
            with open(source, "rb") as fh:
                data = fh.read(MAX_LOADED_BYTES + 1)  # one byte more than allowed shows it is too big
        else:
            data = source.read(MAX_LOADED_BYTES + 1)
    except FileNotFoundError as exc:
        raise _bad("not_found") from exc
    except (OSError, AttributeError, TypeError) as exc:
        raise _bad("unreadable") from exc
    if not isinstance(data, bytes):
        raise _bad("unreadable")
    if len(data) > MAX_LOADED_BYTES:
        raise _bad("too_big")
    if data[:1] == b"\x80":  # a raw pickle stream
        raise _bad("pickled_data")
    if data[:4] != b"PK\x03\x04":  # an .npz is a zip archive (this also rejects bare .npy files)
        raise _bad("not_npz")
    _check_archive(data)
    try:
        loaded = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        raise _bad("pickled_data" if "pickle" in str(exc).lower() else "not_npz") from exc
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise _bad("not_npz") from exc
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise _bad("not_npz")
    arrays: dict[str, np.ndarray] = {}
    with loaded:
        try:
            names = list(loaded.files)
            if CONFIG_KEY not in names:
                raise _bad("missing_config")
            for name in names:
                arrays[name] = loaded[name]
        except CoreError:
            raise
        except ValueError as exc:
            raise _bad("pickled_data" if "pickle" in str(exc).lower() else "unreadable_array") from exc
        except (OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            raise _bad("unreadable_array") from exc
    raw = arrays.pop(CONFIG_KEY)
    if raw.shape != () or raw.dtype.kind != "U":
        raise _bad("bad_json")
    try:  # no NaN/Infinity constants (a config of them overflows later); nesting deep enough to recurse is refused
        meta = json.loads(str(raw), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # json.JSONDecodeError is a ValueError
        raise _bad("bad_json") from exc
    if not isinstance(meta, dict):
        raise _bad("bad_json")
    for name, arr in arrays.items():
        if arr.dtype.kind not in "biuf":
            raise _bad("bad_dtype", name=name)
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise _bad("non_finite", name=name)
    return arrays, meta


def save(path_or_file: str | os.PathLike | IO[bytes], model: Model, config: Mapping[str, Any] | None = None) -> None:
    """Save ``model`` (LSTM, GRU, RNN or Linear) with its kind and constructor arguments, plus ``config``."""
    if not isinstance(model, _Recurrent | Linear):
        raise CoreError("errors.core.bad_config", name="model", value=type(model).__name__)
    meta = {"kind": model.kind, **model.config}
    if config:
        meta.update({k: v for k, v in config.items() if k not in meta})
    save_arrays(path_or_file, model.state_dict(), meta)


def _build(meta: Mapping[str, Any]) -> Model:
    kind = meta.get("kind")
    if kind in NETWORKS:
        names = ("input_size", "hidden_size", "num_layers", "bidirectional", "seed", "dtype")
        cls: Any = NETWORKS[kind]
    elif kind == "Linear":
        names = ("in_features", "out_features", "seed", "dtype")
        cls = Linear
    else:
        raise _bad("unknown_kind")
    missing = [n for n in names if n not in meta]
    if missing:
        raise _bad("bad_config", name=missing[0])
    try:
        return cls(**{n: meta[n] for n in names})
    except CoreError as exc:
        raise _bad("bad_config", name=str(exc.params.get("name", ""))) from exc


def load(source: str | os.PathLike | IO[bytes] | bytes) -> tuple[Model, dict[str, Any]]:
    """Rebuild the model saved by ``save``; returns ``(model, config)`` (config = everything in ``__config__``)."""
    arrays, meta = load_arrays(source)
    model = _build(meta)
    try:
        model.load_state_dict(arrays)
    except CoreError as exc:
        reason = {"errors.core.missing_param": "missing_array", "errors.core.unexpected_param": "extra_array",
                  "errors.core.bad_param_shape": "wrong_shape", "errors.core.non_finite_param": "non_finite"
                  }.get(exc.key, "bad_array")
        raise _bad(reason, name=str(exc.params.get("name", ""))) from exc
    return model, meta
