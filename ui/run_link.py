"""The Forecast page's shareable link: the run (data, model settings, horizon) as query parameters and back.

Pure functions (no streamlit): the page hands ``encode_run``'s dict to ``st.query_params`` and reads a link back
in two steps, as it needs the series before it knows some ranges: ``read_data`` (which series) and
``read_settings`` (model settings and horizon, against the ranges the page allows). Neither raises for a bad
value: a value that is malformed or out of range becomes a ``LinkProblem`` naming the parameter and the range,
and the page uses its own default instead and says so; a link never runs something other than what it says.
Only a link naming no known data (``src``, ``ds``, ``gen``) raises ``DataError``: there is nothing to load.

``decode_run`` is the strict reading, for callers that want an error: the first problem raises ``DataError``
(a data parameter) or ``CoreError`` (a model setting).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import budgets
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
GSEED_RANGE = (0, budgets.SEED)  # the synthetic generator's seed
_SHOWN = 40  # characters of a bad value quoted back in a message


@dataclass(frozen=True)
class SharedRun:
    """What a shareable link reproduces: the data (bundled id or synthetic generator), model settings, horizon."""

    source: str  # "bundled" | "synthetic"
    ref: dict  # {"id": ...} or {"generator": ..., "params": {...}, "seed": ...}
    settings: dict = field(default_factory=dict)  # ForecastConfig field -> value
    horizon: int | None = None


@dataclass(frozen=True)
class LinkProblem:
    """A link value that cannot be used as written: the page uses ``default`` instead and says why."""

    param: str  # the query parameter as written in the link ("hid", "gp_period", "h")
    target: str  # what it sets: a ForecastConfig field, "horizon", a generator parameter or "gseed"
    value: str  # the value as written (clipped to a few dozen characters)
    low: Any = None  # the range allowed, for a number
    high: Any = None
    choices: tuple[str, ...] = ()  # the values allowed, for a choice
    default: Any = None  # what the page uses instead (filled by the page when it depends on the series)


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


def _clip(text: Any) -> str:
    text = str(text).strip()
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _parse(text: str, kind: type) -> Any:
    """``text`` as a ``kind`` (int accepts ``1e3`` but not ``2.5``; float must be finite); None if it is not one."""
    text = str(text).strip()
    if kind is bool:
        return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(text.lower())
    if kind is str:
        return text
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if kind is int:
        return int(value) if value.is_integer() else None
    return value


def _read(param: str, target: str, text: str, kind: type, allowed: tuple | None,
          default: Any = None) -> tuple[Any, LinkProblem | None]:
    """(value, None) when ``text`` is a ``kind`` within ``allowed`` ((low, high), or the choices of a str), else
    (None, the problem). ``allowed`` None: only the type is checked."""
    value = _parse(text, kind)
    if kind is bool:
        problem = LinkProblem(param, target, _clip(text), choices=("0", "1"), default=default)
        return (value, None) if value is not None else (None, problem)
    if kind is str:
        choices = tuple(allowed or ())
        if choices and value not in choices:
            return None, LinkProblem(param, target, _clip(text), choices=choices, default=default)
        return value, None
    low, high = allowed if allowed is not None else (None, None)
    if value is None or (allowed is not None and not low <= value <= high):
        return None, LinkProblem(param, target, _clip(text), low, high, default=default)
    return value, None


def read_data(query: Mapping[str, str]) -> tuple[str, dict, list[LinkProblem]] | None:
    """(source, ref, problems) of the data a link names, or None when it names none.

    A synthetic generator's parameters are checked against their sliders' ranges and the seed against
    ``GSEED_RANGE``; a bad one takes its default (and is a problem). An unknown source, dataset or generator
    raises ``DataError``."""
    source = query.get("src")
    if not source:
        return None
    if source == "bundled":
        import datasets

        ds = str(query.get("ds", ""))
        if ds not in {item.id for item in datasets.catalog()}:
            raise DataError("errors.data.unknown_dataset", id=_clip(ds))
        return source, {"id": ds}, []
    if source != "synthetic":
        raise DataError("errors.data.bad_parameter", name="src", value=_clip(source))
    from datasets import synthetic

    gen = str(query.get("gen", ""))
    spec = synthetic.GENERATORS.get(gen)
    if spec is None:
        raise DataError("errors.data.unknown_generator", name=_clip(gen))
    problems: list[LinkProblem] = []
    params = {}
    for p in spec.params:
        kind = int if p.kind == "int" else float
        text = query.get(PARAM_PREFIX + p.name)
        value, problem = (None, None) if text is None else _read(
            PARAM_PREFIX + p.name, p.name, text, kind, (kind(p.min), kind(p.max)), kind(p.default))
        params[p.name] = kind(p.default) if value is None else value
        problems += [problem] if problem else []
    seed, problem = _read("gseed", "gseed", query.get("gseed", "0"), int, GSEED_RANGE, 0)
    problems += [problem] if problem else []
    return source, {"generator": gen, "params": params, "seed": 0 if seed is None else seed}, problems


def read_settings(query: Mapping[str, str], ranges: Mapping[str, tuple] | None = None
                  ) -> tuple[dict, int | None, list[LinkProblem]]:
    """(settings, horizon, problems): the model settings and horizon a link carries, each checked against
    ``ranges`` (ForecastConfig field or ``"horizon"`` -> (low, high), or the choices of ``cell``). A value
    that is malformed or outside its range is left out (the page then uses its default) and is a problem."""
    ranges = ranges or {}
    settings: dict[str, Any] = {}
    problems: list[LinkProblem] = []
    for qname, (fname, kind) in LINK_FIELDS.items():
        if qname in query:
            value, problem = _read(qname, fname, query[qname], kind, ranges.get(fname))
            if problem is None:
                settings[fname] = value
            else:
                problems.append(problem)
    horizon = None
    if "h" in query:
        horizon, problem = _read("h", "horizon", query["h"], int, ranges.get("horizon", (1, budgets.HORIZON)))
        problems += [problem] if problem else []
    return settings, horizon, problems


def decode_run(query: Mapping[str, str]) -> SharedRun | None:
    """The ``SharedRun`` in a page's query parameters, or None when the URL carries none (strict: see above).

    Unknown datasets / generators and bad generator parameters raise ``DataError``; a badly typed model setting
    raises ``CoreError`` (``errors.engine.bad_config``). Model-setting ranges are left to ``ForecastConfig``."""
    data = read_data(query)
    if data is None:
        return None
    source, ref, problems = data
    settings, horizon, setting_problems = read_settings(query)
    if problems:
        raise DataError("errors.data.bad_parameter", name=problems[0].param, value=problems[0].value)
    if setting_problems:
        raise CoreError("errors.engine.bad_config", field=setting_problems[0].target, value=setting_problems[0].value)
    return SharedRun(source=source, ref=ref, settings=settings, horizon=horizon)
