"""Glossary: every term the app uses, with a short definition in the current language; searchable.

Other pages link here with ``ui.widgets.glossary_link(term_id)``, which opens the page filtered to that term
(``?term=<id>`` in the URL). The terms and the search live in ``ui.glossary_terms``.
"""

import streamlit as st

from ui import markup, state
from ui.glossary_terms import PREFIX, entries, search, term_ids
from ui.i18n import current_lang, t

lang = current_lang()
ids = term_ids(lang)
items = entries(lang)

st.title(t("glossary.title"))
st.caption(t("glossary.intro"))

wanted = st.query_params.get("term")
if wanted in ids and st.session_state.get(state.GLOSSARY_LINKED) != wanted:
    # opened from a link: start filtered to that term (once per link; the user may then clear the box)
    st.session_state[state.GLOSSARY_QUERY] = t(f"{PREFIX}{wanted}.name")
    st.session_state[state.GLOSSARY_LINKED] = wanted
query = st.text_input(t("glossary.search"), key=state.GLOSSARY_QUERY, placeholder=t("glossary.search_placeholder"))

shown = search(items, query)
st.caption(t("glossary.count", n=len(shown), total=len(items)))
if not shown:
    st.info(markup.md("glossary.none", query=query))
for name, text, term_id in shown:
    with st.container(border=True, key=f"term-{term_id}"):
        st.markdown(f"**{name}**  \n{text}")
