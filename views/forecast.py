"""Forecast: fit the loaded series on all its history, forecast H steps with 80 % / 95 % intervals on its own
calendar, check the network against the baselines with a rolling-origin backtest, and download or share it.

Thin page: the engine is ``lstm_core.forecast`` / ``lstm_core.backtest``; files and links are ``ui.export``;
figures and the verdict ``ui.plots.forecast``. The run lives in ``ui.state.FORECAST_RUN``; a failed model
upload shows a translated error and keeps the run the user had.

Speed (issue #7): the fit is stored as soon as it ends and the page draws the forecast chart, the fit status
and the downloads *before* the backtest starts; the backtest then runs origin by origin under its own
progress bar, in a box placed above the downloads, and the verdict appears there when it is done.

- Each origin refits one network (``BACKTEST_MEMBERS``), not the whole ensemble: the verdict scores a single
  network, a cautious estimate of the averaged forecast shown (the caption says so). With the automatic
  3-network ensemble this takes the backtest from 3 × 3 to 3 × 1 network fits.
- Fits and backtest origins run in a worker process (``ui.workers``: lower priority, one BLAS thread, outside
  the server's GIL), so a class forecasting at once does not slow everyone's pages; this script only waits
  on the pipe and draws the progress it relays.
- Finished origins are kept per (data fingerprint, per-origin config, origin, levels, season) in a
  process-wide store (fits are seeded, so the numbers are the same whoever asks): a rerun — a language
  switch, the zoom slider, a click while the backtest runs — never refits an origin already done, and a
  class opening the same shared link pays for each origin once. The final fit is kept the same way, per
  (data fingerprint, config), and a session that queued behind an identical fit takes its result.
- We do not reuse the final fit's epoch count at the origins: that fit saw the blocks the backtest scores,
  so its early-stopping point would leak them into the check.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import streamlit as st

import datasets
from datasets import DataError
from lstm_core.backtest import OriginResult, backtest_plan, collect
from lstm_core.errors import CoreError
from lstm_core.forecast import CELLS, ForecastConfig, Forecaster, min_points
from ui import export, state, widgets, workers
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots import forecast as fplots

lang = current_lang()
LEVELS = (80, 95)
SETTINGS = ("cell", "bidirectional", "hidden_size", "num_layers", "window", "epochs", "learning_rate", "ensemble",
            "seed")
DEFAULT_ORIGINS = 3
BACKTEST_MEMBERS = 1  # networks refitted at each backtest origin (see the module docstring)

st.title(t("nav.forecast_page"))
st.caption(t("forecast.intro"))

# --- a shared link: load its data and settings once --------------------------------------------------------
query = {k: st.query_params.get(k) for k in st.query_params}
link = tuple(sorted((k, v) for k, v in query.items() if export.is_link_key(k)))
if link and st.session_state.get(state.FORECAST_LINKED) != link:
    st.session_state[state.FORECAST_LINKED] = link
    try:
        shared = export.decode_run(query)
        if shared.source == "bundled":
            new = state.bundled_series(shared.ref["id"], lang)
        else:
            new = state.synthetic_series(shared.ref["generator"], shared.ref["params"], shared.ref["seed"])
        state.set_series(new)
        base = ForecastConfig.auto(new.n, new.season_length, horizon=shared.horizon)
        for name in SETTINGS:
            st.session_state[state.forecast_setting_key(name)] = shared.settings.get(name, getattr(base, name))
        st.session_state[state.FORECAST_HORIZON] = int(base.horizon)
        st.session_state[state.FORECAST_SETTINGS_FOR] = new.key
        st.session_state[state.FORECAST_AUTORUN] = True
    except (DataError, CoreError) as exc:
        widgets.show_error(exc)

loaded = state.get_series()
values = loaded.series.to_numpy(dtype=float)
n, m = values.size, max(1, int(loaded.season_length))
st.markdown(t("forecast.series", name=widgets.series_name(loaded), n=n))

# --- settings: automatic defaults, changeable in an expander ----------------------------------------------
try:
    auto = ForecastConfig.auto(n, m)
except CoreError as exc:
    widgets.show_error(exc)
    widgets.stop_page()
if st.session_state.get(state.FORECAST_SETTINGS_FOR) != loaded.key:
    st.session_state[state.FORECAST_SETTINGS_FOR] = loaded.key
    st.session_state[state.FORECAST_HORIZON] = int(auto.horizon)
    for name in SETTINGS:
        st.session_state[state.forecast_setting_key(name)] = getattr(auto, name)
max_h = max(1, min(10_000, n // 2))
state.init(state.FORECAST_HORIZON, int(auto.horizon))
horizon = st.number_input(t("forecast.horizon"), 1, max_h, key=state.FORECAST_HORIZON, help=t("forecast.horizon_help"))
settings = {name: st.session_state.get(state.forecast_setting_key(name), getattr(auto, name)) for name in SETTINGS}
origins = int(st.session_state.get(state.FORECAST_ORIGINS, DEFAULT_ORIGINS))
if not state.is_classroom():
    with st.expander(t("forecast.settings"), icon=":material/tune:"):
        st.caption(t("forecast.settings_help"))
        k = state.forecast_setting_key
        c1, c2, c3, c4, c5 = st.columns(5)
        settings["cell"] = c1.selectbox(t("forecast.cfg.cell"), CELLS, key=k("cell"),
                                        format_func=lambda c: translate(lang, f"cell_kind.{c}"))
        settings["hidden_size"] = c2.number_input(t("forecast.cfg.hidden_size"), 1, 256, key=k("hidden_size"))
        settings["num_layers"] = c3.number_input(t("forecast.cfg.num_layers"), 1, 4, key=k("num_layers"))
        settings["window"] = c4.number_input(t("forecast.cfg.window"), 2, max(2, n), key=k("window"),
                                             help=t("forecast.cfg.window_help"))
        settings["epochs"] = c5.number_input(t("forecast.cfg.epochs"), 1, 1000, key=k("epochs"))
        c1, c2, c3, c4, c5 = st.columns(5)
        settings["learning_rate"] = c1.number_input(t("forecast.cfg.learning_rate"), 1e-5, 1.0, key=k("learning_rate"),
                                                    format="%.4f", step=1e-3)
        settings["ensemble"] = c2.number_input(t("forecast.cfg.ensemble"), 1, 8, key=k("ensemble"),
                                               help=t("forecast.cfg.ensemble_help"))
        settings["seed"] = c3.number_input(t("forecast.cfg.seed"), 0, 1_000_000, key=k("seed"))
        state.init(state.FORECAST_ORIGINS, DEFAULT_ORIGINS)
        origins = int(c4.number_input(t("forecast.origins"), 1, 10, key=state.FORECAST_ORIGINS,
                                      help=t("forecast.origins_help")))
        settings["bidirectional"] = c5.toggle(t("forecast.cfg.bidirectional"), key=k("bidirectional"),
                                              help=t("forecast.cfg.bidirectional_help"))


def build_config() -> ForecastConfig:
    """The run's config: automatic choices for this series and horizon, the settings on top, no test part."""
    typed = {name: (bool(v) if name == "bidirectional" else float(v) if name == "learning_rate"
                    else str(v) if name == "cell" else int(v)) for name, v in settings.items()}
    cfg = ForecastConfig.auto(n, m, horizon=int(horizon), **typed)
    return dataclasses.replace(cfg, test_fraction=0.0).validate()  # fit on all of the history


