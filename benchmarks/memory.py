"""Accuracy against lag of a plain RNN, an LSTM and a GRU trained with one budget, and how long it took.

    .venv/bin/python -m benchmarks.memory [--task adding] [--lags 5,10,20,30] [--epochs 20] [--hidden 16]

Same data and budget as the Vanishing gradients page (384 training and 256 test sequences from
``datasets.synthetic.memory_task``, seeds ``seed`` and ``seed + 1000``; ``lstm_core.memory.MemoryConfig``).
Per lag it prints each kind's test accuracy (answers within ±0.1), the level of always answering the
training mean, the share of the gradient reaching the first step before and after training
(‖∂L/∂h_0‖ / ‖∂L/∂h_{T-1}‖) and the training time; at the end the total time.
"""

from __future__ import annotations

import argparse
import time

from datasets.synthetic import memory_task
from lstm_core.memory import KINDS, MemoryConfig, compare_kinds, task_shape

N_TRAIN, N_TEST = 384, 256  # as views/vanishing.py


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", default="adding", choices=["adding", "recall_first", "delayed_echo"])
    ap.add_argument("--lags", default="5,10,20,30")
    d = MemoryConfig()
    ap.add_argument("--epochs", type=int, default=d.epochs)
    ap.add_argument("--hidden", type=int, default=d.hidden_size)
    ap.add_argument("--lr", type=float, default=d.learning_rate)
    ap.add_argument("--seed", type=int, default=d.seed)
    args = ap.parse_args()
    cfg = MemoryConfig(hidden_size=args.hidden, epochs=args.epochs, learning_rate=args.lr, seed=args.seed)
    print(f"task {args.task}; budget: {cfg.hidden_size} units, {cfg.epochs} epochs, lr {cfg.learning_rate}, "
          f"batch {cfg.batch_size}, seed {cfg.seed}, LSTM forget bias +{cfg.forget_bias}; "
          f"{N_TRAIN} train / {N_TEST} test sequences")
    print(f"{'lag':>4} {'T':>4} {'chance':>7} | " + " | ".join(
        f"{k:>4} acc  grad0 init→trained   time" for k in KINDS))
    total = time.perf_counter()
    for lag in (int(v) for v in args.lags.split(",")):
        T, lag_arg = task_shape(args.task, lag)
        kw = {} if lag_arg is None else {"lag": lag_arg}
        X, Y = memory_task(args.task, N_TRAIN, T, seed=cfg.seed, **kw)
        Xt, Yt = memory_task(args.task, N_TEST, T, seed=cfg.seed + 1000, **kw)
        comp = compare_kinds(X, Y, Xt, Yt, cfg, lag)
        cells = []
        for k in KINDS:
            r = comp.results[k]
            cells.append(f"{100 * r.accuracy:8.0f}% {r.grads_init.first_to_last():8.1e}→"
                         f"{r.grads_trained.first_to_last():7.1e} {r.seconds:5.1f}s")
        print(f"{lag:>4} {T:>4} {100 * comp.results['RNN'].chance:6.0f}% | " + " | ".join(cells), flush=True)
    print(f"total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
