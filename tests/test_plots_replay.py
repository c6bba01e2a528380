"""Figure builders of the Training replay page: fixed cell scale over frames, loss marker, open-share curves."""

from __future__ import annotations

import numpy as np
import pytest

from ui.plots import colors
from ui.plots.replay import fixed_cell_range, gate_means_over_epochs, loss_with_marker


def test_fixed_cell_range_covers_every_frame():
    frames = [np.full((4, 2), 0.5), np.full((4, 2), -2.4), np.zeros((4, 2))]
    assert fixed_cell_range(frames) == 2.5
    assert fixed_cell_range([]) == 1.0


@pytest.mark.parametrize("lang,marker", [("en", "epoch 3"), ("pt-BR", "época 3")])
def test_loss_with_marker(lang, marker):
    fig = loss_with_marker([1, 2, 3, 4], [1.0, 0.5, 0.3, 0.2], [1.1, None, 0.4, 0.35], 3, lang=lang)
    assert len(fig.data) == 2
    assert np.isnan(fig.data[1].y[1])
    assert fig.layout.yaxis.type == "log"
    assert any(sh.x0 == 3 for sh in fig.layout.shapes)
    assert any(a.text == marker for a in fig.layout.annotations)


def test_loss_without_validation_has_one_line():
    fig = loss_with_marker([1, 2], [1.0, 0.5], [None, None], 2)
    assert len(fig.data) == 1


def test_gate_means_over_epochs_one_line_per_sigmoid_gate():
    early = {"forget": np.full((10, 4), 0.5), "input": np.full((10, 4), 0.2), "cell": np.zeros((10, 4))}
    late = {"forget": np.full((10, 4), 0.9), "input": np.full((10, 4), 0.2), "cell": np.zeros((10, 4))}
    fig = gate_means_over_epochs([1, 5], [early, late], 5, lang="pt-BR")
    by_name = {tr.name: tr for tr in fig.data}
    assert set(by_name) == {"Portão de esquecimento", "Portão de entrada"}  # the cell state is not a gate
    np.testing.assert_allclose(by_name["Portão de esquecimento"].y, [0.5, 0.9])
    assert by_name["Portão de esquecimento"].line.color == colors.gate_color("forget")
    assert tuple(fig.layout.yaxis.range) == (-0.02, 1.02)  # fixed, so runs compare
    assert any(sh.x0 == 5 for sh in fig.layout.shapes)


def test_epoch_axes_show_whole_epochs_only():
    from ui.plots.training import loss_curves

    short = loss_with_marker([1, 2, 3], [0.6, 0.4, 0.35], [0.5, 0.45, 0.44], 3)
    assert short.layout.xaxis.dtick == 1 and short.layout.xaxis.tickformat == "d"
    curves = loss_curves([0.6, 0.4], [0.5, 0.45], epochs=3)
    assert curves.layout.xaxis.dtick == 1 and tuple(curves.layout.xaxis.range) == (0.5, 3.5)
    long = loss_curves([0.5] * 40, epochs=150)
    assert long.layout.xaxis.dtick is None and long.layout.xaxis.tickformat == "d"
