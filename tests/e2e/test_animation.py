"""Real browser: Play advances the frames of the Gates, Training replay and Inside-the-cell pages without one Streamlit
rerun (nothing goes over the websocket while they play), the labels follow the frames, and the cell's formula view
lights a term's wire and box when the term is pointed at, with the drawing's labels at 16 px or more at 1024 px.

One session trains the default model once (the Gates page's one-click button) and visits the three pages.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.e2e import harness
from ui.i18n import translate

pytestmark = pytest.mark.e2e
LANG = "en"


def tr(key: str, **params) -> str:
    return translate(LANG, key, **params)


class Socket:
    """Counts the websocket messages of the page in both directions: a rerun needs at least one of each."""

    def __init__(self, page) -> None:
        self.sent = self.received = 0
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framesent", lambda _: setattr(self, "sent", self.sent + 1))
        ws.on("framereceived", lambda _: setattr(self, "received", self.received + 1))

    def count(self) -> tuple[int, int]:
        return self.sent, self.received


def bar(page):
    return page.locator("[data-lstm-player]").last


def frame(page) -> int:
    return int(bar(page).get_attribute("data-frame"))


def listen(page, chart_key: str, event: str) -> None:
    """Count ``event`` (a plotly.js event) on the chart with ``chart_key`` in ``window.__frames``."""
    page.evaluate("""([cls, event]) => { window.__frames = 0;
        document.querySelector('.' + cls + ' .js-plotly-plot').on(event, () => { window.__frames += 1; }); }""",
                  [harness_key(chart_key), event])


def harness_key(key: str) -> str:
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def play_for(page, seconds: float, speed: str, socket: Socket) -> tuple[int, tuple[int, int]]:
    """Press Play at ``speed`` for ``seconds`` then Pause; the frames advanced and the websocket messages meanwhile."""
    bar(page).locator('select[data-act="speed"]').select_option(speed)
    before, quiet = frame(page), socket.count()
    bar(page).locator('[data-act="play"]').click()
    page.wait_for_timeout(seconds * 1000)
    bar(page).locator('[data-act="play"]').click()
    after = socket.count()
    return frame(page) - before, (after[0] - quiet[0], after[1] - quiet[1])


def test_play_advances_frames_in_the_browser_without_a_rerun(browser, warmed, tmp_path):
    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        socket = Socket(page)
        watch = harness.PageWatch().attach(page)
        harness.open_app(page, warmed, LANG, url_path="watch-gates")
        page.get_by_role("button", name=re.compile(re.escape(tr("gates.train_default")))).click()
        page.locator(".st-key-gates-heatmaps .js-plotly-plot").wait_for(timeout=240_000)
        harness.wait_idle(page)

        # Gates: the cursor sweeps the heatmaps (and the unit's curves) step by step, labelled with its time stamp
        assert bar(page).locator('[data-act="play"]').inner_text().strip() == tr("player.play")
        bar(page).locator('[data-act="first"]').click()
        assert frame(page) == 0
        listen(page, "gates.heatmaps", "plotly_relayout")
        advanced, messages = play_for(page, 1.5, "30", socket)
        drawn = page.evaluate("window.__frames")
        assert advanced >= 10 and drawn >= 10, (advanced, drawn)
        assert messages == (0, 0), f"the server was asked {messages} while the Gates page played"
        label = bar(page).locator('[data-role="label"]').inner_text()
        image = page.evaluate("""() => { const gd = document.querySelector('.st-key-gates-heatmaps .js-plotly-plot');
            return gd.layout.images.find(im => im.name === 'cursor_label').source; }""")
        stamp = re.search(r">([^<>]+)</text>", unquote(image)).group(1)
        assert stamp in label, (stamp, label)  # the figure's cursor label and the bar say the same time stamp
        page.screenshot(path=str(tmp_path / "gates-playing.png"))
        harness.assert_healthy(page, watch, "gates")

        # Training replay: the epochs replay, epoch 0 is the network before training
        harness.nav_to(page, "training-replay")
        page.locator(".st-key-replay-heatmaps .js-plotly-plot").wait_for()
        bar(page).locator('[data-act="first"]').click()
        assert tr("replay.frame_before", epoch=0) == bar(page).locator('[data-role="label"]').inner_text()
        listen(page, "replay.heatmaps", "plotly_animatingframe")
        advanced, messages = play_for(page, 1.5, "4", socket)
        assert advanced >= 3 and page.evaluate("window.__frames") >= 3, advanced
        assert messages == (0, 0), f"the server was asked {messages} while the replay played"
        harness.assert_healthy(page, watch, "replay")

        # Inside the cell: numbers change on the wires and in the equations; a term lights its wire and box
        harness.nav_to(page, "inside-the-cell")
        page.locator(".cv-svg").wait_for()
        view = page.locator("[data-cell-view]").last
        slot = view.locator('.cv-eqs [data-slot="n:hidden"]').first
        number, read = slot.inner_text(), view.locator('[data-role="read"]').inner_text()
        advanced, messages = play_for(page, 1.5, "8", socket)
        assert advanced >= 3 and view.get_attribute("data-step") == str(frame(page))
        assert messages == (0, 0), f"the server was asked {messages} while the cell played"
        assert (slot.inner_text(), view.locator('[data-role="read"]').inner_text()) != (number, read)
        view.locator('.cv-eqs [data-term="forget"]').first.hover()
        assert view.get_attribute("data-term") == "forget"
        assert view.locator('.cv-svg [data-name="box:forget"].cv-on').count() == 1
        assert view.locator('.cv-svg [data-name="wire:forget"].cv-on').count() == 1
        view.locator('.cv-svg [data-name="wire:kept"] path').hover(force=True)  # a line: no height to wait for
        assert view.get_attribute("data-term") == "kept"
        assert view.locator(".cv-eqs .cv-on").count() >= 2  # f ⊙ c(t−1) and its number
        smallest = page.evaluate("""() => { const svg = document.querySelector('.cv-svg');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale)); }""")
        assert smallest >= 16, f"a label of the drawing is {smallest:.1f} px"
        page.screenshot(path=str(tmp_path / "cell-lit.png"))
        harness.assert_healthy(page, watch, "cell")
    finally:
        ctx.close()


def test_cell_view_speaks_portuguese(session):
    page, watch = session("pt-BR")
    harness.nav_to(page, "inside-the-cell")
    page.locator(".cv-svg").wait_for()
    text = page.locator("[data-cell-view]").last.inner_text()
    for key in ("player.play", "cell.equations"):
        assert translate("pt-BR", key) in text
    assert re.search(r"\d,\d{3}", text) and not re.search(r"\d\.\d{3}", text)  # decimal comma in the equations
    harness.assert_healthy(page, watch, "cell pt-BR")
