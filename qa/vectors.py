"""Checks on embedding arrays before anything is built from them (an index build, a Milvus sync).

A vector of the right shape but holding NaN or infinity loads without complaint and then poisons
every inner product; an integer or object array, or one with the wrong width, fails only later and
far from its cause. Every array from a cache, an embedder or a build goes through here first."""

from __future__ import annotations

import numpy as np


class BadVectors(ValueError):
    """An embedding array that must not be used; the message says what is wrong with it."""


def check_matrix(vectors: object, dim: int, what: str) -> np.ndarray:
    """`vectors` as a float32 (n, dim) array with only finite values, or BadVectors naming `what`."""
    if not isinstance(vectors, np.ndarray):
        raise BadVectors(f"{what} is a {type(vectors).__name__}, not an array")
    if vectors.dtype.kind != "f":
        raise BadVectors(f"{what} has dtype {vectors.dtype}, expected floating point")
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise BadVectors(f"{what} has shape {vectors.shape}, expected (n, {dim})")
    bad = ~finite_rows(vectors)
    if bad.any():
        raise BadVectors(f"{what} has {int(bad.sum())} of {len(vectors)} rows with NaN or infinite values")
    return np.ascontiguousarray(vectors, dtype=np.float32)


def finite_rows(vectors: np.ndarray) -> np.ndarray:
    """A boolean mask: True for the rows whose values are all finite (and stay so as float32)."""
    if not len(vectors):
        return np.zeros(0, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        as32 = vectors.astype(np.float32, copy=False)
    return np.isfinite(as32).all(axis=1)