try:
    config = build_config()
    needed = min_points(config)
    if n < needed:
        raise CoreError("errors.engine.too_short", n=n, needed=needed)
except CoreError as exc:
    widgets.show_error(exc)
    st.info(t("forecast.too_short_hint"), icon=":material/info:")
    widgets.stop_page()

# --- the shareable link: bundled and synthetic data only -------------------------------------------------
params: dict[str, str] = {}
if loaded.source in ("bundled", "synthetic"):
    params = export.encode_run(export.SharedRun(loaded.source, loaded.ref,
                                                {name: getattr(config, name) for name in SETTINGS}, int(horizon)))
for key in [k for k in st.query_params if export.is_link_key(k) and k not in params]:
    del st.query_params[key]
for key, value in params.items():
    if st.query_params.get(key) != value:
        st.query_params[key] = value
if params:
    st.session_state[state.FORECAST_LINKED] = tuple(sorted(params.items()))
    st.caption(t("forecast.link_hint"), help=t("forecast.link_help"))
else:
    st.session_state[state.FORECAST_LINKED] = ()
    st.caption(t("forecast.link_upload"))


# --- fitting -------------------------------------------------------------------------------------------------
def _progress(bar, key: str):
    """Per-epoch callback drawing one progress bar (throttled: at most ~6 redraws a second)."""
    last = [0.0]

    def on_epoch(info) -> None:
        now = time.perf_counter()
        if now - last[0] < 0.15 and info.epoch < info.epochs:
            return
        last[0] = now
        per_origin = (info.member + info.epoch / info.epochs) / info.members
        done = (info.origin + per_origin) / info.origins
        bar.progress(min(done, 1.0), text=t(key, epoch=info.epoch, epochs=info.epochs, member=info.member + 1,
                                            members=info.members, origin=info.origin + 1, origins=info.origins))

    return on_epoch


