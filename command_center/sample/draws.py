"""Deterministic random draws shared by the sample generators.

Every dataset (and every month of incidents) gets its own generator derived from the run's
seed and a fixed key, so one dataset's draws never shift another's, and generating the
incidents month by month gives the same rows as generating them at once.
"""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, *keys: object) -> np.random.Generator:
    """A generator for ``keys`` (strings or ints) under ``seed``: stable across runs."""
    entropy = [int(seed) % (1 << 64)]
    for key in keys:
        if isinstance(key, (int, np.integer)):
            entropy.append(int(key) % (1 << 64))
        else:
            entropy.append(zlib.crc32(str(key).encode("utf-8")))
    return np.random.default_rng(np.random.SeedSequence(entropy))


def normalized(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum(axis=-1, keepdims=True)


def pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """``n`` indices drawn with the given (unnormalized) weights."""
    cum = np.cumsum(normalized(weights))
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64)


def pick_by_group(rng: np.random.Generator, groups: np.ndarray, table) -> np.ndarray:
    """For each row, an index drawn from ``table[groups[row]]`` (rows of unnormalized weights).

    Vectorized: the cumulative rows are offset by their row number so one ``searchsorted``
    over the flattened table serves every group.
    """
    table = normalized(table)
    n_groups, k = table.shape
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(n_groups)[:, None]).ravel()
    groups = np.asarray(groups, dtype=np.int64)
    u = rng.random(len(groups)) + groups
    idx = np.searchsorted(flat, u, side="right") - groups * k
    return np.minimum(idx, k - 1)


def pick_by_row(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """For each row of an (n, k) weight matrix, one column index."""
    cum = np.cumsum(normalized(probs), axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(probs))
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def lognormal(rng: np.random.Generator, median, sigma, n: int | None = None) -> np.ndarray:
    """Lognormal with the given median (vectorized over ``median``)."""
    median = np.asarray(median, dtype=np.float64)
    size = n if n is not None else median.shape
    return median * np.exp(sigma * rng.standard_normal(size))
