"""The Compare page's training: every chosen model for every seed, with live progress, into one ``CompareResults``.

Fits run in a worker (``ui.workers``) and are kept process-wide (``compare_store``): they are seeded, so a class
running the same comparison trains each model once. The pure parts (configs, summaries, aggregation) live in
``ui.comparison``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from lstm_core.forecast import ForecastConfig
from ui import state, widgets, workers
from ui.comparison import CompareResults, HeldOut, baselines_of, probe_gates, run_summary, variant_config
from ui.i18n import fmt_num, translate
from ui.progress import throttled


@st.cache_resource(show_spinner=False)
def compare_store() -> workers.ResultStore:
    """Every model fitted here, per (data fingerprint, config), shared by the server's sessions: fits are seeded,
    so a class comparing the same series with the same settings trains each model once (the others queue
    behind it, then read it)."""
    return workers.ResultStore(64)


def _epoch_progress(bar, label: str, seed: int, seeds: int, lang: str) -> Callable[[Any], None]:
    """Per-epoch callback for one model's bar over all its seeds (``ui.progress.throttled``)."""

    def draw(info) -> None:
        done = (seed + info.epoch / info.epochs) / seeds
        bar.progress(min(done, 1.0), text=translate(lang, "compare.progress", model=label, seed=seed + 1,
                                                    seeds=seeds, epoch=info.epoch, epochs=info.epochs,
                                                    loss=fmt_num(info.val_loss or 0.0, 4, lang)))

    return throttled(draw)


def train_all(loaded: state.LoadedSeries, models: Sequence[str], cfg: ForecastConfig, seeds: int,
              lang: str) -> CompareResults:
    """Train every model of ``models`` for every seed on ``loaded``, one progress bar per model.

    Seed ``s`` of a model is ``cfg`` for that model with seed ``cfg.seed + s``; seed 0 gives the gate arrays on
    the last window before the validation end. Raises ``CoreError`` (the caller keeps the results it had).
    """
    values = loaded.series.to_numpy(dtype=float)
    results = CompareResults(loaded.key, cfg.to_dict(), seeds)
    for name in models:
        label = translate(lang, f"compare.model.{name}")
        bar = st.progress(0.0, text=translate(lang, "compare.waiting", model=label))
        results.runs[name] = []
        for s in range(seeds):
            c = variant_config(cfg, name, s)
            on_epoch = _epoch_progress(bar, label, s, seeds, lang)

            def make(c=c, on_epoch=on_epoch) -> workers.FitResult:
                return workers.fit(values, c, on_epoch=on_epoch, evaluate=True)

            fitted = compare_store().get_or_make((loaded.key, c.to_json()), make, on_wait=widgets.slot_waiter(bar))
            hist = fitted.history
            summary, ev = run_summary(fitted.forecaster, hist, hist.fit_seconds, fitted.evaluation)
            results.runs[name].append(summary)
            if s == 0:
                results.split = tuple(ev["split"])
                val_end = results.split[1]
                results.gates[name] = probe_gates(fitted.forecaster, name, values[max(0, val_end - c.window):val_end])
                if results.test is None:
                    results.baselines, results.test = baselines_of(ev), HeldOut.of(ev)
        bar.progress(1.0, text=translate(lang, "compare.done_model", model=label,
                                         seconds=fmt_num(results.seconds(name), 1, lang)))
    return results
