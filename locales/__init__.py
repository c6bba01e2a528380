"""The language catalogs (``en``, ``pt-BR``) and the pure functions that read them.

Catalogs are TOML files beside this module, ``locales/<lang>/<area>.toml`` (``common.toml``, ``data.toml``, ...).
Nested tables are flattened to dotted keys, so ``[train] epochs = "Epochs"`` is ``translate(lang, "train.epochs")``.
Text uses ``str.format`` placeholders: ``"{n} points"``.

This package imports only the standard library, so every layer can translate: the app (through ``ui.i18n``,
which binds the session's language), the command line and the tests.
"""

from __future__ import annotations

import functools
import string
import tomllib
from pathlib import Path

LANGS: tuple[str, ...] = ("pt-BR", "en")
DEFAULT_LANG = "en"
LOCALES_DIR = Path(__file__).parent


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


def error_message(exc: Exception, lang: str) -> str:
    """Message for a ``DataError``/``CoreError`` (anything with ``.key`` and ``.params``) in ``lang``."""
    key = getattr(exc, "key", None)
    if not key:
        key, params = "errors.unexpected", {"detail": type(exc).__name__}
    else:
        params = dict(getattr(exc, "params", {}) or {})
    return translate(lang, key, **params)


def format_number(value: float | None, digits: int, lang: str) -> str:
    """A number with the language's decimal mark (``1.234,5`` in pt-BR, ``1,234.5`` in en); None is ``—``."""
    if value is None:
        return "—"
    try:
        text = f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)
    if lang == "pt-BR":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
