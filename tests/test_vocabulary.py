"""One vocabulary: the gates, states, cells and forecasting methods have one name each per language, defined in
``locales/<lang>/common.toml`` ([gate], [cell_kind], [method]), and no catalog string uses another name for them.

``VARIANTS`` lists, per language, the other names these concepts went by (and wordings a Brazilian teacher
would not use); a catalog string that contains one fails with its key.
"""

from __future__ import annotations

import re

import pytest

from ui import i18n

CANONICAL = {
    "gate": ("input", "forget", "candidate", "output", "cell", "hidden", "reset", "update"),
    "cell_kind": ("lstm", "gru", "rnn"),
    "method": ("seasonal_naive", "naive", "drift", "moving_average", "theta", "damped_es"),
}

VARIANTS: dict[str, dict[str, str]] = {
    "pt-BR": {
        r"vermelh[ãa]o": "the vermillion is 'vermelho-alaranjado'",
        r"\bum (GRU|LSTM|RNN)s?\b": "the cells are feminine: 'uma GRU', 'uma LSTM', 'uma RNN'",
        r"\b(a|da|na|pela|com a) ingênua\b": "the methods are 'o Ingênuo (último valor)', 'o Ingênuo sazonal' (a "
                                           "'previsão ingênua' is fine)",
        r"memória de longo e curto prazo": "long short-term memory: 'memória de curto prazo de longa duração'",
        r"\bTendência linear \(drift\)": "the drift method is 'Deriva (tendência linear)'",
        r"\bportão do esquecimento\b|\bportão de esquecer\b": "'portão de esquecimento'",
        r"\bporta de (entrada|saída|esquecimento)\b": "gates are 'portões'",
        r"\bcélula de estado\b": "'estado da célula'",
    },
    "en": {
        r"\bseasonal-naive\b|\bSNaive\b": "'Seasonal naive'",
        r"\bforgetting gate\b|\bkeep gate\b": "'forget gate'",
        r"\bcell memory state\b": "'cell state'",
    },
}


def test_every_concept_has_one_name_in_each_language():
    for lang in i18n.LANGS:
        cat = i18n.catalog(lang)
        for section, names in CANONICAL.items():
            for name in names:
                assert cat.get(f"{section}.{name}", "").strip(), f"{lang}: {section}.{name} is missing"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_catalog_string_uses_another_name(lang):
    bad = []
    for key, text in i18n.catalog(lang).items():
        for pattern, why in VARIANTS[lang].items():
            if re.search(pattern, text, flags=re.IGNORECASE):
                bad.append(f"{key}: {re.search(pattern, text, flags=re.IGNORECASE).group(0)!r} ({why})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_method_names_are_not_redefined_elsewhere(lang):
    """The baselines' names live in [method] only: no other section holds a key with a method's name."""
    names = set(CANONICAL["method"])
    elsewhere = [key for key in i18n.catalog(lang) if key.rsplit(".", 1)[-1] in names and not key.startswith("method.")
                 and not key.startswith(("glossary.", "home.", "synthetic.param."))]
    assert not elsewhere, elsewhere
