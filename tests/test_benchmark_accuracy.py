"""The dev-set accuracy benchmark's pieces, on a tiny fake dev set in tmp_path (never ../shared)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import accuracy

README = """# Fake dev set

Protocol: hold out the last `horizon` points.

| column | meaning |
| --- | --- |
| n | points |

References on this protocol (statsforecast 9.9, geometric mean of MASE):

| Naive | SeasonalNaive | AutoETS |
| --- | --- | --- |
| 2.5 | 1.25 | 0.875 |

Trailing text.
"""


def _series(n: int, phase: float) -> np.ndarray:
    t = np.arange(n)
    return 20.0 + 0.2 * t + 3.0 * np.sin(2 * np.pi * t / 4 + phase)


@pytest.fixture
def dev_dir(tmp_path):
    d = tmp_path / "dev"
    d.mkdir()
    (d / "meta.csv").write_text("name,source,n,season,horizon\nalpha,test,40,4,4\nbeta,test,40,4,4\n")
    for name, phase in (("alpha", 0.0), ("beta", 1.0)):
        dates = [f"{2000 + i // 4}-{3 * (i % 4) + 1:02d}-01" for i in range(40)]
        lines = ["date,value", *(f"{d_},{v:.6f}" for d_, v in zip(dates, _series(40, phase)))]
        (d / f"{name}.csv").write_text("\n".join(lines) + "\n")
    (d / "README.md").write_text(README)
    return d


def test_resolve_dev_dir_precedence(tmp_path):
    env = {accuracy.DEV_ENV: str(tmp_path / "from-env")}
    assert accuracy.resolve_dev_dir(str(tmp_path / "arg"), env) == tmp_path / "arg"
    assert accuracy.resolve_dev_dir(None, env) == tmp_path / "from-env"
    assert accuracy.resolve_dev_dir(None, {}) == accuracy.REPO_ROOT.parent / "shared" / "forecast-dev"


def test_load_dev_set(dev_dir):
    series = accuracy.load_dev_set(dev_dir)
    assert [s.name for s in series] == ["alpha", "beta"]
    s = series[0]
    assert (s.n, s.season, s.horizon, s.source) == (40, 4, 4, "test")
    hist, actual = s.split()
    assert hist.size == 36 and actual.size == 4
    np.testing.assert_allclose(np.concatenate([hist, actual]), _series(40, 0.0), atol=1e-6)
    assert [s.name for s in accuracy.load_dev_set(dev_dir, ["beta"])] == ["beta"]


def test_load_dev_set_errors(dev_dir, tmp_path):
    with pytest.raises(accuracy.DevSetError, match="not a directory"):
        accuracy.load_dev_set(tmp_path / "nowhere")
    with pytest.raises(accuracy.DevSetError, match="unknown series: gamma"):
        accuracy.load_dev_set(dev_dir, ["gamma"])
    (dev_dir / "beta.csv").unlink()
    with pytest.raises(accuracy.DevSetError, match="beta.csv not found"):
        accuracy.load_dev_set(dev_dir)


def test_parse_reference_table():
    caption, refs = accuracy.parse_reference_table(README)
    assert refs == {"Naive": 2.5, "SeasonalNaive": 1.25, "AutoETS": 0.875}
    assert caption.startswith("References on this protocol")
    assert accuracy.parse_reference_table("# nothing\n\n| a | b |\n| --- | --- |\n| x | y |\n") is None
    assert accuracy.parse_reference_table("") is None


def test_read_references_missing(tmp_path):
    assert accuracy.read_references(tmp_path) is None


def test_coverage_by_step_pools_series_of_different_lengths():
    hits = [np.array([True, False, True]), np.array([True, True]), np.array([False])]
    assert accuracy.coverage_by_step(hits) == [(1, 3, pytest.approx(200 / 3)), (2, 2, 50.0), (3, 1, 100.0)]
    pct, n = accuracy.pooled_coverage(hits)
    assert n == 6 and pct == pytest.approx(400 / 6)
    assert accuracy.coverage_by_step([]) == []
    assert np.isnan(accuracy.pooled_coverage([])[0])


def test_inside_interval_and_gmean():
    got = accuracy.inside_interval([1.0, 2.0, 5.0], [0.0, 2.0, 0.0], [1.0, 3.0, 4.0])
    assert got.tolist() == [True, True, False]
    assert accuracy.gmean([1.0, 4.0]) == pytest.approx(2.0)
    assert accuracy.gmean([4.0, float("nan")]) == pytest.approx(4.0)


def test_seasonal_naive_mase_repeats_the_last_season():
    hist = np.tile([1.0, 2.0, 3.0, 4.0], 5) + np.repeat(np.arange(5.0), 4)
    actual = np.array([6.0, 7.0, 8.0, 9.0])  # last season + 1 everywhere
    # in-sample scale: every lag-4 difference is 1; the forecast misses by 1 at every step
    assert accuracy.seasonal_naive_mase(hist, actual, 4) == pytest.approx(1.0)
    short = np.array([1.0, 2.0, 3.0])  # shorter than a season: lag 1
    assert accuracy.seasonal_naive_mase(short, np.array([5.0]), 12) == pytest.approx(2.0)


def test_cli_config_matches_the_cli_defaults():
    cfg, source = accuracy.cli_config(36, 4, 4, 1)
    assert (cfg.horizon, cfg.seed, cfg.season_length) == (4, 1, 4)
    assert "CLI" in source


def test_missing_dev_dir_exits_2(tmp_path, capsys):
    assert accuracy.main(["--dev-dir", str(tmp_path / "absent")]) == 2
    assert "--dev-dir" in capsys.readouterr().err


def test_main_quick_end_to_end(dev_dir, capsys):
    assert accuracy.main(["--dev-dir", str(dev_dir), "--quick", "--seeds", "3,4"]) == 0
    out = capsys.readouterr().out
    assert "seed 3" in out and "seed 4" not in out
    for name in ("alpha", "beta", "geometric mean"):
        assert name in out
    assert "Naive 2.500" in out and "AutoETS 0.875" in out
    assert "references not found" not in out
    assert "series above 1.5× seasonal naive" in out
    assert "over 8 held-out points" in out  # 2 series × 4 held-out points, one seed
    assert "80 % interval" in out and "95 % interval" in out
    assert "median" in out and "FAILED" not in out
    assert max(len(line) for line in out.splitlines()) <= 110
