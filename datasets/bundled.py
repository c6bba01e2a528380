"""The bundled real series: catalog, metadata, loading, and calendar helpers shared with uploads.

The catalog lives in ``catalog.toml`` next to the CSVs in ``data/`` (two columns, ``date,value``) so that adding a
series is a data change, not a code change.
"""

from __future__ import annotations

import functools
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from datasets.errors import DataError

DATA_DIR = Path(__file__).parent / "data"
CATALOG_FILE = Path(__file__).parent / "catalog.toml"


@dataclass(frozen=True)
class SeriesInfo:
    """Metadata of one bundled series; texts are ``{"pt-BR": ..., "en": ...}``."""

    id: str
    name: dict[str, str]
    description: dict[str, str]
    frequency: str  # pandas offset alias: "MS", "QS", "YS", "W-SAT", "D", "h"
    season_length: int
    unit: dict[str, str]
    source: str
    licence: dict[str, str]
    url_or_package: str
    file: str


@functools.cache
def _catalog() -> tuple[SeriesInfo, ...]:
    with CATALOG_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    return tuple(SeriesInfo(**entry) for entry in raw["series"])


def catalog() -> list[SeriesInfo]:
    """Every bundled series, in the catalog file's (stable) order."""
    return list(_catalog())


def info(id: str) -> SeriesInfo:
    """Metadata of the series ``id``; ``DataError("errors.data.unknown_dataset")`` if there is none."""
    for entry in _catalog():
        if entry.id == id:
            return entry
    raise DataError("errors.data.unknown_dataset", id=id)


@functools.cache
def _load(id: str) -> pd.Series:
    meta = info(id)
    frame = pd.read_csv(DATA_DIR / meta.file)
    index = pd.DatetimeIndex(pd.to_datetime(frame["date"], format="ISO8601"), freq=meta.frequency, name="date")
    return pd.Series(frame["value"].to_numpy(dtype=np.float64), index=index, name=id)


def load(id: str) -> pd.Series:
    """The series ``id`` as float64 with a ``DatetimeIndex`` whose ``.freq`` is the catalog frequency (a copy)."""
    return _load(id).copy()


_SEASON_BY_BASE = {
    "MS": 12, "ME": 12, "M": 12, "BMS": 12, "BME": 12, "SMS": 24, "SME": 24,
    "QS": 4, "QE": 4, "Q": 4, "BQS": 4, "BQE": 4,
    "YS": 1, "YE": 1, "Y": 1, "A": 1, "AS": 1, "BYS": 1, "BYE": 1,
    "W": 52, "D": 7, "B": 5, "C": 5, "bh": 8, "BH": 8,
}


_LEGACY_ALIASES = {"H": "h", "T": "min", "S": "s", "A": "YE", "AS": "YS", "M": "ME", "Q": "QE", "Y": "YE"}


def season_length_for(freq: str | None) -> int:
    """The usual season of a frequency, in steps: a year of months (12) or quarters (4), a year of weeks (52), a
    week of days (7) or business days (5), and a day for anything shorter than a day (``h`` -> 24, ``15min`` -> 96).
    Multiples divide the season when that is whole (``2MS`` -> 6). 1 (no season) for years, unknown aliases and
    ``None``."""
    if not freq:
        return 1
    text = str(freq).strip()
    text = _LEGACY_ALIASES.get(text, text)
    try:
        with warnings.catch_warnings():  # pandas warns about deprecated spellings before it decides
            warnings.simplefilter("ignore")
            offset = pd.tseries.frequencies.to_offset(text)
    except (ValueError, TypeError):
        return 1
    if isinstance(offset, pd.tseries.offsets.Tick) and offset.nanos < 86400 * 10**9:
        return max(int(round(86400 * 10**9 / offset.nanos)), 1)
    name = str(getattr(offset, "rule_code", None) or offset.name).split("-")[0]
    season = _SEASON_BY_BASE.get(name, 1)
    mult = int(offset.n)
    if mult > 1:
        season = season // mult if season % mult == 0 else 1
    return max(int(season), 1)


def check_length(n_points: int, window: int, horizon: int) -> None:
    """Raise ``errors.data.too_short`` unless the series can give at least one training pair.

    A pair needs ``window`` inputs followed by ``horizon`` targets, so ``needed = window + horizon``."""
    needed = int(window) + int(horizon)
    if int(n_points) < needed:
        raise DataError("errors.data.too_short", n=int(n_points), needed=needed)


def future_index(index: pd.Index, horizon: int, freq: str | None = None) -> pd.Index:
    """The ``horizon`` labels after the end of ``index``, continuing its own calendar.

    A ``DatetimeIndex`` continues with ``freq`` (or its own ``.freq``, or an inferred one): month starts stay month
    starts, business days skip weekends. A ``RangeIndex`` (or any integer index) continues in integer steps."""
    horizon = int(horizon)
    if horizon < 0:
        raise DataError("errors.data.bad_horizon", horizon=horizon)
    if isinstance(index, pd.DatetimeIndex):
        offset = freq or index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if offset is None:
            raise DataError("errors.data.unknown_frequency")
        offset = pd.tseries.frequencies.to_offset(offset)
        if len(index) == 0:
            raise DataError("errors.data.empty_file")
        start = index[-1] + offset
        return pd.date_range(start=start, periods=horizon, freq=offset, name=index.name)
    if len(index) == 0:
        return pd.RangeIndex(0, horizon)
    values = np.asarray(index)
    if not np.issubdtype(values.dtype, np.integer):
        raise DataError("errors.data.unknown_frequency")
    step = int(index.step) if isinstance(index, pd.RangeIndex) else (int(values[-1] - values[-2]) if len(values) > 1
                                                                      else 1)
    step = step or 1
    last = int(values[-1])
    return pd.RangeIndex(last + step, last + step * (horizon + 1), step, name=index.name)
