"""Series chart: split regions and labels, dates or steps on x, min/max downsampling, palette, JSON size."""

import numpy as np
import pandas as pd
import pytest

from ui.i18n import translate
from ui.plots import colors
from ui.plots.series import minmax_positions, series_figure


def test_minmax_positions_keeps_everything_when_short():
    assert np.array_equal(minmax_positions(np.arange(10.0), max_points=20), np.arange(10))


def test_minmax_positions_keeps_extremes_and_ends():
    rng = np.random.default_rng(0)
    y = rng.normal(size=100_000)
    y[12_345], y[77_777] = 50.0, -50.0  # spikes must survive the reduction
    pos = minmax_positions(y, max_points=1000)
    assert len(pos) <= 1002
    assert np.all(np.diff(pos) > 0)  # sorted, unique: time order kept
    assert {0, len(y) - 1, 12_345, 77_777} <= set(pos.tolist())


def test_minmax_positions_ignores_nan_buckets():
    y = np.r_[np.full(500, np.nan), np.arange(500.0)]
    pos = minmax_positions(y, max_points=100)
    assert np.isfinite(y[pos[1:]]).all()


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_split_regions_with_labels_on_dates(lang):
    idx = pd.date_range("2000-01-01", periods=120, freq="MS")
    s = pd.Series(np.sin(np.arange(120) / 3), index=idx)
    fig = series_figure(s, split=(84, 102), lang=lang)
    rects = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert len(rects) == 3
    assert [r.fillcolor for r in rects] == [colors.SPLIT_FILL[k] for k in ("train", "val", "test")]
    # borders fall half-way between the last point of one part and the first of the next
    assert pd.Timestamp(rects[0].x1) == idx[83] + (idx[84] - idx[83]) / 2
    assert pd.Timestamp(rects[1].x1) == idx[101] + (idx[102] - idx[101]) / 2
    labels = [a.text for a in fig.layout.annotations]
    assert labels == [translate(lang, f"plot.{k}") for k in ("train", "val", "test")]
    assert fig.layout.xaxis.title.text == translate(lang, "plot.time")
    assert fig.data[0].line.color == colors.HISTORY


def test_steps_axis_without_dates_and_no_split():
    fig = series_figure(np.arange(50.0), lang="en")
    assert not fig.layout.shapes
    assert fig.layout.xaxis.title.text == translate("en", "plot.step")
    assert list(fig.data[0].x) == list(range(50))


def test_bad_split_raises():
    with pytest.raises(ValueError):
        series_figure(np.arange(10.0), split=(8, 5))


def test_long_series_is_downsampled_and_small():
    idx = pd.date_range("2000-01-01", periods=200_000, freq="h")
    s = pd.Series(np.random.default_rng(1).normal(size=200_000), index=idx)
    fig = series_figure(s, split=(140_000, 170_000))
    assert len(fig.data[0].y) <= 2002
    assert len(fig.to_json()) < 150_000


def test_portuguese_dates_use_numeric_formats():
    s = pd.Series(np.arange(30.0), index=pd.date_range("2024-03-01", periods=30, freq="D"))
    pt = series_figure(s, lang="pt-BR")
    assert pt.layout.xaxis.tickformatstops and pt.layout.xaxis.hoverformat.startswith("%d/%m/%Y")
    en = series_figure(s, lang="en")
    assert not en.layout.xaxis.tickformatstops


def test_number_separators_follow_the_language():
    assert series_figure(np.arange(5.0), lang="pt-BR").layout.separators == ",."
    assert series_figure(np.arange(5.0), lang="en").layout.separators == ".,"
