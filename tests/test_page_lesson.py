"""AppTest: the Guided lesson page in both languages and in classroom mode."""

from __future__ import annotations

import pytest

from datasets.synthetic import memory_task
from lstm_core.memory import MemoryConfig, init_gradients, task_shape
from tests.conftest import assert_no_missing_keys, open_app, visible_text
from ui.i18n import fmt_num


def _rnn_first_step_share() -> float:
    """Independent recomputation of the number the lesson shows (adding problem, lag 20, test seed)."""
    T, _ = task_shape("adding", 20)
    X, Y = memory_task("adding", 128, T, seed=1000)
    return init_gradients(X, Y, MemoryConfig(), kinds=("RNN",))["RNN"].first_to_last()

PAGE = "views/lesson.py"
# url paths app.py registers for the pages the steps use (page links carry the url path)
STEP_PAGES = ["choose-data", "train-network", "watch-gates", "inside-the-cell", "what-if-clamp",
              "vanishing-gradients", "training-replay"]


@pytest.mark.parametrize("lang,classroom", [("en", False), ("pt-BR", False), ("en", True), ("pt-BR", True)])
def test_every_step_links_its_page_asks_and_reveals(lang, classroom):
    at = open_app(lang, classroom=classroom, page=PAGE)
    assert_no_missing_keys(at)
    links = [str(el.proto.page) for el in at.get("page_link")]
    for page in STEP_PAGES:
        assert page in links, page
    assert len(at.expander) == 7  # one reveal per step
    text = visible_text(at)
    assert ("Ask the room:" if lang == "en" else "Pergunte à turma:") in text
    # the links keep language and classroom mode
    params = [dict(kv.split("=") for kv in el.proto.query_string.split("&")) for el in at.get("page_link")]
    assert all(p.get("lang") == lang for p in params)
    assert all((p.get("classroom") == "1") == classroom for p in params)
    # the vanishing reveal carries the measured share of the untrained RNN, not a placeholder
    rnn = _rnn_first_step_share()
    digits = 1
    while round(rnn, digits) == 0:
        digits += 1
    expected = fmt_num(rnn, digits, lang=lang)
    assert any(expected in m.value and "{" not in m.value for m in at.markdown), expected


def test_classroom_tip_only_outside_classroom_mode():
    assert len(open_app("en", page=PAGE).info) == 1
    assert len(open_app("en", classroom=True, page=PAGE).info) == 0
