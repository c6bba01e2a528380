"""AppTest: the Gates, Training replay and Inside-the-cell pages each carry a player (Play / Pause / step / speed)
over the frames of their figures; its labels say the same as the page's cursor, units and epochs; the Gates page's
figures stay under 3 MB of JSON at the default window. (That pressing Play advances frames in a real browser without
a rerun is ``tests/e2e/test_animation.py``.)"""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import quote

import pytest

from lstm_core.forecast import Forecaster
from tests.conftest import assert_no_missing_keys, open_app
from ui import state, trainer
from ui.i18n import translate
from ui.reading import time_label

MB = 1_000_000


def players(at) -> list[str]:
    return [el.proto.body for el in at.get("html") if "data-lstm-player" in el.proto.body]


def js_config(body: str, name: str):
    return json.loads(re.search(rf"var {name} = (.*?);\n", body).group(1))


def specs(at) -> dict[str, dict]:
    """``{chart key after the page's prefix: figure}`` of the page's Plotly charts (``gates.heatmaps`` → ``heatmaps``)."""
    return {chart.proto.id.split("-")[-1].split(".", 1)[-1]: json.loads(chart.proto.spec)
            for chart in at.get("plotly_chart")}


@functools.cache
def default_model():
    """The default model's settings (its size and window) for the session's first series, trained one epoch."""
    at = open_app("en", timeout=120)
    loaded = at.session_state[state.SERIES]
    config = trainer.default_config(loaded, epochs=1)
    fc = Forecaster(config)
    history = fc.fit(loaded.series.to_numpy(dtype=float))
    return state.TrainedModel(fc, history, config, loaded.key)


def gates_page(lang: str):
    at = open_app(lang, timeout=120)
    at.session_state[state.MODEL] = default_model()
    at.switch_page("views/gates.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_gates_player_sweeps_the_cursor_and_says_what_the_cursor_says(lang):
    at = gates_page(lang)
    assert_no_missing_keys(at)
    (body,) = players(at)
    assert 'data-act="play"' in body and translate(lang, "player.play") in body
    cursor = at.select_slider(key=state.GATES_CURSOR)
    T = len(cursor.options)
    charts, cfg = js_config(body, "charts"), js_config(body, "cfg")
    assert [c["cls"] for c in charts] == ["st-key-gates-heatmaps", "st-key-gates-unit_curves", "st-key-gates-composition"]
    assert cfg["n"] == T and all(len(c["moves"]) == T for c in charts)
    loaded = at.session_state[state.SERIES]
    start, _ = at.session_state[state.GATES_WINDOW]
    for k in (0, T // 2):
        cursor.set_value(k).run()
        cursor = at.select_slider(key=state.GATES_CURSOR)
        stamp = time_label(loaded.series.index[start + k])  # the series' own time stamp, not the window index
        assert cursor.options[k] == stamp  # what the cursor slider shows
        (body,) = players(at)
        cfg = js_config(body, "cfg")
        assert cfg["start"] == k and stamp in cfg["labels"][k]
        caption = next(c.value for c in at.caption if c.value == cfg["labels"][k])  # caption and player agree
        assert stamp in caption
        heat = specs(at)["heatmaps"]
        label = next(im for im in heat["layout"]["images"] if im["name"] == "cursor_label")
        assert quote(stamp) in label["source"]  # and so does the cursor's label in the figure
        moves = js_config(body, "charts")[0]["moves"]
        assert any(quote(stamp) in str(v) for v in moves[k].values())


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_unit_named_in_the_text_is_a_row_name_on_the_heatmaps(lang):
    at = gates_page(lang)
    at.selectbox(key=state.GATES_UNIT).set_value(5).run()
    name = translate(lang, "plot.gates.unit_n", n=5)
    assert at.selectbox(key=state.GATES_UNIT).options[5] == name  # the picker says "unit 5" too
    heat = specs(at)["heatmaps"]
    rows = [tr for tr in heat["data"] if tr["type"] == "heatmap"]
    for tr in rows:
        axis = heat["layout"]["yaxis" + tr["yaxis"][1:]]
        assert name in axis["tickvals"] and name in tr["y"]
    # every "unit N" the reading under the heatmaps cites is the name of a row the reader can find
    word = translate(lang, "plot.gates.unit_n", n=0).split()[0]
    reading = "\n".join(m.value for m in at.markdown)
    cited = set(re.findall(rf"{word} (\d+)", reading, flags=re.I))
    assert "5" in cited
    assert {translate(lang, "plot.gates.unit_n", n=int(u)) for u in cited} <= set(rows[0]["y"])
    assert translate(lang, "gates.unit_title", unit=5) in [s.value for s in at.subheader]


def test_gates_figures_stay_under_3_mb_at_the_default_window():
    at = gates_page("en")
    sizes = {chart.proto.id: len(chart.proto.spec) for chart in at.get("plotly_chart")}
    player_bytes = sum(len(b) for b in players(at))
    assert len(sizes) == 4
    assert sum(sizes.values()) + player_bytes < 3 * MB, (sizes, player_bytes)


@functools.cache
def replay_job():
    at = open_app("en", timeout=120)
    loaded = at.session_state[state.SERIES]
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=3, hidden_size=6, patience=0)).start()
    assert job.wait(120)
    assert [s.epoch for s in job.replay.snapshots][:1] == [0]
    return job


@pytest.mark.parametrize("lang,before", [("en", "before training"), ("pt-BR", "antes do treino")])
def test_replay_player_plays_every_snapshot_and_epoch_0_is_before_training(lang, before):
    job = replay_job()
    at = open_app(lang)
    at.session_state[state.REPLAY] = job.replay
    at.session_state[state.TRAIN_JOB] = job
    at.switch_page("views/replay.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (body,) = players(at)
    n = len(job.replay.snapshots)
    cfg, charts = js_config(body, "cfg"), js_config(body, "charts")
    assert 'data-act="play"' in body and cfg["n"] == n and cfg["start"] == n - 1
    assert before in cfg["labels"][0] and before not in cfg["labels"][-1]
    assert [c["cls"] for c in charts] == ["st-key-replay-heatmaps", "st-key-replay-loss", "st-key-replay-saturation",
                                          "st-key-replay-means"]
    figs = specs(at)
    assert [f["name"] for f in figs["heatmaps"]["frames"]] == charts[0]["frames"]
    assert len(figs["saturation"]["frames"]) == n and len(charts[1]["moves"]) == n
    at.select_slider(key=state.REPLAY_EPOCH).set_value(0).run()
    assert not at.exception
    assert any(before.split()[0] in m.value.lower() for m in at.markdown)  # the reading says it too
    assert before in [a["text"] for a in specs(at)["loss"]["layout"]["annotations"]]
    assert_no_missing_keys(at)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_cell_player_holds_every_step_of_the_window(lang):
    at = open_app(lang, page="views/cell.py")
    (body,) = players(at)
    steps = js_config(body, "steps")
    slider = at.slider(key=state.CELL_STEP)
    assert len(steps) == slider.max + 1 and 'data-act="play"' in body
    at.button(key="cell.next_btn").click().run()
    (body,) = players(at)
    assert js_config(body, "cfg")["start"] == 1 == at.slider(key=state.CELL_STEP).value
    assert js_config(body, "cfg")["labels"][1] in [c.value for c in at.caption]  # the caption and the player agree
