"""Real browser: every page of the menu opens cleanly, in both languages (Portuguese in classroom mode), once a
small network has been trained so that the pages reading the model draw it.

Clean means: the page's title is drawn, no exception box, no missing catalog key, no browser console error and
no request to another host. The menu is read from the sidebar, so a page added later is covered too.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.e2e import harness
from ui.i18n import translate

CASES = (("en", {}), ("pt-BR", {"classroom": "1"}))
EPOCHS = 3


@pytest.mark.parametrize(("lang", "params"), CASES, ids=[c[0] for c in CASES])
def test_every_page_opens_clean(session, lang, params):
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    page, watch = session(lang, **params)
    harness.nav_to(page, "train-network")
    epochs = page.get_by_role("spinbutton", name=tr("train.epochs"), exact=True)
    epochs.fill(str(EPOCHS))
    epochs.press("Enter")
    harness.wait_idle(page)
    page.get_by_role("button", name=re.compile(re.escape(tr("train.start")) + "$")).click()
    page.locator('[data-testid="stMain"]').get_by_text(harness.template_re(tr("train.run_summary"))).first.wait_for(
        timeout=180_000)
    harness.wait_idle(page)
    harness.assert_healthy(page, watch, f"train {lang}")

    links = page.locator('[data-testid="stSidebarNav"] a')
    paths = []
    for k in range(links.count()):
        paths.append(urlparse(links.nth(k).get_attribute("href") or "").path.strip("/"))  # "" for Home
    assert len(paths) >= 12, paths
    titles = []
    for k, path in enumerate(paths):
        page.locator('[data-testid="stSidebarNav"] a').nth(k).click()  # the menu keeps its order on every page
        if path:
            page.wait_for_url(f"**/{path}**", timeout=60_000)
        harness.wait_idle(page, 120)
        titles.append(page.locator('[data-testid="stMain"] h1').first.inner_text().strip())
        assert titles[-1], f"{path or 'home'}: no title"
        page.screenshot(path=str(session.shots / f"page-{lang}-{path or 'home'}.png"), full_page=True)
        harness.assert_healthy(page, watch, f"{path or 'home'} ({lang}{', classroom' if params else ''})")
        if params:
            assert "classroom=1" in page.url, f"{path}: classroom mode lost from the URL"
    assert len(set(titles)) == len(paths), titles  # each click really opened another page
