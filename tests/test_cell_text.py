"""The Cell page's texts: the equations carry the step's numbers in the language's decimal mark, every number is a
slot the view changes step by step, nothing is missing."""

import re

import numpy as np
import pytest

from ui.cell_text import cell_reading, equation_rows, equations_text, num, percent, step_slots, term_text
from ui.cell_values import demo_arrays, demo_input, step_values

LANGS = ["pt-BR", "en"]
KINDS = ["LSTM", "GRU"]


def values(kind, t=5, unit=2):
    arrs = demo_arrays(kind, demo_input(np.sin(np.arange(40) / 3.0) * 50 + 100))
    return step_values(arrs, t, unit), arrs


@pytest.mark.parametrize("lang, text", [("pt-BR", "1.234,568"), ("en", "1,234.568")])
def test_num_uses_the_language_decimal_mark_and_a_true_minus(lang, text):
    assert num(1234.5678, lang) == text
    assert num(-0.5, lang, digits=1) == ("−0,5" if lang == "pt-BR" else "−0.5")
    assert num(-0.0004, lang) == ("0,000" if lang == "pt-BR" else "0.000")  # no sign on a rounded zero
    assert term_text(-0.25, lang).startswith("(−0") and term_text(0.25, lang)[0] == "0"


@pytest.mark.parametrize("lang", LANGS)
def test_percent_is_a_whole_number_without_space(lang):
    assert percent(0.876, lang) == "88%"
    assert percent(0.0, lang) == "0%"


@pytest.mark.parametrize("kind, rows", [("LSTM", 6), ("GRU", 4)])
def test_equations_one_row_per_equation(kind, rows):
    v, arrs = values(kind)
    eqs = equation_rows(v, arrs, "en")
    assert len(eqs) == rows
    assert all("=" in sym and num_row.startswith("= ") for sym, num_row in eqs)
    first = {"LSTM": "it", "GRU": "rt"}[kind]
    assert equations_text(eqs)[0].startswith(f"{first} = σ(")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_numbers_follow_the_symbols_with_the_step_values(kind, lang):
    v, arrs = values(kind)
    rows = equations_text(equation_rows(v, arrs, lang))
    assert rows[-1].endswith(num(v["hidden"], lang))  # h_t = … = the trace's hidden state
    gates = ("input", "forget", "candidate", "output") if kind == "LSTM" else ("reset", "update")
    for k, name in enumerate(gates):
        assert rows[k].endswith(" = " + num(v[name], lang))
    text = " ".join(rows)
    if lang == "pt-BR":  # every decimal mark is a comma (small numbers: no thousands point either)
        assert "," in text and not re.search(r"\d\.\d", text)
    else:
        assert "," not in text and re.search(r"\d\.\d", text)


@pytest.mark.parametrize("kind", KINDS)
def test_every_number_is_a_slot_the_view_can_change(kind):
    v, arrs = values(kind)
    other, _ = values(kind, t=6)
    html_rows = " ".join(a + b for a, b in equation_rows(v, arrs, "en"))
    numbers = re.findall(r'data-slot="([^"]+)"[^>]*>([^<]*)<', html_rows)
    now, later = step_slots(v, arrs, "en"), step_slots(other, arrs, "en")
    assert len(numbers) >= (20 if kind == "LSTM" else 14)
    assert all(now[slot] == text for slot, text in numbers)  # the page shows this step's numbers in the slots
    assert any(later[slot] != text for slot, text in numbers)  # and another step writes others into them


def test_negative_terms_are_parenthesised():
    v, arrs = values("LSTM")
    rows = equations_text(equation_rows(v, arrs, "en"))
    for x in (v["pre"]["input"]["bi"], v["pre"]["input"]["bh"]):
        if x < 0:
            assert f"({num(x, 'en')})" in rows[0]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_reading_names_the_step_and_its_numbers(kind, lang):
    v, _ = values(kind)
    text = cell_reading(v, lang)
    assert "⟦" not in text
    assert str(v["t"]) in text and str(v["unit"]) in text
    assert num(v["hidden"], lang, 2) in text
    assert num(v["candidate"], lang, 2) in text
    gate = "forget" if kind == "LSTM" else "update"
    assert percent(v[gate], lang) in text


def test_reading_differs_by_language():
    v, _ = values("LSTM")
    assert cell_reading(v, "pt-BR") != cell_reading(v, "en")
