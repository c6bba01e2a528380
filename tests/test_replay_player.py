"""What the Training replay's player moves: one frame per snapshot in the heatmaps and the scatter, the epoch markers
of both curves, and its words for each snapshot ("before training" for epoch 0), in both languages."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ui.cell_values import saturation_fractions
from ui.i18n import translate
from ui.plots.gates import aggregate
from ui.plots.replay import (
    frame_names,
    gate_means_over_epochs,
    loss_with_marker,
    marker_moves,
    marker_text,
    replay_heatmaps,
    replay_saturation,
)
from ui.replay_text import frame_label, reading, scale_text


def snapshots(n=4, T=12, H=5, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        f = np.clip(0.5 + 0.1 * k + 0.05 * rng.normal(size=(T, H)), 0, 1)
        out.append({"input": rng.random((T, H)), "forget": f, "cell": rng.normal(size=(T, H)),
                    "hidden": np.tanh(rng.normal(size=(T, H)))})
    return out


def test_heatmaps_carry_one_frame_per_snapshot_with_every_heatmaps_values():
    snaps = snapshots()
    fig = replay_heatmaps(snaps, 1, np.arange(12.0), c_range=2.0, lang="pt-BR")
    heat = [tr for tr in fig.data if tr.type == "heatmap"]
    assert [f.name for f in fig.frames] == frame_names(4) == ["e0", "e1", "e2", "e3"]
    for frame, snap in zip(fig.frames, snaps):
        assert list(frame.traces) == [k for k, tr in enumerate(fig.data) if tr.type == "heatmap"]
        for tr, data in zip(heat, frame.data):
            np.testing.assert_allclose(data.z, aggregate(snap[tr.name]).z, rtol=1e-6)
    np.testing.assert_allclose(heat[1].z, aggregate(snaps[1]["forget"]).z, rtol=1e-6)  # drawn at the chosen one
    assert not fig.layout.images  # a replay has no time cursor


def test_saturation_frames_move_every_units_dot():
    snaps = snapshots()
    fig = replay_saturation(snaps, 0, lang="en")
    assert [tr.name for tr in fig.data] == [translate("en", "gate.input"), translate("en", "gate.forget")]
    low, high = saturation_fractions(snaps[3]["forget"])
    np.testing.assert_allclose(fig.frames[3].data[1].x, low, atol=1e-6)
    np.testing.assert_allclose(fig.frames[3].data[1].y, high, atol=1e-6)


@pytest.mark.parametrize("lang,before", [("en", "before training"), ("pt-BR", "antes do treino")])
def test_epoch_markers_move_and_epoch_0_says_before_training(lang, before):
    epochs = [0, 1, 5, 9]
    loss = loss_with_marker([1, 2, 3, 4, 5, 6, 7, 8, 9], np.linspace(1, 0.2, 9), None, 9, lang=lang, marks=epochs)
    assert loss.layout.xaxis.range[0] < 0 < 9 < loss.layout.xaxis.range[1]  # epoch 0 is on the axis: it never shifts
    moves = marker_moves(loss, epochs, lang)
    assert moves[0] == {"shapes[0].x0": 0, "shapes[0].x1": 0, "annotations[0].x": 0, "annotations[0].text": before,
                        "annotations[0].xanchor": "left"}
    assert moves[-1]["annotations[0].xanchor"] == "right"  # the last epoch's label stays inside the figure
    assert moves[2]["annotations[0].text"] == translate(lang, "replay.plot.epoch_marker", epoch=5)
    assert marker_text(0, lang) == before
    means = gate_means_over_epochs(epochs, snapshots(), 9, lang=lang)
    assert marker_moves(means, epochs, lang)[1] == {"shapes[0].x0": 1, "shapes[0].x1": 1}
    with pytest.raises(ValueError):
        marker_moves(replay_saturation(snapshots(), 0), epochs, lang)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_players_words_for_each_snapshot(lang):
    snaps = snapshots()
    zero = SimpleNamespace(epoch=0, train_loss=None)
    later = SimpleNamespace(epoch=5, train_loss=0.01234)
    assert frame_label(zero, lang) == translate(lang, "replay.frame_before", epoch=0)
    assert ("before training" if lang == "en" else "antes do treino") in frame_label(zero, lang)
    assert frame_label(later, lang) == translate(lang, "replay.frame", epoch=5, loss="0,0123" if lang == "pt-BR"
                                                  else "0.0123")
    text0, text5 = reading(zero, snaps[0], snaps[0], 0, lang), reading(later, snaps[3], snaps[0], 0, lang)
    assert "⟦" not in text0 + text5 and text0 != text5
    mean = f"{snaps[3]['forget'].mean():.2f}"
    assert (mean.replace(".", ",") if lang == "pt-BR" else mean) in text5
    no_forget = {"hidden": snaps[0]["hidden"]}
    assert reading(zero, no_forget, no_forget, 0, lang) == translate(lang, "replay.read.loss_before", epoch=0)
    assert "−2,5 a 2,5" in scale_text(2.5, "pt-BR") and "−2.5 to 2.5" in scale_text(2.5, "en")  # not rounded to 2
