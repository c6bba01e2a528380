"""The Forecast page's shareable link: the run (data, model settings, horizon) as query parameters and back.

Pure functions (no streamlit): the page hands ``encode_run``'s dict to ``st.query_params`` and reads a link with
``decode_run``. A bad value raises ``DataError``/``CoreError`` with a translated key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from datasets import DataError
from lstm_core.errors import CoreError

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
