"""Speed of the NumPy recurrent core beside PyTorch's ``nn.LSTM``/``nn.GRU``/``nn.RNN``, at 1 BLAS thread and at
the default thread count.

    .venv/bin/python -m benchmarks.core [--quick] [--reps N] [--only LSTM,BiLSTM]

For each configuration (float32, input size 1, batch-first, (batch, time, hidden)) it times one forward+backward
of ours and of torch (loss = sum(output * dy); torch's input does not require a gradient, the usual training
case; ours also returns dx). The four calls of a round -- ours and torch at 1 thread, ours and torch at the
default thread count -- run back to back in a rotating order, so machine drift (another process on a shared
machine) touches all four alike; the table shows the medians over the rounds, the ratio ours / torch of the
medians at each setting, and ours at default threads / ours at 1 thread. GRU rows also time our LSTM of the
same size in the same rounds (at 1 thread) and note the ratio of the two. The thread count is switched between
calls with threadpoolctl (NumPy's BLAS) and ``torch.set_num_threads``. Without torch only our figures are
printed; without threadpoolctl only the default thread count is measured.

Targets (issue #17): LSTM (32,24,32) <= 0.85x, (64,48,64) <= 1.0x, (128,96,128) <= 0.75x, BiLSTM (32,24,32)
<= 0.85x, at both settings; ours default / ours 1 thread <= 1.1; the GRU no slower than our LSTM of its size.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from lstm_core import GRU, LSTM, RNN

SIZES = [(32, 24, 32), (64, 48, 64), (128, 96, 128)]
MODELS = [("LSTM", LSTM, False), ("BiLSTM", LSTM, True), ("GRU", GRU, False), ("RNN", RNN, False)]
TARGETS = {("LSTM", (32, 24, 32)): 0.85, ("LSTM", (64, 48, 64)): 1.0, ("LSTM", (128, 96, 128)): 0.75,
           ("BiLSTM", (32, 24, 32)): 0.85}
MAX_THREAD_RATIO = 1.1


class Threads:
    """Switches NumPy's BLAS (threadpoolctl) and torch between 1 thread and their defaults."""

    def __init__(self, torch) -> None:
        self.torch = torch
        self.blas = []
        self.how = "threadpoolctl not installed: default thread count only"
        try:
            from threadpoolctl import ThreadpoolController

            self.blas = ThreadpoolController().select(user_api="blas").lib_controllers
        except ImportError:
            pass
        self.blas_default = max((c.num_threads for c in self.blas), default=os.cpu_count() or 1)
        if self.blas:
            c = self.blas[0]
            self.how = f"{c.internal_api} {c.version} {getattr(c, 'architecture', '')}".strip()
        self.torch_default = torch.get_num_threads() if torch is not None else 0

    @property
    def settings(self) -> list[str]:
        return ["1", "default"] if self.blas else ["default"]

    def use(self, setting: str) -> None:
        for c in self.blas:
            c.set_num_threads(1 if setting == "1" else self.blas_default)
        if self.torch is not None:
            self.torch.set_num_threads(1 if setting == "1" else self.torch_default)


def ours_fn(cls, bi: bool, B: int, T: int, H: int) -> Callable[[], object]:
    rng = np.random.default_rng(0)
    net = cls(1, H, bidirectional=bi, seed=0, dtype="float32")
    x = rng.normal(size=(B, T, 1)).astype(np.float32)
    dy = rng.normal(size=(B, T, (2 if bi else 1) * H)).astype(np.float32)

    def fwd_bwd() -> object:
        _, trace = net.forward(x)
        return net.backward(dy, trace)

    return fwd_bwd


def torch_fn(torch, kind: str, bi: bool, B: int, T: int, H: int) -> Callable[[], object]:
    cls = {"LSTM": torch.nn.LSTM, "BiLSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN": torch.nn.RNN}[kind]
    net = cls(1, H, batch_first=True, bidirectional=bi)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(B, T, 1)), dtype=torch.float32)
    dy = torch.tensor(rng.normal(size=(B, T, (2 if bi else 1) * H)), dtype=torch.float32)

    def fwd_bwd() -> object:
        net.zero_grad(set_to_none=True)
        y, _ = net(x)
        (y * dy).sum().backward()
        return y

    return fwd_bwd


