"""The player bar and the views built on it: their markup, their scripts (which Streamlit must keep and run), and
what they are given to show, in both languages."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from ui.cell_values import demo_arrays, demo_input
from ui.components import player
from ui.components.cell_view import cell_view
from ui.components.chart_player import AnimatedChart, chart_player, key_class
from ui.i18n import translate

LANGS = ("en", "pt-BR")


def scripts(html_text: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html_text, flags=re.S)


def js_config(html_text: str, name: str):
    """The JSON literal a script assigns to ``var name = ...;`` (one line)."""
    return json.loads(re.search(rf"var {name} = (.*?);\n", html_text).group(1))


@pytest.mark.parametrize("lang", LANGS)
def test_bar_has_play_pause_step_and_speed_in_the_language(lang):
    bar = player.controls("gates.player", 5, 3, ["a", "b", "c", "d", "e"], speeds=(2, 10), speed=10, unit="step",
                          lang=lang)
    for act in ("first", "back", "play", "fwd", "last"):
        assert f'data-act="{act}"' in bar
    assert translate(lang, "player.play") in bar
    for key in ("player.first", "player.back", "player.fwd", "player.last", "player.scrub", "player.speed"):
        assert translate(lang, key) in bar
    assert re.search(r'<option value="10" selected>', bar) and translate(lang, "player.speed_step") in bar
    assert 'max="4"' in bar and 'value="3"' in bar and 'data-frame="3"' in bar
    assert '<span data-role="label" aria-live="off">d</span>' in bar  # the start frame's label
    with pytest.raises(ValueError):
        player.controls("x", 3, 0, ["a"], speeds=(1,), speed=1, unit="step", lang=lang)


def test_scripts_are_kept_by_streamlits_sanitizer_and_hold_no_markup():
    # st.html runs DOMPurify, which drops a script whose text has "<" before a letter, "/" or "!": the script
    # would then silently never run, and the page would have no animation
    assert player.MARKUP_IN_SCRIPT.search(player.PLAYER_JS) is None
    with pytest.raises(ValueError):
        player.checked_script("if (a <b) {}")
    assert player.js_value(["</script><b>"]) == '["\\u003c/script>\\u003cb>"]'
    labels = ["<i>x</i>", "ok"]
    page = chart_player("gates.player", [AnimatedChart("gates.heatmaps", moves=[{"a": 1}, {"a": 2}])], labels, 0,
                        speeds=(1,), speed=1, unit="step", lang="en")
    cell = cell_view("cell.view", demo_arrays("LSTM", demo_input(np.sin(np.arange(30.0)))), 1, 2,
                     [f"s{k}" for k in range(24)], "en")
    for html_text in (page, cell):
        found = scripts(html_text)
        assert len(found) == 1 and player.MARKUP_IN_SCRIPT.search(found[0]) is None
    assert "&lt;i&gt;x&lt;/i&gt;" in page  # a label is text, never markup


def test_chart_player_drives_each_chart_by_its_streamlit_key():
    moves = [{"images[0].x": k} for k in range(3)]
    page = chart_player("replay.player", [AnimatedChart("replay.heatmaps", frames=["e0", "e1", "e2"], redraw=True),
                                          AnimatedChart("replay.loss", moves=moves)],
                        ["0", "1", "2"], 2, speeds=(1, 2), speed=2, unit="epoch", lang="pt-BR")
    charts = js_config(page, "charts")
    assert [c["cls"] for c in charts] == ["st-key-replay-heatmaps", "st-key-replay-loss"]
    assert charts[0]["frames"] == ["e0", "e1", "e2"] and charts[0]["redraw"] and charts[0]["moves"] is None
    assert charts[1]["moves"] == moves and charts[1]["frames"] is None
    cfg = js_config(page, "cfg")
    assert cfg["n"] == 3 and cfg["start"] == 2 and cfg["play"] == translate("pt-BR", "player.play")
    assert key_class("gates.unit curves") == "st-key-gates-unit-curves"
    with pytest.raises(ValueError):
        chart_player("x", [AnimatedChart("a", frames=["e0"])], ["0", "1"], 0, speeds=(1,), speed=1, unit="step",
                     lang="en")
    with pytest.raises(ValueError):
        AnimatedChart("a", frames=["e0"], moves=[{}])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_cell_view_holds_every_step_and_starts_at_the_chosen_one(kind, lang):
    arrs = demo_arrays(kind, demo_input(np.cos(np.arange(40.0) / 3)))
    T = arrs["gates"]["hidden"].shape[0]
    labels = [f"step {k}" for k in range(T)]
    page = cell_view("cell.view", arrs, 3, 4, labels, lang)
    steps = js_config(page, "steps")
    assert len(steps) == T
    assert steps[4]["read"] in page  # the reading of the start step is on the page before any script runs
    assert steps[4]["vals"] != steps[5]["vals"] and steps[4]["slots"] != steps[5]["slots"]
    slots_on_page = set(re.findall(r'data-slot="([^"]+)"', page))
    assert set(steps[0]["slots"]) == slots_on_page  # every number of the equations changes with the step
    scene = js_config(page, "scene")
    assert {e["term"] for e in scene["elements"] if e["term"]} == set(re.findall(r'data-term="([a-z_]+)"', page)) - {""}
    assert set(scene["colors"]) >= {e["term"] for e in scene["elements"] if e["term"]}
    for key in ("cell.equations", "cell.link_hint", "cell.weights_note", "player.play"):
        assert translate(lang, key).split("{")[0][:25] in page
    assert "⟦" not in page
