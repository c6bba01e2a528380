"""Shared helpers for the AppTest suites: open the app (or one page of it) in a language / classroom mode.

Every page is opened through ``app.py`` (``st.navigation`` registers the pages, sets the language and the
sidebar), then ``switch_page``; a page script run on its own would miss that set-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60


def open_app(
    lang: str | None = "en",
    *,
    classroom: bool = False,
    locale: str | None = None,
    page: str | None = None,
    timeout: float = TIMEOUT,
) -> AppTest:
    """Run ``app.py`` (with ``?lang=``/``?classroom=1`` and a browser ``locale`` when given), then ``page`` if any."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if lang is not None:
        at.query_params["lang"] = lang
    if classroom:
        at.query_params["classroom"] = "1"
    if locale is not None:
        at.context = {"locale": locale}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def visible_text(at: AppTest) -> str:
    """All text elements of the last run joined (titles, markdown, captions, alerts, widget labels)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    for kind in ("radio", "selectbox", "slider", "toggle", "text_input", "button", "file_uploader"):
        parts.extend(str(getattr(el, "label", "")) for el in getattr(at, kind))
    parts.extend(str(el.value) for el in at.get("page_link"))
    return "\n".join(parts)


def page_titles(at: AppTest) -> list[str]:
    """Titles of the pages ``st.navigation`` registered in the last run (AppTest keeps them by script hash)."""
    return [info["page_name"] for info in at._registered_pages.values()]


def assert_no_missing_keys(at: AppTest) -> None:
    """A missing catalog key renders as ``⟦key⟧``: none may be visible."""
    text = visible_text(at)
    assert "⟦" not in text, [line for line in text.splitlines() if "⟦" in line][:5]


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """``app(lang="pt-BR", classroom=True, page="views/data.py")`` → a run AppTest (see ``open_app``)."""
    return open_app
