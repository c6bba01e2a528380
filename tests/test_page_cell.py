"""Inside the cell (AppTest): demo and trained sources, LSTM and GRU, stepping in sync, no re-trace, languages, and
the view that plays every step in the browser (its Play button, its equations at the chosen step)."""

import html
import re

import pytest

from lstm_core import ForecastConfig, Forecaster
from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state
from ui.cell_text import num
from ui.cell_values import layer_arrays, step_values
from ui.i18n import translate

PAGE = "views/cell.py"


def errors(at):
    return [e.value for e in at.exception]


def step(at) -> int:
    return int(at.slider(key=state.CELL_STEP).value)


def view(at) -> str:
    """The HTML of the cell view (diagram, reading, equations and player), the page's one ``st.html`` block."""
    blocks = [el.proto.body for el in at.get("html") if "data-cell-view" in el.proto.body]
    assert len(blocks) == 1, len(blocks)
    return blocks[0]


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def equations(at) -> str:
    """The equations as the reader sees them at the step the page opened the view on (the rendered rows)."""
    rows = re.findall(r'<div class="cv-row">(.*?)</div></div>', view(at))
    return "\n".join(plain(row) for row in rows)


def reading(at) -> str:
    return plain(re.search(r'data-role="read">(.*?)</p>', view(at)).group(1))


def with_model(at, cell: str, counter: list | None = None):
    """Fit a tiny model on the loaded series and put it in the session, as the Train page does, then open the page
    (``at`` is the app on another page, as when the user trains first)."""
    loaded = at.session_state[state.SERIES]
    cfg = ForecastConfig.auto(loaded.n, loaded.season_length, hidden_size=5, epochs=1, ensemble=1, cell=cell)
    fc = Forecaster(cfg)
    history = fc.fit(loaded.series.to_numpy())
    if counter is not None:
        original = fc.trace

        def counting(window):
            counter.append(1)
            return original(window)

        fc.trace = counting
    at.session_state[state.MODEL] = state.TrainedModel(fc, history, cfg, loaded.key)
    at.switch_page(PAGE).run()
    assert not at.exception, errors(at)
    return fc


def test_demo_lstm_steps_with_buttons_and_slider_in_sync():
    at = open_app("en", page=PAGE)
    text = visible_text(at)
    assert "untrained demo LSTM" in text
    assert not at.get("plotly_chart") and 'data-act="play"' in view(at)  # the drawing and its player are one view
    assert translate("en", "player.play") in view(at) and "⟦" not in view(at)
    assert_no_missing_keys(at)
    assert step(at) == 0
    before = equations(at)
    at.button(key="cell.next_btn").click().run()
    assert not at.exception, errors(at)
    assert step(at) == 1
    assert equations(at) != before
    at.slider(key=state.CELL_STEP).set_value(10).run()
    at.button(key="cell.prev_btn").click().run()
    assert step(at) == 9
    at.selectbox(key=state.CELL_UNIT).set_value(3).run()
    assert not at.exception, errors(at)
    assert "unit 3" in reading(at)


def test_demo_gru_in_portuguese():
    at = open_app("pt-BR", page=PAGE)
    at.radio(key=state.CELL_KIND).set_value("GRU").run()
    assert not at.exception, errors(at)
    text = visible_text(at)
    assert "GRU de demonstração sem treino" in text
    assert "Portão de atualização (z)" in text and "Portão de reinício (r)" in text
    assert "nt = tanh(" in equations(at) and re.search(r"\d,\d", equations(at))  # decimal comma in the numbers
    assert_no_missing_keys(at)


def test_trained_lstm_numbers_are_the_models_and_stepping_does_not_retrace():
    at = open_app("en")
    calls: list = []
    fc = with_model(at, "lstm", calls)
    assert "Numbers from your trained LSTM" in visible_text(at)
    assert at.slider(key=state.CELL_END).value == at.session_state[state.SERIES].n
    n_calls = len(calls)
    assert n_calls == 1
    for _ in range(3):
        at.button(key="cell.next_btn").click().run()
    at.selectbox(key=state.CELL_UNIT).set_value(2).run()
    assert not at.exception, errors(at)
    assert len(calls) == n_calls  # stepping and picking a unit reuse the cached trace
    # the equations show this model's numbers at step 3, unit 2
    values = at.session_state[state.SERIES].series.to_numpy()
    trace = fc.trace(values[-fc.config.window:])
    v = step_values(layer_arrays(fc.models[0].net, trace), 3, 2)
    assert num(v["hidden"], "en") in equations(at)
    assert num(v["cell"], "en") in equations(at)
    assert float(trace.gate("hidden")[0, 3, 2]) == pytest.approx(v["hidden"])
    # another window is another trace
    n_calls = len(calls)
    at.slider(key=state.CELL_END).set_value(fc.config.window + 5).run()
    assert not at.exception, errors(at)
    assert len(calls) == n_calls + 1


def test_trained_gru_and_the_other_kind_falls_back_to_the_demo():
    at = open_app("en")
    with_model(at, "gru")
    assert at.radio(key=state.CELL_KIND).value == "GRU"
    assert "Numbers from your trained GRU" in visible_text(at)
    assert "zt = σ(" in equations(at)
    at.radio(key=state.CELL_KIND).set_value("LSTM").run()
    text = visible_text(at)
    assert "untrained demo LSTM" in text and "Your trained model is a GRU" in text


def test_classroom_mode_hides_the_window_slider():
    at = open_app("pt-BR", classroom=True)
    with_model(at, "lstm")
    assert not [s for s in at.slider if s.key == state.CELL_END]
    assert "Números do seu LSTM treinado" in visible_text(at)
    at.button(key="cell.next_btn").click().run()
    assert not at.exception, errors(at)
    assert step(at) == 1
    assert_no_missing_keys(at)


def test_short_window_clamps_the_step():
    at = open_app("en")
    with_model(at, "lstm")
    at.slider(key=state.CELL_STEP).set_value(at.slider(key=state.CELL_STEP).max).run()
    last = step(at)
    assert last == at.session_state[state.MODEL].config.window - 1
    assert at.button(key="cell.next_btn").disabled and not at.button(key="cell.prev_btn").disabled
    assert not at.exception


def test_two_layer_bidirectional_model_shows_any_layer_and_direction():
    at = open_app("en")
    loaded = at.session_state[state.SERIES]
    cfg = ForecastConfig.auto(loaded.n, loaded.season_length, hidden_size=3, epochs=1, ensemble=1, cell="lstm",
                              num_layers=2, bidirectional=True)
    fc = Forecaster(cfg)
    history = fc.fit(loaded.series.to_numpy())
    at.session_state[state.MODEL] = state.TrainedModel(fc, history, cfg, loaded.key)
    at.switch_page(PAGE).run()
    assert not at.exception, errors(at)
    at.selectbox(key=state.CELL_LAYER).set_value(1).run()
    at.selectbox(key=state.CELL_DIRECTION).set_value("backward").run()
    assert not at.exception, errors(at)
    trace = fc.trace(loaded.series.to_numpy()[-cfg.window:])
    v = step_values(layer_arrays(fc.models[0].net, trace, 1, "backward"), 0, 0)
    assert num(v["hidden"], "en") in equations(at)
    first_row = equations(at).splitlines()[0]
    numbers = first_row.split(") = σ(", 1)[1]
    assert first_row.startswith("it") and "·" not in numbers.split("+")[0]  # 6 input features: W·x as one sum