def interleaved(calls: dict[str, tuple[str, Callable[[], object]]], threads: Threads, budget_s: float,
                min_reps: int, max_reps: int) -> dict[str, float]:
    """Median ms of each call; a round runs every call once, starting one later each round."""
    keys = list(calls)
    for key in keys:  # warm-up: two calls each (buffers, BLAS threads, torch's allocator)
        threads.use(calls[key][0])
        calls[key][1]()
        calls[key][1]()
    times: dict[str, list[float]] = {k: [] for k in keys}
    start = time.perf_counter()
    rounds = 0
    while rounds < max_reps and (rounds < min_reps or time.perf_counter() - start < budget_s):
        for j in range(len(keys)):
            key = keys[(rounds + j) % len(keys)]
            setting, fn = calls[key]
            threads.use(setting)
            t0 = time.perf_counter()
            fn()
            times[key].append((time.perf_counter() - t0) * 1e3)
        rounds += 1
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter budget; the two smaller sizes only")
    parser.add_argument("--reps", type=int, default=0, help="minimum rounds per configuration")
    parser.add_argument("--only", default="", help="comma-separated model names, e.g. LSTM,BiLSTM")
    args = parser.parse_args()
    budget = 1.0 if args.quick else 3.0
    min_reps = args.reps or (7 if args.quick else 15)
    sizes = SIZES[:2] if args.quick else SIZES
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    try:
        import torch
    except ImportError:
        torch = None
    threads = Threads(torch)
    print(f"numpy {np.__version__}, python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus; "
          f"BLAS {threads.how}, default threads {threads.blas_default}")
    if torch is not None:
        print(f"torch {torch.__version__}, default threads {threads.torch_default}")
    else:
        print("torch not installed: our figures only")
    print("load average {:.2f} {:.2f} {:.2f} (other processes distort absolute timings; the interleaved ratios "
          "are what count)".format(*os.getloadavg()))
    print("forward+backward, float32, input size 1, median ms over interleaved rounds")
    cols = []
    for s in threads.settings:
        label = "1 thr" if s == "1" else f"{threads.blas_default} thr"
        cols += [f"ours {label}"] + ([f"torch {label}", "ratio"] if torch is not None else [])
    if len(threads.settings) == 2:
        cols.append("ours dflt/1")
    head = f"{'model':<7} {'B,T,H':<11}" + "".join(f" {c:>11}" for c in cols) + "  notes"
    print(head)
    print("-" * len(head))
    for name, cls, bi in MODELS:
        if only and name not in only:
            continue
        for size in sizes:
            B, T, H = size
            calls: dict[str, tuple[str, Callable[[], object]]] = {}
            for s in threads.settings:
                calls[f"ours {s}"] = (s, ours_fn(cls, bi, B, T, H))
                if torch is not None:
                    calls[f"torch {s}"] = (s, torch_fn(torch, name, bi, B, T, H))
            if name == "GRU":  # our LSTM of the same size in the same rounds
                calls["our LSTM"] = (threads.settings[0], ours_fn(LSTM, False, B, T, H))
            gc.collect()
            med = interleaved(calls, threads, budget * (1 + H / 64), min_reps, 400)
            line = f"{name:<7} {f'{B},{T},{H}':<11}"
            notes = []
            for s in threads.settings:
                line += f" {med[f'ours {s}']:11.2f}"
                if torch is not None:
                    ratio = med[f"ours {s}"] / med[f"torch {s}"]
                    line += f" {med[f'torch {s}']:11.2f} {ratio:10.2f}x"
                    target = TARGETS.get((name, size))
                    if target is not None and ratio > target:
                        notes.append(f"{s} thr over {target}x")
            if len(threads.settings) == 2:
                tr = med["ours default"] / med["ours 1"]
                line += f" {tr:11.2f}"
                if tr > MAX_THREAD_RATIO:
                    notes.append(f"threads over {MAX_THREAD_RATIO}")
            if name == "GRU":
                notes.append(f"GRU/our LSTM {med[f'ours {threads.settings[0]}'] / med['our LSTM']:.2f} "
                             f"({threads.settings[0]} thr, same rounds)")
            if (name, size) in TARGETS and torch is not None and not any("over" in n for n in notes):
                notes.append(f"target {TARGETS[(name, size)]}x met")
            print(line + "  " + "; ".join(notes), flush=True)
    threads.use("default")
    print("load average at the end {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
