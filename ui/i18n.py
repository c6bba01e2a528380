"""Translation catalogs and ``t()``.

Catalogs are TOML files under ``ui/locales/<lang>/``, one file per area (``common.toml``, ``data.toml``, ...).
Nested tables are flattened to dotted keys, so ``[train] epochs = "Epochs"`` is ``t("train.epochs")``. Text uses
``str.format`` placeholders: ``"{n} points"``. The pure functions (``catalog``, ``translate``) never import
streamlit, so the command line can use them too.
"""

from __future__ import annotations

import functools
import string
import tomllib
from pathlib import Path

LANGS: tuple[str, ...] = ("pt-BR", "en")
DEFAULT_LANG = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """Every key of one language, merged from all its files; a key defined twice is an error."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            entries = _flatten(tomllib.load(fh))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)[:5]}")
        merged.update(entries)
    return merged


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a catalog text."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def normalize_lang(value: str | None) -> str | None:
    """Map a browser locale or URL value (``pt``, ``pt_BR``, ``en-US``) to one of LANGS, or None."""
    if not value:
        return None
    value = str(value).strip().replace("_", "-").lower()
    if value.startswith("pt"):
        return "pt-BR"
    if value.startswith("en"):
        return "en"
    return None


def translate(lang: str, key: str, /, **params) -> str:
    """Text for ``key`` in ``lang`` with ``params`` filled in; a missing key shows as ``⟦key⟧`` (tests catch it)."""
    text = catalog(lang).get(key)
    if text is None:
        return f"⟦{key}⟧"
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def current_lang() -> str:
    """The language of this browser session (set by app.py from the URL, the sidebar or the browser)."""
    import streamlit as st

    from ui import state

    lang = st.session_state.get(state.LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, /, **params) -> str:
    """Translate ``key`` into the current session's language."""
    return translate(current_lang(), key, **params)


def error_text(exc: Exception, lang: str | None = None) -> str:
    """Message for a ``DataError``/``CoreError`` (anything with ``.key`` and ``.params``) in the session language."""
    key = getattr(exc, "key", None)
    if not key:
        key, params = "errors.unexpected", {"detail": type(exc).__name__}
    else:
        params = dict(getattr(exc, "params", {}) or {})
    return translate(lang or current_lang(), key, **params)


def fmt_num(value: float, digits: int = 3, lang: str | None = None) -> str:
    """A number with the language's decimal mark (``1.234,5`` in pt-BR, ``1,234.5`` in en)."""
    lang = lang or current_lang()
    if value is None:
        return "—"
    try:
        text = f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)
    if lang == "pt-BR":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
