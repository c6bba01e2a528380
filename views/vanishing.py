"""Vanishing gradients: a plain RNN, an LSTM and a GRU on the same long-memory task with the same budget.

Part 1 (instant, no training): how much of the gradient reaches each earlier step in the untrained networks.
Part 2 (one button): train the three at several lags, show accuracy against lag, the trained gradients at the
chosen lag, the loss curves, and a sentence that reads the numbers. Results are kept per settings in the
session (``state.VANISH_RESULTS``), so moving the lag slider back to a trained lag never retrains; the view
controls live in a fragment.
"""

from __future__ import annotations

import math
import time

import numpy as np
import streamlit as st

from datasets import DataError
from datasets.synthetic import MEMORY_TASKS, memory_task
from lstm_core import CoreError
from lstm_core.memory import KINDS, MemoryConfig, init_gradients, task_shape
from ui import state, widgets, workers
from ui.i18n import fmt_num, t
from ui.plots.gradients import accuracy_vs_lag, gradient_curves, gradient_heatmap, kind_label, loss_curves

N_TRAIN, N_TEST = 384, 256  # examples per training / test set (fixed: part of the shared budget)
DEFAULT_TASK = "adding"
DEFAULT_LAG = 20
SWEEP = (5, 10, 20)  # lags trained by one click (plus the chosen lag)
LAG_MIN, LAG_MAX = 3, 60
HIDDEN_OPTIONS = [4, 8, 16, 32]
LR_OPTIONS = [0.002, 0.005, 0.01, 0.02, 0.05]


# --- pure helpers -----------------------------------------------------------------------------------
def power_text(x: float) -> str:
    """A ratio as a power of ten for a sentence: 0.0003 → "10⁻⁴", 0.4 → "0,4"/"0.4" (not a power)."""
    if not (x > 0 and math.isfinite(x)):
        return "0"
    if x >= 0.05:
        return fmt_num(x, 2)
    k = round(math.log10(x))
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(k).translate(sup)


def memory_data(task: str, lag: int, seed: int):
    """Training and test sets (different seeds) of ``task`` with the answer ``lag`` steps back."""
    T, lag_arg = task_shape(task, lag)
    kw = {} if lag_arg is None else {"lag": lag_arg}
    X, Y = memory_task(task, N_TRAIN, T, seed=seed, **kw)
    Xt, Yt = memory_task(task, N_TEST, T, seed=seed + 1000, **kw)
    return X, Y, Xt, Yt


@st.cache_data(show_spinner=False, max_entries=64)
def init_profiles(task: str, lag: int, cfg: MemoryConfig) -> dict[str, np.ndarray]:
    """Relative ‖∂L/∂h_t‖ of the untrained networks (instant: one forward and backward pass each)."""
    _, _, Xt, Yt = memory_data(task, lag, cfg.seed)
    grads = init_gradients(Xt[:128], Yt[:128], cfg)
    return {k: g.relative() for k, g in grads.items()}


def current_config() -> MemoryConfig:
    """The budget from the (advanced) controls, or the defaults (classroom mode hides them)."""
    d = MemoryConfig()
    get = st.session_state.get
    return MemoryConfig(
        hidden_size=int(get(state.VANISH_HIDDEN, d.hidden_size)),
        epochs=int(get(state.VANISH_EPOCHS, d.epochs)),
        learning_rate=float(get(state.VANISH_LR, d.learning_rate)),
        seed=int(get(state.VANISH_SEED, d.seed)),
        batch_size=d.batch_size,
        forget_bias=d.forget_bias,
        tolerance=d.tolerance,
    )


def results() -> dict:
    """``{(task, lag, MemoryConfig): lstm_core.memory.Comparison}`` of this session."""
    return state.init(state.VANISH_RESULTS, {})


def train_sweep(task: str, lags: list[int], cfg: MemoryConfig) -> None:
    """Train the three kinds at every lag not trained yet with these settings, with a progress bar."""
    store = results()
    todo = [lag for lag in lags if (task, lag, cfg) not in store]
    if not todo:
        return
    bar = st.progress(0.0, text=t("vanishing.train.starting"))
    total = len(todo) * len(KINDS) * cfg.epochs
    done = {"n": 0}
    t0 = time.perf_counter()

    def progress(kind: str, info) -> None:
        done["n"] += 1
        bar.progress(min(done["n"] / total, 1.0), text=t("vanishing.train.progress", lag=lag,
                     kind=kind_label(kind, lang), epoch=info.epoch, epochs=info.epochs))

    for lag in todo:
        X, Y, Xt, Yt = memory_data(task, lag, cfg.seed)
        comp = workers.compare_memory(X, Y, Xt, Yt, cfg, lag, progress=progress, on_wait=widgets.slot_waiter(bar))
        done["n"] = (todo.index(lag) + 1) * len(KINDS) * cfg.epochs  # runs that stopped early still count
        store[(task, lag, cfg)] = comp
        while len(store) > 24:  # bounded: forget the oldest
            store.pop(next(iter(store)))
    bar.empty()
    st.session_state[state.VANISH_LAST_SECONDS] = time.perf_counter() - t0
    st.session_state[state.VANISH_TRAIN_RUNS] = int(st.session_state.get(state.VANISH_TRAIN_RUNS, 0)) + 1


def init_sentence(prof: dict[str, np.ndarray], lag: int) -> str:
    return t("vanishing.read.init", lag=lag, rnn=power_text(prof["RNN"][0]), lstm=power_text(prof["LSTM"][0]),
             gru=power_text(prof["GRU"][0]))


