"""Fixtures of the real-browser tests: one ``streamlit run app.py`` server and one chromium for the session.

Every test in this folder is marked ``e2e``. Without Debian's chromium the tests are skipped with the reason,
unless the ``CI`` environment variable is set: then they fail (CI must run them; ``.ci/run`` installs it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e import harness


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _require_chromium() -> None:
    reason = harness.chromium_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Base URL of a fresh ``streamlit run app.py --server.headless true`` on a free loopback port."""
    _require_chromium()
    with harness.streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser(server_url) -> Iterator[object]:
    """Debian's chromium, headless, shared by the tests (each test gets its own context = browser session)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = harness.launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def warmed(browser, server_url) -> str:
    """The server after one complete page load, so later timings do not include the first imports."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        harness.open_app(page, server_url, "en", timeout=90)
    finally:
        ctx.close()
    return server_url


@pytest.fixture
def session(browser, warmed, tmp_path, request) -> Iterator[Callable[..., tuple]]:
    """``session(lang)`` → ``(page, watch)``: a new browser context (its own Streamlit session) on Home.

    Screenshots go to ``tmp_path`` (never committed); contexts are closed at the end of the test.
    """
    contexts = []

    def make(lang: str = "en", **params: str):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  locale="pt-BR" if lang == "pt-BR" else "en-US")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        watch = harness.PageWatch().attach(page)
        harness.open_app(page, warmed, lang, **params)
        return page, watch

    shots = Path(os.environ["E2E_SHOTS"]) if os.environ.get("E2E_SHOTS") else tmp_path  # to look at them by hand
    shots.mkdir(parents=True, exist_ok=True)
    make.shots = shots  # type: ignore[attr-defined]
    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for k, ctx in enumerate(contexts):
        if failed:  # what the browser showed when the test failed, next to the other screenshots
            for j, pg in enumerate(ctx.pages):
                pg.screenshot(path=str(shots / f"FAILED-{request.node.name}-{k}-{j}.png"), full_page=True)
        ctx.close()
