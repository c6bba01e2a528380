"""Runs end with their session: a run whose browser session has gone is stopped within a few seconds."""

from __future__ import annotations

import threading
import time

from ui import session_watch, state, trainer
from ui.session_watch import SessionWatch
from ui.workers import runner


class _Run:
    def __init__(self) -> None:
        self.done, self.stops = False, 0

    def request_stop(self) -> None:
        self.stops += 1


def test_a_run_is_stopped_once_its_session_stays_away_for_the_grace_period():
    active = {"a": True, "b": True}
    watch = SessionWatch(is_active=active.__getitem__, poll=3600, grace=2.0)
    ra, rb, rc = _Run(), _Run(), _Run()
    watch.watch(ra, "a")
    watch.watch(rb, "b")
    watch.watch(rc, None)  # outside a session: nothing to watch
    watch.check(now=0.0)
    active["a"] = False
    watch.check(now=10.0)  # first seen inactive: the grace starts
    watch.check(now=11.0)
    assert ra.stops == 0
    active["a"] = True  # reconnected within the grace: kept
    watch.check(now=11.5)
    active["a"] = False
    watch.check(now=20.0)
    watch.check(now=22.0)
    assert (ra.stops, rb.stops, rc.stops) == (1, 0, 0) and watch.stopped == 1
    rb.done = True
    watch.check(now=30.0)
    assert not watch._runs, "finished and stopped runs are forgotten"


def test_a_training_job_whose_tab_closed_ends_within_five_seconds(monkeypatch):
    gone = SessionWatch(is_active=lambda sid: False, poll=0.2, grace=1.0)
    monkeypatch.setattr(session_watch, "WATCH", gone)
    loaded = state.teaching_series()
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=1000, patience=0))
    t0 = time.monotonic()
    gone.watch(job, "closed-tab")
    job.start()
    assert job.wait(30), "the run kept training after its session had gone"
    assert time.monotonic() - t0 < 5 + 3  # grace 1 s + poll + one batch, with room for a busy machine
    assert job.status == "cancelled" and gone.stopped == 1


def test_a_page_call_is_watched_for_the_session_that_made_it(monkeypatch):
    seen = []
    monkeypatch.setattr(session_watch, "current_session_id", lambda: "page-session")
    monkeypatch.setattr(session_watch.WATCH, "watch", lambda run, sid: seen.append((run, sid)))
    stop = threading.Event()
    assert runner.run("status", {}, stop=stop)["pid"] > 0
    (run, sid), = seen
    assert sid == "page-session" and run.done
    run.request_stop()
    assert stop.is_set()
