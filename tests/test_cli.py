"""The command line, run in a subprocess on small generated files (few epochs, one ensemble member)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--epochs", "2", "--ensemble", "1", "--quiet"]


def run(*args, lang="en"):
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", *args, "--lang", lang],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "monthly.csv"
    t = np.arange(96)
    y = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    dates = [f"{2010 + i // 12}-{i % 12 + 1:02d}-01" for i in t]
    path.write_text("month;sales\n" + "".join(f"{d};{v:.3f}\n" for d, v in zip(dates, y)), encoding="utf-8")
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_forecast_continues_the_calendar(monthly, tmp_path):
    out = tmp_path / "fc.csv"
    res = run("forecast", str(monthly), "--horizon", "4", "--output", str(out), *FAST)
    assert res.returncode == 0, res.stderr
    rows = read_csv(out)
    assert rows[0] == ["date", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert [r[0] for r in rows[1:]] == ["2018-01-01", "2018-02-01", "2018-03-01", "2018-04-01"]
    vals = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    assert np.all(vals[:, 3] <= vals[:, 1]) and np.all(vals[:, 1] <= vals[:, 0])  # lower_95 ≤ lower_80 ≤ mean
    assert np.all(vals[:, 0] <= vals[:, 2]) and np.all(vals[:, 2] <= vals[:, 4])


def test_same_seed_same_output_and_custom_level(monthly):
    a = run("forecast", str(monthly), "--horizon", "3", "--seed", "5", "--level", "90", *FAST)
    b = run("forecast", str(monthly), "--horizon", "3", "--seed", "5", "--level", "90", *FAST)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert a.stdout.splitlines()[0] == "date,forecast,lower_90,upper_90"


def test_integer_steps_without_dates_and_other_cells(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("value\n" + "\n".join(str(np.sin(i / 3)) for i in range(80)) + "\n")
    res = run("forecast", str(path), "--horizon", "2", "--cell", "gru", "--bidirectional", *FAST)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [ln.split(",")[0] for ln in lines[1:]] == ["80", "81"]


def test_backtest_prints_a_table_against_the_baselines(monthly):
    res = run("backtest", str(monthly), "--horizon", "6", "--origins", "2", *FAST, lang="pt-BR")
    assert res.returncode == 0, res.stderr
    assert "ingênuo sazonal" in res.stdout and "MASE" in res.stdout and "rede LSTM" in res.stdout
    assert "ingênuo sazonal em" in res.stdout or "não supera" in res.stdout


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        ("", [], "empty"),
        ("date,value\n2020-01-01,1\n2020-02-01,2\n", [], "points"),
        (None, [], "could not be opened"),
        ("x,y\n1,2\n2,3\n", ["--horizon", "zero"], "Bad argument"),
        ("x,y\n1,2\n2,3\n", ["--column", "nope"], "nope"),
        ("x,y\n1,2\n2,3\n", ["--level", "120"], "percentage"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, content, extra, needle):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    res = run("forecast", str(path), *extra, *FAST)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle.lower() in lines[0].lower(), res.stderr
