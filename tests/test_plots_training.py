"""Training figures and tables: loss curves, fit on the held-out parts, metrics table, the seasonal-naive verdict;
plus the training job's edge cases (stop before the first epoch, the divergence guard)."""

import math

import numpy as np
import pandas as pd
import pytest

from lstm_core.forecast import Forecaster
from ui import state, trainer
from ui.i18n import translate
from ui.plots import colors
from ui.plots.training import fit_figure, loss_curves
from ui.tables import beats_seasonal_naive, metrics_table


@pytest.fixture(scope="module")
def fitted():
    """A tiny forecaster on a seasonal series with dates, and its evaluation."""
    idx = pd.date_range("2000-01-01", periods=160, freq="MS")
    t = np.arange(160)
    y = 10 + 3 * np.sin(2 * np.pi * t / 12) + 0.1 * t
    loaded = state.LoadedSeries(pd.Series(y, index=idx), "synthetic", {"generator": "test"}, "test", "MS", 12)
    cfg = trainer.default_config(loaded, epochs=2, hidden_size=4)
    fc = Forecaster(cfg)
    fc.fit(y)
    return loaded, fc, fc.evaluate()


def test_loss_curves_lines_colours_log_scale_and_best_epoch():
    fig = loss_curves([1.0, 0.5, 0.25], [1.2, 0.6, 0.7], epochs=10, best_epoch=2, lang="pt-BR")
    assert [tr.name for tr in fig.data] == [translate("pt-BR", "plot.training.train_loss"),
                                           translate("pt-BR", "plot.training.val_loss")]
    assert fig.data[0].line.color == colors.NEGATIVE and fig.data[1].line.color == colors.FIT
    assert list(fig.data[0].x) == [1, 2, 3]
    assert fig.layout.yaxis.type == "log"
    assert tuple(fig.layout.xaxis.range) == (0.5, 10.5)  # the axis does not jump while a run grows
    assert fig.layout.shapes[0].x0 == 2  # best epoch marked
    assert translate("pt-BR", "plot.training.best", epoch=2) in fig.layout.annotations[0].text


def test_loss_curves_gaps_for_non_finite_and_no_validation():
    fig = loss_curves([1.0, float("nan"), float("inf")], [None, None, None])
    assert len(fig.data) == 1  # no validation curve when there is none
    assert list(fig.data[0].y) == [1.0, None, None]
    empty = loss_curves([], [])
    assert empty.layout.yaxis.type == "linear" and len(empty.data) == 1


def test_fit_figure_draws_both_parts_band_and_seasonal_naive(fitted):
    loaded, fc, ev = fitted
    fig = fit_figure(loaded.series.to_numpy(), loaded.series.index, ev, lang="en")
    names = [tr.name for tr in fig.data]
    assert names[0] == translate("en", "plot.training.actual")
    model = [tr for tr in fig.data if tr.name == translate("en", "plot.training.methods.model")]
    assert len(model) == 2 and all(tr.line.color == colors.FORECAST for tr in model)  # validation and test
    assert sum(1 for tr in model if tr.showlegend) == 1
    band = [tr for tr in fig.data if tr.fill == "toself"]
    assert len(band) == 2 and band[0].fillcolor == colors.INTERVAL_80
    snaive = [tr for tr in fig.data if tr.name == translate("en", "method.seasonal_naive")]
    assert snaive and snaive[0].line.dash == "dash"
    test = ev["parts"]["test"]
    assert np.allclose(model[1].y, test["predictions"]["model"])
    assert len(fig.layout.shapes) == 2  # validation and test shaded
    assert str(fig.layout.shapes[0].x0).startswith(str(loaded.series.index[ev["split"][0]].date()))
    assert len(fig.to_json()) < 200_000


def test_fit_figure_without_dates_uses_steps(fitted):
    loaded, fc, ev = fitted
    fig = fit_figure(loaded.series.to_numpy(), None, ev, lang="pt-BR")
    assert fig.layout.xaxis.title.text == translate("pt-BR", "plot.step")
    with pytest.raises(ValueError):
        fit_figure(loaded.series.to_numpy(), np.arange(3), ev)


