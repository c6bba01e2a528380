"""The one exception type of ``datasets`` and the warnings it attaches to a result.

Both carry a catalog key (``errors.data.*`` / ``warnings.data.*`` in ``locales/<lang>/errors_data.toml``) and
parameters, so the app can say what went wrong in the user's language while ``str(exc)`` stays readable for a
developer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DataError(ValueError):
    """Bad or unusable data: ``.key`` is a catalog key, ``.params`` fills its placeholders."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        detail = ", ".join(f"{k}={v!r}" for k, v in params.items())
        super().__init__(f"{key}({detail})" if detail else key)


@dataclass(frozen=True)
class DataWarning:
    """Something ``read_table`` changed or guessed that the user should know about (still a usable result)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
