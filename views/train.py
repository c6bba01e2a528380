"""Train: choose the network and its training settings, press Train, watch the loss fall, then judge the fit.

Thin page: the settings widgets and the layout live here; the settings' defaults, session values and config in
``ui.train_settings``; the run itself is a background ``ui.trainer`` job (so Stop, or any other click, never
kills training half-way); figures come from ``ui.plots.training``.
Defaults come from ``ForecastConfig.auto`` for the loaded series; classroom mode hides the advanced settings.
"""

from __future__ import annotations

import streamlit as st

import budgets
from lstm_core.errors import CoreError
from ui import state, teaching, train_settings, trainer, training_panel, widgets
from ui.i18n import current_lang, fmt_num, t
from ui.plots.training import fit_figure, loss_curves
from ui.tables import fit_verdict, metrics_table
from ui.train_settings import BATCHES, CELLS, HIDDEN, RATES

lang = current_lang()
loaded = state.get_series()
job = trainer.current_job()
if trainer.collect(job):
    pass  # a finished run's model is now the session's model
running = job is not None and not job.done

st.title(t("nav.train"))
st.caption(t("train.intro"))
st.markdown(t("train.on_data", name=widgets.series_name(loaded, lang), n=loaded.n))


# --- settings -----------------------------------------------------------------------------------------
auto = train_settings.auto_settings(loaded)
settings = train_settings.prepare_widgets(loaded, auto)
max_window, max_horizon = train_settings.limits(loaded.n)

W = state.train_widget_key
with st.container(border=True):
    st.markdown(f"**{t('train.settings')}**")
    if teaching.is_teaching(loaded.ref, loaded.source):
        st.caption(t("train.teaching_settings", forget_bias=fmt_num(teaching.TRAIN_DEFAULTS["forget_bias"], 0, lang),
                     epochs=teaching.TRAIN_DEFAULTS["epochs"]))
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox(t("train.cell"), CELLS, format_func=widgets.labeler("cell_kind.", lang), key=W("cell"),
                 help=t("train.help.cell"), disabled=running)
    c2.select_slider(t("train.hidden_size"), HIDDEN, key=W("hidden_size"), help=t("train.help.hidden_size"),
                     disabled=running)
    c3.number_input(t("train.window"), min_value=2, max_value=max_window, step=1, key=W("window"),
                    help=t("train.help.window"), disabled=running)
    c4.number_input(t("train.epochs"), min_value=1, max_value=budgets.EPOCHS, step=5, key=W("epochs"),
                    help=t("train.help.epochs"), disabled=running)
    if state.is_classroom():
        st.caption(t("train.classroom_note"))
    else:
        with st.expander(t("train.advanced"), icon=":material/tune:"):
            a1, a2, a3, a4 = st.columns(4)
            a1.toggle(t("train.bidirectional"), key=W("bidirectional"), help=t("train.help.bidirectional"),
                      disabled=running)
            a1.number_input(t("train.num_layers"), min_value=1, max_value=4, step=1, key=W("num_layers"),
                            help=t("train.help.num_layers"), disabled=running)
            a2.number_input(t("train.horizon"), min_value=1, max_value=max_horizon, step=1, key=W("horizon"),
                            help=t("train.help.horizon"), disabled=running)
            a2.select_slider(t("train.batch_size"), BATCHES, key=W("batch_size"), help=t("train.help.batch_size"),
                             disabled=running)
            a3.select_slider(t("train.learning_rate"), RATES, key=W("learning_rate"),
                             format_func=lambda v: f"{v:g}", help=t("train.help.learning_rate"), disabled=running)
            a3.number_input(t("train.seed"), min_value=0, max_value=1_000_000, step=1, key=W("seed"),
                            help=t("train.help.seed"), disabled=running)
            a4.toggle(t("train.early_stop"), key=W("early_stop"), help=t("train.help.early_stop"), disabled=running)
            a4.number_input(t("train.patience"), min_value=1, max_value=500, step=1, key=W("patience"),
                            help=t("train.help.patience"), disabled=running or not st.session_state[W("early_stop")])

train_settings.read_widgets(settings)

# --- train / stop -------------------------------------------------------------------------------------
b1, b2, _ = st.columns([1, 1, 4])
if running:
    b2.button(t("train.stop"), icon=":material/stop_circle:", key="train.stop_btn", on_click=job.request_stop,
              type="secondary", disabled=job.stop_requested)
clicked = b1.button(t("train.start"), icon=":material/play_arrow:", key="train.start_btn", type="primary",
                    disabled=running)
if clicked:
    try:
        cfg = train_settings.build_config(loaded, settings, auto, state.is_classroom())
        job = trainer.start_training(loaded, cfg)
        running = True
        st.rerun()
    except CoreError as exc:
        widgets.show_error(exc)

if running:
    training_panel.live_panel(job, lang, key="train")
    widgets.stop_page()

# --- results ------------------------------------------------------------------------------------------
if job is None:
    st.info(t("train.none_yet"), icon=":material/school:")
    widgets.stop_page()
if job.data_key != loaded.key:
    st.info(t("train.other_data"), icon=":material/info:")
    widgets.stop_page()

training_panel.status_message(job, lang)
if job.status == "failed":
    widgets.stop_page()

kept = job.kept_model
if kept is None:
    widgets.stop_page()
rows = job.progress()
hist = job.result.history if job.result is not None else None
st.subheader(t("train.loss_title"))
widgets.show_figure(
    loss_curves([r.train_loss for r in rows], [r.val_loss for r in rows], epochs=job.config.epochs,
                best_epoch=hist.best_epoch if hist is not None else None, lang=lang),
    key="train.loss_final",
)
st.caption(t("train.run_summary", epochs=len(rows), seconds=fmt_num(job.elapsed(), 1, lang),
             params=fmt_num(kept.forecaster.num_parameters(), 0, lang)))

ev = job.evaluation
if ev is None or not ev.get("parts"):
    widgets.stop_page()
st.subheader(t("train.fit_title"))
st.caption(t("train.fit_help"))
widgets.show_figure(fit_figure(loaded.series.to_numpy(dtype=float), loaded.series.index, ev, lang=lang),
                    key="train.fit")
parts = [p for p in ("test", "validation") if p in ev["parts"]]
part = st.radio(t("train.part"), parts, format_func=widgets.labeler("train.part_", lang), horizontal=True,
                key="train.part")
metrics = ev["parts"][part]["metrics"]
st.dataframe(metrics_table(metrics, lang=lang), hide_index=True, width="stretch")
beats, verdict = fit_verdict(metrics, part, lang)
if beats is None:
    st.caption(verdict)
elif beats:
    st.success(verdict, icon=":material/thumb_up:")
else:
    st.warning(verdict, icon=":material/lightbulb:")
st.caption(t("train.mase_help"))
st.page_link("views/gates.py", label=t("train.to_gates"), icon=":material/grid_on:",
             query_params=widgets.page_params())
