"""Real-browser test harness: start ``streamlit run app.py`` on a free loopback port, drive Debian's chromium.

Used by ``tests/e2e/conftest.py`` (pytest fixtures) and by ``benchmarks/classroom.py`` (no pytest), so it holds
no fixtures itself. Everything stays on this machine: the server listens on 127.0.0.1 only and the browser is
launched with its background networking off, so any request to another host is a bug that ``PageWatch``
reports (the app must work offline).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def free_port() -> int:
    """A TCP port nobody listens on right now (on the loopback interface)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(timeout: float = 60.0, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run ``streamlit run app.py`` headless on a free loopback port; yield its base URL; stop it afterwards.

    Waits until ``/_stcore/health`` answers "ok". The server's output goes to a temporary log that is shown
    in the error if it never becomes healthy.
    """
    import tempfile

    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="streamlit-e2e-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
           "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{Path(log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{Path(log.name).read_text()[-3000:]}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when Debian's chromium is installed."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it"
    return None


def launch_browser(playwright):
    """Debian's chromium (never a downloaded build), headless, with background networking off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in LOOPBACK or host.startswith("127.")


@dataclass
class PageWatch:
    """Collects what went wrong in one page: console errors, page errors, and failed non-loopback requests.

    A request to any host but this machine is a failure by itself (the app must work offline): it is
    recorded whether it failed (``requestfailed``) or not (``request``).
    """

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # every non-loopback URL requested (also kept in errors)

    def attach(self, page) -> PageWatch:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        return self

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} @ {msg.location.get('url', '')}")

    def _failed(self, request) -> None:
        if not _is_loopback(request.url):
            self.errors.append(f"requestfailed: {request.url} ({request.failure})")

    def _request(self, request) -> None:
        if not _is_loopback(request.url) and not request.url.startswith(("data:", "blob:", "about:")):
            self.external.append(request.url)
            self.errors.append(f"external request: {request.url}")

    def take(self) -> list[str]:
        """The errors so far (and forget them)."""
        out, self.errors = self.errors, []
        return out


# --- waiting for Streamlit and checking a page --------------------------------------------------------------
RUNNING = '[data-testid="stStatusWidget"]'
SPINNER = '[data-testid="stSpinner"]'
EXCEPTION = '[data-testid="stException"]'


def wait_idle(page, timeout: float = 60.0, settle: float = 0.4) -> None:
    """Wait until the app is rendered and its script is not running (no status widget, no spinner).

    ``settle`` seconds of quiet are required, since a rerun may start right after one ends.
    """
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)  # every page has a title
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        busy = page.locator(RUNNING).count() > 0 or page.locator(SPINNER).count() > 0 \
            or page.locator('[data-testid="stSkeleton"]').count() > 0
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= settle:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the app was still running after {timeout:.0f} s")


def assert_healthy(page, watch: PageWatch, where: str) -> None:
    """No exception box, no missing catalog key, and no console error or external request on this page."""
    boxes = page.locator(EXCEPTION)
    assert boxes.count() == 0, f"{where}: exception box: {boxes.first.inner_text()[:500]}"
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "⟦" not in text, f"{where}: missing catalog key: {re.findall(r'⟦[^⟧]*⟧', text)[:5]}"
    errors = [e for e in watch.take() if not is_streamlit_base_probe(e)]
    assert not errors, f"{where}: {errors}"


# Streamlit's own base-path probe (issue streamlit/streamlit#7074, open): a page opened by its URL first asks
# <page>/_stcore/health and <page>/_stcore/host-config, which 404, then the real /_stcore/... . Only exactly
# those two loopback 404s are tolerated; any other console error fails the test.
_BASE_PROBE = re.compile(r"^console: Failed to load resource: the server responded with a status of 404 \(Not Found\) "
                         r"@ http://127\.0\.0\.1:\d+/[\w-]+/_stcore/(health|host-config)$")


