"""Real browser, both languages: Home → Data (the teaching series) → Train (defaults, until done) → Gates → Inside the cell.

The learner's path through the app: every page is opened from the sidebar menu, must run without an exception
box, a missing catalog key or a browser console error, and must react to what the learner does (the Gates
cursor moves the marked step, the cell's Forward button steps through time).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e import harness
from ui import teaching
from ui.i18n import translate

LANGS = ("en", "pt-BR")


def _plots(page) -> int:
    return page.locator('[data-testid="stPlotlyChart"]').count()


def _wait_text(page, text: str, timeout: float = 120.0) -> None:
    page.locator('[data-testid="stMain"]').get_by_text(text, exact=False).first.wait_for(timeout=timeout * 1000)


@pytest.mark.parametrize("lang", LANGS)
def test_home_data_train_gates_cell(session, lang):
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    page, watch = session(lang)
    shots = session.shots

    # Home: title, every page linked, nothing broken
    assert tr("app.title") in harness.main_text(page)
    assert page.locator('[data-testid="stMain"] [data-testid="stPageLink"]').count() >= 10
    page.screenshot(path=str(shots / f"home-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"home {lang}")

    # Data: the teaching series is already there, and the page says why
    harness.nav_to(page, "choose-data")
    assert _plots(page) >= 1
    assert tr("data.teaching_note")[:40] in harness.main_text(page)
    page.screenshot(path=str(shots / f"data-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"data {lang}")
    label = tr(f"synthetic.generators.{teaching.GENERATOR}.label")
    assert label in page.locator('[data-testid="stSidebar"]').inner_text()

    # Train with the defaults (the automatic settings for this series) until the run is done
    harness.nav_to(page, "train-network")
    assert tr("train.none_yet") in harness.main_text(page)
    page.get_by_role("button", name=re.compile(re.escape(tr("train.start")) + "$")).click()
    _wait_text(page, tr("train.loss_title"))
    page.locator('[data-testid="stMain"]').get_by_text(harness.template_re(tr("train.run_summary"))).first.wait_for(
        timeout=180_000)
    harness.wait_idle(page)
    assert _plots(page) >= 2  # loss curves and the fit
    page.screenshot(path=str(shots / f"train-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"train {lang}")

    # Gates: heatmaps of the trained model; moving the cursor moves the marked step
    harness.nav_to(page, "watch-gates")
    _wait_text(page, tr("gates.heatmaps_title"))
    assert _plots(page) >= 3  # heatmaps, unit curves, composition / saturation
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text=harness.template_re(tr("gates.cursor_caption")))
    before = caption.first.inner_text()
    cursor = harness.slider(page, tr("gates.cursor"))
    cursor.focus()
    for _ in range(3):
        cursor.press("ArrowLeft")
    harness.wait_idle(page)
    assert caption.first.inner_text() != before
    page.screenshot(path=str(shots / f"gates-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"gates {lang}")

    # Inside the cell: stepping forward changes the step shown and the drawing
    harness.nav_to(page, "inside-the-cell")
    step = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=harness.template_re(tr("cell.step_of")))
    step = step.first
    first = step.inner_text()
    page.get_by_role("button", name=re.compile(re.escape(tr("cell.next")) + "$")).click()
    harness.wait_idle(page)
    second = step.inner_text()
    assert second != first, (first, second)
    page.get_by_role("button", name=re.compile(re.escape(tr("cell.prev")) + "$")).click()
    harness.wait_idle(page)
    assert step.inner_text() == first
    page.screenshot(path=str(shots / f"cell-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"cell {lang}")