def verdict(acc: float, chance: float) -> str:
    """Catalog key saying whether one network learned the task (clearly above guessing) or not."""
    if acc >= 0.8:
        return "vanishing.read.learned"
    if acc >= chance + 0.15:
        return "vanishing.read.partly"
    return "vanishing.read.guessing"


# --- page -------------------------------------------------------------------------------------------
lang = st.session_state.get(state.LANG, "en")
classroom = state.is_classroom()
st.title(t("nav.vanishing"))
st.markdown(t("vanishing.intro"))
widgets.glossary_link("vanishing_gradient")

task_names = list(MEMORY_TASKS)
_d = MemoryConfig()
for _key, _value in ((state.VANISH_TASK, DEFAULT_TASK), (state.VANISH_LAG, DEFAULT_LAG),
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
cfg = current_config()

# --- part 1: the untrained networks ---------------------------------------------------------------
# (no widgets.stop_page() on this page: app.py draws the sidebar status after the page returns)
st.header(t("vanishing.init.header"))
st.markdown(t("vanishing.init.explain"))
try:
    prof0 = init_profiles(task, int(lag), cfg)
except (CoreError, DataError) as exc:
    widgets.show_error(exc)
    prof0 = None
if prof0 is not None:
    st.info(init_sentence(prof0, int(lag)), icon=":material/visibility:")
    g1, g2 = st.columns(2)
    with g1:
        widgets.show_figure(gradient_curves(prof0, lang=lang, title_key="vanishing.plot.init_curves_title"))
    with g2:
        widgets.show_figure(gradient_heatmap(prof0, lang=lang, title_key="vanishing.plot.init_heatmap_title"))
        st.caption(t("vanishing.init.caption"))

# --- part 2: train with the same budget -----------------------------------------------------------
st.header(t("vanishing.trained.header"))
lags = sorted(set(SWEEP) | {int(lag)})
st.markdown(t("vanishing.trained.explain", lags=", ".join(str(v) for v in lags), hidden=cfg.hidden_size,
              epochs=cfg.epochs, lr=fmt_num(cfg.learning_rate, 3), n=N_TRAIN))
missing = [v for v in lags if (task, v, cfg) not in results()]
if missing and st.button(t("vanishing.train.button"), type="primary", icon=":material/play_arrow:"):
    try:
        train_sweep(task, lags, cfg)
        st.rerun()  # redraw without the button: everything asked for is trained
    except (CoreError, DataError) as exc:
        widgets.show_error(exc)
    missing = [v for v in lags if (task, v, cfg) not in results()]

done = [v for v in lags if (task, v, cfg) in results()]
if missing and not done:
    st.info(t("vanishing.train.none_yet"), icon=":material/info:")
elif missing:
    st.caption(t("vanishing.train.partial", lags=", ".join(str(v) for v in missing)))
if done and state.VANISH_LAST_SECONDS in st.session_state:
    st.caption(t("vanishing.train.seconds", s=fmt_num(st.session_state[state.VANISH_LAST_SECONDS], 1)))


@st.fragment
def trained_view() -> None:
    """Everything drawn from the stored results (no training happens in here)."""
    store = results()
    shown = [v for v in lags if (task, v, cfg) in store]
    acc = {k: [store[(task, v, cfg)].results[k].accuracy for v in shown] for k in KINDS}
    chance = [store[(task, v, cfg)].results["RNN"].chance for v in shown]
    view_lag = int(lag) if int(lag) in shown else shown[-1]
    comp = store[(task, view_lag, cfg)]
    res = comp.results
    lines = [t("vanishing.read.trained_intro", lag=view_lag, epochs=cfg.epochs,
               chance=fmt_num(100 * res["RNN"].chance, 0))]
    for k in KINDS:
        r = res[k]
        lines.append("- " + t(verdict(r.accuracy, r.chance), kind=kind_label(k, lang),
                              acc=fmt_num(100 * r.accuracy, 0)))
    st.success("\n".join(lines), icon=":material/school:")
    widgets.show_figure(accuracy_vs_lag(shown, acc, chance, lang=lang, current=view_lag))
    which = "dh"
    if not classroom:
        measure_labels = {m: t(f"vanishing.measure_opts.{m}") for m in ("dh", "dx")}
        which = st.radio(t("vanishing.measure"), list(measure_labels), horizontal=True, key=state.VANISH_MEASURE,
                         format_func=measure_labels.get)
    prof = {k: res[k].grads_trained.relative(which) for k in KINDS}
    st.markdown(t("vanishing.read.trained_grad", lag=view_lag, rnn=power_text(prof["RNN"][0]),
                  lstm=power_text(prof["LSTM"][0]), gru=power_text(prof["GRU"][0]),
                  measure=t(f"vanishing.measure_opts.{which}")))
    h1, h2 = st.columns(2)
    with h1:
        widgets.show_figure(gradient_curves(prof, lang=lang))
    with h2:
        widgets.show_figure(gradient_heatmap(prof, lang=lang))
    st.caption(t("vanishing.trained.grad_caption"))
    widgets.show_figure(loss_curves({k: res[k].history.train_loss for k in KINDS}, lang=lang))
    secs = " · ".join(f"{kind_label(k, lang)} {fmt_num(res[k].seconds, 1)} s" for k in KINDS)
    st.caption(t("vanishing.trained.timing", lag=view_lag, times=secs))


if done:
    trained_view()
st.divider()
st.page_link("views/lesson.py", label=t("vanishing.to_lesson"), icon=":material/school:",
             query_params=widgets.page_params())
