"""The command line against hostile or careless input (#18): nothing is read without bound, nothing hangs, every
refusal is one translated line naming its limit, and what the reading changed is said in the chosen language."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

import budgets
import datasets
from locales import translate
from lstm_core import __main__ as cli
from tests.test_cli import ROOT

FAST = ["--epochs", "2", "--ensemble", "1", "--quiet"]


def _cli(capsys, *args: str, lang: str = "en") -> tuple[int, str, str]:
    code = cli.main([*args, "--lang", lang])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def monthly(tmp_path):
    path = tmp_path / "monthly.csv"
    t = np.arange(60)
    path.write_text("date,value\n" + "".join(f"{2000 + i // 12}-{i % 12 + 1:02d}-01,{100 + i + 5 * np.sin(i)}\n"
                                            for i in t))
    return path


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_a_device_is_refused_not_read_to_memory_error(capsys, lang):
    t0 = time.perf_counter()
    code, _, err = _cli(capsys, "forecast", "/dev/zero", *FAST, lang=lang)
    assert code == cli.EXIT_BAD_INPUT and time.perf_counter() - t0 < 5
    assert err.strip() == translate(lang, "errors.data.not_a_file", path="/dev/zero")


def test_a_pipe_is_refused_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "lstm_core", "forecast", str(fifo), *FAST, "--lang", "pt-BR"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)  # hung forever before
    assert res.returncode == cli.EXIT_BAD_INPUT
    assert res.stderr.strip() == translate("pt-BR", "errors.data.not_a_file", path=str(fifo))


@pytest.mark.parametrize("text", ["1e9", "1000000000", "0", "2.5"])
def test_a_huge_or_broken_horizon_names_the_horizon_limit(capsys, monthly, text):
    t0 = time.perf_counter()
    code, _, err = _cli(capsys, "forecast", str(monthly), "--horizon", text, *FAST)
    assert code == cli.EXIT_BAD_INPUT and time.perf_counter() - t0 < 5
    assert str(budgets.HORIZON) in err and "needs at least" not in err  # was "needs at least 100000 points"
    assert err.startswith(translate("en", "errors.engine.bad_horizon", value="", max=budgets.HORIZON)[:20])


def test_an_epoch_count_over_the_budget_is_refused_with_the_limit(capsys, monthly):
    code, _, err = _cli(capsys, "forecast", str(monthly), "--epochs", "1000000", "--quiet", lang="pt-BR")
    assert code == cli.EXIT_BAD_INPUT
    assert err.strip() == translate("pt-BR", "errors.engine.over_limit", field="epochs", value="1000000",
                                    max=budgets.EPOCHS)


def test_reading_warnings_are_printed_in_the_chosen_language(capsys, tmp_path):
    path = tmp_path / "mixed.csv"  # daily, then monthly: mixed frequencies, so no calendar
    days = [f"2020-01-{d:02d}" for d in range(1, 29)] + [f"2020-{m:02d}-01" for m in range(2, 13)]
    path.write_text("date,value\n" + "".join(f"{d},{i % 7 + 1}\n" for i, d in enumerate(days)))
    code, _, err = _cli(capsys, "forecast", str(path), "--horizon", "2", *FAST, lang="pt-BR")
    assert code == 0, err
    assert translate("pt-BR", "warnings.data.irregular_dates") in err.splitlines()


def test_dates_ending_near_2262_are_said_and_the_forecast_still_runs(capsys, tmp_path):
    months = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
    path = tmp_path / "near2262.csv"  # month names to April 2262: OutOfBoundsDatetime after the fit before
    rows = [(months[i % 12], 2200 + i // 12) for i in range(748)]
    path.write_text("mes;valor\n" + "".join(f"{m}/{y};{10 + i % 12},{i % 10}\n" for i, (m, y) in enumerate(rows)))
    code, out, err = _cli(capsys, "forecast", str(path), "--horizon", "3", *FAST, lang="pt-BR")
    assert code == 0, err
    warned = [line for line in err.splitlines() if str(budgets.LAST_YEAR) in line]
    assert warned and warned[0].startswith(translate("pt-BR", "warnings.data.dates_out_of_range")[:12])
    assert [r.split(",")[0] for r in out.splitlines()[1:]] == ["748", "749", "750"]


def test_a_calendar_that_cannot_go_on_is_a_translated_message_before_the_fit(capsys, monkeypatch, monthly):
    from pandas.errors import OutOfBoundsDatetime

    from lstm_core.forecast import Forecaster

    def overflow(index, horizon, freq=None):
        raise OutOfBoundsDatetime("Out of bounds nanosecond timestamp: 2262-05-01")

    def no_fit(*a, **kw):
        raise AssertionError("fitted before the calendar was checked")

    monkeypatch.setattr(datasets, "future_index", overflow)
    monkeypatch.setattr(Forecaster, "fit", no_fit)
    code, _, err = _cli(capsys, "forecast", str(monthly), *FAST, lang="pt-BR")
    assert code == cli.EXIT_BAD_INPUT
    assert err.strip() == translate("pt-BR", "errors.data.calendar_overflow", max=budgets.LAST_YEAR)
    assert "Algo deu errado" not in err
