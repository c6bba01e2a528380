"""The Cell page's texts: the equations carry the step's numbers in the language's decimal mark, nothing is missing."""

import re

import numpy as np
import pytest

from ui.cell_text import aligned, cell_reading, latex_equations, latex_num, latex_numbers, percent
from ui.cell_values import demo_arrays, demo_input, step_values
from ui.i18n import fmt_num

LANGS = ["pt-BR", "en"]
KINDS = ["LSTM", "GRU"]


def values(kind, t=5, unit=2):
    arrs = demo_arrays(kind, demo_input(np.sin(np.arange(40) / 3.0) * 50 + 100))
    return step_values(arrs, t, unit), arrs


@pytest.mark.parametrize("lang, text", [("pt-BR", "1.234{,}568"), ("en", "1{,}234.568")])
def test_latex_num_braces_the_comma(lang, text):
    assert latex_num(1234.5678, lang) == text
    assert latex_num(-0.5, lang, digits=1) == ("-0{,}5" if lang == "pt-BR" else "-0.5")


@pytest.mark.parametrize("lang", LANGS)
def test_percent_is_a_whole_number_without_space(lang):
    assert percent(0.876, lang) == "88%"
    assert percent(0.0, lang) == "0%"


@pytest.mark.parametrize("kind, rows", [("LSTM", 6), ("GRU", 4)])
def test_equations_one_row_per_equation(kind, rows):
    eqs = latex_equations(kind)
    assert len(eqs) == rows
    assert all("=" in row for row in eqs)
    block = aligned(eqs)
    assert block.startswith(r"\begin{aligned}") and block.endswith(r"\end{aligned}")
    assert block.count("&=") == rows


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_numbers_follow_the_symbols_with_the_step_values(kind, lang):
    v, arrs = values(kind)
    rows = latex_numbers(v, arrs, lang)
    assert [r.split(" =")[0] for r in rows] == [r.split(" =")[0] for r in latex_equations(kind)]
    assert rows[-1].endswith(latex_num(v["hidden"], lang))  # h_t = … = the trace's hidden state
    gates = ("input", "forget", "candidate", "output") if kind == "LSTM" else ("reset", "update")
    for k, name in enumerate(gates):
        assert rows[k].endswith(" = " + latex_num(v[name], lang))
    text = " ".join(rows)
    if lang == "pt-BR":  # every decimal mark is a braced comma (small numbers: no thousands point either)
        assert "{,}" in text and not re.search(r"\d\.\d", text)
    else:
        assert "{,}" not in text and re.search(r"\d\.\d", text)


def test_negative_terms_are_parenthesised():
    v, arrs = values("LSTM")
    rows = latex_numbers(v, arrs, "en")
    for x in (v["pre"]["input"]["bi"], v["pre"]["input"]["bh"]):
        if x < 0:
            assert f"({latex_num(x, 'en')})" in rows[0]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_reading_names_the_step_and_its_numbers(kind, lang):
    v, _ = values(kind)
    text = cell_reading(v, lang)
    assert "⟦" not in text
    assert str(v["t"]) in text and str(v["unit"]) in text
    assert fmt_num(v["hidden"], 2, lang) in text
    assert fmt_num(v["candidate"], 2, lang) in text
    gate = "forget" if kind == "LSTM" else "update"
    assert percent(v[gate], lang) in text


def test_reading_differs_by_language():
    v, _ = values("LSTM")
    assert cell_reading(v, "pt-BR") != cell_reading(v, "en")
