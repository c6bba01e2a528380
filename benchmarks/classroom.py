"""A classroom at once: N sessions train different models on different series; print the figures.

The students are websocket clients sending what a browser sends (``tests/e2e/wsclient.py``); a newcomer's page
load is timed in the real chromium while they train. Run: ``.venv/bin/python benchmarks/classroom.py [sessions]
[loads]`` (needs /usr/bin/chromium). Starts its own ``streamlit run app.py`` on a free loopback port and stops it.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e import harness  # noqa: E402
from ui import workers  # noqa: E402


def main(n: int = 8, loads: int = 5) -> int:
    from playwright.sync_api import sync_playwright

    reason = harness.chromium_missing_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    with harness.streamlit_server() as url, sync_playwright() as p:
        browser = harness.launch_browser(p)
        warm = browser.new_context()
        harness.open_app(warm.new_page(), url, "en", timeout=90)
        warm.close()
        result = harness.classroom(browser, url, n=n, loads=loads)
        browser.close()
    print(f"sessions training at once: {result.sessions} (training slots: {workers.SIZE} of {os.cpu_count()} cores)")
    for label, times in (("with the room idle", result.idle_loads_s),
                         ("beside busy lowest-priority cores", result.busy_loads_s),
                         ("while they train", result.fresh_loads_s)):
        print(f"fresh page loads {label} (s): {', '.join(f'{x:.2f}' for x in times)} "
              f"(median {statistics.median(times):.2f}, max {max(times):.2f})")
    print(f"sessions still training when each load ended: {result.training_at_load}")
    print(f"script runs the sessions asked for (clicks and live-panel reruns): {result.reruns}")
    print(f"wall time from the first Train click to the last session done: {result.train_wall_s:.1f} s")
    for k, (data, model) in enumerate(result.seen):
        secs = result.train_s[k] if k < len(result.train_s) else None
        status = result.status[k] if k < len(result.status) else "?"
        train = f"{secs:.1f} s" if secs is not None else "?"
        print(f"  session {k}: trained {train}, status {status} | {data} | {model}")
    print(f"problems: {result.problems or 'none'}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main(*(int(a) for a in sys.argv[1:3])))
