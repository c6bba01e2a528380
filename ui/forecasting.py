"""The Forecast page's run: its typed record, the settings it is built from, shared links, the fit and the backtest.

A ``ForecastRun`` is what the page keeps in ``state.FORECAST_RUN``: the fitted (or uploaded) forecaster, the
config, the series it belongs to and the backtest's state. Fits and backtest origins run in a worker process
(``ui.workers``) and are kept in process-wide stores: every fit is seeded, so the numbers are the same whoever
asks, and a class opening the same shared link pays for each fit and each origin once.

- Each backtest origin runs the recipe with one held-out network and ``BACKTEST_MEMBERS`` final ones, not the
  whole ensemble: a cautious estimate of the forecast shown (the page says so), and each final network is also
  scored alone, so the verdict gives the spread over seeds.
- The final fit's epoch count is not reused at the origins: that fit saw the blocks the backtest scores, so its
  early-stopping point would leak them into the check.
- What the page offers for each setting (``SETTING_RANGES``, ``ranges_for``) bounds its widgets and shared links
  alike: a link value outside it is not run, the page says so and uses its own default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st
from pandas.errors import OutOfBoundsDatetime

import budgets
import datasets
from datasets import DataError
from lstm_core.backtest import OriginResult, backtest_plan, collect
from lstm_core.errors import CoreError
from lstm_core.forecast import CELLS, FitHistory, ForecastConfig, Forecaster, min_points
from ui import export, markup, run_link, state, workers
from ui.i18n import t
from ui.progress import throttled

LEVELS = (80, 95)  # prediction intervals drawn and scored, in %
SETTINGS = ("cell", "bidirectional", "hidden_size", "num_layers", "window", "epochs", "learning_rate", "ensemble",
            "seed")  # the config fields the page lets the user change (and a shared link carries)
DEFAULT_ORIGINS = 3  # rolling-origin backtest origins
BACKTEST_MEMBERS = 3  # final networks refitted at each backtest origin (see the module docstring)
FIT_LINE_POINTS = 5_000  # the in-sample fit is drawn on the last this many points of the history at most
FIT_CHUNK = 1_024  # windows run through the network at once for that line
# What the page offers for each setting, in its widgets and through shared links (within ``budgets``: its largest
# network, 256 units × 4 layers × 2 directions × 8 networks, is ``budgets.NETWORK_UNITS``); the window and the
# horizon also depend on the series (``ranges_for``).
SETTING_RANGES: dict[str, tuple] = {
    "cell": CELLS, "hidden_size": (1, 256), "num_layers": (1, 4), "epochs": (1, budgets.EPOCHS),
    "learning_rate": (1e-5, 1.0), "ensemble": (1, 8), "seed": (0, 1_000_000),
}


@dataclass(frozen=True)
class Backtest:
    """A finished backtest: mean metrics per method over ``origins`` origins of ``horizon`` steps, and what
    each method forecast at each cut (for the figure of the forecasts against the actuals)."""

    mean: Mapping[str, Mapping[str, float]]
    origins: int
    horizon: int
    members: int  # networks fitted per origin
    cuts: tuple[int, ...] = ()  # series position where each held-out block starts
    paths: tuple[Mapping[str, np.ndarray], ...] = dataclasses.field(default=(), compare=False, repr=False)
    # per cut, {method: (H,) mean forecast}; every method the backtest ran, whatever their names


@dataclass
class ForecastRun:
    """One forecaster on the page: fitted here (``origin="fit"``) or uploaded as a model file."""

    forecaster: Forecaster
    history: FitHistory | None  # None for a model file saved without one
    config: ForecastConfig
    data_key: str  # LoadedSeries.key of the series it forecasts
    origin: Literal["fit", "upload"]
    seconds: float = 0.0  # fitting time
    backtest: Backtest | None = None
    backtest_error: CoreError | None = None
    backtest_pending: bool = False  # True: the backtest runs at the end of this page run
    backtest_origins: int = DEFAULT_ORIGINS
    fit_line: tuple[np.ndarray, np.ndarray] | None = dataclasses.field(default=None, repr=False, compare=False)

    def ask_backtest(self, origins: int) -> None:
        """Run the backtest (with ``origins`` origins) at the end of the next page run."""
        self.backtest_pending, self.backtest_origins = True, int(origins)


# --- settings -------------------------------------------------------------------------------------------
def settings_of(config: ForecastConfig) -> dict[str, Any]:
    """The user-changeable settings of a config."""
    return {name: getattr(config, name) for name in SETTINGS}


def typed_settings(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values (numbers may come back as floats, toggles as ints) as the config's field types."""
    kinds = {"bidirectional": bool, "learning_rate": float, "cell": str}
    return {name: kinds.get(name, int)(value) for name, value in raw.items()}


