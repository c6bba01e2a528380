"""Real browser: Explore without a model → one-click training → the forecast's drivers → zoom in and brush a pulse
on the series → the units that track it → "Find similar stretches" → a match opens the Gates page on its step.

The brush is a real mouse drag on the Plotly chart (its box selection read back through ``on_select``), after two
clicks on the chart's own + button, as a person selecting one pulse would do.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from datasets import synthetic
from tests.e2e import harness
from ui import teaching
from ui.i18n import translate

LANGS = ("pt-BR",)  # English is covered by the AppTest suite (tests/test_explore_page.py)

_X_PIXEL = """([k, x]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[k];
  const xa = gd._fullLayout.xaxis, sz = gd._fullLayout._size, box = gd.getBoundingClientRect();
  return [box.left + sz.l + xa.l2p(x), box.top + sz.t + sz.h / 2];
}"""
_BRUSH_CHART = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .findIndex(gd => gd._fullLayout && gd._fullLayout.dragmode === 'select')"""


def _wait_text(page, text: str | re.Pattern, timeout: float = 120.0) -> None:
    page.locator('[data-testid="stMain"]').get_by_text(text).first.wait_for(timeout=timeout * 1000)


@pytest.mark.parametrize("lang", LANGS)
def test_explore_brush_match_and_open_gates(session, lang):
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    page, watch = session(lang)
    shots = session.shots

    harness.nav_to(page, "explore")
    assert tr("explore.no_model") in harness.main_text(page)
    page.get_by_role("button", name=tr("explore.train_default")).click()
    page.get_by_role("tab", name=tr("explore.tab.drivers")).wait_for(timeout=120_000)
    harness.wait_idle(page)
    _wait_text(page, tr("explore.drivers.read_title", step=1))
    page.screenshot(path=str(shots / f"explore-drivers-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"explore drivers {lang}")

    page.get_by_role("tab", name=tr("explore.tab.select")).click()
    _wait_text(page, tr("explore.select.brush_help"))
    k = page.evaluate(_BRUSH_CHART)
    chart = page.locator(".js-plotly-plot").nth(k)
    chart.scroll_into_view_if_needed()
    chart.hover()
    for _ in range(2):  # zoom in twice, around the middle, with the chart's own + button
        chart.locator('[data-title="Zoom in"]').click()
        page.wait_for_timeout(300)
    lo, hi = page.evaluate("(k) => document.querySelectorAll('.js-plotly-plot')[k]._fullLayout.xaxis.range", k)
    values = synthetic.generate(teaching.GENERATOR, seed=teaching.SEED, **teaching.PARAMS).to_numpy(dtype=float)
    steps = np.arange(values.size)
    pulse = int(steps[(values > 0.5) & (steps > lo + 3) & (steps < hi - 3)][0])
    x0, y = page.evaluate(_X_PIXEL, [k, pulse - 0.5])
    x1, _ = page.evaluate(_X_PIXEL, [k, pulse + 1.5])
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y + 3, steps=4)
    page.mouse.move(x1, y + 5, steps=4)
    page.mouse.up()
    _wait_text(page, tr("explore.select.stretch", start=pulse, end=pulse + 1, steps=2))
    harness.wait_idle(page)
    _wait_text(page, harness.template_re(tr("explore.select.units")))
    page.screenshot(path=str(shots / f"explore-brushed-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"explore brushed {lang}")

    page.get_by_role("button", name=tr("explore.match.find")).click()
    _wait_text(page, harness.template_re(tr("explore.match.found")))
    harness.wait_idle(page)
    first = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=re.compile(r"^#1 ")).first
    start = re.search(r"(\d+)", first.inner_text().split(" ", 1)[1]).group(1)
    page.screenshot(path=str(shots / f"explore-matches-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"explore matches {lang}")

    page.get_by_role("button", name=tr("explore.match.open")).first.click()
    page.wait_for_url("**/watch-gates**", timeout=60_000)
    harness.wait_idle(page)
    _wait_text(page, harness.template_re(tr("gates.cursor_caption").replace("{step}", start)))
    assert f"lang={lang}" in page.url
    page.screenshot(path=str(shots / f"explore-gates-{lang}.png"), full_page=True)
    harness.assert_healthy(page, watch, f"gates from explore {lang}")
