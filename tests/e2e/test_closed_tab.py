"""Real browser: a run whose tab was closed stops, so the next learner gets its training slot within seconds.

Session A starts a long run (1,000 epochs, about 25 s) on the Train page and closes its tab; session B, already
open, then presses Train. With one training slot per spare core, B waits in the queue while A's run lasts; it
must start training within ``FREED_S`` of A's tab closing (``ui.session_watch``: 2 s of grace and a 1-s poll,
one batch, then B's queue redraw every 2 s and its page rerun).
"""

from __future__ import annotations

import re
import time

from tests.e2e import harness
from ui.i18n import translate

FREED_S = 8.0


def _start_long_run(page, epochs: int) -> None:
    box = page.get_by_role("spinbutton", name=translate("en", "train.epochs"))
    box.fill(str(epochs))
    box.press("Enter")
    harness.wait_idle(page)
    page.locator('[data-testid="stMain"] button', has_text=translate("en", "train.start")).first.click()


PROGRESS = re.compile(r"Epoch \d+ of \d+")  # the live panel's progress text (train.live.epoch)


def _training(page) -> bool:
    return page.locator('[data-testid="stMain"]').get_by_text(PROGRESS).count() > 0


def test_a_closed_tab_frees_its_training_slot(browser):
    with harness.streamlit_server() as url:  # a server of its own: no other test's run queues ahead of B
        _closed_tab(browser, url)


def _closed_tab(browser, warmed: str) -> None:
    a = browser.new_context(viewport={"width": 1280, "height": 800})
    b = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page_a, page_b = a.new_page(), b.new_page()
        harness.open_app(page_a, warmed, "en", url_path="train-network")
        harness.open_app(page_b, warmed, "en", url_path="train-network")  # loaded before A closes: not timed
        _start_long_run(page_a, 1000)
        deadline = time.monotonic() + 60
        while not _training(page_a) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _training(page_a), "session A's run did not start"
        a.close()
        closed = time.monotonic()
        _start_long_run(page_b, 1000)  # long too, so its live panel is on screen whenever it polls
        while not _training(page_b) and time.monotonic() - closed < 60:
            time.sleep(0.2)
        waited = time.monotonic() - closed
        assert _training(page_b), "session B never got a slot: the closed tab's run kept it"
        assert waited < FREED_S, f"session B trained {waited:.1f} s after A's tab closed (at most {FREED_S} s)"
    finally:
        b.close()
