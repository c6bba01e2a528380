"""The one exception type of the NumPy core.

``CoreError(key, **params)`` carries a catalog key (``errors.core.bad_rank``) and the parameters that fill the
translated text, so the app and the command line can show the message in the user's language
(``locales.error_message``, or ``ui.i18n.error_text`` in the session language) while ``str(exc)`` stays a plain English line for developers.
"""

from __future__ import annotations

from typing import Any


class CoreError(ValueError):
    """Bad input to ``lstm_core``: a wrong shape, a non-finite value, a broken model file, ...

    Subclasses ``ValueError`` so generic callers that catch ``ValueError`` still work.
    """

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params: dict[str, Any] = dict(params)
        detail = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        super().__init__(f"{key}({detail})" if detail else key)
