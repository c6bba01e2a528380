"""Budgets (#18): one table of limits, read where the work happens, and cheap checks before expensive work.

Each refusal is a translated message naming its limit. The ingestion cases were measured before the checks: a
380 KB file of 95,000 columns and one row cost 315 s of CPU; a single line over 400,000 characters said "empty
file"; month names in the 1600s or in 2262 crashed with OutOfBoundsDatetime. The command line's own cases
(devices, pipes, huge horizons, warnings) are in ``tests/test_cli_hostile.py``.
"""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

import budgets
import datasets
from datasets import DataError
from datasets.ingest import source
from locales import translate
from lstm_core import io as model_io
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig

LANGS = ("en", "pt-BR")


def _refusal(blob, **kwargs) -> DataError:
    with pytest.raises(DataError) as err:
        datasets.read_table(blob, **kwargs)
    return err.value


def _names_limit(exc, limit) -> None:
    for lang in LANGS:
        text = translate(lang, exc.key, **exc.params)
        assert "⟦" not in text and "{" not in text and str(limit) in text, text


# --- the table ------------------------------------------------------------------------------------------------
def test_one_table_read_by_every_layer():
    assert budgets.TABLE["UPLOAD_BYTES"] == datasets.ingest.MAX_BYTES == source.MAX_BYTES
    assert model_io.MAX_LOADED_BYTES == budgets.MODEL_FILE_BYTES and model_io.MAX_MEMBERS == budgets.MODEL_FILE_ARRAYS
    assert all(isinstance(v, int) and v > 0 for v in budgets.TABLE.values())
    # the Forecast page's largest network is the budget: everything it offers is allowed, nothing more
    from ui.forecasting import SETTING_RANGES

    biggest = SETTING_RANGES["hidden_size"][1] * SETTING_RANGES["num_layers"][1] * 2 * SETTING_RANGES["ensemble"][1]
    assert biggest == budgets.NETWORK_UNITS
    assert SETTING_RANGES["epochs"][1] == budgets.EPOCHS


# --- ForecastConfig.validate: every count has a ceiling ------------------------------------------------------
@pytest.mark.parametrize("field,limit", [("epochs", budgets.EPOCHS), ("window", budgets.WINDOW),
                                         ("horizon", budgets.HORIZON), ("hidden_size", budgets.HIDDEN),
                                         ("num_layers", budgets.LAYERS), ("ensemble", budgets.ENSEMBLE),
                                         ("seed", budgets.SEED)])
def test_config_refuses_over_the_ceiling_and_names_it(field, limit):
    ok = dataclasses.replace(ForecastConfig(hidden_size=1), **{field: limit}).validate()
    assert getattr(ok, field) == limit
    with pytest.raises(CoreError) as err:
        dataclasses.replace(ForecastConfig(hidden_size=1), **{field: limit + 1}).validate()
    assert err.value.key == "errors.engine.over_limit" and err.value.params["field"] == field
    _names_limit(err.value, limit)


def test_the_link_attack_network_is_refused_by_its_product():
    # hid=1024&lay=8&ens=16&bi=1: each within its own ceiling, 262,144 together (a worker at 4.6 GB)
    cfg = ForecastConfig(hidden_size=1024, num_layers=8, ensemble=16, bidirectional=True)
    with pytest.raises(CoreError) as err:
        cfg.validate()
    assert err.value.key == "errors.engine.network_too_big" and err.value.params["units"] == 262_144
    _names_limit(err.value, budgets.NETWORK_UNITS)
    ForecastConfig(hidden_size=256, num_layers=4, ensemble=8, bidirectional=True).validate()  # the page's largest


def test_auto_config_with_a_huge_epoch_override_is_refused():
    with pytest.raises(CoreError) as err:
        ForecastConfig.auto(200, 12, epochs=10**9)
    assert err.value.key == "errors.engine.over_limit"


# --- ingestion: cheap checks before expensive work ------------------------------------------------------------
def test_95k_columns_are_refused_at_once():
    row = ",".join("1" for _ in range(95_000))
    blob = ("1," * 94_999 + "1\n" + row + "\n").encode()  # the 380 KB file of the issue (315 s before)
    t0 = time.perf_counter()
    exc = _refusal(blob)
    assert time.perf_counter() - t0 < 0.5
    assert exc.key == "errors.data.too_many_columns" and exc.params["n"] == 95_000
    _names_limit(exc, budgets.COLUMNS)
    empty_cells = ("," * 94_999 + "\n") * 2  # short enough per line, still 95,000 columns
    t0 = time.perf_counter()
    assert _refusal(empty_cells.encode()).key == "errors.data.too_many_columns"
    assert time.perf_counter() - t0 < 0.5


