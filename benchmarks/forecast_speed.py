"""Speed of the default forecaster: fit + forecast on a 500-point monthly series (target < 5 s).

Run: ``.venv/bin/python -m benchmarks.forecast_speed [--points 500] [--repeats 3]``

Prints, per configuration, the median wall time of ``Forecaster(ForecastConfig.auto(...)).fit`` and of
``predict``, the epochs run per member and the parameter count; also the 300-point "Compare" workload
(LSTM, GRU, BiLSTM, RNN with defaults) and the Forecast page's 1,000-point fit.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from lstm_core.forecast import ForecastConfig, Forecaster


def monthly_series(n: int, seed: int = 0) -> np.ndarray:
    """Trend + yearly season + AR(1) noise, like a real monthly business series."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.6 * noise[i - 1] + rng.normal(0, 1.5)
    return 100 + 0.15 * t + 10 * np.sin(2 * np.pi * t / 12) + 4 * np.cos(4 * np.pi * t / 12) + noise


def time_fit(x: np.ndarray, m: int, repeats: int, **overrides) -> tuple[float, float, list[int], int]:
    fits, preds = [], []
    for _ in range(repeats):
        fc = Forecaster(ForecastConfig.auto(x.size, m, **overrides))
        t0 = time.perf_counter()
        hist = fc.fit(x)
        t1 = time.perf_counter()
        fc.predict()
        preds.append(time.perf_counter() - t1)
        fits.append(t1 - t0)
    return statistics.median(fits), statistics.median(preds), [h.epochs_run for h in hist.members], fc.num_parameters()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    x = monthly_series(args.points)
    print(f"{'workload':36s} {'fit s':>7s} {'predict ms':>10s}  epochs/member  params")
    rows = [
        (f"default LSTM, {args.points} monthly", x, {}),
        (f"LSTM, 1 member, {args.points} monthly", x, {"ensemble": 1}),
    ]
    x300 = monthly_series(300, seed=1)
    for cell, kw in (("LSTM", {}), ("GRU", {"cell": "gru"}), ("BiLSTM", {"bidirectional": True}), ("RNN", {"cell": "rnn"})):
        rows.append((f"Compare {cell}, 300 monthly", x300, kw))
    rows.append(("Forecast page, 1000 monthly", monthly_series(1000, seed=2), {"test_fraction": 0.0}))
    compare_total = 0.0
    for name, series, kw in rows:
        fit, pred, epochs, params = time_fit(series, 12, args.repeats if "default" in name else 1, **kw)
        if name.startswith("Compare"):
            compare_total += fit
        print(f"{name:36s} {fit:7.2f} {1000 * pred:10.1f}  {str(epochs):13s}  {params}")
    print(f"{'Compare, four models together':36s} {compare_total:7.2f}")


if __name__ == "__main__":
    main()
