"""The worker pipe's messages: a JSON tree plus raw numeric arrays, never pickle.

Only the dataclasses in ``_CLASSES`` are rebuilt; a fitted forecaster crosses as the pickle-free ``.npz`` bytes
the Forecast page offers for download (``Forecaster.save``/``load``: every array and setting checked).
"""

from __future__ import annotations

import dataclasses
import json
import struct
from typing import Any

import numpy as np

from lstm_core.backtest import OriginResult
from lstm_core.baselines import Forecast
from lstm_core.forecast import FitHistory
from lstm_core.memory import Comparison, KindResult, MemoryConfig, StepGradients
from lstm_core.train import EpochInfo, History

_CLASSES = {c.__name__: c for c in (EpochInfo, History, FitHistory, Forecast, OriginResult, MemoryConfig,
                                     StepGradients, KindResult, Comparison)}
_DTYPES = frozenset(np.dtype(d).str for d in ("float32", "float64", "int64", "int32", "uint8", "bool"))
_MAGIC = b"LLW1"


def encode(obj: Any) -> bytes:
    """One message: ``MAGIC | header length | JSON header | array bytes``.

    The tree holds None, bool, int, float (NaN and ±inf too), str, list, tuple, dict (any keys of these
    kinds), numeric ndarrays and the dataclasses of ``_CLASSES``; anything else is a ``TypeError``.
    """
    arrays: list[np.ndarray] = []

    def enc(o: Any) -> Any:
        if o is None or isinstance(o, bool | str):
            return o
        if isinstance(o, np.bool_):
            return bool(o)
        if isinstance(o, int | np.integer):
            return int(o)
        if isinstance(o, float | np.floating):
            return float(o)
        if isinstance(o, np.ndarray):
            a = np.ascontiguousarray(o)
            if a.dtype.str not in _DTYPES:
                raise TypeError(f"array dtype {a.dtype} cannot be sent")
            arrays.append(a)
            return {"a": len(arrays) - 1}
        if isinstance(o, list):
            return [enc(v) for v in o]
        if isinstance(o, tuple):
            return {"t": [enc(v) for v in o]}
        if isinstance(o, dict):
            return {"d": [[enc(k), enc(v)] for k, v in o.items()]}
        name = type(o).__name__
        if dataclasses.is_dataclass(o) and _CLASSES.get(name) is type(o):
            return {"c": name, "f": {f.name: enc(getattr(o, f.name)) for f in dataclasses.fields(o)}}
        raise TypeError(f"{name} cannot be sent to or from a worker")

    tree = enc(obj)
    specs, offset = [], 0
    for a in arrays:
        specs.append([a.dtype.str, list(a.shape), offset, a.nbytes])
        offset += a.nbytes
    header = json.dumps({"tree": tree, "arrays": specs}).encode()
    return b"".join([_MAGIC, struct.pack("<Q", len(header)), header, *(a.tobytes() for a in arrays)])


def decode(data: bytes) -> Any:
    """The object ``encode`` wrote; malformed input is a ``ValueError`` (never code execution)."""
    try:
        return _decode(data)
    except ValueError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, struct.error, RecursionError) as exc:
        raise ValueError(f"malformed worker message ({type(exc).__name__})") from None


def _decode(data: bytes) -> Any:
    view = memoryview(data)
    if bytes(view[:4]) != _MAGIC or len(view) < 12:
        raise ValueError("not a worker message")
    (size,) = struct.unpack("<Q", view[4:12])
    head = json.loads(bytes(view[12:12 + size]))
    body = view[12 + size:]
    arrays = []
    for dtype, shape, offset, nbytes in head["arrays"]:
        if dtype not in _DTYPES:
            raise ValueError(f"dtype {dtype!r}")
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        if count * dt.itemsize != nbytes or offset < 0 or offset + nbytes > len(body):
            raise ValueError("array size")
        arrays.append(np.frombuffer(body[offset:offset + nbytes], dtype=dt).reshape(shape).copy())

    def dec(o: Any) -> Any:
        if isinstance(o, list):
            return [dec(v) for v in o]
        if not isinstance(o, dict):
            return o
        if "a" in o:
            return arrays[o["a"]]
        if "t" in o:
            return tuple(dec(v) for v in o["t"])
        if "d" in o:
            return {dec(k): dec(v) for k, v in o["d"]}
        cls = _CLASSES.get(o.get("c"))
        if cls is None:
            raise ValueError(f"class {o.get('c')!r}")
        return cls(**{k: dec(v) for k, v in o["f"].items()})

    return dec(head["tree"])


def send(conn, kind: str, body: Any = None) -> None:
    """Send one ``(kind, body)`` message on a ``multiprocessing`` connection."""
    conn.send_bytes(encode({"kind": kind, "body": body}))


def recv(conn) -> tuple[str, Any]:
    """The next ``(kind, body)`` message from a connection (``ValueError`` when it is malformed)."""
    msg = decode(conn.recv_bytes())
    return msg["kind"], msg["body"]
