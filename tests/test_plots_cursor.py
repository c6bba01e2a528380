"""The gate figures' time cursor: a line and its time stamp as layout images, moved in place or frame by frame."""

from __future__ import annotations

from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from tests.test_plots_gates import fake_lstm
from ui.plots import cursor
from ui.plots.gates import (
    cell_composition,
    cursor_frame,
    cursor_moves,
    cursor_steps,
    gate_heatmaps,
    unit_curves,
)
from ui.reading import time_label


def test_moves_follow_every_step_with_the_steps_own_time_stamp():
    g = fake_lstm(T=30, H=4)
    days = pd.date_range("2021-03-01", periods=30, freq="D").to_numpy()
    fig = gate_heatmaps(g, np.arange(30.0), time=days, cursor=3)
    moves = cursor_moves(fig, days, cursor_steps(30))
    assert len(moves) == 30
    line = next(k for k, im in enumerate(fig.layout.images) if im.name == "cursor")
    label = next(k for k, im in enumerate(fig.layout.images) if im.name == "cursor_label")
    for k in (0, 17, 29):
        assert pd.Timestamp(moves[k][f"images[{line}].x"]) == days[k]
        assert quote(time_label(days[k])) in moves[k][f"images[{label}].source"]
    assert moves[3][f"images[{label}].source"] == fig.layout.images[label].source  # the page starts where it is
    assert moves[0][f"images[{label}].xanchor"] == "left" and moves[29][f"images[{label}].xanchor"] == "right"
    assert "right" in unquote(moves[29][f"images[{label}].source"]) or "xMax" in unquote(moves[29][f"images[{label}].source"])


def test_long_windows_sweep_their_averaged_columns():
    steps = cursor_steps(1000)
    assert len(steps) == 400 and steps[0] >= 0 and steps[-1] < 1000 and (np.diff(steps) > 0).all()
    assert cursor_frame(1000, 0) == 0 and cursor_frame(1000, 999) == 399
    assert cursor_frame(1000, int(steps[123])) == 123
    np.testing.assert_array_equal(cursor_steps(64), np.arange(64))


def test_every_gate_figure_with_a_cursor_can_be_swept():
    g = fake_lstm(T=20, H=3)
    for fig in (unit_curves(g, np.arange(20.0), 1, cursor=4),
                cell_composition(g["forget"], g["input"], g["candidate"], g["cell"], 1, cursor=4)):
        moves = cursor_moves(fig, None, range(20))
        assert moves[7] == {"images[0].x": 7.0} and len(fig.layout.images) == 1  # an unlabelled line
    cursor.set_cursor(fig, np.arange(20), 11)
    assert fig.layout.images[0].x == 11.0
