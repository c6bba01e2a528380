"""The catalogs of ``locales`` bound to the current browser session's language: ``t()`` and friends.

The session's language lives under ``SESSION_KEY`` in ``st.session_state`` (set by ``app.py`` from the URL, the
sidebar or the browser). This module imports nothing of ``ui``: ``ui.state`` imports it, never the reverse.
"""

from __future__ import annotations

from locales import (
    DEFAULT_LANG,
    LANGS,
    LOCALES_DIR,
    catalog,
    error_message,
    format_number,
    normalize_lang,
    placeholders,
    translate,
)

__all__ = ["DEFAULT_LANG", "LANGS", "LOCALES_DIR", "SESSION_KEY", "catalog", "current_lang", "error_text",
           "fmt_num", "normalize_lang", "placeholders", "t", "translate"]

SESSION_KEY = "lang"  # st.session_state key of the session's language: "pt-BR" | "en"


def current_lang() -> str:
    """The language of this browser session, or the default outside a session."""
    import streamlit as st

    lang = st.session_state.get(SESSION_KEY)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, /, **params) -> str:
    """Translate ``key`` into the current session's language."""
    return translate(current_lang(), key, **params)


def error_text(exc: Exception, lang: str | None = None) -> str:
    """Message for a ``DataError``/``CoreError`` in ``lang``, by default the session's language."""
    return error_message(exc, lang or current_lang())


def fmt_num(value: float | None, digits: int = 3, lang: str | None = None) -> str:
    """A number with the decimal mark of ``lang``, by default the session's language."""
    return format_number(value, digits, lang or current_lang())
