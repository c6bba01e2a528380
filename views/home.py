"""Home: what LSTM Lab is, how to go through it, and a link to every page the app has."""

import streamlit as st

from ui import state, widgets
from ui.i18n import t

st.title(t("app.title"))
st.markdown(f"**{t('app.tagline')}**")
st.markdown(t("home.intro"))

st.subheader(t("home.how_title"))
st.markdown(t("home.how"))

st.subheader(t("home.pages_title"))
for item in st.session_state.get(state.PAGES, ()):
    if item.path == "views/home.py":
        continue
    cols = st.columns([1, 3], vertical_alignment="center")
    with cols[0]:
        st.page_link(item.path, label=t(item.title_key), icon=item.icon, query_params=widgets.page_params())
    cols[1].caption(t(item.blurb_key))

st.divider()
st.caption(t("home.offline"))
