"""Inside the cell: the LSTM (or GRU) cell drawn with one unit's real numbers, stepped through time.

Numbers come from the trained model (member 0 of the forecaster, on a window of the current series, scaled
as in training) when its kind matches the chosen one; otherwise from a small untrained demo network (seeded,
see ``ui.cell_values.DEMO_*``) on the last points of the series, labelled as such. The trace is computed once
per (model, window, layer, direction) and cached; the unit picker, the step buttons and the view live in a
fragment. The view (``ui.components.cell_view``: diagram, reading and equations, linked term by term) holds every
step of the window and plays them in the browser; the buttons and the slider pick the step it starts from.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import CoreError
from ui import state, widgets
from ui.cell_values import (
    DEMO_HIDDEN,
    DEMO_SEED,
    DEMO_WINDOW,
    demo_arrays,
    demo_input,
    member_arrays,
)
from ui.components.cell_view import cell_view
from ui.i18n import current_lang, t, translate
from ui.reading import time_label

GATES = {"LSTM": ("forget", "input", "candidate", "output", "cell_state", "hidden_state"),
         "GRU": ("update", "reset", "candidate", "hidden_state")}
TERMS = {"forget": "forget_gate", "input": "input_gate", "output": "output_gate", "update": "update_gate",
         "reset": "reset_gate", "candidate": "candidate", "cell_state": "cell_state", "hidden_state": "hidden_state"}

lang = current_lang()


@st.cache_data(show_spinner=False, max_entries=32)
def trained_arrays(sig: str, _model: state.TrainedModel, window: np.ndarray, layer: int, direction: str) -> dict:
    """``member_arrays`` of the trained forecaster on ``window`` (series units; cached per ``sig``)."""
    return member_arrays(_model.forecaster, window, layer, direction)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_demo_arrays(kind: str, x: np.ndarray) -> dict:
    """``demo_arrays`` of the untrained demo network on the standardised window ``x`` (T,)."""
    return demo_arrays(kind, x)


# --- page ---------------------------------------------------------------------------------------------
st.title(t("nav.cell"))
st.caption(t("cell.intro"))

loaded = state.get_series()
values = loaded.series.to_numpy(dtype=np.float64)
kind, model, trained_kind = widgets.cell_kind_picker(state.CELL_KIND)
use_trained = model is not None and trained_kind == kind
classroom = state.is_classroom()

arrs: dict | None = None
offset = 0  # position in the series of the window's first point
try:
    if use_trained:
        cfg = model.forecaster.config
        W = int(cfg.window)
        layer, direction = 0, "forward"
        if not classroom:
            cols = st.columns(3)
            if cfg.num_layers > 1:
                layer = cols[0].selectbox(t("cell.layer"), list(range(cfg.num_layers)), key=state.CELL_LAYER)
            if cfg.bidirectional:
                direction = cols[1].selectbox(t("cell.direction"), ["forward", "backward"], key=state.CELL_DIRECTION,
                                              format_func=lambda d: translate(lang, f"cell.dir.{d}"))
            end = st.slider(t("cell.window_end"), min_value=W, max_value=len(values), value=len(values),
                            key=state.CELL_END, help=t("cell.window_end_help"))
        else:
            end = len(values)
        offset = end - W
        window = values[offset:end]
        arrs = trained_arrays(model.fingerprint, model, window, int(layer), direction)
        st.success(t("cell.source_trained", kind=kind, hidden=cfg.hidden_size, W=W), icon=":material/school:")
    else:
        x = demo_input(values)
        offset = len(values) - x.size
        arrs = cached_demo_arrays(kind, x)
        st.info(t("cell.source_demo", kind=kind, hidden=DEMO_HIDDEN, seed=DEMO_SEED, W=min(DEMO_WINDOW, len(values))),
                icon=":material/science:")
        if trained_kind is not None and trained_kind != kind:
            st.caption(t("cell.other_kind", kind=trained_kind))
except CoreError as exc:
    widgets.show_error(exc)


def point_label(k: int) -> str:
    """The series' index at position ``k`` (``time_label``), or ``k`` itself outside the series."""
    return time_label(loaded.series.index[k]) if 0 <= k < loaded.n else str(k)


def step_text(k: int, T: int, offset: int) -> str:
    """What step ``k`` of a ``T``-step window starting at series point ``offset`` is: its number and its point."""
    return t("cell.step_of", t=k, last=T - 1, when=point_label(offset + k))


def _move(delta: int, T: int) -> None:
    st.session_state[state.CELL_STEP] = int(min(max(st.session_state.get(state.CELL_STEP, 0) + delta, 0), T - 1))


@st.fragment
def stepper(arrs: dict, offset: int) -> None:
    """Unit picker, step buttons + slider (one session key) and the view from that step: view-only reruns."""
    T, H = arrs["gates"]["hidden"].shape
    if st.session_state.get(state.CELL_STEP, 0) > T - 1:
        st.session_state[state.CELL_STEP] = T - 1
    if st.session_state.get(state.CELL_UNIT, 0) > H - 1:
        st.session_state[state.CELL_UNIT] = 0
    state.init(state.CELL_STEP, 0)
    state.init(state.CELL_UNIT, 0)
    c1, c2, c3, c4 = st.columns([1.4, 1.3, 1.3, 4], vertical_alignment="bottom")
    unit = c1.selectbox(t("cell.unit"), list(range(H)), key=state.CELL_UNIT,
                        format_func=lambda u: translate(lang, "cell.unit_n", n=u))
    c2.button(t("cell.prev"), icon=":material/chevron_left:", on_click=_move, args=(-1, T), key="cell.prev_btn",
              disabled=st.session_state[state.CELL_STEP] <= 0, width="stretch")
    c3.button(t("cell.next"), icon=":material/chevron_right:", on_click=_move, args=(1, T), key="cell.next_btn",
              disabled=st.session_state[state.CELL_STEP] >= T - 1, width="stretch")
    step = c4.slider(t("cell.step"), min_value=0, max_value=max(T - 1, 1), key=state.CELL_STEP,
                     disabled=T == 1)
    step = min(int(step), T - 1)
    st.caption(step_text(step, T, offset))
    st.html(cell_view("cell.view", arrs, int(unit), step, [step_text(k, T, offset) for k in range(T)], lang),
            unsafe_allow_javascript=True)


if arrs is not None:
    stepper(arrs, offset)
    st.subheader(t("cell.parts_title"))
    cols = st.columns(2)
    for k, part in enumerate(GATES[kind]):
        with cols[k % 2]:
            st.markdown(f"**{t(f'cell.part.{part}.title')}**")
            st.markdown(t(f"cell.part.{kind.lower()}.{part}") if part in ("candidate", "hidden_state")
                        else t(f"cell.part.{part}.text"))
            widgets.glossary_link(TERMS[part])
