"""The teaching default path: its series, its network's settings, and every sentence said about its picture.

The default model is trained once (about 2 s) with the settings the Train page uses; the sentences of the
Gates page and of the lesson are then checked against its trace with plain NumPy, not with the functions that
wrote them.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from benchmarks.teaching import TARGET_BLANK, TARGET_CHANGE, TARGET_CHANGED_GATES, TARGET_HELD, run_path
from datasets import synthetic
from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import state, teaching, trainer
from ui.i18n import translate
from ui.legibility import near_blank
from ui.lesson_text import about_my_network, first_window_gates, replay_reveal
from ui.plots.colors import cell_range
from ui.reading import gate_reading


@functools.cache
def _path() -> dict:
    return run_path(state.teaching_series(), {}, seed=0)


@functools.cache
def _default() -> tuple:
    loaded = state.teaching_series()
    fc = Forecaster(trainer.default_config(loaded))
    values = loaded.series.to_numpy(dtype=float)
    fc.fit(values)
    return fc, values


def _jump_steps(x: np.ndarray) -> np.ndarray:
    dev = np.abs(x - np.median(x))
    return dev > 3 * 1.4826 * np.median(dev)


def _held(forget: np.ndarray, unit: int) -> bool:
    return float((forget[:, unit] > 0.9).mean()) > 0.5


def test_the_echo_series_brings_every_pulse_back_after_the_delay():
    y = synthetic.generate("echo", seed=3, length=300, delay=7, gap=5, noise=0.0).to_numpy()
    pulses = np.flatnonzero(y != 0)
    assert pulses.size >= 10
    firsts = pulses[::2]
    np.testing.assert_array_equal(pulses[1::2], firsts[: pulses[1::2].size] + 7)
    np.testing.assert_array_equal(y[firsts[: pulses[1::2].size] + 7], y[firsts[: pulses[1::2].size]])
    assert (np.diff(firsts) >= 7 + 5).all() and np.abs(y[pulses]).min() >= 0.5 and np.abs(y).max() <= 1.0


def test_a_newcomer_starts_on_the_teaching_series_with_its_settings():
    loaded = state.teaching_series()
    assert teaching.is_default(loaded.ref, loaded.source)
    cfg = trainer.default_config(loaded)
    for key, value in teaching.TRAIN_DEFAULTS.items():
        assert getattr(cfg, key) == value, key
    assert cfg.window >= 2 * teaching.PARAMS["delay"]  # a pulse and its echo fit in one window
    assert trainer.default_config(loaded, hidden_size=32).hidden_size == 32  # the learner's choice wins
    bundled = state.bundled_series(state.default_dataset_id())
    assert trainer.default_config(bundled).forget_bias == 0.0  # real series keep the plain defaults


def test_forget_bias_opens_only_the_forget_gates_and_is_saved():
    cfg = ForecastConfig(hidden_size=3, window=4, horizon=2, forget_bias=2.0, epochs=1, ensemble=1)
    plain = Forecaster(ForecastConfig(**{**cfg.to_dict(), "forget_bias": 0.0}))._build(0).net.params
    opened = Forecaster(cfg)._build(0).net.params
    diff = opened["bias_ih_l0"] - plain["bias_ih_l0"]
    np.testing.assert_allclose(diff, [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])  # PyTorch order i, f, g, o
    np.testing.assert_array_equal(opened["bias_hh_l0"], plain["bias_hh_l0"])
    assert ForecastConfig.from_dict(cfg.to_dict()).forget_bias == 2.0
    with pytest.raises(CoreError) as exc:
        ForecastConfig(forget_bias=float("inf")).validate()
    assert exc.value.params["field"] == "forget_bias"


def test_the_cell_scale_is_a_round_number_near_the_99th_percentile():
    c = np.concatenate([np.linspace(-1.8, 1.8, 995), np.full(5, 40.0)])
    assert cell_range(c) == 2.0  # the five outliers no longer leave the panel white
    assert cell_range(np.array([0.01, -0.02])) == 0.1
    assert cell_range(np.array([np.nan, 3.1])) == 5.0


def test_the_default_path_meets_the_legibility_targets():
    """Issue #14's targets on the default path, seed 0 (``python -m benchmarks.teaching`` prints all seeds)."""
    run = _path()
    assert run["first_epoch"] == 0, "the replay starts at the untrained network"
    assert len(run["held"]) >= TARGET_HELD
    assert sum(run["change"][g] >= TARGET_CHANGE for g in ("input", "forget", "output")) >= TARGET_CHANGED_GATES
    assert max(f["blank"] for f in run["figures"].values()) <= TARGET_BLANK
    assert run["figures"]["forget"]["spread"] > 0.12 and run["figures"]["input"]["spread"] > 0.12  # no stripes


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_what_the_gates_page_says_holds_for_the_default_picture(lang):
    fc, values = _default()
    gates, x = first_window_gates(fc, values)
    lines = gate_reading(gates, 0, 0, "lstm", "0", lang, values=x)
    forget = gates["forget"]
    H = forget.shape[1]
    held = [u for u in range(H) if _held(forget, u)]
    assert len(held) >= 3
    expected = translate(lang, "gates.read.long_memory", n=len(held), total=H, units=", ".join(map(str, held)))
    assert expected in lines
    at = _jump_steps(x)
    assert at.sum() >= 4, "the window holds pulses"
    reacting = [line for line in lines if re.search(r"\b(opens|shuts|se abre|se fecha)\b", line)]
    assert reacting, lines
    names = {translate(lang, f"gate.{g}").lower(): g for g in ("forget", "input", "output")}
    for line in reacting:
        gate = next(g for label, g in names.items() if label in line.lower())
        unit = int(re.search(r"(?:unit|unidade) (\d+)", line).group(1))
        diff = gates[gate][at, unit].mean() - gates[gate][~at, unit].mean()
        assert abs(diff) >= 0.15 and (diff > 0) == bool(re.search(r"opens|se abre", line)), line
        value = float(re.search(r"(\d+[.,]\d+)", line).group(1).replace(",", "."))
        assert value == pytest.approx(abs(diff), abs=0.006)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_lessons_answers_hold_for_the_default_network(lang):
    fc, values = _default()
    model = state.TrainedModel(forecaster=fc, history=fc.history, config=fc.config, data_key="")
    lines = about_my_network("gates", model, None, values, lang)
    gates, x = first_window_gates(fc, values)
    forget = gates["forget"]
    units = [int(u) for u in re.search(r"(?:units|unidades) ([\d, ]+)", lines[0]).group(1).split(", ")]
    assert units and all(_held(forget, u) for u in units)
    assert len(units) == sum(_held(forget, u) for u in range(forget.shape[1]))
    assert len(lines) == 2, "a unit clears its memory at the pulses"
    unit = int(re.search(r"(?:Unit|unidade) (\d+)", lines[1]).group(1))
    at = _jump_steps(x)
    assert forget[at, unit].mean() - forget[~at, unit].mean() <= -0.15
    assert about_my_network("gates", None, None, values, lang) == [translate(lang, "lesson.mine.untrained")]


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_replay_answer_names_the_gate_that_moved_most(lang):
    rng = np.random.default_rng(0)
    first = {g: 0.5 + 0.02 * rng.standard_normal((10, 4)) for g in ("forget", "input", "output")}
    last = {**first, "input": np.where(rng.random((10, 4)) > 0.5, 0.97, 0.03)}
    text = replay_reveal(first, last, 0, 40, lang)
    assert translate(lang, "gate.input").lower() in text and " 0 " in text.replace("0 %", "")
    ends = [m for m in re.findall(r"(\d+) %", text)]
    assert ends[-1] == "33"  # a third of all sigmoid-gate values reached an end: input's, all of them


def test_near_blank_reads_each_scale():
    assert near_blank("forget", np.array([0.05, 0.5, 0.95, 0.02])) == 0.5
    assert near_blank("cell", np.array([0.1, -3.0, 1.0]), c_range=5.0) == pytest.approx(1 / 3)
