"""A shared link opened as a fresh server's very first request lands on its page, with no "Page not found".

A teacher starts the app and sends a link: the first person to open it must see that page, in the link's
language. (With the page scripts in a folder named ``pages/``, Streamlit served a fresh server's first session in
its old pages-folder mode and showed "Page not found"; the scripts live in ``views/`` for that reason.)
"""

from __future__ import annotations

import pytest

from tests.e2e import harness
from ui.i18n import translate

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "url_path", "title_key"), [("pt-BR", "compare-cells", "nav.compare")])
def test_deep_link_is_a_fresh_servers_first_request(browser, lang, url_path, title_key):
    with harness.streamlit_server() as url:  # a server of its own: nothing has opened it yet
        ctx = browser.new_context()
        try:
            page = ctx.new_page()
            watch = harness.PageWatch().attach(page)
            harness.open_app(page, url, lang, url_path=url_path, timeout=90)
            page.wait_for_timeout(1500)  # the dialog, when it comes, comes right after the first run
            assert not harness.page_not_found_dialog(page)
            assert translate(lang, title_key) in page.locator('[data-testid="stSidebarNav"]').inner_text()
            assert page.url.split("?")[0].endswith("/" + url_path)
            harness.assert_healthy(page, watch, f"first request {url_path}")
        finally:
            ctx.close()
