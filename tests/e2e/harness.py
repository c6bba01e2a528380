"""Real-browser test harness: start ``streamlit run app.py`` on a free loopback port, drive Debian's chromium.

Used by ``tests/e2e/conftest.py`` (pytest fixtures) and by ``benchmarks/classroom.py`` (no pytest), so it holds
no fixtures itself. Everything stays on this machine: the server listens on 127.0.0.1 only and the browser is
launched with its background networking off, so any request to another host is a bug that ``PageWatch``
reports (the app must work offline).
"""

from __future__ import annotations

import contextlib
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
    fresh_loads_s: list[float]  # a newcomer's page loads while the room trains
    idle_loads_s: list[float]  # the same, with the room connected but idle (this machine's baseline)
    busy_loads_s: list[float]  # the same, beside as many busy lowest-priority processes as there are training slots
    train_wall_s: float  # from the first Train click to the last session done
    problems: list[str]  # any session that failed, saw another's data or model, or logged an error
    seen: list[tuple[str, str]]  # per session: (sidebar data line, sidebar model line)
    train_s: list[float | None] = field(default_factory=list)  # per session: training seconds its page reports
    status: list[str] = field(default_factory=list)  # per session: which train.status.* message its page shows
    training_at_load: list[int] = field(default_factory=list)  # per fresh load: sessions not yet done when it ended
    reruns: int = 0  # script runs the sessions asked for (their clicks and their live panels' timed reruns)


_SPIN = ("import os\n"
         "if hasattr(os, 'SCHED_IDLE'): os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))\n"
         "while True: pass\n")


@contextmanager
def busy_cores(k: int) -> Iterator[None]:
    """``k`` processes spinning at the lowest CPU priority (``SCHED_IDLE``, as the training workers run).

    On this 2-core virtual machine a single one of them, doing nothing but spin, takes a fresh page load from
    1.72 s to 2.14 s at the median (9 loads each, interleaved): the cost of a busy core that no priority
    setting inside the machine removes. Loads timed beside them are the baseline for what a training room's
    server work adds.
    """
    procs = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(k)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(10)


