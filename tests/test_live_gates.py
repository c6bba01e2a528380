"""The Train page's live gate view: the worker sends layer 0's gates on the probe window after every epoch, the
job keeps the latest, they change while the network learns, and the compact figure draws them on fixed scales."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import state, trainer
from ui.i18n import translate
from ui.plots.live import live_heatmaps


@pytest.fixture(scope="module")
def loaded():
    idx = pd.date_range("2000-01-01", periods=160, freq="MS")
    t = np.arange(160)
    y = 10 + 3 * np.sin(2 * np.pi * t / 12) + 0.1 * t
    return state.LoadedSeries(pd.Series(y, index=idx), "synthetic", {"generator": "test"}, "test", "MS", 12)


@pytest.mark.parametrize(("cell", "names"), [("lstm", ("forget", "input")), ("gru", ("update", "reset")),
                                             ("rnn", ("hidden",))])
def test_every_epoch_sends_the_live_gates_and_they_change_while_learning(loaded, cell, names, monkeypatch):
    monkeypatch.setattr(trainer, "LIVE_EVERY_S", 0.0)  # no throttle: every epoch
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, cell=cell, epochs=6, hidden_size=6,
                                                             patience=0, learning_rate=0.02))
    seen: list[trainer.LiveGates] = []
    keep = job._on_live

    def record(msg: dict) -> None:
        keep(msg)
        seen.append(job.live)

    job._on_live = record
    assert job.start().wait(120) and job.status == "completed", job.status
    assert [s.epoch for s in seen] == list(range(1, 7)), "one view per epoch, in order"
    T = job.replay.probe_end - job.replay.probe_start
    first, last = seen[0], seen[-1]
    assert tuple(first.gates) == names
    for name in names:
        assert first.gates[name].shape == (T, 6) and first.gates[name].dtype == np.float32
        assert np.abs(last.gates[name] - first.gates[name]).max() > 1e-4, f"{name} did not move while learning"
    assert job.live is seen[-1]


def test_live_view_is_layer_zero_forward_of_the_replay_snapshot(loaded, monkeypatch):
    """On an epoch that also has a replay snapshot, the live gates are exactly that snapshot's layer 0 gates."""
    monkeypatch.setattr(trainer, "LIVE_EVERY_S", 0.0)
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=2, hidden_size=4, num_layers=2,
                                                             bidirectional=True, patience=0))
    lives: dict[int, trainer.LiveGates] = {}
    keep = job._on_live
    job._on_live = lambda msg: (keep(msg), lives.setdefault(job.live.epoch, job.live))
    assert job.start().wait(120)
    snap = {s.epoch: s for s in job.replay.snapshots}[2]
    for name in ("forget", "input"):
        np.testing.assert_array_equal(lives[2].gates[name], snap.gates[(0, "forward", name)])


def test_the_worker_throttles_the_live_gates(loaded, monkeypatch):
    """At most one live view per LIVE_EVERY_S seconds reaches the server, the first epoch's always."""
    monkeypatch.setattr(trainer, "LIVE_EVERY_S", 3600.0)
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=4, hidden_size=4, patience=0))
    seen: list[int] = []
    keep = job._on_live
    job._on_live = lambda msg: (keep(msg), seen.append(job.live.epoch))
    assert job.start().wait(120)
    assert seen == [1], "epoch 0 sends no live view, epoch 1 always does"
    assert [s.epoch for s in job.replay.snapshots] == [0, 1, 2, 3, 4], "the replay still records every epoch"


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_live_heatmaps_fixed_scales_titles_and_dates(lang):
    rng = np.random.default_rng(0)
    T, H = 24, 8
    gates = {"forget": rng.random((T, H)).astype(np.float32), "input": rng.random((T, H)).astype(np.float32)}
    time = pd.date_range("2020-01-01", periods=T, freq="MS")
    fig = live_heatmaps(gates, time=time, lang=lang)
    assert [tr.type for tr in fig.data] == ["heatmap", "heatmap"]
    assert [(tr.zmin, tr.zmax) for tr in fig.data] == [(0.0, 1.0), (0.0, 1.0)], "fixed scales: no flicker"
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [translate(lang, "gate.forget"), translate(lang, "gate.input")]
    assert np.asarray(fig.data[0].z).shape == (H, T)
    assert pd.Timestamp(fig.data[0].x[0]) == time[0]
    signed = live_heatmaps({"hidden": rng.uniform(-1, 1, (T, H))}, lang=lang)
    assert (signed.data[0].zmin, signed.data[0].zmax) == (-1.0, 1.0)
    with pytest.raises(ValueError):
        live_heatmaps({}, lang=lang)
