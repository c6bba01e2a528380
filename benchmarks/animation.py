"""How fast the animated views play in a real browser, and how much figure JSON each animated page sends.

    .venv/bin/python -m benchmarks.animation [--lang en] [--seconds 3]

1. JSON: the default model (``trainer.default_config`` on the session's first series, trained in this process with
   its replay recorded) on the Gates page at its default window and at a 100-step window, the Training replay and
   Inside the cell, run with AppTest: the bytes of every Plotly chart's spec and of the players' HTML (what the
   browser receives for the page's figures and their frames).
2. Frames per second, in headless Debian chromium against a fresh ``streamlit run app.py`` with the server idle: the
   default model is trained with the Gates page's one-click button, the Gates window is set to 100 steps, and Play
   sweeps the cursor from the first step at 10 and at 30 steps per second; the frames drawn are the heatmap grid's
   ``plotly_relayout`` events (one per frame). Then the replay (``plotly_animatingframe`` of its heatmaps, at
   its fastest 4 epochs/s: every frame redraws six heatmaps) and the cell view (the player's own count of frames
   drawn, at 8 steps/s). fps = frames drawn after
   the first / seconds between the first and the last. The websocket messages while playing are counted too (a
   rerun would need some).
"""

from __future__ import annotations

import argparse
import re

from tests.e2e import harness
from ui.i18n import translate

MB = 1_000_000


# --- 1. figure JSON per page (AppTest, in this process) -------------------------------------------------
def _trained():
    from tests.conftest import open_app
    from ui import state, trainer

    at = open_app("en", timeout=120)
    loaded = at.session_state[state.SERIES]
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded)).start()
    assert job.wait(600), "training did not finish"
    return job


def _sizes(at) -> dict[str, int]:
    out = {chart.proto.id.split("-")[-1]: len(chart.proto.spec) for chart in at.get("plotly_chart")}
    out["players (HTML)"] = sum(len(el.proto.body) for el in at.get("html") if "data-lstm-player" in el.proto.body)
    return out


def json_sizes(lang: str) -> dict[str, dict[str, int]]:
    from tests.conftest import open_app
    from ui import state

    job = _trained()
    pages = {}

    def page(script: str):
        at = open_app(lang, timeout=120)
        at.session_state[state.MODEL] = job.result
        at.session_state[state.REPLAY] = job.replay
        at.session_state[state.TRAIN_JOB] = job
        at.switch_page(script).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    at = page("views/gates.py")
    start, end = at.session_state[state.GATES_WINDOW]
    pages[f"Gates, default window ({end - start} steps)"] = _sizes(at)
    at.slider(key=state.GATES_WINDOW).set_value((end - 100, end)).run()
    pages["Gates, 100-step window"] = _sizes(at)
    pages[f"Training replay ({len(job.replay.snapshots)} snapshots)"] = _sizes(page("views/replay.py"))
    pages["Inside the cell"] = _sizes(page("views/cell.py"))
    return pages


# --- 2. frames per second in the browser ---------------------------------------------------------------
COUNT = """([cls, event]) => { window.__t = []; const gd = document.querySelector('.' + cls + ' .js-plotly-plot');
    if (!gd.__counted) { gd.__counted = true; gd.on(event, () => window.__t.push(performance.now())); } }"""


def _fps(times: list[float]) -> float:
    return (len(times) - 1) / ((times[-1] - times[0]) / 1000) if len(times) > 2 else 0.0


class _Socket:
    def __init__(self, page) -> None:
        self.n = 0
        page.on("websocket", lambda ws: (ws.on("framesent", self._one), ws.on("framereceived", self._one)))

    def _one(self, _) -> None:
        self.n += 1


