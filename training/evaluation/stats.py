"""The statistics both harnesses share: P/R/F1 from counts, one bootstrap over per-unit count
matrices, one paired bootstrap, one percentile interval.

A unit is what a harness resamples: a sentence (entities) or a record (event types). Each
harness counts once per unit, into a ``[n_units, columns]`` integer matrix (true positives,
predictions and gold per type, ...); every score is a function of that matrix's column sums.
A bootstrap resample is then a matrix product of unit multiplicities with the counts, not a
rescoring: cheap enough for thousands of resamples, and chunked, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

COUNTS_CHUNK = 4_000_000  # resamples x units per chunk: bounds bootstrap memory (~32 MB)


def divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (seqeval's zero_division)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape), where=denominator > 0)


def prf(tp, pred, gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 from true positives, predictions and gold (any shape)."""
    precision, recall = divide(tp, pred), divide(tp, gold)
    return precision, recall, divide(2 * precision * recall, precision + recall)


def multiplicities(n_units: int, n: int, seed: int) -> Iterator[np.ndarray]:
    """``[chunk, n_units]`` counts of each unit in each of ``n`` resamples (drawn with
    replacement, ``n_units`` per resample), in chunks that bound the memory used."""
    rng = np.random.default_rng(seed)
    chunk = max(1, COUNTS_CHUNK // max(n_units, 1))
    for first in range(0, n, chunk):
        rows = min(chunk, n - first)
        draws = rng.integers(0, n_units, size=(rows, n_units))
        offsets = (np.arange(rows) * n_units)[:, None]
        yield np.bincount((draws + offsets).ravel(), minlength=rows * n_units).reshape(
            rows, n_units
        )


def bootstrap_sums(counts: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``[n, columns]``: the column sums of ``counts`` (``[n_units, columns]``) in each of
    ``n`` bootstrap resamples of its rows."""
    parts = [weights @ counts for weights in multiplicities(counts.shape[0], n, seed)]
    return np.concatenate(parts).reshape(n, counts.shape[1])


def paired_bootstrap_sums(
    counts_a: np.ndarray, counts_b: np.ndarray, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bootstrap_sums` of two systems' counts of the same units, each resample drawing
    the same units for both: the pairing that makes a difference's interval narrow."""
    if counts_a.shape[0] != counts_b.shape[0]:
        raise ValueError("a paired bootstrap needs counts of the same units")
    sums = bootstrap_sums(np.concatenate([counts_a, counts_b], axis=1), n, seed)
    return sums[:, : counts_a.shape[1]], sums[:, counts_a.shape[1] :]


def interval(values: np.ndarray, confidence: float) -> list[float] | None:
    """Percentile interval of the defined (non-NaN) values; ``None`` if there are none."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    return [float(x) for x in np.percentile(values, [tail, 100 - tail])]


def difference(
    point_a: float, point_b: float, a: np.ndarray | None, b: np.ndarray | None, confidence: float
) -> dict[str, Any]:
    """A paired comparison of one score: both scores on all units, their ``difference``, its
    percentile interval ``ci`` over the resamples ``a`` and ``b`` and ``p_value``, the share of
    resamples where ``a`` is not better (``a <= b``; resamples where either is undefined, NaN,
    are left out). Without resamples (``a`` is None), ``ci`` and ``p_value`` are None."""
    result = {"a": point_a, "b": point_b, "difference": point_a - point_b}
    if a is None:
        return {**result, "ci": None, "p_value": None}
    resampled = np.asarray(a, float) - np.asarray(b, float)
    valid = resampled[~np.isnan(resampled)]
    return {
        **result,
        "ci": interval(resampled, confidence),
        "p_value": float(np.mean(valid <= 0)) if valid.size else None,
    }
