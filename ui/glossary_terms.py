"""The glossary's terms: their ids in catalog order, sorted entries, and the accent-blind search.

Pure (no streamlit): the terms are the catalog keys ``glossary.terms.<id>.name`` / ``.text``, read through
``ui.i18n``; the Glossary page shows them and other pages link to one with ``ui.widgets.glossary_link``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from ui.i18n import catalog, translate

PREFIX = "glossary.terms."


class Entry(NamedTuple):
    """One term as shown: its name and definition in one language, and its id."""

    name: str
    text: str
    term_id: str


def fold(text: str) -> str:
    """Lower case without accents, so that "sigmoide" finds "Sigmoide" and "portao" finds "portão"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def term_ids(lang: str) -> list[str]:
    """Ids of all glossary terms, in catalog order."""
    return [key[len(PREFIX): -len(".name")] for key in catalog(lang)
            if key.startswith(PREFIX) and key.endswith(".name")]


def entries(lang: str) -> list[Entry]:
    """Every term in ``lang``, sorted by its folded name."""
    found = [Entry(translate(lang, f"{PREFIX}{i}.name"), translate(lang, f"{PREFIX}{i}.text"), i)
             for i in term_ids(lang)]
    return sorted(found, key=lambda e: fold(e.name))


def search(items: Sequence[Entry], query: str) -> list[Entry]:
    """The entries whose name or definition contains ``query`` (accent- and case-blind), or whose id it is;
    all of them for an empty query."""
    needle = fold(query.strip())
    return [e for e in items if not needle or needle in fold(e.name) or needle in fold(e.text) or needle == e.term_id]
