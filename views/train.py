"""Train: choose the network and its training settings, press Train, watch the loss fall, then judge the fit.

Thin page: the settings widgets and the layout live here; the run itself is a background ``ui.trainer``
job (so Stop, or any other click, never kills training half-way); figures come from ``ui.plots.training``.
Defaults come from ``ForecastConfig.auto`` for the loaded series; classroom mode hides the advanced settings.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.errors import CoreError
from ui import state, trainer, widgets
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots.training import beats_seasonal_naive, fit_figure, loss_curves, metrics_table

lang = current_lang()


def tr(key: str, **params) -> str:
    """``t()`` bound to this run's language (format_func callbacks may run outside the script)."""
    return translate(lang, key, **params)


CELLS = ("lstm", "gru", "rnn")
HIDDEN = (4, 8, 16, 24, 32, 48, 64, 96, 128)
BATCHES = (8, 16, 32, 64, 128)
RATES = (1e-4, 3e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BASIC = ("cell", "hidden_size", "window", "epochs")  # shown in classroom mode too
ADVANCED = ("bidirectional", "num_layers", "horizon", "batch_size", "learning_rate", "seed", "early_stop", "patience")
DATA_DEPENDENT = ("window", "horizon", "epochs", "batch_size")  # re-derived when the series changes

loaded = state.get_series()
job = trainer.current_job()
if trainer.collect(job):
    pass  # a finished run's model is now the session's model
running = job is not None and not job.done

st.title(t("nav.train"))
st.caption(t("train.intro"))
st.markdown(t("train.on_data", name=widgets.series_name(loaded, lang), n=loaded.n))


# --- settings -----------------------------------------------------------------------------------------
def _auto_settings() -> dict:
    try:
        cfg = trainer.default_config(loaded)
    except CoreError:
        cfg = trainer.ForecastConfig(ensemble=trainer.APP_ENSEMBLE)
    return {
        "cell": cfg.cell, "hidden_size": cfg.hidden_size, "window": cfg.window, "epochs": cfg.epochs,
        "bidirectional": cfg.bidirectional, "num_layers": cfg.num_layers, "horizon": cfg.horizon,
        "batch_size": cfg.batch_size, "learning_rate": cfg.learning_rate, "seed": cfg.seed,
        "early_stop": cfg.patience > 0, "patience": max(cfg.patience, 1),
    }


auto = _auto_settings()
settings: dict = state.init(state.TRAIN_SETTINGS, dict(auto))
if st.session_state.get(state.TRAIN_SETTINGS_FOR) != loaded.key:
    st.session_state[state.TRAIN_SETTINGS_FOR] = loaded.key
    for name in DATA_DEPENDENT:
        settings[name] = auto[name]
        st.session_state.pop(state.train_widget_key(name), None)
for name, value in settings.items():  # widgets forget their values on a page switch: re-seed them
    if state.train_widget_key(name) not in st.session_state:
        st.session_state[state.train_widget_key(name)] = value


def _nearest(options: tuple, value) -> object:
    return min(options, key=lambda o: abs(float(o) - float(value)))


for name, options in (("hidden_size", HIDDEN), ("batch_size", BATCHES), ("learning_rate", RATES)):
    wk = state.train_widget_key(name)
    if st.session_state[wk] not in options:
        st.session_state[wk] = _nearest(options, st.session_state[wk])

max_window = max(2, min(512, loaded.n // 2))
max_horizon = max(1, min(365, loaded.n // 4))
for name, hi in (("window", max_window), ("horizon", max_horizon)):
    wk = state.train_widget_key(name)
    st.session_state[wk] = int(min(max(int(st.session_state[wk]), 1 if name == "horizon" else 2), hi))

W = state.train_widget_key
with st.container(border=True):
    st.markdown(f"**{t('train.settings')}**")
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox(t("train.cell"), CELLS, format_func=lambda c: tr(f"cell_kind.{c}"), key=W("cell"),
                 help=t("train.help.cell"), disabled=running)
    c2.select_slider(t("train.hidden_size"), HIDDEN, key=W("hidden_size"), help=t("train.help.hidden_size"),
                     disabled=running)
    c3.number_input(t("train.window"), min_value=2, max_value=max_window, step=1, key=W("window"),
                    help=t("train.help.window"), disabled=running)
    c4.number_input(t("train.epochs"), min_value=1, max_value=1000, step=5, key=W("epochs"),
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

for name in settings:
    settings[name] = st.session_state[W(name)]


def _config():
    """The chosen settings as a validated ``ForecastConfig`` (CoreError for an impossible combination)."""
    chosen = {k: settings[k] for k in BASIC}
    if not state.is_classroom():
        chosen.update({k: settings[k] for k in ADVANCED if k not in ("early_stop", "patience")})
        chosen["patience"] = int(settings["patience"]) if settings["early_stop"] else 0
    for k in ("hidden_size", "window", "epochs", "num_layers", "horizon", "batch_size", "seed", "patience"):
        if k in chosen:
            chosen[k] = int(chosen[k])
    chosen["learning_rate"] = float(chosen.get("learning_rate", auto["learning_rate"]))
    chosen["bidirectional"] = bool(chosen.get("bidirectional", False))
    return trainer.default_config(loaded, **chosen)


# --- train / stop -------------------------------------------------------------------------------------
b1, b2, _ = st.columns([1, 1, 4])
if running:
    b2.button(t("train.stop"), icon=":material/stop_circle:", key="train.stop_btn", on_click=job.request_stop,
              type="secondary", disabled=job.stop_requested)
clicked = b1.button(t("train.start"), icon=":material/play_arrow:", key="train.start_btn", type="primary",
                    disabled=running)
if clicked:
    try:
        job = trainer.start_training(loaded, _config())
        running = True
        st.rerun()
    except CoreError as exc:
        widgets.show_error(exc)

if running:
    trainer.live_panel(job, lang, key="train")
    widgets.stop_page()

# --- results ------------------------------------------------------------------------------------------
if job is None:
    st.info(t("train.none_yet"), icon=":material/school:")
    widgets.stop_page()
if job.data_key != loaded.key:
    st.info(t("train.other_data"), icon=":material/info:")
    widgets.stop_page()

trainer.status_message(job, lang)
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
             params=f"{kept.forecaster.num_parameters():,}".replace(",", "." if lang == "pt-BR" else ",")))

ev = job.evaluation
if ev is None or not ev.get("parts"):
    widgets.stop_page()
st.subheader(t("train.fit_title"))
st.caption(t("train.fit_help"))
widgets.show_figure(fit_figure(loaded.series.to_numpy(dtype=float), loaded.series.index, ev, lang=lang),
                    key="train.fit")
parts = [p for p in ("test", "validation") if p in ev["parts"]]
part = st.radio(t("train.part"), parts, format_func=lambda p: tr(f"train.part_{p}"), horizontal=True,
                key="train.part")
metrics = ev["parts"][part]["metrics"]
st.dataframe(metrics_table(metrics, lang=lang), hide_index=True, width="stretch")
verdict = beats_seasonal_naive(metrics)
part_name = t(f"train.part_{part}").lower()
if verdict is None:
    st.caption(t("train.verdict_none"))
elif verdict:
    st.success(t("train.verdict_win", part=part_name, model=fmt_num(metrics["model"]["mase"], 2, lang),
                 base=fmt_num(metrics["seasonal_naive"]["mase"], 2, lang)), icon=":material/thumb_up:")
else:
    st.warning(t("train.verdict_lose", part=part_name, model=fmt_num(metrics["model"]["mase"], 2, lang),
                 base=fmt_num(metrics["seasonal_naive"]["mase"], 2, lang)), icon=":material/lightbulb:")
st.caption(t("train.mase_help"))
st.page_link("views/gates.py", label=t("train.to_gates"), icon=":material/grid_on:",
             query_params=widgets.page_params())