@st.cache_resource(show_spinner=False)
def origin_store() -> workers.ResultStore:
    """Finished backtest origins (``OriginResult``), small: many fit."""
    return workers.ResultStore(256)


@st.cache_resource(show_spinner=False)
def fit_store() -> workers.ResultStore:
    """Fitted forecasters with their history; each holds its series, so fewer are kept."""
    return workers.ResultStore(16)


def run_backtest(cfg: ForecastConfig, k: int) -> dict:
    """Rolling-origin backtest of ``cfg`` (``BACKTEST_MEMBERS`` networks per origin) against the baselines:
    ``{"mean", "origins", "horizon", "members"}`` or ``{"error": CoreError}``. Origins already in the store
    are not refitted; each new one is stored as soon as it is done, so an interrupted backtest resumes."""
    try:
        x, cfg_o, cuts, lv, mm = backtest_plan(values, cfg, k, LEVELS, m, members=BACKTEST_MEMBERS)
    except CoreError as exc:
        return {"error": exc}
    store = origin_store()
    bar = st.progress(0.0, text=t("forecast.backtest_running"))
    on_epoch = _progress(bar, "forecast.progress_bt")
    done: list[OriginResult] = []
    try:
        for j, o in enumerate(cuts):
            def relay(info, j: int = j) -> None:
                on_epoch(dataclasses.replace(info, origin=j, origins=k))

            def make(o: int = o, relay=relay) -> OriginResult:
                return workers.backtest_origin(x, cfg_o, o, lv, mm, relay)

            done.append(store.get_or_make((loaded.key, cfg_o.to_json(), int(o), lv, mm), make,
                                          on_wait=widgets.slot_waiter(bar)))
    except CoreError as exc:
        return {"error": exc}
    finally:
        bar.empty()
    res = collect(cuts, cfg_o.horizon, mm, done)
    return {"mean": res.mean, "origins": len(res.origins), "horizon": res.horizon, "members": cfg_o.ensemble}


def fit_and_forecast(cfg: ForecastConfig) -> dict:
    """Fit on all of the history with live progress; the backtest is left pending (runs after the chart)."""
    bar = st.progress(0.0, text=t("forecast.fitting"))

    def make() -> tuple[Forecaster, object]:
        fitted = workers.fit(values, cfg, on_epoch=_progress(bar, "forecast.progress_fit"))
        return fitted.forecaster, fitted.history

    fc, hist = fit_store().get_or_make((loaded.key, cfg.to_json()), make, on_wait=widgets.slot_waiter(bar))
    seconds = hist.fit_seconds
    bar.empty()
    return {"forecaster": fc, "history": hist, "config": cfg, "data_key": loaded.key, "origin": "fit",
            "seconds": seconds, "backtest": None, "backtest_pending": True, "backtest_origins": origins}


autorun = st.session_state.pop(state.FORECAST_AUTORUN, False)
current = st.session_state.get(state.FORECAST_RUN)
same = current is not None and current["data_key"] == loaded.key and current["config"] == config
if st.button(t("forecast.run"), type="primary", icon=":material/trending_up:", key="forecast.run_btn") or (
    autorun and not same
):
    try:
        st.session_state[state.FORECAST_RUN] = fit_and_forecast(config)
    except CoreError as exc:
        widgets.show_error(exc)

# --- uploading a saved model -------------------------------------------------------------------------------
with st.expander(t("forecast.upload_title"), icon=":material/upload_file:"):
    st.caption(t("forecast.upload_help"))
    up = st.file_uploader(t("forecast.upload"), type=["npz"], key=state.FORECAST_UPLOAD)
    if up is not None and st.session_state.get(state.FORECAST_UPLOAD_SIG) != up.file_id:
        st.session_state[state.FORECAST_UPLOAD_SIG] = up.file_id
        try:
            fc = export.load_model(up.getvalue(), n)
            st.session_state[state.FORECAST_RUN] = {
                "forecaster": fc, "history": fc.history, "config": fc.config, "data_key": loaded.key,
                "origin": "upload", "seconds": 0.0, "backtest": None,
            }
            st.success(t("forecast.upload_ok", cell=translate(lang, f"cell_kind.{fc.config.cell}"),
                         window=fc.config.window, horizon=fc.config.horizon))
        except (CoreError, DataError) as exc:
            widgets.show_error(exc)
            st.info(t("forecast.upload_kept"), icon=":material/info:")

