"""ui.plots.explore: the Explore page's figures hold what they should (rows, bars, bands, orders), in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui.i18n import translate
from ui.plots import explore as xp

LANGS = ("en", "pt-BR")


def _shapes(fig, fill):
    return [s for s in fig.layout.shapes if s.fillcolor == fill]


@pytest.mark.parametrize("lang", LANGS)
def test_drivers_figure_has_the_window_then_one_bar_row_per_network(lang):
    W = 12
    rows = {"lstm": np.linspace(-1, 1, W), "gru": np.zeros(W), "rnn": np.ones(W)}
    index = pd.date_range("2020-01-01", periods=W, freq="MS").to_numpy()
    fig = xp.drivers_figure(np.arange(W, dtype=float), index, rows, "ig", lang, forecast_x=xp.x_value(index, W - 1))
    assert [tr.type for tr in fig.data] == ["scatter", "bar", "bar", "bar"]
    assert [a.text for a in fig.layout.annotations] == [translate(lang, "explore.plot.window"), "LSTM", "GRU", "RNN"]
    bars = fig.data[1]
    np.testing.assert_allclose(bars.y, rows["lstm"])
    np.testing.assert_array_equal(bars.customdata, np.arange(W)[::-1])  # the lag of each column
    assert list(bars.marker.color[:2]) == [xp.BAR_NEGATIVE] * 2 and bars.marker.color[-1] == xp.BAR_POSITIVE
    assert fig.layout.yaxis2.range == fig.layout.yaxis4.range  # one scale for the three networks
    assert len(fig.layout.shapes) == 1  # the forecast point
    assert translate(lang, "explore.method.ig") in fig.layout.yaxis2.title.text


def test_drivers_heatmap_outlines_the_chosen_step():
    a = np.random.default_rng(0).standard_normal((10, 16))
    fig = xp.drivers_heatmap(a, np.arange(1, 11), None, 4, "gradient", "gru", "en")
    hm = fig.data[0]
    assert hm.zmax == pytest.approx(np.abs(a).max()) and hm.zmin == -hm.zmax  # symmetric around 0
    assert fig.layout.shapes[0].y0 == 3.5 and fig.layout.shapes[0].y1 == 4.5


@pytest.mark.parametrize("lang", LANGS)
def test_brush_figure_selects_across_time_and_marks_stretch_and_matches(lang):
    x = np.arange(100, 200)
    fig = xp.brush_figure(np.sin(x / 5.0), x, (10, 20), [(40, 45), (70, 80)], lang)
    assert fig.layout.dragmode == "select" and fig.layout.selectdirection == "h"
    assert fig.data[0].mode == "lines+markers"  # points, so that Plotly can select them
    (stretch,) = _shapes(fig, xp.STRETCH_FILL)
    assert (stretch.x0, stretch.x1) == (109.5, 119.5)
    matches = _shapes(fig, xp.MATCH_FILL)
    assert [(m.x0, m.x1) for m in matches] == [(139.5, 144.5), (169.5, 179.5)]
    assert [a.text for a in fig.layout.annotations] == [translate(lang, "explore.plot.stretch"), "#1", "#2"]


def test_only_the_best_matches_are_drawn():
    x = np.arange(300)
    matches = [(k * 10, k * 10 + 3) for k in range(25)]
    fig = xp.brush_figure(np.zeros(300), x, None, matches, "en")
    assert len(_shapes(fig, xp.MATCH_FILL)) == xp.MATCHES_DRAWN


def test_tracking_curves_draw_each_unit_and_the_threshold():
    states = np.random.default_rng(1).uniform(-1, 1, (80, 6))
    fig = xp.tracking_curves(np.zeros(80), None, states, [4, 1], 0.4, (10, 20), [], "hidden", "en")
    assert [tr.name for tr in fig.data[1:]] == [translate("en", "explore.unit_n", n=4),
                                                translate("en", "explore.unit_n", n=1)]
    np.testing.assert_allclose(fig.data[1].y, states[:, 4].astype(np.float32))
    line = next(s for s in fig.layout.shapes if s.type == "line")
    assert line.y0 == line.y1 == 0.4


@pytest.mark.parametrize("lang", LANGS)
def test_ordered_heatmap_follows_the_order_and_names_the_chosen_units(lang):
    states = np.random.default_rng(2).uniform(-1, 1, (50, 5))
    order = np.array([3, 0, 4, 1, 2])
    fig = xp.ordered_heatmap(states, order, None, "hidden", 1.0, (5, 9), [(20, 24)], [4], lang)
    hm = fig.data[0]
    np.testing.assert_allclose(hm.z[0], states[:, 3].astype(np.float32))
    assert list(hm.y) == [translate(lang, "explore.unit_n", n=u) for u in order]
    assert (hm.zmin, hm.zmax) == (-1.0, 1.0)
    bold = [t for t in fig.layout.yaxis.ticktext if t.startswith("<b>")]
    assert bold == [f"<b>{translate(lang, 'explore.unit_n', n=4)}</b>"]
    frames = [(s.line.color, s.layer) for s in fig.layout.shapes]  # over the heatmap: a fill below it would hide
    assert frames == [(xp.STRETCH_LINE, "above"), (xp.MATCH_LINE, "above")]


def test_many_units_get_thinned_names_but_the_chosen_ones_keep_theirs():
    states = np.random.default_rng(3).uniform(-1, 1, (40, 64))
    fig = xp.ordered_heatmap(states, np.arange(64), None, "hidden", 1.0, None, [], [33], "en")
    ticks = list(fig.layout.yaxis.tickvals)
    assert len(ticks) < 64
    assert translate("en", "explore.unit_n", n=33) in ticks
