"""Compare: LSTM, GRU, bidirectional LSTM and plain RNN trained on equal terms, next to the baselines.

Every model gets the same data, split, window, horizon, seed(s) and epoch budget (``ForecastConfig.auto`` with
one ensemble member), so differences come from the cell. Fits run in a worker (``ui.workers``) and are kept
process-wide (``compare_store``): they are seeded, so a class running the same comparison trains it once.
Results live in ``ui.state.COMPARE_RESULTS``; the views below the table (gate heatmaps) run in a fragment and
never retrain.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import streamlit as st

from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import state, widgets, workers
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots import compare as cplots

lang = current_lang()
loaded = state.get_series()
values = loaded.series.to_numpy(dtype=float)
n, m = values.size, max(1, int(loaded.season_length))
VARIANTS = cplots.VARIANTS

st.title(t("nav.compare"))
st.caption(t("compare.intro", name=widgets.series_name(loaded), n=n))

try:
    base = cplots.default_config(n, m)
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


# --- training --------------------------------------------------------------------------------------------
def _summary(fc: Forecaster, hist, seconds: float, ev: dict | None = None) -> tuple[dict, dict]:
    """One run's numbers for the table and plots, and the evaluation (for the baselines and test actuals)."""
    ev = ev if ev is not None else fc.evaluate()
    parts = ev["parts"]
    test = parts.get("test") or parts.get("validation")
    summary = {
        "metrics": {p: parts[p]["metrics"]["model"] for p in parts},
        "params": fc.num_parameters(),
        "seconds": seconds,
        "best_epoch": hist.best_epoch,
        "train_loss": list(hist.train_loss),
        "val_loss": list(hist.val_loss),
        "test_index": np.asarray(test["index"]),
        "test_pred": np.asarray(test["predictions"]["model"]),
        "status": hist.status,
    }
    return summary, ev


def _probe_gates(fc: Forecaster, name: str, probe: np.ndarray) -> dict[str, np.ndarray]:
    """Gate arrays (T, H) of member 0 on the probe window: memory gate and hidden state."""
    trace = fc.trace(probe)
    memory = "update" if name == "gru" else ("forget" if name in ("lstm", "bilstm") else None)
    out = {"hidden": np.asarray(trace.gate("hidden", layer=0, direction="forward"))[0]}
    if memory:
        out[memory] = np.asarray(trace.gate(memory, layer=0, direction="forward"))[0]
    return out


@st.cache_resource(show_spinner=False)
def compare_store() -> workers.ResultStore:
    """Every model fitted here, per (data fingerprint, config), shared by the server's sessions: fits are seeded,
    so a class comparing the same series with the same settings trains each model once (the others queue
    behind it, then read it)."""
    return workers.ResultStore(64)


def train_all(models: list[str], cfg: ForecastConfig, seeds: int) -> dict:
    """Train every chosen model for every seed with live progress; return the results dict kept in state."""
    results: dict = {"data_key": loaded.key, "runs": {}, "gates": {}, "baselines": {}, "config": cfg.to_dict(),
                     "seeds": seeds}
    train_end, val_end = None, None
    for name in models:
        label = translate(lang, f"compare.model.{name}")
        bar = st.progress(0.0, text=t("compare.waiting", model=label))
        results["runs"][name] = []
        for s in range(seeds):
            c = cplots.variant_config(cfg, name, s)
            last = [0.0]

            def on_epoch(info, s=s, label=label, bar=bar, last=last) -> None:
                now = time.perf_counter()
                if now - last[0] < 0.15 and info.epoch < info.epochs:
                    return
                last[0] = now
                done = (s + info.epoch / info.epochs) / seeds
                bar.progress(min(done, 1.0), text=t("compare.progress", model=label, seed=s + 1, seeds=seeds,
                                                    epoch=info.epoch, epochs=info.epochs,
                                                    loss=fmt_num(info.val_loss or 0.0, 4, lang)))

            def make(c=c, on_epoch=on_epoch) -> workers.FitResult:
                return workers.fit(values, c, on_epoch=on_epoch, evaluate=True)

            fitted = compare_store().get_or_make((loaded.key, c.to_json()), make, on_wait=widgets.slot_waiter(bar))
            fc, hist = fitted.forecaster, fitted.history
            summary, ev = _summary(fc, hist, hist.fit_seconds, fitted.evaluation)
            results["runs"][name].append(summary)
            if s == 0:
                train_end, val_end = ev["split"]
                probe = values[max(0, val_end - c.window):val_end]
                results["gates"][name] = _probe_gates(fc, name, probe)
                if not results["baselines"]:
                    results["baselines"] = {
                        meth: {p: ev["parts"][p]["metrics"][meth] for p in ev["parts"]}
                        for meth in ev["parts"].get("test", ev["parts"]["validation"])["metrics"] if meth != "model"
                    }
                    test = ev["parts"].get("test") or ev["parts"]["validation"]
                    results["test"] = {"index": np.asarray(test["index"]), "actual": np.asarray(test["actual"]),
                                       "baselines": {k: np.asarray(v) for k, v in test["predictions"].items()
                                                     if k != "model"}}
        bar.progress(1.0, text=t("compare.done_model", model=label,
                                 seconds=fmt_num(sum(r["seconds"] for r in results["runs"][name]), 1, lang)))
    results["split"] = (train_end, val_end)
    return results


