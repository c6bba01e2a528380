"""Compare page: the four models on equal terms (each toggled off in turn), several seeds, gate views, stale
results, both languages and classroom mode. Training is kept tiny through the page's own widgets."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from datasets import synthetic
from tests.conftest import APP, assert_no_missing_keys
from ui import state
from ui.comparison import MODELS, CompareResults
from ui.i18n import translate

PAGE = "views/compare.py"
TIMEOUT = 120


def _small_series(length: int = 120, seed: int = 0) -> state.LoadedSeries:
    params = {"length": length, "period": 12}
    return state.LoadedSeries(series=synthetic.generate("sine", seed=seed, **params), source="synthetic",
                              ref={"generator": "sine", "params": params, "seed": seed}, name="sine",
                              season_length=12)


def _open(lang: str = "en", classroom: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if classroom:
        at.query_params["classroom"] = "1"
    at.run()
    at.session_state[state.SERIES] = _small_series()
    at.session_state[state.COMPARE_EPOCHS] = 2
    at.session_state[state.COMPARE_HIDDEN] = 4
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _train(at: AppTest) -> CompareResults:
    at.button(key="compare.run_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    res = at.session_state[state.COMPARE_RESULTS]
    assert isinstance(res, CompareResults)
    return res


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_four_models_on_equal_terms(lang):
    at = _open(lang)
    assert any(translate(lang, "compare.no_results")[:20] in i.value for i in at.info)
    res = _train(at)
    assert list(res.runs) == list(MODELS)
    bars = [b.proto.text for b in at.get("progress")]
    seconds = sum(r["seconds"] for r in res.runs["lstm"])
    mark = "," if lang == "pt-BR" else "."  # the language's decimal mark in "done in 0,3 s"
    want = translate(lang, "compare.done_model", model=translate(lang, "compare.model.lstm"),
                     seconds=f"{seconds:.1f}".replace(".", mark))
    assert want in bars, bars
    cfg = res.config
    assert cfg["epochs"] == 2 and cfg["hidden_size"] == 4 and cfg["ensemble"] == 1
    runs = {name: r[0] for name, r in res.runs.items()}
    # same split and test part for everyone, so the forecasts line up
    idx = [tuple(r["test_index"]) for r in runs.values()]
    assert len(set(idx)) == 1
    # parameter counts: LSTM 4 gates, GRU 3, RNN 1, bidirectional twice an LSTM (+ a wider head)
    p = {name: r["params"] for name, r in runs.items()}
    assert p["rnn"] < p["gru"] < p["lstm"] < p["bilstm"]
    # the table: one row per model then the baselines, ★ marks present
    df = at.dataframe[0].value
    names = list(df.iloc[:, 0])
    assert names[:4] == [translate(lang, f"compare.model.{m}") for m in MODELS]
    assert translate(lang, "method.seasonal_naive") in names
    assert any("★" in str(v) for v in df.to_numpy().ravel())
    assert len(at.get("plotly_chart")) == 3  # losses, test forecasts, gates
    # gates: forget (LSTM, BiLSTM) and update (GRU) on 0..1
    assert set(res.gates["gru"]) == {"update", "hidden"}
    assert set(res.gates["lstm"]) == {"forget", "hidden"}
    assert all(res.gates[m]["forget"].min() >= 0 and res.gates[m]["forget"].max() <= 1
               for m in ("lstm", "bilstm"))
    at.radio(key=state.COMPARE_VIEW).set_value("hidden").run()
    assert not at.exception
    assert at.session_state[state.COMPARE_RESULTS] is res  # a view change never retrains
    assert_no_missing_keys(at)


@pytest.mark.parametrize("off", MODELS)
def test_each_model_can_be_switched_off(off):
    at = _open()
    at.toggle(key=state.compare_model_key(off)).set_value(False).run()
    res = _train(at)
    assert list(res.runs) == [m for m in MODELS if m != off]
    assert not at.exception


def test_none_chosen_and_several_seeds_and_stale():
    at = _open()
    for name in MODELS:
        at.toggle(key=state.compare_model_key(name)).set_value(False)
    at.run()
    assert at.button(key="compare.run_btn").disabled
    assert any(translate("en", "compare.none_chosen") == i.value for i in at.info)
    at.toggle(key=state.compare_model_key("gru")).set_value(True).run()
    at.slider(key=state.COMPARE_SEEDS).set_value(2).run()
    res = _train(at)
    assert len(res.runs["gru"]) == 2
    m = [r["metrics"]["test"]["mase"] for r in res.runs["gru"]]
    assert m[0] != m[1]  # different seeds, different networks
    df = at.dataframe[0].value
    assert "±" in str(df.iloc[0, 1])
    # other data loaded: the results are reported stale, not shown as if they were for it
    at.session_state[state.SERIES] = _small_series(seed=5)
    at.run()
    assert any(translate("en", "compare.stale")[:20] in w.value for w in at.warning)
    assert not at.dataframe


def test_classroom_mode_hides_shared_settings():
    at = _open("pt-BR", classroom=True)
    labels = [e.label for e in at.get("expander")]
    assert translate("pt-BR", "compare.advanced") not in labels
    res = _train(at)
    assert res.config["epochs"] == 2  # the budget set in state still applies
    assert np.isfinite(res.runs["lstm"][0]["seconds"])
    assert_no_missing_keys(at)


def test_a_comparison_waits_its_turn_when_the_training_slots_are_busy(monkeypatch):
    """Another session holds the only slot: the page says it is waiting (its place in line), then trains."""
    import threading

    from ui import widgets, workers

    slots = workers.TrainingSlots(1)
    monkeypatch.setattr(workers, "SLOTS", slots)
    assert slots.acquire("another-session", threading.Event())
    seen: list[int] = []
    real = widgets.slot_waiter

    def recording(bar):
        draw = real(bar)
        return lambda position: (seen.append(position), draw(position))

    monkeypatch.setattr(widgets, "slot_waiter", recording)
    threading.Timer(1.0, slots.release, args=("another-session",)).start()
    at = _open("pt-BR")
    at.session_state[state.COMPARE_SEED] = 77  # settings no other test trained: nothing to reuse
    at.run()
    res = _train(at)
    assert seen and set(seen) == {1}, seen
    assert list(res.runs) == list(MODELS) and slots.running == 0
    assert_no_missing_keys(at)


def test_a_second_session_with_the_same_settings_reuses_every_fit(monkeypatch):
    from ui import workers

    first = _open("en")
    first.session_state[state.COMPARE_SEED] = 78
    first.run()
    done = _train(first)
    calls: list[int] = []
    real = workers.fit
    monkeypatch.setattr(workers, "fit", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    second = _open("pt-BR")
    second.session_state[state.COMPARE_SEED] = 78
    second.run()
    again = _train(second)
    assert calls == [], "seeded fits with the same data and settings are not trained twice"
    for name in MODELS:
        assert again.runs[name][0]["metrics"] == done.runs[name][0]["metrics"]
    assert_no_missing_keys(second)
