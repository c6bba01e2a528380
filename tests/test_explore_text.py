"""ui.explore_text: the Explore page's sentences say what the numbers say, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from ui import explore_text as text
from ui.explore_select import Match, rank_units
from ui.i18n import translate

LANGS = ("en", "pt-BR")


@pytest.mark.parametrize("lang", LANGS)
def test_drivers_lines_read_reach_peak_and_season(lang):
    row = np.zeros(24)
    row[-1] = 1.0  # lag 0
    row[-1 - 11] = 6.0  # lag 11: one season before step 1 of a 12-season
    lines = text.drivers_lines(row, step=1, season=12, lang=lang)
    assert lines[0] == translate(lang, "explore.drivers.reach", pct="80 %", n=12, window=24)
    assert lines[1] == translate(lang, "explore.drivers.peak", lag=11)
    assert lines[2] == translate(lang, "explore.drivers.leans", lag=11, season=12, pct="86 %",
                                 ratio="20.6" if lang == "en" else "20,6")
    flat = np.ones(24)
    lines = text.drivers_lines(flat, step=1, season=12, lang=lang)
    assert lines[1] == translate(lang, "explore.drivers.peak_last")
    assert lines[2].startswith(translate(lang, "explore.drivers.not_leans", lag=11, season=12, pct="",
                                         ratio="")[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_season_or_outside_the_window_one_note_says_why(lang):
    row = np.arange(8.0)
    assert len(text.drivers_lines(row, 1, 1, lang)) == 2  # reach and peak only
    assert len(text.drivers_lines(row, 1, 12, lang)) == 2
    assert text.season_note(1, 1, 8, lang) == translate(lang, "explore.drivers.no_season")
    assert text.season_note(1, 12, 8, lang) == translate(lang, "explore.drivers.season_outside", season=12, window=8)
    assert text.season_note(5, 12, 8, lang) is None  # 7 steps back: inside the window


def test_names_and_units_texts():
    assert text.names_text(["GRU"], "en") == "GRU"
    assert text.names_text(["GRU", "RNN"], "en") == "GRU and RNN"
    assert text.names_text(["LSTM", "GRU", "RNN"], "pt-BR") == "LSTM, GRU e RNN"
    assert text.units_text(list(range(10)), limit=3) == "0, 1, 2 …"
    assert text.gate_in_sentence("hidden", "pt-BR") == "estado oculto"


def _ranking(threshold=0.5):
    states = np.full((60, 4), -0.5)
    states[20:30, 1] = 0.9  # unit 1: on only inside
    states[:, 3] = 0.9  # unit 3: on everywhere
    return rank_units(states, (20, 30), threshold)


@pytest.mark.parametrize("lang", LANGS)
def test_ranking_table_and_units_line(lang):
    table = text.ranking_table(_ranking(), lang, limit=3)
    assert list(table.columns) == [translate(lang, f"explore.select.col_{c}") for c in ("unit", "inside", "around",
                                                                                       "score")]
    assert table.iloc[0, 0] == translate(lang, "explore.unit_n", n=1)
    assert table.iloc[0, 3].endswith("✓") and not table.iloc[1, 3].endswith("✓")
    assert text.units_line(_ranking(), "0.50", lang) == translate(lang, "explore.select.units", n=1, units="1",
                                                                  threshold="0.50",
                                                                  score="0.5" if lang == "en" else "0,5")
    assert text.units_line(_ranking(0.95), "0.95", lang).startswith(
        translate(lang, "explore.select.no_units", threshold="0.95", score="")[:25])


@pytest.mark.parametrize("lang", LANGS)
def test_matches_lines(lang):
    assert text.matches_line([], 9, lang) == translate(lang, "explore.match.none",
                                                       jaccard="0.5" if lang == "en" else "0,5", min=5)
    found = [Match(3, 8, 0.75)]
    assert text.matches_line(found, 9, lang) == translate(lang, "explore.match.found", n=1,
                                                          jaccard="0.5" if lang == "en" else "0,5", min=5)
    assert text.match_label(found[0], "3", "7", lang) == translate(lang, "explore.match.item", start="3", end="7",
                                                                   steps=5, score="0.75" if lang == "en" else "0,75")
