"""Training in worker processes (``ui.workers``): same results as in-thread, stop, errors, broken workers, codec."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_core.backtest import backtest_origin, backtest_plan
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from lstm_core.memory import MemoryConfig, compare_kinds
from lstm_core.train import EpochInfo
from tests.conftest import ROOT
from ui import workers
from ui.i18n import translate

X = np.sin(np.arange(300) / 5.0) + np.random.default_rng(0).normal(size=300) * 0.1
CFG = ForecastConfig(ensemble=1, epochs=12, window=12, horizon=6, hidden_size=8, patience=0)


def _weights(fc: Forecaster) -> list[np.ndarray]:
    return [a for m in fc.models for a in m.params.values()]


def _same_history(a, b) -> None:
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.pop("fit_seconds")
        for m in d["members"]:
            m.pop("fit_seconds")
    assert da == db


@pytest.fixture(params=["process", "thread"])
def mode(request, monkeypatch) -> str:
    """Every behaviour holds in both modes: worker processes and ``LSTM_LAB_WORKERS=0``."""
    monkeypatch.setenv(workers.ENV, "1" if request.param == "process" else "0")
    return request.param


# --- same numbers as fitting here -------------------------------------------------------------------------------
def test_fit_gives_the_same_model_bit_for_bit_as_fitting_here(mode):
    epochs: list[int] = []
    out = workers.fit(X, CFG, on_epoch=lambda info: epochs.append(info.epoch), evaluate=True)
    here = Forecaster(CFG)
    hist = here.fit(X)
    assert all(np.array_equal(a, b) for a, b in zip(_weights(out.forecaster), _weights(here), strict=True))
    _same_history(out.history, hist)
    assert epochs == list(range(1, CFG.epochs + 1))
    assert np.array_equal(out.forecaster.predict().mean, here.predict().mean)
    ev = here.evaluate()
    assert out.evaluation["split"] == ev["split"]
    for part in ev["parts"]:
        assert out.evaluation["parts"][part]["metrics"] == ev["parts"][part]["metrics"]
        assert np.array_equal(out.evaluation["parts"][part]["actual"], ev["parts"][part]["actual"])
        assert out.evaluation["parts"][part]["lower"].keys() == ev["parts"][part]["lower"].keys()


def test_epoch_info_crosses_the_pipe_without_the_live_model(mode):
    seen: list[EpochInfo] = []
    workers.fit(X, dataclasses.replace(CFG, epochs=3), on_epoch=seen.append)
    assert [i.epoch for i in seen] == [1, 2, 3] and all(i.epochs == 3 for i in seen)
    assert all(i.model is None and i.forecaster is None for i in seen)
    assert all(np.isfinite(i.train_loss) and i.val_loss is not None for i in seen)


def test_backtest_origin_and_memory_comparison_match_the_core(mode):
    x, cfg_o, cuts, lv, m = backtest_plan(X, dataclasses.replace(CFG, epochs=3), 2, (80, 95), 1)
    got = workers.backtest_origin(x, cfg_o, cuts[0], lv, m)
    want = backtest_origin(x, cfg_o, cuts[0], lv, m)
    assert got.scores == want.scores and got.status == want.status and got.origin == want.origin
    assert np.array_equal(got.forecasts["model"].mean, want.forecasts["model"].mean)
    assert got.forecasts["model"].lower.keys() == {80, 95}  # int keys survive the trip

    rng = np.random.default_rng(1)
    Xm, Ym = rng.normal(size=(32, 6, 2)), rng.normal(size=(32, 1))
    mc = MemoryConfig(hidden_size=4, epochs=2, batch_size=16)
    kinds: list[str] = []
    comp = workers.compare_memory(Xm, Ym, Xm, Ym, mc, 3, progress=lambda kind, info: kinds.append(kind))
    ref = compare_kinds(Xm, Ym, Xm, Ym, mc, 3)
    assert comp.config == mc and comp.results.keys() == ref.results.keys()
    for kind in ref.results:
        assert comp.results[kind].accuracy == ref.results[kind].accuracy
        assert np.array_equal(comp.results[kind].grads_trained.dh, ref.results[kind].grads_trained.dh)
    assert kinds == [k for k in ref.results for _ in range(mc.epochs)]


def test_replay_snapshots_thin_evenly_as_the_stride_doubles(mode):
    probe = {"values": X[:40], "num_layers": 1, "directions": ["forward"], "names": ["forget", "hidden"],
             "max": 4, "budget": 10**9}
    snaps: list[dict] = []
    workers.fit(X, CFG, probe=probe, on_snapshot=snaps.append)
    stride = snaps[-1]["stride"]
    kept = [s["epoch"] for s in snaps if (s["epoch"] - 1) % stride == 0]
    assert stride == 4 and kept == [1, 5, 9]  # 12 epochs, at most 4 kept: every 4th from epoch 1
    gates = snaps[0]["gates"]
    assert set(gates) == {(0, "forward", "forget"), (0, "forward", "hidden")}
    assert gates[(0, "forward", "forget")].shape == (40, 8) and gates[(0, "forward", "forget")].dtype == np.float32


# --- stopping, errors, broken workers -------------------------------------------------------------------------
def test_a_stop_ends_the_run_with_the_best_weights_so_far(mode):
    stop = threading.Event()

    def on_epoch(info):
        if info.epoch == 3:
            stop.set()

    out = workers.fit(X, dataclasses.replace(CFG, epochs=200), on_epoch=on_epoch, stop=stop)
    assert out.history.status == "cancelled" and 3 <= out.history.epochs_run < 200
    assert out.history.best_epoch >= 1
    # returning False from the callback stops it the same way
    out = workers.fit(X, dataclasses.replace(CFG, epochs=200), on_epoch=lambda info: info.epoch < 2)
    assert out.history.status == "cancelled" and out.history.epochs_run < 200


def test_a_run_stopped_while_it_waits_for_a_slot_never_starts(mode, monkeypatch):
    slots = workers.TrainingSlots(1)
    monkeypatch.setattr(workers, "SLOTS", slots)
    assert slots.acquire("someone-else", threading.Event())
    stop, positions, result = threading.Event(), [], []
    th = threading.Thread(target=lambda: result.append(
        workers.fit(X, CFG, stop=stop, on_wait=positions.append, ticket="me")))
    th.start()
    deadline = time.monotonic() + 10
    while slots.position("me") != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    th.join(10)
    assert result == [None] and positions and set(positions) == {1} and slots.position("me") == 0
    slots.release("someone-else")


def test_a_core_error_in_the_worker_arrives_translated_and_the_worker_is_reused(mode):
    with pytest.raises(CoreError) as info:
        workers.fit(X[:10], CFG)
    assert info.value.key == "errors.engine.too_short" and info.value.params == {"n": 10, "needed": 37}
    assert workers.fit(X, dataclasses.replace(CFG, epochs=1)).history.epochs_run == 1


def test_a_callback_that_raises_stops_the_task_and_the_worker_stays_usable(mode):
    class Interrupted(Exception):
        pass

    def boom(info):
        raise Interrupted  # like Streamlit stopping a script in the middle of a progress update

    with pytest.raises(Interrupted):
        workers.fit(X, dataclasses.replace(CFG, epochs=50), on_epoch=boom)
    assert workers.SLOTS.running == 0
    out = workers.fit(X, dataclasses.replace(CFG, epochs=2))
    assert out.history.epochs_run == 2


def test_a_worker_that_dies_mid_run_is_a_translated_error_and_is_replaced(monkeypatch):
    import multiprocessing

    monkeypatch.setenv(workers.ENV, "1")
    pids: list[int] = []

    def kill_it(info):
        if info.epoch == 2:  # every worker of this process, the one running this fit among them
            for child in multiprocessing.active_children():
                if child.name == "lstm-lab-worker":
                    pids.append(child.pid)
                    os.kill(child.pid, 9)

    with pytest.raises(workers.WorkerError) as info:
        workers.fit(X, dataclasses.replace(CFG, epochs=500), on_epoch=kill_it)
    assert isinstance(info.value, CoreError) and info.value.key == "errors.engine.worker_failed"
    for lang in ("en", "pt-BR"):
        text = translate(lang, info.value.key, **info.value.params)
        assert "⟦" not in text and info.value.params["detail"] in text
    assert workers.SLOTS.running == 0
    assert workers.fit(X, dataclasses.replace(CFG, epochs=1)).history.epochs_run == 1  # a new worker
    assert pids and workers.run("status", {})["pid"] not in pids


def test_workers_run_at_the_lowest_priority_without_streamlit_or_the_parent_main(monkeypatch):
    monkeypatch.setenv(workers.ENV, "1")
    status = workers.run("status", {})
    assert status["pid"] != os.getpid()
    if sys.platform.startswith("linux"):
        assert status["priority"] == "idle"
    assert not status["streamlit_imported"], "a worker must not load streamlit (nor re-run app.py)"
    assert status["main"] in ("__mp_main__", "__main__") and not status["main_file"]


def test_a_script_without_a_main_guard_is_not_re_run_by_its_workers(tmp_path):
    script = tmp_path / "notebook_like.py"
    marker = tmp_path / "runs.txt"
    script.write_text(
        "import numpy as np\n"
        f"open({str(marker)!r}, 'a').write('run\\n')\n"
        "from ui import workers\n"
        "from lstm_core.forecast import ForecastConfig\n"
        "x = np.sin(np.arange(200) / 5.0)\n"
        "out = workers.fit(x, ForecastConfig(ensemble=1, epochs=1, window=8, horizon=4, hidden_size=4))\n"
        "print(out.history.epochs_run)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), workers.ENV: "1"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1" and marker.read_text() == "run\n"


# --- the codec ---------------------------------------------------------------------------------------------------
def test_the_codec_round_trips_nested_values_exactly():
    value = {
        "f": [1.5, float("nan"), float("inf"), -0.0], "i": 3, "b": True, "n": None, "s": "ç ✓",
        (0, "forward", "forget"): np.arange(6, dtype=np.float32).reshape(2, 3),
        80: {"x": np.array([1, 2], dtype=np.int64), "u": np.zeros(0, dtype=np.uint8)},
        "t": (1, (2, "3")), "cfg": MemoryConfig(hidden_size=4), "np": np.float64(2.5),
    }
    back = workers.decode(workers.encode(value))
    assert back.keys() == value.keys()
    assert back["f"][0] == 1.5 and np.isnan(back["f"][1]) and back["f"][2] == float("inf")
    assert back[(0, "forward", "forget")].dtype == np.float32
    assert np.array_equal(back[(0, "forward", "forget")], value[(0, "forward", "forget")])
    assert back[80]["x"].dtype == np.int64 and back[80]["u"].shape == (0,)
    assert back["t"] == (1, (2, "3")) and back["cfg"] == MemoryConfig(hidden_size=4) and back["np"] == 2.5
    back[(0, "forward", "forget")][0, 0] = 9  # decoded arrays are the caller's own (writable) copies


def test_the_codec_refuses_what_it_cannot_rebuild_safely():
    for bad in (object(), {1, 2}, np.array(["text"]), np.array([object()], dtype=object), lambda: 0):
        with pytest.raises(TypeError):
            workers.encode(bad)
    good = workers.encode({"a": np.ones(3)})
    for broken in (b"", b"PK\x03\x04", good[:-1], good[:20], b"LLW1" + b"\xff" * 8 + b"{}",
                   good.replace(b"<f8", b"|O8"), good.replace(b'{"a": 0}', b'{"a": 5}', 1)):
        with pytest.raises(ValueError):
            workers.decode(broken)
    evil = workers.encode({"x": 1}).replace(b'{"d"', b'{"c": "Forecaster", "f": {}, "d"', 1)
    with pytest.raises(ValueError):
        workers.decode(evil)


_SAMPLE = workers.encode({"kind": "epoch", "body": {"x": np.arange(4.0), (1, "a"): [1, None, (2.5,)],
                                                     "c": MemoryConfig()}})


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.lists(st.tuples(st.integers(0, len(_SAMPLE) - 1), st.integers(0, 255)),
                                         max_size=6), st.integers(0, len(_SAMPLE)))
def test_random_or_damaged_messages_only_ever_raise_value_error(data, flips, cut):
    damaged = bytearray(_SAMPLE)
    for pos, byte in flips:
        damaged[pos] = byte
    for blob in (data, b"LLW1" + data, bytes(damaged), bytes(damaged[:cut])):
        try:
            workers.decode(blob)
        except ValueError:
            continue


def test_one_session_never_holds_every_slot_while_another_waits():
    """Two slots held by A and C; A queues a second run, then B queues: the freed slot goes to B, not to A."""
    import threading

    from ui.workers.slots import TrainingSlots

    slots = TrainingSlots(2)
    never = threading.Event()
    assert slots.acquire("a1", never, owner="A") and slots.acquire("c1", never, owner="C")
    got: list[str] = []
    threads = []
    for ticket, owner in (("a2", "A"), ("b1", "B")):
        th = threading.Thread(target=lambda t=ticket, o=owner: slots.acquire(t, never, poll_s=0.01, owner=o)
                              and got.append(t))
        th.start()
        threads.append(th)
        time.sleep(0.1)  # a2 queues first
    slots.release("c1")
    threads[1].join(5)
    assert got == ["b1"], "A already holds its share of the slots while B waits"
    slots.release("b1")
    threads[0].join(5)
    assert got == ["b1", "a2"]
    solo = TrainingSlots(2)
    assert solo.acquire("x1", never, owner="X") and solo.acquire("x2", never, owner="X")  # nobody waits: both
