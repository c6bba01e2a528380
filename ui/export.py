"""Downloads and shareable links of the Forecast page: CSV, model file, config JSON, and the URL's run config.

Pure functions (no streamlit): the page calls them and hands the bytes to ``st.download_button`` or the dict to
``st.query_params``.

CSV safety: a spreadsheet treats a TEXT cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage
return) as a formula, so such text is prefixed with an apostrophe. Numbers are written as numbers, never
as text: a negative forecast ``-3.5`` must stay the number −3.5, so only text cells are neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from datasets import DataError
from lstm_core.errors import CoreError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- CSV -------------------------------------------------------------------------------------------------
def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading ``'``; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_text(value: Any) -> str:
    """How one cell is written: numbers in plain ``repr``-like form (``-3.5``, ``1e-07``), text neutralised."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        return "" if not math.isfinite(v) else f"{v:.10g}"
    if value is None:
        return ""
    return neutralise_cell(str(value))


def date_labels(index: pd.Index | Sequence) -> list:
    """Labels of a future index for the CSV: ISO dates (with the time when it is not midnight), integers as ints."""
    if isinstance(index, pd.DatetimeIndex):
        normal = bool((index == index.normalize()).all())
        return list(index.strftime("%Y-%m-%d" if normal else "%Y-%m-%d %H:%M:%S"))
    values = list(index)
    return [int(v) if isinstance(v, int | np.integer) else v for v in values]


def forecast_rows(index: pd.Index | Sequence, mean: np.ndarray, lower: Mapping[int, np.ndarray],
                  upper: Mapping[int, np.ndarray]) -> tuple[list[str], list[list]]:
    """Header and rows ``date, forecast, lower_80, upper_80, lower_95, upper_95`` (levels ascending)."""
    labels = date_labels(index)
    mean = np.asarray(mean, dtype=float)
    if len(labels) != mean.shape[0]:
        raise ValueError(f"{len(labels)} dates for {mean.shape[0]} forecasts")
    header = ["date", "forecast"]
    cols = [mean]
    for level in sorted(lower):
        header += [f"lower_{level}", f"upper_{level}"]
        cols += [np.asarray(lower[level], dtype=float), np.asarray(upper[level], dtype=float)]
    rows = [[labels[i], *(float(c[i]) for c in cols)] for i in range(mean.shape[0])]
    return header, rows


def to_csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 CSV of ``header`` + ``rows``: numbers as numbers, text cells neutralised (see the module docstring)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([_cell_text(h) for h in header])
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return buf.getvalue().encode("utf-8")


def forecast_csv(index: pd.Index | Sequence, forecast: Any) -> bytes:
    """The forecast (an ``lstm_core.Forecast``) on its future dates as safe CSV bytes."""
    header, rows = forecast_rows(index, forecast.mean, forecast.lower, forecast.upper)
    return to_csv_bytes(header, rows)


# --- model and config files ------------------------------------------------------------------------------
def model_bytes(forecaster: Any) -> bytes:
    """``Forecaster.save`` into memory: the ``.npz`` the download button offers (no pickle inside)."""
    buf = io.BytesIO()
    forecaster.save(buf)
    return buf.getvalue()


def load_model(data: bytes, n_points: int) -> Any:
    """A ``Forecaster`` from uploaded bytes, checked, and usable on a series of ``n_points`` values.

    ``Forecaster.load`` refuses pickles, foreign files, wrong shapes and bad configs (``CoreError`` with
    ``errors.engine.bad_model_file`` / ``errors.core.bad_model_file`` / ``errors.engine.bad_config``); the
    series must also hold at least one input window.
    """
    from lstm_core.forecast import Forecaster

    fc = Forecaster.load(bytes(data))
    if n_points < fc.config.window:
        raise CoreError("errors.engine.too_short", n=int(n_points), needed=int(fc.config.window))
    return fc


def config_json(config: Any, source: Mapping[str, Any] | None = None) -> bytes:
    """The run's configuration as pretty JSON bytes: the ``ForecastConfig`` and where the data came from."""
    payload = {"format": "lstm-lab-forecast-config", "version": 1, "config": config.to_dict()}
    if source is not None:
        payload["data"] = dict(source)
    return json.dumps(payload, indent=2, sort_keys=True, default=str).encode("utf-8")


# --- shareable link --------------------------------------------------------------------------------------
# The model settings a link carries: query name -> (ForecastConfig field, type).
LINK_FIELDS: dict[str, tuple[str, type]] = {
    "cell": ("cell", str),
    "bi": ("bidirectional", bool),
    "hid": ("hidden_size", int),
    "lay": ("num_layers", int),
    "win": ("window", int),
    "ep": ("epochs", int),
    "lr": ("learning_rate", float),
    "ens": ("ensemble", int),
    "seed": ("seed", int),
}
LINK_KEYS: tuple[str, ...] = ("src", "ds", "gen", "gseed", "h", *LINK_FIELDS)
PARAM_PREFIX = "gp_"  # one query key per synthetic-generator parameter: gp_<name>


