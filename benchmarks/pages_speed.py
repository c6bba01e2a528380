"""Speed of the Compare and Forecast pages' heavy steps, with the pages' own default settings.

    .venv/bin/python -m benchmarks.pages_speed [--quick]

1. Compare: the four models (LSTM, GRU, bidirectional LSTM, RNN) trained one after the other, one seed each,
   with ``ui.comparison.default_config`` on a 300-point seasonal series (period 12), plus each model's
   evaluation on validation and test (what one press of "Train and compare" does).
2. Forecast, the page's own path (``views/forecast.py``) on a 1,000-point seasonal series and on the app's
   default bundled series, in this process with one BLAS thread as a worker has (``ui.workers``),
   ``ForecastConfig.auto`` with no test part, fit + H-step forecast + in-sample fit line (= time to chart), then the default 3-origin
   backtest with one network per origin (``members=1``; time to verdict = chart + backtest). ``--before``
   also times the backtest as it was before issue #7 (every origin refits the whole ensemble).

Figures are wall-clock seconds on this machine (shared CPUs make them noisy: run once when the machine is quiet).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

import datasets
from datasets import synthetic
from lstm_core.backtest import backtest
from lstm_core.forecast import ForecastConfig, Forecaster
from ui import comparison, state
from ui.forecasting import BACKTEST_MEMBERS  # the Forecast page's networks per backtest origin
from ui.workers import single_blas_thread


def _series(n: int) -> np.ndarray:
    return synthetic.generate("trend_season_noise", seed=0, length=n, period=12).to_numpy(dtype=float)


def compare_four(n: int = 300, epochs: int | None = None) -> dict[str, float]:
    """Seconds per model (fit + evaluate) with the Compare page's defaults on an n-point series."""
    x = _series(n)
    base = comparison.default_config(n, 12)
    if epochs:
        base = dataclasses.replace(base, epochs=epochs)
    out = {}
    for name in comparison.MODELS:
        fc = Forecaster(comparison.variant_config(base, name))
        t0 = time.perf_counter()
        hist = fc.fit(x)
        fc.evaluate()
        out[name] = time.perf_counter() - t0
        print(f"  {name:7s} {out[name]:6.1f} s  ({hist.epochs_run}/{base.epochs} epochs, {hist.status})", flush=True)
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since ``start``; with one BLAS thread the CPU time is about the wall time that a
    quiet machine would show, so it is the steadier figure when others share the cores."""
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def forecast_page(x: np.ndarray, m: int, epochs: int | None = None, origins: int = 3,
                  before: bool = False) -> dict:
    """(wall, CPU) seconds of the Forecast page's steps on ``x``: fit, time to chart, backtest, time to verdict
    (and the pre-#7 whole-ensemble backtest when ``before``)."""
    single_blas_thread()  # as the worker process that fits for the page
    cfg = dataclasses.replace(ForecastConfig.auto(x.size, m), test_fraction=0.0).validate()
    if epochs:
        cfg = dataclasses.replace(cfg, epochs=epochs)
    out: dict = {"config": cfg}
    t0 = _clock()
    fc = Forecaster(cfg)
    fc.fit(x)
    out["fit"] = _since(t0)
    fc.predict(cfg.horizon)
    fc.paths(x, np.arange(cfg.window, x.size), 1)  # the chart's in-sample line
    out["chart"] = _since(t0)
    t1 = _clock()
    res = backtest(x, cfg, n_origins=origins, season_length=m, members=BACKTEST_MEMBERS)
    out["backtest"] = _since(t1)
    out["ratio"] = res.ratio_to("seasonal_naive")
    out["verdict"] = _since(t0)
    if before:
        t1 = _clock()
        res = backtest(x, cfg, n_origins=origins, season_length=m)
        bt = _since(t1)
        out["backtest_before"] = bt
        out["verdict_before"] = (out["chart"][0] + bt[0], out["chart"][1] + bt[1])
        out["ratio_before"] = res.ratio_to("seasonal_naive")
    return out


def _print_forecast(title: str, r: dict, origins: int) -> None:
    cfg = r["config"]
    print(f"Forecast, {title} (window {cfg.window}, horizon {cfg.horizon}, {cfg.ensemble} networks, "
          f"up to {cfg.epochs} epochs, hidden {cfg.hidden_size}); wall / CPU seconds:")

    def row(label: str, key: str, note: str = "") -> None:
        wall, cpu = r[key]
        print(f"  {label:22s} {wall:6.1f} / {cpu:5.1f} s  {note}")

    row("fit", "fit")
    row("time to chart", "chart", "(fit + forecast + in-sample line)")
    row("backtest", "backtest", f"({origins} origins, {BACKTEST_MEMBERS} network each)")
    row("time to verdict", "verdict", f"(MASE / seasonal naive MASE = {r['ratio']:.3f})")
    if "backtest_before" in r:
        row("backtest, before #7", "backtest_before", f"({origins} origins, {cfg.ensemble} networks each)")
        row("verdict, before #7", "verdict_before", f"(MASE ratio {r['ratio_before']:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 epochs everywhere (checks the script runs)")
    ap.add_argument("--before", action="store_true", help="also time the whole-ensemble backtest (pre-#7)")
    ap.add_argument("--forecast-only", action="store_true", help="skip the Compare figures")
    args = ap.parse_args()
    epochs = 2 if args.quick else None
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    if not args.forecast_only:
        print("Compare, defaults, 300-point series:")
        per = compare_four(300, epochs)
        print(f"  total   {sum(per.values()):6.1f} s")
    r = forecast_page(_series(1000), 12, epochs, before=args.before)
    _print_forecast("defaults, 1,000-point series", r, 3)
    ds = state.default_dataset_id()
    loaded = datasets.load(ds)
    m = int(datasets.info(ds).season_length)
    r = forecast_page(loaded.to_numpy(dtype=float), m, epochs, before=args.before)
    _print_forecast(f"defaults, app's default series '{ds}' ({loaded.size} points, m = {m})", r, 3)


if __name__ == "__main__":
    main()
