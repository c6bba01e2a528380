"""Speed of the Compare and Forecast pages' heavy steps, with the pages' own default settings.

    .venv/bin/python -m benchmarks.pages_speed [--quick]

1. Compare: the four models (LSTM, GRU, bidirectional LSTM, RNN) trained one after the other, one seed each,
   with ``ui.plots.compare.default_config`` on a 300-point seasonal series (period 12), plus each model's
   evaluation on validation and test (what one press of "Train and compare" does).
2. Forecast: ``ForecastConfig.auto`` for a 1,000-point seasonal series with no test part (fit on all of the
   history, the page's default), then the H-step forecast; and, separately, the default 3-origin backtest.

Figures are wall-clock seconds on this machine (shared CPUs make them noisy: run once when the machine is quiet).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

import numpy as np

from datasets import synthetic
from lstm_core.backtest import backtest
from lstm_core.forecast import ForecastConfig, Forecaster
from ui.plots import compare as cplots


def _series(n: int) -> np.ndarray:
    return synthetic.generate("trend_season_noise", seed=0, length=n, period=12).to_numpy(dtype=float)


def compare_four(n: int = 300, epochs: int | None = None) -> dict[str, float]:
    """Seconds per model (fit + evaluate) with the Compare page's defaults on an n-point series."""
    x = _series(n)
    base = cplots.default_config(n, 12)
    if epochs:
        base = dataclasses.replace(base, epochs=epochs)
    out = {}
    for name in cplots.MODELS:
        fc = Forecaster(cplots.variant_config(base, name))
        t0 = time.perf_counter()
        hist = fc.fit(x)
        fc.evaluate()
        out[name] = time.perf_counter() - t0
        print(f"  {name:7s} {out[name]:6.1f} s  ({hist.epochs_run}/{base.epochs} epochs, {hist.status})", flush=True)
    return out


def forecast_fit(n: int = 1000, epochs: int | None = None, origins: int = 3) -> tuple[float, float, ForecastConfig]:
    """(fit + forecast seconds, backtest seconds, config) with the Forecast page's defaults on an n-point series."""
    x = _series(n)
    cfg = dataclasses.replace(ForecastConfig.auto(n, 12), test_fraction=0.0).validate()
    if epochs:
        cfg = dataclasses.replace(cfg, epochs=epochs)
    t0 = time.perf_counter()
    fc = Forecaster(cfg)
    fc.fit(x)
    fc.predict(cfg.horizon)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    backtest(x, cfg, n_origins=origins, season_length=12)
    return fit_s, time.perf_counter() - t0, cfg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 epochs everywhere (checks the script runs)")
    args = ap.parse_args()
    epochs = 2 if args.quick else None
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    print("Compare, defaults, 300-point series:")
    per = compare_four(300, epochs)
    print(f"  total   {sum(per.values()):6.1f} s")
    fit_s, bt_s, cfg = forecast_fit(1000, epochs)
    print(f"Forecast, defaults, 1,000-point series (window {cfg.window}, horizon {cfg.horizon}, "
          f"{cfg.ensemble} networks, up to {cfg.epochs} epochs, hidden {cfg.hidden_size}):")
    print(f"  fit + forecast {fit_s:6.1f} s")
    print(f"  backtest (3 origins) {bt_s:6.1f} s")


if __name__ == "__main__":
    main()