@dataclass(frozen=True)
class SharedRun:
    """What a shareable link reproduces: the data (bundled id or synthetic generator), model settings, horizon."""

    source: str  # "bundled" | "synthetic"
    ref: dict  # {"id": ...} or {"generator": ..., "params": {...}, "seed": ...}
    settings: dict = field(default_factory=dict)  # ForecastConfig field -> value
    horizon: int | None = None


def _num_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def encode_run(run: SharedRun) -> dict[str, str]:
    """Query parameters (all strings) for ``run``; ``decode_run`` gives it back."""
    out: dict[str, str] = {"src": run.source}
    if run.source == "bundled":
        out["ds"] = str(run.ref["id"])
    elif run.source == "synthetic":
        out["gen"] = str(run.ref["generator"])
        out["gseed"] = str(int(run.ref.get("seed", 0)))
        for name, value in sorted(run.ref.get("params", {}).items()):
            out[PARAM_PREFIX + name] = _num_text(value)
    else:
        raise ValueError(f"source {run.source!r} cannot be shared")
    if run.horizon is not None:
        out["h"] = str(int(run.horizon))
    by_field = {f: q for q, (f, _) in LINK_FIELDS.items()}
    for name, value in run.settings.items():
        if name in by_field:
            out[by_field[name]] = _num_text(value)
    return out


def is_link_key(name: str) -> bool:
    """True for the query parameters ``encode_run`` writes (so a page can clear them)."""
    return name in LINK_KEYS or name.startswith(PARAM_PREFIX)


def _parse(name: str, text: str, kind: type) -> Any:
    text = str(text).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes"):
                return True
            if text.lower() in ("0", "false", "no"):
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError(text)
            return value
        return text
    except ValueError:
        raise CoreError("errors.engine.bad_config", field=name, value=text) from None


def decode_run(query: Mapping[str, str]) -> SharedRun | None:
    """The ``SharedRun`` in a page's query parameters, or None when the URL carries none.

    Unknown datasets / generators raise ``DataError``; a badly typed model setting raises ``CoreError``
    (``errors.engine.bad_config``). Ranges are checked later by ``ForecastConfig.validate`` and the generator.
    """
    source = query.get("src")
    if not source:
        return None
    if source == "bundled":
        import datasets

        ds = str(query.get("ds", ""))
        if ds not in {item.id for item in datasets.catalog()}:
            raise DataError("errors.data.unknown_dataset", id=ds)
        ref: dict = {"id": ds}
    elif source == "synthetic":
        from datasets import synthetic

        gen = str(query.get("gen", ""))
        spec = synthetic.GENERATORS.get(gen)
        if spec is None:
            raise DataError("errors.data.unknown_generator", name=gen)
        params = {}
        for p in spec.params:
            text = query.get(PARAM_PREFIX + p.name)
            if text is None:
                params[p.name] = p.default
                continue
            try:
                value = float(text)
            except ValueError:
                raise DataError("errors.data.bad_parameter", name=p.name, value=str(text)) from None
            params[p.name] = int(value) if p.kind == "int" else value
        ref = {"generator": gen, "params": params, "seed": int(_parse("gseed", query.get("gseed", "0"), int))}
    else:
        raise DataError("errors.data.bad_parameter", name="src", value=str(source))
    settings = {}
    for qname, (fname, kind) in LINK_FIELDS.items():
        if qname in query:
            settings[fname] = _parse(fname, query[qname], kind)
    horizon = _parse("horizon", query["h"], int) if "h" in query else None
    return SharedRun(source=source, ref=ref, settings=settings, horizon=horizon)


# The page shows this snippet: member 0 of a downloaded model in PyTorch (names, shapes and gate order match).
TORCH_SNIPPET = '''import json, numpy as np, torch

npz = np.load("lstm_lab_model.npz", allow_pickle=False)   # no pickle needed
meta = json.loads(str(npz["__config__"]))
cfg = meta["config"]
Net = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cfg["cell"]]
net = Net(1, cfg["hidden_size"], num_layers=cfg["num_layers"], bidirectional=cfg["bidirectional"], batch_first=True)
net.load_state_dict({k[len("m0.net."):]: torch.from_numpy(npz[k]) for k in npz.files if k.startswith("m0.net.")})
D = 2 if cfg["bidirectional"] else 1
head = torch.nn.Linear(D * cfg["hidden_size"], npz["m0.head.weight"].shape[0])
head.load_state_dict({"weight": torch.from_numpy(npz["m0.head.weight"]), "bias": torch.from_numpy(npz["m0.head.bias"])})
# inputs are scaled as in meta["scaler"]: x' = (x - anchor) / scale, anchor = the window's last value ("last")
'''
