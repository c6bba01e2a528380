"""AppTest: the Training replay page with and without recorded snapshots; the epoch slider never retrains."""

from __future__ import annotations

import functools

import pytest

from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state, trainer

PAGE = "views/replay.py"


@functools.cache
def _job():
    """A real (small) training run of the Train page's job on the default series, with its replay buffer."""
    loaded = state.teaching_series()
    cfg = trainer.default_config(loaded, epochs=5, hidden_size=8, patience=0)
    job = trainer.TrainingJob(loaded, cfg).start()
    assert job.wait(120)
    assert job.replay is not None and [s.epoch for s in job.replay.snapshots] == [0, 1, 2, 3, 4, 5]
    return job


def _train_runs(at) -> int:
    """Training runs started in the session (0 when none was)."""
    try:
        return int(at.session_state[state.TRAIN_RUNS])
    except KeyError:
        return 0


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_without_training_explains_and_links_to_train(lang):
    at = open_app(lang, page=PAGE)
    assert_no_missing_keys(at)
    assert len(at.info) == 1
    links = [el for el in at.get("page_link")]
    assert any("train" in str(el.proto.page) for el in links)
    assert not at.get("plotly_chart")
    assert len(at.sidebar.caption) >= 2  # the page returns normally, so app.py still draws the sidebar status


@pytest.mark.parametrize("lang,classroom", [("en", False), ("pt-BR", True)])
def test_slider_replays_snapshots_without_retraining(lang, classroom):
    job = _job()
    at = open_app(lang, classroom=classroom)
    at.session_state[state.REPLAY] = job.replay
    at.session_state[state.TRAIN_JOB] = job
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_missing_keys(at)
    slider = at.select_slider(key=state.REPLAY_EPOCH)
    assert list(slider.options) == ["0", "1", "2", "3", "4", "5"] and slider.value == 5
    charts = len(at.get("plotly_chart"))
    assert charts == 4  # loss, heatmaps, saturation scatter, open share over epochs
    runs = _train_runs(at)
    slider.set_value(1).run()
    assert not at.exception
    assert at.select_slider(key=state.REPLAY_EPOCH).value == 1
    assert _train_runs(at) == runs
    assert len(job.replay.snapshots) == 6  # nothing recorded or recomputed
    text = visible_text(at)
    assert ("epoch 1" in text) if lang == "en" else ("época 1" in text)


def test_replay_from_other_data_is_reported_stale():
    job = _job()
    at = open_app("en")
    at.session_state[state.REPLAY] = state.ReplayBuffer(**{**job.replay.__dict__, "data_key": "other"})
    at.switch_page(PAGE).run()
    assert not at.exception
    assert len(at.warning) == 1 and not at.get("plotly_chart")


def test_two_layer_bidirectional_run_replays_every_layer_and_direction():
    loaded = state.teaching_series()
    cfg = trainer.default_config(loaded, epochs=2, hidden_size=4, num_layers=2, bidirectional=True, patience=0)
    job = trainer.TrainingJob(loaded, cfg).start()
    assert job.wait(120)
    at = open_app("pt-BR")
    at.session_state[state.REPLAY] = job.replay
    at.switch_page(PAGE).run()
    assert not at.exception
    at.selectbox(key=state.REPLAY_LAYER).set_value(1).run()
    at.radio(key=state.REPLAY_DIRECTION).set_value("backward").run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_missing_keys(at)
    assert len(at.get("plotly_chart")) == 4
