"""How legible the gates are on the path a newcomer takes with the defaults (printed, not pass/fail).

    .venv/bin/python -m benchmarks.teaching [--seeds 0 1 2] [--series ID | --synthetic NAME] [--set key=value ...]

The default path: the Data page's default series, the Train page's default model trained as the page trains it
(with the replay's probe recording every snapshot), then the Gates page's default window. Printed per gate:
the mean over units of the standard deviation over time (``spread``), the share of (unit, step) shut (< 0.1)
and open (> 0.9), the share near-blank on its colour scale; the units whose forget gate stays open for most of
the window; the mean absolute change of each gate between the replay's first and last snapshot. Targets
(issue #14): at least three units with a forget gate held open, a replay change of at least 0.15 on at least two
sigmoid gates (the states move more easily), and no heatmap panel more than 80 % near-blank. ``--series``/``--synthetic``/``--set`` try another path.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np

TARGET_HELD, TARGET_CHANGE, TARGET_CHANGED_GATES, TARGET_BLANK = 3, 0.15, 2, 0.8


def _value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def run_path(loaded, overrides: dict, seed: int, from_epoch: int = 0) -> dict:
    """Train the default model of ``loaded`` as the Train page does and read the default Gates and Replay views."""
    from lstm_core.forecast import Forecaster
    from ui import legibility, teaching, trainer
    from ui.plots.colors import GATES_BY_CELL, cell_range
    from ui.workers.tasks import Recorder

    cfg = dataclasses.replace(trainer.default_config(loaded, **overrides), seed=seed)
    job = trainer.TrainingJob(loaded, cfg)
    rec = Recorder(job._probe())
    snaps = []
    fc = Forecaster(cfg)
    values = loaded.series.to_numpy(dtype=np.float64)

    def on_epoch(info):
        snaps.extend(body for kind, body in rec.observe(info) if kind == "snapshot")
        return True

    t0 = time.perf_counter()
    hist = fc.fit(values, callback=on_epoch, on_start=lambda info: snaps.extend(
        body for kind, body in rec.observe(info) if kind == "snapshot"))
    seconds = time.perf_counter() - t0
    start, end = teaching.gates_window(values.size, cfg.window)
    trace = fc.trace(values[start:end])
    names = GATES_BY_CELL[cfg.cell]
    gates = {name: a for (_, _, name), a in trace.gate_arrays(names=names, layers=[0], directions=["forward"]).items()}
    c_range = cell_range(fc.trace(values).gate("cell", layer=0)) if cfg.cell == "lstm" else 1.0
    first, last = next(s for s in snaps if s["epoch"] >= from_epoch), snaps[-1]
    change = legibility.replay_change({name: first["gates"][(0, "forward", name)] for name in names},
                                      {name: last["gates"][(0, "forward", name)] for name in names})
    return {"config": cfg, "seconds": seconds, "epochs": len(hist.train_loss), "c_range": c_range,
            "figures": legibility.gate_figures(gates, c_range), "change": change,
            "first_epoch": first["epoch"], "last_epoch": last["epoch"],
            "held": legibility.held_open(gates["forget"]) if "forget" in gates else np.array([], dtype=int)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--series", help="a bundled series id instead of the default path's series")
    parser.add_argument("--synthetic", help="a synthetic generator (its default parameters, seed 0)")
    parser.add_argument("--from-epoch", type=int, default=0, help="the replay's first snapshot (1: before epoch 0)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a config field")
    args = parser.parse_args()

    import logging

    from datasets import synthetic
    from ui import state
    from ui.plots.colors import SIGMOID_GATES

    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api"):  # st.cache_data outside a server warns
        logging.getLogger(name).setLevel(logging.ERROR)

    if args.series:
        loaded = state.bundled_series(args.series)
    elif args.synthetic:
        spec = synthetic.GENERATORS[args.synthetic]
        loaded = state.synthetic_series(args.synthetic, spec.defaults(), 0)
    else:
        loaded = state.teaching_series()
    overrides = {k: _value(v) for k, v in (item.split("=", 1) for item in args.set)}
    print(f"path: {loaded.name} ({loaded.n} points), overrides {overrides or 'none'}")
    runs = [run_path(loaded, overrides, seed, args.from_epoch) for seed in args.seeds]
    cfg = runs[0]["config"]
    print(f"model: {cfg.cell} {cfg.hidden_size} units, window {cfg.window}, lr {cfg.learning_rate}, "
          f"epochs {cfg.epochs} (ran {[r['epochs'] for r in runs]}), cell scale ±{[r['c_range'] for r in runs]}")
    print(f"training seconds per seed: {[round(r['seconds'], 2) for r in runs]}")
    names = list(runs[0]["figures"])
    print(f"{'gate':<10} {'spread':>7} {'shut':>6} {'open':>6} {'blank':>6} {'replay Δ':>9}   (median over seeds)")
    for name in names:
        def med(key, name=name):
            vals = [r["figures"][name].get(key) for r in runs]
            return statistics.median(vals) if None not in vals else None

        change = statistics.median(r["change"][name] for r in runs)
        cols = [f"{med('spread'):7.3f}"] + [f"{med(k):6.2f}" if med(k) is not None else f"{'':6}"
                                             for k in ("shut", "open")]
        print(f"{name:<10} {' '.join(cols)} {med('blank'):6.2f} {change:9.3f}")
    held = [len(r["held"]) for r in runs]
    changed = [sum(v >= TARGET_CHANGE for k, v in r["change"].items() if k in SIGMOID_GATES) for r in runs]
    worst_blank = [max(f["blank"] for f in r["figures"].values()) for r in runs]
    print(f"units with the forget gate held open: {held} (target >= {TARGET_HELD})")
    print(f"sigmoid gates whose replay changed >= {TARGET_CHANGE} (epoch {runs[0]['first_epoch']} -> "
          f"{runs[0]['last_epoch']}): {changed} (target >= {TARGET_CHANGED_GATES})")
    print(f"most near-blank panel: {[round(b, 2) for b in worst_blank]} (target <= {TARGET_BLANK})")
    met = (min(held) >= TARGET_HELD and min(changed) >= TARGET_CHANGED_GATES and max(worst_blank) <= TARGET_BLANK)
    print("targets met on every seed" if met else "targets NOT met on every seed")


if __name__ == "__main__":
    main()
