"""Constrained BIO decoding: the best tag sequence in which every ``I-X`` continues an ``X``.

Independent per-word argmax can emit ``O I-LOC``, an entity strict IOB2 scoring drops. A
Viterbi pass over log-probabilities with the forbidden transitions masked costs
``O(words × labels²)`` and returns only valid sequences. Sentences are decoded together:
:func:`viterbi_batch` steps through word positions once for a whole batch of similar-length
sentences, so the Python loop runs per position, not per word of every sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .batching import budget_batches
from .labels import OUTSIDE, split_tag

DECODERS = ("viterbi", "greedy")


@lru_cache(maxsize=8)
def _penalties(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Additive ``(transition[prev, next], start[next])``: 0 where allowed, -inf where not."""
    allowed, start = transition_mask(labels)
    return np.where(allowed, 0.0, -np.inf), np.where(start, 0.0, -np.inf)


def transition_mask(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(allowed[prev, next], allowed_start[next])`` for IOB2 over ``labels``."""
    parts = [split_tag(label) for label in labels]
    allowed = np.ones((len(labels), len(labels)), dtype=bool)
    start = np.ones(len(labels), dtype=bool)
    for j, (prefix, entity_type) in enumerate(parts):
        if prefix == "I":
            start[j] = False
            for i, label in enumerate(labels):
                allowed[i, j] = label in (f"B-{entity_type}", f"I-{entity_type}")
    return allowed, start


def log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Best valid IOB2 tags for ``log_probs`` of shape ``[words, labels]``."""
    return viterbi_batch([log_probs], labels)[0]


def viterbi_batch(
    log_probs: Sequence[np.ndarray], labels: Sequence[str], batch_words: int = 1 << 16
) -> list[list[str]]:
    """:func:`viterbi` for many sentences, in length-sorted groups of ``batch_words`` cells."""
    return [[labels[j] for j in path] for path in viterbi_ids(log_probs, labels, batch_words)]


def viterbi_ids(
    log_probs: Sequence[np.ndarray], labels: Sequence[str], batch_words: int = 1 << 16
) -> list[np.ndarray]:
    """:func:`viterbi_batch` as label-id arrays."""
    paths: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in log_probs]
    lengths = [len(scores) for scores in log_probs]
    for group in budget_batches(lengths, batch_words, max_batch_size=4096):
        for index, path in zip(group, _viterbi_group([log_probs[i] for i in group], labels)):
            paths[index] = path
    return paths


def _viterbi_group(log_probs: Sequence[np.ndarray], labels: Sequence[str]) -> list[np.ndarray]:
    n, lengths = len(log_probs), np.asarray([len(scores) for scores in log_probs])
    width = int(lengths.max(initial=0))
    if width == 0:
        return [np.zeros(0, dtype=np.int64) for _ in log_probs]
    scores = np.zeros((n, width, len(labels)))
    for i, row in enumerate(log_probs):
        scores[i, : len(row)] = row
    transition, start = _penalties(tuple(labels))
    best = scores[:, 0] + start  # [n, labels]
    back = np.zeros((n, width, len(labels)), dtype=np.int64)
    for t in range(1, width):
        candidates = best[:, :, None] + transition  # [n, prev, next]
        back[:, t] = candidates.argmax(axis=1)
        stepped = candidates.max(axis=1) + scores[:, t]
        best = np.where((t < lengths)[:, None], stepped, best)  # finished sentences stay put
    rows = np.arange(n)
    current = best.argmax(axis=1)
    path = np.zeros((n, width), dtype=np.int64)
    path[rows, np.maximum(lengths - 1, 0)] = current
    for t in range(width - 1, 0, -1):
        active = t < lengths
        current = np.where(active, back[rows, t, current], current)
        path[:, t - 1] = np.where(active, current, path[:, t - 1])
    return [path[i, : lengths[i]] for i in range(n)]


def decode_ids(
    log_probs: Sequence[np.ndarray], labels: Sequence[str], decoder: str = "viterbi"
) -> list[np.ndarray]:
    """Label ids for each sentence's ``[words, labels]`` scores with the named decoder."""
    if decoder == "viterbi":
        return viterbi_ids(log_probs, labels)
    if decoder == "greedy":
        return [scores.argmax(axis=-1) for scores in log_probs]
    raise ValueError(f"unknown decoder {decoder!r}: expected one of {', '.join(DECODERS)}")


def decode_batch(
    log_probs: Sequence[np.ndarray], labels: Sequence[str], decoder: str = "viterbi"
) -> list[list[str]]:
    """Tags for each sentence's ``[words, labels]`` scores with the named decoder."""
    return [[labels[j] for j in ids] for ids in decode_ids(log_probs, labels, decoder)]


def greedy(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Per-word argmax (what the plain Hugging Face recipe does); may break IOB2."""
    return decode_batch([log_probs], labels, "greedy")[0]


__all__ = [
    "OUTSIDE",
    "decode_batch",
    "decode_ids",
    "greedy",
    "log_softmax",
    "transition_mask",
    "viterbi",
    "viterbi_batch",
    "viterbi_ids",
]
