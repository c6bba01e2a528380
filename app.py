"""LSTM Lab entry point (the full navigation arrives with the pages)."""

import streamlit as st

from ui.i18n import translate

st.set_page_config(page_title=translate("en", "app.title"), layout="wide")
st.title(translate("en", "app.title"))
