"""Speed of the NumPy recurrent core, and the same configurations in PyTorch when it is installed.

    .venv/bin/python -m benchmarks.core [--quick]

For LSTM, GRU and bidirectional LSTM (float32, input_size 1) at (batch, time, hidden) = (32, 24, 32),
(64, 48, 64), (128, 96, 128) it prints the median milliseconds of one forward and of one forward+backward, the
sequences per second of forward+backward, and, with torch, torch's forward+backward time (``batch_first``,
loss = sum(output * dy), same number of threads as NumPy's BLAS) and the ratio numpy / torch.
Torch's input does not require a gradient (the usual training case); the NumPy backward also returns dx.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from lstm_core import GRU, LSTM

SIZES = [(32, 24, 32), (64, 48, 64), (128, 96, 128)]
MODELS = [("LSTM", LSTM, False), ("GRU", GRU, False), ("BiLSTM", LSTM, True)]


def blas_threads() -> tuple[int, str]:
    """(number of BLAS threads NumPy uses, how it was found)."""
    try:
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            p = pools[0]
            return int(p["num_threads"]), f"threadpoolctl: {p.get('internal_api')} {p.get('architecture', '')}"
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var]), f"${var}"
    return os.cpu_count() or 1, "assumed = cpu count (OpenBLAS default; threadpoolctl not installed)"


def median_ms(fn: Callable[[], object], budget_s: float, min_reps: int = 5, max_reps: int = 200) -> float:
    """Median wall time of ``fn`` in ms after two warm-up calls, repeating for about ``budget_s`` seconds."""
    fn()
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_numpy(cls, bi: bool, B: int, T: int, H: int, budget: float) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    net = cls(1, H, bidirectional=bi, seed=0, dtype="float32")
    x = rng.normal(size=(B, T, 1)).astype(np.float32)
    dy = rng.normal(size=(B, T, (2 if bi else 1) * H)).astype(np.float32)

    def fwd_bwd() -> None:
        _, trace = net.forward(x)
        net.backward(dy, trace)

    return median_ms(lambda: net.forward(x), budget), median_ms(fwd_bwd, budget)


def bench_torch(torch, kind: str, bi: bool, B: int, T: int, H: int, budget: float) -> tuple[float, float]:
    cls = torch.nn.LSTM if kind != "GRU" else torch.nn.GRU
    net = cls(1, H, batch_first=True, bidirectional=bi)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(B, T, 1)), dtype=torch.float32)
    dy = torch.tensor(rng.normal(size=(B, T, (2 if bi else 1) * H)), dtype=torch.float32)

    def fwd() -> None:
        with torch.no_grad():
            net(x)

    def fwd_bwd() -> None:
        net.zero_grad(set_to_none=True)
        y, _ = net(x)
        (y * dy).sum().backward()

    return median_ms(fwd, budget), median_ms(fwd_bwd, budget)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing budget and the two small sizes only")
    args = parser.parse_args()
    budget = 0.3 if args.quick else 1.0
    sizes = SIZES[:2] if args.quick else SIZES
    threads, how = blas_threads()
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        torch = None
    print(f"numpy {np.__version__}, python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cpus; BLAS threads {threads} ({how})")
    print("OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "(unset)")
          + "; load average {:.2f} {:.2f} {:.2f} (other processes distort the timings)".format(*os.getloadavg()))
    if torch is not None:
        print(f"torch {torch.__version__}, torch threads {torch.get_num_threads()}")
    else:
        print("torch not installed: NumPy figures only")
    head = f"{'model':<7} {'B,T,H':<12} {'fwd ms':>8} {'fwd+bwd ms':>11} {'seq/s':>9}"
    if torch is not None:
        head += f" {'torch fwd':>10} {'torch f+b':>10} {'ratio f+b':>10}"
    print(head)
    print("-" * len(head))
    for name, cls, bi in MODELS:
        for B, T, H in sizes:
            f_ms, fb_ms = bench_numpy(cls, bi, B, T, H, budget)
            line = f"{name:<7} {f'{B},{T},{H}':<12} {f_ms:8.2f} {fb_ms:11.2f} {B / fb_ms * 1e3:9.0f}"
            if torch is not None:
                tf_ms, tfb_ms = bench_torch(torch, name, bi, B, T, H, budget)
                line += f" {tf_ms:10.2f} {tfb_ms:10.2f} {fb_ms / tfb_ms:9.2f}x"
            print(line, flush=True)
    print("load average at the end {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
