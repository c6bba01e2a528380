"""The forecast figure (history, fit, bands, palette; ui.plots.forecast), backtest table marks and the computed
verdict (ui.tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from locales import format_number as fmt_num
from ui import tables
from ui.i18n import translate
from ui.plots import colors
from ui.plots import forecast as fp


def _fig(n=300, H=12, **kw):
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    fut = pd.date_range(idx[-1] + pd.offsets.MonthBegin(1), periods=H, freq="MS")
    y = np.sin(np.arange(n) / 3)
    mean = np.zeros(H)
    lower = {80: mean - 1, 95: mean - 2}
    upper = {80: mean + 1, 95: mean + 2}
    pos = np.arange(24, n)
    return fp.forecast_figure(y, idx, fut, mean, lower, upper, fit_positions=pos, fit_values=y[pos], **kw)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_forecast_figure_traces_and_colours(lang):
    fig = _fig(lang=lang)
    names = [t.name for t in fig.data]
    assert names == [translate(lang, "forecast.plot.history"), translate(lang, "forecast.plot.fit"),
                     translate(lang, "forecast.plot.band", level=95), translate(lang, "forecast.plot.band", level=80),
                     translate(lang, "forecast.plot.forecast")]
    hist, fit, b95, b80, fc = fig.data
    assert hist.line.color == colors.HISTORY and fit.line.color == colors.FIT and fc.line.color == colors.FORECAST
    assert b95.fillcolor == colors.INTERVAL_95 and b80.fillcolor == colors.INTERVAL_80
    assert len(b80.x) == 24  # the band polygon: upper forwards, lower backwards
    np.testing.assert_array_equal(np.asarray(b80.y)[:12], np.ones(12))
    assert pd.Timestamp(fc.x[0]) == pd.Timestamp("2025-01-01")
    assert fig.layout.xaxis.title.text == translate(lang, "plot.time")


def test_show_last_and_long_history_is_reduced():
    fig = _fig(n=300, show_last=50)
    assert len(fig.data[0].x) == 50 and pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2000-01-01") + pd.DateOffset(
        months=250)
    assert min(pd.Timestamp(v) for v in fig.data[1].x) >= pd.Timestamp(fig.data[0].x[0])
    big = fp.forecast_figure(np.random.default_rng(0).normal(size=50_000), None, None, np.zeros(5), {}, {})
    assert len(big.data[0].x) <= 2002
    assert big.layout.xaxis.title.text == translate("en", "plot.step")
    assert list(big.data[1].x) == [50_000, 50_001, 50_002, 50_003, 50_004]  # integer steps continue


MEAN = {
    "model": {"mae": 1.0, "rmse": 1.2, "smape": 5.0, "mase": 0.82, "coverage_80": 80.0, "coverage_95": 100.0},
    "seasonal_naive": {"mae": 1.3, "rmse": 1.5, "smape": 6.0, "mase": 1.0, "coverage_80": 70.0, "coverage_95": 90.0},
    "naive": {"mae": 2.0, "rmse": 2.2, "smape": 4.0, "mase": 1.6, "coverage_80": 60.0, "coverage_95": 90.0},
}


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_backtest_table_marks_best(lang):
    df = tables.backtest_table(MEAN, lang, "LSTM")
    assert list(df.iloc[:, 0]) == [translate(lang, "forecast.method.model", cell="LSTM"),
                                   translate(lang, "method.seasonal_naive"),
                                   translate(lang, "method.naive")]
    mase = df[translate(lang, "forecast.table.mase")]
    assert mase.iloc[0].endswith("★") and not mase.iloc[1].endswith("★")
    smape = df[translate(lang, "forecast.table.smape")]
    assert smape.iloc[2].endswith("★")  # naive has the best sMAPE here
    cov = df[translate(lang, "forecast.table.coverage", level=80)]
    assert cov.iloc[0] == "80 %"


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_backtest_table_nan_or_missing_coverage_shows_a_dash(lang):
    """A NaN coverage showed "nan %", and a method without ``coverage_80`` raised KeyError."""
    mean = {"model": {**MEAN["model"], "coverage_80": float("nan")},
            "seasonal_naive": {k: v for k, v in MEAN["seasonal_naive"].items() if k != "coverage_80"},
            "naive": MEAN["naive"]}
    df = tables.backtest_table(mean, lang, "LSTM")
    assert list(df[translate(lang, "forecast.table.coverage", level=80)]) == ["—", "—", "60 %"]
    assert list(df[translate(lang, "forecast.table.coverage", level=95)]) == ["100 %", "90 %", "90 %"]
    assert df[translate(lang, "forecast.table.mase")].iloc[0].endswith("★")  # the rest of the row is intact


def test_verdict_is_computed_from_the_numbers():
    text, beats = tables.verdict(MEAN, "en", "LSTM")
    assert beats and text == "The LSTM network beats seasonal naive by 18% MASE on this series."
    worse = {**MEAN, "model": {**MEAN["model"], "mase": 1.25}}
    text, beats = tables.verdict(worse, "pt-BR", "GRU")
    assert not beats and "25%" in text and translate("pt-BR", "method.seasonal_naive") in text
    tie = {**MEAN, "model": {**MEAN["model"], "mase": 0.996}}
    assert tables.verdict(tie, "en")[0] == translate("en", "forecast.verdict.tie", cell="LSTM")
    assert tables.verdict({"model": {"mase": 1.0}}, "en")[0] == translate("en", "forecast.verdict.unknown")
    # beating seasonal naive while Theta, hard to beat, does better still: the verdict says so plainly
    hard = {**MEAN, "theta": {"mase": MEAN["model"]["mase"] * 0.9}}
    text, beats = tables.verdict(hard, "pt-BR", "LSTM")
    assert beats and text.startswith(tables.verdict(MEAN, "pt-BR", "LSTM")[0])
    assert "Theta" in text and fmt_num(hard["theta"]["mase"], 2, "pt-BR") in text
    easy = {**MEAN, "theta": {"mase": MEAN["model"]["mase"] * 1.1}}
    assert tables.verdict(easy, "en", "LSTM") == tables.verdict(MEAN, "en", "LSTM")


def test_portuguese_dates_and_numbers():
    """Plotly's month names are English: in pt-BR the date ticks are numeric and the decimal mark is a comma."""
    pt, en = _fig(lang="pt-BR"), _fig(lang="en")
    assert pt.layout.separators == ",." and en.layout.separators == ".,"
    formats = [stop.value for stop in pt.layout.xaxis.tickformatstops]
    assert formats and not any("%b" in f or "%B" in f for f in formats)
    assert pt.layout.xaxis.hoverformat.startswith("%d/%m/%Y")
    assert not en.layout.xaxis.tickformatstops


