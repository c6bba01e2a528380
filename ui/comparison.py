"""The Compare page's runs: the compared models, their shared configuration, and the aggregation over seeds.

Pure (no streamlit, no plotly): the page trains every model of ``MODELS`` from one shared ``ForecastConfig``
(``ui.compare_runs``) and keeps a summary per run (one model, one seed), a plain dict (``run_summary``)::

    {"metrics": {"validation": {"mae", "rmse", "smape", "mase", ...}, "test": {...}},
     "params": int, "seconds": float, "best_epoch": int,
     "train_loss": [...], "val_loss": [...],                      # per epoch
     "test_index": (n,), "test_pred": (n,),                         # positions in the series, forecasts
     "status": str}                                                 # FitHistory.status ("diverged", ...)

All runs of one comparison make a ``CompareResults``. ``aggregate`` turns the summaries into one
``(mean, spread, n_seeds)`` per model and column; ``ui.tables.results_table`` formats them, ``ui.plots.compare``
draws them (``gate_panels`` lays out its heatmaps).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core.forecast import FitHistory, ForecastConfig, Forecaster
from ui.i18n import translate

MODELS: tuple[str, ...] = ("lstm", "gru", "bilstm", "rnn")
# model -> (ForecastConfig.cell, bidirectional)
VARIANTS: dict[str, tuple[str, bool]] = {"lstm": ("lstm", False), "gru": ("gru", False), "bilstm": ("lstm", True),
                                         "rnn": ("rnn", False)}
MAX_DEFAULT_EPOCHS = 60  # the shared epoch budget starts at min(auto, this); early stopping may end sooner
MEMORY_GATE: dict[str, str] = {"lstm": "forget", "bilstm": "forget", "gru": "update"}  # what keeps the past
PARTS: tuple[str, ...] = ("validation", "test")
ERROR_METRICS: tuple[str, ...] = ("mae", "rmse", "smape", "mase")  # in the order the tables show them


def default_config(n_points: int, season_length: int) -> ForecastConfig:
    """The Compare page's shared starting config: ``ForecastConfig.auto`` with one network, epochs capped."""
    base = ForecastConfig.auto(n_points, season_length, recipe=False, ensemble=1)
    return dataclasses.replace(base, epochs=int(min(base.epochs, MAX_DEFAULT_EPOCHS)))


def variant_config(base: ForecastConfig, model: str, seed_offset: int = 0) -> ForecastConfig:
    """``base`` for one compared model (cell and direction), everything else shared; seed = base seed + offset."""
    cell, bidirectional = VARIANTS[model]
    return dataclasses.replace(base, cell=cell, bidirectional=bidirectional, seed=base.seed + seed_offset).validate()


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if arr.size == 0:
        return math.nan, math.nan
    return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0


def aggregate(runs: Mapping[str, Sequence[Mapping]], baselines: Mapping[str, Mapping[str, Mapping[str, float]]]
              ) -> dict[str, dict[str, tuple[float, float, int]]]:
    """Per model, every table column as ``(mean, spread, n_seeds)``; spread = sample std over seeds (0 for one).

    Column names: ``"<part>.<metric>"`` (e.g. ``"test.mase"``), ``"params"``, ``"seconds"``, ``"best_epoch"``.
    ``baselines``: method -> part -> metric -> value (no training, so no parameters, time or epoch).
    """
    out: dict[str, dict[str, tuple[float, float, int]]] = {}
    for name, seeds in runs.items():
        if not seeds:
            continue
        row: dict[str, tuple[float, float, int]] = {}
        for part in PARTS:
            for metric in ERROR_METRICS:
                vals = [s["metrics"].get(part, {}).get(metric, math.nan) for s in seeds]
                row[f"{part}.{metric}"] = (*_mean_std(vals), len(seeds))
        for col in ("params", "seconds", "best_epoch"):
            row[col] = (*_mean_std([float(s[col]) for s in seeds]), len(seeds))
        out[name] = row
    for name, parts in baselines.items():
        row = {}
        for part in PARTS:
            for metric in ERROR_METRICS:
                v = parts.get(part, {}).get(metric, math.nan)
                row[f"{part}.{metric}"] = (v, 0.0, 1)
        out[name] = row
    return out


def best_per_column(agg: Mapping[str, Mapping[str, tuple[float, float, int]]]) -> dict[str, str]:
    """Column -> the row with the lowest mean (errors, parameters and time: lower is better)."""
    best: dict[str, str] = {}
    columns = {c for row in agg.values() for c in row if c != "best_epoch"}
    for col in sorted(columns):
        candidates = {n: row[col][0] for n, row in agg.items() if col in row and math.isfinite(row[col][0])}
        if candidates:
            best[col] = min(candidates, key=candidates.get)
    return best


