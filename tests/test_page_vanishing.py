"""AppTest: the Vanishing gradients page, untrained view, one small training click, view changes never retrain."""

from __future__ import annotations

import pytest

from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui import state

PAGE = "views/vanishing.py"


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_untrained_picture_and_reading_without_training(lang):
    at = open_app(lang, page=PAGE, timeout=120)
    assert_no_missing_keys(at)
    text = visible_text(at)
    # the sentence reads real numbers: at lag 20 the plain RNN's share is a power of ten (≈ 10⁻⁴)
    assert "10⁻" in at.info[0].value
    assert len(at.get("plotly_chart")) == 2  # curves + heatmap of the untrained networks
    assert state.VANISH_RESULTS not in at.session_state or not at.session_state[state.VANISH_RESULTS]
    assert ("Train the three networks" if lang == "en" else "Treinar as três redes") in text
    assert len(at.sidebar.caption) >= 2  # the page returns normally, so app.py still draws the sidebar status


def test_small_training_click_then_view_changes_do_not_retrain():
    at = open_app("en", page=PAGE, timeout=120)
    at.select_slider(key=state.VANISH_HIDDEN).set_value(4).run()
    at.slider(key=state.VANISH_EPOCHS).set_value(2).run()
    assert not at.exception
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_missing_keys(at)
    assert at.session_state[state.VANISH_TRAIN_RUNS] == 1
    stored = at.session_state[state.VANISH_RESULTS]
    assert sorted(lag for (_, lag, _) in stored) == [5, 10, 20]
    comp = next(c for (task, lag, _), c in stored.items() if lag == 20)
    assert set(comp.results) == {"RNN", "LSTM", "GRU"} and comp.config.hidden_size == 4
    assert len(at.get("plotly_chart")) == 6  # init ×2, accuracy, trained curves + heatmap, loss
    assert any("answers" in el.value for el in at.success)
    # view-only changes: the gradient measure (fragment) and a lag already trained
    at.radio(key=state.VANISH_MEASURE).set_value("dx").run()
    at.slider(key=state.VANISH_LAG).set_value(10).run()
    assert not at.exception
    assert at.session_state[state.VANISH_TRAIN_RUNS] == 1
    # a lag outside the sweep is not trained until asked
    at.slider(key=state.VANISH_LAG).set_value(7).run()
    assert at.session_state[state.VANISH_TRAIN_RUNS] == 1
    assert any("7" in c.value for c in at.caption)


def test_classroom_mode_hides_the_budget_and_still_works_in_portuguese():
    at = open_app("pt-BR", classroom=True, page=PAGE, timeout=120)
    assert_no_missing_keys(at)
    labels = [s.label for s in at.select_slider]
    assert "Unidades ocultas" not in labels
    assert at.title[0].value == "Desaparecimento do gradiente"


@pytest.mark.parametrize("task", ["recall_first", "delayed_echo"])
def test_every_task_and_a_long_lag_draw_the_untrained_picture(task):
    at = open_app("pt-BR", page=PAGE, timeout=120)
    # (set through the session: AppTest formats option labels outside the session, in English)
    at.session_state[state.VANISH_TASK] = task
    at.session_state[state.VANISH_LAG] = 60
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_missing_keys(at)
    assert "atraso 60" in at.info[0].value
    assert len(at.get("plotly_chart")) == 2
