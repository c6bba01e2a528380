"""The Vanishing gradients page's runs: the memory-task data, the untrained gradients, the trained sweep.

Every kind in ``lstm_core.memory.KINDS`` gets the same data and budget (``MemoryConfig``). The untrained
gradients are one forward and backward pass (cached); the sweep trains in a worker (``ui.workers``) and is kept
per settings in the session (``state.VANISH_RESULTS``), so returning to a trained lag never retrains. The
sentences that read these numbers are in ``ui.vanishing_text``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import streamlit as st

from datasets.synthetic import memory_task
from lstm_core.memory import KINDS, Comparison, MemoryConfig, init_gradients, task_shape
from ui import state, widgets, workers
from ui.i18n import translate
from ui.vanishing_text import kind_label

N_TRAIN, N_TEST = 384, 256  # examples per training / test set (fixed: part of the shared budget)
DEFAULT_TASK = "adding"
DEFAULT_LAG = 20
SWEEP = (5, 10, 20)  # lags trained by one click (plus the chosen lag)
MAX_STORED = 24  # comparisons kept per session (the oldest is forgotten first)
LESSON_SAMPLES, LESSON_SEED = 128, 1000  # the lesson's untrained measurement (adding problem)

Key = tuple[str, int, MemoryConfig]  # (task, lag, budget) of a stored comparison


def sweep_lags(lag: int) -> list[int]:
    """The lags one click trains: ``SWEEP`` and the chosen lag, in order."""
    return sorted(set(SWEEP) | {int(lag)})


def memory_data(task: str, lag: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


@st.cache_data(show_spinner=False)
def first_step_share(lag: int = DEFAULT_LAG) -> dict[str, float]:
    """Share of the gradient reaching the first step, untrained RNN/LSTM/GRU on the adding problem."""
    T, _ = task_shape("adding", lag)
    X, Y = memory_task("adding", LESSON_SAMPLES, T, seed=LESSON_SEED)
    return {k: g.first_to_last() for k, g in init_gradients(X, Y, MemoryConfig()).items()}


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


def results() -> dict[Key, Comparison]:
    """``{(task, lag, MemoryConfig): lstm_core.memory.Comparison}`` of this session."""
    return state.init(state.VANISH_RESULTS, {})


def trained_lags(task: str, lags: Sequence[int], cfg: MemoryConfig) -> list[int]:
    """The lags of ``lags`` already trained with these settings."""
    store = results()
    return [lag for lag in lags if (task, lag, cfg) in store]


def accuracy_by_lag(task: str, lags: Sequence[int], cfg: MemoryConfig) -> tuple[dict[str, list[float]], list[float]]:
    """Test accuracy per kind at each trained lag of ``lags``, and the guessing level at each."""
    store = results()
    acc = {k: [store[(task, lag, cfg)].results[k].accuracy for lag in lags] for k in KINDS}
    return acc, [store[(task, lag, cfg)].results["RNN"].chance for lag in lags]


def train_sweep(task: str, lags: Sequence[int], cfg: MemoryConfig, lang: str) -> None:
    """Train the three kinds at every lag not trained yet with these settings, with a progress bar."""
    store = results()
    todo = [lag for lag in lags if (task, lag, cfg) not in store]
    if not todo:
        return
    bar = st.progress(0.0, text=translate(lang, "vanishing.train.starting"))
    total = len(todo) * len(KINDS) * cfg.epochs
    done = {"n": 0}
    t0 = time.perf_counter()

    def progress(kind: str, info) -> None:
        done["n"] += 1
        bar.progress(min(done["n"] / total, 1.0), text=translate(lang, "vanishing.train.progress", lag=lag,
                     kind=kind_label(kind, lang), epoch=info.epoch, epochs=info.epochs))

    for lag in todo:
        X, Y, Xt, Yt = memory_data(task, lag, cfg.seed)
        comp = workers.compare_memory(X, Y, Xt, Yt, cfg, lag, progress=progress, on_wait=widgets.slot_waiter(bar))
        done["n"] = (todo.index(lag) + 1) * len(KINDS) * cfg.epochs  # runs that stopped early still count
        store[(task, lag, cfg)] = comp
        while len(store) > MAX_STORED:  # bounded: forget the oldest
            store.pop(next(iter(store)))
    bar.empty()
    st.session_state[state.VANISH_LAST_SECONDS] = time.perf_counter() - t0
    st.session_state[state.VANISH_TRAIN_RUNS] = int(st.session_state.get(state.VANISH_TRAIN_RUNS, 0)) + 1