# --- results -------------------------------------------------------------------------------------------------
run = st.session_state.get(state.FORECAST_RUN)
if run is None:
    st.info(t("forecast.none"), icon=":material/info:")
    widgets.stop_page()
if run["data_key"] != loaded.key:
    st.warning(t("forecast.stale"), icon=":material/warning:")
    widgets.stop_page()

fc: Forecaster = run["forecaster"]
cfg: ForecastConfig = run["config"]
cell_label = translate(lang, f"cell_kind.{cfg.cell}") + (translate(lang, "forecast.bi") if cfg.bidirectional else "")
try:
    fcst = fc.predict_from(values, cfg.horizon, LEVELS)
except CoreError as exc:
    widgets.show_error(exc)
    widgets.stop_page()
try:
    future = datasets.future_index(loaded.series.index, cfg.horizon)
except DataError as exc:
    widgets.show_error(exc)
    future = pd.RangeIndex(n, n + cfg.horizon)
fit_pos = np.arange(cfg.window, n)
fit_val = fc.paths(values, fit_pos, 1)[:, 0]
if run["origin"] == "fit":
    st.success(t("forecast.fitted", cell=cell_label, seconds=fmt_num(run["seconds"], 1, lang),
                 status=t(run["history"].message_key, **run["history"].message_params)))
else:
    st.info(t("forecast.from_upload", cell=cell_label), icon=":material/upload_file:")


@st.fragment
def chart() -> None:
    """The forecast chart; the zoom slider only changes the view."""
    default = min(n, max(5 * cfg.horizon, 120))
    show = st.slider(t("forecast.show_last"), min(n, 10), n, default, key="forecast.show_last") if n > 10 else n
    fig = fplots.forecast_figure(values, loaded.series.index, future, fcst.mean, fcst.lower, fcst.upper,
                                 fit_positions=fit_pos, fit_values=fit_val, lang=lang, show_last=show)
    widgets.show_figure(fig, key="forecast.fig")


chart()
st.caption(t("forecast.chart_note", horizon=cfg.horizon))

# --- backtest and verdict: a box above the downloads, filled at the end of the script -----------------
st.subheader(t("forecast.backtest_title"))
verdict_box = st.container()

# --- downloads -------------------------------------------------------------------------------------------------
st.subheader(t("forecast.downloads"))
d1, d2, d3 = st.columns(3)
d1.download_button(t("forecast.dl_csv"), export.forecast_csv(future, fcst), file_name="forecast.csv",
                   mime="text/csv", icon=":material/download:", key="forecast.dl_csv")
d2.download_button(t("forecast.dl_model"), export.model_bytes(fc), file_name="lstm_lab_model.npz",
                   mime="application/octet-stream", icon=":material/download:", key="forecast.dl_model")
d3.download_button(t("forecast.dl_config"), export.config_json(cfg, {"source": loaded.source, **loaded.ref}),
                   file_name="lstm_lab_config.json", mime="application/json", icon=":material/download:",
                   key="forecast.dl_config")
if not state.is_classroom():
    with st.expander(t("forecast.torch_title"), icon=":material/code:"):
        st.caption(t("forecast.torch_help"))
        st.code(export.TORCH_SNIPPET, language="python")

# --- the backtest runs last: the chart and the downloads are already on screen ------------------------
with verdict_box:
    bt = run.get("backtest")
    if bt is None and not run.get("backtest_pending"):
        ask = st.empty()  # cleared once the backtest starts
        with ask.container():
            st.caption(t("forecast.backtest_missing"))
            if st.button(t("forecast.backtest_run"), key="forecast.backtest_btn"):
                run["backtest_pending"], run["backtest_origins"] = True, origins
        if run.get("backtest_pending"):
            ask.empty()
    if bt is None and run.get("backtest_pending"):
        run["backtest"] = bt = run_backtest(cfg, int(run.get("backtest_origins", origins)))
        run["backtest_pending"] = False
    if bt is not None and "error" in bt:
        widgets.show_error(bt["error"])
    elif bt is not None:
        st.caption(t("forecast.backtest_note", origins=bt["origins"], horizon=bt["horizon"]))
        if bt["members"] < cfg.ensemble:
            st.caption(t("forecast.backtest_single", members=cfg.ensemble))
        table = fplots.backtest_table(bt["mean"], lang, cell_label, LEVELS)
        st.dataframe(table, hide_index=True, width="stretch")
        text, beats = fplots.verdict(bt["mean"], lang, cell_label)
        (st.success if beats else st.warning)(text)