# --- one run, one comparison ----------------------------------------------------------------------
def scored_part(parts: Mapping[str, Any]) -> Mapping[str, Any]:
    """The evaluation part the forecasts are drawn from: the test part, else the validation part."""
    return parts.get("test") or parts["validation"]


def run_summary(fc: Forecaster, hist: FitHistory, seconds: float, ev: Mapping | None = None) -> tuple[dict, Mapping]:
    """One run's numbers for the table and plots, and the evaluation (for the baselines and test actuals)."""
    ev = ev if ev is not None else fc.evaluate()
    parts = ev["parts"]
    test = scored_part(parts)
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


def probe_gates(fc: Forecaster, name: str, probe: np.ndarray) -> dict[str, np.ndarray]:
    """Gate arrays (T, H) of member 0 on the probe window: the hidden state and the memory gate (if any)."""
    names = ["hidden"] + ([MEMORY_GATE[name]] if name in MEMORY_GATE else [])
    arrays = fc.trace(probe).gate_arrays(sample=0, names=names, layers=[0], directions=["forward"])
    return {gate: a for (_, _, gate), a in arrays.items()}


def baselines_of(ev: Mapping) -> dict[str, dict[str, dict[str, float]]]:
    """The baselines' metrics of an evaluation: method -> part -> metric -> value."""
    parts = ev["parts"]
    return {meth: {p: parts[p]["metrics"][meth] for p in parts}
            for meth in scored_part(parts)["metrics"] if meth != "model"}


@dataclass(frozen=True)
class HeldOut:
    """The scored part shared by every model: positions in the series, the actual values, baseline forecasts."""

    index: np.ndarray  # (n,)
    actual: np.ndarray  # (n,)
    baselines: dict[str, np.ndarray]  # method -> (n,)

    @classmethod
    def of(cls, ev: Mapping) -> HeldOut:
        test = scored_part(ev["parts"])
        return cls(np.asarray(test["index"]), np.asarray(test["actual"]),
                   {k: np.asarray(v) for k, v in test["predictions"].items() if k != "model"})


@dataclass
class CompareResults:
    """The last comparison of a session (``state.COMPARE_RESULTS``): every model's runs on one series."""

    data_key: str  # LoadedSeries.key of the series compared
    config: dict  # the shared ForecastConfig.to_dict() (before each model's cell and seed)
    seeds: int
    runs: dict[str, list[dict]] = field(default_factory=dict)  # model -> one ``run_summary`` per seed
    gates: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # model -> gate -> (T, H), seed 0
    baselines: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # ``baselines_of``
    test: HeldOut | None = None
    split: tuple[int | None, int | None] = (None, None)  # (train end, validation end)

    def table(self) -> dict[str, dict[str, tuple[float, float, int]]]:
        """``aggregate`` of the runs and baselines."""
        return aggregate(self.runs, self.baselines)

    def diverged(self) -> list[str]:
        """Models with at least one run that diverged."""
        return [name for name, runs in self.runs.items() if any(r["status"] == "diverged" for r in runs)]

    def seconds(self, name: str) -> float:
        """Training time of one model, summed over its seeds."""
        return sum(r["seconds"] for r in self.runs[name])

    def loss_curves(self) -> dict[str, tuple[list[float], list[float]]]:
        """Model -> (training, validation) loss per epoch of its first seed."""
        return {name: (runs[0]["train_loss"], runs[0]["val_loss"]) for name, runs in self.runs.items()}

    def test_forecasts(self) -> dict[str, np.ndarray]:
        """Model -> first seed's forecasts of the scored part, then seasonal naive's (when there is one)."""
        preds = {name: runs[0]["test_pred"] for name, runs in self.runs.items()}
        if self.test is not None and "seasonal_naive" in self.test.baselines:
            preds["seasonal_naive"] = self.test.baselines["seasonal_naive"]
        return preds


def gate_views(gates: Mapping[str, Mapping[str, np.ndarray]]) -> list[str]:
    """The gate views offered: the memory gate (when a model has one) and the hidden state."""
    return ["memory", "hidden"] if any(n in gates for n in MEMORY_GATE) else ["hidden"]


def gate_panels(gates: Mapping[str, Mapping[str, np.ndarray]], view: str, lang: str
                ) -> list[tuple[str, str, np.ndarray]]:
    """``(title, gate, (T, H))`` per model for ``view`` ("memory": forget/update gate, "hidden": hidden state)."""
    panels = []
    for name, g in gates.items():
        label = translate(lang, f"compare.model.{name}")
        gate = ("update" if name == "gru" else "forget") if view == "memory" else "hidden"
        if gate in g:
            panels.append((translate(lang, "compare.panel", model=label, gate=translate(lang, f"gate.{gate}")),
                           gate, g[gate]))
    return panels
