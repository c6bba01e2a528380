"""Forecast: fit the loaded series on all its history, forecast H steps with 80 % / 95 % intervals on its own
calendar, check the network against the baselines with a rolling-origin backtest, and download or share it.

Thin page: the run, its settings, shared links, the fit and the backtest are ``ui.forecasting``; dropped files
``ui.forecast_upload`` (a table becomes the series, read as on the Data page; a model the run); downloads are
``ui.export``; figures ``ui.plots.forecast``. A file that cannot be used shows a translated error and keeps the
series and the run the user had. The chart, the fit status and the downloads are drawn *before* the backtest
starts; the backtest then runs origin by origin under its own progress bar, in a box placed above the downloads.
"""

from __future__ import annotations

import streamlit as st

from datasets import DataError
from lstm_core.errors import CoreError
from lstm_core.forecast import CELLS, ForecastConfig
from ui import export, forecast_upload, forecasting, recipe_text, state, tables, widgets
from ui.forecasting import LEVELS, SETTINGS
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots import forecast as fplots

lang = current_lang()

st.title(t("nav.forecast_page"))
st.caption(t("forecast.intro"))

try:  # a shared link: load its data and settings once; a value it could not use is said, not run
    for message in forecasting.open_link({k: st.query_params.get(k) for k in st.query_params}, lang):
        st.warning(message, icon=":material/link_off:")
except (DataError, CoreError) as exc:
    widgets.show_error(exc)

# --- a table (or a saved model) dropped right here --------------------------------------------------------
drop = st.file_uploader(t("forecast.drop.label"), key=state.FORECAST_DROP, help=t("forecast.drop.help"))
forecast_upload.show(forecast_upload.receive(drop, state.FORECAST_DROP_SIG))
autorun = st.session_state.pop(state.FORECAST_AUTORUN, False)  # a shared link or a new table asks for a fit

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
    forecasting.fill_settings(loaded, forecasting.settings_of(auto), auto.horizon)
state.init(state.FORECAST_HORIZON, int(auto.horizon))
ranges = forecasting.ranges_for(n)  # the widgets' limits, the same a shared link is held to
horizon = st.number_input(t("forecast.horizon"), *ranges["horizon"], key=state.FORECAST_HORIZON,
                          help=t("forecast.horizon_help"))
settings = {name: st.session_state.get(state.forecast_setting_key(name), getattr(auto, name)) for name in SETTINGS}
origins = int(st.session_state.get(state.FORECAST_ORIGINS, forecasting.DEFAULT_ORIGINS))
if not state.is_classroom():
    with st.expander(t("forecast.settings"), icon=":material/tune:"):
        st.caption(t("forecast.settings_help"))
        k = state.forecast_setting_key
        c1, c2, c3, c4, c5 = st.columns(5)
        settings["cell"] = c1.selectbox(t("forecast.cfg.cell"), CELLS, key=k("cell"),
                                        format_func=widgets.labeler("cell_kind.", lang))
        settings["hidden_size"] = c2.number_input(t("forecast.cfg.hidden_size"), *ranges["hidden_size"],
                                                  key=k("hidden_size"))
        settings["num_layers"] = c3.number_input(t("forecast.cfg.num_layers"), *ranges["num_layers"],
                                                 key=k("num_layers"))
        settings["window"] = c4.number_input(t("forecast.cfg.window"), *ranges["window"], key=k("window"),
                                             help=t("forecast.cfg.window_help"))
        settings["epochs"] = c5.number_input(t("forecast.cfg.epochs"), *ranges["epochs"], key=k("epochs"))
        c1, c2, c3, c4, c5 = st.columns(5)
        settings["learning_rate"] = c1.number_input(t("forecast.cfg.learning_rate"), *ranges["learning_rate"],
                                                    key=k("learning_rate"), format="%.4f", step=1e-3)
        settings["ensemble"] = c2.number_input(t("forecast.cfg.ensemble"), *ranges["ensemble"], key=k("ensemble"),
                                               help=t("forecast.cfg.ensemble_help"))
        settings["seed"] = c3.number_input(t("forecast.cfg.seed"), *ranges["seed"], key=k("seed"))
        state.init(state.FORECAST_ORIGINS, forecasting.DEFAULT_ORIGINS)
        origins = int(c4.number_input(t("forecast.origins"), 1, 10, key=state.FORECAST_ORIGINS,
                                      help=t("forecast.origins_help")))
        settings["bidirectional"] = c5.toggle(t("forecast.cfg.bidirectional"), key=k("bidirectional"),
                                              help=t("forecast.cfg.bidirectional_help"))

try:
    config = forecasting.build_config(n, m, int(horizon), settings)
except CoreError as exc:
    widgets.show_error(exc)
    st.info(t("forecast.too_short_hint"), icon=":material/info:")
    widgets.stop_page()

# --- the shareable link: bundled and synthetic data only -------------------------------------------------
if forecasting.sync_link(loaded, config):
    st.caption(t("forecast.link_hint"), help=t("forecast.link_help"))
else:
    st.caption(t("forecast.link_upload"))

# --- fitting -------------------------------------------------------------------------------------------------
current: forecasting.ForecastRun | None = st.session_state.get(state.FORECAST_RUN)
same = current is not None and current.data_key == loaded.key and current.config == config
if st.button(t("forecast.run"), type="primary", icon=":material/trending_up:", key="forecast.run_btn") or (
    autorun and not same
):
    bar = st.progress(0.0, text=t("forecast.fitting"))
    try:
        st.session_state[state.FORECAST_RUN] = forecasting.fit(loaded, config, bar, widgets.slot_waiter(bar), origins)
    except CoreError as exc:
        widgets.show_error(exc)
    finally:
        bar.empty()

