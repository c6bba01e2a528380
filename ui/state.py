"""Every ``st.session_state`` key in one place, with its initial value.

Pages never spell a session key as a string literal: they use the constants here. Each browser session has its
own ``st.session_state``, so nothing here is shared between users.
"""

from __future__ import annotations

LANG = "lang"  # "pt-BR" | "en"
CLASSROOM = "classroom"  # bool: larger type, advanced controls hidden