def test_band_edges_have_no_markers():
    """Plotly draws markers on a trace without a mode when it has fewer than 20 points: a 6-step band showed
    dots along its edges. The bands are lines of width 0 (only the fill shows); the forecast keeps its markers."""
    for H in (6, 12, 80):
        fig = _fig(H=H)
        bands = [t for t in fig.data if t.fill == "toself"]
        assert len(bands) == 2
        assert all(t.mode == "lines" and t.line.width == 0 for t in bands)
        assert fig.data[-1].mode == ("lines+markers" if H <= 60 else "lines")


def _backtest(methods=("model", "seasonal_naive", "naive", "drift"), n=120, H=6, cuts=(102, 108, 114)):
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    y = np.sin(np.arange(n) / 2)
    paths = [{m: y[c:c + H] + 0.1 * k for k, m in enumerate(methods)} for c in cuts]
    return y, idx, list(cuts), paths


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_backtest_figure_draws_each_method_against_the_actuals(lang):
    y, idx, cuts, paths = _backtest()
    fig = fp.backtest_figure(y, idx, cuts, paths, cell_label="GRU", lang=lang)
    by_name = {t.name: t for t in fig.data}
    actual = by_name[translate(lang, "forecast.backtest_plot.actual")]
    np.testing.assert_array_equal(np.asarray(actual.y, dtype=float), y[102:120])  # every held-out point
    assert actual.mode == "lines+markers" and actual.line.color == colors.HISTORY
    history = by_name[translate(lang, "forecast.plot.history")]
    assert len(history.x) == 24 + 1 and pd.Timestamp(history.x[-1]) == idx[102]  # context up to the first block
    model = by_name[translate(lang, "forecast.method.model", cell="GRU")]
    assert model.line.color == colors.FORECAST and model.line.dash == "solid"
    # one trace per method: its three blocks separated by a gap, so the blocks are not joined across cuts
    my = np.asarray(model.y, dtype=float)
    assert my.size == 3 * 6 + 2 and np.isnan(my[[6, 13]]).all()
    np.testing.assert_allclose(my[~np.isnan(my)], np.concatenate([p["model"] for p in paths]))
    assert len(pd.DatetimeIndex(model.x).unique()) == 18  # a gap repeats the next block's first date
    methods = [t for t in fig.data if t.legendgroup]
    assert [t.legendgroup for t in methods] == ["model", "seasonal_naive", "naive", "drift"]
    assert len({t.line.color for t in methods}) == 4 and len({t.line.dash for t in methods}) == 4
    assert colors.HISTORY not in {t.line.color for t in methods}
    assert len(fig.layout.shapes) == 3  # a dotted line at each cut
    assert fig.layout.xaxis.title.text == translate(lang, "plot.time")
    assert fig.layout.separators == (",." if lang == "pt-BR" else ".,")


