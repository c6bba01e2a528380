"""Vanishing gradients: a plain RNN, an LSTM and a GRU on the same long-memory task with the same budget.

Part 1 (instant, no training): how much of the gradient reaches each earlier step in the untrained networks.
Part 2 (one button): train the three at several lags, show accuracy against lag, the trained gradients at the
chosen lag, the loss curves, and a sentence that reads the numbers. Results are kept per settings in the
session (``state.VANISH_RESULTS``), so moving the lag slider back to a trained lag never retrains; the view
controls live in a fragment. The runs live in ``ui.vanishing_runs``, the sentences in ``ui.vanishing_text``.
"""

from __future__ import annotations

import streamlit as st

from datasets import DataError
from datasets.synthetic import MEMORY_TASKS
from lstm_core import CoreError
from lstm_core.memory import KINDS, MemoryConfig
from ui import state, widgets
from ui import vanishing_runs as runs
from ui import vanishing_text as text
from ui.i18n import current_lang, fmt_num, t
from ui.plots.gradients import accuracy_vs_lag, gradient_curves, gradient_heatmap, loss_curves

LAG_MIN, LAG_MAX = 3, 60
HIDDEN_OPTIONS = [4, 8, 16, 32]
LR_OPTIONS = [0.002, 0.005, 0.01, 0.02, 0.05]

lang = current_lang()
classroom = state.is_classroom()
st.title(t("nav.vanishing"))
st.markdown(t("vanishing.intro"))
widgets.glossary_link("vanishing_gradient")

task_names = list(MEMORY_TASKS)
_d = MemoryConfig()
for _key, _value in ((state.VANISH_TASK, runs.DEFAULT_TASK), (state.VANISH_LAG, runs.DEFAULT_LAG),
                     (state.VANISH_HIDDEN, _d.hidden_size), (state.VANISH_EPOCHS, _d.epochs),
                     (state.VANISH_LR, _d.learning_rate), (state.VANISH_SEED, _d.seed)):
    state.init(_key, _value)  # widget defaults live in the session, so a widget never gets two defaults
c1, c2 = st.columns([2, 3])
task_labels = {n: t(f"synthetic.memory.{n}.label") for n in task_names}  # labels fixed now, in this language
task = c1.selectbox(t("vanishing.task"), task_names, key=state.VANISH_TASK, format_func=task_labels.get)
c1.caption(t(f"vanishing.task_help.{task}"))
lag = c2.slider(t("vanishing.lag"), LAG_MIN, LAG_MAX, key=state.VANISH_LAG, help=t("vanishing.lag_help"))
c2.caption(t(f"synthetic.memory.{task}.watch"))

if not classroom:
    with st.expander(t("vanishing.budget")):
        st.caption(t("vanishing.budget_help"))
        b1, b2, b3, b4 = st.columns(4)
        b1.select_slider(t("vanishing.hidden"), options=HIDDEN_OPTIONS, key=state.VANISH_HIDDEN)
        b2.slider(t("vanishing.epochs"), 1, 60, key=state.VANISH_EPOCHS)
        b3.select_slider(t("vanishing.lr"), options=LR_OPTIONS, key=state.VANISH_LR)
        b4.number_input(t("vanishing.seed"), 0, 9999, key=state.VANISH_SEED)
cfg = runs.current_config()

# --- part 1: the untrained networks ---------------------------------------------------------------
# (no widgets.stop_page() on this page: app.py draws the sidebar status after the page returns)
st.header(t("vanishing.init.header"))
st.markdown(t("vanishing.init.explain"))
try:
    prof0 = runs.init_profiles(task, int(lag), cfg)
except (CoreError, DataError) as exc:
    widgets.show_error(exc)
    prof0 = None
if prof0 is not None:
    st.info(text.init_sentence(prof0, int(lag), lang), icon=":material/visibility:")
    g1, g2 = st.columns(2)
    with g1:
        widgets.show_figure(gradient_curves(prof0, lang=lang, title_key="vanishing.plot.init_curves_title"))
    with g2:
        widgets.show_figure(gradient_heatmap(prof0, lang=lang, title_key="vanishing.plot.init_heatmap_title"))
        st.caption(t("vanishing.init.caption"))

# --- part 2: train with the same budget -----------------------------------------------------------
st.header(t("vanishing.trained.header"))
lags = runs.sweep_lags(lag)
st.markdown(t("vanishing.trained.explain", lags=", ".join(str(v) for v in lags), hidden=cfg.hidden_size,
              epochs=cfg.epochs, lr=fmt_num(cfg.learning_rate, 3), n=runs.N_TRAIN))
done = runs.trained_lags(task, lags, cfg)
if len(done) < len(lags) and st.button(t("vanishing.train.button"), type="primary", icon=":material/play_arrow:"):
    try:
        runs.train_sweep(task, lags, cfg, lang)
        st.rerun()  # redraw without the button: everything asked for is trained
    except (CoreError, DataError) as exc:
        widgets.show_error(exc)
    done = runs.trained_lags(task, lags, cfg)
missing = [v for v in lags if v not in done]
if missing and not done:
    st.info(t("vanishing.train.none_yet"), icon=":material/info:")
elif missing:
    st.caption(t("vanishing.train.partial", lags=", ".join(str(v) for v in missing)))
if done and state.VANISH_LAST_SECONDS in st.session_state:
    st.caption(t("vanishing.train.seconds", s=fmt_num(st.session_state[state.VANISH_LAST_SECONDS], 1)))


@st.fragment
def trained_view() -> None:
    """Everything drawn from the stored results (no training happens in here)."""
    shown = runs.trained_lags(task, lags, cfg)
    acc, chance = runs.accuracy_by_lag(task, shown, cfg)
    view_lag = int(lag) if int(lag) in shown else shown[-1]
    res = runs.results()[(task, view_lag, cfg)].results
    st.success(text.trained_reading(res, view_lag, cfg.epochs, lang), icon=":material/school:")
    widgets.show_figure(accuracy_vs_lag(shown, acc, chance, lang=lang, current=view_lag))
    which = "dh"
    if not classroom:
        measure_labels = {m: t(f"vanishing.measure_opts.{m}") for m in ("dh", "dx")}
        which = st.radio(t("vanishing.measure"), list(measure_labels), horizontal=True, key=state.VANISH_MEASURE,
                         format_func=measure_labels.get)
    prof = {k: res[k].grads_trained.relative(which) for k in KINDS}
    st.markdown(text.trained_gradient_sentence(prof, view_lag, which, lang))
    h1, h2 = st.columns(2)
    with h1:
        widgets.show_figure(gradient_curves(prof, lang=lang))
    with h2:
        widgets.show_figure(gradient_heatmap(prof, lang=lang))
    st.caption(t("vanishing.trained.grad_caption"))
    widgets.show_figure(loss_curves({k: res[k].history.train_loss for k in KINDS}, lang=lang))
    st.caption(text.timing_text(res, view_lag, lang))


if done:
    trained_view()
st.divider()
st.page_link("views/lesson.py", label=t("vanishing.to_lesson"), icon=":material/school:",
             query_params=widgets.page_params())
