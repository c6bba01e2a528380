"""Train page: default path, synthetic data, Stop keeps the best model, divergence keeps the last good model,
both languages, classroom mode. Runs train tiny networks through the page's own widgets."""

import time

import numpy as np
import pytest

from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state, trainer, workers
from ui.i18n import translate

PAGE = "views/train.py"
W = state.train_widget_key


def _set(at, **values):
    for name, value in values.items():
        if name in ("cell",):
            at.selectbox(key=W(name)).set_value(value)
        elif name in ("hidden_size", "batch_size", "learning_rate"):
            at.select_slider(key=W(name)).set_value(value)
        elif name in ("bidirectional", "early_stop"):
            at.toggle(key=W(name)).set_value(value)
        else:
            at.number_input(key=W(name)).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _train(at, wait: bool = True):
    at.button(key="train.start_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state[state.TRAIN_JOB]
    if wait:
        assert job.wait(120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return job


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_default_path_trains_shows_metrics_and_keeps_the_model(lang):
    at = open_app(lang, page=PAGE, timeout=120)
    loaded = at.session_state[state.SERIES]
    auto = trainer.default_config(loaded)
    assert at.number_input(key=W("window")).value == auto.window  # defaults come from ForecastConfig.auto
    assert at.number_input(key=W("horizon")).value == auto.horizon
    assert translate(lang, "train.none_yet") in visible_text(at)
    _set(at, epochs=3, hidden_size=8)
    job = _train(at)
    assert job.status == "completed" and len(job.rows) == 3
    model = at.session_state[state.MODEL]
    assert model.data_key == loaded.key and model.config.hidden_size == 8 and model.config.epochs == 3
    assert np.isfinite(model.forecaster.predict().mean).all()
    table = at.dataframe[-1].value
    methods = list(table.iloc[:, 0])
    assert methods[0] == translate(lang, "plot.training.methods.model")
    assert translate(lang, "method.seasonal_naive") in methods
    text = visible_text(at)
    assert any(s.value.startswith(translate(lang, "train.status.completed")[:10]) for s in at.success)
    verdict_keys = ("train.verdict_win", "train.verdict_lose")
    assert any(translate(lang, k)[:12] in text for k in verdict_keys)
    assert len(at.get("plotly_chart")) == 2  # loss curves + fit
    replay = at.session_state[state.REPLAY]
    assert replay.run_id == job.id and [s.epoch for s in replay.snapshots] == [0, 1, 2, 3]  # 0: untrained
    T = replay.probe_end - replay.probe_start
    assert replay.snapshots[0].gates[(0, "forward", "forget")].shape == (T, 8)
    assert_no_missing_keys(at)


def test_synthetic_series_path():
    at = open_app("en", page="views/data.py", timeout=120)
    at.radio(key=state.DATA_SOURCE).set_value("synthetic").run()
    synth = at.session_state[state.SERIES]
    at.switch_page(PAGE).run()
    _set(at, epochs=2, hidden_size=8)
    _train(at)
    assert at.session_state[state.MODEL].data_key == synth.key
    assert at.dataframe and not at.exception


def test_stop_keeps_the_best_model_so_far():
    at = open_app("en", page=PAGE, timeout=120)
    _set(at, epochs=1000, hidden_size=8, early_stop=False)
    job = _train(at, wait=False)
    assert not job.done, "a 1000-epoch run is still going"
    assert at.get("progress"), "progress bar while training"
    deadline = time.monotonic() + 60
    while len(job.progress()) < 2 and time.monotonic() < deadline:  # let it finish two epochs
        time.sleep(0.05)
    stop = at.button(key="train.stop_btn")
    stop.click().run()  # the real Stop button: its on_click sets the job's stop flag
    assert job.wait(60) and job.status == "cancelled"
    at.run()
    assert not at.exception
    assert len(job.rows) < 1000
    model = at.session_state[state.MODEL]
    assert model is job.result and model.history.status == "cancelled"
    best = model.history.best_epoch
    assert 1 <= best <= len(job.rows)
    assert np.isfinite(model.forecaster.predict().mean).all()
    assert any(w.value.startswith(translate("en", "train.status.cancelled")[:20]) for w in at.warning)


def test_divergence_message_and_the_last_good_model_is_kept():
    at = open_app("en", page=PAGE, timeout=120)
    _set(at, epochs=2, hidden_size=32)
    _train(at)
    good = at.session_state[state.MODEL]
    _set(at, learning_rate=10.0)
    job = _train(at)
    assert job.status == "diverged" and job.divergence.epoch == 1
    hist = job.result.history  # the engine made the call; the job only reads it
    assert hist.message_key == "engine.status.diverged_reference" and hist.message_params["epoch"] == 1
    assert job.divergence.loss > 8 * job.divergence.reference
    assert at.session_state[state.MODEL] is good  # the model trained before stays
    errors = [e.value for e in at.error]
    assert any(translate("en", "train.status.kept_previous") in e for e in errors), errors
    assert any("10" in e for e in errors)
    assert_no_missing_keys(at)


def test_classroom_mode_hides_advanced_settings_and_still_trains():
    at = open_app("pt-BR", classroom=True, page=PAGE, timeout=120)
    keys = {w.key for w in at.toggle} | {w.key for w in at.number_input} | {w.key for w in at.select_slider}
    assert W("learning_rate") not in keys and W("bidirectional") not in keys and W("seed") not in keys
    assert W("epochs") in keys and W("hidden_size") in keys
    assert translate("pt-BR", "train.classroom_note") in visible_text(at)
    _set(at, epochs=2, hidden_size=8)
    job = _train(at)
    assert job.config.learning_rate == trainer.default_config(at.session_state[state.SERIES]).learning_rate
    assert at.session_state[state.MODEL] is job.result
    assert_no_missing_keys(at)


def test_a_setting_too_big_for_the_series_shows_a_translated_error_and_keeps_the_data():
    at = open_app("pt-BR", page="views/data.py", timeout=120)
    csv = "t,v\n" + "".join(f"{i},{(i * 7) % 5 + i / 10}\n" for i in range(30))
    at.radio(key=state.DATA_SOURCE).set_value("upload").run()
    at.file_uploader(key=state.DATA_UPLOAD).upload("short.csv", csv.encode(), "text/csv").run()
    loaded = at.session_state[state.SERIES]
    assert loaded.n == 30
    at.switch_page(PAGE).run()
    _set(at, window=15, horizon=7, epochs=2, hidden_size=4)
    job = _train(at)
    assert job.status == "failed"
    errors = [e.value for e in at.error]
    assert errors and errors[0] == translate("pt-BR", job.error.key, **job.error.params)
    assert at.session_state[state.SERIES] is loaded and state.MODEL not in at.session_state
    assert_no_missing_keys(at)


def test_training_slots_run_at_most_size_at_once_first_come_first_served():
    import threading

    slots = workers.TrainingSlots(2)
    lock, now, peak, order = threading.Lock(), [0], [0], []

    def run(name: str) -> None:
        assert slots.acquire(name, threading.Event())
        with lock:
            order.append(name)
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1
        slots.release(name)

    threads = []
    for k in range(6):
        threads.append(threading.Thread(target=run, args=(f"job{k}",)))
        threads[-1].start()
        time.sleep(0.01)  # arrival order job0, job1, ...
    for th in threads:
        th.join(10)
    assert peak[0] == 2 and order == [f"job{k}" for k in range(6)]
    # a waiting job shows its place, and leaves the queue when it is stopped
    hold, stop = threading.Event(), threading.Event()
    assert slots.acquire("a", hold) and slots.acquire("b", hold)
    result = []
    waiter = threading.Thread(target=lambda: result.append(slots.acquire("c", stop)))
    waiter.start()
    deadline = time.monotonic() + 5
    while slots.position("c") != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert slots.position("c") == 1 and slots.running == 2
    stop.set()
    waiter.join(5)
    assert result == [False] and slots.position("c") == 0 and slots.running == 2


def test_a_run_waits_for_a_free_slot_shows_its_place_and_stop_works(monkeypatch):
    import threading

    slots = workers.TrainingSlots(1)
    monkeypatch.setattr(workers, "SLOTS", slots)
    assert slots.acquire("another-session", threading.Event())  # someone else trains
    at = open_app("pt-BR", page=PAGE, timeout=120)
    _set(at, epochs=2, hidden_size=8)
    job = _train(at, wait=False)
    time.sleep(0.3)
    assert job.waiting and job.queue_position() == 1 and not job.rows
    at.run()
    bars = [p.proto.text for p in at.get("progress")]
    assert translate("pt-BR", "train.live.waiting", position=1) in bars, bars
    assert translate("pt-BR", "train.live.waiting_help", slots=trainer.MAX_RUNNING) in visible_text(at)
    assert_no_missing_keys(at)
    slots.release("another-session")  # the slot frees: this run trains and ends normally
    assert job.wait(60) and job.status == "completed" and len(job.rows) == 2
    assert job.elapsed() < time.perf_counter() - job.queued  # training time does not count the wait
    at.run()
    assert at.session_state[state.MODEL] is job.result
    good = job.result

    assert slots.acquire("another-session", threading.Event())
    job = _train(at, wait=False)
    at.button(key="train.stop_btn").click().run()  # Stop while it waits
    assert job.wait(10) and job.status == "cancelled" and job.outcome is trainer.Outcome.KEPT_PREVIOUS
    at.run()
    assert not at.exception and at.session_state[state.MODEL] is good
    assert any(w.value == translate("pt-BR", "train.status.stopped_empty_previous") for w in at.warning)
    assert slots.position(job.id) == 0
    slots.release("another-session")
