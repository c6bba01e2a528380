"""Accuracy of the default forecasters on every bundled real series, against baselines (and statsforecast).

Run: ``.venv/bin/python -m benchmarks.accuracy [--series ID ...] [--models lstm,gru,bilstm] [--no-backtest]``

For each series (the last ``--max-points`` points, to keep minutes not hours) it measures MASE on
1. the last-horizon hold-out: fit on x[:N−H], forecast H, score on x[N−H:];
2. a 3-origin rolling backtest (``lstm_core.backtest``), each origin refitting scaler and model;
for the default LSTM, GRU and bidirectional LSTM, the four baselines and, when ``statsforecast`` is
importable, AutoETS and AutoARIMA. It prints MASE per series, the geometric mean over series, how many
series each method wins against seasonal naive, and the mean fit time of each network.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
import warnings

import numpy as np

import datasets
from lstm_core import metrics
from lstm_core.backtest import backtest, backtest_origins
from lstm_core.baselines import default_baselines
from lstm_core.forecast import ForecastConfig, Forecaster

NETS = {
    "lstm": {},
    "gru": {"cell": "gru"},
    "bilstm": {"bidirectional": True},
}
BASELINES = ("seasonal_naive", "naive", "drift", "moving_average")


def _statsforecast_models(m: int):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from statsforecast.models import AutoARIMA, AutoETS
    except Exception:
        return {}
    models = {"auto_ets": lambda: AutoETS(season_length=m if m <= 24 else 1)}
    if m <= 24:  # seasonal ARIMA with m = 52 or 365 takes minutes per fit; reported as nan instead
        models["auto_arima"] = lambda: AutoARIMA(season_length=m)
    return models


def _stats_forecast(make, history: np.ndarray, h: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
        model.fit(history.astype(np.float64))
        return np.asarray(model.predict(h=h)["mean"], dtype=np.float64)


def _gmean(values) -> float:
    v = np.asarray([x for x in values if np.isfinite(x) and x > 0])
    return float(np.exp(np.mean(np.log(v)))) if v.size else float("nan")


def evaluate_series(
    sid: str, nets: list[str], max_points: int, do_backtest: bool, origins: int, use_stats: bool = True
) -> dict:
    """MASE per method on the hold-out (and mean over backtest origins), plus network fit seconds."""
    info = datasets.info(sid)
    x = datasets.load(sid).to_numpy(dtype=np.float64)[-max_points:]
    m = int(info.season_length)
    base_cfg = ForecastConfig.auto(x.size, m)
    H = base_cfg.horizon
    hist, actual = x[:-H], x[-H:]
    out: dict = {"id": sid, "n": x.size, "m": m, "H": H, "holdout": {}, "backtest": {}, "fit_s": {}}
    stats = _statsforecast_models(m) if use_stats else {}
    for name in nets:
        cfg = dataclasses.replace(ForecastConfig.auto(hist.size, m, horizon=H, **NETS[name]), test_fraction=0.0)
        t0 = time.perf_counter()
        fc = Forecaster(cfg)
        fc.fit(hist)
        pred = fc.predict(H).mean
        out["fit_s"][name] = [time.perf_counter() - t0]
        out["holdout"][name] = metrics.mase(actual, pred, hist, m)
    for name, base in default_baselines(m).items():
        out["holdout"][name] = metrics.mase(actual, base.fit(hist).predict(H, levels=()).mean, hist, m)
    if use_stats and _statsforecast_models(1):
        out["holdout"].setdefault("auto_ets", float("nan"))
        out["holdout"].setdefault("auto_arima", float("nan"))
    for name, make in stats.items():
        try:
            out["holdout"][name] = metrics.mase(actual, _stats_forecast(make, hist, H), hist, m)
        except Exception:
            out["holdout"][name] = float("nan")
    if do_backtest:
        for name in nets:
            cfg = ForecastConfig.auto(x.size, m, horizon=H, **NETS[name])
            t0 = time.perf_counter()
            res = backtest(x, cfg, n_origins=origins, levels=(), season_length=m)
            out["fit_s"][name].append((time.perf_counter() - t0) / origins)
            out["backtest"][name] = res.mean["model"]["mase"]
            for b in BASELINES:
                out["backtest"][b] = res.mean[b]["mase"]
        for name, make in stats.items():
            scores = []
            for o in backtest_origins(x.size, H, origins):
                try:
                    scores.append(metrics.mase(x[o : o + H], _stats_forecast(make, x[:o], H), x[:o], m))
                except Exception:
                    scores.append(float("nan"))
            out["backtest"][name] = float(np.nanmean(scores))
        if stats and "auto_arima" not in stats:
            out["backtest"]["auto_arima"] = float("nan")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", action="append", default=None, help="series id (repeatable; default: all)")
    ap.add_argument("--models", default="lstm,gru,bilstm", help="networks to run, comma separated")
    ap.add_argument("--max-points", type=int, default=800, help="use at most the last N points of each series")
    ap.add_argument("--no-backtest", action="store_true", help="hold-out only (faster)")
    ap.add_argument("--origins", type=int, default=3)
    ap.add_argument("--no-stats", action="store_true", help="skip AutoETS/AutoARIMA even if statsforecast exists")
    args = ap.parse_args(argv)
    ids = args.series or [s.id for s in datasets.catalog()]
    nets = [n for n in args.models.split(",") if n]
    rows = []
    t0 = time.perf_counter()
    for sid in ids:
        r = evaluate_series(sid, nets, args.max_points, not args.no_backtest, args.origins, not args.no_stats)
        rows.append(r)
        parts = [f"{k}: " + " ".join(f"{name}={v:.3f}" for name, v in r[k].items()) for k in ("holdout", "backtest")]
        fits = " ".join(f"{name}={np.mean(v):.1f}s" for name, v in r["fit_s"].items())
        print(f"... {sid} ({time.perf_counter() - t0:.0f} s) | " + " | ".join(parts) + f" | fit {fits}", flush=True)
    methods = list(rows[0]["holdout"])
    for kind in ("holdout", "backtest"):
        if not rows[0][kind]:
            continue
        title = "last-horizon hold-out" if kind == "holdout" else f"{args.origins}-origin backtest (mean MASE)"
        print(f"\nMASE, {title}")
        cols = [m for m in methods if m in rows[0][kind]]
        print(f"{'series':32s} {'n':>5s} {'m':>4s} {'H':>3s} " + " ".join(f"{c[:10]:>10s}" for c in cols))
        for r in rows:
            print(
                f"{r['id']:32s} {r['n']:5d} {r['m']:4d} {r['H']:3d} "
                + " ".join(f"{r[kind].get(c, math.nan):10.3f}" for c in cols)
            )
        print(f"{'geometric mean':49s} " + " ".join(f"{_gmean([r[kind][c] for r in rows]):10.3f}" for c in cols))
        wins = [sum(r[kind][c] < r[kind]["seasonal_naive"] for r in rows) for c in cols]
        print(f"{'beats seasonal naive (series)':49s} " + " ".join(f"{w:10d}" for w in wins))
    print("\nmean fit + forecast seconds per network fit (hold-out, backtest origin):")
    for n in nets:
        hold = np.mean([r["fit_s"][n][0] for r in rows])
        bt = np.mean([r["fit_s"][n][1] for r in rows]) if len(rows[0]["fit_s"][n]) > 1 else math.nan
        print(f"  {n:8s} {hold:6.2f} s  {bt:6.2f} s")
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