def test_metrics_table_rows_columns_and_number_style(fitted):
    _, _, ev = fitted
    metrics = ev["parts"]["test"]["metrics"]
    en = metrics_table(metrics, lang="en")
    assert list(en.columns) == [translate("en", "plot.training.method"), "MAE", "RMSE", "MASE", "sMAPE (%)",
                                translate("en", "plot.training.metrics.coverage", level=80)]
    assert en.iloc[0, 0] == translate("en", "plot.training.methods.model")
    assert en.iloc[1, 0] == translate("en", "method.seasonal_naive")
    assert len(en) == len(metrics)
    mase = metrics["model"]["mase"]
    assert en.iloc[0, 3] == f"{mase:,.3f}"
    pt = metrics_table(metrics, lang="pt-BR")
    assert "," in pt.iloc[0, 3] and pt.iloc[0, 5].endswith(" %")
    cov = metrics["model"]["coverage_80"]
    assert 0 <= cov <= 100 and en.iloc[0, 5] == f"{cov:.0f} %"  # coverage is already a percentage


def test_beats_seasonal_naive():
    assert beats_seasonal_naive({"model": {"mase": 0.5}, "seasonal_naive": {"mase": 0.8}}) is True
    assert beats_seasonal_naive({"model": {"mase": 0.9}, "seasonal_naive": {"mase": 0.8}}) is False
    assert beats_seasonal_naive({"model": {"mase": math.nan}, "seasonal_naive": {"mase": 0.8}}) is None
    assert beats_seasonal_naive({"model": {"mase": 0.5}}) is None


def test_job_stopped_before_the_first_epoch_keeps_no_model(fitted):
    loaded, _, _ = fitted
    job = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=50, hidden_size=4))
    job.request_stop()
    job.start()
    assert job.wait(60)
    assert job.status == "cancelled" and job.outcome is trainer.Outcome.NOTHING and job.kept_model is None and job.rows == []


def test_job_divergence_guard_and_replay_thinning(fitted):
    loaded, _, _ = fitted
    wild = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=5, hidden_size=32, learning_rate=10.0))
    assert wild.start().wait(60)
    assert wild.status == "diverged" and wild.divergence.loss > trainer.DIVERGE_RATIO * wild.divergence.reference
    calm = trainer.TrainingJob(loaded, trainer.default_config(loaded, epochs=90, hidden_size=4, patience=0))
    assert calm.start().wait(120)
    assert calm.status == "completed"
    epochs = [s.epoch for s in calm.replay.snapshots]
    assert len(epochs) <= state.REPLAY_MAX and epochs[:2] == [0, 1]  # the untrained network, then epoch 1
    steps = np.diff(epochs[1:])
    assert (steps == steps[0]).all() and calm.replay.stride == steps[0] == 4  # evenly thinned: 0, 1, 5, 9, ...


def test_set_cursor_moves_the_one_cursor_line_of_a_cached_heatmap_grid():
    from ui.plots.gates import gate_heatmaps, set_cursor

    rng = np.random.default_rng(0)
    gates = {"forget": rng.random((30, 4)), "hidden": np.tanh(rng.normal(size=(30, 4)))}
    days = pd.date_range("2020-01-01", periods=30, freq="D").to_numpy()
    grid = gate_heatmaps(gates, rng.normal(size=30), time=days)
    assert not [im for im in grid.layout.images if im.name == "cursor"]
    set_cursor(grid, days, 5)
    set_cursor(grid, days, 7)
    cursors = [im for im in grid.layout.images if im.name == "cursor"]
    assert len(cursors) == 1 and str(cursors[0].x).startswith("2020-01-08")
    steps = gate_heatmaps(gates, rng.normal(size=30), cursor=2)
    set_cursor(steps, None, 9)
    assert [im.x for im in steps.layout.images if im.name == "cursor"] == [9.0]
    set_cursor(steps, None, None)
    assert not [im for im in steps.layout.images if im.name == "cursor"]


def test_job_on_a_too_short_series_fails_with_a_translatable_error():
    short = state.LoadedSeries(pd.Series(np.arange(15.0)), "synthetic", {"generator": "short"}, "short")
    job = trainer.TrainingJob(short, trainer.default_config(short, epochs=2, hidden_size=4, window=8, horizon=4))
    assert job.start().wait(30)
    assert job.status == "failed" and job.kept_model is None
    assert job.error.key == "errors.engine.too_short"
    assert not translate("pt-BR", job.error.key, **job.error.params).startswith("⟦")
