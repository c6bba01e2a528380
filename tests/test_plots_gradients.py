"""Figure builders of the Vanishing gradients page: palette colours, log scales, fixed heatmap scale, labels."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.plots import colors
from ui.plots.gradients import (
    KIND_COLORS,
    LOG_FLOOR,
    accuracy_vs_lag,
    gradient_curves,
    gradient_heatmap,
    log_profile,
    loss_curves,
)

T = 12
PROFILES = {
    "RNN": np.power(10.0, -np.arange(T)[::-1] * 0.6),  # 10^-6.6 at the first step, 1 at the last
    "LSTM": np.power(10.0, -np.arange(T)[::-1] * 0.08),
    "GRU": np.linspace(0.3, 1.0, T),
}


def test_kind_colours_come_from_the_palette():
    assert set(KIND_COLORS.values()) <= set(colors.GATE_COLORS.values())
    assert len(set(KIND_COLORS.values())) == 3


def test_log_profile_clips_zero_and_nan_to_the_floor():
    out = log_profile(np.array([0.0, np.nan, 1e-3, 1.0]))
    np.testing.assert_allclose(out, [np.log10(LOG_FLOOR), np.log10(LOG_FLOOR), -3.0, 0.0])


@pytest.mark.parametrize("lang,word", [("en", "Steps before the answer"), ("pt-BR", "Passos antes da resposta")])
def test_curves_are_log_scale_with_first_step_on_the_left(lang, word):
    fig = gradient_curves(PROFILES, lang=lang)
    assert isinstance(fig, go.Figure)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == word
    assert fig.layout.xaxis.autorange == "reversed"  # steps back: the oldest input drawn at the left
    rnn = fig.data[0]
    assert rnn.x[0] == T - 1 and rnn.y[-1] == pytest.approx(1.0)
    assert rnn.y[0] == pytest.approx(PROFILES["RNN"][0])
    assert [tr.line.color for tr in fig.data] == [KIND_COLORS[k] for k in PROFILES]
    # the axis reaches down to the smallest value shown
    assert fig.layout.yaxis.range[0] <= np.log10(PROFILES["RNN"][0])


def test_heatmap_is_kinds_by_steps_on_a_fixed_scale():
    fig = gradient_heatmap(PROFILES, lang="en", zmin=-8)
    hm = fig.data[0]
    assert hm.z.shape == (3, T)
    assert (hm.zmin, hm.zmax) == (-8, 0)
    assert list(hm.y) == ["RNN", "LSTM", "GRU"]
    np.testing.assert_allclose(hm.z[0, -1], 0.0, atol=1e-6)
    assert hm.z.min() >= -8  # values below the scale are clipped, not rescaled
    # the same data with another set of kinds keeps the same colour meaning
    fig2 = gradient_heatmap({"LSTM": PROFILES["LSTM"]}, lang="en", zmin=-8)
    assert (fig2.data[0].zmin, fig2.data[0].zmax) == (-8, 0)
    with pytest.raises(ValueError):
        gradient_heatmap({})


def test_accuracy_vs_lag_draws_percentages_chance_and_marker():
    fig = accuracy_vs_lag([5, 10, 20], {"RNN": [0.9, 0.3, 0.2], "LSTM": [1, 1, 0.97]}, [0.2, 0.19, 0.18],
                          lang="pt-BR", current=20)
    names = [tr.name for tr in fig.data]
    assert names == ["Chutar a média", "RNN", "LSTM"]
    np.testing.assert_allclose(fig.data[1].y, [90, 30, 20])
    assert fig.layout.yaxis.range[1] > 100
    assert any(sh.x0 == 20 for sh in fig.layout.shapes)


def test_loss_curves_one_line_per_kind_from_epoch_one():
    fig = loss_curves({"RNN": [0.3, 0.2], "GRU": [0.3, 0.01, 0.001]}, lang="en")
    assert [len(tr.x) for tr in fig.data] == [2, 3] and fig.data[1].x[0] == 1
    assert fig.layout.yaxis.type == "log"
