"""Streamlit-side helpers: translations, session state, figures and shared widgets."""
