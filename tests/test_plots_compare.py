"""Compare: aggregation over seeds (ui.comparison), best-per-column marks (ui.tables), palette, overlays, shared
gate scales (ui.plots.compare)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui import comparison, tables
from ui.i18n import translate
from ui.plots import colors
from ui.plots import compare as cp


def _run(mase_test: float, params: int, seconds: float, best: int = 3) -> dict:
    metrics = {"mae": mase_test, "rmse": mase_test, "smape": mase_test, "mase": mase_test}
    return {"metrics": {"validation": dict(metrics), "test": dict(metrics)}, "params": params, "seconds": seconds,
            "best_epoch": best, "train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}


RUNS = {"lstm": [_run(0.8, 100, 2.0), _run(0.6, 100, 2.2)], "gru": [_run(0.9, 80, 1.5)], "rnn": [_run(1.2, 30, 0.5)]}
BASE = {"seasonal_naive": {"validation": {"mae": 1.0, "rmse": 1.0, "smape": 1.0, "mase": 1.0},
                           "test": {"mae": 0.5, "rmse": 1.0, "smape": 1.0, "mase": 1.0}}}


def test_aggregate_mean_and_spread():
    agg = comparison.aggregate(RUNS, BASE)
    mean, spread, k = agg["lstm"]["test.mase"]
    assert mean == pytest.approx(0.7) and spread == pytest.approx(np.std([0.8, 0.6], ddof=1)) and k == 2
    assert agg["gru"]["test.mase"] == (0.9, 0.0, 1)
    assert "params" not in agg["seasonal_naive"]
    best = comparison.best_per_column(agg)
    assert best["test.mase"] == "lstm" and best["test.mae"] == "seasonal_naive"
    assert best["params"] == "rnn" and best["seconds"] == "rnn" and "best_epoch" not in best


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_results_table(lang):
    df = tables.results_table(comparison.aggregate(RUNS, BASE), lang)
    assert list(df.iloc[:, 0]) == [translate(lang, "compare.model.lstm"), translate(lang, "compare.model.gru"),
                                   translate(lang, "compare.model.rnn"),
                                   translate(lang, "method.seasonal_naive")]
    col = translate(lang, "compare.table.col", part=translate(lang, "compare.part.test"),
                    metric=translate(lang, "forecast.table.mase"))
    assert "±" in df[col].iloc[0] and df[col].iloc[0].endswith("★")
    assert df[translate(lang, "compare.table.params")].iloc[3] == "—"  # baselines train nothing
    assert sum("★" in str(v) for v in df.to_numpy().ravel()) == len(comparison.best_per_column(comparison.aggregate(RUNS, BASE)))


def test_figures_use_the_palette():
    fig = cp.loss_curves_figure({n: (r[0]["train_loss"], r[0]["val_loss"]) for n, r in RUNS.items()}, "en")
    assert [t.line.color for t in fig.data[::2]] == [cp.MODEL_COLORS[n] for n in RUNS]
    assert fig.layout.yaxis.type == "log"
    assert set(cp.MODEL_COLORS.values()) <= set(colors.GATE_COLORS.values())
    x = np.arange(10)
    fig = cp.test_forecasts_figure(x, np.zeros(10), {"lstm": np.ones(10), "seasonal_naive": np.ones(10)}, "pt-BR")
    assert fig.data[0].line.color == colors.HISTORY
    assert fig.data[1].line.color == cp.MODEL_COLORS["lstm"] and fig.data[2].line.dash == "dash"


def test_side_by_side_heatmaps_share_scales():
    rng = np.random.default_rng(0)
    panels = [("LSTM: forget", "forget", rng.random((20, 8))), ("GRU: update", "update", rng.random((20, 8))),
              ("RNN: hidden", "hidden", rng.uniform(-1, 1, (20, 8)))]
    fig = cp.side_by_side_heatmaps(panels, "en")
    assert len(fig.data) == 3
    for tr, (_, gate, _z) in zip(fig.data, panels):
        scale = colors.scale_for(gate)
        assert (tr.zmin, tr.zmax) == (scale["zmin"], scale["zmax"])
        assert np.asarray(tr.z).shape == (8, 20)  # units × time
    assert fig.data[0].zmin == fig.data[1].zmin == 0 and fig.data[0].zmax == fig.data[1].zmax == 1
    assert [a.font.color for a in fig.layout.annotations[:3]] == [colors.gate_color(g) for _, g, _ in panels]
    with pytest.raises(ValueError):
        cp.side_by_side_heatmaps([], "en")
    assert math.isnan(comparison.aggregate({"x": [_run(math.nan, 1, 1)]}, {})["x"]["test.mase"][0])
