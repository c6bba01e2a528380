"""Glossary: every term the app uses, with a short definition in the current language; searchable.

Other pages link here with ``ui.widgets.glossary_link(term_id)``, which opens the page filtered to that term
(``?term=<id>`` in the URL).
"""

import unicodedata

import streamlit as st

from ui import state
from ui.i18n import catalog, current_lang, t

PREFIX = "glossary.terms."


def _fold(text: str) -> str:
    """Lower case without accents, so that "sigmoide" finds "Sigmoide" and "portao" finds "portão"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def term_ids(lang: str) -> list[str]:
    """Ids of all glossary terms, in catalog order."""
    ids: list[str] = []
    for key in catalog(lang):
        if key.startswith(PREFIX) and key.endswith(".name"):
            ids.append(key[len(PREFIX) : -len(".name")])
    return ids


lang = current_lang()
ids = term_ids(lang)
entries = sorted(((t(f"{PREFIX}{i}.name"), t(f"{PREFIX}{i}.text"), i) for i in ids), key=lambda e: _fold(e[0]))

st.title(t("glossary.title"))
st.caption(t("glossary.intro"))

wanted = st.query_params.get("term")
if wanted in ids and st.session_state.get(state.GLOSSARY_LINKED) != wanted:
    # opened from a link: start filtered to that term (once per link; the user may then clear the box)
    st.session_state[state.GLOSSARY_QUERY] = t(f"{PREFIX}{wanted}.name")
    st.session_state[state.GLOSSARY_LINKED] = wanted
query = st.text_input(t("glossary.search"), key=state.GLOSSARY_QUERY, placeholder=t("glossary.search_placeholder"))

needle = _fold(query.strip())
shown = [e for e in entries if not needle or needle in _fold(e[0]) or needle in _fold(e[1]) or needle == e[2]]
st.caption(t("glossary.count", n=len(shown), total=len(entries)))
if not shown:
    st.info(t("glossary.none", query=query))
for name, text, term_id in shown:
    with st.container(border=True, key=f"term-{term_id}"):
        st.markdown(f"**{name}**  \n{text}")
