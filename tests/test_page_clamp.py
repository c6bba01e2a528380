"""Gate clamping (AppTest): demo and trained sources, LSTM and GRU, clamps change results, the page's forecast
numbers equal a direct NumPy computation, languages, classroom mode."""

import numpy as np

from lstm_core import ForecastConfig, Forecaster
from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state

PAGE = "views/clamp.py"


def errors(at):
    return [e.value for e in at.exception]


def reading(at) -> str:
    return next(str(m.value) for m in at.markdown if "forced" in str(m.value) or "forçou" in str(m.value))


def with_model(at, cell: str):
    """Fit a tiny model on the loaded series (as the Train page does), then open the page."""
    loaded = at.session_state[state.SERIES]
    cfg = ForecastConfig.auto(loaded.n, loaded.season_length, recipe=False, hidden_size=4, epochs=1, ensemble=1, cell=cell)
    fc = Forecaster(cfg)
    history = fc.fit(loaded.series.to_numpy())
    at.session_state[state.MODEL] = state.TrainedModel(fc, history, cfg, loaded.key)
    at.switch_page(PAGE).run()
    assert not at.exception, errors(at)
    return fc


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def numpy_forecast(fc, values, gate=None, value=None, steps=(0, 0)):
    """Member 0's direct forecast written out in NumPy: scale, LSTM loop with the gate forced, head, unscale."""
    cfg = fc.config
    window = values[-cfg.window:]
    a = window[-1]  # anchor: the window's last value ("last" scaling)
    x = (window - a) / fc.scaler.scale
    p = {k: v.astype(np.float64) for k, v in fc.models[0].net.params.items()}
    H = cfg.hidden_size
    h, c = np.zeros(H), np.zeros(H)
    for t, xt in enumerate(x):
        z = p["weight_ih_l0"][:, 0] * xt + p["bias_ih_l0"] + p["weight_hh_l0"] @ h + p["bias_hh_l0"]
        i, f, g, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), sigmoid(z[3 * H:])
        if gate == "forget" and steps[0] <= t < steps[1]:
            f = np.full(H, value)
        c = f * c + i * g
        h = o * np.tanh(c)
    head = fc.models[0].head.params
    return a + fc.scaler.scale * (head["weight"].astype(np.float64) @ h + head["bias"])


def test_demo_lstm_gate_change_resets_value_and_changes_results():
    at = open_app("en", page=PAGE)
    assert "untrained demo LSTM" in visible_text(at)
    assert at.selectbox(key=state.CLAMP_GATE).value == "forget"
    assert at.slider(key=state.CLAMP_VALUE).value == 1.0
    first = reading(at)
    assert "forget gate to 1.00" in first
    assert len(at.get("plotly_chart")) == 2  # difference heatmaps, unit curves (no forecast without a model)
    at.selectbox(key=state.CLAMP_GATE).set_value("input").run()
    assert not at.exception, errors(at)
    assert at.slider(key=state.CLAMP_VALUE).value == 0.0
    second = reading(at)
    assert "input gate to 0.00" in second and second != first
    at.slider(key=state.CLAMP_STEPS).set_value((20, 23)).run()
    assert reading(at) != second
    assert_no_missing_keys(at)


def test_units_subset_and_empty_choice():
    at = open_app("en", page=PAGE)
    at.toggle(key=state.CLAMP_ALL_UNITS).set_value(False).run()
    assert not at.exception, errors(at)
    only_0 = reading(at)
    at.multiselect(key=state.CLAMP_UNITS).set_value([0, 5]).run()
    assert reading(at) != only_0
    at.multiselect(key=state.CLAMP_UNITS).set_value([]).run()
    assert not at.exception, errors(at)
    assert any("at least one unit" in str(w.value) for w in at.warning)


def test_trained_lstm_forecast_numbers_match_numpy():
    at = open_app("en")
    fc = with_model(at, "lstm")
    values = at.session_state[state.SERIES].series.to_numpy(dtype=np.float64)
    W = fc.config.window
    at.slider(key=state.CLAMP_STEPS).set_value((W - 6, W - 1)).run()
    assert not at.exception, errors(at)
    assert "trained LSTM" in visible_text(at)
    table = at.dataframe[0].value
    normal, clamped = table.iloc[:, 1].to_numpy(), table.iloc[:, 2].to_numpy()
    np.testing.assert_allclose(normal, numpy_forecast(fc, values), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(clamped, numpy_forecast(fc, values, "forget", 1.0, (W - 6, W)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(table.iloc[:, 3].to_numpy(), clamped - normal, atol=1e-9)
    assert not np.allclose(normal, clamped)
    assert "The forecast changed by" in reading(at)
    assert len(at.get("plotly_chart")) == 3


def test_trained_gru_in_portuguese():
    at = open_app("pt-BR")
    with_model(at, "gru")
    assert at.selectbox(key=state.CLAMP_GATE).value == "update"
    text = reading(at)
    assert "portão de atualização para 1,00" in text
    assert "congelou o estado oculto" in text  # update gate at 1 on every unit: h stands still
    assert "A previsão mudou" in text
    at.selectbox(key=state.CLAMP_GATE).set_value("reset").run()
    assert not at.exception, errors(at)
    assert at.slider(key=state.CLAMP_VALUE).value == 0.0
    assert_no_missing_keys(at)


def test_classroom_mode_forces_all_units():
    at = open_app("en", classroom=True, page=PAGE)
    assert not [w for w in at.toggle if w.key == state.CLAMP_ALL_UNITS]
    assert not at.exception, errors(at)
    at.radio(key=state.CLAMP_KIND).set_value("GRU").run()
    assert not at.exception, errors(at)
    assert at.selectbox(key=state.CLAMP_GATE).value == "update"
    assert_no_missing_keys(at)
