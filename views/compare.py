"""Compare: LSTM, GRU, bidirectional LSTM and plain RNN trained on equal terms, next to the baselines.

Every model gets the same data, split, window, horizon, seed(s) and epoch budget (``ForecastConfig.auto`` with
one ensemble member), so differences come from the cell. Training lives in ``ui.compare_runs`` (worker fits
kept process-wide, so a class running the same comparison trains it once); the numbers in ``ui.comparison``.
The ``CompareResults`` live in ``ui.state.COMPARE_RESULTS``; the views below the table (gate heatmaps) run in
a fragment and never retrain.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from lstm_core.errors import CoreError
from ui import compare_runs, comparison, state, tables, widgets
from ui.i18n import current_lang, t, translate
from ui.plots import compare as cplots

lang = current_lang()
loaded = state.get_series()
values = loaded.series.to_numpy(dtype=float)
n, m = values.size, max(1, int(loaded.season_length))
VARIANTS = comparison.VARIANTS

st.title(t("nav.compare"))
st.caption(t("compare.intro", name=widgets.series_name(loaded), n=n))

try:
    base = comparison.default_config(n, m)
except CoreError as exc:
    widgets.show_error(exc)
    widgets.stop_page()

# --- controls --------------------------------------------------------------------------------------------
cols = st.columns(len(VARIANTS))
for name in VARIANTS:
    state.init(state.compare_model_key(name), True)  # through session state only: no value= on the widget too
chosen = [
    name for col, name in zip(cols, VARIANTS)
    if col.toggle(t(f"compare.model.{name}"), key=state.compare_model_key(name), help=t(f"compare.model_help.{name}"))
]
epochs = state.init(state.COMPARE_EPOCHS, int(base.epochs))
hidden = state.init(state.COMPARE_HIDDEN, int(base.hidden_size))
seed = state.init(state.COMPARE_SEED, 0)
n_seeds = state.init(state.COMPARE_SEEDS, 1)
if not state.is_classroom():
    with st.expander(t("compare.advanced"), icon=":material/tune:"):
        a1, a2, a3, a4 = st.columns(4)
        epochs = a1.number_input(t("compare.epochs"), 1, 500, key=state.COMPARE_EPOCHS, help=t("compare.epochs_help"))
        hidden = a2.number_input(t("compare.hidden"), 1, 256, key=state.COMPARE_HIDDEN, help=t("compare.hidden_help"))
        seed = a3.number_input(t("compare.seed"), 0, 1_000_000, key=state.COMPARE_SEED, help=t("compare.seed_help"))
        n_seeds = a4.slider(t("compare.n_seeds"), 1, 5, key=state.COMPARE_SEEDS, help=t("compare.n_seeds_help"))
cfg0 = dataclasses.replace(base, epochs=int(epochs), hidden_size=int(hidden), seed=int(seed))
st.caption(t("compare.same_terms", window=cfg0.window, horizon=cfg0.horizon, epochs=cfg0.epochs,
             hidden=cfg0.hidden_size, seeds=int(n_seeds)))
run = st.button(t("compare.run"), type="primary", icon=":material/play_arrow:", disabled=not chosen,
                key="compare.run_btn")
if not chosen:
    st.info(t("compare.none_chosen"))

if run and chosen:
    try:
        st.session_state[state.COMPARE_RESULTS] = compare_runs.train_all(loaded, chosen, cfg0, int(n_seeds), lang)
    except CoreError as exc:
        widgets.show_error(exc)

# --- results ---------------------------------------------------------------------------------------------
results = st.session_state.get(state.COMPARE_RESULTS)
if results is None:
    st.info(t("compare.no_results"), icon=":material/info:")
    widgets.stop_page()
if results.data_key != loaded.key:
    st.warning(t("compare.stale"), icon=":material/warning:")
    widgets.stop_page()

st.subheader(t("compare.table_title"))
st.dataframe(tables.results_table(results.table(), lang), hide_index=True, width="stretch")
st.caption(t("compare.table_note", seeds=results.seeds))
for name in results.diverged():
    st.warning(t("compare.diverged", model=translate(lang, f"compare.model.{name}")))

c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{t('compare.loss_title')}**")
    widgets.show_figure(cplots.loss_curves_figure(results.loss_curves(), lang), key="compare.loss_fig")
with c2:
    st.markdown(f"**{t('compare.test_title')}**")
    x = np.asarray(loaded.series.index)[results.test.index]
    widgets.show_figure(cplots.test_forecasts_figure(x, results.test.actual, results.test_forecasts(), lang),
                        key="compare.test_fig")


@st.fragment
def gate_view() -> None:
    """Gate heatmaps side by side on shared scales (a view only: changing it never retrains)."""
    st.subheader(t("compare.gates_title"))
    view = st.radio(t("compare.gate_view"), comparison.gate_views(results.gates),
                    format_func=lambda v: translate(lang, f"compare.view.{v}"), horizontal=True,
                    key=state.COMPARE_VIEW)
    panels = comparison.gate_panels(results.gates, view, lang)
    if not panels:
        st.info(t("compare.no_gates"))
        return
    widgets.show_figure(cplots.side_by_side_heatmaps(panels, lang), key="compare.gates_fig")
    st.markdown(t("compare.gates_note_memory" if view == "memory" else "compare.gates_note_hidden"))


gate_view()
