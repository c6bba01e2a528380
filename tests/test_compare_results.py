"""ui.comparison's run records: one run's summary and gates from a real tiny fit, the baselines and test part of
an evaluation, ``CompareResults`` and the gate panels, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.forecast import ForecastConfig, Forecaster
from ui import comparison
from ui.i18n import translate

LANGS = ("en", "pt-BR")


def _series(n: int = 96) -> np.ndarray:
    t = np.arange(n)
    return 10 + np.sin(2 * np.pi * t / 12) + 0.01 * t


@pytest.fixture(scope="module")
def fitted():
    """(model name, forecaster, history) for a GRU and an RNN, two epochs each."""
    base = ForecastConfig.auto(96, 12, ensemble=1, epochs=2, hidden_size=4)
    out = {}
    for name in ("gru", "rnn"):
        fc = Forecaster(comparison.variant_config(base, name))
        out[name] = (fc, fc.fit(_series()))
    return out


def test_run_summary_and_probe_gates(fitted):
    fc, hist = fitted["gru"]
    summary, ev = comparison.run_summary(fc, hist, 1.5)
    assert set(summary["metrics"]) == set(ev["parts"]) and summary["seconds"] == 1.5
    assert summary["params"] == fc.num_parameters() and summary["status"] == hist.status
    assert summary["train_loss"] == list(hist.train_loss) and len(summary["val_loss"]) == len(hist.val_loss)
    part = comparison.scored_part(ev["parts"])
    assert summary["test_index"].shape == summary["test_pred"].shape == np.asarray(part["index"]).shape
    probe = _series()[-24:]
    gates = comparison.probe_gates(fc, "gru", probe)
    assert set(gates) == {"hidden", "update"}
    assert gates["update"].shape == (24, 4) and 0 <= gates["update"].min() <= gates["update"].max() <= 1
    np.testing.assert_array_equal(gates["hidden"], np.asarray(fc.trace(probe).gate("hidden", 0, "forward"))[0])
    assert set(comparison.probe_gates(fitted["rnn"][0], "rnn", probe)) == {"hidden"}


def test_baselines_and_held_out_part(fitted):
    fc, hist = fitted["gru"]
    ev = fc.evaluate()
    base = comparison.baselines_of(ev)
    assert "model" not in base and "seasonal_naive" in base
    assert set(base["seasonal_naive"]) == set(ev["parts"])
    held = comparison.HeldOut.of(ev)
    part = comparison.scored_part(ev["parts"])
    np.testing.assert_array_equal(held.actual, np.asarray(part["actual"]))
    assert "model" not in held.baselines and held.baselines["seasonal_naive"].shape == held.index.shape


def test_scored_part_falls_back_to_validation():
    assert comparison.scored_part({"validation": {"x": 1}}) == {"x": 1}
    assert comparison.scored_part({"validation": {"x": 1}, "test": {"x": 2}}) == {"x": 2}


def _run(status: str = "completed", seconds: float = 1.0) -> dict:
    metrics = {"mae": 1.0, "rmse": 1.0, "smape": 1.0, "mase": 1.0}
    return {"metrics": {"validation": metrics, "test": metrics}, "params": 10, "seconds": seconds,
            "best_epoch": 1, "train_loss": [1.0, 0.5], "val_loss": [1.2, 0.6], "test_index": np.arange(3),
            "test_pred": np.full(3, seconds), "status": status}


def _results() -> comparison.CompareResults:
    res = comparison.CompareResults("key", {"epochs": 2}, seeds=2)
    res.runs = {"lstm": [_run(seconds=1.0), _run("diverged", 2.0)], "gru": [_run(seconds=3.0), _run(seconds=4.0)]}
    res.baselines = {"seasonal_naive": {"validation": {"mase": 1.0}, "test": {"mase": 1.0}}}
    res.test = comparison.HeldOut(np.arange(3), np.zeros(3), {"seasonal_naive": np.ones(3), "naive": np.ones(3)})
    res.gates = {"lstm": {"forget": np.zeros((3, 2)), "hidden": np.zeros((3, 2))},
                 "gru": {"update": np.ones((3, 2)), "hidden": np.ones((3, 2))}}
    return res


def test_compare_results_views():
    res = _results()
    assert res.diverged() == ["lstm"]
    assert res.seconds("lstm") == 3.0 and res.seconds("gru") == 7.0
    assert res.loss_curves() == {"lstm": ([1.0, 0.5], [1.2, 0.6]), "gru": ([1.0, 0.5], [1.2, 0.6])}
    preds = res.test_forecasts()
    assert list(preds) == ["lstm", "gru", "seasonal_naive"]  # seed 0 of each model, then seasonal naive only
    np.testing.assert_array_equal(preds["gru"], np.full(3, 3.0))
    table = res.table()
    assert table["gru"]["seconds"] == (3.5, pytest.approx(np.std([3.0, 4.0], ddof=1)), 2)
    assert "seasonal_naive" in table


@pytest.mark.parametrize("lang", LANGS)
def test_gate_panels(lang):
    res = _results()
    assert comparison.gate_views(res.gates) == ["memory", "hidden"]
    assert comparison.gate_views({"rnn": {"hidden": np.zeros((3, 2))}}) == ["hidden"]
    memory = comparison.gate_panels(res.gates, "memory", lang)
    assert [p[1] for p in memory] == ["forget", "update"]
    assert memory[0][0] == translate(lang, "compare.panel", model=translate(lang, "compare.model.lstm"),
                                     gate=translate(lang, "gate.forget"))
    hidden = comparison.gate_panels({**res.gates, "rnn": {"hidden": np.zeros((3, 2))}}, "hidden", lang)
    assert [p[1] for p in hidden] == ["hidden"] * 3
    assert comparison.gate_panels({"rnn": {"hidden": np.zeros((3, 2))}}, "memory", lang) == []
