"""Both catalogs have the same keys and the same placeholders, and lookups behave."""

import pytest

from ui import i18n


def test_same_keys_in_every_language():
    keys = {lang: set(i18n.catalog(lang)) for lang in i18n.LANGS}
    pt, en = keys["pt-BR"], keys["en"]
    assert not (pt - en), f"only in pt-BR: {sorted(pt - en)[:20]}"
    assert not (en - pt), f"only in en: {sorted(en - pt)[:20]}"


@pytest.mark.parametrize("key", sorted(i18n.catalog("en")))
def test_same_placeholders(key):
    en = i18n.catalog("en")[key]
    pt = i18n.catalog("pt-BR").get(key, "")
    assert i18n.placeholders(en) == i18n.placeholders(pt), key
    assert pt.strip(), f"empty pt-BR text for {key}"


def test_translate_and_missing_key():
    assert i18n.translate("en", "errors.unexpected", detail="X").startswith("Something went wrong (X)")
    assert i18n.translate("en", "no.such.key") == "⟦no.such.key⟧"


@pytest.mark.parametrize(
    ("raw", "lang"), [("pt", "pt-BR"), ("pt_BR", "pt-BR"), ("PT-br", "pt-BR"), ("en-US", "en"), ("fr", None), ("", None)]
)
def test_normalize_lang(raw, lang):
    assert i18n.normalize_lang(raw) == lang


def test_fmt_num():
    assert i18n.fmt_num(1234.5, 1, lang="pt-BR") == "1.234,5"
    assert i18n.fmt_num(1234.5, 1, lang="en") == "1,234.5"
