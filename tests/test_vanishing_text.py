"""ui.vanishing_text: the ratios and sentences of the Vanishing page and the lesson's reveal, in both languages."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from lstm_core.memory import KINDS
from ui import vanishing_text as vt
from ui.i18n import translate

LANGS = ("en", "pt-BR")


@pytest.mark.parametrize("x,en,pt", [
    (0.0003, "10⁻⁴", "10⁻⁴"),  # log10 = −3.5 rounds to −4
    (0.002, "10⁻³", "10⁻³"),
    (1e-12, "10⁻¹²", "10⁻¹²"),
    (0.4, "0.40", "0,40"),  # not small: two decimals in the language's style
    (0.05, "0.05", "0,05"),
    (2.5, "2.50", "2,50"),
])
def test_ratio_text_as_a_power_of_ten(x, en, pt):
    assert vt.ratio_text(x, "en") == en
    assert vt.ratio_text(x, "pt-BR") == pt


@pytest.mark.parametrize("x,en,pt", [
    (0.0002, "0.0002", "0,0002"),
    (0.00017, "0.0002", "0,0002"),  # enough digits for the first significant one
    (0.04, "0.04", "0,04"),
    (0.4, "0.4", "0,4"),
])
def test_ratio_text_as_a_decimal(x, en, pt):
    assert vt.ratio_text(x, "en", power=False) == en
    assert vt.ratio_text(x, "pt-BR", power=False) == pt


@pytest.mark.parametrize("x", [0.0, -1.0, math.nan, math.inf])
@pytest.mark.parametrize("power", [True, False])
def test_ratio_text_of_nothing_is_zero(x, power):
    assert vt.ratio_text(x, "en", power=power) == "0"


@pytest.mark.parametrize("acc,chance,key", [
    (0.8, 0.1, "vanishing.read.learned"),
    (0.95, 0.9, "vanishing.read.learned"),
    (0.3, 0.1, "vanishing.read.partly"),  # 0.15 above guessing
    (0.2, 0.1, "vanishing.read.guessing"),
    (0.1, 0.1, "vanishing.read.guessing"),
])
def test_verdict_key(acc, chance, key):
    assert vt.verdict_key(acc, chance) == key


def _profiles() -> dict[str, np.ndarray]:
    return {"RNN": np.array([2e-5, 0.1, 1.0]), "LSTM": np.array([0.03, 0.5, 1.0]), "GRU": np.array([0.3, 0.6, 1.0])}


@pytest.mark.parametrize("lang", LANGS)
def test_init_sentence_reads_the_first_step(lang):
    text = vt.init_sentence(_profiles(), 20, lang)
    assert text == translate(lang, "vanishing.read.init", lag=20, rnn="10⁻⁵", lstm="10⁻²",
                             gru=vt.ratio_text(0.3, lang))
    assert "{" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_trained_gradient_sentence_names_the_measure(lang):
    text = vt.trained_gradient_sentence(_profiles(), 10, "dx", lang)
    assert translate(lang, "vanishing.measure_opts.dx") in text and "10⁻⁵" in text and "{" not in text


def _results(accuracies: dict[str, float]) -> dict[str, SimpleNamespace]:
    return {k: SimpleNamespace(accuracy=a, chance=0.1, seconds=1.25) for k, a in accuracies.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_trained_reading_one_bullet_per_kind(lang):
    res = _results({"RNN": 0.12, "LSTM": 0.9, "GRU": 0.4})
    lines = vt.trained_reading(res, 20, 30, lang).split("\n")
    assert lines[0] == translate(lang, "vanishing.read.trained_intro", lag=20, epochs=30, chance="10")
    assert len(lines) == 1 + len(KINDS) and all(line.startswith("- ") for line in lines[1:])
    want = {"RNN": ("vanishing.read.guessing", "12"), "LSTM": ("vanishing.read.learned", "90"),
            "GRU": ("vanishing.read.partly", "40")}
    for line, kind in zip(lines[1:], KINDS):
        key, acc = want[kind]
        assert line == "- " + translate(lang, key, kind=vt.kind_label(kind, lang), acc=acc)


@pytest.mark.parametrize("lang,secs", [("en", "1.2 s"), ("pt-BR", "1,2 s")])
def test_timing_text(lang, secs):
    text = vt.timing_text(_results({k: 0.5 for k in KINDS}), 5, lang)
    times = " · ".join(f"{vt.kind_label(k, lang)} {secs}" for k in KINDS)
    assert text == translate(lang, "vanishing.trained.timing", lag=5, times=times)


@pytest.mark.parametrize("lang", LANGS)
def test_lesson_reveal_shows_decimals(lang):
    text = vt.lesson_reveal({"RNN": 0.00021, "LSTM": 0.03, "GRU": 0.2}, 20, lang)
    mark = "," if lang == "pt-BR" else "."
    assert f"0{mark}0002" in text and f"0{mark}03" in text and "{" not in text
