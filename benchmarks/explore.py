"""Server time of the Explore page's interactions on a 64-unit × 500-step trace.

    .venv/bin/python -m benchmarks.explore [--repeats 5]

The teaching series (600 points) with an LSTM of 64 units, and a GRU and an RNN of the same size (a few epochs
each: the weights' quality does not change the page's work); "Select and match" traces the newest 500 steps.
Each interaction is one script run of the real page in ``streamlit.testing`` (AppTest). Two figures per
interaction, median and worst of ``--repeats`` runs, in milliseconds:

- fragment: the time inside the tab's ``st.fragment`` that the widget belongs to (``st.fragment`` is wrapped
  with a timer here): what a browser's rerun of that tab costs the server, widgets, numbers and figures included;
- page: the whole AppTest run (both tabs, the sidebar, AppTest compiling the scripts again every run), an upper
  bound: AppTest always reruns everything, a browser reruns only the fragment.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections import defaultdict

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

from lstm_core.forecast import Forecaster
from tests.conftest import APP
from ui import explore_runs, state, trainer
from ui.explore_select import rank_units

HIDDEN = 64
EPOCHS = 3
BUDGET_MS = 300.0
FRAGMENT_MS: dict[str, list[float]] = defaultdict(list)  # fragment function name -> ms of each call


def _timed_fragments() -> None:
    """Wrap ``st.fragment`` so that every call of a page's fragment function records its duration."""
    real = st.fragment

    def fragment(func=None, **kwargs):
        def wrap(f):
            @functools.wraps(f)
            def timed(*args, **kw):
                t0 = time.perf_counter()
                try:
                    return f(*args, **kw)
                finally:
                    FRAGMENT_MS[f.__name__].append(1000 * (time.perf_counter() - t0))
            return real(timed, **kwargs)
        return wrap(func) if func is not None else wrap

    st.fragment = fragment


def _fit(values: np.ndarray, config) -> Forecaster:
    fc = Forecaster(config)
    fc.fit(values)
    return fc


def _session() -> AppTest:
    """The app on the Explore page with the three 64-unit networks in the session."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["lang"] = "en"
    at.run()
    loaded = at.session_state[state.SERIES]
    values = loaded.series.to_numpy(dtype=float)
    config = trainer.default_config(loaded, hidden_size=HIDDEN, epochs=EPOCHS)
    fc = _fit(values, config)
    at.session_state[state.MODEL] = state.TrainedModel(fc, fc.history, config, loaded.key)
    others = {}
    for cell in ("gru", "rnn"):
        cfg = explore_runs.kind_config(config, cell)
        others[(loaded.key, cfg.to_json())] = _fit(values, cfg)
    at.session_state[state.EXPLORE_MODELS] = others
    at.switch_page("views/explore.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _timed(at: AppTest, action, fragment: str) -> tuple[float, float]:
    """(fragment ms, page ms) of the run that ``action`` triggers."""
    FRAGMENT_MS.clear()
    t0 = time.perf_counter()
    action()
    at.run()
    ms = 1000 * (time.perf_counter() - t0)
    assert not at.exception, [e.value for e in at.exception]
    return sum(FRAGMENT_MS[fragment]), ms


DRIVERS = ("change the step ahead", "change the method", "move the forecast origin (3 networks attributed)",
           "move the origin, every step ahead shown")


def _brush(at: AppTest, x0: float, x1: float) -> None:
    at.session_state[state.EXPLORE_BRUSH] = {"selection": {
        "points": [], "point_indices": [], "box": [{"x": [x0, x1], "y": [-5, 5]}], "lasso": []}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    _timed_fragments()
    at = _session()
    view = at.session_state[state.EXPLORE_TRACE][3]
    T, H = view.values.size, view.hidden_size
    first = at.session_state[state.EXPLORE_TRACE][1]
    n = at.session_state[state.SERIES].n
    print(f"trace: {H} units × {T} steps (LSTM), drivers of LSTM, GRU and RNN ({H} units, window "
          f"{at.session_state[state.MODEL].config.window})")

    # a stretch whose units match elsewhere, so the matching draws its marks: around the strongest pulse
    values = view.values
    pulse = first + int(np.argmax(np.abs(values[50:-50]))) + 50
    states = view.gates[(0, "forward", "hidden")]
    stretch = (pulse - first, pulse - first + 2)
    threshold = 0.3
    while threshold > 0.05 and rank_units(states, stretch, threshold).units.size == 0:
        threshold = round(threshold - 0.05, 2)
    at.slider(key=state.EXPLORE_THRESHOLD).set_value(threshold).run()

    results: dict[str, list[tuple[float, float]]] = {}

    def record(name: str, action) -> None:
        fragment = "drivers_view" if name in DRIVERS else "select_view"
        results.setdefault(name, []).append(_timed(at, action, fragment))

    for k in range(args.repeats):
        record("brush a stretch (rank, table, curves, heatmap)",  # 2 or 3 steps: a new brush every time
               lambda k=k: _brush(at, pulse - 0.5, pulse + 1.5 + (k % 2)))
        record("find similar stretches", lambda: at.button(key="explore.find_btn").click())
        record("move the threshold (matches redrawn)",
               lambda k=k: at.slider(key=state.EXPLORE_THRESHOLD).set_value(threshold + 0.05 * ((k % 2) + 1)))
        record("order the units by clustering", lambda k=k: at.selectbox(key=state.EXPLORE_ORDER).set_value(
            "cluster" if k % 2 else "input"))
        record("switch to the cell state", lambda k=k: at.radio(key=state.EXPLORE_STATE).set_value(
            "cell" if k % 2 == 0 else "hidden"))
        record("change the step ahead",
               lambda k=k: at.slider(key=state.EXPLORE_STEP).set_value(2 + k % 3))
        record("change the method", lambda k=k: at.radio(key=state.EXPLORE_METHOD).set_value(
            "gradient" if k % 2 == 0 else "ig"))
        record("move the forecast origin (3 networks attributed)",
               lambda k=k: at.select_slider(key=state.EXPLORE_ORIGIN).set_value(n - 20 - 7 * k))
        at.toggle(key=state.EXPLORE_ALL_STEPS).set_value(True).run()
        record("move the origin, every step ahead shown",
               lambda k=k: at.select_slider(key=state.EXPLORE_ORIGIN).set_value(n - 23 - 7 * k))
        at.toggle(key=state.EXPLORE_ALL_STEPS).set_value(False).run()
        at.slider(key=state.EXPLORE_THRESHOLD).set_value(threshold).run()

    print(f"{'interaction':50s} {'fragment ms':>12s} {'worst':>6s} {'page ms':>8s} {'worst':>6s}")
    for name, runs in results.items():
        frag, page = [r[0] for r in runs], [r[1] for r in runs]
        flag = "" if max(frag) < BUDGET_MS else f"  fragment over {BUDGET_MS:.0f} ms"
        print(f"{name:50s} {statistics.median(frag):12.0f} {max(frag):6.0f} {statistics.median(page):8.0f} "
              f"{max(page):6.0f}{flag}")


if __name__ == "__main__":
    main()
