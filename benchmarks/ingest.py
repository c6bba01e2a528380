"""Time ``datasets.read_table`` on a generated 1,000,000-row CSV (target: under 3 s on a 2-core machine).

Run: ``.venv/bin/python -m benchmarks.ingest``. Two shapes are timed: a plain ISO-dated comma file, and a
Brazilian-style export (``;``, ``dd/mm/yyyy hh:mm`` timestamps, decimal comma, a few missing values).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import datasets

N = 1_000_000


def _make(style: str) -> bytes:
    rng = np.random.default_rng(0)
    idx = pd.date_range("2000-01-01", periods=N, freq="min")
    values = np.round(20 + 5 * np.sin(np.arange(N) / 1440 * 2 * np.pi) + rng.standard_normal(N), 3)
    if style == "iso":
        frame = pd.DataFrame({"timestamp": idx.strftime("%Y-%m-%d %H:%M:%S"), "value": values})
        return frame.to_csv(index=False).encode()
    text = pd.Series(values).map("{:.3f}".format).str.replace(".", ",", regex=False)
    text[rng.integers(0, N, 50)] = ""
    frame = pd.DataFrame({"data": idx.strftime("%d/%m/%Y %H:%M"), "valor": text})
    return frame.to_csv(index=False, sep=";").encode("cp1252")


def main() -> None:
    for style in ("iso", "pt-BR"):
        data = _make(style)
        start, cpu = time.perf_counter(), time.process_time()
        res = datasets.read_table(data, max_bytes=64 * 2**20)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        # CPU time is shown too: on a shared machine the wall time also counts other processes' load.
        print(f"read_table {style:6s}: {N:,} rows, {len(data) / 2**20:.1f} MB -> {len(res.series):,} points, "
              f"freq={res.detected.frequency}, wall {took:.2f} s, cpu {cpu:.2f} s (target < 3 s)")


if __name__ == "__main__":
    main()
