"""Constrained BIO decoding: the best tag sequence in which every ``I-X`` continues an ``X``.

Independent per-word argmax can emit ``O I-LOC``, an entity strict IOB2 scoring drops. A
Viterbi pass over log-probabilities with the forbidden transitions masked costs
``O(words × labels²)`` and returns only valid sequences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .labels import OUTSIDE, split_tag


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
    if len(log_probs) == 0:
        return []
    allowed, start = transition_mask(labels)
    penalty = np.where(allowed, 0.0, -np.inf)
    best = np.where(start, log_probs[0], -np.inf)
    back = np.zeros(log_probs.shape, dtype=np.int64)
    for t in range(1, len(log_probs)):
        candidates = best[:, None] + penalty  # [prev, next]
        back[t] = candidates.argmax(axis=0)
        best = candidates.max(axis=0) + log_probs[t]
    path = [int(best.argmax())]
    for t in range(len(log_probs) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [labels[i] for i in reversed(path)]


def greedy(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Per-word argmax (what the plain Hugging Face recipe does); may break IOB2."""
    return [labels[i] for i in log_probs.argmax(axis=-1)] if len(log_probs) else []


__all__ = ["OUTSIDE", "greedy", "log_softmax", "transition_mask", "viterbi"]
