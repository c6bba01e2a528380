"""Glossary page: every term shown in both languages, search (accent- and case-insensitive), ?term= links."""

import pytest

from tests.conftest import assert_no_missing_keys, open_app
from ui import i18n

PAGE = "views/glossary.py"


def _terms(lang: str) -> list[str]:
    return [k[len("glossary.terms.") : -len(".name")] for k in i18n.catalog(lang)
            if k.startswith("glossary.terms.") and k.endswith(".name")]


def _shown(at) -> list[str]:
    return [m.value for m in at.main.markdown if m.value.startswith("**")]


REQUIRED = {"lstm", "rnn", "gru", "gate", "input_gate", "forget_gate", "output_gate", "candidate", "cell_state",
            "hidden_state", "sigmoid", "tanh", "time_step", "window", "horizon", "epoch", "bptt",
            "vanishing_gradient", "exploding_gradient", "bidirectional", "validation", "test", "mase",
            "prediction_interval", "seasonal_naive", "reset_gate", "update_gate"}


def test_catalog_has_the_required_terms():
    assert set(_terms("en")) >= REQUIRED
    assert _terms("en") == _terms("pt-BR")


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_all_terms_listed(lang):
    at = open_app(lang, page=PAGE)
    assert at.title[0].value == i18n.translate(lang, "glossary.title")
    assert len(_shown(at)) == len(_terms(lang))
    assert_no_missing_keys(at)


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "forget", "Forget gate (f)"),
        ("en", "VANISHING", "Vanishing gradient"),
        ("pt-BR", "esquecimento", "Portão de esquecimento (f)"),
        ("pt-BR", "portao de saida", "Portão de saída (o)"),  # no accents typed
    ],
)
def test_search_filters(lang, query, expected):
    at = open_app(lang, page=PAGE)
    at.text_input[0].input(query).run()
    shown = _shown(at)
    assert any(s.startswith(f"**{expected}**") for s in shown), shown
    assert 0 < len(shown) < len(_terms(lang))


def test_search_without_match_says_so():
    at = open_app("en", page=PAGE)
    at.text_input[0].input("zzzqqq").run()
    assert not _shown(at)
    assert "zzzqqq" in at.info[0].value


def test_term_link_opens_filtered():
    at = open_app("pt-BR")
    at.query_params["term"] = "cell_state"
    at.switch_page(PAGE).run()
    assert at.text_input[0].value == i18n.translate("pt-BR", "glossary.terms.cell_state.name")
    assert _shown(at)[0].startswith("**Estado da célula (c)**")
