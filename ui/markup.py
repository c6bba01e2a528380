"""Text that came from a user, made inert before it is shown: a name stays a name, never a link or an image.

Streamlit renders Markdown in ``st.markdown``, ``st.error``/``warning``/``info``/``success``, ``st.caption``,
``st.title``/``subheader`` and widget labels, so a file called ``[Session expired](https://evil.example/login)``
would be a live link there and ``![t](http://127.0.0.1:9/track.png)`` an image the browser fetches. Plotly reads
a few HTML tags (``<a href>``, ``<b>``) in titles and legends. Whatever a user can choose (file and column
names, a shared link's values, a model file's settings, a search query) goes through this module:

- ``escape``: for Markdown. Every character that opens Markdown, HTML or Streamlit syntax (links, images,
  code, ``:material/…:`` icons and ``:red[…]`` colours, ``$`` maths) is backslash-escaped, bare web and e-mail
  addresses are broken up, and line breaks become spaces, so the text shows as written.
- ``md``: ``t()`` with every text parameter escaped (numbers are left alone, so format specs still work).
- ``error_md`` / ``warning_md``: a ``DataError``/``CoreError`` or an ingestion warning, translated the same way.
- ``for_figure``: for plotly text (HTML-escaped).
"""

from __future__ import annotations

import html
import numbers
import re
from typing import Any

from ui.i18n import catalog, current_lang, translate

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that can start syntax. The
# underscore is left alone: at worst it makes emphasis, never a link, and ids and file names are full of them.
_SPECIAL = re.compile(r"([\\`*\[\]<>!#|~$:@&])")
_WEB = re.compile(r"(?i)\b(www)\.")  # "www.example.org" is a link in GitHub-flavoured Markdown, even bare
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape(text: Any) -> str:
    """``text`` as Markdown that displays it literally (see the module docstring)."""
    out = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(text)))
    return _WEB.sub(r"\1\\.", out)


def _escaped(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, numbers.Number) and not isinstance(v, bool) else escape(v) for k, v in params.items()}


def md(key: str, /, **params: Any) -> str:
    """``t(key, **params)`` with every text parameter escaped; an unknown key (it may come from a file) is shown
    escaped too."""
    lang = current_lang()
    if key not in catalog(lang):
        return escape(translate(lang, key))
    return translate(lang, key, **_escaped(params))


def error_md(exc: Exception) -> str:
    """The translated message of a ``DataError``/``CoreError`` with its parameters escaped; anything else is the
    generic "something went wrong" with only the exception's type named."""
    key = getattr(exc, "key", None)
    if not key:
        return md("errors.unexpected", detail=type(exc).__name__)
    return md(key, **dict(getattr(exc, "params", {}) or {}))


def warning_md(warning: Any, lang: str | None = None) -> str:
    """An ingestion warning (``.key``, ``.params``) translated with its parameters escaped."""
    lang = lang or current_lang()
    return translate(lang, warning.key, **_escaped(dict(warning.params or {})))


def for_figure(text: Any) -> str:
    """``text`` for a plotly title, legend or hover label: HTML-escaped, so no tag in it is drawn."""
    return html.escape(str(text), quote=True)
