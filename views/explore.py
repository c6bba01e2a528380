"""Explore: which past values drive a forecast (LSTM, GRU and RNN side by side), and the units that track a stretch
of the series the user brushes, with the other stretches where the same units are on.

Thin page: widgets and figures here; the attributions in ``ui.explore_drivers`` (on ``ui.attribution``), ranking
and matching in ``ui.explore_select``, unit orders in ``ui.explore_order``, sentences in ``ui.explore_text``, the
runs (other kinds, caches, the span's trace) in ``ui.explore_runs``, figures in ``ui.plots.explore``. Each tab is
an ``st.fragment``: its widgets redraw only that tab and never train anything (the other kinds train only on
their button). Without a model, the page offers to train the default one, as the Gates page does.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.errors import CoreError
from ui import explore_runs, state, training_panel, widgets
from ui import explore_text as text
from ui.explore_drivers import MAX_ROWS, METHODS
from ui.explore_order import MEMORY_GATE, orders_for, unit_order
from ui.explore_select import (
    clip_spans,
    context,
    find_matches,
    gates_view,
    rank_units,
    selection_signature,
    stretch_from_selection,
)
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots import explore as xplots
from ui.reading import time_label
from ui.workers import WorkerError

BRUSH_CONFIG = {**widgets.PLOTLY_CONFIG, "modeBarButtonsToRemove": ["lasso2d"]}  # the box select stays

lang = current_lang()
loaded = state.get_series()
st.title(t("nav.explore"))
st.caption(t("explore.intro"))

model = training_panel.trained_model_or_stop("explore", loaded, lang)

cfg = model.config
values = loaded.series.to_numpy(dtype=np.float64)
index = np.asarray(loaded.series.index)
n = values.size
season = max(1, int(loaded.season_length))
st.markdown(t("explore.model", cell=t(f"cell_kind.{cfg.cell}"), hidden=cfg.hidden_size, window=cfg.window,
              horizon=cfg.horizon))


def _label(k: int) -> str:
    return time_label(index[min(max(int(k), 0), n - 1)])


# --- what drives a forecast --------------------------------------------------------------------------------
@st.fragment
def drivers_view() -> None:
    st.caption(t("explore.drivers.intro"))
    have = explore_runs.forecasters(model)
    missing = [c for c in explore_runs.CELLS if c not in have]
    if missing:
        names = text.names_text([translate(lang, f"cell_kind.{c}") for c in missing], lang)
        st.info(t("explore.drivers.only_some", missing=names), icon=":material/info:")
        if st.button(t("explore.drivers.train_others", models=names), icon=":material/play_arrow:",
                     key="explore.train_others_btn", help=t("explore.drivers.train_others_help")):
            try:
                explore_runs.train_missing(loaded, model, lang)
                st.rerun()  # draw the page again without this offer
            except (CoreError, WorkerError) as exc:
                widgets.show_error(exc)
                have = explore_runs.forecasters(model)  # the kinds that did train before the error

    W, R = cfg.window, model.forecaster.model_horizon
    origins = list(range(W, n + 1))
    if st.session_state.get(state.EXPLORE_ORIGIN) not in origins:
        st.session_state[state.EXPLORE_ORIGIN] = n
    if not 1 <= st.session_state.get(state.EXPLORE_STEP, 0) <= R:
        st.session_state[state.EXPLORE_STEP] = 1
    c1, c2 = st.columns([3, 2])
    origin = c1.select_slider(t("explore.drivers.origin"), options=origins, key=state.EXPLORE_ORIGIN,
                              format_func=lambda o: _label(o - 1), help=t("explore.drivers.origin_help"))
    step = 1
    if R > 1:
        step = c2.slider(t("explore.drivers.step"), 1, R, key=state.EXPLORE_STEP, help=t("explore.drivers.step_help"))
    else:
        c2.caption(t("explore.drivers.one_step"))
    method = st.radio(t("explore.drivers.method"), METHODS, key=state.EXPLORE_METHOD, horizontal=True,
                      format_func=widgets.labeler("explore.method.", lang), help=t("explore.drivers.method_help"))
    target = origin + step - 1
    st.caption(t("explore.drivers.window_caption", start=_label(origin - W), end=_label(origin - 1), window=W,
                 step=step, target=_label(target) if target < n else t("explore.drivers.past_end")))

    every = R > 1 and R <= MAX_ROWS and st.toggle(t("explore.drivers.all_steps"), key=state.EXPLORE_ALL_STEPS,
                                                 help=t("explore.drivers.all_steps_help"))
    steps = tuple(range(1, R + 1)) if every else (step,)
    try:
        drivers = {cell: explore_runs.cached_drivers(explore_runs.model_key(model, cell), fc, values, origin, steps)
                   for cell, fc in have.items()}
    except CoreError as exc:
        widgets.show_error(exc)
        return
    window_index = index[origin - W:origin]
    rows = {cell: d.row(method, step) for cell, d in drivers.items()}
    forecast_x = xplots.x_value(index, target) if target < n else None
    widgets.show_figure(xplots.drivers_figure(drivers[cfg.cell].window, window_index, rows, method, lang,
                                              forecast_x=forecast_x), key="explore.drivers_fig")
    st.caption(t(f"explore.drivers.units_{method}", scale=fmt_num(drivers[cfg.cell].scale, 3, lang)))

    with st.container(border=True):
        st.markdown(f"**{t('explore.drivers.read_title', step=step)}**")
        note = text.season_note(step, season, W, lang)
        if note:
            st.markdown(note)
        for cell, d in drivers.items():
            lines = text.drivers_lines(d.row(method, step), step, season, lang)
            if method == "ig":
                lines.append(text.completeness_line(*d.completeness(step), lang))
            st.markdown(f"**{translate(lang, f'cell_kind.{cell}')}**\n" + "\n".join(f"- {line}" for line in lines))

    if every:
        st.subheader(t("explore.drivers.heatmap_title"))
        st.caption(t("explore.drivers.heatmap_help"))
        for col, (cell, d) in zip(st.columns(len(drivers)), drivers.items()):
            with col:
                widgets.show_figure(xplots.drivers_heatmap(d.ig if method == "ig" else d.gradient, d.steps,
                                                           window_index, step, method, cell, lang),
                                    key=f"explore.heatmap.{cell}")


# --- select and match --------------------------------------------------------------------------------------
def _find(stretch: tuple[int, int]) -> None:
    st.session_state[state.EXPLORE_MATCHING] = stretch


def _clear() -> None:
    for key in (state.EXPLORE_STRETCH, state.EXPLORE_MATCHING):
        st.session_state.pop(key, None)


def _threshold_slider(name: str, top: float) -> float:
    """The threshold slider on the state's fixed scale: 0..1 for the hidden state, 0..c_range for the cell."""
    step = round(top / 20, 6)
    current = st.session_state.get(state.EXPLORE_THRESHOLD)
    if not isinstance(current, float) or not step <= current <= top:
        st.session_state[state.EXPLORE_THRESHOLD] = round(top / 2, 6)
    return st.slider(t("explore.select.threshold"), min_value=step, max_value=float(top), step=step,
                     key=state.EXPLORE_THRESHOLD,
                     help=t("explore.select.threshold_help", state=text.gate_in_sentence(name, lang)))


