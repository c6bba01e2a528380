"""Gate clamping (what if?): force one gate to a value and compare the run with the normal one.

The network is the trained model's member 0 (the one the Gates and Cell pages show) on its last window of the
series when its kind matches the chosen one, else the untrained demo network of the Cell page (seeded, same
window rule). Both runs are cached per (model, window, clamp); the controls and results live in a fragment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import Clamp, CoreError
from ui import state, widgets
from ui.cell_values import DEMO_HIDDEN, DEMO_SEED, DEMO_WINDOW, demo_input, demo_net
from ui.clamp_text import clamp_reading
from ui.clamping import CLAMPABLE, DEFAULT_VALUE, STATES, member_runs, run_pair, summary
from ui.i18n import current_lang, t, translate
from ui.plots.clamp import difference_heatmaps, forecast_figure, state_curves

lang = current_lang()


@st.cache_data(show_spinner=False, max_entries=64)
def trained_runs(sig: str, _model: state.TrainedModel, window: np.ndarray, gate: str, value: float,
                 units: tuple[int, ...] | None, steps: tuple[int, int]) -> dict:
    """``member_runs`` of the trained forecaster, normal and clamped (cached per ``sig`` and clamp)."""
    return member_runs(_model.forecaster, window, Clamp(gate=gate, value=value, units=units, steps=steps))


@st.cache_data(show_spinner=False, max_entries=64)
def demo_runs(kind: str, x: np.ndarray, gate: str, value: float, units: tuple[int, ...] | None,
              steps: tuple[int, int]) -> dict:
    """States of the untrained demo network, normal and clamped."""
    return run_pair(demo_net(kind), x, Clamp(gate=gate, value=value, units=units, steps=steps))


def _reset_value() -> None:
    st.session_state[state.CLAMP_VALUE] = DEFAULT_VALUE[st.session_state[state.CLAMP_GATE]]


# --- page ---------------------------------------------------------------------------------------------
st.title(t("nav.clamp"))
st.caption(t("clamp.intro"))

loaded = state.get_series()
values = loaded.series.to_numpy(dtype=np.float64)
kind, model, trained_kind = widgets.cell_kind_picker(state.CLAMP_KIND)
use_trained = model is not None and trained_kind == kind
classroom = state.is_classroom()

if use_trained:
    cfg = model.forecaster.config
    W, H = int(cfg.window), int(cfg.hidden_size)
    window = values[-W:]
    st.success(t("clamp.source_trained", kind=kind, hidden=H, W=W), icon=":material/school:")
else:
    x_demo = demo_input(values)
    W, H = x_demo.size, DEMO_HIDDEN
    st.info(t("cell.source_demo", kind=kind, hidden=DEMO_HIDDEN, seed=DEMO_SEED, W=min(DEMO_WINDOW, len(values))),
            icon=":material/science:")
    st.caption(t("clamp.demo_no_forecast"))


@st.fragment
def what_if() -> None:
    """Controls and results: changing a control reruns only this part (and the cached runs)."""
    gates = CLAMPABLE[kind]
    if st.session_state.get(state.CLAMP_GATE) not in gates:
        st.session_state[state.CLAMP_GATE] = gates[0]
        st.session_state[state.CLAMP_VALUE] = DEFAULT_VALUE[gates[0]]
    state.init(state.CLAMP_VALUE, DEFAULT_VALUE[gates[0]])
    c1, c2 = st.columns(2)
    gate = c1.selectbox(t("clamp.gate"), gates, key=state.CLAMP_GATE, on_change=_reset_value,
                        format_func=lambda g: translate(lang, f"gate.{g}"))
    lo = -1.0 if gate == "candidate" else 0.0
    st.session_state[state.CLAMP_VALUE] = min(max(float(st.session_state[state.CLAMP_VALUE]), lo), 1.0)
    value = c2.slider(t("clamp.value"), min_value=lo, max_value=1.0, step=0.05, key=state.CLAMP_VALUE,
                      help=t("clamp.value_help"))
    if W > 1:
        cur = st.session_state.get(state.CLAMP_STEPS)
        if not (isinstance(cur, tuple | list) and len(cur) == 2 and 0 <= cur[0] <= cur[1] <= W - 1):
            st.session_state[state.CLAMP_STEPS] = (0, W - 1)
        first, last = st.slider(t("clamp.steps"), min_value=0, max_value=W - 1, key=state.CLAMP_STEPS,
                                help=t("clamp.steps_help"))
    else:
        first, last = 0, 0
    units: tuple[int, ...] | None = None
    if not classroom:
        all_units = st.toggle(t("clamp.all_units"), value=True, key=state.CLAMP_ALL_UNITS)
        if not all_units:
            chosen = st.multiselect(t("clamp.units"), list(range(H)), default=[0], key=state.CLAMP_UNITS)
            if not chosen:
                st.warning(t("clamp.no_units"), icon=":material/warning:")
                return
            units = tuple(sorted(int(u) for u in chosen))
    steps = (int(first), int(last) + 1)
    try:
        if use_trained:
            res = trained_runs(model.fingerprint, model, window, gate, float(value), units, steps)
        else:
            res = demo_runs(kind, x_demo, gate, float(value), units, steps)
    except CoreError as exc:
        widgets.show_error(exc)
        return
    s = summary(res, kind, steps, units)
    forecast = res.get("forecast")
    spread = float(np.nanstd(values))
    st.markdown(clamp_reading(kind, gate, float(value), s, forecast, spread, lang))
    if forecast is not None:
        widgets.show_figure(forecast_figure(window, forecast[0], forecast[1], gate, lang=lang), key="clamp.fc_fig")
        table = pd.DataFrame({
            t("clamp.col.ahead"): np.arange(1, forecast[0].size + 1),
            t("clamp.col.normal"): forecast[0],
            t("clamp.col.clamped"): forecast[1],
            t("clamp.col.diff"): forecast[1] - forecast[0],
        })
        with st.expander(t("clamp.table"), expanded=False):
            st.dataframe(table, hide_index=True, width="stretch")
        st.caption(t("clamp.member_note"))
    view_default = units[0] if units else 0
    if st.session_state.get(state.CLAMP_VIEW_UNIT, 0) >= H:
        st.session_state[state.CLAMP_VIEW_UNIT] = view_default
    state.init(state.CLAMP_VIEW_UNIT, view_default)
    left, right = st.columns(2)
    with left:
        st.subheader(t("clamp.diff_title"))
        st.caption(t("clamp.diff_caption"))
        widgets.show_figure(difference_heatmaps(res, kind, gate, steps, lang=lang), key="clamp.diff_fig")
    with right:
        st.subheader(t("clamp.curves_title"))
        unit = st.selectbox(t("cell.unit"), list(range(H)), key=state.CLAMP_VIEW_UNIT)
        widgets.show_figure(state_curves(res, kind, gate, steps, int(unit), lang=lang), key="clamp.curve_fig")
    st.caption(t("clamp.states_note", states=", ".join(translate(lang, f"gate.{n}") for n in STATES[kind])))


what_if()
st.divider()
widgets.glossary_link("gate")
