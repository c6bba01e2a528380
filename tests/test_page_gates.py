"""Gates page: without a model (one-click training), with a model, cursor/unit/layer changes never retrain or
re-trace, window changes re-trace once, GRU and bidirectional 2-layer models render every panel, both languages."""

import pytest

from lstm_core.forecast import Forecaster
from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state, trainer
from ui.i18n import translate

PAGE = "views/gates.py"


def _with_model(lang="en", **cfg):
    """Open the app, put a small trained model for the default series in the session, open the Gates page."""
    at = open_app(lang, timeout=120)
    loaded = at.session_state[state.SERIES]
    config = trainer.default_config(loaded, epochs=1, hidden_size=8, **cfg)
    fc = Forecaster(config)
    hist = fc.fit(loaded.series.to_numpy(dtype=float))
    at.session_state[state.MODEL] = state.TrainedModel(fc, hist, config, loaded.key)
    at.session_state[state.TRAIN_RUNS] = 0
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at):
    return at.get("plotly_chart")


def test_without_a_model_offers_one_click_training():
    at = open_app("en", page=PAGE, timeout=120)
    assert translate("en", "gates.no_model") in visible_text(at)
    assert not _charts(at)
    at.button(key="gates.train_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state[state.TRAIN_JOB]
    loaded = at.session_state[state.SERIES]
    assert job.config == trainer.default_config(loaded)  # the default model, no settings asked
    assert at.session_state[state.TRAIN_RUNS] == 1
    assert translate("en", "gates.training_now") in visible_text(at)
    while len(job.progress()) < 1 and not job.done:  # one epoch is enough for this test: then Stop
        job.wait(0.05)
    job.request_stop()
    assert job.wait(60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.MODEL] is job.result
    assert len(_charts(at)) == 4  # heatmaps, unit curves, cell composition, saturation


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_view_changes_never_retrain_or_retrace(lang):
    at = _with_model(lang)
    assert len(_charts(at)) == 4
    heat = _charts(at)[0]
    assert heat.proto.spec  # the heatmap figure was sent
    assert at.session_state[state.GATES_TRACE_COUNT] == 1
    at.select_slider(key=state.GATES_CURSOR).set_value(3).run()
    at.selectbox(key=state.GATES_UNIT).set_value(5).run()
    assert not at.exception
    assert at.session_state[state.GATES_TRACE_COUNT] == 1  # the trace came from the cache
    assert at.session_state[state.TRAIN_RUNS] == 0  # nothing was trained
    assert translate(lang, "gates.unit_title", unit=5) in visible_text(at)
    n = at.session_state[state.SERIES].n
    at.slider(key=state.GATES_WINDOW).set_value((n - 60, n - 10)).run()
    assert not at.exception
    assert at.session_state[state.GATES_TRACE_COUNT] == 2  # a new window is traced once
    assert len(at.select_slider(key=state.GATES_CURSOR).options) == 50
    at.select_slider(key=state.GATES_CURSOR).set_value(0).run()
    assert at.session_state[state.GATES_TRACE_COUNT] == 2
    assert_no_missing_keys(at)


@pytest.mark.parametrize("cfg", [dict(cell="gru"), dict(bidirectional=True, num_layers=2)])
def test_gru_and_bidirectional_two_layer_models_render_every_panel(cfg):
    at = _with_model("pt-BR", **cfg)
    if cfg.get("num_layers") == 2:
        at.selectbox(key=state.GATES_LAYER).set_value(1).run()
        at.radio(key=state.GATES_DIRECTION).set_value("backward").run()
        assert not at.exception, [e.value for e in at.exception]
        assert translate("pt-BR", "gates.upper_layer", below=1) in visible_text(at)
        assert len(_charts(at)) == 4
    else:
        assert len(_charts(at)) == 3  # no cell state to compose: an explanation instead
        assert translate("pt-BR", "gates.no_cell.gru") in visible_text(at)
        assert any(translate("pt-BR", "gates.read.gru_reset", pct="")[:20] in m.value for m in at.markdown)
    assert at.session_state[state.GATES_TRACE_COUNT] == 1
    assert_no_missing_keys(at)


def test_model_trained_on_other_data_is_reported_stale():
    at = _with_model("en")
    at.switch_page("views/data.py").run()
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert translate("en", "gates.stale_model") in visible_text(at)
    assert not _charts(at)
