"""Inside the cell: the LSTM (or GRU) cell drawn with one unit's real numbers, stepped through time.

Numbers come from the trained model (member 0 of the forecaster, on a window of the current series, scaled
as in training) when its kind matches the chosen one; otherwise from a small untrained demo network (seeded,
see ``ui.plots.cell.DEMO_*``) on the last points of the series, labelled as such. The trace is computed once
per (model, window, layer, direction) and cached; stepping, the unit picker and the drawing live in a fragment.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import GRU, LSTM, CoreError
from ui import state, widgets
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots.cell import (
    DEMO_HIDDEN,
    DEMO_SEED,
    DEMO_WINDOW,
    cell_figure,
    demo_input,
    layer_arrays,
    step_values,
)

NETS = {"LSTM": LSTM, "GRU": GRU}
GATES = {"LSTM": ("forget", "input", "candidate", "output", "cell_state", "hidden_state"),
         "GRU": ("update", "reset", "candidate", "hidden_state")}
TERMS = {"forget": "forget_gate", "input": "input_gate", "output": "output_gate", "update": "update_gate",
         "reset": "reset_gate", "candidate": "candidate", "cell_state": "cell_state", "hidden_state": "hidden_state"}

lang = current_lang()




@st.cache_data(show_spinner=False, max_entries=32)
def trained_arrays(sig: str, _model: state.TrainedModel, window: np.ndarray, layer: int, direction: str) -> dict:
    """``layer_arrays`` of the trained forecaster's member 0 on ``window`` (series units; cached per ``sig``)."""
    fc = _model.forecaster
    trace = fc.trace(window)
    return layer_arrays(fc.models[0].net, trace, layer, direction)


@st.cache_data(show_spinner=False, max_entries=32)
def demo_arrays(kind: str, x: np.ndarray) -> dict:
    """``layer_arrays`` of the untrained demo network on the standardised window ``x`` (T,)."""
    net = NETS[kind](1, DEMO_HIDDEN, seed=DEMO_SEED, dtype="float64")
    _, trace = net.forward(x[None, :, None])
    return layer_arrays(net, trace)


def _num(v: float, digits: int = 3) -> str:
    """A number for LaTeX: language decimal mark (braced so LaTeX adds no space), negatives in parentheses."""
    s = fmt_num(v, digits, lang).replace(",", "{,}")
    return s


def _term(v: float) -> str:
    s = _num(v)
    return f"({s})" if v < 0 else s


def _pre_sum(p: dict, x_all: np.ndarray, w_row: float | None) -> str:
    """``W x + b + W h + b`` with numbers; for one input feature the product is written out (w·x)."""
    wx = f"{_term(w_row)}\\cdot{_term(float(x_all[0]))}" if w_row is not None else _term(p["wx"])
    return f"{wx} + {_term(p['bi'])} + {_term(p['wh'])} + {_term(p['bh'])}"


def latex_equations(kind: str) -> list[str]:
    """The cell's equations in symbols (PyTorch's naming of weights)."""
    if kind == "LSTM":
        return [
            r"i_t = \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi})",
            r"f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})",
            r"g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})",
            r"o_t = \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho})",
            r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
            r"h_t = o_t \odot \tanh(c_t)",
        ]
    return [
        r"r_t = \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr})",
        r"z_t = \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz})",
        r"n_t = \tanh\big(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big)",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ]


def latex_numbers(v: dict, arrs: dict) -> list[str]:
    """The same equations with this step's numbers for the chosen unit (pre-activations from the weights)."""
    H = arrs["W_hh"].shape[1]
    one_input = arrs["W_ih"].shape[1] == 1

    def w(k: int) -> float | None:
        return float(arrs["W_ih"][k * H + v["unit"], 0]) if one_input else None

    pre, x_all = v["pre"], v["x_all"]
    if v["kind"] == "LSTM":
        rows = []
        for k, (sym, name, fn) in enumerate((("i", "input", r"\sigma"), ("f", "forget", r"\sigma"),
                                             ("g", "candidate", r"\tanh"), ("o", "output", r"\sigma"))):
            rows.append(f"{sym}_t = {fn}({_pre_sum(pre[name], x_all, w(k))}) = {fn}({_num(pre[name]['a'])})"
                        f" = {_num(v[name])}")
        rows.append(f"c_t = {_num(v['forget'])}\\cdot{_term(v['c_prev'])} + {_num(v['input'])}\\cdot"
                    f"{_term(v['candidate'])} = {_num(v['kept'])} + {_term(v['written'])} = {_num(v['cell'])}")
        rows.append(f"h_t = {_num(v['output'])}\\cdot\\tanh({_num(v['cell'])}) = {_num(v['output'])}\\cdot"
                    f"{_term(v['tanh_c'])} = {_num(v['hidden'])}")
        return rows
    rows = []
    for k, (sym, name) in enumerate((("r", "reset"), ("z", "update"))):
        rows.append(f"{sym}_t = \\sigma({_pre_sum(pre[name], x_all, w(k))}) = \\sigma({_num(pre[name]['a'])})"
                    f" = {_num(v[name])}")
    n = pre["candidate"]
    wx = f"{_term(w(2))}\\cdot{_term(float(x_all[0]))}" if one_input else _term(n["wx"])
    rows.append(f"n_t = \\tanh({wx} + {_term(n['bi'])} + {_num(v['reset'])}\\cdot({_num(n['wh'])} + "
                f"{_term(n['bh'])})) = \\tanh({_num(n['a'])}) = {_num(v['candidate'])}")
    rows.append(f"h_t = {_num(v['one_minus_z'])}\\cdot{_term(v['candidate'])} + {_num(v['update'])}\\cdot"
                f"{_term(v['h_prev'])} = {_num(v['written'])} + {_term(v['kept'])} = {_num(v['hidden'])}")
    return rows


