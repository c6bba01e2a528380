"""What the Train page's live gate view costs the training it watches (printed, not pass/fail).

    .venv/bin/python -m benchmarks.live_gates [--repeats 7] [--epochs 80]

Fits the default model on the default series through the worker, as the Train page does, with the replay's probe
recording on in both arms; one arm also sends layer 0's live gates after every epoch. The two arms alternate in
one run (this machine is shared and noisy), the live arm unthrottled (every epoch, the most it can cost; the page
asks for one every ``trainer.LIVE_EVERY_S``), and the figure is the ratio of the median training times, taken by
the engine inside the worker (``history.fit_seconds``: the epochs and their callbacks). Target: at most 15 % slower.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics

TARGET_RATIO = 1.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=80, help="a fixed budget (no early stop), so both arms match")
    args = parser.parse_args()

    from ui import state, trainer, workers

    loaded = state.teaching_series()  # the default path
    cfg = dataclasses.replace(trainer.default_config(loaded), epochs=args.epochs, patience=0)
    probe = trainer.TrainingJob(loaded, cfg)._probe()
    arms = {"replay only": {**probe, "live": []}, "replay + live gates": {**probe, "live_every_s": 0.0}}
    values = loaded.series.to_numpy(dtype=float)
    times: dict[str, list[float]] = {name: [] for name in arms}
    views = {name: 0 for name in arms}
    workers.fit(values, dataclasses.replace(cfg, epochs=2), probe=probe)  # start the worker before timing
    for _ in range(args.repeats):
        for name, p in arms.items():
            counted = [0]
            fitted = workers.fit(values, cfg, probe=p, on_snapshot=lambda s: None,
                                 on_live=lambda m, c=counted: c.__setitem__(0, c[0] + 1))
            times[name].append(fitted.history.fit_seconds)
            views[name] = counted[0]
    med = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(f"{name:>20}: median {med[name]:.3f} s over {len(ts)} fits of {args.epochs} epochs "
              f"({views[name]} live views sent) [{', '.join(f'{t:.3f}' for t in ts)}]")
    ratio = med["replay + live gates"] / med["replay only"]
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"live gate view: {ratio:.3f}x the training time without it (target <= {TARGET_RATIO:.2f}x): {verdict}")


if __name__ == "__main__":
    main()