def test_backtest_figure_is_generic_over_the_methods_present():
    """Methods added to the backtest later (Theta, ETS, ...) get their own colour; one missing at a cut is left
    out there; the default view shows the network, seasonal naive and the best other method only."""
    y, idx, cuts, paths = _backtest(methods=("model", "seasonal_naive", "naive", "theta", "ets"))
    del paths[0]["ets"]
    mean = {"model": {"mase": 0.9}, "seasonal_naive": {"mase": 1.0}, "naive": {"mase": 1.4},
            "theta": {"mase": 0.8}, "ets": {"mase": float("nan")}}
    shown = fp.default_shown(mean)
    assert shown == {"model", "seasonal_naive", "theta"}
    fig = fp.backtest_figure(y, None, cuts, paths, shown=shown)
    groups = {t.legendgroup: t for t in fig.data if t.legendgroup}
    assert list(groups) == ["model", "seasonal_naive", "theta", "naive", "ets"]
    assert {g: t.visible for g, t in groups.items()} == {"model": True, "seasonal_naive": True, "naive": "legendonly",
                                                         "theta": True, "ets": "legendonly"}
    assert groups["theta"].line.color in colors.EXTRA_METHOD_COLORS
    assert groups["ets"].line.color in colors.EXTRA_METHOD_COLORS
    assert groups["theta"].line.color != groups["ets"].line.color
    assert np.asarray(groups["ets"].y, dtype=float).size == 2 * 6 + 1  # two blocks only
    assert list(groups["ets"].x)[0] == 108
    assert fig.layout.xaxis.title.text == translate("en", "plot.step")
    assert fp.default_shown({"model": {"mase": 1.0}}) == {"model"}


def test_backtest_figure_checks_its_inputs():
    y, idx, cuts, paths = _backtest()
    with pytest.raises(ValueError):
        fp.backtest_figure(y, idx, cuts[:2], paths)


def test_the_verdict_gives_the_spread_over_seeds():
    from lstm_core.backtest import SEED_MASE

    base = MEAN["seasonal_naive"]["mase"]
    steady = {**MEAN, "model": {**MEAN["model"], f"{SEED_MASE}0": base * 0.7, f"{SEED_MASE}1": base * 0.9}}
    text, beats = tables.verdict(steady, "en", "LSTM")
    assert beats and text.endswith(translate("en", "forecast.verdict.seeds", n=2, lo=fmt_num(base * 0.7, 2, "en"),
                                             hi=fmt_num(base * 0.9, 2, "en"), base=fmt_num(base, 2, "en")))
    shaky = {**MEAN, "model": {**MEAN["model"], f"{SEED_MASE}0": base * 0.7, f"{SEED_MASE}1": base * 1.2}}
    text, _ = tables.verdict(shaky, "pt-BR", "LSTM")
    assert text.endswith(translate("pt-BR", "forecast.verdict.seeds_unsure", n=2, lo=fmt_num(base * 0.7, 2, "pt-BR"),
                                   hi=fmt_num(base * 1.2, 2, "pt-BR"), base=fmt_num(base, 2, "pt-BR")))
    assert tables.verdict(MEAN, "en")[0] == tables.verdict({**MEAN}, "en")[0]  # no seeds, no sentence
