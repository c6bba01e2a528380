"""Explore page: one-click training without a model; what drives a forecast for LSTM, GRU and RNN (the other two
trained through the worker path on their button only); brush → ranked units → matches → the Gates cursor."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.forecast import Forecaster
from tests.conftest import assert_no_missing_keys, open_app, visible_text
from tests.e2e.harness import template_re
from ui import state, trainer
from ui.explore_select import rank_units
from ui.i18n import translate

PAGE = "views/explore.py"


@pytest.fixture(scope="module")
def taught() -> dict:
    """The default model of the teaching series (the one a newcomer trains), fitted once for the module."""
    at = open_app("en")
    loaded = at.session_state[state.SERIES]
    config = trainer.default_config(loaded)
    fc = Forecaster(config)
    hist = fc.fit(loaded.series.to_numpy(dtype=float))
    return {"model": state.TrainedModel(fc, hist, config, loaded.key)}


def _with_model(lang: str, model: state.TrainedModel | None = None, **cfg):
    at = open_app(lang, timeout=120)
    loaded = at.session_state[state.SERIES]
    if model is None:
        config = trainer.default_config(loaded, epochs=1, hidden_size=8, **cfg)
        fc = Forecaster(config)
        model = state.TrainedModel(fc, fc.fit(loaded.series.to_numpy(dtype=float)), config, loaded.key)
    at.session_state[state.MODEL] = model
    at.session_state[state.TRAIN_RUNS] = 0
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figure(at, key: str):
    return next(c for c in at.get("plotly_chart") if key in c.proto.id)


def _bars(at) -> int:
    import json

    spec = json.loads(_figure(at, "explore.drivers_fig").proto.spec)
    return sum(tr["type"] == "bar" for tr in spec["data"])


def _brush(at, x0: float, x1: float) -> None:
    at.session_state[state.EXPLORE_BRUSH] = {"selection": {
        "points": [], "point_indices": [], "box": [{"x": [x0, x1], "y": [-5, 5], "xref": "x", "yref": "y"}],
        "lasso": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_without_a_model_offers_one_click_training():
    at = open_app("pt-BR", page=PAGE, timeout=120)
    assert translate("pt-BR", "explore.no_model") in visible_text(at)
    at.button(key="explore.train_btn").click().run()
    job = at.session_state[state.TRAIN_JOB]
    assert job.config == trainer.default_config(at.session_state[state.SERIES])
    assert translate("pt-BR", "explore.training_now") in visible_text(at)
    while len(job.progress()) < 1 and not job.done:
        job.wait(0.05)
    job.request_stop()
    assert job.wait(60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.MODEL] is job.result
    assert _bars(at) == 1  # the trained network alone until the others are asked for
    assert_no_missing_keys(at)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_drivers_of_three_kinds_and_views_never_retrain(lang):
    at = _with_model(lang)
    assert _bars(at) == 1
    assert at.session_state.get(state.EXPLORE_TRAIN_RUNS, 0) == 0
    assert translate(lang, "explore.drivers.train_others", models=translate(lang, "explore.pair", first="GRU",
                                                                            second="RNN")) in visible_text(at)
    at.button(key="explore.train_others_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.EXPLORE_TRAIN_RUNS] == 2
    assert _bars(at) == 3
    text = visible_text(at)
    for cell in ("LSTM", "GRU", "RNN"):
        assert f"**{cell}**" in text
    assert "explore.train_others_btn" not in [b.key for b in at.button]  # all three are here now
    models = at.session_state[state.EXPLORE_MODELS]
    loaded = at.session_state[state.SERIES]
    base = at.session_state[state.MODEL].config
    assert {fc.config.cell for fc in models.values()} == {"gru", "rnn"}
    for fc in models.values():  # the same settings, only the cell changes
        assert fc.config.to_dict() | {"cell": base.cell} == base.to_dict()
    assert translate(lang, "explore.drivers.heatmap_title") not in visible_text(at)
    at.toggle(key=state.EXPLORE_ALL_STEPS).set_value(True).run()
    assert translate(lang, "explore.drivers.heatmap_title") in visible_text(at)
    assert all(d.steps.size == 10 for d in at.session_state[state.EXPLORE_DRIVERS].values() if d.steps.size > 1)
    at.slider(key=state.EXPLORE_STEP).set_value(4).run()
    at.radio(key=state.EXPLORE_METHOD).set_value("gradient").run()
    n = loaded.n
    at.select_slider(key=state.EXPLORE_ORIGIN).set_value(n - 50).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.EXPLORE_TRAIN_RUNS] == 2 and at.session_state[state.TRAIN_RUNS] == 0
    assert translate(lang, "explore.drivers.read_title", step=4) in visible_text(at).replace("**", "")
    assert translate(lang, "explore.drivers.completeness", total="", difference="")[:12] not in visible_text(at)
    assert_no_missing_keys(at)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_brush_ranked_units_matches_and_the_gates_cursor(taught, lang):
    at = _with_model(lang, taught["model"])
    loaded = at.session_state[state.SERIES]
    values = loaded.series.to_numpy(dtype=float)
    assert translate(lang, "explore.select.brush_help") in visible_text(at)
    pulse = int(np.flatnonzero(np.abs(values) > 0.5)[np.flatnonzero(np.abs(values) > 0.5) > 300][0])
    at.slider(key=state.EXPLORE_THRESHOLD).set_value(0.3).run()
    _brush(at, pulse - 0.5, pulse + 1.5)  # the pulse and the step after it
    assert at.session_state[state.EXPLORE_STRETCH] == (pulse, pulse + 2)
    text = visible_text(at)
    assert translate(lang, "explore.select.stretch", start=str(pulse), end=str(pulse + 1), steps=2) in text
    table = at.dataframe[0].value
    assert list(table.columns)[0] == translate(lang, "explore.select.col_unit")
    assert table.iloc[0, 3].endswith("✓")  # at least one unit tracks the pulse
    at.button(key="explore.find_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.EXPLORE_MATCHING] == (pulse, pulse + 2)
    opens = [b for b in at.button if b.key and b.key.startswith("explore.open.")]
    assert opens, "no match found"
    first_match = next(m.value for m in at.markdown if m.value.startswith("**#1**"))
    start = int(first_match.split("** ", 1)[1].split()[1 if lang == "pt-BR" else 0])
    at.button(key="explore.open.1").click().run()
    assert not at.exception, [e.value for e in at.exception]
    window = at.session_state[state.GATES_WINDOW]
    assert window[0] <= start < window[1]
    assert window[0] + at.session_state[state.GATES_CURSOR] == start
    assert at.select_slider(key=state.GATES_CURSOR).value == start - window[0]  # the Gates page opened there
    states = at.session_state[state.EXPLORE_TRACE][3].gates[(0, "forward", "hidden")]
    first = at.session_state[state.EXPLORE_TRACE][1]
    best = rank_units(states, (pulse - first, pulse + 2 - first), 0.3).units[0]
    assert at.selectbox(key=state.GATES_UNIT).value == best  # and on the unit that tracks the stretch best
    assert translate(lang, "nav.gates") in [t.value for t in at.title]
    assert_no_missing_keys(at)


def test_a_brush_is_applied_once_and_clear_forgets_it(taught):
    at = _with_model("en", taught["model"])
    _brush(at, 400.5, 410.5)
    assert at.session_state[state.EXPLORE_STRETCH] == (401, 411)
    at.button(key="explore.clear_btn").click().run()
    assert state.EXPLORE_STRETCH not in at.session_state  # the same selection, sent again, is not re-applied
    assert translate("en", "explore.select.brush_help") in visible_text(at)
    _brush(at, 450.5, 455.5)
    assert at.session_state[state.EXPLORE_STRETCH] == (451, 456)


def test_cell_state_and_unit_orders(taught):
    at = _with_model("en", taught["model"])
    assert at.radio(key=state.EXPLORE_STATE).options == [translate("en", "gate.hidden"), translate("en", "gate.cell")]
    at.radio(key=state.EXPLORE_STATE).set_value("cell").run()
    assert at.slider(key=state.EXPLORE_THRESHOLD).max == pytest.approx(at.session_state[state.EXPLORE_TRACE][3].c_range)
    for name in ("number", "memory", "input", "peak", "cluster"):
        at.selectbox(key=state.EXPLORE_ORDER).set_value(name).run()
        assert not at.exception, [e.value for e in at.exception]
    assert translate("en", "explore.select.heatmap_title", state="cell state") in visible_text(at)


def test_a_gru_has_no_cell_state_and_orders_by_its_update_gate():
    at = _with_model("pt-BR", cell="gru")
    assert at.radio(key=state.EXPLORE_STATE).options == [translate("pt-BR", "gate.hidden")]
    assert translate("pt-BR", "explore.order.memory", gate="portão de atualização") in at.selectbox(
        key=state.EXPLORE_ORDER).options
    assert_no_missing_keys(at)


def test_a_model_of_other_data_is_reported_stale():
    at = _with_model("en")
    at.switch_page("views/data.py").run()
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert translate("en", "explore.stale_model") in visible_text(at)


def test_a_seasonal_series_with_dates_reads_the_point_one_season_back():
    at = open_app("pt-BR", timeout=120)
    at.switch_page("views/data.py").run()
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    loaded = at.session_state[state.SERIES]
    assert loaded.season_length == 12 and loaded.frequency is not None
    config = trainer.default_config(loaded, epochs=1, hidden_size=8)
    fc = Forecaster(config)
    at.session_state[state.MODEL] = state.TrainedModel(fc, fc.fit(loaded.series.to_numpy(dtype=float)), config,
                                                       loaded.key)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    text = visible_text(at)
    lean = template_re(translate("pt-BR", "explore.drivers.leans"))
    not_lean = template_re(translate("pt-BR", "explore.drivers.not_leans"))
    assert lean.search(text) or not_lean.search(text)
    assert translate("pt-BR", "explore.drivers.no_season") not in text
    dates = loaded.series.index
    _brush(at, str(dates[-40].date()), str(dates[-30].date()))  # a date axis sends its x as date text
    assert at.session_state[state.EXPLORE_STRETCH] == (loaded.n - 40, loaded.n - 30)
    assert_no_missing_keys(at)



def test_a_bidirectional_two_layer_model_offers_its_layers_and_directions():
    at = _with_model("en", bidirectional=True, num_layers=2)
    at.selectbox(key=state.EXPLORE_LAYER).set_value(1).run()
    at.selectbox(key=state.EXPLORE_DIRECTION).set_value("backward").run()
    assert not at.exception, [e.value for e in at.exception]
    _brush(at, 500.5, 510.5)
    assert at.session_state[state.EXPLORE_STRETCH] == (501, 511)
    assert _bars(at) == 1
    assert_no_missing_keys(at)