@st.fragment
def select_view() -> None:
    first, end, view = explore_runs.span_trace(model, loaded)
    x = index[first:end]
    st.caption(t("explore.select.intro"))
    if first > 0:
        st.caption(t("explore.select.span", steps=end - first, start=_label(first), end=_label(end - 1)))

    names = ["hidden", "cell"] if cfg.cell == "lstm" else ["hidden"]
    layer, direction = 0, "forward"
    if view.num_layers > 1 or len(view.directions) > 1:
        c1, c2 = st.columns(2)
        layer = c1.selectbox(t("explore.select.layer"), list(range(view.num_layers)), key=state.EXPLORE_LAYER,
                             format_func=lambda k: translate(lang, "explore.select.layer_n", n=k + 1))
        direction = c2.selectbox(t("explore.select.direction"), list(view.directions), key=state.EXPLORE_DIRECTION,
                                 format_func=widgets.labeler("explore.dir.", lang))
    name = st.radio(t("explore.select.state"), names, key=state.EXPLORE_STATE, horizontal=True,
                    format_func=widgets.labeler("gate.", lang), help=t("explore.select.state_help"))
    left, right = st.columns(2)
    top = 1.0 if name == "hidden" else float(view.c_range)
    with left:
        threshold = _threshold_slider(name, top)
    orders = orders_for(cfg.cell)
    memory_label = text.gate_in_sentence(MEMORY_GATE.get(cfg.cell, "forget"), lang)
    if st.session_state.get(state.EXPLORE_ORDER) not in orders:
        st.session_state[state.EXPLORE_ORDER] = "cluster"
    order_name = right.selectbox(t("explore.select.order"), orders, key=state.EXPLORE_ORDER,
                                 format_func=lambda o: translate(lang, f"explore.order.{o}", gate=memory_label),
                                 help=t("explore.select.order_help"))
    states = view.gates[(layer, direction, name)]

    # a new brush (the chart's selection, read before the chart is drawn again) becomes the stretch
    selection = (st.session_state.get(state.EXPLORE_BRUSH) or {}).get("selection")
    sig = selection_signature(selection)
    if sig and sig != st.session_state.get(state.EXPLORE_BRUSH_SEEN):
        st.session_state[state.EXPLORE_BRUSH_SEEN] = sig
        found = stretch_from_selection(selection, x)
        if found is not None:
            st.session_state[state.EXPLORE_STRETCH] = (first + found[0], first + found[1])
    held = st.session_state.get(state.EXPLORE_STRETCH)
    stretch = (held[0] - first, held[1] - first) if held and first <= held[0] < held[1] <= end else None

    ranking = rank_units(states, stretch, threshold) if stretch is not None else None
    units = ranking.units if ranking is not None else np.array([], dtype=int)
    matching = stretch is not None and st.session_state.get(state.EXPLORE_MATCHING) == held
    matches = find_matches(states, units, threshold, stretch) if matching else []
    spans = [(m.start, m.end) for m in matches]

    st.subheader(t("explore.select.brush_title"))
    brush = xplots.brush_figure(view.values, x, stretch, spans, lang)
    if state.is_classroom():
        brush.update_layout(font={"size": widgets.CLASSROOM_FIG_FONT})
    st.plotly_chart(brush, key=state.EXPLORE_BRUSH, on_select="rerun", selection_mode="box", width="stretch",
                    config=BRUSH_CONFIG)
    if stretch is None:
        st.info(t("explore.select.brush_help"), icon=":material/swipe_right:")
    else:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(t("explore.select.stretch", start=_label(held[0]), end=_label(held[1] - 1),
                        steps=stretch[1] - stretch[0]))
        right.button(t("explore.select.clear"), key="explore.clear_btn", on_click=_clear, icon=":material/close:")
        st.markdown(text.units_line(ranking, fmt_num(threshold, 2, lang), lang))
        st.dataframe(text.ranking_table(ranking, lang), hide_index=True, width="stretch")
        if units.size:
            st.markdown(f"**{t('explore.select.curves_title')}**")
            a, b = context(stretch, end - first)
            widgets.show_figure(xplots.tracking_curves(view.values[a:b], x[a:b], states[a:b],
                                                       units[:len(xplots.UNIT_COLORS)], threshold,
                                                       (stretch[0] - a, stretch[1] - a), clip_spans(spans, a, b),
                                                       name, lang), key="explore.curves_fig")
            st.button(t("explore.match.find"), key="explore.find_btn", on_click=_find, args=(held,),
                      icon=":material/search:", type="primary" if not matching else "secondary",
                      help=t("explore.match.find_help"))
        if matching:
            st.markdown(text.matches_line(matches, stretch[1] - stretch[0], lang))
            for k, m in enumerate(matches[:xplots.MATCHES_DRAWN], start=1):
                a, b = first + m.start, first + m.end
                left, right = st.columns([2, 1], vertical_alignment="center")
                left.markdown(f"**#{k}** " + text.match_label(m, _label(a), _label(b - 1), lang))
                if right.button(t("explore.match.open"), key=f"explore.open.{k}", icon=":material/grid_on:",
                                help=t("explore.match.open_help")):
                    window, cursor = gates_view(a, n, cfg.window)
                    st.session_state[state.GATES_WINDOW] = window
                    st.session_state[state.GATES_CURSOR] = cursor
                    st.session_state[state.GATES_UNIT] = int(units[0])  # the unit that tracks the stretch best
                    st.switch_page("views/gates.py", query_params=widgets.page_params())

    st.subheader(t("explore.select.heatmap_title", state=text.gate_in_sentence(name, lang)))
    st.caption(t("explore.select.heatmap_help"))
    memory = view.gates.get((layer, direction, MEMORY_GATE.get(cfg.cell, "")))
    order = unit_order(order_name, states, view.values, memory)
    widgets.show_figure(xplots.ordered_heatmap(states, order, x, name, top, stretch, spans, units, lang),
                        key="explore.heatmap_fig")


drivers_tab, select_tab = st.tabs([t("explore.tab.drivers"), t("explore.tab.select")])
with drivers_tab:
    drivers_view()
with select_tab:
    select_view()
