"""Orders of the units of a heatmap (units × time) that turn scattered rows into blocks.

- ``number``: as the network numbers them;
- ``memory``: by the mean of the gate that keeps the past (forget gate of an LSTM, update gate of a GRU),
  highest first: the units that hold on longest come first;
- ``input``: by the Pearson correlation of the unit's state with the input series, highest first;
- ``peak``: by the step where the unit's state is highest, earliest first (a diagonal appears);
- ``cluster``: hierarchical clustering of the units' curves, average linkage on the distance 1 − r (r their
  correlation), read as the dendrogram's leaf order; each merge puts the two clusters' closest ends side by
  side. Written in NumPy (SciPy is not a dependency): O(H³), so above ``MAX_CLUSTER`` units the units are
  ordered by the leading eigenvector of their correlation matrix instead.

Each function takes ``states`` (T, H) and returns a permutation of 0..H−1: row k of the heatmap is unit order[k].
"""

from __future__ import annotations

import numpy as np

ORDERS: tuple[str, ...] = ("number", "memory", "input", "peak", "cluster")
MEMORY_GATE: dict[str, str] = {"lstm": "forget", "gru": "update"}  # the gate whose mean ``memory`` sorts by
MAX_CLUSTER = 256  # units clustered at most (see the module docstring)


def orders_for(cell: str) -> tuple[str, ...]:
    """The orders a network of kind ``cell`` offers (no memory gate in a plain RNN)."""
    return tuple(o for o in ORDERS if o != "memory" or cell in MEMORY_GATE)


def correlations(states: np.ndarray) -> np.ndarray:
    """Pearson correlations between the units' curves, (H, H); a constant unit correlates 0 with every other."""
    X = np.asarray(states, dtype=np.float64).T  # (H, T)
    X = X - X.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(X, axis=1)
    X = np.divide(X, norm[:, None], out=np.zeros_like(X), where=norm[:, None] > 1e-12)
    r = X @ X.T
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0)


def input_correlation(states: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Pearson correlation of each unit's state with the input series, (H,) (0 for a constant one)."""
    X = np.asarray(states, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    X, v = X - X.mean(axis=0), v - v.mean()
    denom = np.linalg.norm(X, axis=0) * np.linalg.norm(v)
    return np.divide(v @ X, denom, out=np.zeros(X.shape[1]), where=denom > 1e-12)


def _join(left: list[int], right: list[int], r: np.ndarray) -> list[int]:
    """``left`` and ``right`` joined so that the two units meeting at the seam correlate the most."""
    options = [(left, right), (left, right[::-1]), (left[::-1], right), (left[::-1], right[::-1])]
    best = max(options, key=lambda o: r[o[0][-1], o[1][0]])
    return best[0] + best[1]


def cluster_order(states: np.ndarray) -> np.ndarray:
    """Leaf order of the average-linkage clustering of the units on 1 − r (see the module docstring)."""
    r = correlations(states)
    H = r.shape[0]
    if H > MAX_CLUSTER:
        _, vecs = np.linalg.eigh(r)
        return np.argsort(vecs[:, -1], kind="stable")
    D = 1.0 - r
    np.fill_diagonal(D, np.inf)
    size = np.ones(H)
    leaves: list[list[int]] = [[u] for u in range(H)]
    for _ in range(H - 1):
        i, j = np.unravel_index(np.argmin(D), D.shape)
        i, j = (int(i), int(j)) if i < j else (int(j), int(i))
        merged = (size[i] * D[i] + size[j] * D[j]) / (size[i] + size[j])  # Lance–Williams, average linkage
        D[i, :], D[:, i] = merged, merged
        D[i, i] = np.inf
        D[j, :], D[:, j] = np.inf, np.inf
        leaves[i] = _join(leaves[i], leaves[j], r)
        leaves[j] = []
        size[i] += size[j]
    return np.asarray(next(leaf for leaf in leaves if leaf), dtype=int)


def unit_order(name: str, states: np.ndarray, values: np.ndarray | None = None,
               memory: np.ndarray | None = None) -> np.ndarray:
    """The permutation of order ``name`` (one of ``ORDERS``) for ``states`` (T, H).

    ``values`` (T,): the input series (for ``input``); ``memory`` (T, H): the memory gate (for ``memory``).
    """
    states = np.asarray(states, dtype=np.float64)
    H = states.shape[1]
    if name == "number":
        return np.arange(H)
    if name == "memory":
        if memory is None:
            raise ValueError("the memory order needs the memory gate")
        return np.argsort(-np.asarray(memory, dtype=np.float64).mean(axis=0), kind="stable")
    if name == "input":
        if values is None:
            raise ValueError("the input order needs the input series")
        return np.argsort(-input_correlation(states, values), kind="stable")
    if name == "peak":
        return np.argsort(np.argmax(states, axis=0), kind="stable")
    if name == "cluster":
        return cluster_order(states)
    raise ValueError(f"unknown order {name!r}")