def test_columns_over_the_limit_are_counted_before_any_is_parsed(monkeypatch):
    from datasets.ingest import frames

    def never(*a, **kw):
        raise AssertionError("a cell was parsed")

    monkeypatch.setattr(frames, "_read_frame", never)
    n = budgets.COLUMNS + 1
    blob = (",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" for _ in range(n)) + "\n").encode()
    assert _refusal(blob).key == "errors.data.too_many_columns"


def test_a_single_long_line_has_its_own_message():
    for blob, line in ((b"1" * 500_000, 1), (b"date,value\n2020-01-01,1\n" + b"x" * 150_000 + b"\n", 3)):
        exc = _refusal(blob)
        assert exc.key == "errors.data.line_too_long" and exc.params["line"] == line  # was "empty file"
        _names_limit(exc, budgets.LINE_CHARS)


def test_rows_and_cells_over_the_limit_are_refused_before_parsing():
    rows = b"v\n" + b"1\n" * (budgets.ROWS + 1)
    exc = _refusal(rows, max_bytes=4 * budgets.ROWS)
    assert exc.key == "errors.data.too_many_rows"
    _names_limit(exc, budgets.ROWS)
    wide = b"a,b,c,d,e,f,g,h,i,j,k\n" + b"1,2,3,4,5,6,7,8,9,1,2\n" * (budgets.CELLS // 11 + 1)
    exc = _refusal(wide, max_bytes=40 * budgets.ROWS)
    assert exc.key == "errors.data.too_many_cells"
    _names_limit(exc, budgets.CELLS)


@pytest.mark.parametrize("first", ["1600-01-01", "2258-01-01"])
def test_dates_outside_the_calendar_are_a_warning_not_a_silent_drop(first):
    import pandas as pd

    months = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
    idx = pd.date_range(first, periods=60, freq="MS", unit="s")
    named = "mes;valor\n" + "".join(f"{months[d.month - 1]}/{d.year};{i}\n" for i, d in enumerate(idx))
    iso = "date,value\n" + "".join(f"{d:%Y-%m-%d},{i}\n" for i, d in enumerate(idx))
    for text in (named, iso):  # month names crashed with OutOfBoundsDatetime; ISO dates went silently
        res = datasets.read_table(text)
        if first.startswith("2258"):  # 2258-01 .. 2262-12 runs past the last year
            assert idx[-1].year > budgets.LAST_YEAR
        warned = [w for w in res.warnings if w.key == "warnings.data.dates_out_of_range"]
        assert len(warned) == 1 and isinstance(res.series.index, pd.RangeIndex) and len(res.series) == 60
        assert res.detected.date_column is None
        for lang in LANGS:
            text_shown = translate(lang, warned[0].key, **warned[0].params)
            assert str(budgets.FIRST_YEAR) in text_shown and str(budgets.LAST_YEAR) in text_shown


def test_dates_inside_the_calendar_keep_it():
    res = datasets.read_table("mes;valor\n" + "".join(f"jan/{1700 + i};{i}\n" for i in range(30)))
    assert res.detected.frequency is not None and not any("out_of_range" in w.key for w in res.warnings)


# --- ingestion: a path is read only when it is a regular file, and never beyond the limit ---------------------
def test_devices_pipes_and_folders_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo), str(tmp_path)):
        t0 = time.perf_counter()
        exc = _refusal(path)
        assert exc.key == "errors.data.not_a_file" and time.perf_counter() - t0 < 1.0  # a pipe used to hang
        for lang in LANGS:
            assert path in translate(lang, exc.key, **exc.params)


def test_a_file_is_read_at_most_one_byte_past_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "grows.csv"
    path.write_bytes(b"date,value\n" + b"2024-01-01,1.5\n" * 10_000)  # 150 kB
    real_stat, real_fdopen = os.stat, os.fdopen
    asked: list[int] = []

    def stat_says_empty(p, *a, **kw):  # a file that grows after its size was read (or /proc, which says 0)
        got = real_stat(p, *a, **kw)
        return os.stat_result((got.st_mode, *got[1:6], 0, *got[7:]))

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def fileno(self):
            return self.fh.fileno()

        def read(self, n=-1):
            asked.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(source.os, "stat", stat_says_empty)
    monkeypatch.setattr(source.os, "fdopen", lambda fd, mode: Spy(real_fdopen(fd, mode)))
    exc = _refusal(str(path), max_bytes=1000)
    assert exc.key == "errors.data.too_big" and asked == [1001]
