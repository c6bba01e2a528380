"""ui.glossary_terms: term ids, sorted entries and the accent-blind search, in both languages."""

from __future__ import annotations

import pytest

from ui import glossary_terms as gt

LANGS = ("en", "pt-BR")


@pytest.mark.parametrize("text,folded", [("Portão", "portao"), ("SIGMOIDE", "sigmoide"), ("Ação", "acao"),
                                         ("tanh", "tanh")])
def test_fold(text, folded):
    assert gt.fold(text) == folded


def test_both_languages_have_the_same_terms_in_the_same_order():
    en, pt = gt.term_ids("en"), gt.term_ids("pt-BR")
    assert en == pt and len(en) == len(set(en)) > 10
    assert en[:3] == ["rnn", "lstm", "gru"]  # catalog order


@pytest.mark.parametrize("lang", LANGS)
def test_entries_are_sorted_by_folded_name(lang):
    items = gt.entries(lang)
    assert {e.term_id for e in items} == set(gt.term_ids(lang))
    names = [gt.fold(e.name) for e in items]
    assert names == sorted(names)
    assert all(e.name and e.text for e in items)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_query_shows_everything(lang):
    items = gt.entries(lang)
    assert gt.search(items, "") == items and gt.search(items, "   ") == items


def test_search_is_accent_and_case_blind_and_finds_ids():
    pt = gt.entries("pt-BR")
    with_accent = gt.search(pt, "PORTÃO")
    assert with_accent and with_accent == gt.search(pt, "portao")
    assert all("portao" in gt.fold(e.name) or "portao" in gt.fold(e.text) for e in with_accent)
    by_id = gt.search(gt.entries("en"), "forget_gate")
    assert [e.term_id for e in by_id] == ["forget_gate"]
    assert gt.search(gt.entries("en"), "no such word at all") == []