def _play(page, socket: _Socket, speed: str, seconds: float, count_js: str | None) -> tuple[float, int, int]:
    """From the first frame, Play at ``speed`` for ``seconds``; (fps, frames drawn, websocket messages meanwhile)."""
    bar = page.locator("[data-lstm-player]").last
    if bar.locator('[data-act="first"]').is_enabled():
        bar.locator('[data-act="first"]').click()
    bar.locator('select[data-act="speed"]').select_option(speed)
    page.evaluate("window.__t = []")
    if count_js is None:  # the cell view: the player's own clock, sampled
        page.evaluate("""() => { window.__t = []; const bar = document.querySelectorAll('[data-lstm-player]');
            const root = bar[bar.length - 1]; let last = root.dataset.shown;
            window.__poll = setInterval(() => { if (root.dataset.shown !== last) { last = root.dataset.shown;
                window.__t.push(performance.now()); } }, 2); }""")
    before = socket.n
    bar.locator('[data-act="play"]').click()
    page.wait_for_timeout(seconds * 1000)
    if bar.get_attribute("data-playing") == "1":
        bar.locator('[data-act="play"]').click()
    messages = socket.n - before
    if count_js is None:
        page.evaluate("clearInterval(window.__poll)")
    times = page.evaluate("window.__t")
    return _fps(times), len(times), messages


def _set_window(page, lang: str, steps: int) -> None:
    """Move the start of the Gates window with the keyboard until the window has ``steps`` steps."""
    label = translate(lang, "gates.window")
    caption = harness.template_re(translate(lang, "gates.window_caption"))
    for _ in range(400):
        text = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=caption).first.inner_text()
        have = int(re.findall(r"(\d+)", text.replace(".", "").replace(",", ""))[-1])
        if have == steps:
            return
        thumb = [el for el in page.get_by_role("slider").all() if (el.get_attribute("aria-label") or "").startswith(label)][0]
        thumb.focus()
        thumb.press("ArrowLeft" if have < steps else "ArrowRight")
        harness.wait_idle(page, settle=0.3)
    raise RuntimeError(f"could not set the window to {steps} steps")


def browser_fps(lang: str, seconds: float) -> list[tuple[str, float, int, int]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with harness.streamlit_server() as url, sync_playwright() as p:
        browser = harness.launch_browser(p)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.set_default_timeout(120_000)
        socket = _Socket(page)
        harness.open_app(page, url, lang, url_path="watch-gates", timeout=120)
        page.get_by_role("button", name=re.compile(re.escape(translate(lang, "gates.train_default")))).click()
        page.locator(".st-key-gates-heatmaps .js-plotly-plot").wait_for(timeout=600_000)
        harness.wait_idle(page)
        _set_window(page, lang, 100)
        page.wait_for_timeout(1000)  # the server idle again
        for speed in ("10", "30"):
            page.evaluate(COUNT, ["st-key-gates-heatmaps", "plotly_relayout"])
            fps, n, msgs = _play(page, socket, speed, seconds * (2 if speed == "10" else 1) + 0.5, COUNT)
            rows.append((f"Gates, 100-step sweep at {speed} steps/s", fps, n, msgs))
        harness.nav_to(page, "training-replay")
        page.locator(".st-key-replay-heatmaps .js-plotly-plot").wait_for()
        page.wait_for_timeout(1000)
        page.evaluate(COUNT, ["st-key-replay-heatmaps", "plotly_animatingframe"])
        fps, n, msgs = _play(page, socket, "4", seconds * 2, COUNT)
        rows.append(("Training replay at 4 epochs/s", fps, n, msgs))
        harness.nav_to(page, "inside-the-cell")
        page.locator(".cv-svg").wait_for()
        page.wait_for_timeout(1000)
        fps, n, msgs = _play(page, socket, "8", seconds, None)
        rows.append(("Inside the cell at 8 steps/s", fps, n, msgs))
        browser.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lang", default="en", choices=("en", "pt-BR"))
    ap.add_argument("--seconds", type=float, default=3.0, help="seconds of play per measure")
    args = ap.parse_args()
    print("Figure JSON per page (bytes, AppTest, the default model):", flush=True)
    for name, sizes in json_sizes(args.lang).items():
        total = sum(sizes.values())
        parts = ", ".join(f"{k} {v / 1000:.0f} kB" for k, v in sizes.items())
        print(f"  {name}: {total / MB:.2f} MB  ({parts})", flush=True)
    print(f"\nFrames per second in headless chromium ({harness.CHROMIUM}), server idle:", flush=True)
    for name, fps, n, msgs in browser_fps(args.lang, args.seconds):
        print(f"  {name}: {fps:5.1f} fps  ({n} frames drawn; {msgs} websocket messages while playing)", flush=True)


if __name__ == "__main__":
    main()