def fresh_load(browser, base_url: str, lang: str, timeout: float, problems: list[str]) -> float:
    """Seconds for a newcomer (new browser context: cold cache, new session) to see Home's title."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        watch = PageWatch().attach(page)
        start = time.monotonic()
        page.goto(f"{base_url}/?lang={lang}")
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout * 1000)
        seconds = time.monotonic() - start
        errors = [e for e in watch.take() if not is_streamlit_base_probe(e)]
        if errors:
            problems.append(f"fresh load: {errors}")
    finally:
        ctx.close()
    time.sleep(0.3)
    return seconds


@dataclass
class _Seat:
    """What one student's session showed at the end, sent back from the room's process (plain, picklable data)."""

    cell: str | None  # the cell it trained, or None when it did not finish
    failure: str  # why it did not finish ("" when it did)
    sidebar: list[str]
    texts: list[str]
    exceptions: list[str]
    reruns: int


def _room(base_url: str, lang: str, n: int, timeout: float, ready, go, done_at, results) -> None:
    """The students, in a process of their own at the lowest CPU priority (``classroom`` runs this).

    Their browsers would run on their own computers in a classroom: in this process, their websocket clients
    share neither the timing process's interpreter lock nor its priority with the newcomer's timed load (in a
    thread of the timing process they did both, and added up to a few tenths of a second to a load on a busy
    2-core machine). Sets ``ready`` once every student is on its Train page, presses Train in all of them when
    ``go`` is set, writes each one's finishing time (``time.monotonic``, the same clock in every process) into
    ``done_at`` and puts a list of ``_Seat`` on ``results``.
    """
    import asyncio

    import datasets
    from tests.e2e.wsclient import SIDEBAR, StreamlitSession
    from ui.i18n import translate

    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, 0, 19)
    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    items = datasets.catalog()
    summary = template_re(tr("train.run_summary"))
    on_train_page = [asyncio.Event() for _ in range(n)]

    async def student(k: int, s: StreamlitSession) -> str:
        cell = CLASSROOM_CELLS[k % len(CLASSROOM_CELLS)]
        try:
            await s.goto("choose-data", timeout)
            await s.choose(tr("data.source"), tr("data.source_bundled"), timeout, kind="radio")  # from the teaching series
            await s.choose(tr("data.bundled_pick"), items[k].name.get(lang) or items[k].id, timeout)
            await s.goto("train-network", timeout)
            await s.choose(tr("train.cell"), tr(f"cell_kind.{cell}"), timeout)
        finally:
            on_train_page[k].set()  # ready or failed: the room does not wait for it
        while not go.is_set():
            await asyncio.sleep(0.02)
        await s.click(tr("train.start"), timeout)
        await s.wait_for_text(lambda texts: any(summary.search(x) for x in texts), timeout)
        done_at[k] = time.monotonic()
        return cell

    async def all_ready() -> None:
        for event in on_train_page:
            await event.wait()
        ready.set()

    async def room() -> list[_Seat]:
        async with contextlib.AsyncExitStack() as stack:
            sessions = [await stack.enter_async_context(StreamlitSession(base_url, f"lang={lang}"))
                        for _ in range(n)]
            waiter = asyncio.create_task(all_ready())
            outcome = await asyncio.gather(*(student(k, s) for k, s in enumerate(sessions)), return_exceptions=True)
            waiter.cancel()
            return [_Seat(cell=None if isinstance(c, BaseException) else c,
                          failure=f"{type(c).__name__}: {c}" if isinstance(c, BaseException) else "",
                          sidebar=s.texts(SIDEBAR), texts=s.texts(), exceptions=list(s.exceptions),
                          reruns=s.reruns_sent)
                    for s, c in zip(sessions, outcome, strict=True)]

    try:
        results.put(asyncio.run(room()))
    except BaseException as exc:  # the parent reports it; a traceback in a child process would be lost
        results.put(f"{type(exc).__name__}: {exc}")
        ready.set()


def classroom(browser, base_url: str, n: int = 8, lang: str = "en", loads: int = 5,
              timeout: float = 240.0) -> ClassroomResult:
    """``n`` students at once, each on a different bundled series training a different cell; a newcomer loads Home.

    The students are websocket clients (``tests.e2e.wsclient``) in a process of their own (``_room``): each opens
    Data, picks its series, opens Train, picks its cell and presses Train, exactly the messages a browser sends,
    and keeps its live panel polling as a browser does. In a classroom their browsers run on their own computers,
    so this loads the server like a room without spending the test machine's two cores on rendering eight tabs.
    Once they are ready, and again while they train, a newcomer opens Home ``loads`` times in the real chromium
    (``fresh_load``). Each student must end on its own series and its own model (read in its sidebar status),
    with no error anywhere.
    """
    import multiprocessing
    import queue

    import datasets
    from ui import workers
    from ui.i18n import catalog, translate

    tr = lambda key, **p: translate(lang, key, **p)  # noqa: E731
    items = datasets.catalog()
    if n > len(items):
        raise ValueError(f"{n} sessions need {n} bundled series, only {len(items)}")
    seconds_re = re.compile(re.escape(tr("train.run_summary", epochs="§", seconds="¤", params="§"))
                            .replace("§", r".+?").replace("¤", r"(?P<s>[\d.,]+)"))
    status_res = {k.rsplit(".", 1)[-1]: template_re(v) for k, v in catalog(lang).items()
                  if k.startswith("train.status.")}
    data_prefix = tr("sidebar.data", name="§", n=0).split("§")[0]
    model_prefix = tr("sidebar.model", cell="§", hidden=0).split("§")[0]
    problems: list[str] = []
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Event(), ctx.Event(), ctx.Queue()
    done_at = ctx.Array("d", n)  # 0.0 until that student's run is done
    proc = ctx.Process(target=_room, args=(base_url, lang, n, timeout, ready, go, done_at, results), daemon=True)
    proc.start()
    try:
        ready.wait(timeout)  # every student on its Train page with its series and cell
        idle = [fresh_load(browser, base_url, lang, timeout, problems) for _ in range(loads)]  # room idle
        with busy_cores(workers.SIZE):  # what the training processes' CPU use alone costs a load, without the room
            busy = [fresh_load(browser, base_url, lang, timeout, problems) for _ in range(loads)]
        t0 = time.monotonic()
        go.set()  # all Train clicks at once
        time.sleep(0.5)
        fresh: list[float] = []
        training_at_load: list[int] = []
        for _ in range(loads):  # a newcomer opens the app while the room trains
            fresh.append(fresh_load(browser, base_url, lang, timeout, problems))
            training_at_load.append(sum(1 for d in done_at[:] if d == 0.0))
        try:
            seats = results.get(timeout=timeout)
        except queue.Empty:
            seats = f"the room did not finish in {timeout:.0f} s"
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
    if isinstance(seats, str):
        raise RuntimeError(f"classroom: {seats}")
    finished = [d for d in done_at[:] if d != 0.0]
    wall = max(finished, default=time.monotonic()) - t0
    seen: list[tuple[str, str]] = []
    train_s: list[float | None] = []
    statuses: list[str] = []
    for k, seat in enumerate(seats):
        if seat.cell is None:
            problems.append(f"session {k}: did not finish: {seat.failure}")
            continue
        data_line = next((x for x in seat.sidebar if x.startswith(data_prefix)), "")
        model_line = next((x for x in seat.sidebar if x.startswith(model_prefix)), "")
        seen.append((data_line, model_line))
        text = "\n".join(seat.texts)
        m = seconds_re.search(text)
        digits = m.group("s") if m else ""
        digits = digits.replace(",", "") if lang == "en" else digits.replace(".", "").replace(",", ".")
        train_s.append(float(digits) if digits else None)
        found = [name for name, rx in status_res.items() if rx.search(text)]
        statuses.append(found[0] if len(found) == 1 else "/".join(found) or "?")
        if statuses[-1] not in ("completed", "early_stopped"):
            problems.append(f"session {k}: status {statuses[-1]!r}")
        name = items[k].name.get(lang) or items[k].id
        if name not in data_line:
            problems.append(f"session {k}: expected data {name!r}, sidebar says {data_line!r}")
        if tr(f"cell_kind.{seat.cell}") not in model_line:
            problems.append(f"session {k}: expected a {seat.cell} model, sidebar says {model_line!r}")
        if seat.exceptions:
            problems.append(f"session {k}: {seat.exceptions}")
    return ClassroomResult(sessions=n, fresh_loads_s=fresh, idle_loads_s=idle, busy_loads_s=busy, train_wall_s=wall,
                           problems=problems, seen=seen, train_s=train_s, status=statuses,
                           training_at_load=training_at_load,
                           reruns=sum(seat.reruns for seat in seats))
