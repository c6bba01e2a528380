"""Downloads of the Forecast page: the forecast CSV, the model file and the config JSON (the shareable link is
``ui.run_link``).

Pure functions (no streamlit): the page calls them and hands the bytes to ``st.download_button`` or the dict to
``st.query_params``.

Two CSV formats. ``forecast_csv`` is for programs (the default): comma separator, dot decimal, ISO dates,
English header, UTF-8. ``locale_forecast_csv`` is for a spreadsheet in the user's language, following
``LOCALE_CSV``: pt-BR ``;`` separator, decimal comma (numbers through ``locales.format_number``), dd/mm/aaaa
dates and a Portuguese header; en the comma, the dot and the ISO dates the app shows in English, with a
readable header. Both have no thousands separator (a spreadsheet would have to guess it) and the locale one
starts with a byte-order mark, so Excel reads its accents as UTF-8.

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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from locales import format_number, translate
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


@dataclass(frozen=True)
class CsvStyle:
    """How a spreadsheet in one language expects a CSV: separator and date formats (decimal mark: the
    language's own, from ``locales.format_number``)."""

    delimiter: str
    date: str  # strftime of a date at midnight
    datetime: str  # strftime of a date with a time of day


LOCALE_CSV: dict[str, CsvStyle] = {
    "pt-BR": CsvStyle(";", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"),
    "en": CsvStyle(",", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
}
SIGNIFICANT = 8  # digits kept of the largest value in the locale CSV (every number gets the same decimals)


def locale_decimals(values: np.ndarray) -> int:
    """Decimals that keep ``SIGNIFICANT`` digits of the largest finite |value| (0 to 10), the same for every cell."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return 2
    return int(min(10, max(0, SIGNIFICANT - 1 - math.floor(math.log10(float(v.max()))))))


def locale_number(value: float, decimals: int, lang: str) -> str:
    """``value`` with ``lang``'s decimal mark and no thousands separator (``-1234,5`` in pt-BR); NaN is empty."""
    if not math.isfinite(float(value)):
        return ""
    group = format_number(1000, 0, lang)[1]  # the separator format_number puts between thousands
    return format_number(float(value), decimals, lang).replace(group, "")


def locale_date_labels(index: pd.Index | Sequence, lang: str) -> list:
    """Dates written as ``lang``'s spreadsheets expect (``LOCALE_CSV``); integer steps stay integers."""
    style = LOCALE_CSV.get(lang, LOCALE_CSV["en"])
    if isinstance(index, pd.DatetimeIndex):
        normal = bool((index == index.normalize()).all())
        return list(index.strftime(style.date if normal else style.datetime))
    return date_labels(index)


def locale_forecast_csv(index: pd.Index | Sequence, forecast: Any, lang: str) -> bytes:
    """The forecast as a CSV for a spreadsheet in ``lang`` (see the module docstring); same rows and columns
    as ``forecast_csv``, header translated."""
    style = LOCALE_CSV.get(lang, LOCALE_CSV["en"])
    header, rows = forecast_rows(index, forecast.mean, forecast.lower, forecast.upper)
    dated = isinstance(index, pd.DatetimeIndex)
    names = [translate(lang, "forecast.csv.date" if dated else "forecast.csv.step"),
             translate(lang, "forecast.csv.forecast")]
    for name in header[2:]:
        side, level = name.split("_")
        names.append(translate(lang, f"forecast.csv.{side}", level=level))
    labels = locale_date_labels(index, lang)
    numbers = np.array([row[1:] for row in rows], dtype=float)
    decimals = locale_decimals(numbers)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in names])
    for label, row in zip(labels, numbers):
        # numbers are written as formatted numbers (a "-3,5" is the number −3.5, not text to neutralise)
        writer.writerow([_cell_text(label), *(locale_number(v, decimals, lang) for v in row)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


CSV_FORMATS = ("machine", "locale")  # the forecast CSV for programs (the default) or for a spreadsheet in ``lang``


def forecast_download(index: pd.Index | Sequence, forecast: Any, fmt: str, lang: str) -> tuple[bytes, str]:
    """The forecast CSV in format ``fmt`` (``CSV_FORMATS``) and its file name."""
    if fmt == "locale":
        return locale_forecast_csv(index, forecast, lang), translate(lang, "forecast.csv.file")
    return forecast_csv(index, forecast), "forecast.csv"


# --- model and config files ------------------------------------------------------------------------------
SERIES_ARRAY = "series"  # the array of a model file that holds the training series (``Forecaster.save``)


def model_bytes(forecaster: Any, with_series: bool = True) -> bytes:
    """``Forecaster.save`` into memory: the ``.npz`` the download button offers (no pickle inside).

    ``with_series=False``: the file keeps only the last ``kept_points`` values of the training series (the input
    of its first forecast, so the file still loads and forecasts on its own; the app forecasts from the series
    loaded at the time anyway). Everything else is what ``Forecaster.save`` writes. The result is loaded back
    before it is returned, so a file this gives always opens; a ``CoreError`` when it cannot be made.
    """
    from lstm_core.forecast import Forecaster
    from lstm_core.io import load_arrays, save_arrays

    buf = io.BytesIO()
    forecaster.save(buf)
    if with_series:
        return buf.getvalue()
    arrays, meta = load_arrays(buf.getvalue())
    series = np.asarray(arrays.get(SERIES_ARRAY, ()))
    if series.ndim != 1 or series.size < int(forecaster.config.window):
        raise CoreError("errors.engine.bad_model_file", reason=SERIES_ARRAY)
    keep = kept_points(forecaster.config, series.size)
    arrays[SERIES_ARRAY] = series[-keep:]
    if "split" in meta:  # the split of the full series no longer fits in the kept part
        meta["split"] = [min(int(s), keep) for s in meta["split"]]
    meta["series_kept"] = keep
    out = io.BytesIO()
    save_arrays(out, arrays, meta)
    Forecaster.load(out.getvalue())  # raises CoreError if the file would not open
    return out.getvalue()


def model_download(forecaster: Any, with_series: bool = True) -> tuple[bytes, list[tuple[str, dict]]]:
    """The model file the page offers and the sentences (catalog key, parameters) to show beside it: what of
    the series it carries. A model that cannot be saved without its series is saved whole, and says so."""
    notes: list[tuple[str, dict]] = []
    try:
        data = model_bytes(forecaster, with_series)
    except CoreError:
        data, with_series = model_bytes(forecaster), True
        notes.append(("forecast.model_file.cannot_strip", {}))
    notes.append(model_series_note(forecaster, with_series))
    return data, notes


def kept_points(config: Any, n: int) -> int:
    """Values a model file saved without its series keeps: one input window, plus the few that make the cut fall
    on a whole number of seasons, so a forecast from the kept part sees the season at the same phase as from
    the whole series (the seasonal indices belong to positions t mod m)."""
    window, m = int(config.window), max(1, int(getattr(config, "season_length", 1) or 1))
    return min(int(n), window + (int(n) - window) % m)


def series_in_model(forecaster: Any, with_series: bool = True) -> int:
    """How many values of its training series the model file ``model_bytes(forecaster, with_series)`` carries."""
    values = getattr(forecaster, "values", None)
    n = 0 if values is None else int(np.asarray(values).size)
    return n if with_series else kept_points(forecaster.config, n)


def model_series_note(forecaster: Any, with_series: bool = True) -> tuple[str, dict]:
    """Catalog key and parameters of the sentence saying what of the series that model file carries: all of it,
    or only the last values (a file saved without it, or one uploaded that way: at most a window and a season)."""
    n = series_in_model(forecaster, with_series)
    cfg = forecaster.config
    if n >= int(cfg.window) + max(1, int(getattr(cfg, "season_length", 1) or 1)):
        return "forecast.model_file.has_series", {"n": n}
    return "forecast.model_file.window_only", {"n": n}


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
# inputs as in training: z = log(y) when meta["transform"]["log"], minus its seasonal "indices" (z[t] -= s[t % m]),
# then x' = (z - anchor) / scale per meta["scaler"] ("season_mean": the anchor is the mean of the window's last
# season). m0 is the network trained with the end held out; the forecast's final networks are f0, f1, ... (same
# names after "f<k>."), with their own meta["final"]["transform"] and ["scaler"], and the forecast is their median.
'''