# --- uploading a saved model -------------------------------------------------------------------------------
with st.expander(t("forecast.upload_title"), icon=":material/upload_file:"):
    st.caption(t("forecast.upload_help"))
    got = forecast_upload.receive(st.file_uploader(t("forecast.upload"), key=state.FORECAST_UPLOAD),
                                  state.FORECAST_UPLOAD_SIG)
    if got is not None and got.kind == "table" and state.get_series().key != loaded.key:
        st.rerun()  # a table dropped here: the whole page follows the new series
    forecast_upload.show(got)

# --- results -------------------------------------------------------------------------------------------------
run: forecasting.ForecastRun | None = st.session_state.get(state.FORECAST_RUN)
if run is None:
    st.info(t("forecast.none"), icon=":material/info:")
    widgets.stop_page()
if run.data_key != loaded.key:
    st.warning(t("forecast.stale"), icon=":material/warning:")
    widgets.stop_page()

fc, cfg = run.forecaster, run.config
cell_label = translate(lang, f"cell_kind.{cfg.cell}") + (translate(lang, "forecast.bi") if cfg.bidirectional else "")
try:
    fcst = fc.predict_from(values, cfg.horizon, LEVELS)
except CoreError as exc:
    widgets.show_error(exc)
    widgets.stop_page()
future, calendar_error = forecasting.future_index(loaded, cfg.horizon)
if calendar_error is not None:
    widgets.show_error(calendar_error)
fit_pos, fit_val = forecasting.in_sample_fit(run, values)
if run.origin == "fit":
    st.success(t("forecast.fitted", cell=cell_label, seconds=fmt_num(run.seconds, 1, lang),
                 status=t(run.history.message_key, **run.history.message_params)))
else:
    st.info(t("forecast.from_upload", cell=cell_label), icon=":material/upload_file:")
with st.expander(t("forecast.how.title"), icon=":material/science:"):
    st.markdown("\n".join(f"- {line}" for line in recipe_text.recipe_lines(fc, lang)))


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
if fit_pos.size and fit_pos[0] > cfg.window:
    st.caption(t("forecast.fit_line_limited", points=fmt_num(fit_pos.size, 0, lang)))

# --- backtest and verdict: a box above the downloads, filled at the end of the script -----------------
st.subheader(t("forecast.backtest_title"))
verdict_box = st.container()

# --- downloads -------------------------------------------------------------------------------------------------
st.subheader(t("forecast.downloads"))
d1, d2, d3 = st.columns(3)
csv_format = d1.radio(t("forecast.csv.format"), export.CSV_FORMATS, key=state.FORECAST_CSV_FORMAT,
                      format_func=widgets.labeler("forecast.csv.", lang), help=t("forecast.csv.format_help"))
csv_bytes, csv_name = export.forecast_download(future, fcst, csv_format, lang)
d1.download_button(t("forecast.dl_csv"), csv_bytes, file_name=csv_name, mime="text/csv",
                   icon=":material/download:", key="forecast.dl_csv")
d1.caption(t(f"forecast.csv.{csv_format}_note"))
model_slot = d2.empty()  # the button goes above the choice it depends on
leave_out = d2.toggle(t("forecast.model_file.leave_out"), key=state.FORECAST_LEAVE_SERIES,
                      help=t("forecast.model_file.leave_out_help",
                             n=fmt_num(export.series_in_model(fc, with_series=False), 0, lang)))
model_file, notes = export.model_download(fc, with_series=not leave_out)
for note_key, note_params in notes:
    d2.caption(t(note_key, **{k: fmt_num(v, 0, lang) for k, v in note_params.items()}))
model_slot.download_button(t("forecast.dl_model"), model_file, file_name="lstm_lab_model.npz",
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
    if run.backtest is None and run.backtest_error is None and not run.backtest_pending:
        ask = st.empty()  # cleared once the backtest starts
        with ask.container():
            st.caption(t("forecast.backtest_missing"))
            if st.button(t("forecast.backtest_run"), key="forecast.backtest_btn"):
                run.ask_backtest(origins)
        if run.backtest_pending:
            ask.empty()
    if run.backtest_pending:
        bar = st.progress(0.0, text=t("forecast.backtest_running"))
        try:
            forecasting.run_backtest(run, loaded, bar, widgets.slot_waiter(bar))
        finally:
            bar.empty()
    bt = run.backtest
    if run.backtest_error is not None:
        widgets.show_error(run.backtest_error)
    elif bt is not None:
        st.caption(t("forecast.backtest_note", origins=bt.origins, horizon=bt.horizon))
        if bt.members < cfg.ensemble:
            st.caption(t("forecast.backtest_single", k=forecasting.BACKTEST_MEMBERS, members=cfg.ensemble,
                         held=fc.held_members))
        table = tables.backtest_table(bt.mean, lang, cell_label, LEVELS)
        st.dataframe(table, hide_index=True, width="stretch")
        text, beats = tables.verdict(bt.mean, lang, cell_label)
        (st.success if beats else st.warning)(text)
        if bt.paths:
            widgets.show_figure(fplots.backtest_figure(values, loaded.series.index, bt.cuts, bt.paths,
                                                       cell_label=cell_label, shown=fplots.default_shown(bt.mean),
                                                       lang=lang), key="forecast.bt_fig")
            st.caption(t("forecast.backtest_plot.note", horizon=bt.horizon))