def aligned(rows: list[str]) -> str:
    """Equations ``a = b`` stacked and aligned on their first ``=``."""
    return r"\begin{aligned}" + r" \\ ".join(row.replace("=", "&=", 1) for row in rows) + r"\end{aligned}"


def pct(v: float) -> str:
    return fmt_num(100 * v, 0, lang) + "%"


def reading(v: dict) -> str:
    """One sentence that reads this step's numbers for the learner."""
    if v["kind"] == "LSTM":
        return t("cell.read.lstm", t=v["t"], unit=v["unit"], f=pct(v["forget"]), i=pct(v["input"]),
                 g=fmt_num(v["candidate"], 2, lang), o=pct(v["output"]), c=fmt_num(v["cell"], 2, lang),
                 h=fmt_num(v["hidden"], 2, lang))
    return t("cell.read.gru", t=v["t"], unit=v["unit"], z=pct(v["update"]), r=pct(v["reset"]),
             n=fmt_num(v["candidate"], 2, lang), h=fmt_num(v["hidden"], 2, lang))


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
        arrs = demo_arrays(kind, x)
        st.info(t("cell.source_demo", kind=kind, hidden=DEMO_HIDDEN, seed=DEMO_SEED, W=min(DEMO_WINDOW, len(values))),
                icon=":material/science:")
        if trained_kind is not None and trained_kind != kind:
            st.caption(t("cell.other_kind", kind=trained_kind))
except CoreError as exc:
    widgets.show_error(exc)


def point_label(k: int) -> str:
    """The series' index at position ``k``: a date without a midnight time, or the step number."""
    if not 0 <= k < loaded.n:
        return str(k)
    when = loaded.series.index[k]
    if hasattr(when, "strftime"):
        return when.strftime("%Y-%m-%d" if when == when.normalize() else "%Y-%m-%d %H:%M")
    return str(when)


def _move(delta: int, T: int) -> None:
    st.session_state[state.CELL_STEP] = int(min(max(st.session_state.get(state.CELL_STEP, 0) + delta, 0), T - 1))


@st.fragment
def stepper(arrs: dict, offset: int) -> None:
    """Unit picker, step buttons + slider (one session key), the drawing, the equations: view-only reruns."""
    T, H = arrs["gates"]["hidden"].shape
    if st.session_state.get(state.CELL_STEP, 0) > T - 1:
        st.session_state[state.CELL_STEP] = T - 1
    if st.session_state.get(state.CELL_UNIT, 0) > H - 1:
        st.session_state[state.CELL_UNIT] = 0
    state.init(state.CELL_STEP, 0)
    state.init(state.CELL_UNIT, 0)
    c1, c2, c3, c4 = st.columns([1.4, 1.3, 1.3, 4], vertical_alignment="bottom")
    unit = c1.selectbox(t("cell.unit"), list(range(H)), key=state.CELL_UNIT)
    c2.button(t("cell.prev"), icon=":material/chevron_left:", on_click=_move, args=(-1, T), key="cell.prev_btn",
              disabled=st.session_state[state.CELL_STEP] <= 0, width="stretch")
    c3.button(t("cell.next"), icon=":material/chevron_right:", on_click=_move, args=(1, T), key="cell.next_btn",
              disabled=st.session_state[state.CELL_STEP] >= T - 1, width="stretch")
    step = c4.slider(t("cell.step"), min_value=0, max_value=max(T - 1, 1), key=state.CELL_STEP,
                     disabled=T == 1)
    step = min(int(step), T - 1)
    st.caption(t("cell.step_of", t=step, last=T - 1, when=point_label(offset + step)))
    v = step_values(arrs, step, int(unit))
    widgets.show_figure(cell_figure(v, lang), key="cell.figure")
    st.markdown(reading(v))
    st.subheader(t("cell.equations"))
    st.caption(t("cell.symbols"))
    st.latex(aligned(latex_equations(v["kind"])))
    st.caption(t("cell.numbers", unit=unit, t=step))
    st.latex(aligned(latex_numbers(v, arrs)))
    st.caption(t("cell.weights_note"))


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
