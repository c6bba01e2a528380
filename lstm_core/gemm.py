"""Matrix products that stay on one BLAS thread: ``out = a @ b`` split into GEMMs below the threading threshold.

OpenBLAS (NumPy's BLAS) runs a GEMM of ``m * k * n`` multiply-adds on ``min(threads, m k n / 2^18)`` threads, so
a product of 2^19 multiply-adds or more wakes a second thread. A recurrence runs hundreds of mid-size products
one after another; on a busy machine each wake-up can cost milliseconds (a 25 us product taking 0.7-10 ms),
so with two threads the layer ran several times slower than with one. ``tiles`` cuts a product into blocks of
rows of ``a`` and columns of ``b`` that each stay below ``MAX_MNK`` and expresses them as strided views, so one
stacked ``np.matmul`` call runs them all (NumPy calls one GEMM per stacked matrix). Without a split the views
are the arrays themselves.

    for av, bv, ov in tiles(W, Z, A):        # W (m, k) fixed; Z (T, k, n) and A (T, m, n) stacked over steps
        np.matmul(av, bv[s], out=ov[s])      # A[s] = W @ Z[s]
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import buffers

MAX_MNK = 1 << 19  # OpenBLAS 0.3.x: one thread while m * n * k < 2 * 65536 * GEMM_MULTITHREAD_THRESHOLD (4)
MAX_GEMV = 1 << 18  # a matrix-vector product (NumPy calls gemv when m or n is 1): one thread at 2^18 elements
_PART_BYTES = 1 << 20  # partial products summed at a time in ``product`` (about a core's L2)
KC = 128  # reduction chunk of ``product``


def _limit(m: int, n: int) -> int:
    return MAX_GEMV if min(m, n) == 1 else MAX_MNK


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@lru_cache(maxsize=512)
def plan(m: int, k: int, n: int) -> tuple[int, int, bool]:
    """``(r, c, even)``: cut the m rows into r blocks and the n columns into c so that every block product has
    fewer than ``MAX_MNK`` multiply-adds; ``even`` when r divides m and c divides n (one stacked call).

    Blocks at least 32 wide when possible, then fewest blocks, then the squarest (measured fastest).
    """
    limit = _limit(m, n)
    if m * k * n < limit:
        return 1, 1, True
    need = math.ceil(m * k * n / (limit - 1))
    best: tuple[float, int, int] | None = None
    for r in _divisors(m):
        for c in _divisors(n):
            if (m // r) * k * (n // c) < limit:  # narrow blocks run slowly; then fewest, then squarest
                score = (min(m // r, n // c) < min(32, m, n), r * c, abs(math.log((m / r) / (n / c))))
                if best is None or score < best[:3]:
                    best = (*score, r, c)
                break  # larger c only adds blocks
    if best is not None and best[1] <= 2 * need:
        return best[3], best[4], True
    # no good divisors (a prime batch size, say): uneven blocks, each its own call
    for blocks in range(need, m * n + 1):
        for c in range(1, blocks + 1):
            if blocks % c:
                continue
            r = blocks // c
            if r <= m and c <= n and math.ceil(m / r) * k * math.ceil(n / c) < limit:
                return r, c, False
    return m, n, False  # pragma: no cover - every 1 x k x 1 product is below the threshold


def _cuts(size: int, parts: int) -> list[slice]:
    return [slice(i * size // parts, (i + 1) * size // parts) for i in range(parts)]


def _same_memory(view: np.ndarray, arr: np.ndarray) -> np.ndarray:
    if view.size and not np.may_share_memory(view, arr):  # a reshape that had to copy would lose the writes
        raise AssertionError("gemm.tiles: operand is not a view")
    return view


def tiles(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Views ``(av, bv, ov)`` with ``np.matmul(av, bv, out=ov)`` (or the same indexed by a leading step axis)
    computing ``out = a @ b`` in blocks below ``MAX_MNK``.

    ``a`` is ``(m, k)`` or stacked ``(S, m, k)``; ``b`` ``(S, k, n)``; ``out`` ``(S, m, n)``; any strides with a
    unit stride in one of the last two axes. Usually one triple; several only for uneven blocks.
    """
    m, k = a.shape[-2:]
    n = b.shape[-1]
    r, c, even = plan(m, k, n)
    if (r, c) == (1, 1):
        return [(a, b, out)]
    if even:
        lead_a, lead_b = a.shape[:-2], b.shape[:-2]
        av = a.reshape(*lead_a, r, 1, m // r, k)  # (..., r, 1, m/r, k)
        bv = b.reshape(*lead_b, k, c, n // c).swapaxes(-2, -3)[..., None, :, :, :]  # (..., 1, c, k, n/c)
        ov = out.reshape(*out.shape[:-2], r, m // r, c, n // c).swapaxes(-2, -3)  # (..., r, c, m/r, n/c)
        return [(_same_memory(av, a), _same_memory(bv, b), _same_memory(ov, out))]
    return [(a[..., rows, :], b[..., cols], out[..., rows, cols]) for rows in _cuts(m, r) for cols in _cuts(n, c)]


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for a long reduction, ``(m, N) @ (N, n)`` -> a fresh ``(m, n)``, in GEMMs below the threshold.

    The reduction is cut into chunks of ``KC``; one stacked call forms the partial products of a group of chunks
    (a scratch array of about ``_PART_BYTES``), ``np.sum`` adds them up. Used for the weight gradients, whose
    reduction runs over every step and sample.
    """
    m, N = a.shape
    n = b.shape[1]
    if m * N * n < _limit(m, n):
        return np.matmul(a, b)
    kc = min(N, KC if min(m, n) > 1 else max(1, (MAX_GEMV - 1) // max(m, n)))
    J = N // kc
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    g = max(1, min(J, _PART_BYTES // (m * n * out.itemsize)))  # chunks per call
    part = buffers.scratch("gemm.part", (g, m, n), out.dtype)
    acc = buffers.scratch("gemm.acc", (m, n), out.dtype)
    for j0 in range(0, J, g):
        gg = min(g, J - j0)
        cols = slice(j0 * kc, (j0 + gg) * kc)
        a3 = _same_memory(a[:, cols].reshape(m, gg, kc).swapaxes(0, 1), a)  # (gg, m, kc)
        b3 = _same_memory(b[cols].reshape(gg, kc, n), b)  # (gg, kc, n)
        for av, bv, ov in tiles(a3, b3, part[:gg]):
            np.matmul(av, bv, out=ov)
        np.sum(part[:gg], axis=0, out=acc)
        out += acc
    if J * kc < N:
        out += product(a[:, J * kc:], b[J * kc:])
    return out
