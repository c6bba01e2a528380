"""The Clamp page's reading: what the forced gate means, what froze, how far the states and forecast moved."""

import numpy as np
import pytest

from lstm_core import Clamp
from ui.cell_values import demo_input, demo_net
from ui.clamp_text import clamp_reading
from ui.clamping import CLAMPABLE, run_pair, summary
from ui.i18n import fmt_num, translate

LANGS = ["pt-BR", "en"]
X = demo_input(np.cos(np.arange(30) / 4.0))


def clamped(kind, gate, value, steps=(0, 24)):
    res = run_pair(demo_net(kind), X, Clamp(gate=gate, value=value, steps=steps))
    return summary(res, kind, steps, None)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind, gate", [(k, g) for k in CLAMPABLE for g in CLAMPABLE[k]])
def test_reading_has_no_missing_key_and_the_numbers(kind, gate, lang):
    value = 0.25
    s = clamped(kind, gate, value)
    text = clamp_reading(kind, gate, value, s, None, 1.0, lang)
    assert "⟦" not in text
    assert fmt_num(value, 2, lang) in text
    assert fmt_num(s["hidden_mean"], 3, lang) in text and fmt_num(s["hidden_max"], 3, lang) in text
    gate_name = translate(lang, f"gate.{gate}")
    assert gate_name[:1].lower() + gate_name[1:] in text  # the gate named mid-sentence


@pytest.mark.parametrize("lang", LANGS)
def test_effect_follows_the_value_and_a_frozen_state_is_named(lang):
    high = clamp_reading("LSTM", "forget", 1.0, clamped("LSTM", "forget", 1.0), None, 1.0, lang)
    low = clamp_reading("LSTM", "forget", 0.0, clamped("LSTM", "forget", 0.0), None, 1.0, lang)
    assert translate(lang, "clamp.effect.forget_high") in high
    assert translate(lang, "clamp.effect.forget_low") in low
    s = clamped("GRU", "update", 1.0)
    assert s["frozen"] == "hidden"
    text = clamp_reading("GRU", "update", 1.0, s, None, 1.0, lang)
    state = translate(lang, "gate.hidden")
    assert translate(lang, "clamp.read.frozen", state=state[:1].lower() + state[1:]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_forecast_change_in_the_language_with_its_share_of_the_spread(lang):
    s = clamped("LSTM", "input", 0.0)
    forecast = (np.array([10.0, 11.0, 12.0]), np.array([10.5, 13.5, 12.0]))
    text = clamp_reading("LSTM", "input", 0.0, s, forecast, 5.0, lang)
    assert fmt_num(1.0, 3, lang) in text  # mean |Δ| = (0.5 + 2.5 + 0) / 3
    assert fmt_num(2.5, 3, lang) in text  # max |Δ|
    assert "50%" in text  # 2.5 of a spread of 5
    no_spread = clamp_reading("LSTM", "input", 0.0, s, forecast, 0.0, lang)
    assert "—" in no_spread and "%" not in no_spread
    assert "⟦" not in text + no_spread


def test_languages_differ():
    s = clamped("LSTM", "output", 1.0)
    assert clamp_reading("LSTM", "output", 1.0, s, None, 1.0, "pt-BR") != clamp_reading(
        "LSTM", "output", 1.0, s, None, 1.0, "en")