if run and chosen:
    try:
        st.session_state[state.COMPARE_RESULTS] = train_all(chosen, cfg0, int(n_seeds))
    except CoreError as exc:
        widgets.show_error(exc)

# --- results ---------------------------------------------------------------------------------------------
results = st.session_state.get(state.COMPARE_RESULTS)
if results is None:
    st.info(t("compare.no_results"), icon=":material/info:")
    widgets.stop_page()
if results["data_key"] != loaded.key:
    st.warning(t("compare.stale"), icon=":material/warning:")
    widgets.stop_page()

st.subheader(t("compare.table_title"))
agg = cplots.aggregate(results["runs"], results["baselines"])
st.dataframe(cplots.results_table(agg, lang), hide_index=True, width="stretch")
st.caption(t("compare.table_note", seeds=results["seeds"]))
for name, runs in results["runs"].items():
    diverged = [r for r in runs if r["status"] == "diverged"]
    if diverged:
        st.warning(t("compare.diverged", model=translate(lang, f"compare.model.{name}")))

idx = loaded.series.index
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{t('compare.loss_title')}**")
    curves = {name: (runs[0]["train_loss"], runs[0]["val_loss"]) for name, runs in results["runs"].items()}
    widgets.show_figure(cplots.loss_curves_figure(curves, lang), key="compare.loss_fig")
with c2:
    st.markdown(f"**{t('compare.test_title')}**")
    test = results["test"]
    x = np.asarray(idx)[test["index"]]
    preds = {name: runs[0]["test_pred"] for name, runs in results["runs"].items()}
    if "seasonal_naive" in test["baselines"]:
        preds["seasonal_naive"] = test["baselines"]["seasonal_naive"]
    widgets.show_figure(cplots.test_forecasts_figure(x, test["actual"], preds, lang), key="compare.test_fig")


@st.fragment
def gate_view() -> None:
    """Gate heatmaps side by side on shared scales (a view only: changing it never retrains)."""
    st.subheader(t("compare.gates_title"))
    gates = results["gates"]
    has_memory = any(n in gates for n in ("lstm", "bilstm", "gru"))
    options = ["memory", "hidden"] if has_memory else ["hidden"]
    view = st.radio(t("compare.gate_view"), options, format_func=lambda v: translate(lang, f"compare.view.{v}"),
                    horizontal=True, key=state.COMPARE_VIEW)
    panels = []
    for name, g in gates.items():
        label = translate(lang, f"compare.model.{name}")
        if view == "memory":
            gate = "update" if name == "gru" else "forget"
            if gate in g:
                panels.append((translate(lang, "compare.panel", model=label, gate=translate(lang, f"gate.{gate}")),
                               gate, g[gate]))
        else:
            panels.append((translate(lang, "compare.panel", model=label, gate=translate(lang, "gate.hidden")),
                           "hidden", g["hidden"]))
    if not panels:
        st.info(t("compare.no_gates"))
        return
    widgets.show_figure(cplots.side_by_side_heatmaps(panels, lang), key="compare.gates_fig")
    st.markdown(t("compare.gates_note_memory" if view == "memory" else "compare.gates_note_hidden"))


gate_view()
