"""Gates: what every gate and state of the trained network did, step by step, on a window the user picks.

Thin page: the window slider and the view widgets live here; the trace comes from ``ui.traces.cached_trace``
(cached per model and window in this session, so cursor, unit, layer and direction changes never run the
network again); figures from ``ui.plots.gates``. The view is an ``st.fragment``: moving the cursor or picking a
unit redraws only the view. Without a model, the page offers to train the default one right here.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.errors import CoreError
from ui import state, teaching, traces, training_panel, widgets
from ui.cell_values import saturation_fractions
from ui.components.chart_player import AnimatedChart, chart_player
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots import colors
from ui.plots.gates import (
    cell_composition,
    cursor_frame,
    cursor_moves,
    cursor_steps,
    gate_heatmaps,
    saturation_scatter,
    set_cursor,
    set_unit,
    unit_curves,
)
from ui.reading import gate_reading, time_label

SPEEDS = (2, 5, 10, 20, 30)  # steps per second the player offers
SPEED = 10  # and starts with

lang = current_lang()


loaded = state.get_series()
st.title(t("nav.gates"))
st.caption(t("gates.intro"))

model = training_panel.trained_model_or_stop("gates", loaded, lang)

cfg = model.config
values = loaded.series.to_numpy(dtype=np.float64)
index = np.asarray(loaded.series.index)
n = values.size
st.markdown(t("gates.model", cell=t(f"cell_kind.{cfg.cell}"), hidden=cfg.hidden_size, layers=cfg.num_layers,
              dirs=t("gates.bidir") if cfg.bidirectional else t("gates.unidir"), window=cfg.window))


# --- the window the network reads -------------------------------------------------------------------
def _label(k: int) -> str:
    return time_label(index[min(max(k, 0), n - 1)])


s0, e0 = st.session_state.get(state.GATES_WINDOW, (-1, -1))
if not (0 <= s0 < e0 <= n):
    st.session_state[state.GATES_WINDOW] = teaching.gates_window(n, cfg.window)
start, end = st.slider(t("gates.window"), min_value=0, max_value=n, key=state.GATES_WINDOW,
                       help=t("gates.window_help"))
if end - start < 2:
    start, end = max(0, min(start, n - 2)), max(2, min(n, start + 2))
st.caption(t("gates.window_caption", start=_label(start), end=_label(end - 1), steps=end - start))

try:
    model_key = model.fingerprint
    view = traces.cached_trace(model, model_key, start, end, values, index)
except CoreError as exc:
    widgets.show_error(exc)
    widgets.stop_page()


def cursor_text(k: int) -> str:
    """What the cursor at step ``k`` of the window stands on: its time stamp and the series' value there."""
    return t("gates.cursor_caption", step=_label(start + k), value=fmt_num(float(view.values[k]), 3, lang))


# --- the view (a fragment: cursor, unit, layer and direction changes redraw only this part) ----------
@st.fragment
def gate_view() -> None:
    T, H = end - start, view.hidden_size
    n_sel = 2 + (view.num_layers > 1) + (len(view.directions) > 1)
    cols = iter(st.columns([1] * (n_sel - 1) + [3]))
    layer = 0
    if view.num_layers > 1:
        layer = next(cols).selectbox(t("gates.layer"), list(range(view.num_layers)), key=state.GATES_LAYER,
                             format_func=lambda k: translate(lang, "gates.layer_n", n=k + 1), help=t("gates.layer_help"))
    direction = "forward"
    if len(view.directions) > 1:
        direction = next(cols).radio(t("gates.direction"), list(view.directions), key=state.GATES_DIRECTION,
                             format_func=widgets.labeler("gates.dir.", lang), help=t("gates.direction_help"))
    if not 0 <= st.session_state.get(state.GATES_UNIT, -1) < H:
        st.session_state[state.GATES_UNIT] = 0
    unit = next(cols).selectbox(t("gates.unit"), list(range(H)), key=state.GATES_UNIT, help=t("gates.unit_help"),
                                format_func=lambda u: translate(lang, "plot.gates.unit_n", n=u))
    if not 0 <= st.session_state.get(state.GATES_CURSOR, -1) < T:
        st.session_state[state.GATES_CURSOR] = T - 1
    cursor = next(cols).select_slider(t("gates.cursor"), options=list(range(T)), key=state.GATES_CURSOR,
                                      format_func=lambda k: _label(start + k), help=t("gates.cursor_help"))
    st.caption(cursor_text(cursor))
    gates = {name: view.gates[(layer, direction, name)] for name in view.names}
    if layer > 0:
        st.caption(t("gates.upper_layer", below=layer))

    st.subheader(t("gates.heatmaps_title"))
    st.caption(t("gates.heatmaps_help"))
    # the heatmap grid is the heavy figure: built once per window/layer/direction, then only its cursor moves
    figs = st.session_state.setdefault(state.GATES_FIGS, {})
    fig_key = (model_key, start, end, layer, direction, lang)
    if fig_key not in figs:
        figs.clear()
        figs[fig_key] = gate_heatmaps(gates, view.values, time=view.index, c_range=view.c_range, lang=lang)
    fig = set_unit(set_cursor(figs[fig_key], view.index, cursor), unit)
    curves = unit_curves(gates, view.values, unit, time=view.index, cursor=cursor, lang=lang)
    parts = None
    if cfg.cell == "lstm":
        parts = cell_composition(gates["forget"], gates["input"], gates["candidate"], gates["cell"], unit,
                                 time=view.index, cursor=cursor, lang=lang)
    # the player sweeps the cursor of the three figures in the browser, through the heatmaps' columns
    steps = cursor_steps(T)
    moving = [("gates.heatmaps", fig), ("gates.unit_curves", curves)] + ([("gates.composition", parts)] if parts else [])
    st.html(chart_player("gates.player", [AnimatedChart(key, moves=cursor_moves(f, view.index, steps)) for key, f in moving],
                         [cursor_text(int(k)) for k in steps], cursor_frame(T, cursor),
                         speeds=SPEEDS, speed=SPEED, unit="step", lang=lang), unsafe_allow_javascript=True)
    widgets.show_figure(fig, key="gates.heatmaps")
    with st.container(border=True):
        st.markdown(f"**{t('gates.read.title')}**")
        st.markdown("\n".join(f"- {line}" for line in gate_reading(gates, unit, cursor, cfg.cell, _label(start + cursor),
                                                                    lang, values=view.values)))

    left, right = st.columns(2)
    with left:
        st.subheader(t("gates.unit_title", unit=unit))
        widgets.show_figure(curves, key="gates.unit_curves")
    with right:
        st.subheader(t("gates.composition_title"))
        if parts is not None:
            widgets.show_figure(parts, key="gates.composition")
            st.caption(t("gates.composition_help"))
        else:
            st.info(t(f"gates.no_cell.{cfg.cell}"), icon=":material/info:")
    sig = {name: z for name, z in gates.items() if name in colors.SIGMOID_GATES}
    st.subheader(t("gates.saturation_title"))
    if sig:
        left, right = st.columns([3, 2])
        with left:
            widgets.show_figure(saturation_scatter(sig, unit=unit, lang=lang), key="gates.saturation")
        with right:
            st.caption(t("gates.saturation_help"))
            for name, z in sig.items():
                low, high = saturation_fractions(z)
                st.markdown(t("gates.saturation_line", gate=t(f"gate.{name}"),
                               open=int((high > 0.5).sum()), shut=int((low > 0.5).sum()), total=H))
    else:
        st.info(t("gates.no_sigmoid"), icon=":material/info:")


gate_view()