def build_config(n: int, season_length: int, horizon: int, settings: Mapping[str, Any]) -> ForecastConfig:
    """The run's config: automatic choices for this series and horizon, the settings on top, no test part.

    Raises ``CoreError`` on a bad setting, or when the series is too short for the window and horizon.
    """
    cfg = ForecastConfig.auto(n, season_length, horizon=int(horizon), **typed_settings(settings))
    cfg = dataclasses.replace(cfg, test_fraction=0.0).validate()  # fit on all of the history
    needed = min_points(cfg)
    if n < needed:
        raise CoreError("errors.engine.too_short", n=n, needed=needed)
    return cfg


def ranges_for(n: int) -> dict[str, tuple]:
    """Every setting's range for a series of ``n`` points (``SETTING_RANGES`` with the window and the horizon)."""
    return {**SETTING_RANGES, "window": (2, max(2, min(n, budgets.WINDOW))),
            "horizon": (1, max(1, min(budgets.HORIZON, n // 2)))}


def fill_settings(loaded: state.LoadedSeries, settings: Mapping[str, Any], horizon: int) -> None:
    """Set the page's setting widgets and horizon, for ``loaded``."""
    for name in SETTINGS:
        st.session_state[state.forecast_setting_key(name)] = settings[name]
    st.session_state[state.FORECAST_HORIZON] = int(horizon)
    st.session_state[state.FORECAST_SETTINGS_FOR] = loaded.key


# --- shared links ---------------------------------------------------------------------------------------
def open_link(query: Mapping[str, str], lang: str) -> list[str]:
    """Apply a shared link's data and settings once per link, and ask for a run.

    Returns a translated message for each value the page could not use as written (malformed, or outside
    ``ranges_for`` the series): it names the parameter and the range, and the page's default is used instead;
    no run is asked then, so a link never starts something other than what it says. Raises ``DataError`` when
    the link names no known data, ``CoreError`` when its settings cannot make a config."""
    link = tuple(sorted((k, v) for k, v in query.items() if run_link.is_link_key(k)))
    if not link or st.session_state.get(state.FORECAST_LINKED) == link:
        return []
    st.session_state[state.FORECAST_LINKED] = link
    data = run_link.read_data(query)
    if data is None:
        return []
    source, ref, problems = data
    if source == "bundled":
        new = state.bundled_series(ref["id"], lang)
    else:
        new = state.synthetic_series(ref["generator"], ref["params"], ref["seed"])
    state.set_series(new)
    settings, horizon, setting_problems = run_link.read_settings(query, ranges_for(new.n))
    base = ForecastConfig.auto(new.n, new.season_length, horizon=horizon)
    defaults = {**settings_of(base), "horizon": base.horizon}
    problems += [dataclasses.replace(p, default=defaults[p.target]) for p in setting_problems]
    fill_settings(new, {**settings_of(base), **{k: v for k, v in settings.items() if k in SETTINGS}}, base.horizon)
    st.session_state[state.FORECAST_AUTORUN] = not problems
    return [link_message(p) for p in problems]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def link_message(problem: run_link.LinkProblem) -> str:
    """What the page says about a link value it did not use: the parameter, the value as written (escaped: it is
    the link's), the range or the choices allowed, and the default used instead."""
    if problem.choices:
        return markup.md("limits.link_not_a_choice", name=problem.param, value=problem.value,
                         choices=", ".join(problem.choices), default=_shown(problem.default))
    return markup.md("limits.link_out_of_range", name=problem.param, value=problem.value, min=_shown(problem.low),
                     max=_shown(problem.high), default=_shown(problem.default))


def sync_link(loaded: state.LoadedSeries, config: ForecastConfig) -> bool:
    """Write the run's shareable link into the URL (bundled and synthetic data only); True if it has one."""
    params: dict[str, str] = {}
    if loaded.source in ("bundled", "synthetic"):
        params = run_link.encode_run(run_link.SharedRun(loaded.source, loaded.ref, settings_of(config),
                                                    int(config.horizon)))
    for key in [k for k in st.query_params if run_link.is_link_key(k) and k not in params]:
        del st.query_params[key]
    for key, value in params.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[state.FORECAST_LINKED] = tuple(sorted(params.items()))
    return bool(params)


# --- fitting and the backtest ---------------------------------------------------------------------------
def epoch_progress(bar, key: str) -> Callable[[Any], None]:
    """Per-epoch callback drawing one progress bar with catalog text ``key`` (throttled: ``ui.progress``)."""
    def draw(info) -> None:
        per_origin = (info.member + info.epoch / info.epochs) / info.members
        done = (info.origin + per_origin) / info.origins
        bar.progress(min(done, 1.0), text=t(key, epoch=info.epoch, epochs=info.epochs, member=info.member + 1,
                                            members=info.members, origin=info.origin + 1, origins=info.origins))

    return throttled(draw)


@st.cache_resource(show_spinner=False)
def origin_store() -> workers.ResultStore:
    """Finished backtest origins (``OriginResult``), small: many fit."""
    return workers.ResultStore(256)


@st.cache_resource(show_spinner=False)
def fit_store() -> workers.ResultStore:
    """Fitted forecasters with their history; each holds its series, so fewer are kept."""
    return workers.ResultStore(16)


def fit(loaded: state.LoadedSeries, cfg: ForecastConfig, bar, on_wait: Callable[[int], Any],
        origins: int = DEFAULT_ORIGINS) -> ForecastRun:
    """Fit ``cfg`` on all of ``loaded`` with live progress on ``bar``; the backtest is left pending."""
    values = loaded.series.to_numpy(dtype=float)

    def make() -> tuple[Forecaster, FitHistory]:
        fitted = workers.fit(values, cfg, on_epoch=epoch_progress(bar, "forecast.progress_fit"))
        return fitted.forecaster, fitted.history

    fc, hist = fit_store().get_or_make((loaded.key, cfg.to_json()), make, on_wait=on_wait)
    return ForecastRun(fc, hist, cfg, loaded.key, "fit", seconds=hist.fit_seconds, backtest_pending=True,
                       backtest_origins=origins)


def from_upload(data: bytes, loaded: state.LoadedSeries) -> ForecastRun:
    """A run from a saved model file; raises CoreError/DataError (the caller keeps the run it had). A file over
    the model-file budget is refused with a message naming the limit."""
    try:
        fc = export.load_model(data, loaded.n)
    except CoreError as exc:
        if exc.key == "errors.core.bad_model_file" and exc.params.get("reason") == "too_big":
            raise CoreError("errors.core.model_file_too_big", max_mb=budgets.MODEL_FILE_BYTES // 2**20,
                            arrays=budgets.MODEL_FILE_ARRAYS) from exc
        raise
    return ForecastRun(fc, fc.history, fc.config, loaded.key, "upload")


def run_backtest(run: ForecastRun, loaded: state.LoadedSeries, bar, on_wait: Callable[[int], Any]) -> None:
    """Rolling-origin backtest of the run's config against the baselines, stored in ``run.backtest``
    (or ``run.backtest_error``). Origins already in the store are not refitted; each new one is stored as
    soon as it is done, so an interrupted backtest (a rerun, a closed tab) stays pending and resumes."""
    values = loaded.series.to_numpy(dtype=float)
    m = max(1, int(loaded.season_length))
    k = run.backtest_origins
    try:
        x, cfg_o, cuts, lv, mm = backtest_plan(values, run.config, k, LEVELS, m,
                                               members=min(BACKTEST_MEMBERS, run.config.ensemble))
        on_epoch = epoch_progress(bar, "forecast.progress_bt")
        done: list[OriginResult] = []
        for j, o in enumerate(cuts):
            def relay(info, j: int = j) -> None:
                on_epoch(dataclasses.replace(info, origin=j, origins=k))

            def make(o: int = o, relay=relay) -> OriginResult:
                return workers.backtest_origin(x, cfg_o, o, lv, mm, relay)

            done.append(origin_store().get_or_make((loaded.key, cfg_o.to_json(), int(o), lv, mm), make,
                                                   on_wait=on_wait))
    except CoreError as exc:
        run.backtest_error, run.backtest_pending = exc, False
        return
    res = collect(cuts, cfg_o.horizon, mm, done)
    paths = tuple({name: np.asarray(f.mean, dtype=float) for name, f in r.forecasts.items()} for r in done)
    run.backtest = Backtest(res.mean, len(res.origins), res.horizon, cfg_o.ensemble,
                            cuts=tuple(int(r.origin) for r in done), paths=paths)
    run.backtest_pending = False


def future_index(loaded: state.LoadedSeries, horizon: int) -> tuple[pd.Index, DataError | None]:
    """The forecast's dates on the series' own calendar; steps ``n .. n+horizon-1`` and the reason when it has none
    (also when the calendar would run past what pandas can hold)."""
    try:
        return datasets.future_index(loaded.series.index, horizon), None
    except DataError as exc:
        return pd.RangeIndex(loaded.n, loaded.n + horizon), exc
    except (OutOfBoundsDatetime, OverflowError):
        return pd.RangeIndex(loaded.n, loaded.n + horizon), DataError("errors.data.calendar_overflow",
                                                                      max=budgets.LAST_YEAR)


def in_sample_fit(run: ForecastRun, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and one-step-ahead values of the fitted line drawn under the history: the last
    ``FIT_LINE_POINTS`` positions at most, computed ``FIT_CHUNK`` windows at a time, so a long series costs the
    server a bounded amount of memory (a million points at once once asked for tens of GB). Kept on the run
    (it belongs to one series, ``run.data_key``), so a language switch or any other rerun does not redo it."""
    if run.fit_line is not None and run.fit_line[0].size and run.fit_line[0][-1] == values.size - 1:
        return run.fit_line
    positions = np.arange(max(run.config.window, values.size - FIT_LINE_POINTS), values.size)
    fitted = np.empty(positions.size)
    for k in range(0, positions.size, FIT_CHUNK):
        fitted[k:k + FIT_CHUNK] = run.forecaster.paths(values, positions[k:k + FIT_CHUNK], 1)[:, 0]
    run.fit_line = (positions, fitted)
    return run.fit_line