def is_streamlit_base_probe(error: str) -> bool:
    """True for the two harmless 404s of Streamlit's base-path probe on a deep link (see ``_BASE_PROBE``)."""
    return bool(_BASE_PROBE.match(error))


def main_text(page) -> str:
    """The visible text of the main area (not the sidebar)."""
    return page.locator('[data-testid="stMain"]').inner_text()


def nav_to(page, url_path: str, timeout: float = 60.0) -> None:
    """Open another page the way a person does: click its entry in the sidebar menu, then wait for the run."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href*="/{url_path}"]').first
    link.click()
    page.wait_for_url(f"**/{url_path}**", timeout=timeout * 1000)
    wait_idle(page, timeout)


def open_app(page, base_url: str, lang: str, url_path: str = "", timeout: float = 60.0, **params: str) -> None:
    """Load ``base_url/url_path?lang=..`` in ``page`` and wait until the app has run."""
    query = "&".join([f"lang={lang}", *(f"{k}={v}" for k, v in params.items())])
    page.goto(f"{base_url}/{url_path}?{query}")
    wait_idle(page, timeout)


def page_not_found_dialog(page) -> bool:
    """True when Streamlit shows its "Page not found" dialog."""
    return page.locator('[role="dialog"]').filter(has_text="Page not found").count() > 0


def slider(page, label: str):
    """The thumb of the slider whose aria-label is ``label`` (its accessible name comes from elsewhere)."""
    thumbs = [el for el in page.get_by_role("slider").all() if el.get_attribute("aria-label") == label]
    assert len(thumbs) == 1, f"{len(thumbs)} sliders labelled {label!r}"
    return thumbs[0]


def template_re(text: str) -> re.Pattern:
    """A regex matching a catalog text with its ``{placeholders}`` filled by anything."""
    parts = re.split(r"\{[^{}]*\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts))


# --- a classroom at once ------------------------------------------------------------------------------------
CLASSROOM_CELLS = ("lstm", "gru", "rnn")


@dataclass
class ClassroomResult:
    """What ``classroom`` measured: per-session outcome and the fresh page loads timed while they trained."""

    sessions: int
    fresh_loads_s: list[float]
    train_wall_s: float  # from the first Train click to the last session done
    problems: list[str]  # any session that failed, saw another's data or model, or logged an error
    seen: list[tuple[str, str]]  # per session: (sidebar data line, sidebar model line)
    train_s: list[float | None] = field(default_factory=list)  # per session: training seconds its page reports
    status: list[str] = field(default_factory=list)  # per session: which train.status.* message its page shows


def classroom(browser, base_url: str, n: int = 8, lang: str = "en", epochs: int = 3,
              timeout: float = 240.0) -> ClassroomResult:
    """Open ``n`` sessions at once, each on a different bundled series training a different cell/epoch budget.

    While all of them train, a new session loads Home (timed) a few times. Each session must end on its own
    series and its own model (checked in its sidebar status), with no error anywhere.
    """
    import datasets
    from ui.i18n import translate

    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    items = datasets.catalog()
    if n > len(items):
        raise ValueError(f"{n} sessions need {n} bundled series, only {len(items)}")
    problems: list[str] = []
    runs = []
    for k in range(n):
        ctx = browser.new_context(viewport={"width": 1300, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(timeout * 1000)
        watch = PageWatch().attach(page)
        open_app(page, base_url, lang, timeout=timeout)
        nav_to(page, "choose-data", timeout)
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option").nth(k).click()
        wait_idle(page, timeout)
        nav_to(page, "train-network", timeout)
        cell = CLASSROOM_CELLS[k % len(CLASSROOM_CELLS)]
        page.locator('[data-testid="stSelectbox"]').filter(has_text=tr("train.cell")).click()
        page.get_by_role("option", name=tr(f"cell_kind.{cell}"), exact=True).click()
        wait_idle(page, timeout)
        box = page.get_by_role("spinbutton", name=tr("train.epochs"), exact=True)
        box.fill(str(epochs + k % 3))
        box.press("Enter")
        wait_idle(page, timeout)
        name = items[k].name.get(lang) or items[k].id
        runs.append((ctx, page, watch, cell, name))
    t0 = time.monotonic()
    for _, page, *_ in runs:  # all Train clicks within a second or two
        page.get_by_role("button", name=re.compile(re.escape(tr("train.start")) + "$")).click()
    fresh: list[float] = []
    for _ in range(3):  # a newcomer opens the app while the room trains
        ctx = browser.new_context()
        page = ctx.new_page()
        watch = PageWatch().attach(page)
        start = time.monotonic()
        page.goto(f"{base_url}/?lang={lang}")
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout * 1000)
        fresh.append(time.monotonic() - start)
        errors = [e for e in watch.take() if not is_streamlit_base_probe(e)]
        if errors:
            problems.append(f"fresh load: {errors}")
        ctx.close()
        time.sleep(0.5)
    summary = template_re(tr("train.run_summary"))
    seconds_re = re.compile(re.escape(tr("train.run_summary", epochs="§", seconds="¤", params="§"))
                            .replace("§", r".+?").replace("¤", r"(?P<s>[\d.,]+)"))
    from ui.i18n import catalog

    status_res = {k.rsplit(".", 1)[-1]: template_re(v) for k, v in catalog(lang).items()
                  if k.startswith("train.status.")}
    seen: list[tuple[str, str]] = []
    train_s: list[float | None] = []
    statuses: list[str] = []
    for k, (_ctx, page, watch, cell, name) in enumerate(runs):
        try:
            page.locator('[data-testid="stMain"]').get_by_text(summary).first.wait_for(timeout=timeout * 1000)
            wait_idle(page, timeout)
        except Exception as exc:  # noqa: BLE001 - reported with the session number
            problems.append(f"session {k}: did not finish: {type(exc).__name__}")
            continue
        status = page.locator('[data-testid="stSidebar"]').inner_text()
        lines = [ln for ln in status.splitlines() if ln.strip()]
        data_line = next((ln for ln in lines if ln.startswith(tr("sidebar.data", name="§", n=0).split("§")[0])), "")
        model_line = next((ln for ln in lines if ln.startswith(tr("sidebar.model", cell="§", hidden=0).split("§")[0])),
                          "")
        seen.append((data_line, model_line))
        m = seconds_re.search(main_text(page))
        digits = m.group("s") if m else ""
        digits = digits.replace(",", "") if lang == "en" else digits.replace(".", "").replace(",", ".")
        train_s.append(float(digits) if digits else None)
        alerts = " ".join(page.locator('[data-testid="stMain"] [data-testid="stAlert"]').all_inner_texts())
        found = [name for name, rx in status_res.items() if rx.search(alerts)]
        statuses.append(found[0] if len(found) == 1 else "/".join(found) or "?")
        if statuses[-1] not in ("completed", "early_stopped"):
            problems.append(f"session {k}: status {statuses[-1]!r}")
        if name not in data_line:
            problems.append(f"session {k}: expected data {name!r}, sidebar says {data_line!r}")
        if tr(f"cell_kind.{cell}") not in model_line:
            problems.append(f"session {k}: expected a {cell} model, sidebar says {model_line!r}")
        if page.locator(EXCEPTION).count():
            problems.append(f"session {k}: exception box")
        errors = [e for e in watch.take() if not is_streamlit_base_probe(e)]
        if errors:
            problems.append(f"session {k}: {errors}")
    wall = time.monotonic() - t0
    for ctx, *_ in runs:
        ctx.close()
    return ClassroomResult(sessions=n, fresh_loads_s=fresh, train_wall_s=wall, problems=problems, seen=seen,
                           train_s=train_s, status=statuses)
